//! `kill -9` during a burst of writes, half of them with an `Idempotency-Key`.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;
use store::testing::TestPostgres;

use crate::harness::{
    initiative, projections_equal_rebuilds, registered_names, verify_ok, Figures, Server, Store,
};

const CLIENTS: usize = 16;

/// What one write of the burst was told.
#[derive(Debug, Clone)]
enum Told {
    /// 201 with this id.
    Created(String),
    /// Another HTTP answer.
    Status(u16),
    /// No answer: the connection failed or was cut.
    Nothing,
}

fn key_of(n: usize) -> Option<String> {
    n.is_multiple_of(2).then(|| format!("drill-{n}"))
}

fn name_of(n: usize) -> String {
    format!("Iniciativa del simulacro {n}")
}

async fn register(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    n: usize,
) -> Result<(u16, Value, bool), reqwest::Error> {
    let mut request = client
        .post(format!("{base}/v1/initiatives"))
        .bearer_auth(token)
        .json(&initiative(&name_of(n)));
    if let Some(key) = key_of(n) {
        request = request.header("idempotency-key", key);
    }
    let response = request.send().await?;
    let status = response.status().as_u16();
    let replayed = response.headers().contains_key("idempotent-replayed");
    let body = response.json().await.unwrap_or(Value::Null);
    Ok((status, body, replayed))
}

async fn drill(store: Store, label: &str) {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Server::start(dir.path(), store.clone(), &[]).await;
    let token = server.admin_token().await;

    // The burst: CLIENTS writers, each sending writes one after another until the kill.
    let next = Arc::new(AtomicUsize::new(0));
    let killed = Arc::new(AtomicBool::new(false));
    let told = Arc::new(Mutex::new(Vec::<(usize, Told)>::new()));
    let writers: Vec<_> = (0..CLIENTS)
        .map(|_| {
            let (next, killed, told) = (next.clone(), killed.clone(), told.clone());
            let (base, token) = (server.base.clone(), token.clone());
            tokio::spawn(async move {
                let client = reqwest::Client::new();
                while !killed.load(Ordering::SeqCst) {
                    let n = next.fetch_add(1, Ordering::SeqCst);
                    let outcome = match register(&client, &base, &token, n).await {
                        Ok((201, body, _)) => Told::Created(body["id"].as_str().unwrap().into()),
                        Ok((status, _, _)) => Told::Status(status),
                        Err(_) => Told::Nothing,
                    };
                    told.lock().unwrap().push((n, outcome));
                }
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    killed.store(true, Ordering::SeqCst);
    server.kill9();
    for writer in writers {
        writer.await.unwrap();
    }
    let told = told.lock().unwrap().clone();

    server.restart().await;

    // Every key is resent until it is no longer in progress: an acknowledged one replays its
    // first answer; one whose first attempt never committed runs now, once.
    let client = reqwest::Client::new();
    let mut figures = Figures {
        sent: told.len(),
        ..Figures::default()
    };
    for (n, outcome) in &told {
        figures.count(&match outcome {
            Told::Created(_) => "201".to_string(),
            Told::Status(status) => status.to_string(),
            Told::Nothing => "no answer".to_string(),
        });
        let Some(key) = key_of(*n) else { continue };
        let (status, body, replayed) = loop {
            let answer = register(&client, &server.base, &token, *n).await.unwrap();
            if answer.0 != 409 {
                break answer;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        };
        assert_eq!(status, 201, "key {key}: {body}");
        if let Told::Created(id) = outcome {
            assert!(
                replayed,
                "key {key} was acknowledged: its retry must be a replay"
            );
            assert_eq!(body["id"].as_str(), Some(id.as_str()), "key {key}");
        }
    }

    let names = registered_names(&store, dir.path()).await;
    for (n, outcome) in &told {
        let stored = names.get(&name_of(*n)).copied().unwrap_or(0);
        if stored > 1 {
            figures.duplicated += 1;
        }
        if stored > 0 {
            figures.present += 1;
        }
        match outcome {
            Told::Created(_) => {
                figures.acknowledged += 1;
                assert_eq!(stored, 1, "acknowledged write {n} is stored {stored} times");
            }
            // Keyed writes were all retried to completion: each exactly once.
            _ if key_of(*n).is_some() => {
                assert_eq!(stored, 1, "keyed write {n} is stored {stored} times");
            }
            // An unkeyed write that got no answer may or may not have committed; never twice.
            _ => assert!(stored <= 1, "write {n} is stored {stored} times"),
        }
    }
    figures.print(&format!("kill -9 during a burst ({label})"));
    assert!(
        figures.acknowledged > 0,
        "the burst wrote nothing before the kill"
    );
    assert_eq!(figures.duplicated, 0);

    verify_ok(&server);
    projections_equal_rebuilds(&server.base, &token).await;
    // Starting up (`/ready` answering 503 until the projections caught up) and answering the
    // retries (409s while keys were in progress) are not errors.
    assert_eq!(server.errors(), Vec::<String>::new());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn kill_9_during_a_burst_on_postgres() {
    let db = TestPostgres::create().await;
    drill(Store::Postgres(db.url.clone()), "PostgreSQL").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn kill_9_during_a_burst_on_sqlite() {
    drill(Store::Sqlite, "SQLite").await;
}
