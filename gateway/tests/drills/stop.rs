//! SIGTERM with requests on their way: each round sends 16 writes, each on a connection of its
//! own, and stops the server 0 to 9 ms later. Every request whose connection was accepted is
//! answered (none is cut); a connection attempted after the stop is refused.

use std::sync::Arc;
use std::time::Duration;

use store::testing::TestPostgres;
use tokio::sync::Barrier;

use crate::harness::{initiative, Figures, Server, Store};

const IN_FLIGHT: usize = 16;

async fn drill(store: Store, label: &str, rounds: usize) {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Server::start(dir.path(), store, &[]).await;
    let token = server.admin_token().await;
    let mut figures = Figures::default();
    for round in 0..rounds {
        if round > 0 {
            server.restart().await;
        }
        let barrier = Arc::new(Barrier::new(IN_FLIGHT + 1));
        let requests: Vec<_> = (0..IN_FLIGHT)
            .map(|n| {
                let (barrier, base, token) = (barrier.clone(), server.base.clone(), token.clone());
                tokio::spawn(async move {
                    // No pooling: every request opens its own connection, the case a stop cut.
                    let client = reqwest::Client::builder()
                        .pool_max_idle_per_host(0)
                        .build()
                        .unwrap();
                    barrier.wait().await;
                    client
                        .post(format!("{base}/v1/initiatives"))
                        .bearer_auth(&token)
                        .json(&initiative(&format!("Parada {round}-{n}")))
                        .send()
                        .await
                        .map(|r| r.status().as_u16())
                })
            })
            .collect();
        // The signal is sent by a shell that is already running when the requests leave, a
        // few milliseconds after them (0 to 9 ms, round by round): the window in which
        // connections are accepted but their requests not yet read.
        let delay = format!("0.00{}", round % 10);
        let signal = std::process::Command::new("sh")
            .args(["-c", &format!("sleep {delay}; kill -TERM {}", server.pid())])
            .spawn()
            .unwrap();
        barrier.wait().await;
        tokio::task::spawn_blocking(move || {
            let mut signal = signal;
            signal.wait().unwrap()
        })
        .await
        .unwrap();
        // Once the stop has begun, a new connection is refused outright.
        tokio::time::sleep(Duration::from_millis(100)).await;
        let late = tokio::net::TcpStream::connect(("127.0.0.1", server.port)).await;
        assert!(
            late.is_err(),
            "round {round}: a connection after the stop was accepted"
        );
        for request in requests {
            figures.sent += 1;
            match request.await.unwrap() {
                Ok(status) => {
                    figures.count(&status.to_string());
                    assert_eq!(status, 201, "round {round}");
                    figures.acknowledged += 1;
                }
                // Refused before it was accepted: what a stopped server may do to a newcomer.
                Err(error) if error.is_connect() => figures.count("refused"),
                Err(error) => {
                    figures.count("cut");
                    panic!("round {round}: an accepted request got no answer: {error:?}");
                }
            }
        }
        let exit = server.wait_exit();
        assert!(
            exit.success(),
            "round {round}: exit after SIGTERM: {exit:?}"
        );
    }
    figures.print(&format!("SIGTERM with requests on their way ({label})"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigterm_answers_every_accepted_request_on_sqlite() {
    drill(Store::Sqlite, "SQLite", 10).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigterm_answers_every_accepted_request_on_postgres() {
    let db = TestPostgres::create().await;
    drill(Store::Postgres(db.url.clone()), "PostgreSQL", 3).await;
}
