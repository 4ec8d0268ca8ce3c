//! What changes about an account counts at once on every instance: each request checks the
//! session and the account's version in the database, and an instance uses its cached account
//! only when that cache is at the stored version.

use domain::account::Authority;
use domain::actor::Role;
use e2e::{spawn_app, spawn_on_postgres, test_settings};
use reqwest::Method;
use store::EventMetadata;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_role_changed_through_one_instance_counts_at_once_on_another() {
    let first = spawn_on_postgres().await;
    let second = spawn_app(test_settings(Some(first.db.url.clone()))).await;
    let person = first.app.sign_up("Rosa").await;
    let token = first.app.token_for(person.id).await;
    let audit = "/v1/audit/events?limit=1";
    let status_on_second = || async {
        second
            .request(Method::GET, audit, Some(&token), None)
            .await
            .status()
            .as_u16()
    };
    // The second instance reads (and caches) the account before each change.
    assert_eq!(status_on_second().await, 403);
    first.app.grant(person.id, Role::Auditor).await;
    assert_eq!(status_on_second().await, 200, "granted on the first");
    first
        .app
        .state
        .accounts
        .change_role(
            person.id,
            Role::Auditor,
            false,
            Authority::System("test".into()),
            &EventMetadata::system("test", "RevokeRole"),
        )
        .await
        .expect("role revoked");
    assert_eq!(status_on_second().await, 403, "revoked on the first");
}

/// How many writes `app` ran under a recalled session whose check ended as `outcome`
/// (`articula_recalled_writes_total`).
async fn recalled(app: &e2e::TestApp, outcome: &str) -> f64 {
    let metrics = app.get("/metrics").await.text().await.unwrap();
    let name = format!("articula_recalled_writes_total{{outcome=\"{outcome}\"}}");
    e2e::metric_sample(&metrics, &name)
}

/// Registers an initiative through `app` as `token`'s account; the answer's status.
async fn register(app: &e2e::TestApp, token: &str, name: &str) -> u16 {
    app.request(
        Method::POST,
        "/v1/initiatives",
        Some(token),
        Some(e2e::initiative_json(name)),
    )
    .await
    .status()
    .as_u16()
}

/// A write whose session this instance read a moment ago runs without reading it again, its
/// append checking it (`access::recalled`); signed out on another instance in between, the
/// write is refused as any request would be, and nothing is written.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_under_a_session_signed_out_on_another_instance_writes_nothing() {
    let first = spawn_on_postgres().await;
    let second = spawn_app(test_settings(Some(first.db.url.clone()))).await;
    let person = first.app.sign_up("Ines").await;
    let token = first.app.sign_in(&person).await;
    assert_eq!(register(&second, &token, "Primera").await, 201);
    assert_eq!(register(&second, &token, "Segunda").await, 201);
    assert_eq!(
        recalled(&second, "verified").await,
        1.0,
        "the second write ran under the session the first had read"
    );

    let path = format!("/v1/accounts/{}/sessions", person.id);
    let signed_out = first
        .app
        .request(Method::DELETE, &path, Some(&token), None)
        .await;
    assert_eq!(signed_out.status(), 200);
    let head = second.head().await;
    assert_eq!(register(&second, &token, "Tercera").await, 401);
    assert_eq!(recalled(&second, "refused").await, 1.0);
    assert_eq!(second.head().await, head, "nothing was written");
}

/// A role taken away on another instance counts for a write run under a recalled session (its
/// append finds the account changed, and the request runs again as the account now is), and so
/// does a role given (the refusal made as the account was is not the answer).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_under_a_recalled_session_runs_as_the_account_now_is() {
    let first = spawn_on_postgres().await;
    let second = spawn_app(test_settings(Some(first.db.url.clone()))).await;
    let moderator = first.app.person_with("Mara", Role::Moderator).await;
    let token = first.app.token_for(moderator.id).await;
    let manager = first.app.sign_up("Nico").await;
    let manager = first.app.token_for(manager.id).await;
    let submitted = |name| submit(&first.app, &manager, name);
    let approve = |path| approve_on(&second, &token, path);
    assert_eq!(approve(submitted("Uno").await).await, 200);
    assert_eq!(approve(submitted("Dos").await).await, 200);
    assert_eq!(recalled(&second, "verified").await, 1.0);

    first
        .app
        .state
        .accounts
        .change_role(
            moderator.id,
            Role::Moderator,
            false,
            Authority::System("test".into()),
            &EventMetadata::system("test", "RevokeRole"),
        )
        .await
        .expect("role revoked");
    let head = second.head().await;
    let tres = submitted("Tres").await;
    let submitted_head = first.app.head().await;
    assert!(submitted_head > head);
    assert_eq!(approve(tres.clone()).await, 403, "revoked on the first");
    assert_eq!(recalled(&second, "ran_again").await, 1.0);
    assert_eq!(second.head().await, submitted_head, "nothing was approved");

    // Given back on the first: the refusal decided on the account as recalled is not the
    // answer; the write runs again as the account now is.
    first.app.grant(moderator.id, Role::Moderator).await;
    assert_eq!(approve(tres).await, 200, "granted again on the first");
}

/// Submits an initiative through `app` as `token`'s account; its approval's path.
async fn submit(app: &e2e::TestApp, token: &str, name: &str) -> String {
    let response = app
        .request(
            Method::POST,
            "/v1/initiatives",
            Some(token),
            Some(e2e::initiative_json(name)),
        )
        .await;
    assert_eq!(response.status(), 201);
    let body: serde_json::Value = response.json().await.unwrap();
    format!("/v1/initiatives/{}/approval", body["id"].as_str().unwrap())
}

/// Approves through `app` as `token`'s account; the answer's status.
async fn approve_on(app: &e2e::TestApp, token: &str, path: String) -> u16 {
    app.request(Method::POST, &path, Some(token), None)
        .await
        .status()
        .as_u16()
}
