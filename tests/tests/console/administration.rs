//! The administrators' pages in the browser: every audit and administration page refuses
//! visitors (sent to sign in) and members (403), whose header does not offer them; an
//! administrator grants the auditor role and the new auditor sees the audit pages at once;
//! erases a person (after a confirmation that says what erasure does and does not remove), whose
//! name is then gone from every page. Every page in every language passes axe-core.

use e2e::{spawn_app, test_settings};
use reqwest::redirect::Policy;
use store::notifications::{NewNotification, NotificationStatus, Notifications};
use store::testing::TestPostgres;

use crate::audit::{paths, sign_in, LANGUAGES};
use crate::browser::Driver;
use crate::browser::{click, fill, goto, text_of, wait_path};
use crate::pages::check;
use crate::SETTLE;

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
    // A mail that failed for good, listed with its reason, and tried again.
    let outbox = Notifications::new(app.state.log.database());
    let later = chrono::Utc::now().timestamp_millis() + 3_600_000;
    let mail = NewNotification {
        id: "failed-mail".into(),
        event_position: 0,
        recipient: admin.id.to_string(),
        kind: "decision".into(),
        language: "en".into(),
        subject: "A decision".into(),
        body_text: "A decision.".into(),
        body_html: "<p>A decision.</p>".into(),
        message_id: "<failed-mail@articula.test>".into(),
    };
    outbox.enqueue(&mail, later).await.unwrap();
    outbox
        .mark_failed(
            "failed-mail",
            later,
            "the mail server refused the address",
            store::notifications::Commit::Durable,
        )
        .await
        .unwrap();
    goto(&browser, &app, "/admin/operations?lang=en").await;
    assert!(text_of(&browser, "main")
        .await
        .contains("refused the address"));
    check(&browser, &origin, "admin-operations-failed", "en", 200).await;
    click(&browser, "#retry-failed-mail").await;
    browser
        .wait_for(
            "return location.search.includes('done=retried')",
            "the retry",
            SETTLE,
        )
        .await;
    let failed = outbox.list(NotificationStatus::Failed, 10).await.unwrap();
    assert!(failed.iter().all(|n| n.id != "failed-mail"), "{failed:?}");
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
