//! What a person does on the map page: filter, open a cluster and a point, switch language, and
//! all of it from the keyboard.

use fantoccini::Locator;
use serde_json::Value;

use crate::browser::Browser;
use crate::{seeded, SETTLE};

/// Waits until the map shows `count` points and the count says so.
async fn shows(browser: &Browser, count: u64, number_text: &str) {
    browser
        .wait_for(
            &format!(
                "return document.getElementById('map').dataset.pointsDrawn === '{count}'
                    && document.getElementById('result-count').textContent.startsWith('{number_text} ')"
            ),
            &format!("{count} points and the count"),
            SETTLE,
        )
        .await;
}

async fn query(browser: &Browser) -> String {
    let url = browser.client.current_url().await.unwrap();
    url.query().unwrap_or_default().to_owned()
}

async fn select(browser: &Browser, id: &str, value: &str) {
    browser
        .eval(&format!(
            "const s = document.getElementById('{id}'); s.value = '{value}';
             s.dispatchEvent(new Event('change', {{bubbles: true}})); return true"
        ))
        .await;
}

async fn on_an_initiative_page(browser: &Browser) -> String {
    browser
        .wait_for(
            "return location.pathname.startsWith('/initiatives/') && !!document.querySelector('svg.mini-map')",
            "the initiative's page",
            SETTLE,
        )
        .await;
    browser
        .client
        .current_url()
        .await
        .unwrap()
        .path()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filters_clusters_points_language_and_keyboard_work_on_the_map() {
    let seeded = seeded().await;
    let app = &seeded.app;
    let driver = crate::browser::Driver::start().await;
    let browser = driver.browser(true).await;
    let home = format!("{}/?lang=es", app.address);

    // Filtering by country, then sector, then text: points, count and URL follow.
    browser.client.goto(&home).await.unwrap();
    shows(&browser, 258, "258").await;
    select(&browser, "filter-country", "CL").await;
    shows(&browser, 98, "98").await;
    assert!(query(&browser).await.contains("country=CL"));
    let chilean_manufacturing: Value = app
        .get("/v1/map?country=CL&sector=manufacturing")
        .await
        .json()
        .await
        .unwrap();
    let expected = chilean_manufacturing["features"].as_array().unwrap().len() as u64;
    assert!(expected > 1 && expected < 98);
    select(&browser, "filter-sector", "manufacturing").await;
    shows(&browser, expected, &expected.to_string()).await;
    let q = query(&browser).await;
    assert!(
        q.contains("country=CL") && q.contains("sector=manufacturing"),
        "{q}"
    );
    let rows = browser
        .eval("return document.querySelectorAll('#results tbody tr').length")
        .await;
    assert_eq!(rows, expected, "the table follows the map");
    // Text that ignores accents and case: "OSORNO" finds Osorno's initiatives.
    select(&browser, "filter-sector", "").await;
    let osorno: Value = app.get("/v1/map?q=osorno").await.json().await.unwrap();
    let in_osorno = osorno["features"].as_array().unwrap().len() as u64;
    assert!(in_osorno >= 1);
    let search = browser.client.find(Locator::Id("filter-q")).await.unwrap();
    search.send_keys("ÓSORNO\u{e007}").await.unwrap();
    shows(&browser, in_osorno, &in_osorno.to_string()).await;
    assert!(query(&browser).await.contains("q=%C3%93SORNO"));

    // A cluster opens into points; a point leads to the initiative's page.
    browser.client.goto(&home).await.unwrap();
    shows(&browser, 258, "258").await;
    let mut opened = false;
    for _ in 0..12 {
        let points = browser
            .eval("return document.querySelectorAll('.leaflet-marker-icon.point').length")
            .await;
        if points.as_u64().unwrap_or(0) > 0 {
            opened = true;
            break;
        }
        browser
            .client
            .find(Locator::Css(".leaflet-marker-icon.cluster"))
            .await
            .expect("a cluster on the map")
            .click()
            .await
            .unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(700)).await;
    }
    assert!(opened, "clusters open into points");
    browser
        .client
        .find(Locator::Css(".leaflet-marker-icon.point"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let page = on_an_initiative_page(&browser).await;

    // The language switch keeps the page.
    browser
        .client
        .find(Locator::Css(".language-switch a[hreflang=pt]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser
        .wait_for(
            "return document.documentElement.lang === 'pt'",
            "Portuguese",
            SETTLE,
        )
        .await;
    assert_eq!(browser.client.current_url().await.unwrap().path(), page);

    // The keyboard alone: Tab to a point of Uruguay's map, Enter opens it.
    browser
        .client
        .goto(&format!("{}/?country=UY&lang=en", app.address))
        .await
        .unwrap();
    shows(&browser, 13, "13").await;
    let mut reached = String::new();
    for _ in 0..80 {
        browser
            .client
            .active_element()
            .await
            .unwrap()
            .send_keys("\u{e004}")
            .await
            .unwrap();
        let focused = browser
            .eval("const e = document.activeElement; return e ? e.className : ''")
            .await;
        let class = focused.as_str().unwrap_or_default();
        if class.contains("point") {
            reached = "point".into();
            break;
        }
        if class.contains("cluster") && reached.is_empty() {
            // Enter opens the cluster; then Tab goes on to its points.
            browser
                .client
                .active_element()
                .await
                .unwrap()
                .send_keys("\u{e007}")
                .await
                .unwrap();
            reached = "cluster".into();
            tokio::time::sleep(std::time::Duration::from_millis(700)).await;
        }
    }
    assert_eq!(reached, "point", "Tab reaches a point on the map");
    browser
        .client
        .active_element()
        .await
        .unwrap()
        .send_keys("\u{e007}")
        .await
        .unwrap();
    on_an_initiative_page(&browser).await;
    let lang = browser.eval("return document.documentElement.lang").await;
    assert_eq!(lang, "en", "the page opens in the reader's language");
    browser.client.close().await.unwrap();
}
