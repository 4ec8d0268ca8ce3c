//! PostgreSQL unreachable for a few seconds under load, then back.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use store::testing::TestPostgres;

use crate::harness::{initiative, registered_names, verify_ok, Figures, Server, Store};
use crate::proxy::Proxy;

/// The server's database URL, through the proxy on `port`.
fn through(url: &str, port: u16) -> String {
    let rest = url.split_once('@').map_or(url, |(_, rest)| rest);
    let (_, path) = rest.split_once('/').expect("a database name");
    let user = url
        .split_once("://")
        .and_then(|(_, r)| r.split_once('@'))
        .map_or("postgres", |(user, _)| user);
    format!("postgres://{user}@127.0.0.1:{port}/{path}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_unreachable_answers_503_promptly_and_recovers_without_a_restart() {
    let db = TestPostgres::create().await;
    let target = {
        let rest = db.url.split_once('@').map_or(db.url.as_str(), |(_, r)| r);
        rest.split('/').next().unwrap().to_string()
    };
    let proxy = Proxy::start(target).await;
    let url = through(&db.url, proxy.port);
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(
        dir.path(),
        Store::Postgres(url.clone()),
        &[("ARTICULA_DATABASE_ACQUIRE_TIMEOUT_MS", "1000")],
    )
    .await;
    let token = server.admin_token().await;
    let client = reqwest::Client::new();

    // Writers keep writing through the outage; each write's answer is kept.
    let stop = Arc::new(AtomicBool::new(false));
    let answers = Arc::new(Mutex::new(Vec::new()));
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let (stop, answers, client) = (stop.clone(), answers.clone(), client.clone());
            let (base, token) = (server.base.clone(), token.clone());
            tokio::spawn(async move {
                let mut n = 0;
                while !stop.load(Ordering::SeqCst) {
                    let name = format!("Iniciativa del apagón {w}-{n}");
                    n += 1;
                    let started = Instant::now();
                    let response = client
                        .post(format!("{base}/v1/initiatives"))
                        .bearer_auth(&token)
                        .json(&initiative(&name))
                        .send()
                        .await;
                    let took = started.elapsed();
                    let answer = match response {
                        Ok(r) => (
                            r.status().as_u16(),
                            r.headers().contains_key("retry-after"),
                            r.text().await.unwrap_or_default(),
                        ),
                        Err(e) => (0, false, e.to_string()),
                    };
                    answers.lock().unwrap().push((name, answer, took));
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            })
        })
        .collect();

    tokio::time::sleep(Duration::from_millis(500)).await;
    proxy.cut();
    let cut_at = Instant::now();
    // While it is away: readiness answers at once and says so; reads of the read models go on.
    let mut ready_statuses = Vec::new();
    while cut_at.elapsed() < Duration::from_secs(4) {
        let started = Instant::now();
        let ready = client
            .get(format!("{}/ready", server.base))
            .send()
            .await
            .unwrap();
        assert!(
            started.elapsed() < Duration::from_millis(1500),
            "/ready took {:?}",
            started.elapsed()
        );
        ready_statuses.push(ready.status().as_u16());
        let map = client
            .get(format!("{}/v1/map", server.base))
            .send()
            .await
            .unwrap();
        assert_eq!(map.status(), 200, "reads of the read models go on");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert!(ready_statuses.contains(&503), "{ready_statuses:?}");
    proxy.restore().await;
    let restored_at = Instant::now();
    // Back without a restart: writes succeed again within a few seconds.
    loop {
        let response = client
            .post(format!("{}/v1/initiatives", server.base))
            .bearer_auth(&token)
            .json(&initiative("Iniciativa después del apagón"))
            .send()
            .await
            .unwrap();
        if response.status() == 201 {
            break;
        }
        assert!(
            restored_at.elapsed() < Duration::from_secs(15),
            "writes did not recover: {}",
            response.status()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    server.wait_ready().await;
    stop.store(true, Ordering::SeqCst);
    for writer in writers {
        writer.await.unwrap();
    }

    let answers = answers.lock().unwrap().clone();
    let names = registered_names(&Store::Postgres(url), dir.path()).await;
    let mut figures = Figures {
        sent: answers.len(),
        ..Figures::default()
    };
    for (name, (status, retry_after, body), took) in &answers {
        figures.count(&status.to_string());
        let stored = names.get(name).copied().unwrap_or(0);
        figures.present += usize::from(stored > 0);
        figures.duplicated += usize::from(stored > 1);
        match status {
            201 => {
                figures.acknowledged += 1;
                assert_eq!(stored, 1, "{name}");
            }
            503 => {
                assert!(retry_after, "503 without Retry-After: {body}");
                // The acquire timeout (1 s) bounds the wait, with room for a busy machine.
                assert!(*took < Duration::from_secs(5), "a 503 took {took:?}");
            }
            // The server's own account of it, for whoever reads the failure.
            other => panic!(
                "{name}: {other} {body}\nserver errors: {:#?}",
                server.errors()
            ),
        }
    }
    figures.print("PostgreSQL unreachable for 4 s");
    // The database being away is logged as warnings (it is not a bug of ours), never as errors.
    assert_eq!(server.errors(), Vec::<String>::new());
    assert!(
        figures.statuses.contains_key("503"),
        "{:?}",
        figures.statuses
    );
    assert_eq!(figures.duplicated, 0);
    verify_ok(&server);
}
