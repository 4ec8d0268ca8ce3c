//! `kill -9` with mail pending because the mail server does not answer; after a restart with a
//! working mail server every pending mail goes out, and none is given up on as "the recipient's
//! account was erased" (the account directory is still catching up at start: nothing may be
//! decided on it before it has).

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::net::TcpListener;

use crate::harness::{free_port, initiative, Figures, Server, Store};

/// A mail server that accepts connections and never says a word.
async fn black_hole() -> (u16, tokio::task::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let task = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = listener.accept().await {
            held.push(stream);
        }
    });
    (port, task)
}

/// Debian's aiosmtpd (installed by ops/test.sh), accepting and discarding every message.
fn sink(port: u16) -> Child {
    let child = Command::new("/usr/bin/python3")
        .args([
            "-m",
            "aiosmtpd",
            "-n",
            "-c",
            "aiosmtpd.handlers.Sink",
            "-l",
            &format!("127.0.0.1:{port}"),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("python3 -m aiosmtpd runs (ops/test.sh installs python3-aiosmtpd)");
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "aiosmtpd did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    child
}

async fn notifications(server: &Server, token: &str, status: &str) -> Vec<Value> {
    let listed: Value = reqwest::Client::new()
        .get(format!(
            "{}/v1/admin/notifications?status={status}&limit=100",
            server.base
        ))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    listed["notifications"]
        .as_array()
        .unwrap_or_else(|| panic!("a list: {listed}"))
        .clone()
}

/// The last event the notifier has decided about, read from the embedded database's file.
async fn notifier_position(dir: &std::path::Path) -> i64 {
    let url = format!("sqlite://{}", dir.join("data/articula.db").display());
    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
    let position: i64 =
        sqlx::query_scalar("SELECT position FROM notifier_checkpoint WHERE name = 'notifier'")
            .fetch_one(&pool)
            .await
            .unwrap();
    pool.close().await;
    position
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn mail_pending_at_a_crash_is_delivered_after_the_restart() {
    let dir = tempfile::tempdir().unwrap();
    let (silent, _silent_task) = black_hole().await;
    let working = free_port();
    let silent_port = silent.to_string();
    let settings = [
        ("ARTICULA_SMTP_HOST", "127.0.0.1"),
        ("ARTICULA_SMTP_PORT", silent_port.as_str()),
        ("ARTICULA_SMTP_TLS", "none"),
        ("ARTICULA_SMTP_TIMEOUT_SECS", "1"),
        ("ARTICULA_MAIL_RETRY_BASE_MS", "200"),
    ];
    let mut server = Server::start(dir.path(), Store::Sqlite, &settings).await;
    let admin = server.admin_token().await;
    // The administrator moderates too, and so hears of new submissions.
    let me: Value = reqwest::Client::new()
        .get(format!("{}/v1/me", server.base))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let account = me["id"].as_str().expect("an account id").to_string();
    let granted = reqwest::Client::new()
        .put(format!(
            "{}/v1/accounts/{account}/roles/moderator",
            server.base
        ))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(granted.status(), 200, "{}", granted.text().await.unwrap());
    // Rounds of: submissions the moderator is to be told of, pending with the silent mail
    // server; kill -9; restart with a working one; everything goes out, nothing fails. (The race
    // this guards against is between the sender's first look and the directory catching up, so
    // more than one round catches it more surely.)
    let mut mail_server = sink(working);
    let mut figures = Figures::default();
    for round in 0..3 {
        server.kill9();
        server.set_env("ARTICULA_SMTP_PORT", &silent_port);
        server.restart().await;
        let mut last = 0;
        for n in 0..5 {
            let response = reqwest::Client::new()
                .post(format!("{}/v1/initiatives", server.base))
                .bearer_auth(&admin)
                .json(&initiative(&format!("Iniciativa con correo {round}-{n}")))
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 201);
            let written: Value = response.json().await.unwrap();
            last = written["position"]
                .as_i64()
                .expect("a write answers its position");
        }
        // Submissions the notifier reads together go as one mail (a digest), so the count of
        // mails varies: wait until it has decided about the last one. Its checkpoint moves with
        // the rows it records, so what is pending then holds them all.
        let started = Instant::now();
        let pending = loop {
            let decided = notifier_position(dir.path()).await >= last;
            let pending = notifications(&server, &admin, "pending").await;
            if decided && !pending.is_empty() {
                break pending;
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "the mail to send was not recorded"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        figures.sent += pending.len();
        server.kill9();

        server.set_env("ARTICULA_SMTP_PORT", &working.to_string());
        server.restart().await;
        let started = Instant::now();
        loop {
            let failed = notifications(&server, &admin, "failed").await;
            assert!(
                failed.is_empty(),
                "round {round}: mail given up on after the restart: {failed:?}"
            );
            let left = notifications(&server, &admin, "pending").await;
            if left.is_empty() {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "round {round}: mail still pending: {left:?}"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
    let sent = notifications(&server, &admin, "sent").await;
    figures.acknowledged = sent.len();
    for _ in &sent {
        figures.count("sent");
    }
    figures.print(
        "kill -9 with mail pending, 3 rounds (sent: pending at the kills; acknowledged: sent after)",
    );
    assert_eq!(sent.len(), figures.sent);
    let _ = mail_server.kill();
    let _ = mail_server.wait();
}
