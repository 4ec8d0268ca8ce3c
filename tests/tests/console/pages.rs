//! Every public page in every language: clean network, clean console, accessible, in its
//! language; and readable without JavaScript.

use serde_json::Value;

use crate::browser::{screenshots, Browser, Driver};
use crate::{seeded, SETTLE};

const LANGUAGES: [&str; 3] = ["es", "pt", "en"];

/// Where `path` (a page without its slug) leads: the page's own path.
pub(crate) async fn landing(app: &e2e::TestApp, path: &str) -> String {
    let page = app
        .client
        .get(format!("{}{path}", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200, "{path}");
    let landed = page.url().path().to_owned();
    assert!(landed.starts_with(&format!("{path}/")), "{path} → {landed}");
    landed
}

/// The id of the first item of the API's list `path` (a page `{items: […]}`).
pub(crate) async fn first_id(app: &e2e::TestApp, path: &str) -> String {
    let list: Value = app.get(path).await.json().await.unwrap();
    list["items"][0]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{path} lists an item: {list}"))
        .to_owned()
}

/// The library's, communities' and joint projects' pages: each list, and one item of each kind.
async fn public_pages(app: &e2e::TestApp) -> Vec<(String, String, u64)> {
    let publication = first_id(app, "/v1/publications?kind=publication").await;
    let news = first_id(app, "/v1/publications?kind=news").await;
    let gathering = first_id(app, "/v1/gatherings").await;
    let community = first_id(app, "/v1/communities").await;
    let project = first_id(app, "/v1/joint-projects").await;
    vec![
        ("publications".into(), "/publications".into(), 200),
        (
            "publications-filtered".into(),
            "/publications?topic=report_or_study&language=es".into(),
            200,
        ),
        (
            "publication".into(),
            landing(app, &format!("/publications/{publication}")).await,
            200,
        ),
        ("news-list".into(), "/news".into(), 200),
        (
            "news".into(),
            landing(app, &format!("/news/{news}")).await,
            200,
        ),
        ("gatherings".into(), "/gatherings".into(), 200),
        (
            "gatherings-past".into(),
            "/gatherings?when=past".into(),
            200,
        ),
        (
            "gatherings-bad-date".into(),
            "/gatherings?from=2026-13-45".into(),
            400,
        ),
        (
            "gathering".into(),
            landing(app, &format!("/gatherings/{gathering}")).await,
            200,
        ),
        ("communities".into(), "/communities".into(), 200),
        (
            "community".into(),
            landing(app, &format!("/communities/{community}")).await,
            200,
        ),
        ("joint-projects".into(), "/joint-projects".into(), 200),
        (
            "joint-project".into(),
            landing(app, &format!("/joint-projects/{project}")).await,
            200,
        ),
    ]
}

/// The pages to visit: `(name for the screenshot, path, expected status)`.
async fn pages(app: &e2e::TestApp) -> Vec<(String, String, u64)> {
    let map: Value = app.get("/v1/map?q=osorno").await.json().await.unwrap();
    let id = map["features"][0]["id"]
        .as_str()
        .expect("an initiative in Osorno");
    let page = app
        .client
        .get(format!("{}/initiatives/{id}", app.address))
        .send()
        .await
        .unwrap();
    let initiative = page.url().path().to_owned();
    assert!(
        initiative.starts_with(&format!("/initiatives/{id}/")),
        "{initiative}"
    );
    let mut pages = vec![
        ("map".into(), "/".into(), 200),
        (
            "map-filtered".into(),
            "/?country=CL&sector=manufacturing".into(),
            200,
        ),
        ("initiative".into(), initiative, 200),
        ("statistics".into(), "/statistics".into(), 200),
        ("not-found".into(), "/no-such-page".into(), 404),
    ];
    pages.extend(public_pages(app).await);
    pages
}

/// Checks the page just loaded: only this origin, nothing failed, no console error, no axe
/// violation, `<html lang>` and the alternates; then keeps a screenshot.
pub(crate) async fn check(
    browser: &Browser,
    origin: &str,
    name: &str,
    language: &str,
    status: u64,
) {
    let traffic = browser.traffic().await;
    let foreign: Vec<&String> = traffic
        .requests
        .iter()
        .filter(|url| !url.starts_with(origin) && !url.starts_with("data:"))
        .collect();
    assert!(
        foreign.is_empty(),
        "{name}/{language}: requests to another origin: {foreign:?}"
    );
    assert!(
        traffic.failures.is_empty(),
        "{name}/{language}: failed requests: {:?}",
        traffic.failures
    );
    let bad: Vec<&(String, u64)> = traffic
        .responses
        .iter()
        .filter(|(_, s)| *s >= 400 && !(status >= 400 && *s == status))
        .collect();
    assert!(
        bad.is_empty(),
        "{name}/{language}: failing responses: {bad:?}"
    );
    assert!(
        traffic.requests.len() >= 2,
        "{name}/{language}: the log shows the page and its style sheet: {:?}",
        traffic.requests
    );
    // An error page's own status is reported on the console; nothing else may be.
    let errors: Vec<&String> = traffic
        .errors
        .iter()
        .filter(|e| !(status >= 400 && e.contains(&status.to_string())))
        .collect();
    assert!(
        errors.is_empty(),
        "{name}/{language}: console errors: {errors:?}"
    );
    let violations = browser.accessibility_violations().await;
    assert!(
        violations.is_empty(),
        "{name}/{language}: axe-core: {violations:#?}"
    );
    let lang = browser.eval("return document.documentElement.lang").await;
    assert_eq!(lang, language, "{name}: <html lang>");
    // Pages for search engines name their alternates; forms and one's own pages are not indexed.
    let indexed = browser
        .eval("return !document.querySelector('meta[name=robots]')")
        .await;
    if status == 200 && indexed == true {
        let alternates = browser
            .eval(
                "return Array.from(document.querySelectorAll('link[rel=alternate][hreflang]'))
                    .map(l => l.hreflang).join(',')",
            )
            .await;
        assert_eq!(alternates, "es,pt,en,x-default", "{name}/{language}");
    }
    browser.screenshot(&format!("{name}-{language}")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_in_every_language_is_clean_accessible_and_in_its_language() {
    let seeded = seeded().await;
    let app = &seeded.app;
    let driver = Driver::start().await;
    let browser = driver.browser(true).await;
    let origin = format!("{}/", app.address);
    for (name, path, status) in pages(app).await {
        for language in LANGUAGES {
            let separator = if path.contains('?') { '&' } else { '?' };
            let url = format!("{}{path}{separator}lang={language}", app.address);
            browser.client.goto(&url).await.expect("the page opens");
            if name.starts_with("map") {
                browser
                    .wait_for(
                        "return document.getElementById('map').dataset.pointsDrawn",
                        "the map's points",
                        SETTLE,
                    )
                    .await;
                // Outlines and clusters drawn, then the network is quiet.
                browser
                    .wait_for(
                        "return document.querySelectorAll('path.leaflet-interactive, .leaflet-overlay-pane path').length > 0",
                        "the outlines",
                        SETTLE,
                    )
                    .await;
            }
            check(&browser, &origin, &name, language, status).await;
        }
    }
    let drawn = browser
        .eval("return performance.getEntriesByName('articula:points').map(m => m.duration)")
        .await;
    println!("map points drawn (ms, last page): {drawn}");
    browser.client.close().await.unwrap();

    // Without JavaScript: the pages read the same, and the map page's table and filters work.
    let plain = driver.browser(false).await;
    for language in LANGUAGES {
        plain
            .client
            .goto(&format!("{}/?lang={language}", app.address))
            .await
            .unwrap();
        let rows = plain
            .eval("return document.querySelectorAll('#results tbody tr').length")
            .await;
        assert_eq!(rows, 100, "the first page of the table");
        let hidden = plain
            .eval("return document.getElementById('map-view').hidden")
            .await;
        assert_eq!(hidden, true, "no empty map box without script");
        plain
            .eval("document.getElementById('filter-country').value = 'UY'; return true")
            .await;
        plain
            .client
            .find(fantoccini::Locator::Css("#filters button[type=submit]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        // The click returns before the next page has replaced this one on a busy machine.
        plain
            .wait_for(
                "return location.search.includes('country=UY') && document.readyState === 'complete'",
                "the filtered page",
                SETTLE,
            )
            .await;
        let rows = plain
            .eval("return document.querySelectorAll('#results tbody tr').length")
            .await;
        assert_eq!(rows, 13, "Uruguay's initiatives in the table");
        let count = plain
            .eval("return document.getElementById('result-count').textContent")
            .await;
        assert!(count.as_str().unwrap().starts_with("13 "), "{count}");
        plain
            .screenshot(&format!("map-without-javascript-{language}"))
            .await;
        plain
            .client
            .find(fantoccini::Locator::Css("#results tbody a"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let heading = plain
            .eval("return document.querySelector('h1').textContent")
            .await;
        assert!(!heading.as_str().unwrap().is_empty());
        assert!(
            plain
                .eval("return !!document.querySelector('svg.mini-map')")
                .await
                == true
        );
        let traffic = plain.traffic().await;
        assert!(traffic.errors.is_empty(), "{:?}", traffic.errors);
    }
    plain.client.close().await.unwrap();
    println!("screenshots in {}", screenshots().display());
}
