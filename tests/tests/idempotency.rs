//! `Idempotency-Key` over HTTP on PostgreSQL: a repeated write is answered with the first answer
//! and writes nothing; the same key for a different request is a 422; keys are per account; reads,
//! visitors and credential routes ignore the key; a malformed key is a 400.

use e2e::{spawn_on_postgres, TestApp};
use reqwest::Method;
use serde_json::{json, Value};

/// Sends a request with a bearer token, an optional `Idempotency-Key` and an optional JSON body;
/// returns the status, whether it says it is a replay, and the body as text.
async fn send(
    app: &TestApp,
    method: Method,
    path: &str,
    token: Option<&str>,
    key: Option<&str>,
    body: Option<Value>,
) -> (u16, bool, String) {
    let mut request = app.client.request(method, format!("{}{path}", app.address));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(key) = key {
        request = request.header("idempotency-key", key);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("request sent");
    let status = response.status().as_u16();
    let replayed = match response.headers().get("idempotent-replayed") {
        None => false,
        Some(value) => {
            assert_eq!(value, "true");
            true
        }
    };
    (status, replayed, response.text().await.unwrap())
}

fn error_code(body: &str) -> String {
    let body: Value = serde_json::from_str(body).expect("an error body");
    body["error"]["code"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

async fn display_name(app: &TestApp, token: &str) -> String {
    let me: Value = app
        .request(Method::GET, "/v1/me", Some(token), None)
        .await
        .json()
        .await
        .unwrap();
    me["display_name"].as_str().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_repeated_write_is_answered_once_and_a_different_one_refused() {
    let env = spawn_on_postgres().await;
    let app = &env.app;
    let person = app.sign_up("Ana").await;
    let token = app.sign_in(&person).await;
    let patch = |key: &'static str, name: &'static str| {
        send(
            app,
            Method::PATCH,
            "/v1/me",
            Some(&token),
            Some(key),
            Some(json!({ "display_name": name })),
        )
    };

    let before = app.head().await;
    let (status, replayed, first) = patch("rename-1", "Ana Two").await;
    assert_eq!((status, replayed), (200, false), "{first}");
    let after = app.head().await;
    assert!(after > before, "the first request wrote");

    let (status, replayed, again) = patch("rename-1", "Ana Two").await;
    assert_eq!((status, replayed), (200, true));
    assert_eq!(again, first, "the replay is the first answer");
    assert_eq!(app.head().await, after, "the replay wrote nothing");

    let (status, replayed, refused) = patch("rename-1", "Ana Three").await;
    assert_eq!((status, replayed), (422, false), "{refused}");
    assert_eq!(error_code(&refused), "unprocessable");
    assert!(refused.contains("different request"), "{refused}");
    assert_eq!(app.head().await, after, "the refusal wrote nothing");
    assert_eq!(display_name(app, &token).await, "Ana Two");

    // The same body to another path, or with another method, is a different request too.
    let (status, _, _) = send(
        app,
        Method::PATCH,
        "/v1/me?x=1",
        Some(&token),
        Some("rename-1"),
        Some(json!({ "display_name": "Ana Two" })),
    )
    .await;
    assert_eq!(status, 422);

    // A new key runs the request.
    let (status, replayed, _) = patch("rename-2", "Ana Three").await;
    assert_eq!((status, replayed), (200, false));
    assert!(app.head().await > after);
    assert_eq!(display_name(app, &token).await, "Ana Three");

    // A 4xx is an answer too: it is kept and replayed (use a new key to try again).
    let bad = json!({ "language": "fr" });
    let me = "/v1/me";
    let (status, replayed, first) = send(
        app,
        Method::PATCH,
        me,
        Some(&token),
        Some("bad-1"),
        Some(bad.clone()),
    )
    .await;
    assert_eq!((status, replayed), (400, false));
    let (status, replayed, again) = send(
        app,
        Method::PATCH,
        me,
        Some(&token),
        Some("bad-1"),
        Some(bad),
    )
    .await;
    assert_eq!((status, replayed, again), (400, true, first));

    // Another session of the same account shares the account's keys.
    let other_session = app.sign_in(&person).await;
    let (status, replayed, _) = send(
        app,
        Method::PATCH,
        me,
        Some(&other_session),
        Some("rename-2"),
        Some(json!({ "display_name": "Ana Three" })),
    )
    .await;
    assert_eq!((status, replayed), (200, true));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replayed_grant_is_the_first_answer_not_a_second_attempt() {
    let env = spawn_on_postgres().await;
    let app = &env.app;
    let admin = app.admin().await;
    let admin_token = app.sign_in(&admin).await;
    let bea = app.sign_up("Bea").await;
    let cai = app.sign_up("Cai").await;
    let grant = |account: domain::values::AccountId, key: Option<&'static str>| {
        let path = format!("/v1/accounts/{account}/roles/moderator");
        let token = admin_token.clone();
        async move { send(app, Method::PUT, &path, Some(&token), key, None).await }
    };

    let (status, replayed, first) = grant(bea.id, Some("grant-bea")).await;
    assert_eq!((status, replayed), (200, false), "{first}");
    let head = app.head().await;
    let (status, replayed, again) = grant(bea.id, Some("grant-bea")).await;
    assert_eq!((status, replayed, &again), (200, true, &first));
    assert_eq!(app.head().await, head);
    // Without the key the grant runs again, and the role is already held.
    let (status, replayed, body) = grant(bea.id, None).await;
    assert_eq!((status, replayed), (422, false), "{body}");
    // The key names the grant to Bea: granting to Cai with it is refused, and writes nothing.
    let (status, _, body) = grant(cai.id, Some("grant-bea")).await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("Idempotency-Key"), "{body}");
    assert_eq!(app.head().await, head);
    let cai_token = app.sign_in(&cai).await;
    let roles: Value = app
        .request(Method::GET, "/v1/me", Some(&cai_token), None)
        .await
        .json::<Value>()
        .await
        .unwrap()["roles"]
        .clone();
    assert_eq!(roles, json!(["member"]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accounts_use_the_same_key_independently() {
    let env = spawn_on_postgres().await;
    let app = &env.app;
    let ana = app.sign_up("Ana").await;
    let bea = app.sign_up("Bea").await;
    let (ana_token, bea_token) = (app.sign_in(&ana).await, app.sign_in(&bea).await);
    for (token, name) in [(&ana_token, "Ana New"), (&bea_token, "Bea New")] {
        let before = app.head().await;
        let (status, replayed, _) = send(
            app,
            Method::PATCH,
            "/v1/me",
            Some(token),
            Some("the-same-key"),
            Some(json!({ "display_name": name })),
        )
        .await;
        assert_eq!((status, replayed), (200, false));
        assert!(app.head().await > before, "{name} was written");
        assert_eq!(display_name(app, token).await, name);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_requests_with_one_key_write_once() {
    let env = spawn_on_postgres().await;
    let app = &env.app;
    let person = app.sign_up("Dora").await;
    let token = app.sign_in(&person).await;
    let before = app.head().await;
    let attempts: Vec<_> = (0..6)
        .map(|_| {
            let request = app
                .client
                .patch(format!("{}/v1/me", app.address))
                .bearer_auth(&token)
                .header("idempotency-key", "at-once")
                .json(&json!({ "display_name": "Dora Once" }));
            tokio::spawn(async move {
                let response = request.send().await.expect("request sent");
                let status = response.status().as_u16();
                let replayed = response.headers().contains_key("idempotent-replayed");
                (status, replayed, response.text().await.unwrap())
            })
        })
        .collect();
    let mut answers = Vec::new();
    for attempt in attempts {
        answers.push(attempt.await.unwrap());
    }
    let fresh = answers.iter().filter(|(s, r, _)| *s == 200 && !r).count();
    assert_eq!(fresh, 1, "{answers:?}");
    for (status, replayed, body) in &answers {
        match (status, replayed) {
            (200, _) => {}
            (409, false) => assert!(body.contains("still being processed"), "{body}"),
            other => panic!("unexpected {other:?}: {body}"),
        }
    }
    let after = app.head().await;
    // One change of the display name: its events, once.
    let (status, replayed, _) = send(
        app,
        Method::PATCH,
        "/v1/me",
        Some(&token),
        Some("at-once"),
        Some(json!({ "display_name": "Dora Once" })),
    )
    .await;
    assert_eq!((status, replayed), (200, true));
    assert_eq!(app.head().await, after);
    let (status, _, _) = send(
        app,
        Method::PATCH,
        "/v1/me",
        Some(&token),
        Some("once-more"),
        Some(json!({ "display_name": "Dora Twice" })),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        app.head().await - after,
        after - before,
        "the concurrent requests wrote as much as one request"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_requests_without_a_key_visitors_and_credential_routes_ignore_it() {
    let env = spawn_on_postgres().await;
    let app = &env.app;
    let person = app.sign_up("Eva").await;
    let token = app.sign_in(&person).await;

    // No key: every request runs.
    for name in ["Eva One", "Eva Two"] {
        let before = app.head().await;
        let (status, replayed, _) = send(
            app,
            Method::PATCH,
            "/v1/me",
            Some(&token),
            None,
            Some(json!({ "display_name": name })),
        )
        .await;
        assert_eq!((status, replayed), (200, false));
        assert!(app.head().await > before);
    }

    // A key on a read is ignored, even a malformed one.
    for key in ["read-1", "read-1", "not a valid key"] {
        let (status, replayed, body) =
            send(app, Method::GET, "/v1/me", Some(&token), Some(key), None).await;
        assert_eq!((status, replayed), (200, false), "{body}");
    }
    // Each read sees the current state, not a kept answer.
    let (_, _, first) = send(app, Method::GET, "/v1/me", Some(&token), Some("r"), None).await;
    send(
        app,
        Method::PATCH,
        "/v1/me",
        Some(&token),
        None,
        Some(json!({ "display_name": "Eva Three" })),
    )
    .await;
    let (_, _, second) = send(app, Method::GET, "/v1/me", Some(&token), Some("r"), None).await;
    assert_ne!(first, second);

    // A visitor's key is ignored: two sign-ups with one key are two accounts.
    for email in ["f1@example.org", "f2@example.org"] {
        let (status, replayed, body) = send(
            app,
            Method::POST,
            "/v1/accounts",
            None,
            Some("visitor-key"),
            Some(json!({ "email": email, "display_name": "F", "password": e2e::PASSWORD })),
        )
        .await;
        assert_eq!((status, replayed), (202, false), "{body}");
        app.confirmation_mail(email).await;
    }

    // Signing in while signed in, with a key: each answer is a new token, never a kept one.
    let sign_in = json!({ "email": person.email, "password": person.password });
    let mut tokens = Vec::new();
    for _ in 0..2 {
        let (status, replayed, body) = send(
            app,
            Method::POST,
            "/v1/sessions",
            Some(&token),
            Some("sign-in-key"),
            Some(sign_in.clone()),
        )
        .await;
        assert_eq!((status, replayed), (201, false), "{body}");
        let body: Value = serde_json::from_str(&body).unwrap();
        tokens.push(body["token"].as_str().unwrap().to_string());
    }
    assert_ne!(tokens[0], tokens[1]);
    let kept: i64 = match app.state.log.database() {
        store::Database::Postgres(pool) => {
            sqlx::query_scalar("SELECT count(*) FROM idempotency_keys WHERE key = 'sign-in-key'")
                .fetch_one(pool)
                .await
                .unwrap()
        }
        store::Database::Sqlite(_) => unreachable!("this test runs on PostgreSQL"),
    };
    assert_eq!(kept, 0, "no token is kept");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_keys_are_400_and_write_nothing() {
    let env = spawn_on_postgres().await;
    let app = &env.app;
    let person = app.sign_up("Gil").await;
    let token = app.sign_in(&person).await;
    let before = app.head().await;
    let too_long = "k".repeat(256);
    let longest = "k".repeat(255);
    let token = &token;
    let patch = |request: reqwest::RequestBuilder| async move {
        let response = request
            .bearer_auth(token)
            .json(&json!({ "display_name": "Gil Changed" }))
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.text().await.unwrap())
    };
    let url = format!("{}/v1/me", app.address);
    let values: Vec<reqwest::header::HeaderValue> = vec![
        reqwest::header::HeaderValue::from_static(""),
        reqwest::header::HeaderValue::from_static("has space"),
        reqwest::header::HeaderValue::from_str(&too_long).unwrap(),
        reqwest::header::HeaderValue::from_bytes("clé".as_bytes()).unwrap(),
        reqwest::header::HeaderValue::from_static("tab\there"),
    ];
    for value in values {
        let (status, body) = patch(
            app.client
                .patch(&url)
                .header("idempotency-key", value.clone()),
        )
        .await;
        assert_eq!(status, 400, "{value:?}: {body}");
        assert_eq!(error_code(&body), "bad_request");
        assert!(body.contains("Idempotency-Key"), "{body}");
    }
    let (status, body) = patch(
        app.client
            .patch(&url)
            .header("idempotency-key", "one")
            .header("idempotency-key", "two"),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(app.head().await, before, "nothing was written");

    // The longest key and every visible ASCII character are accepted.
    let (status, body) = patch(app.client.patch(&url).header("idempotency-key", &longest)).await;
    assert_eq!(status, 200, "{body}");
    let visible: String = (0x21u8..=0x7e).map(char::from).collect();
    let (status, body) = patch(app.client.patch(&url).header("idempotency-key", &visible)).await;
    assert_eq!(status, 200, "{body}");
}

/// As if the process had died between committing a keyed write and recording its answer: the
/// key keeps only what the append recorded with the events. A retry is answered with the same
/// status, body and `ETag`, marked as a replay, and writes nothing — at any age of the key.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_whose_answer_was_lost_is_answered_from_what_it_committed() {
    let env = spawn_on_postgres().await;
    let app = &env.app;
    let person = app.sign_up("Ana").await;
    let token = app.sign_in(&person).await;
    let store::Database::Postgres(pool) = app.state.log.database() else {
        unreachable!("spawn_on_postgres serves PostgreSQL")
    };
    // Aged past any takeover, but not past the retention (24 h): the prune that the first
    // request may still be running would otherwise delete the key, as it should.
    let forget_answers = || async {
        sqlx::query(
            "UPDATE idempotency_keys
             SET state = 'committed', headers = NULL, body = NULL,
                 created_at = created_at - interval '2 hours'",
        )
        .execute(pool)
        .await
        .unwrap();
    };
    let register = || async {
        let response = app
            .client
            .post(format!("{}/v1/initiatives", app.address))
            .bearer_auth(&token)
            .header("idempotency-key", "register-1")
            .json(&e2e::initiative_json("Clúster del salmón"))
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let etag = response.headers()["etag"].to_str().unwrap().to_string();
        let replayed = response.headers().contains_key("idempotent-replayed");
        let body: Value = response.json().await.unwrap();
        (status, etag, replayed, body)
    };
    let (status, etag, replayed, first) = register().await;
    assert_eq!((status, replayed), (201, false), "{first}");
    let head = app.head().await;
    forget_answers().await;
    let (status, again_etag, replayed, again) = register().await;
    assert_eq!((status, replayed), (201, true), "{again}");
    assert_eq!((again_etag, again), (etag, first));
    assert_eq!(app.head().await, head, "the retry wrote nothing");

    // A write answered with its position only.
    let rename = || {
        send(
            app,
            Method::PATCH,
            "/v1/me",
            Some(&token),
            Some("rename-1"),
            Some(json!({ "display_name": "Ana Two" })),
        )
    };
    let (status, replayed, first) = rename().await;
    assert_eq!((status, replayed), (200, false), "{first}");
    let head = app.head().await;
    forget_answers().await;
    let (status, replayed, again) = rename().await;
    assert_eq!((status, replayed), (200, true), "{again}");
    let (first, again): (Value, Value) = (
        serde_json::from_str(&first).unwrap(),
        serde_json::from_str(&again).unwrap(),
    );
    assert_eq!(first, again);
    assert_eq!(app.head().await, head, "the retry wrote nothing");
}
