//! This process's commits reach its read models as they commit
//! (`projections::engine::committed`), beside the feed that brings everyone else's.

use std::sync::Arc;
use std::time::Duration;

use domain::actor::Role;
use e2e::{initiative_json, spawn_app, spawn_on_postgres, test_settings, TestApp};
use reqwest::Method;
use serde_json::{json, Value};
use tokio::sync::Barrier;

async fn ok(app: &TestApp, method: Method, path: &str, token: &str, body: Value) -> Value {
    let response = app.request(method, path, Some(token), Some(body)).await;
    let status = response.status().as_u16();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    assert!((200..300).contains(&status), "{path}: {status} {body}");
    body
}

/// On SQLite, two servers of one file (in one process, they share its appends, so each is told
/// of the other's commits too): commits are applied as made, and every read model ends equal
/// to its rebuild.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn on_sqlite_commits_applied_as_made_leave_every_read_model_equal_to_its_rebuild() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("own-commits.db").display());
    let first = Arc::new(spawn_app(test_settings(Some(url.clone()))).await);
    let second = Arc::new(spawn_app(test_settings(Some(url))).await);
    let told = write_on_both(&first, &second).await;
    assert!(told > 0, "some commits were applied as they were made");
}

/// On PostgreSQL, two servers of one database, each told only of its own commits: every read
/// model ends equal to its rebuild. (How many are told depends on the other transactions of
/// the server at each moment, other tests' included: `store::group_commit::watchers`.)
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn on_postgres_commits_applied_as_made_leave_every_read_model_equal_to_its_rebuild() {
    let pg = spawn_on_postgres().await;
    let second = Arc::new(spawn_app(test_settings(Some(pg.db.url.clone()))).await);
    let first = Arc::new(pg.app);
    write_on_both(&first, &second).await;
}

/// Sixteen managers released together, half on each server, each registering four initiatives
/// that a moderator approves: every approval is on its server's map when answered, and
/// afterwards every read model of both servers equals its rebuild from the feed. Returns how
/// many events the two applied as they were committed.
async fn write_on_both(first: &Arc<TestApp>, second: &Arc<TestApp>) -> u64 {
    let moderator = first.person_with("Moderadora", Role::Moderator).await;
    let moderator = Arc::new(first.token_for(moderator.id).await);
    let start = Arc::new(Barrier::new(16));
    let mut writers = Vec::new();
    for n in 0..16 {
        let app = if n % 2 == 0 { first } else { second }.clone();
        let manager = app.sign_up(&format!("Gestora{n}")).await;
        let manager = app.token_for(manager.id).await;
        let (start, moderator) = (start.clone(), moderator.clone());
        writers.push(tokio::spawn(async move {
            start.wait().await;
            for round in 0..4 {
                let body = initiative_json(&format!("Clúster {n}-{round}"));
                let created = ok(&app, Method::POST, "/v1/initiatives", &manager, body).await;
                let id = created["id"].as_str().unwrap().to_string();
                let approval = format!("/v1/initiatives/{id}/approval");
                ok(&app, Method::POST, &approval, &moderator, json!({})).await;
                let map: Value = app.get("/v1/map").await.json().await.unwrap();
                let on_map = map["features"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|feature| feature["id"] == id.as_str());
                assert!(on_map, "{id} approved is on the map of its server");
            }
        }));
    }
    for writer in writers {
        writer.await.unwrap();
    }
    let told = [first, second].map(|app| app.state.engine.applied_as_committed());
    for (app, told) in [first, second].iter().zip(told) {
        let metrics = app.get("/metrics").await.text().await.unwrap();
        let gauge = e2e::metric_sample(&metrics, "articula_projection_events_applied_as_committed");
        assert!(
            gauge >= told as f64,
            "{gauge} in /metrics, {told} counted before"
        );
    }
    let auditor = first.person_with("Auditora", Role::Auditor).await;
    let auditor = first.token_for(auditor.id).await;
    for app in [first, second] {
        let head = app.head().await;
        let at = app.state.log.feed().locate(head).await.unwrap().unwrap();
        assert!(app.state.engine.wait_for(at, Duration::from_secs(20)).await);
        let ready = app.wait_ready().await;
        for projection in ready["projections"].as_array().unwrap() {
            let name = projection["name"].as_str().unwrap();
            let verify = format!("/v1/audit/projections/{name}/verify");
            let response = app
                .request(Method::GET, &verify, Some(&auditor), None)
                .await;
            let check: Value = response.json().await.unwrap();
            assert_eq!(check["equal"], true, "{check}");
        }
    }
    told.iter().sum()
}
