//! Publications, news and gatherings over HTTP on PostgreSQL: submission, editing, moderation
//! and withdrawal; who sees what; the iCalendar of gatherings; and every refusal answered with
//! its 4xx and nothing written.

use e2e::TestApp;
use reqwest::Method;
use serde_json::{json, Value};

// A test target's root resolves `mod` beside itself, where cargo would take each file for a
// test target of its own; the path keeps them in this target.
#[path = "publications/calendar.rs"]
mod calendar;
#[path = "publications/lifecycle.rs"]
mod lifecycle;
#[path = "publications/refusals.rs"]
mod refusals;

/// A response as the tests look at it.
struct Reply {
    status: u16,
    etag: Option<String>,
    body: Value,
}

async fn call(
    app: &TestApp,
    method: Method,
    path: &str,
    token: Option<&str>,
    if_match: Option<&str>,
    body: Option<Value>,
) -> Reply {
    let mut request = app.client.request(method, format!("{}{path}", app.address));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(version) = if_match {
        request = request.header("If-Match", version);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("request sent");
    let status = response.status().as_u16();
    let etag = response
        .headers()
        .get("etag")
        .map(|v| v.to_str().unwrap().to_string());
    let text = response.text().await.unwrap();
    let body = serde_json::from_str(&text).unwrap_or(Value::Null);
    Reply { status, etag, body }
}

fn news(title: &str) -> Value {
    json!({
        "kind": "news",
        "title": title,
        "summary": "Abre la convocatoria regional de articulación productiva.",
        "link": "https://www.cepal.org/es/noticias",
    })
}

fn gathering(starts_at: &str, ends_at: &str, time_zone: &str) -> Value {
    json!({
        "kind": "gathering",
        "title": "Encuentro de clusters",
        "gathering": {
            "starts_at": starts_at,
            "ends_at": ends_at,
            "time_zone": time_zone,
            "place": "Edificio CEPAL, Vitacura",
        },
    })
}

async fn submit(app: &TestApp, token: &str, body: Value) -> String {
    let reply = call(
        app,
        Method::POST,
        "/v1/publications",
        Some(token),
        None,
        Some(body),
    )
    .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    reply.body["id"].as_str().unwrap().to_string()
}

async fn read(app: &TestApp, id: &str, token: Option<&str>) -> Reply {
    call(
        app,
        Method::GET,
        &format!("/v1/publications/{id}"),
        token,
        None,
        None,
    )
    .await
}

async fn moderate(app: &TestApp, id: &str, token: &str, approve: bool) -> Reply {
    let (verb, body) = if approve {
        ("approval", None)
    } else {
        (
            "rejection",
            Some(json!({ "reason": "Falta la fecha de cierre; agréguela." })),
        )
    };
    let path = format!("/v1/publications/{id}/{verb}");
    call(app, Method::POST, &path, Some(token), None, body).await
}

async fn calendar(app: &TestApp) -> String {
    let response = app.get("/v1/gatherings.ics").await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"].to_str().unwrap(),
        "text/calendar; charset=utf-8"
    );
    response.text().await.unwrap()
}

/// The calendar's content lines, unfolded (RFC 5545 §3.1).
fn unfolded(ics: &str) -> String {
    ics.replace("\r\n ", "")
}
