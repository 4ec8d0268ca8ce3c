//! Members working together in the browser: a member proposes a joint project led by their
//! approved initiative, picks a partner from the suggestions (ranked, with their reasons), the
//! partner's manager accepts the invitation from the dashboard, the lead submits it, and once a
//! moderator approved it (through the API: the review pages are tested elsewhere) its page shows
//! the partners, the state and the history. A member joins a community, starts a thread and
//! replies; the facilitator hides the reply and it is gone for others. Forms with mistakes keep
//! what was typed and name each error; a member submits a gathering to the library. Every new
//! page passes the same checks as the public ones (axe-core among them) in every language.

use domain::actor::Role;
use e2e::{spawn_app, test_settings, Person, TestApp};
use reqwest::Method;
use serde_json::{json, Value};
use store::testing::TestPostgres;

use crate::browser::{
    check_everywhere, click, fill, goto, sign_in, sign_out, text_of, value_of, wait_path_ending,
    wait_text, Browser, Driver,
};
use crate::pages::check;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn members_propose_a_project_with_a_suggested_partner_join_a_community_and_submit_to_the_library(
) {
    let db = TestPostgres::create().await;
    let app = spawn_app(test_settings(Some(db.url.clone()))).await;
    app.wait_ready().await;
    let origin = format!("{}/", app.address);
    let lead = app.sign_up("Lucia").await;
    let partner = app.sign_up("Paulo").await;
    let bystander = app.sign_up("Olga").await;
    let lead_initiative = app
        .initiative_managed_by(lead.id, "Clúster del Litio de Antofagasta")
        .await;
    app.initiative_managed_by(partner.id, "Polo de Electromovilidad de Jujuy")
        .await;
    app.initiative_managed_by(bystander.id, "Red Minera del Norte")
        .await;
    let moderator = app.person_with("Moderator", Role::Moderator).await;
    let moderator_token = app.sign_in(&moderator).await;
    let driver = Driver::start().await;
    let browser = driver.browser(true).await;

    // The proposal form, then a proposal with mistakes: each named, what was typed kept.
    sign_in(&browser, &app, &lead).await;
    check_everywhere(&browser, &app, "/joint-projects/new", "project-new").await;
    goto(&browser, &app, "/joint-projects/new?lang=en").await;
    fill(
        &browser,
        "#jp_description",
        "Baterías con proveedores locales.",
    )
    .await;
    click(&browser, "form.form--wide > button[type=submit]").await;
    wait_text(&browser, "#form-errors", "").await;
    for field in ["jp_lead", "jp_title", "jp_sectors", "jp_objectives"] {
        let error = text_of(&browser, &format!("#{field}-error")).await;
        assert!(!error.is_empty(), "an error beside {field}");
    }
    assert!(text_of(&browser, "#jp_sectors-error")
        .await
        .contains("one and ten"));
    assert_eq!(
        value_of(&browser, "#jp_description").await,
        "Baterías con proveedores locales."
    );
    check(&browser, &origin, "project-new-errors", "en", 400).await;

    // Put right: the project is proposed and its page suggests partners, with reasons.
    browser
        .eval(&format!(
            "document.getElementById('jp_lead').value = '{lead_initiative}'; return true"
        ))
        .await;
    fill(
        &browser,
        "#jp_title",
        "Corredor del litio y la electromovilidad",
    )
    .await;
    click(&browser, "#jp_sectors-lithium").await;
    click(&browser, "#jp_sectors-electromobility").await;
    fill(
        &browser,
        "#jp_objectives",
        "Homologar proveedores locales de celdas\nFormar técnicos",
    )
    .await;
    click(&browser, "form.form--wide > button[type=submit]").await;
    wait_path_ending(&browser, "/manage").await;
    let manage = browser.eval("return location.pathname").await;
    let manage = manage.as_str().unwrap().to_owned();
    let project = manage.split('/').nth(2).unwrap().to_owned();
    assert!(text_of(&browser, ".notice").await.contains("proposed"));
    let suggestions = text_of(&browser, "#suggestions").await;
    assert!(
        suggestions.contains("Polo de Electromovilidad de Jujuy")
            && suggestions.contains("Red Minera del Norte"),
        "{suggestions}"
    );
    assert!(
        suggestions.contains("Shared sectors: Lithium"),
        "{suggestions}"
    );
    assert!(suggestions.contains("% match"), "{suggestions}");
    check_everywhere(&browser, &app, &manage, "project-manage").await;

    // Invite the partner from the ranked list.
    goto(&browser, &app, &format!("{manage}?lang=en")).await;
    click(
        &browser,
        "button[aria-label='Invite: Polo de Electromovilidad de Jujuy']",
    )
    .await;
    wait_text(&browser, "#partners", "Invited").await;
    assert!(text_of(&browser, "#partners")
        .await
        .contains("Polo de Electromovilidad de Jujuy"));
    assert!(!text_of(&browser, "#suggestions")
        .await
        .contains("Polo de Electromovilidad de Jujuy"));
    sign_out(&browser).await;

    // The partner's manager finds the invitation on the dashboard and accepts it.
    sign_in(&browser, &app, &partner).await;
    assert!(text_of(&browser, "#invitations")
        .await
        .contains("Corredor del litio y la electromovilidad"));
    check_everywhere(&browser, &app, "/dashboard", "dashboard-invited").await;
    goto(&browser, &app, "/dashboard?lang=en").await;
    click(&browser, "#invitations form:first-of-type button").await;
    wait_path_ending(&browser, "/manage").await;
    wait_text(&browser, "#partners", "Accepted").await;
    sign_out(&browser).await;

    // The lead submits it; a moderator approves it; its page shows partners, state, history.
    sign_in(&browser, &app, &lead).await;
    goto(&browser, &app, &format!("{manage}?lang=en")).await;
    click(&browser, "#submit-project").await;
    wait_text(&browser, "#project-state", "Under review").await;
    let approved = app
        .request(
            Method::POST,
            &format!("/v1/joint-projects/{project}/approval"),
            Some(&moderator_token),
            None,
        )
        .await;
    assert_eq!(approved.status(), 200);
    goto(&browser, &app, &format!("{manage}?lang=en")).await;
    assert_eq!(text_of(&browser, "#project-state").await, "Approved");
    assert!(text_of(&browser, "#partners").await.contains("Accepted"));
    let history = text_of(&browser, "#history").await;
    for step in [
        "Proposed",
        "A partner was invited",
        "An invitation was accepted",
        "Submitted for review",
        "Approved",
    ] {
        assert!(history.contains(step), "{step} in {history}");
    }
    check(&browser, &origin, "project-approved", "en", 200).await;
    let public: Value = app
        .get(&format!("/v1/joint-projects/{project}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(public["status"], "approved");
    assert_eq!(public["partners"][0]["invitation"], "accepted");
    goto(&browser, &app, "/dashboard?lang=en").await;
    assert!(text_of(&browser, "#my-projects").await.contains("Approved"));
    sign_out(&browser).await;

    community_story(&app, &browser, &moderator_token).await;
    library_story(&app, &browser, &bystander).await;
    browser.client.close().await.unwrap();
}

/// A member joins an open community, starts a thread (after a try with mistakes) and replies;
/// the facilitator hides the reply, and it is gone for everyone else.
async fn community_story(app: &TestApp, browser: &Browser, moderator_token: &str) {
    let origin = format!("{}/", app.address);
    let facilitator = app.sign_up("Fabi").await;
    let community = open_community(app, moderator_token, &facilitator).await;

    let member = app.sign_up("Tomas").await;
    sign_in(browser, app, &member).await;
    let threads = format!("/communities/{community}/threads");
    check_everywhere(browser, app, &threads, "community").await;
    goto(browser, app, &format!("{threads}?lang=en")).await;
    click(browser, "#join").await;
    wait_text(browser, "#standing", "A member").await;

    click(browser, "#start-thread").await;
    wait_text(browser, "#form-errors", "").await;
    for field in ["th_title", "th_body"] {
        assert!(!text_of(browser, &format!("#{field}-error"))
            .await
            .is_empty());
    }
    check(browser, &origin, "community-errors", "en", 400).await;
    fill(browser, "#th_title", "Proveedores locales").await;
    fill(browser, "#th_body", "¿Cómo los certifican?").await;
    click(browser, "#start-thread").await;
    wait_text(browser, ".notice", "started").await;
    let thread = browser.eval("return location.pathname").await;
    let thread = thread.as_str().unwrap().to_owned();
    fill(browser, "#reply_body", "Con auditorías de terceros.").await;
    click(browser, "#send-reply").await;
    wait_text(browser, "#posts", "Con auditorías de terceros.").await;
    check_everywhere(browser, app, &thread, "thread").await;
    sign_out(browser).await;

    // The facilitator hides the reply, with a reason (first without one: refused beside it).
    sign_in(browser, app, &facilitator).await;
    goto(browser, app, &format!("{thread}?lang=en")).await;
    click(browser, "#posts > li:nth-child(2) .hide-form button").await;
    wait_text(browser, "#form-errors", "").await;
    assert!(!text_of(browser, "#posts > li:nth-child(2) .field__error")
        .await
        .is_empty());
    // The refused attempt's 400 is in the browser's log; the page checked below is the next one.
    browser.traffic().await;
    fill(
        browser,
        "#posts > li:nth-child(2) input[name=reason]",
        "Publicidad",
    )
    .await;
    click(browser, "#posts > li:nth-child(2) .hide-form button").await;
    wait_text(browser, ".notice", "hidden").await;
    assert!(text_of(browser, "#posts > li:nth-child(2)")
        .await
        .contains("Publicidad"));
    check(browser, &origin, "thread-facilitator", "en", 200).await;
    sign_out(browser).await;

    // Gone for others: the member, and a visitor of the API.
    sign_in(browser, app, &member).await;
    goto(browser, app, &format!("{thread}?lang=en")).await;
    let posts = text_of(browser, "#posts").await;
    assert!(!posts.contains("Con auditorías"), "{posts}");
    assert!(posts.contains("hidden by a facilitator"), "{posts}");
    let thread_id = thread.rsplit('/').next().unwrap();
    let read: Value = app
        .get(&format!("/v1/threads/{thread_id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(read["posts"][1]["status"], "hidden");
    assert!(read["posts"][1]["body"].is_null());
    sign_out(browser).await;
}

/// Arranges, over the API, an open community about lithium that `facilitator` facilitates (a
/// moderator creates communities; the console has no page for it), and returns its id.
pub(crate) async fn open_community(
    app: &TestApp,
    moderator_token: &str,
    facilitator: &Person,
) -> String {
    community_with(app, moderator_token, facilitator, "open").await
}

/// Arranges, over the API, a community named after `join_policy` (`open`, `moderated`) that
/// `facilitator` facilitates, and returns its id.
pub(crate) async fn community_with(
    app: &TestApp,
    moderator_token: &str,
    facilitator: &Person,
    join_policy: &str,
) -> String {
    let created = app
        .request(
            Method::POST,
            "/v1/communities",
            Some(moderator_token),
            Some(json!({
                "name": format!("Cadena del litio ({join_policy})"),
                "theme": { "sector": "lithium" },
                "join_policy": "open",
            })),
        )
        .await;
    assert_eq!(created.status(), 201);
    let community = created.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let token = app.sign_in(facilitator).await;
    let joined = app
        .request(
            Method::POST,
            &format!("/v1/communities/{community}/membership"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(joined.status(), 200);
    let promoted = app
        .request(
            Method::POST,
            &format!("/v1/communities/{community}/facilitators"),
            Some(moderator_token),
            Some(json!({ "account_id": facilitator.id })),
        )
        .await;
    assert_eq!(promoted.status(), 200);
    if join_policy != "open" {
        let changed = app
            .request(
                Method::PUT,
                &format!("/v1/communities/{community}/join-policy"),
                Some(moderator_token),
                Some(json!({ "join_policy": join_policy })),
            )
            .await;
        assert_eq!(changed.status(), 200);
    }
    community
}

/// A library submission with mistakes keeps what was typed and names each error; put right, a
/// gathering is submitted for review.
async fn library_story(app: &TestApp, browser: &Browser, member: &Person) {
    let origin = format!("{}/", app.address);
    sign_in(browser, app, member).await;
    check_everywhere(browser, app, "/library/new", "library").await;
    goto(browser, app, "/library/new?lang=en").await;
    browser
        .eval("document.getElementById('item_kind').value = 'gathering'; return true")
        .await;
    fill(browser, "#item_place", "CEPAL, Vitacura, Santiago").await;
    fill(browser, "#item_starts", "mañana").await;
    click(browser, "#submit-item").await;
    wait_text(browser, "#form-errors", "").await;
    for field in ["item_title", "item_starts", "item_ends", "item_time_zone"] {
        let error = text_of(browser, &format!("#{field}-error")).await;
        assert!(!error.is_empty(), "an error beside {field}");
    }
    assert!(text_of(browser, "#item_starts-error")
        .await
        .contains("2026-10-01T09:00"));
    assert_eq!(
        value_of(browser, "#item_place").await,
        "CEPAL, Vitacura, Santiago"
    );
    assert_eq!(value_of(browser, "#item_kind").await, "gathering");
    check(browser, &origin, "library-errors", "en", 400).await;

    fill(browser, "#item_title", "Encuentro regional de clusters").await;
    browser
        .eval("document.getElementById('item_language').value = 'es'; return true")
        .await;
    browser
        .eval("document.getElementById('item_format').value = 'workshop'; return true")
        .await;
    fill(browser, "#item_starts", "2026-10-01T09:00").await;
    fill(browser, "#item_ends", "2026-10-02T18:00").await;
    fill(browser, "#item_time_zone", "America/Santiago").await;
    click(browser, "#submit-item").await;
    wait_text(browser, ".notice", "submitted").await;
    let token = app.sign_in(member).await;
    let mine: Value = app
        .request(
            Method::GET,
            "/v1/publications?kind=gathering",
            Some(&token),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    let items = mine["items"].as_array().expect("a list");
    assert_eq!(items.len(), 1, "{mine}");
    assert_eq!(items[0]["title"], "Encuentro regional de clusters");
    assert_eq!(items[0]["format"], "workshop");
    assert_eq!(items[0]["language"], "es");
    assert_eq!(items[0]["status"], "submitted");
}
