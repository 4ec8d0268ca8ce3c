//! Moderators and managers in the browser: a member registers an initiative; a moderator claims
//! it in the queue and another moderator sees the claim; the first releases and claims it again,
//! then approves it and it is on the public map. The member edits the profile (the change waits
//! beside the approved profile); the moderator sees the change field by field, is told beside
//! the field that a rejection needs a reason, is refused a decision on a version that changed
//! after the page was read (with a message saying so), and then rejects it with a reason that the
//! member reads on the dashboard. A moderator who manages an initiative is offered no decision on
//! its change, and is told why. A member asks to manage an initiative from its public page and a
//! moderator grants it from the queue. Every new page passes axe-core in es, pt and en (screenshots kept).

use domain::actor::Role;
use e2e::{spawn_app, test_settings, TestApp};
use reqwest::Method;
use serde_json::{json, Value};
use store::testing::TestPostgres;

use crate::browser::{
    click, fill, goto, register, sign_in_to as sign_in, text_of, wait_notice, wait_path, Browser,
    Driver, LANGUAGES,
};
use crate::pages::check;
use crate::SETTLE;

/// Opens `path` in each language, waits for `ready` (a script condition) and checks the page.
async fn check_languages(
    browser: &Browser,
    app: &TestApp,
    origin: &str,
    path: &str,
    name: &str,
    ready: &str,
) {
    for language in LANGUAGES {
        let joiner = if path.contains('?') { '&' } else { '?' };
        goto(browser, app, &format!("{path}{joiner}lang={language}")).await;
        browser.wait_for(ready, name, SETTLE).await;
        check(browser, origin, name, language, 200).await;
    }
}

async fn features(app: &TestApp, query: &str) -> usize {
    let map: Value = app
        .get(&format!("/v1/map?q={query}"))
        .await
        .json()
        .await
        .unwrap();
    map["features"].as_array().unwrap().len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moderators_claim_review_and_decide_and_managers_edit_in_the_browser() {
    let db = TestPostgres::create().await;
    let app = spawn_app(test_settings(Some(db.url.clone()))).await;
    app.wait_ready().await;
    let origin = format!("{}/", app.address);
    let member = app.sign_up("Dora").await;
    let member_token = app.sign_in(&member).await;
    let one = app.person_with("Uno", Role::Moderator).await;
    let two = app.person_with("Dos", Role::Moderator).await;
    let driver = Driver::start().await;

    // The member registers an initiative in the browser.
    let dora = driver.browser(true).await;
    sign_in(&dora, &app, &member, "/dashboard").await;
    let id = register(&dora, &app, "Clúster Lácteo de Osorno").await;
    assert_eq!(
        features(&app, "osorno").await,
        0,
        "not public before review"
    );

    // The first moderator sees it in the queue and claims it.
    let first = driver.browser(true).await;
    sign_in(&first, &app, &one, "/dashboard").await;
    let link = text_of(&first, ".dashboard a[href^='/moderation']").await;
    assert!(link.contains("1 item waits"), "{link}");
    check(&first, &origin, "dashboard-moderator", "en", 200).await;
    check_languages(
        &first,
        &app,
        &origin,
        "/moderation",
        "moderation-queue",
        "return !!document.querySelector('table.queue')",
    )
    .await;
    goto(&first, &app, "/moderation?lang=en").await;
    assert!(text_of(&first, "table.queue")
        .await
        .contains("Clúster Lácteo de Osorno"));
    click(&first, ".queue__claim button").await;
    let review = format!("/moderation/initiative/{id}");
    wait_path(&first, &review).await;
    assert!(text_of(&first, ".notice")
        .await
        .contains("claimed this item"));
    assert!(text_of(&first, ".claim").await.contains("Claimed by you"));
    check_languages(
        &first,
        &app,
        &origin,
        &review,
        "moderation-review",
        "return !!document.querySelector('.facts')",
    )
    .await;

    // The second moderator sees whose it is, in the page and in the API.
    let second = driver.browser(true).await;
    sign_in(&second, &app, &two, "/moderation").await;
    let claimed = text_of(&second, ".queue__claim").await;
    // By the name the first moderator chose, not an account id.
    assert!(claimed.contains("Claimed by moderator Uno"), "{claimed}");
    let buttons = second
        .eval("return document.querySelectorAll('.queue__claim button').length")
        .await;
    assert_eq!(buttons, 0, "no claim button on another's claim");
    let two_token = app.sign_in(&two).await;
    let queue: Value = app
        .request(Method::GET, "/v1/moderation/queue", Some(&two_token), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(queue["items"][0]["claim"]["claimed_by"], json!(one.id));
    check(&second, &origin, "moderation-queue-claimed", "en", 200).await;

    // Released, the claim is gone for everyone; claimed again from the queue.
    goto(&first, &app, &format!("{review}?lang=en")).await;
    click(&first, "form[action*='/release'] button").await;
    wait_path(&first, "/moderation").await;
    assert!(text_of(&first, ".notice").await.contains("released"));
    goto(&second, &app, "/moderation?lang=en").await;
    assert!(!text_of(&second, ".queue__claim").await.contains("Claimed"));
    goto(&first, &app, "/moderation?lang=en").await;
    click(&first, ".queue__claim button").await;
    wait_path(&first, &review).await;

    // Approved: out of the queue, on the public map.
    click(&first, "button[value=approve]").await;
    wait_path(&first, "/moderation").await;
    assert!(text_of(&first, ".notice").await.contains("Approved"));
    assert_eq!(features(&app, "osorno").await, 1);

    // The member edits the profile: the renaming waits beside the approved name.
    let edit = format!("/initiatives/{id}/edit");
    check_languages(
        &dora,
        &app,
        &origin,
        &edit,
        "manage",
        "return !document.getElementById('location-picker').hidden",
    )
    .await;
    goto(&dora, &app, &format!("{edit}?lang=en")).await;
    fill(&dora, "#name", "Clúster Lácteo de Osorno y Llanquihue").await;
    click(&dora, "form.form--wide > button[type=submit]").await;
    wait_notice(&dora, "The profile was saved").await;
    let pending = text_of(&dora, "section[aria-labelledby=pending-heading] table").await;
    assert!(
        pending.contains("Clúster Lácteo de Osorno") && pending.contains("y Llanquihue"),
        "{pending}"
    );
    check(&dora, &origin, "manage-pending", "en", 200).await;
    assert_eq!(
        features(&app, "llanquihue").await,
        0,
        "the map keeps the approved name"
    );

    // The moderator reads the change field by field.
    let change = format!("/moderation/profile_change/{id}");
    check_languages(
        &first,
        &app,
        &origin,
        &change,
        "moderation-diff",
        "return !!document.querySelector('table.diff')",
    )
    .await;
    goto(&first, &app, &format!("{change}?lang=en")).await;
    let diff = text_of(&first, "table.diff").await;
    assert!(
        diff.contains("Name") && diff.contains("y Llanquihue"),
        "{diff}"
    );

    // A rejection without a reason is named beside the field.
    click(&first, "button[value=reject]").await;
    first
        .wait_for(
            "return !!document.getElementById('reason-error')",
            "the reason's error",
            SETTLE,
        )
        .await;
    assert!(text_of(&first, "#reason-error").await.contains("reason"));
    check(&first, &origin, "moderation-reason-missing", "en", 400).await;

    // The item changes after the page was read: the decision is refused, and says so.
    goto(&first, &app, &format!("{change}?lang=en")).await;
    let confirmed = app
        .request(
            Method::POST,
            &format!("/v1/initiatives/{id}/confirmation"),
            Some(&member_token),
            None,
        )
        .await;
    assert_eq!(confirmed.status(), 200);
    fill(
        &first,
        "#reason",
        "El nuevo nombre no coincide con el registro.",
    )
    .await;
    click(&first, "button[value=reject]").await;
    first
        .wait_for(
            "return !!document.getElementById('form-errors')",
            "the refusal",
            SETTLE,
        )
        .await;
    let refusal = text_of(&first, "#form-errors").await;
    assert!(refusal.contains("changed after you opened it"), "{refusal}");
    check(&first, &origin, "moderation-changed", "en", 412).await;
    let state: Value = app
        .request(
            Method::GET,
            &format!("/v1/initiatives/{id}"),
            Some(&member_token),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(state["profile"]["name"], "Clúster Lácteo de Osorno");
    assert!(
        state["pending_change"].is_object(),
        "nothing was decided: {state}"
    );

    // Read again, the rejection goes through; the member reads the reason on the dashboard.
    fill(
        &first,
        "#reason",
        "El nuevo nombre no coincide con el registro.",
    )
    .await;
    click(&first, "button[value=reject]").await;
    wait_path(&first, "/moderation").await;
    goto(&dora, &app, "/dashboard?lang=en").await;
    let mine = text_of(&dora, ".my-initiatives").await;
    assert!(
        mine.contains("El nuevo nombre no coincide con el registro."),
        "{mine}"
    );
    check(&dora, &origin, "dashboard-change-rejected", "en", 200).await;

    // The manager re-confirms the profile and adds a co-manager by account id.
    goto(&dora, &app, &format!("{edit}?lang=en")).await;
    click(&dora, "form[action*='/confirm'] button").await;
    wait_notice(&dora, "the data is confirmed").await;
    let bruno = app.sign_up("Bruno").await;
    fill(&dora, "#account", &bruno.id.to_string()).await;
    click(&dora, "form[action*='/managers'] button[type=submit]").await;
    wait_notice(&dora, "The manager was added").await;
    assert!(text_of(&dora, ".managers")
        .await
        .contains(&bruno.id.to_string()));

    // Another member asks to manage it from its public page; a moderator grants the request.
    let carla = app.sign_up("Carla").await;
    let asker = driver.browser(true).await;
    sign_in(&asker, &app, &carla, "/dashboard").await;
    goto(&asker, &app, &format!("/initiatives/{id}?lang=en")).await;
    click(&asker, "form[action*='/request'] button").await;
    wait_notice(&asker, "Your request to manage").await;
    goto(&first, &app, "/moderation?kind=management_request&lang=en").await;
    assert!(text_of(&first, "table.queue")
        .await
        .contains("Request to manage"));
    goto(
        &first,
        &app,
        &format!("/moderation/management_request/{id}?lang=en"),
    )
    .await;
    click(&first, "button[value=approve]").await;
    wait_path(&first, "/moderation").await;
    goto(&asker, &app, "/dashboard?lang=en").await;
    assert!(text_of(&asker, ".my-initiatives")
        .await
        .contains("Clúster Lácteo de Osorno"));

    // A moderator who manages an initiative is offered no decision on its change.
    let own = app
        .initiative_managed_by(two.id, "Polo Forestal del Biobío")
        .await;
    let rename = json!({ "name": "Polo Forestal del Gran Biobío" });
    let proposed = app
        .request(
            Method::PATCH,
            &format!("/v1/initiatives/{own}/profile"),
            Some(&two_token),
            Some(rename),
        )
        .await;
    assert_eq!(proposed.status(), 200);
    let theirs = format!("/moderation/profile_change/{own}");
    check_languages(
        &second,
        &app,
        &origin,
        &theirs,
        "moderation-not-yours",
        "return !!document.getElementById('not-yours')",
    )
    .await;
    goto(&second, &app, &format!("{theirs}?lang=en")).await;
    let buttons = second
        .eval("return document.querySelectorAll('button[value=approve], button[value=reject]').length")
        .await;
    assert_eq!(buttons, 0);
    assert!(text_of(&second, "#not-yours").await.contains("manage"));
    // The other moderator may decide it.
    goto(&first, &app, &format!("{theirs}?lang=en")).await;
    click(&first, "button[value=approve]").await;
    wait_path(&first, "/moderation").await;

    for browser in [dora, first, second, asker] {
        browser.client.close().await.unwrap();
    }
}
