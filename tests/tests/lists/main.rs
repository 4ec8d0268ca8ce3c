//! The lists and the search over HTTP on PostgreSQL: publications, news and gatherings;
//! communities and their threads; joint projects; an initiative's communities and projects; one
//! search across them. For each: who sees what (pending items only for their author and
//! moderators), the filters, paging that neither repeats nor skips while others write, and
//! search that ignores accents and case. And the seed's first run: lists and calendar not
//! empty, no domain time after the moment it was recorded.

mod communities;
mod joint_projects;
mod library;
mod paging;
mod search;
mod seeded;

use std::collections::BTreeSet;

use e2e::TestApp;
use reqwest::Method;
use serde_json::{json, Value};

/// `GET path` as the holder of `token` (or a visitor), expecting 200; the body.
async fn get_ok(app: &TestApp, path: &str, token: Option<&str>) -> Value {
    let response = app.request(Method::GET, path, token, None).await;
    let status = response.status().as_u16();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    assert_eq!(status, 200, "GET {path}: {body}");
    body
}

/// The status and body of `GET path`.
async fn get(app: &TestApp, path: &str, token: Option<&str>) -> (u16, Value) {
    let response = app.request(Method::GET, path, token, None).await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// A field of every item of a page.
fn field(page: &Value, name: &str) -> Vec<String> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| item[name].as_str().unwrap_or_default().to_string())
        .collect()
}

fn ids(page: &Value) -> BTreeSet<String> {
    field(page, "id").into_iter().collect()
}

/// Joins a path and query parameters.
fn with(path: &str, query: &str) -> String {
    if query.is_empty() {
        path.to_string()
    } else if path.contains('?') {
        format!("{path}&{query}")
    } else {
        format!("{path}?{query}")
    }
}

/// Sends a write, expecting 200 or 201; the body.
async fn write(
    app: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> Value {
    let response = app.request(method, path, Some(token), body).await;
    let status = response.status().as_u16();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    assert!(matches!(status, 200 | 201), "{path}: {status} {body}");
    body
}

/// Submits an item as `author`; its id.
async fn submit(app: &TestApp, author: &str, content: Value) -> String {
    let body = write(app, Method::POST, "/v1/publications", author, Some(content)).await;
    body["id"].as_str().expect("an id").to_string()
}

async fn approve(app: &TestApp, moderator: &str, id: &str) {
    let path = format!("/v1/publications/{id}/approval");
    write(app, Method::POST, &path, moderator, None).await;
}

fn news(title: &str, language: &str) -> Value {
    json!({ "kind": "news", "title": title, "summary": "Convocatoria regional.", "language": language })
}
