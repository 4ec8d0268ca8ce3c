//! The whole story of issue 18, only through the browser: a member signs up and confirms the
//! address from the mail, registers an initiative and sees it waiting on the dashboard; a
//! moderator (reaching the queue from the header) approves it and it is on the public map; the
//! member proposes a joint project, invites a suggested partner and a second initiative, revises
//! the project (a revision from a stale form is refused and the form shows the project as it is
//! now); the partner's manager accepts, the other declines with a reason; the lead
//! submits it, a moderator approves it, the lead starts and completes it, and its history names
//! who did each step. A third member joins a community and posts; the facilitator hides the post
//! and restores it; the member leaves, then asks to join a moderated community and the
//! facilitator declines the request (shown by the asker's name) with a reason. The member's library submission, rejected with a reason,
//! is on the dashboard with that reason, and so are the notifications of all this.
//!
//! Arranged outside the browser, as the seed would: the moderator and the facilitator accounts,
//! the partner initiatives (approved) and the community (the console has no page to create one).
//! Every new page is checked in es, pt and en (axe-core, requests, console) with a screenshot.

use domain::actor::Role;
use e2e::{spawn_app, test_settings, TestApp};
use reqwest::Method;
use serde_json::json;
use store::testing::TestPostgres;

use crate::browser::{
    check_everywhere, choose, click, fill, goto, path_now, register, sign_in, sign_up, text_of,
    value_of, wait_notice, wait_path, wait_path_ending, wait_text, Browser, Driver,
};
use crate::collab::{community_with, open_community};
use crate::pages::check;
use crate::SETTLE;

const LEAD: &str = "Lucía Fernández";
const INITIATIVE: &str = "Clúster Lácteo de Osorno";
const PARTNER: &str = "Polo Logístico del Sur";
const OTHER: &str = "Red Minera del Norte";
const PROJECT: &str = "Cadena de frío para la leche del sur";

/// Approves (or rejects with `reason`) the item at `review` as the signed-in moderator.
async fn decide(browser: &Browser, app: &TestApp, review: &str, reason: Option<&str>) {
    goto(browser, app, &format!("{review}?lang=en")).await;
    match reason {
        None => click(browser, "button[value=approve]").await,
        Some(reason) => {
            fill(browser, "#reason", reason).await;
            click(browser, "button[value=reject]").await;
        }
    }
    wait_path(browser, "/moderation").await;
}

/// Reloads the dashboard until its element `css` is there and holds `text` (the notifier works
/// beside the requests).
async fn wait_on_dashboard(browser: &Browser, app: &TestApp, css: &str, text: &str) {
    let started = std::time::Instant::now();
    loop {
        goto(browser, app, "/dashboard?lang=en").await;
        let found = text_of(browser, css).await;
        if !found.is_empty() && found.contains(text) {
            return;
        }
        assert!(
            started.elapsed() < SETTLE,
            "{text:?} never reached {css} on the dashboard"
        );
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_story_of_members_and_moderators_runs_in_the_browser() {
    let db = TestPostgres::create().await;
    let app = spawn_app(test_settings(Some(db.url.clone()))).await;
    app.wait_ready().await;
    let origin = format!("{}/", app.address);
    let moderator = app.person_with("Marta", Role::Moderator).await;
    let moderator_token = app.sign_in(&moderator).await;
    let partner = app.sign_up("Paulo").await;
    app.initiative_managed_by(partner.id, PARTNER).await;
    let other = app.sign_up("Olga").await;
    app.initiative_managed_by(other.id, OTHER).await;
    let facilitator = app.sign_up("Fabiana").await;
    let community = open_community(&app, &moderator_token, &facilitator).await;
    let moderated = community_with(&app, &moderator_token, &facilitator, "moderated").await;
    let driver = Driver::start().await;
    let member = driver.browser(true).await;
    let moderating = driver.browser(true).await;

    // A member signs up, confirms the address from the mail, registers an initiative: it waits.
    let lead = sign_up(&member, &app, LEAD).await;
    let initiative = register(&member, &app, INITIATIVE).await;
    assert!(text_of(&member, ".my-initiatives")
        .await
        .contains("Waiting for review"));
    assert!(
        text_of(&member, "#nav-moderation").await.is_empty(),
        "a member has no link to the queue"
    );

    // The moderator reaches the queue from the header and approves it; it is on the public map.
    sign_in(&moderating, &app, &moderator).await;
    click(&moderating, "#nav-moderation").await;
    wait_path(&moderating, "/moderation").await;
    check_everywhere(&moderating, &app, "/moderation", "story-queue").await;
    decide(
        &moderating,
        &app,
        &format!("/moderation/initiative/{initiative}"),
        None,
    )
    .await;
    wait_notice(&moderating, "Approved").await;
    goto(&member, &app, "/?q=osorno&lang=en").await;
    wait_text(&member, "#results table", INITIATIVE).await;

    // The member proposes a joint project and invites a suggested partner and another one.
    goto(&member, &app, "/joint-projects/new?lang=en").await;
    choose(&member, "jp_lead", &initiative).await;
    fill(&member, "#jp_title", "Cadena de frío").await;
    click(&member, "#jp_sectors-logistics").await;
    click(&member, "#jp_sectors-mining").await;
    fill(&member, "#jp_objectives", "Compartir cámaras de frío").await;
    click(&member, "form.form--wide > button[type=submit]").await;
    wait_path_ending(&member, "/manage").await;
    let manage = path_now(&member).await;
    let project = manage.split('/').nth(2).unwrap().to_owned();
    wait_text(&member, "#suggestions", PARTNER).await;
    for invited in [PARTNER, OTHER] {
        click(&member, &format!("button[aria-label='Invite: {invited}']")).await;
        wait_text(&member, "#partners", invited).await;
    }

    // It is revised from a form filled with what is stored, posted with the version read.
    click(&member, "#revise-project").await;
    wait_path_ending(&member, "/revision").await;
    let revision = path_now(&member).await;
    assert_eq!(value_of(&member, "#jp_title").await, "Cadena de frío");
    check_everywhere(&member, &app, &revision, "story-project-revision").await;
    goto(&member, &app, &format!("{revision}?lang=en")).await;
    fill(&member, "#jp_title", PROJECT).await;
    fill(&member, "#jp_objectives", "").await;
    click(&member, "#save-revision").await;
    wait_text(&member, "#jp_objectives-error", "objectives").await;
    assert_eq!(value_of(&member, "#jp_title").await, PROJECT);
    check(&member, &origin, "story-project-revision-errors", "en", 400).await;
    fill(
        &member,
        "#jp_objectives",
        "Compartir cámaras de frío\nRutas comunes",
    )
    .await;
    click(&member, "#save-revision").await;
    wait_notice(&member, "revised").await;
    assert_eq!(text_of(&member, "h1").await, PROJECT);

    // A revision from a form read before another change is refused, and the form shows the
    // project as it is now (the version read travels with the form, as If-Match does).
    goto(&member, &app, &format!("{revision}?lang=en")).await;
    let changed = app
        .request(
            Method::PUT,
            &format!("/v1/joint-projects/{project}"),
            Some(&app.token_for(lead.id).await),
            Some(json!({
                "title": PROJECT,
                "description": "Cámaras y rutas compartidas.",
                "sectors": ["logistics", "mining"],
                "objectives": ["Compartir cámaras de frío", "Rutas comunes"],
            })),
        )
        .await;
    assert_eq!(changed.status(), 200);
    fill(&member, "#jp_title", "Un título que nadie verá").await;
    click(&member, "#save-revision").await;
    wait_text(&member, "#form-errors", "changed after you opened").await;
    assert_eq!(value_of(&member, "#jp_title").await, PROJECT);
    assert_eq!(
        value_of(&member, "#jp_description").await,
        "Cámaras y rutas compartidas."
    );
    check(&member, &origin, "story-project-revision-stale", "en", 412).await;

    // Withdrawing with a reason that is too long is refused beside the field.
    goto(&member, &app, &format!("{manage}?lang=en")).await;
    let long = "x".repeat(1001);
    member
        .eval(&format!(
            "document.getElementById('withdraw_reason').value = '{long}'; return true"
        ))
        .await;
    click(&member, "#withdraw-project").await;
    wait_text(&member, "#withdraw_reason-error", "1000").await;
    assert_eq!(text_of(&member, "#project-state").await, "Proposed");
    check(&member, &origin, "story-project-withdraw-error", "en", 400).await;

    // The partner's manager accepts; the other declines, saying why.
    let partnering = driver.browser(true).await;
    sign_in(&partnering, &app, &partner).await;
    goto(&partnering, &app, &format!("{manage}?lang=en")).await;
    check_everywhere(&partnering, &app, &manage, "story-project-invited").await;
    goto(&partnering, &app, &format!("{manage}?lang=en")).await;
    click(
        &partnering,
        "button[aria-label='Accept: Polo Logístico del Sur']",
    )
    .await;
    wait_notice(&partnering, "accepted").await;
    partnering.client.close().await.unwrap();
    let declining = driver.browser(true).await;
    sign_in(&declining, &app, &other).await;
    goto(&declining, &app, &format!("{manage}?lang=en")).await;
    fill(
        &declining,
        "#partners input[type=text]",
        "Sin capacidad este año",
    )
    .await;
    click(
        &declining,
        "button[aria-label='Decline: Red Minera del Norte']",
    )
    .await;
    wait_notice(&declining, "declined").await;
    declining.client.close().await.unwrap();

    // The lead submits it; the moderator approves it; the lead starts and completes it.
    goto(&member, &app, &format!("{manage}?lang=en")).await;
    let partners = text_of(&member, "#partners").await;
    assert!(
        partners.contains("Accepted") && partners.contains("Declined"),
        "{partners}"
    );
    click(&member, "#submit-project").await;
    wait_text(&member, "#project-state", "Under review").await;
    decide(
        &moderating,
        &app,
        &format!("/moderation/joint_project/{project}"),
        None,
    )
    .await;
    goto(&member, &app, &format!("{manage}?lang=en")).await;
    assert_eq!(text_of(&member, "#project-state").await, "Approved");
    check_everywhere(&member, &app, &manage, "story-project-approved").await;
    goto(&member, &app, &format!("{manage}?lang=en")).await;
    click(&member, "#activate-project").await;
    wait_text(&member, "#project-state", "Active").await;
    click(&member, "#complete-project").await;
    wait_text(&member, "#project-state", "Completed").await;
    assert!(text_of(&member, "#project-actions button").await.is_empty());
    let history = text_of(&member, "#history").await;
    for step in [
        "Revised",
        "An invitation was accepted — Paulo",
        "An invitation was declined — Olga",
        "Approved — Marta",
        "Started — You",
        "Completed — You",
    ] {
        assert!(history.contains(step), "{step} in {history}");
    }
    check(&member, &origin, "story-project-completed", "en", 200).await;

    // A third member joins the community and posts; the facilitator hides it, then restores it.
    let third = driver.browser(true).await;
    sign_up(&third, &app, "Tomás Ibarra").await;
    let threads = format!("/communities/{community}/threads");
    goto(&third, &app, &format!("{threads}?lang=en")).await;
    click(&third, "#join").await;
    wait_notice(&third, "Welcome").await;
    fill(&third, "#th_title", "Cámaras compartidas").await;
    fill(
        &third,
        "#th_body",
        "¿Quién tiene cámaras libres en invierno?",
    )
    .await;
    click(&third, "#start-thread").await;
    wait_notice(&third, "started").await;
    let thread = path_now(&third).await;
    let facilitating = driver.browser(true).await;
    sign_in(&facilitating, &app, &facilitator).await;
    goto(&facilitating, &app, &format!("{thread}?lang=en")).await;
    assert!(text_of(&facilitating, "#posts .post__meta")
        .await
        .contains("Tomás Ibarra"));
    fill(&facilitating, "#posts input[name=reason]", "Fuera de tema").await;
    click(&facilitating, "#posts .hide-form button").await;
    wait_notice(&facilitating, "hidden").await;
    check_everywhere(&facilitating, &app, &thread, "story-thread-hidden").await;
    goto(&facilitating, &app, &format!("{thread}?lang=en")).await;
    click(&facilitating, "#posts .restore-form button").await;
    wait_notice(&facilitating, "restored").await;
    assert!(!text_of(&facilitating, "#posts").await.contains("Hidden"));
    goto(&third, &app, &format!("{thread}?lang=en")).await;
    assert!(text_of(&third, "#posts")
        .await
        .contains("¿Quién tiene cámaras libres en invierno?"));
    goto(&third, &app, &format!("{threads}?lang=en")).await;
    check_everywhere(&third, &app, &threads, "story-community-member").await;
    goto(&third, &app, &format!("{threads}?lang=en")).await;
    click(&third, "#leave").await;
    wait_notice(&third, "left").await;
    assert_eq!(text_of(&third, "#standing").await, "Not a member");

    // In a moderated community the member asks to join; the facilitator, who sees the request
    // by the asker's name, declines it with a reason.
    let asked = format!("/communities/{moderated}/threads");
    goto(&third, &app, &format!("{asked}?lang=en")).await;
    click(&third, "#join").await;
    wait_notice(&third, "sent").await;
    assert!(text_of(&third, "#withdraw-request")
        .await
        .contains("Take back"));
    third.client.close().await.unwrap();
    goto(&facilitating, &app, &format!("{asked}?lang=en")).await;
    assert!(text_of(&facilitating, "#requests")
        .await
        .contains("Tomás Ibarra"));
    check_everywhere(&facilitating, &app, &asked, "story-community-requests").await;
    goto(&facilitating, &app, &format!("{asked}?lang=en")).await;
    fill(
        &facilitating,
        "#requests input[type=text]",
        "Solo para productores",
    )
    .await;
    click(&facilitating, "#requests .decline-form button").await;
    wait_notice(&facilitating, "declined").await;
    assert!(text_of(&facilitating, "#requests").await.is_empty());
    facilitating.client.close().await.unwrap();

    // The member's library submission, rejected with a reason, is on the dashboard with it.
    goto(&member, &app, "/library/new?lang=en").await;
    choose(&member, "item_kind", "publication").await;
    fill(&member, "#item_title", "Guía de cadena de frío").await;
    choose(&member, "item_language", "es").await;
    choose(&member, "item_topic", "good_practice").await;
    click(&member, "#submit-item").await;
    wait_notice(&member, "submitted").await;
    goto(&member, &app, "/dashboard?lang=en").await;
    let submissions = text_of(&member, "#my-submissions").await;
    assert!(
        submissions.contains("Guía de cadena de frío")
            && submissions.contains("Waiting for review"),
        "{submissions}"
    );
    let item = member
        .eval("return document.querySelector('#my-submissions a').getAttribute('href')")
        .await;
    let item = item.as_str().unwrap().split('/').nth(2).unwrap().to_owned();
    decide(
        &moderating,
        &app,
        &format!("/moderation/publication/{item}"),
        Some("Falta la fuente de los datos"),
    )
    .await;
    wait_notice(&moderating, "Rejected").await;
    moderating.client.close().await.unwrap();
    wait_on_dashboard(
        &member,
        &app,
        "#my-submissions",
        "Falta la fuente de los datos",
    )
    .await;
    assert!(text_of(&member, "#my-submissions")
        .await
        .contains("Rejected"));

    // The notifications of the story are on the dashboard, in the member's language.
    wait_on_dashboard(&member, &app, "#notifications", "").await;
    let notices = member
        .eval("return document.querySelectorAll('#notifications li').length")
        .await;
    assert!(notices.as_u64().unwrap_or_default() >= 2, "{notices}");
    check_everywhere(&member, &app, "/dashboard", "story-dashboard").await;
    member.client.close().await.unwrap();
}
