//! `If-Match` under racing writers, over HTTP: two writers that read the same version and send it
//! back, released together, 100 times — on PostgreSQL, on SQLite, and across two servers on one
//! PostgreSQL database. Exactly one wins each round; the other gets 412 and the record advanced
//! by exactly one version.

use std::sync::Arc;

use domain::actor::Role;
use e2e::{initiative_json, spawn_app, spawn_on_postgres, test_settings, TestApp};
use reqwest::Method;
use serde_json::{json, Value};
use tokio::sync::Barrier;

const TRIALS: usize = 100;

/// The status and ETag of a request sent with `If-Match`.
async fn send(
    app: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    if_match: &str,
    body: Value,
) -> (u16, Option<String>) {
    let response = app
        .client
        .request(method, format!("{}{path}", app.address))
        .bearer_auth(token)
        .header("if-match", if_match)
        .json(&body)
        .send()
        .await
        .expect("request sent");
    let etag = response
        .headers()
        .get("etag")
        .map(|v| v.to_str().unwrap().to_string());
    (response.status().as_u16(), etag)
}

/// Releases one writer per server together, each sending `if_match`; returns their statuses.
async fn race(
    servers: &[Arc<TestApp>],
    method: Method,
    path: &str,
    token: &str,
    if_match: &str,
    body: impl Fn(usize) -> Value,
) -> Vec<u16> {
    let barrier = Arc::new(Barrier::new(servers.len()));
    let writers: Vec<_> = servers
        .iter()
        .enumerate()
        .map(|(n, app)| {
            let (app, barrier) = (app.clone(), barrier.clone());
            let (method, path, token, if_match) = (
                method.clone(),
                path.to_string(),
                token.to_string(),
                if_match.to_string(),
            );
            let body = body(n);
            tokio::spawn(async move {
                barrier.wait().await;
                send(&app, method, &path, &token, &if_match, body).await.0
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for writer in writers {
        statuses.push(writer.await.unwrap());
    }
    statuses.sort_unstable();
    statuses
}

async fn version_of(app: &TestApp, path: &str, token: &str) -> String {
    let response = app
        .client
        .get(format!("{}{path}", app.address))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "GET {path}");
    response.headers()["etag"].to_str().unwrap().to_string()
}

/// Profile changes of one initiative and replies in one thread, each round raced by one writer
/// per server (two writers on one server when given one).
async fn if_match_holds(servers: Vec<Arc<TestApp>>) {
    let servers = if servers.len() == 1 {
        vec![servers[0].clone(), servers[0].clone()]
    } else {
        servers
    };
    let app = &servers[0];
    let member = app.sign_up("Member").await;
    let member = app.sign_in(&member).await;
    let moderator = app.person_with("Moderator", Role::Moderator).await;
    let moderator = app.sign_in(&moderator).await;

    let registered: Value = app
        .request(
            Method::POST,
            "/v1/initiatives",
            Some(&member),
            Some(initiative_json("Clúster de carreras")),
        )
        .await
        .json()
        .await
        .unwrap();
    let initiative = registered["id"].as_str().unwrap().to_string();
    let profile = format!("/v1/initiatives/{initiative}/profile");
    let read = format!("/v1/initiatives/{initiative}");

    let community: Value = app
        .request(
            Method::POST,
            "/v1/communities",
            Some(&moderator),
            Some(json!({ "name": "Carreras", "theme": { "sector": "lithium" }, "join_policy": "open" })),
        )
        .await
        .json()
        .await
        .unwrap();
    let community = community["id"].as_str().unwrap().to_string();
    let thread: Value = app
        .request(
            Method::POST,
            &format!("/v1/communities/{community}/threads"),
            Some(&moderator),
            Some(json!({ "title": "Carrera", "body": "¿Quién llega primero?" })),
        )
        .await
        .json()
        .await
        .unwrap();
    let thread = format!("/v1/threads/{}", thread["id"].as_str().unwrap());
    let replies = format!("{thread}/posts");

    for trial in 0..TRIALS {
        let seen = version_of(app, &read, &member).await;
        let statuses = race(
            &servers,
            Method::PATCH,
            &profile,
            &member,
            &seen,
            |n| json!({ "description": format!("Descripción {trial}-{n}") }),
        )
        .await;
        assert_eq!(statuses, [200, 412], "profile, trial {trial}");
        let now = version_of(app, &read, &member).await;
        let advanced = |etag: &str| etag.trim_matches('"').parse::<usize>().unwrap();
        assert_eq!(
            advanced(&now),
            advanced(&seen) + 1,
            "profile, trial {trial}"
        );

        let seen = version_of(app, &thread, &moderator).await;
        let statuses = race(
            &servers,
            Method::POST,
            &replies,
            &moderator,
            &seen,
            |n| json!({ "body": format!("Respuesta {trial}-{n}") }),
        )
        .await;
        assert_eq!(statuses, [201, 412], "reply, trial {trial}");
        let now = version_of(app, &thread, &moderator).await;
        assert_eq!(advanced(&now), advanced(&seen) + 1, "reply, trial {trial}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn if_match_holds_on_postgres() {
    let pg = spawn_on_postgres().await;
    if_match_holds(vec![Arc::new(pg.app)]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn if_match_holds_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("races.db").display());
    let app = spawn_app(test_settings(Some(url))).await;
    if_match_holds(vec![Arc::new(app)]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn if_match_holds_across_two_servers_on_one_postgres_database() {
    let pg = spawn_on_postgres().await;
    let second = spawn_app(test_settings(Some(pg.db.url.clone()))).await;
    if_match_holds(vec![Arc::new(pg.app), Arc::new(second)]).await;
}
