//! Logs never carry personal data, passwords, tokens or keys, even at debug level (which
//! includes every SQL statement and every request).

use std::io::Write;
use std::sync::{Arc, Mutex};

use e2e::spawn_on_postgres;
use reqwest::Method;
use serde_json::json;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_personal_or_secret_reaches_the_logs() {
    let captured = Captured::default();
    let writer = captured.clone();
    tracing_subscriber::fmt()
        .with_env_filter("debug")
        .with_writer(move || writer.clone())
        .json()
        .init();

    let env = spawn_on_postgres().await;
    let app = &env.app;
    let email = "helena.vargas@example.org";
    let password = "a very private passphrase";
    app.sign_up_with(json!({
        "email": email, "display_name": "Helena Vargas",
        "password": password, "phone": "+57 300 123 4567"
    }))
    .await;
    let session: serde_json::Value = app
        .request(
            Method::POST,
            "/v1/sessions",
            None,
            Some(json!({ "email": email, "password": password })),
        )
        .await
        .json()
        .await
        .unwrap();
    let token = session["token"].as_str().unwrap().to_string();
    let (_, confirmation_secret) = app.confirmation_mail(email).await;
    let me = app.request(Method::GET, "/v1/me", Some(&token), None).await;
    assert_eq!(me.status(), 200);
    let wrong = app
        .request(
            Method::POST,
            "/v1/sessions",
            None,
            Some(json!({ "email": email, "password": "guess guess guess" })),
        )
        .await;
    assert_eq!(wrong.status(), 401);
    // A method a route does not have is the client's mistake: 405, and no ERROR line.
    for method in [Method::PUT, Method::OPTIONS] {
        let refused = app.request(method, "/v1/map", None, None).await;
        assert_eq!(refused.status(), 405);
    }

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        !logs.contains("\"level\":\"ERROR\""),
        "no ERROR line: {}",
        logs.lines()
            .filter(|line| line.contains("\"level\":\"ERROR\""))
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert!(logs.contains("signed in"), "the capture works");
    assert!(logs.contains("INSERT INTO events"), "debug level shows SQL");
    for secret in [
        email,
        "Helena",
        "Vargas",
        "3001234567",
        password,
        "guess guess",
        &token,
        &confirmation_secret,
    ] {
        assert!(!logs.contains(secret), "`{secret}` appears in the logs");
    }
}
