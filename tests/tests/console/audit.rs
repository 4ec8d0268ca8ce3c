//! The auditors' pages in the browser: an auditor opens an initiative's history, compares two
//! versions, sees the map (and the initiative's page) as of a moment before the initiative
//! existed (absent) and after (present), verifies the chain to `ok`, and — once an event has been
//! edited behind the API's back — sees the break at that event. Every page in every language
//! passes axe-core. The administrators' pages, and the refusals of both, are in
//! [`crate::administration`].

use chrono::{SecondsFormat, Utc};
use domain::actor::Role;
use e2e::{spawn_app, test_settings, TestApp, PASSWORD};
use store::testing::TestPostgres;

use crate::browser::{click, fill, goto, text_of, wait_path};
use crate::browser::{Browser, Driver};
use crate::pages::check;
use crate::SETTLE;

pub(crate) const LANGUAGES: [&str; 3] = ["es", "pt", "en"];

/// Every audit and administration page (GET).
pub(crate) fn paths(initiative: &str, account: &str) -> Vec<String> {
    vec![
        "/audit/log".into(),
        format!("/audit/records/initiative/{initiative}"),
        "/audit/integrity".into(),
        "/audit/as-of".into(),
        "/audit/export.ndjson".into(),
        "/admin/accounts".into(),
        format!("/admin/accounts/{account}"),
        format!("/admin/accounts/{account}/erasure"),
        "/admin/operations".into(),
    ]
}

pub(crate) async fn sign_in(browser: &Browser, app: &TestApp, email: &str) {
    goto(browser, app, "/sign-in?lang=en").await;
    fill(browser, "#email", email).await;
    fill(browser, "#password", PASSWORD).await;
    click(browser, "form.form button[type=submit]").await;
    wait_path(browser, "/dashboard").await;
}

pub(crate) async fn body_text(browser: &Browser) -> String {
    browser
        .eval("return document.body.innerText")
        .await
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// `value` for a query string (times and email addresses: letters, digits and `-._~` kept).
fn encoded(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_auditor_replays_history_and_sees_the_log_tampered_with() {
    let db = TestPostgres::create().await;
    let app = spawn_app(test_settings(Some(db.url.clone()))).await;
    app.wait_ready().await;
    let auditor = app.person_with("Aurora", Role::Auditor).await;
    let manager = app.sign_up("Mateo").await;
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    let before = Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true);
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    let name = "Clúster del Salmón de Aysén";
    let initiative = app.initiative_managed_by(manager.id, name).await;
    app.wait_ready().await;
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    let after = Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true);
    let driver = Driver::start().await;
    let browser = driver.browser(true).await;
    let origin = format!("{}/", app.address);
    sign_in(&browser, &app, &auditor.email).await;

    // The header offers the audit pages to an auditor, not the administration.
    let header = text_of(&browser, ".account-nav").await;
    assert!(
        header.contains("Audit") && !header.contains("Administration"),
        "{header}"
    );

    // The initiative's history: both versions, and their differences.
    let record = format!("/audit/records/initiative/{initiative}");
    goto(&browser, &app, &format!("{record}?lang=en")).await;
    let page = body_text(&browser).await;
    assert!(
        page.contains("InitiativeRegistered") || page.contains("InitiativeSubmitted"),
        "{page}"
    );
    assert!(page.contains("InitiativeApproved"), "{page}");
    assert!(text_of(&browser, "#chain-state").await.contains("holds"));
    click(&browser, "form.audit-diff button[type=submit]").await;
    browser
        .wait_for(
            "return !!document.getElementById('differences')",
            "the differences",
            SETTLE,
        )
        .await;
    let differences = text_of(&browser, "#differences").await;
    assert!(differences.contains("status"), "{differences}");
    assert!(text_of(&browser, "#compared").await.contains("version 1"));
    for language in LANGUAGES {
        goto(&browser, &app, &format!("{record}?a=1&b=2&lang={language}")).await;
        check(&browser, &origin, "audit-record", language, 200).await;
    }

    // The map as of a moment before the initiative existed, and after.
    goto(
        &browser,
        &app,
        &format!("/audit/as-of?as_of={}&lang=en", encoded(&before)),
    )
    .await;
    click(&browser, "#map-then").await;
    wait_path(&browser, "/").await;
    assert!(
        !text_of(&browser, ".past-banner").await.is_empty(),
        "marked as the past"
    );
    assert!(
        !body_text(&browser).await.contains(name),
        "absent before it existed"
    );
    goto(
        &browser,
        &app,
        &format!("/?as_of={}&lang=en", encoded(&after)),
    )
    .await;
    browser
        .wait_for(
            &format!("return document.body.innerText.includes({name:?})"),
            "the initiative on the map as it stood after",
            SETTLE,
        )
        .await;
    assert!(!text_of(&browser, ".past-banner").await.is_empty());
    goto(&browser, &app, "/?lang=en").await;
    assert!(
        text_of(&browser, ".past-banner").await.is_empty(),
        "the live map has no banner"
    );
    // The initiative's page: not there before it existed, there (marked as the past) after.
    let old_page = format!("/initiatives/{initiative}/x?as_of=");
    goto(
        &browser,
        &app,
        &format!("{old_page}{}&lang=en", encoded(&before)),
    )
    .await;
    check(&browser, &origin, "audit-initiative-before", "en", 404).await;
    for language in LANGUAGES {
        goto(
            &browser,
            &app,
            &format!("{old_page}{}&lang={language}", encoded(&after)),
        )
        .await;
        browser
            .wait_for(
                &format!("return document.body.innerText.includes({name:?})"),
                "the initiative as it stood",
                SETTLE,
            )
            .await;
        assert!(!text_of(&browser, ".past-banner").await.is_empty());
        check(&browser, &origin, "audit-initiative-as-of", language, 200).await;
    }
    for language in LANGUAGES {
        goto(
            &browser,
            &app,
            &format!("/audit/as-of?as_of={}&lang={language}", encoded(&after)),
        )
        .await;
        let result = text_of(&browser, "#as-of-result").await;
        assert!(!result.is_empty());
        // The summary names the moment alone, not the whole "this page shows the past" sentence.
        assert!(!result.contains("(UTC),"), "{result}");
        check(&browser, &origin, "audit-as-of", language, 200).await;
        goto(
            &browser,
            &app,
            &format!("/?as_of={}&lang={language}", encoded(&after)),
        )
        .await;
        check(&browser, &origin, "audit-map-as-of", language, 200).await;
        goto(
            &browser,
            &app,
            &format!("/statistics?at_position=2&lang={language}"),
        )
        .await;
        check(&browser, &origin, "audit-statistics-as-of", language, 200).await;
    }

    // The log, filtered to the initiative; a trace from one of its events.
    for language in LANGUAGES {
        goto(
            &browser,
            &app,
            &format!(
                "/audit/log?aggregate_type=initiative&aggregate_id={initiative}&lang={language}"
            ),
        )
        .await;
        assert_eq!(
            browser
                .eval("return document.querySelectorAll('.audit-event').length")
                .await,
            2
        );
        check(&browser, &origin, "audit-log", language, 200).await;
    }
    let trace = browser
        .eval("return document.querySelector('.audit-meta a[href^=\"/audit/trace/\"]').getAttribute('href')")
        .await;
    let trace = trace.as_str().expect("a link to the trace").to_owned();
    let trace = trace.split('?').next().unwrap_or_default().to_owned();
    for language in LANGUAGES {
        goto(&browser, &app, &format!("{trace}?lang={language}")).await;
        let page = body_text(&browser).await;
        assert!(page.contains("InitiativeApproved"), "{page}");
        check(&browser, &origin, "audit-trace", language, 200).await;
    }
    // A filter that is not one: the error beside its field.
    goto(&browser, &app, "/audit/log?actor=ana%40example.org&lang=en").await;
    assert!(!text_of(&browser, "#actor-error").await.is_empty());
    check(&browser, &origin, "audit-log-errors", "en", 400).await;

    // The chain verifies.
    goto(&browser, &app, "/audit/integrity?lang=en").await;
    click(&browser, "#verify-chain").await;
    browser
        .wait_for(
            "return !!document.getElementById('chain-result')",
            "the verification",
            SETTLE,
        )
        .await;
    let result = text_of(&browser, "#chain-result").await;
    assert!(result.starts_with("ok"), "{result}");
    assert_eq!(text_of(&browser, "#head-hash").await.len(), 64);
    for language in LANGUAGES {
        goto(
            &browser,
            &app,
            &format!("/audit/integrity?projection=map&lang={language}"),
        )
        .await;
        assert!(!text_of(&browser, "#projection-result").await.is_empty());
        check(&browser, &origin, "audit-integrity", language, 200).await;
    }

    // An event edited behind the API: the browser names it.
    let store::Database::Postgres(pool) = app.state.log.database() else {
        panic!("the browser tests run on PostgreSQL");
    };
    let edited: i64 = sqlx::query_scalar(
        "UPDATE events SET metadata = jsonb_set(metadata::jsonb, '{command}', '\"Forged\"')::json \
         WHERE aggregate_type = 'initiative' AND aggregate_id = $1 AND sequence = 1 \
         RETURNING position",
    )
    .bind(initiative.to_string())
    .fetch_one(pool)
    .await
    .expect("the event is edited");
    goto(&browser, &app, "/audit/integrity?verify=chain&lang=en").await;
    let result = text_of(&browser, "#chain-result").await;
    assert!(result.starts_with("Broken"), "{result}");
    assert!(result.contains(&format!("position {edited}")), "{result}");
    assert!(result.contains(&initiative.to_string()), "{result}");
    assert!(!text_of(&browser, "#break-reason").await.is_empty());
    check(&browser, &origin, "audit-integrity-broken", "en", 200).await;
    goto(&browser, &app, &format!("{record}?lang=en")).await;
    assert!(text_of(&browser, "#chain-state")
        .await
        .contains("version 1"));
}
