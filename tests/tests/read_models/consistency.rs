//! Rules every read shares: read-your-writes, `min_position`, as-of, and a projection that
//! stops on an event it cannot apply.

use domain::actor::Role;
use e2e::{initiative_json, spawn_on_postgres, TestApp};
use reqwest::Method;
use serde_json::{json, Value};

async fn json_of(response: reqwest::Response, status: u16) -> Value {
    let got = response.status().as_u16();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    assert_eq!(got, status, "{body}");
    body
}

async fn send(
    app: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> Value {
    let response = app.request(method, path, Some(token), body).await;
    let status = response.status().as_u16();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    assert!((200..300).contains(&status), "{path}: {status} {body}");
    body
}

fn map_ids(map: &Value) -> Vec<String> {
    map["features"]
        .as_array()
        .expect("a FeatureCollection")
        .iter()
        .map(|f| f["id"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn a_write_is_visible_to_the_next_read_every_time() {
    let app = spawn_on_postgres().await;
    let app = &app.app;
    let manager = app.sign_up("Manager").await;
    let manager = app.token_for(manager.id).await;
    let moderator = app.person_with("Moderator", Role::Moderator).await;
    let moderator = app.token_for(moderator.id).await;
    for round in 0..15 {
        let created = send(
            app,
            Method::POST,
            "/v1/initiatives",
            &manager,
            Some(initiative_json(&format!("Clúster {round}"))),
        )
        .await;
        let id = created["id"].as_str().unwrap().to_string();
        send(
            app,
            Method::POST,
            &format!("/v1/initiatives/{id}/approval"),
            &moderator,
            None,
        )
        .await;
        // At once, with no waiting: the approval answered only once the map had it.
        let map = json_of(app.get("/v1/map").await, 200).await;
        assert!(
            map_ids(&map).contains(&id),
            "round {round}: the approved initiative is on the map"
        );
        send(
            app,
            Method::POST,
            &format!("/v1/initiatives/{id}/retirement"),
            &manager,
            Some(json!({})),
        )
        .await;
        let map = json_of(app.get("/v1/map").await, 200).await;
        assert!(
            !map_ids(&map).contains(&id),
            "round {round}: the retired initiative is gone"
        );
    }
}

#[tokio::test]
async fn min_position_waits_for_the_position_and_refuses_what_cannot_be() {
    let app = spawn_on_postgres().await;
    let app = &app.app;
    let member = app.sign_up("Member").await;
    let head = app.head().await;
    let map = json_of(app.get(&format!("/v1/map?min_position={head}")).await, 200).await;
    assert!(map["features"].is_array());
    for (query, needle) in [
        (
            format!("min_position={}", head + 1000),
            "beyond the newest event",
        ),
        ("min_position=abc".to_string(), "min_position"),
        ("min_position=-3".to_string(), "min_position"),
        (
            format!("min_position={head}&as_of=2024-01-01T00:00:00Z"),
            "at most one",
        ),
    ] {
        let body = json_of(app.get(&format!("/v1/map?{query}")).await, 400).await;
        let message = body["error"]["message"].as_str().unwrap();
        assert!(message.contains(needle), "{query}: {message}");
    }
    // A visitor and a member may not look into the past.
    let body = json_of(app.get("/v1/map?as_of=2024-01-01T00:00:00Z").await, 401).await;
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("auditors"));
    let token = app.token_for(member.id).await;
    let response = app
        .request(Method::GET, "/v1/map?at_position=1", Some(&token), None)
        .await;
    assert_eq!(response.status(), 403);
}

#[tokio::test]
async fn as_of_answers_from_history_and_refuses_the_future_and_nonsense() {
    let app = spawn_on_postgres().await;
    let app = &app.app;
    let auditor = app.person_with("Auditor", Role::Auditor).await;
    let auditor = app.token_for(auditor.id).await;
    let manager = app.sign_up("Manager").await;
    let before_approval = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    let id = app
        .initiative_managed_by(manager.id, "Clúster del Salmón")
        .await
        .to_string();
    let head = app.head().await;
    let get = |query: String| {
        let token = auditor.clone();
        async move {
            app.request(Method::GET, &format!("/v1/map?{query}"), Some(&token), None)
                .await
        }
    };
    let then = json_of(
        get(format!("as_of={}", urlencode(&before_approval))).await,
        200,
    )
    .await;
    assert!(
        !map_ids(&then).contains(&id),
        "not on the map before it was approved"
    );
    let at_head = json_of(get(format!("at_position={head}")).await, 200).await;
    // Written behind the API (no read-your-writes wait): ask the live map to wait for it.
    let live = json_of(app.get(&format!("/v1/map?min_position={head}")).await, 200).await;
    assert_eq!(at_head, live, "as of the head equals live");
    assert!(map_ids(&live).contains(&id));
    for (query, needle) in [
        ("as_of=2999-01-01T00:00:00Z".to_string(), "in the future"),
        ("as_of=yesterday".to_string(), "RFC 3339"),
        (
            format!("at_position={}", head + 10),
            "beyond the newest event",
        ),
    ] {
        let body = json_of(get(query.clone()).await, 400).await;
        let message = body["error"]["message"].as_str().unwrap();
        assert!(message.contains(needle), "{query}: {message}");
    }
}

fn urlencode(text: &str) -> String {
    text.replace('+', "%2B").replace(':', "%3A")
}

#[tokio::test]
async fn a_projection_that_cannot_apply_an_event_stops_and_says_which() {
    let app = spawn_on_postgres().await;
    let manager = app.app.sign_up("Manager").await;
    app.app
        .initiative_managed_by(manager.id, "Clúster Vitivinícola")
        .await;
    app.app.wait_ready().await;
    // An initiative event whose payload the domain cannot read, written behind the API's back.
    let pool = match app.app.state.log.database() {
        store::Database::Postgres(pool) => pool.clone(),
        store::Database::Sqlite(_) => unreachable!("the test runs on PostgreSQL"),
    };
    let position: i64 = sqlx::query_scalar(
        "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, \
         payload, metadata) VALUES ('initiative', '0190a0a0-0000-7000-8000-000000000001', 1, \
         'InitiativeRegistered', '1', '{\"InitiativeRegistered\": {\"garbage\": true}}', '{}') \
         RETURNING position",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let mut ready = Value::Null;
    for _ in 0..100 {
        let response = app.app.get("/ready").await;
        ready = response.json().await.unwrap();
        let map = ready["projections"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == "map");
        if map.is_some_and(|m| !m["failed"].is_null()) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(ready["ready"], false, "{ready}");
    let map = ready["projections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "map")
        .unwrap();
    let failed = map["failed"].as_str().unwrap();
    assert!(failed.contains(&format!("event {position}")), "{failed}");
    assert!(failed.contains("InitiativeRegistered"), "{failed}");
    // Projections that do not read initiatives go on.
    let counts = ready["projections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "event_counts")
        .unwrap();
    assert!(counts["failed"].is_null());
    let metrics = app.app.get("/metrics").await.text().await.unwrap();
    assert!(
        metrics.contains(r#"articula_projection_failed{projection="map"} 1"#),
        "{metrics}"
    );
    let response = app.app.get("/v1/map").await;
    assert_eq!(response.status(), 503);
    assert!(response.headers().contains_key("retry-after"));
}
