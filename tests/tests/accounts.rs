//! Accounts over HTTP on PostgreSQL: sign-up, sign-in, sessions, and every kind of bad input
//! answered with a clear 4xx and nothing written.

use e2e::{spawn_on_postgres, PASSWORD};
use reqwest::Method;
use serde_json::{json, Value};

async fn error_of(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let body: Value = response.json().await.expect("an error body");
    (status, body["error"].clone())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_signs_up_signs_in_reads_their_account_and_signs_out() {
    let env = spawn_on_postgres().await;
    let app = &env.app;
    let response = app
        .request(
            Method::POST,
            "/v1/accounts",
            None,
            Some(json!({
                "email": "  Ana.Souza@Example.ORG ",
                "display_name": "Ana Souza",
                "password": PASSWORD,
                "phone": "+55 (11) 91234-5678",
                "language": "pt"
            })),
        )
        .await;
    assert_eq!(response.status(), 202);
    let received: Value = response.json().await.unwrap();
    assert_eq!(received["status"], "received", "{received}");
    assert!(received.get("account_id").is_none(), "{received}");

    // Until the address is confirmed the account cannot sign in; the right password hears why.
    let (id, secret) = app.confirmation_mail("ana.souza@example.org").await;
    let sign_in = |password: &str| {
        app.request(
            Method::POST,
            "/v1/sessions",
            None,
            Some(json!({ "email": "ana.souza@example.org", "password": password })),
        )
    };
    let (status, error) = error_of(sign_in(PASSWORD).await).await;
    assert_eq!(status, 401);
    assert!(
        error["message"].as_str().unwrap().contains("confirm"),
        "{error}"
    );
    let (status, error) = error_of(sign_in("a wrong long passphrase").await).await;
    assert_eq!(status, 401);
    assert!(
        !error["message"].as_str().unwrap().contains("confirm"),
        "{error}"
    );

    // The link alone does not confirm: the password chosen at sign-up goes with it.
    let confirm = |secret: &str, password: &str| {
        app.request(
            Method::POST,
            "/v1/accounts/confirmation",
            None,
            Some(json!({ "account_id": id, "secret": secret, "password": password })),
        )
    };
    assert_eq!(
        confirm(&secret, "a wrong long passphrase").await.status(),
        401
    );
    assert_eq!(confirm("art_not-the-secret", PASSWORD).await.status(), 401);
    assert_eq!(confirm(&secret, PASSWORD).await.status(), 200);
    let (status, _) = error_of(confirm(&secret, PASSWORD).await).await;
    assert_eq!(status, 409, "confirmed once");

    let person = e2e::Person {
        id,
        email: "ana.souza@example.org".into(),
        password: PASSWORD.into(),
    };
    let token = app.sign_in(&person).await;
    assert!(token.starts_with("art_"));

    let me: Value = app
        .request(Method::GET, "/v1/me", Some(&token), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["display_name"], "Ana Souza");
    assert_eq!(me["email"], "ana.souza@example.org");
    assert_eq!(me["phone"], "+5511912345678");
    assert_eq!(me["language"], "pt");
    assert_eq!(me["roles"], json!(["member"]));
    assert_eq!(me["status"], "active");
    assert_eq!(me["erased"], false);

    let changed = app
        .request(
            Method::PATCH,
            "/v1/me",
            Some(&token),
            Some(json!({ "language": "es", "phone": null })),
        )
        .await;
    assert_eq!(changed.status(), 200);
    let me: Value = app
        .request(Method::GET, "/v1/me", Some(&token), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (me["language"].as_str(), me["phone"].is_null()),
        (Some("es"), true)
    );

    let out = app
        .request(Method::DELETE, "/v1/sessions/current", Some(&token), None)
        .await;
    assert_eq!(out.status(), 204);
    let (status, error) =
        error_of(app.request(Method::GET, "/v1/me", Some(&token), None).await).await;
    assert_eq!(status, 401);
    assert!(
        error["message"].as_str().unwrap().contains("signed out"),
        "{error}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_sign_ups_are_clear_4xx_and_write_nothing() {
    let env = spawn_on_postgres().await;
    let app = &env.app;
    let before = app.head().await;
    let sign_up = |body: Value| app.request(Method::POST, "/v1/accounts", None, Some(body));
    let cases: Vec<(Value, u16, &str)> = vec![
        (
            json!({"email": "a@example.org", "display_name": "A", "password": "short"}),
            400,
            "password",
        ),
        (
            json!({"email": "a@example.org", "display_name": "A", "password": ""}),
            400,
            "password",
        ),
        (
            json!({"email": "a@example.org", "display_name": "A", "password": "password1234"}),
            400,
            "password",
        ),
        (
            json!({"email": "not-an-email", "display_name": "A", "password": PASSWORD}),
            400,
            "email",
        ),
        (
            json!({"email": "a@example.org", "display_name": "  ", "password": PASSWORD}),
            400,
            "display_name",
        ),
        (
            json!({"email": "rosalind@example.org", "display_name": "R", "password": "rosalind-franklin-1920"}),
            400,
            "password",
        ),
        (
            json!({"email": "a@example.org", "display_name": "A", "password": PASSWORD, "phone": "12"}),
            400,
            "phone",
        ),
        (
            json!({"email": "a@example.org", "display_name": "A", "password": PASSWORD, "language": "fr"}),
            400,
            "language",
        ),
        (
            json!({"email": "a@example.org", "display_name": "A", "password": PASSWORD, "admin": true}),
            400,
            "",
        ),
        (json!({"email": "a@example.org"}), 400, ""),
    ];
    for (body, expected, field) in cases {
        let (status, error) = error_of(sign_up(body.clone()).await).await;
        assert_eq!(status, expected, "{body} → {error}");
        if !field.is_empty() {
            assert_eq!(error["fields"][0]["field"], field, "{body} → {error}");
        }
        assert!(!error["message"].as_str().unwrap().is_empty());
    }
    // Several invalid fields are reported together.
    let (_, error) =
        error_of(sign_up(json!({"email": "x", "display_name": "", "password": "x"})).await).await;
    assert_eq!(error["fields"].as_array().unwrap().len(), 3, "{error}");

    // Bodies that are not JSON, broken, duplicated, too deep or too big.
    let raw = |content_type: &'static str, body: Vec<u8>| {
        app.client
            .post(format!("{}/v1/accounts", app.address))
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    let valid =
        format!(r#"{{"email":"b@example.org","display_name":"B","password":"{PASSWORD}"}}"#);
    assert_eq!(
        raw("text/plain", valid.clone().into_bytes())
            .await
            .unwrap()
            .status(),
        415
    );
    assert_eq!(
        raw("application/json", b"{\"email\": ".to_vec())
            .await
            .unwrap()
            .status(),
        400
    );
    let duplicated = format!(
        r#"{{"email":"b@example.org","email":"c@example.org","display_name":"B","password":"{PASSWORD}"}}"#
    );
    let (status, error) = error_of(
        raw("application/json", duplicated.into_bytes())
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        error["message"].as_str().unwrap().contains("duplicate"),
        "{error}"
    );
    let mut invalid_utf8 = valid.clone().into_bytes();
    invalid_utf8[12] = 0xff;
    assert_eq!(
        raw("application/json", invalid_utf8)
            .await
            .unwrap()
            .status(),
        400
    );
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    assert_eq!(
        raw("application/json", deep.into_bytes())
            .await
            .unwrap()
            .status(),
        400
    );
    // A body announced larger than the limit is refused before it is read. (Sent by hand: a
    // client still writing when the answer comes would see a broken pipe instead.)
    let (status, error) = announce_oversized_body(&app.address).await;
    assert_eq!(status, 413);
    assert!(error.contains("payload_too_large"), "{error}");

    assert_eq!(app.head().await, before, "a refused request wrote nothing");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_revoked_unknown_and_malformed_tokens_are_401() {
    let env = spawn_on_postgres().await;
    let app = &env.app;
    let person = app.sign_up("Bea").await;
    let expired = app
        .state
        .accounts
        .sessions()
        .issue(person.id, chrono::Duration::seconds(-1))
        .await
        .unwrap()
        .0;
    let (status, error) = error_of(
        app.request(Method::GET, "/v1/me", Some(expired.expose()), None)
            .await,
    )
    .await;
    assert_eq!(status, 401);
    assert!(
        error["message"].as_str().unwrap().contains("expired"),
        "{error}"
    );

    let unknown = format!("art_{}", "A".repeat(43));
    let (status, _) = error_of(
        app.request(Method::GET, "/v1/me", Some(&unknown), None)
            .await,
    )
    .await;
    assert_eq!(status, 401);

    let malformed = app
        .client
        .get(format!("{}/v1/me", app.address))
        .header("authorization", "Token abc")
        .send()
        .await
        .unwrap();
    let (status, error) = error_of(malformed).await;
    assert_eq!(status, 401);
    assert!(
        error["message"].as_str().unwrap().contains("Bearer"),
        "{error}"
    );

    // Signing out everywhere revokes every token of the account.
    let first = app.sign_in(&person).await;
    let second = app.sign_in(&person).await;
    let path = format!("/v1/accounts/{}/sessions", person.id);
    let revoked: Value = app
        .request(Method::DELETE, &path, Some(&first), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(revoked["revoked"], 2);
    for token in [&first, &second] {
        let (status, _) =
            error_of(app.request(Method::GET, "/v1/me", Some(token), None).await).await;
        assert_eq!(status, 401);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_passwords_and_unknown_emails_read_the_same() {
    let env = spawn_on_postgres().await;
    let app = &env.app;
    let person = app.sign_up("Caro").await;
    let attempt = |email: &str, password: &str| {
        app.request(
            Method::POST,
            "/v1/sessions",
            None,
            Some(json!({ "email": email, "password": password })),
        )
    };
    let (s1, wrong_password) =
        error_of(attempt(&person.email, "not the password at all").await).await;
    let (s2, unknown_email) = error_of(attempt("nobody@example.org", PASSWORD).await).await;
    assert_eq!((s1, s2), (401, 401));
    assert_eq!(wrong_password["message"], unknown_email["message"]);
    let (status, error) = error_of(attempt("not an email", PASSWORD).await).await;
    assert_eq!(
        (status, error["fields"][0]["field"].as_str()),
        (400, Some("email"))
    );

    // A password change checks the current one, then signs every session out.
    let token = app.sign_in(&person).await;
    let change = |current: &str| {
        app.request(
            Method::PUT,
            "/v1/me/password",
            Some(&token),
            Some(json!({ "current_password": current, "new_password": "a much newer passphrase" })),
        )
    };
    assert_eq!(change("wrong wrong wrong").await.status(), 403);
    assert_eq!(change(PASSWORD).await.status(), 200);
    assert_eq!(
        app.request(Method::GET, "/v1/me", Some(&token), None)
            .await
            .status(),
        401
    );
    assert_eq!(attempt(&person.email, PASSWORD).await.status(), 401);
    assert_eq!(
        attempt(&person.email, "a much newer passphrase")
            .await
            .status(),
        201
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn activation_needs_the_right_secret_once() {
    let env = spawn_on_postgres().await;
    let app = &env.app;
    let email = domain::values::EmailAddress::new("root@example.org").unwrap();
    let name = domain::values::DisplayName::new("Root").unwrap();
    let invitation = app
        .state
        .accounts
        .invite_admin(&email, &name, "test")
        .await
        .unwrap();
    let activate = |secret: &str, password: &str| {
        app.request(
            Method::POST,
            "/v1/accounts/activation",
            None,
            Some(
                json!({ "account_id": invitation.account, "secret": secret, "password": password }),
            ),
        )
    };
    let before_sign_in = app
        .request(
            Method::POST,
            "/v1/sessions",
            None,
            Some(json!({ "email": "root@example.org", "password": PASSWORD })),
        )
        .await;
    let (status, error) = error_of(before_sign_in).await;
    assert_eq!(status, 401);
    assert!(
        error["message"].as_str().unwrap().contains("not activated"),
        "{error}"
    );
    assert_eq!(activate("art_wrong", PASSWORD).await.status(), 401);
    assert_eq!(
        activate(invitation.secret.expose(), "weak").await.status(),
        400
    );
    assert_eq!(
        activate(invitation.secret.expose(), PASSWORD)
            .await
            .status(),
        200
    );
    assert_eq!(
        activate(invitation.secret.expose(), PASSWORD)
            .await
            .status(),
        409
    );
    let person = e2e::Person {
        id: invitation.account,
        email: "root@example.org".into(),
        password: PASSWORD.into(),
    };
    let token = app.sign_in(&person).await;
    let me: Value = app
        .request(Method::GET, "/v1/me", Some(&token), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["roles"], json!(["member", "admin"]));
}

async fn announce_oversized_body(address: &str) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let host = address.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(host).await.unwrap();
    let head = format!(
        "POST /v1/accounts HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{{\"email\":",
        2 * 1024 * 1024
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    let answer = String::from_utf8_lossy(&answer).to_string();
    let status = answer
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, answer)
}
