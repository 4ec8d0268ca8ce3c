//! Helpers for the end-to-end tests in `tests/`: a real server on a free port, with a client.

use std::time::Duration;

use gateway::{Application, Settings};

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
}

/// Builds the application as `articula serve` does (port 0: a free one) and serves it in the
/// background for the rest of the test.
pub async fn spawn_app(settings: Settings) -> TestApp {
    let app = Application::build(&Settings {
        port: 0,
        ..settings
    })
    .await
    .expect("the application starts");
    let address = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until(std::future::pending()));
    TestApp {
        address,
        client: reqwest::Client::new(),
    }
}

impl TestApp {
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.address))
            .send()
            .await
            .expect("request sent")
    }

    /// Waits until `/ready` answers 200 (projections catch up at start) and returns its body.
    pub async fn wait_ready(&self) -> serde_json::Value {
        for _ in 0..100 {
            let response = self.get("/ready").await;
            if response.status() == 200 {
                return response.json().await.expect("a JSON body");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let last = self.get("/ready").await.text().await.unwrap_or_default();
        panic!("the server never became ready: {last}");
    }
}
