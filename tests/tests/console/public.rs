//! The library, communities and joint projects as a visitor uses them: a filter on the
//! publications list changes the result and the URL; a gathering page gives its times in its
//! own zone and the visitor's, and its `.ics` holds the event; the initiative page leads to its
//! communities and joint projects; the pages read well without JavaScript; the sitemap lists
//! them in every language.

use fantoccini::Locator;
use serde_json::Value;

use crate::browser::{Browser, Driver};
use crate::pages::{first_id, landing};
use crate::{seeded, SETTLE};

/// Submits the page's filter form and waits for the next page to hold `expected` in its URL.
async fn apply_filters(browser: &Browser, expected: &str) {
    browser
        .client
        .find(Locator::Css("#filters button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser
        .wait_for(
            &format!(
                "return location.search.includes('{expected}') && document.readyState === 'complete'"
            ),
            &format!("the page filtered by {expected}"),
            SETTLE,
        )
        .await;
}

async fn text(browser: &Browser, script: &str) -> String {
    browser
        .eval(script)
        .await
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

async fn titles(browser: &Browser) -> Vec<String> {
    let value = browser
        .eval("return Array.from(document.querySelectorAll('#results .entry__title a')).map(a => a.textContent)")
        .await;
    serde_json::from_value(value).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_visitor_filters_the_library_reads_a_gathering_in_both_zones_and_follows_an_initiative() {
    let seeded = seeded().await;
    let app = &seeded.app;
    let driver = Driver::start().await;
    let browser = driver.browser(true).await;

    // Filtering the publications by topic: fewer items, each of that topic, and the URL says so.
    let everything: Value = app
        .get("/v1/publications?kind=publication")
        .await
        .json()
        .await
        .unwrap();
    let report_or_study: Value = app
        .get("/v1/publications?kind=publication&topic=report_or_study")
        .await
        .json()
        .await
        .unwrap();
    let (all, some) = (
        everything["total"].as_u64().unwrap(),
        report_or_study["total"].as_u64().unwrap(),
    );
    assert!(some >= 1 && some < all, "{some} of {all}");
    browser
        .client
        .goto(&format!("{}/publications?lang=en", app.address))
        .await
        .unwrap();
    let count = text(
        &browser,
        "return document.getElementById('result-count').textContent",
    )
    .await;
    assert!(count.starts_with(&format!("{all} ")), "{count}");
    assert_eq!(titles(&browser).await.len() as u64, all);
    browser
        .eval("document.getElementById('topic').value = 'report_or_study'; return true")
        .await;
    apply_filters(&browser, "topic=report_or_study").await;
    let count = text(
        &browser,
        "return document.getElementById('result-count').textContent",
    )
    .await;
    assert!(count.starts_with(&format!("{some} ")), "{count}");
    let shown = titles(&browser).await;
    let expected: Vec<String> = report_or_study["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["title"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(shown, expected, "the API's selection, in its order");
    let tags = text(
        &browser,
        "return Array.from(document.querySelectorAll('#results .tags')).map(t => t.textContent).join('|')",
    )
    .await;
    assert_eq!(
        tags.matches("Report or study").count() as u64,
        some,
        "{tags}"
    );
    let url = browser.client.current_url().await.unwrap();
    assert!(url.query().unwrap().contains("lang=en"), "{url}");

    // A gathering: its zone named with the offset, the visitor's time added by the script.
    let id = first_id(app, "/v1/gatherings").await;
    let gathering: Value = app
        .get(&format!("/v1/publications/{id}"))
        .await
        .json()
        .await
        .unwrap();
    let zone = gathering["gathering"]["time_zone"].as_str().unwrap();
    let path = landing(app, &format!("/gatherings/{id}")).await;
    browser
        .client
        .goto(&format!("{}{path}?lang=en", app.address))
        .await
        .unwrap();
    let own = text(
        &browser,
        "return document.querySelector('.zone').textContent",
    )
    .await;
    assert!(own.contains(zone) && own.contains("UTC"), "{own}");
    let when = text(
        &browser,
        "return document.querySelector('.when time').dateTime",
    )
    .await;
    let starts = gathering["gathering"]["starts_at"].as_str().unwrap();
    assert!(
        when.starts_with(&starts[..16]),
        "{when} is {starts} in its zone"
    );
    let local = browser
        .wait_for(
            "const p = document.getElementById('local-time'); return !p.hidden && p.textContent",
            "the visitor's time",
            SETTLE,
        )
        .await;
    let visitor_zone = text(
        &browser,
        "return Intl.DateTimeFormat().resolvedOptions().timeZone",
    )
    .await;
    let local = local.as_str().unwrap();
    assert!(
        local.starts_with("In your time zone: ") && local.contains(&visitor_zone),
        "{local}"
    );
    let instant = text(
        &browser,
        "return document.querySelector('#local-time time').dateTime",
    )
    .await;
    let utc = gathering["gathering"]["starts_at_utc"].as_str().unwrap();
    assert_eq!(instant[..16], utc[..16], "the same instant");
    let ics = text(
        &browser,
        "return document.querySelector('a[href$=\"/calendar.ics\"]').getAttribute('href')",
    )
    .await;
    let answer = app.get(&ics).await;
    assert_eq!(answer.status(), 200);
    assert_eq!(
        answer.headers()["content-type"].to_str().unwrap(),
        "text/calendar; charset=utf-8"
    );
    let calendar = answer.text().await.unwrap();
    let unfolded = calendar.replace("\r\n ", "");
    assert!(unfolded.starts_with("BEGIN:VCALENDAR\r\n"));
    assert_eq!(unfolded.matches("BEGIN:VEVENT").count(), 1, "{unfolded}");
    assert!(
        unfolded.contains(&format!("UID:{id}@articula")),
        "{unfolded}"
    );
    let dtstart = format!(
        "DTSTART:{}",
        utc.replace(['-', ':'], "")
            .trim_end_matches('Z')
            .split('.')
            .next()
            .unwrap()
    );
    assert!(unfolded.contains(&dtstart), "{dtstart} in {unfolded}");
    let title = gathering["title"].as_str().unwrap();
    assert!(unfolded.contains(&format!("SUMMARY:{title}")), "{unfolded}");
    // The subscription holds it too, and a gathering not approved is in no calendar.
    let upcoming = app.get("/gatherings.ics").await;
    assert_eq!(upcoming.status(), 200);
    assert!(upcoming
        .text()
        .await
        .unwrap()
        .contains(&format!("UID:{id}@articula")));
    let rejected = app
        .get(&format!(
            "/gatherings/{}/calendar.ics",
            uuid::Uuid::new_v4()
        ))
        .await;
    assert_eq!(rejected.status(), 404);

    // An initiative page leads to its communities and its joint projects: the lead of a public
    // project whose managers belong to a community.
    let projects: Value = app.get("/v1/joint-projects").await.json().await.unwrap();
    let mut chosen = None;
    for project in projects["items"].as_array().unwrap() {
        let lead = project["lead"]["id"].as_str().unwrap().to_owned();
        let communities: Value = app
            .get(&format!("/v1/initiatives/{lead}/communities"))
            .await
            .json()
            .await
            .unwrap();
        if !communities.as_array().unwrap().is_empty() {
            chosen = Some((project.clone(), lead, communities));
            break;
        }
    }
    let (project, lead, communities) = chosen.expect("a project whose lead is in a community");
    let initiative = landing(app, &format!("/initiatives/{lead}")).await;
    let community_names: Vec<&str> = communities
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    browser
        .client
        .goto(&format!("{}{initiative}?lang=es", app.address))
        .await
        .unwrap();
    let listed = browser
        .eval("return Array.from(document.querySelectorAll('#initiative-communities a')).map(a => a.textContent)")
        .await;
    let listed: Vec<String> = serde_json::from_value(listed).unwrap();
    assert_eq!(
        listed, community_names,
        "the API's communities of the initiative"
    );
    browser
        .client
        .find(Locator::Css("#initiative-projects a"))
        .await
        .expect("a link to its joint project")
        .click()
        .await
        .unwrap();
    browser
        .wait_for(
            "return location.pathname.startsWith('/joint-projects/') && document.readyState === 'complete'",
            "the joint project's page",
            SETTLE,
        )
        .await;
    let heading = text(&browser, "return document.querySelector('h1').textContent").await;
    let expected_title = project["title"].as_str().unwrap();
    assert_eq!(heading, expected_title);
    // And back, from the project to its lead.
    let lead_link = text(
        &browser,
        "return document.querySelector('#who-heading ~ p a').getAttribute('href')",
    )
    .await;
    assert_eq!(lead_link, initiative);
    browser
        .client
        .goto(&format!("{}{initiative}?lang=es", app.address))
        .await
        .unwrap();
    browser
        .client
        .find(Locator::Css("#initiative-communities a"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser
        .wait_for(
            "return location.pathname.startsWith('/communities/') && document.readyState === 'complete'",
            "the community's page",
            SETTLE,
        )
        .await;
    let heading = text(&browser, "return document.querySelector('h1').textContent").await;
    assert_eq!(heading, community_names[0]);
    browser.client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_library_communities_and_projects_read_well_without_javascript_and_are_in_the_sitemap()
{
    let seeded = seeded().await;
    let app = &seeded.app;
    let driver = Driver::start().await;
    let plain = driver.browser(false).await;

    // The gatherings list, filtered to the past ones with the form alone.
    plain
        .client
        .goto(&format!("{}/gatherings?lang=pt", app.address))
        .await
        .unwrap();
    let upcoming = text(
        &plain,
        "return document.getElementById('result-count').textContent",
    )
    .await;
    plain
        .eval("document.getElementById('when').value = 'past'; return true")
        .await;
    apply_filters(&plain, "when=past").await;
    let past: Value = app
        .get("/v1/gatherings?when=past")
        .await
        .json()
        .await
        .unwrap();
    let count = text(
        &plain,
        "return document.getElementById('result-count').textContent",
    )
    .await;
    let total = past["total"].as_u64().unwrap();
    assert!(count.starts_with(&format!("{total} ")), "{count}");
    assert_ne!(count, upcoming);
    plain
        .screenshot("gatherings-past-without-javascript-pt")
        .await;

    // A gathering page: its times in its own zone, named; nothing left empty by the script.
    let id = first_id(app, "/v1/gatherings").await;
    let path = landing(app, &format!("/gatherings/{id}")).await;
    plain
        .client
        .goto(&format!("{}{path}?lang=es", app.address))
        .await
        .unwrap();
    let zone = text(&plain, "return document.querySelector('.zone').textContent").await;
    assert!(
        zone.starts_with("Zona horaria: ") && zone.contains("UTC"),
        "{zone}"
    );
    let hidden = plain
        .eval("return document.getElementById('local-time').hidden")
        .await;
    assert_eq!(hidden, true, "no empty box without script");
    let when = text(&plain, "return document.querySelector('.when').textContent").await;
    assert!(when.contains(" de 20"), "{when}");
    plain.screenshot("gathering-without-javascript-es").await;

    // A community with its threads, a project with its partners.
    for (list, item) in [
        ("/v1/communities", "/communities"),
        ("/v1/joint-projects", "/joint-projects"),
    ] {
        let id = first_id(app, list).await;
        let path = landing(app, &format!("{item}/{id}")).await;
        plain
            .client
            .goto(&format!("{}{path}?lang=en", app.address))
            .await
            .unwrap();
        let heading = text(&plain, "return document.querySelector('h1').textContent").await;
        assert!(!heading.is_empty());
        let traffic = plain.traffic().await;
        assert!(traffic.errors.is_empty(), "{:?}", traffic.errors);
    }
    plain.client.close().await.unwrap();

    // Every new page, in every language, with its alternates.
    let sitemap = app.get("/sitemap.xml").await.text().await.unwrap();
    let base = sitemap
        .split("<loc>")
        .nth(1)
        .and_then(|loc| loc.split("/?lang=").next())
        .expect("the map page first")
        .to_owned();
    let publication = first_id(app, "/v1/publications?kind=publication").await;
    let community = first_id(app, "/v1/communities").await;
    let project = first_id(app, "/v1/joint-projects").await;
    let pages = [
        "/publications".to_owned(),
        "/news".to_owned(),
        "/gatherings".to_owned(),
        "/communities".to_owned(),
        "/joint-projects".to_owned(),
        landing(app, &format!("/publications/{publication}")).await,
        path,
        landing(app, &format!("/communities/{community}")).await,
        landing(app, &format!("/joint-projects/{project}")).await,
    ];
    for page in &pages {
        for language in ["es", "pt", "en"] {
            let loc = format!("<loc>{base}{page}?lang={language}</loc>");
            assert!(sitemap.contains(&loc), "{loc} in the sitemap");
            for alternate in ["es", "pt", "en"] {
                let link = format!(
                    "<xhtml:link rel=\"alternate\" hreflang=\"{alternate}\" href=\"{base}{page}?lang={alternate}\"/>"
                );
                assert!(sitemap.contains(&link), "{link} in the sitemap");
            }
        }
    }
    // What the seed holds: approved items and public projects are listed, nothing else is.
    let seed: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../seeds/activity.json"
        ))
        .unwrap(),
    )
    .unwrap();
    for (records, public) in [
        ("publications", &["approved"][..]),
        ("joint_projects", &["approved", "active", "completed"][..]),
    ] {
        for record in seed[records].as_array().unwrap() {
            let id = record["id"].as_str().unwrap();
            let state = record["state"].as_str().unwrap();
            assert_eq!(
                sitemap.contains(&format!("/{id}/")),
                public.contains(&state),
                "{records} {id} ({state}) in the sitemap"
            );
        }
    }
}
