//! The auditors' and administrators' pages in the browser: an auditor opens an initiative's
//! history, compares two versions, sees the map as of a moment before the initiative existed
//! (absent) and after (present), verifies the chain to `ok`, and — once an event has been edited
//! behind the API's back — sees the break at that event. An administrator grants the auditor
//! role and the new auditor sees the audit pages at once; erases a person, whose name is then
//! gone from every page. Every new page in every language passes axe-core; every page refuses
//! those without the role, and their header does not offer it.

use chrono::{SecondsFormat, Utc};
use domain::actor::Role;
use e2e::{spawn_app, test_settings, TestApp, PASSWORD};
use reqwest::redirect::Policy;
use store::testing::TestPostgres;

use crate::browser::{Browser, Driver};
use crate::members::{click, fill, goto, text_of, wait_path};
use crate::pages::check;
use crate::SETTLE;

const LANGUAGES: [&str; 3] = ["es", "pt", "en"];

/// Every audit and administration page (GET).
fn paths(initiative: &str, account: &str) -> Vec<String> {
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

async fn sign_in(browser: &Browser, app: &TestApp, email: &str) {
    goto(browser, app, "/sign-in?lang=en").await;
    fill(browser, "#email", email).await;
    fill(browser, "#password", PASSWORD).await;
    click(browser, "form.form button[type=submit]").await;
    wait_path(browser, "/dashboard").await;
}

async fn body_text(browser: &Browser) -> String {
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
        assert!(!text_of(&browser, "#as-of-result").await.is_empty());
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_administrator_grants_the_auditor_role_and_erases_a_person() {
    let db = TestPostgres::create().await;
    let app = spawn_app(test_settings(Some(db.url.clone()))).await;
    app.wait_ready().await;
    let admin = app.admin().await;
    let person = app.sign_up("Valentina").await;
    let initiative = app
        .initiative_managed_by(person.id, "Red de Turismo de Chiloé")
        .await;
    let driver = Driver::start().await;
    let origin = format!("{}/", app.address);

    // Refused to visitors (sent to sign in) and to members (403); links not offered.
    let client = reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .unwrap();
    let member_token = app.token_for(person.id).await;
    for path in paths(&initiative.to_string(), &person.id.to_string()) {
        let url = format!("{}{path}", app.address);
        let visitor = client.get(&url).send().await.unwrap();
        assert_eq!(visitor.status(), 303, "{path} for a visitor");
        let location = visitor.headers()["location"].to_str().unwrap().to_owned();
        assert!(location.starts_with("/sign-in?next="), "{path}: {location}");
        let member = client
            .get(&url)
            .header("cookie", format!("articula-session={member_token}"))
            .send()
            .await
            .unwrap();
        assert_eq!(member.status(), 403, "{path} for a member");
    }
    for (path, form) in [
        (
            format!("/admin/accounts/{}/roles", person.id),
            "role=auditor",
        ),
        (
            format!("/admin/accounts/{}/erasure", person.id),
            "confirm=yes",
        ),
        (
            format!("/admin/accounts/{}/sign-out-everywhere", person.id),
            "",
        ),
    ] {
        let member = client
            .post(format!("{}{path}", app.address))
            .header(
                "cookie",
                format!("articula-session={member_token}; articula-csrf=t"),
            )
            .header("origin", &app.address)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!("csrf=t&{form}"))
            .send()
            .await
            .unwrap();
        assert_eq!(member.status(), 403, "POST {path} for a member");
    }
    let member = driver.browser(true).await;
    sign_in(&member, &app, &person.email).await;
    let header = text_of(&member, ".account-nav").await;
    assert!(
        !header.contains("Audit") && !header.contains("Administration"),
        "{header}"
    );
    goto(&member, &app, "/audit/log?lang=en").await;
    check(&member, &origin, "audit-refused", "en", 403).await;

    // The administrator finds the person and grants the auditor role.
    let browser = driver.browser(true).await;
    sign_in(&browser, &app, &admin.email).await;
    for language in LANGUAGES {
        goto(&browser, &app, &format!("/admin/accounts?lang={language}")).await;
        check(&browser, &origin, "admin-accounts", language, 200).await;
        goto(
            &browser,
            &app,
            &format!("/admin/operations?lang={language}"),
        )
        .await;
        check(&browser, &origin, "admin-operations", language, 200).await;
    }
    goto(&browser, &app, "/admin/accounts?lang=en").await;
    fill(&browser, "#email", &person.email).await;
    click(&browser, "form[role=search] button[type=submit]").await;
    browser
        .wait_for(
            "return location.search.includes('email=')",
            "the search",
            SETTLE,
        )
        .await;
    assert!(text_of(&browser, "#accounts").await.contains("Valentina"));
    click(&browser, "#accounts tbody a").await;
    wait_path(&browser, &format!("/admin/accounts/{}", person.id)).await;
    for language in LANGUAGES {
        goto(
            &browser,
            &app,
            &format!("/admin/accounts/{}?lang={language}", person.id),
        )
        .await;
        check(&browser, &origin, "admin-account", language, 200).await;
    }
    goto(
        &browser,
        &app,
        &format!("/admin/accounts/{}?lang=en", person.id),
    )
    .await;
    browser
        .eval("document.getElementById('role').value = 'auditor'; return true")
        .await;
    click(&browser, "#grant").await;
    browser
        .wait_for(
            "return location.search.includes('done=granted')",
            "the grant",
            SETTLE,
        )
        .await;

    // At once the person is an auditor: the header offers the audit pages, which open.
    goto(&member, &app, "/audit/log?lang=en").await;
    assert!(text_of(&member, ".account-nav").await.contains("Audit"));
    assert!(text_of(&member, "h1").await.contains("event log"));

    // Erasure: the confirmation says what it does and does not remove, and insists.
    for language in LANGUAGES {
        goto(
            &browser,
            &app,
            &format!("/admin/accounts/{}/erasure?lang={language}", person.id),
        )
        .await;
        check(&browser, &origin, "admin-erasure", language, 200).await;
    }
    goto(
        &browser,
        &app,
        &format!("/admin/accounts/{}/erasure?lang=en", person.id),
    )
    .await;
    click(&browser, "#erase").await;
    browser
        .wait_for(
            "return !!document.getElementById('confirm-error')",
            "the error",
            SETTLE,
        )
        .await;
    check(&browser, &origin, "admin-erasure-errors", "en", 400).await;
    click(&browser, "#confirm").await;
    click(&browser, "#erase").await;
    browser
        .wait_for(
            "return location.search.includes('done=erased')",
            "the erasure",
            SETTLE,
        )
        .await;

    // The person's name is gone from every page.
    let pages = [
        format!("/admin/accounts/{}", person.id),
        "/admin/accounts".to_owned(),
        format!("/audit/records/account/{}", person.id),
        format!(
            "/audit/log?aggregate_type=account&aggregate_id={}",
            person.id
        ),
        format!("/audit/records/initiative/{initiative}"),
        format!("/initiatives/{initiative}"),
        "/".to_owned(),
    ];
    for path in &pages {
        let joiner = if path.contains('?') { '&' } else { '?' };
        goto(&browser, &app, &format!("{path}{joiner}lang=en")).await;
        let text = browser
            .eval("return document.documentElement.outerHTML")
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(!text.contains("Valentina"), "the name on {path}");
        assert!(!text.contains(&person.email), "the email on {path}");
    }
    goto(
        &browser,
        &app,
        &format!("/admin/accounts/{}?lang=en", person.id),
    )
    .await;
    assert_eq!(text_of(&browser, "#account-name").await, "erased");
    goto(
        &browser,
        &app,
        &format!("/audit/records/account/{}?lang=en", person.id),
    )
    .await;
    assert!(text_of(&browser, ".audit-personal")
        .await
        .contains("erased"));
    // The erased person's session ended with the erasure.
    goto(&member, &app, "/audit/log?lang=en").await;
    wait_path(&member, "/sign-in").await;
}
