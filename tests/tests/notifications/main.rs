//! Email notifications end to end: the real server on a fresh PostgreSQL database sends through
//! a real SMTP server (aiosmtpd, see `smtp.rs`), or writes `.eml` files in the embedded default.

mod smtp;

use std::time::{Duration, Instant};

use domain::actor::Role;
use e2e::{initiative_json, spawn_app, test_settings, Person, TestApp};
use gateway::config::SmtpTls;
use gateway::Settings;
use reqwest::Method;
use serde_json::{json, Value};
use smtp::SmtpServer;
use store::notifications::{NotificationStatus, Notifications};
use store::testing::TestPostgres;

const BASE: &str = "https://articula.test";
const WAIT: Duration = Duration::from_secs(20);

fn mail_settings(database_url: Option<String>, smtp_port: u16) -> Settings {
    Settings {
        smtp_host: Some("127.0.0.1".into()),
        smtp_port,
        smtp_tls: SmtpTls::None,
        smtp_timeout_secs: 5,
        mail_retry_base_ms: 100,
        public_base_url: BASE.into(),
        ..test_settings(database_url)
    }
}

async fn start(smtp: &SmtpServer) -> (TestApp, TestPostgres) {
    let db = TestPostgres::create().await;
    let app = spawn_app(mail_settings(Some(db.url.clone()), smtp.port)).await;
    app.wait_ready().await;
    (app, db)
}

/// Sends a request that must succeed and returns its JSON body (`null` when empty).
async fn ok(app: &TestApp, method: Method, path: &str, token: &str, body: Option<Value>) -> Value {
    let response = app.request(method, path, Some(token), body).await;
    let status = response.status();
    let text = response.text().await.unwrap_or_default();
    assert!(status.is_success(), "{path}: {status} {text}");
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

/// A person who speaks `language`, with a token.
async fn person(app: &TestApp, name: &str, role: Option<Role>, language: &str) -> (Person, String) {
    let person = match role {
        Some(role) => app.person_with(name, role).await,
        None => app.sign_up(name).await,
    };
    let token = app.sign_in(&person).await;
    ok(
        app,
        Method::PATCH,
        "/v1/me",
        &token,
        Some(json!({ "language": language })),
    )
    .await;
    (person, token)
}

/// Waits until the notifier has decided about every event so far and nothing is pending.
async fn settle(app: &TestApp) {
    let notifications = Notifications::new(app.state.log.database());
    let head = app.head().await;
    let deadline = Instant::now() + WAIT;
    loop {
        let at = notifications.checkpoint().await.unwrap().position;
        let pending = notifications
            .list(NotificationStatus::Pending, 1)
            .await
            .unwrap();
        if at >= head && pending.is_empty() {
            return;
        }
        assert!(Instant::now() < deadline, "notifications never settled");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Fails if two received messages carry one Message-ID (a mail sent twice).
fn assert_no_message_id_twice(smtp: &SmtpServer) {
    let received = smtp.received();
    let mut ids: Vec<_> = received.iter().map(|m| m.message_id.clone()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(
        ids.len(),
        received.len(),
        "a Message-ID repeated: {received:#?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_audience_hears_in_its_own_language_and_can_turn_a_kind_off() {
    let smtp = SmtpServer::start();
    let (app, _db) = start(&smtp).await;
    let (moderator, moderator_token) =
        person(&app, "Moderadora", Some(Role::Moderator), "en").await;
    let (manager, manager_token) = person(&app, "Gestora", None, "es").await;

    // A new initiative: the moderator hears, in English, with a link.
    let created = ok(
        &app,
        Method::POST,
        "/v1/initiatives",
        &manager_token,
        Some(initiative_json("Huerta Sur")),
    )
    .await;
    let id = created["id"].as_str().unwrap().to_string();
    smtp.wait_for(1, WAIT).await;
    let to_moderator = smtp.to(&moderator.email);
    assert_eq!(to_moderator.len(), 1, "{to_moderator:#?}");
    assert_eq!(
        to_moderator[0].subject,
        "To review: the initiative “Huerta Sur”"
    );
    let link = format!("{BASE}/initiatives/{id}");
    assert!(
        to_moderator[0].text.contains(&link),
        "{}",
        to_moderator[0].text
    );
    assert!(to_moderator[0].html.contains(&link));

    // Rejected: the manager hears, in Spanish, with the reason.
    let path = format!("/v1/initiatives/{id}/rejection");
    let reason = "Falta la dirección exacta.";
    ok(
        &app,
        Method::POST,
        &path,
        &moderator_token,
        Some(json!({ "reason": reason })),
    )
    .await;
    smtp.wait_for(2, WAIT).await;
    let to_manager = smtp.to(&manager.email);
    assert_eq!(to_manager.len(), 1, "{to_manager:#?}");
    assert_eq!(
        to_manager[0].subject,
        "No aprobado: la iniciativa «Huerta Sur»"
    );
    assert!(
        to_manager[0].text.contains(reason),
        "{}",
        to_manager[0].text
    );

    // A moderated community: its facilitator hears of a request (English); the person accepted
    // hears it in Portuguese.
    let (member, member_token) = person(&app, "Membro", None, "pt").await;
    let community = ok(
        &app,
        Method::POST,
        "/v1/communities",
        &moderator_token,
        Some(json!({
            "name": "Cadena del litio",
            "theme": { "sector": "lithium" },
            "join_policy": "moderated",
        })),
    )
    .await;
    let community = community["id"].as_str().unwrap().to_string();
    let base = format!("/v1/communities/{community}");
    ok(
        &app,
        Method::POST,
        &format!("{base}/membership"),
        &member_token,
        None,
    )
    .await;
    smtp.wait_for(3, WAIT).await;
    let request = smtp.to(&moderator.email);
    assert!(
        request
            .iter()
            .any(|m| m.subject == "New request to join “Cadena del litio”"),
        "{request:#?}"
    );
    let acceptance = format!("{base}/join-requests/{}/acceptance", member.id);
    ok(&app, Method::POST, &acceptance, &moderator_token, None).await;
    smtp.wait_for(4, WAIT).await;
    let welcome = smtp.to(&member.email);
    assert_eq!(welcome.len(), 1, "{welcome:#?}");
    assert_eq!(welcome[0].subject, "Bem-vindo/a a «Cadena del litio»");

    // The manager turns decisions off: a resubmission still reaches the moderator, the approval
    // reaches nobody.
    let preferences = "/v1/me/notification-preferences";
    ok(
        &app,
        Method::PUT,
        preferences,
        &manager_token,
        Some(json!({ "muted": ["decision"] })),
    )
    .await;
    let mine = ok(&app, Method::GET, preferences, &manager_token, None).await;
    assert_eq!(mine, json!({ "muted": ["decision"] }));
    let resubmit = format!("/v1/initiatives/{id}/resubmission");
    ok(&app, Method::POST, &resubmit, &manager_token, None).await;
    smtp.wait_for(5, WAIT).await;
    let approve = format!("/v1/initiatives/{id}/approval");
    ok(&app, Method::POST, &approve, &moderator_token, None).await;
    settle(&app).await;
    assert_eq!(
        smtp.to(&manager.email).len(),
        1,
        "the muted approval was sent"
    );
    assert_eq!(smtp.received().len(), 5);

    // An unknown kind is refused with the names of the real ones.
    let response = app
        .request(
            Method::PUT,
            preferences,
            Some(&manager_token),
            Some(json!({ "muted": ["weekly_digest"] })),
        )
        .await;
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert!(body.to_string().contains("join_request"), "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mail_server_that_goes_away_mid_burst_gets_every_mail_exactly_once() {
    let mut smtp = SmtpServer::start();
    let (app, _db) = start(&smtp).await;
    let mut moderators = Vec::new();
    for n in 0..3 {
        moderators.push(person(&app, &format!("Moderator{n}"), Some(Role::Moderator), "en").await);
    }
    let (_, manager_token) = person(&app, "Manager", None, "en").await;
    let submit = |n: usize| {
        let app = &app;
        let token = manager_token.clone();
        async move {
            ok(
                app,
                Method::POST,
                "/v1/initiatives",
                &token,
                Some(initiative_json(&format!("Burst {n}"))),
            )
            .await;
        }
    };
    let titles = |range: std::ops::Range<usize>| -> Vec<String> {
        range.map(|n| format!("Burst {n}")).collect()
    };
    let addresses: Vec<&str> = moderators.iter().map(|(m, _)| m.email.as_str()).collect();
    for n in 0..2 {
        submit(n).await;
    }
    smtp.wait_until_told(&addresses, &titles(0..2), WAIT).await;

    smtp.stop();
    for n in 2..6 {
        submit(n).await;
    }
    // While the server is away the mail waits, and /ready says so.
    let deadline = Instant::now() + WAIT;
    loop {
        let ready = app.wait_ready().await;
        if ready["mail"]
            .as_str()
            .unwrap_or_default()
            .starts_with("degraded")
        {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "mail never reported degraded: {ready}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    smtp.resume();

    smtp.wait_until_told(&addresses, &titles(0..6), WAIT).await;
    settle(&app).await;
    // Each moderator heard of each submission once, alone or in a digest of those submitted
    // together (docs/notifications.md), and no message came twice.
    for address in &addresses {
        assert_eq!(smtp.told_to_review(address), titles(0..6), "{address}");
    }
    assert_no_message_id_twice(&smtp);
    assert_eq!(app.wait_ready().await["mail"], "ok");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn submissions_committed_together_reach_each_moderator_in_one_mail() {
    let smtp = SmtpServer::start();
    let (app, _db) = start(&smtp).await;
    let mut moderators = Vec::new();
    for n in 0..2 {
        moderators.push(person(&app, &format!("Moderator{n}"), Some(Role::Moderator), "en").await);
    }
    // Three registrations (and their lifecycles) in one transaction, as an import writes them:
    // the notifier reads them in one batch.
    gateway::synthetic::write(&app.state.log, 3, 0, 11, &|_| {})
        .await
        .unwrap();
    for (moderator, _) in &moderators {
        let deadline = Instant::now() + WAIT;
        while smtp.told_to_review(&moderator.email).len() < 3 {
            assert!(Instant::now() < deadline, "{:#?}", smtp.received());
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    settle(&app).await;
    for (moderator, _) in &moderators {
        let mails = smtp.to(&moderator.email);
        assert_eq!(mails.len(), 1, "{mails:#?}");
        let listed: Vec<&str> = mails[0]
            .text
            .lines()
            .filter(|line| line.starts_with("- "))
            .collect();
        assert!(listed.len() >= 3, "{}", mails[0].text);
        assert_eq!(
            mails[0].subject,
            format!("To review: {} submissions", listed.len())
        );
        for line in &listed {
            assert!(line.contains(&format!(": {BASE}/initiatives/")), "{line}");
        }
        assert!(mails[0]
            .text
            .contains(&format!("View in Articula: {BASE}/moderation")));
    }
    assert_no_message_id_twice(&smtp);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_erased_person_gets_nothing_and_a_refused_address_fails_alone() {
    let smtp = SmtpServer::start();
    let (app, _db) = start(&smtp).await;
    let (kept, _) = person(&app, "Kept", Some(Role::Moderator), "en").await;
    let (erased, _) = person(&app, "Erased", Some(Role::Moderator), "en").await;
    let (refused, _) = person(&app, "Refused", Some(Role::Moderator), "en").await;
    let admin = app.admin().await;
    let admin_token = app.sign_in(&admin).await;
    let erase = format!("/v1/accounts/{}/erasure", erased.id);
    ok(&app, Method::POST, &erase, &admin_token, None).await;

    let (_, manager_token) = person(&app, "Manager", None, "en").await;
    ok(
        &app,
        Method::POST,
        "/v1/initiatives",
        &manager_token,
        Some(initiative_json("Quiet")),
    )
    .await;
    smtp.wait_for(1, WAIT).await;
    settle(&app).await;
    assert_eq!(smtp.to(&kept.email).len(), 1);
    assert!(smtp.to(&erased.email).is_empty());
    assert!(smtp.to(&refused.email).is_empty());
    assert_eq!(smtp.received().len(), 1);

    let failed = ok(
        &app,
        Method::GET,
        "/v1/admin/notifications?status=failed",
        &admin_token,
        None,
    )
    .await;
    // The refused address's own confirmation mail (its sign-up) failed too; notices are counted.
    let failed: Vec<_> = failed["notifications"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] != "confirm_address")
        .cloned()
        .collect();
    assert_eq!(failed.len(), 1, "{failed:#?}");
    assert_eq!(failed[0]["recipient"], refused.id.to_string());
    assert_eq!(failed[0]["kind"], "to_review");
    assert!(
        failed[0]["last_error"].as_str().unwrap().contains("550"),
        "{failed:#?}"
    );
    assert!(
        !failed[0].to_string().contains(&refused.email),
        "no address shown"
    );

    // Members may not look; a bad status is named.
    let response = app
        .request(
            Method::GET,
            "/v1/admin/notifications",
            Some(&manager_token),
            None,
        )
        .await;
    assert_eq!(response.status(), 403);
    let response = app
        .request(
            Method::GET,
            "/v1/admin/notifications?status=lost",
            Some(&admin_token),
            None,
        )
        .await;
    assert_eq!(response.status(), 400);
    assert!(response
        .text()
        .await
        .unwrap()
        .contains("failed, pending or sent"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_mail_server_leaves_the_server_ready_with_mail_degraded() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .unwrap()
        .port();
    let db = TestPostgres::create().await;
    let app = spawn_app(mail_settings(Some(db.url.clone()), port)).await;
    let deadline = Instant::now() + WAIT;
    loop {
        let ready = app.wait_ready().await;
        let mail = ready["mail"].as_str().unwrap_or_default().to_string();
        if mail.starts_with("degraded") {
            assert!(mail.contains("unreachable"), "{mail}");
            break;
        }
        assert!(
            Instant::now() < deadline,
            "mail never reported degraded: {ready}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_embedded_default_writes_eml_files_in_the_data_directory() {
    let dir = tempfile::tempdir().unwrap();
    let app = spawn_app(Settings {
        data_dir: dir.path().to_path_buf(),
        seed_on_first_start: false,
        public_base_url: BASE.into(),
        ..test_settings(None)
    })
    .await;
    app.wait_ready().await;
    let (moderator, _) = person(&app, "Moderator", Some(Role::Moderator), "pt").await;
    let (_, manager_token) = person(&app, "Manager", None, "en").await;
    ok(
        &app,
        Method::POST,
        "/v1/initiatives",
        &manager_token,
        Some(initiative_json("Arquivo")),
    )
    .await;
    let mail_dir = dir.path().join("mail");
    let deadline = Instant::now() + WAIT;
    let file = loop {
        let found = std::fs::read_dir(&mail_dir)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().and_then(|e| e.to_str()) == Some("eml"))
            // Sign-ups write their confirmation mails (with a secret) here too: the one
            // wanted is the moderator's news of the submission.
            .find(|p| {
                std::fs::read_to_string(p).is_ok_and(|eml| {
                    eml.contains(&format!("To: {}", moderator.email)) && !eml.contains("\nsecret: ")
                })
            });
        if let Some(file) = found {
            break file;
        }
        assert!(
            Instant::now() < deadline,
            "no .eml file in {}",
            mail_dir.display()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let eml = std::fs::read_to_string(&file).unwrap();
    assert!(eml.contains(&format!("To: {}", moderator.email)), "{eml}");
    let stem = file.file_stem().unwrap().to_str().unwrap();
    assert!(
        eml.contains(&format!("Message-ID: <{stem}@articula.test>")),
        "{eml}"
    );
    settle(&app).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_on_one_database_send_each_mail_once() {
    let smtp = SmtpServer::start();
    let (first, db) = start(&smtp).await;
    let second = spawn_app(mail_settings(Some(db.url.clone()), smtp.port)).await;
    second.wait_ready().await;
    let mut moderators = Vec::new();
    for n in 0..2 {
        moderators.push(
            person(
                &first,
                &format!("Moderator{n}"),
                Some(Role::Moderator),
                "en",
            )
            .await,
        );
    }
    let (_, token) = person(&second, "Manager", None, "en").await;
    for n in 0..4 {
        // Half the writes through each server: either may be the one that sends.
        let app = if n % 2 == 0 { &first } else { &second };
        ok(
            app,
            Method::POST,
            "/v1/initiatives",
            &token,
            Some(initiative_json(&format!("Twice {n}"))),
        )
        .await;
    }
    let titles: Vec<String> = (0..4).map(|n| format!("Twice {n}")).collect();
    let addresses: Vec<&str> = moderators.iter().map(|(m, _)| m.email.as_str()).collect();
    smtp.wait_until_told(&addresses, &titles, WAIT).await;
    settle(&first).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    // Each submission told once to each moderator (alone or with others), by one server.
    for address in &addresses {
        assert_eq!(smtp.told_to_review(address), titles, "{address}");
    }
    assert_no_message_id_twice(&smtp);
}
