//! The audit API over HTTP (`/v1/audit/…`), each test on a fresh PostgreSQL database: the
//! filtered log with cursors and NDJSON, streams' histories with states, projections compared
//! with their rebuilds, chain verification, and the record every audit read leaves.

mod events;
mod export;
mod projections;
mod reads;
mod streams;

use std::time::Duration;

use domain::actor::Role;
use e2e::{spawn_on_postgres, Person, PostgresApp, TestApp};
use reqwest::Method;
use serde_json::{json, Value};

/// A server with some history and an auditor to read it.
pub struct Audited {
    pub env: PostgresApp,
    pub auditor: Person,
    pub token: String,
    /// A member who signed up over HTTP (anonymously, as every sign-up is).
    pub ana: Person,
    pub ana_token: String,
    /// An initiative Ana registered over HTTP and a moderator approved.
    pub initiative: String,
    /// One approved by the system (`system:test`), managed by Ana.
    pub system_initiative: String,
}

impl Audited {
    pub fn app(&self) -> &TestApp {
        &self.env.app
    }

    /// `GET path` as the auditor: the status and the JSON body.
    pub async fn get(&self, path: &str) -> (u16, Value) {
        call(self.app(), path, Some(&self.token)).await
    }

    /// `GET path` as the auditor, which must answer 200.
    pub async fn ok(&self, path: &str) -> Value {
        let (status, body) = self.get(path).await;
        assert_eq!(status, 200, "GET {path}: {body}");
        body
    }

    /// `GET path` as the auditor, which must answer 400; returns the message.
    pub async fn refused(&self, path: &str) -> String {
        let (status, body) = self.get(path).await;
        assert_eq!(status, 400, "GET {path}: {body}");
        body["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// Every event the query matches, following `next_cursor` page by page.
    pub async fn all_events(&self, query: &str) -> Vec<Value> {
        let mut events = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let mut path = format!("/v1/audit/events?{query}");
            if let Some(cursor) = &cursor {
                path.push_str(&format!("&cursor={cursor}"));
            }
            let page = self.ok(&path).await;
            events.extend(page["events"].as_array().cloned().unwrap_or_default());
            match page["next_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_string()),
                None => return events,
            }
        }
    }
}

pub async fn call(app: &TestApp, path: &str, token: Option<&str>) -> (u16, Value) {
    let response = app.request(Method::GET, path, token, None).await;
    let status = response.status().as_u16();
    let text = response.text().await.unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// A write that must succeed; returns its answer.
pub async fn write(app: &TestApp, method: Method, path: &str, token: &str, body: Value) -> Value {
    let response = app
        .request(method.clone(), path, Some(token), Some(body))
        .await;
    let status = response.status().as_u16();
    let answer: Value = response.json().await.unwrap_or(Value::Null);
    assert!(
        (200..300).contains(&status),
        "{method} {path}: {status} {answer}"
    );
    answer
}

/// Sign-ups (anonymous), an initiative registered by Ana and approved by a moderator, and one
/// written by the system; then waits until all of it is final in the feed.
pub async fn audited() -> Audited {
    let env = spawn_on_postgres().await;
    let app = &env.app;
    let ana = app.sign_up("Ana").await;
    let ana_token = app.token_for(ana.id).await;
    let moderator = app.person_with("Moderadora", Role::Moderator).await;
    let moderator_token = app.token_for(moderator.id).await;
    let body = e2e::initiative_json("Clúster Minero de Antofagasta");
    let answer = write(app, Method::POST, "/v1/initiatives", &ana_token, body).await;
    let initiative = answer["id"].as_str().expect("an id").to_string();
    let approval = format!("/v1/initiatives/{initiative}/approval");
    write(app, Method::POST, &approval, &moderator_token, json!({})).await;
    let system_initiative = app
        .initiative_managed_by(ana.id, "Red Textil Andina")
        .await
        .to_string();
    let auditor = app.person_with("Auditora", Role::Auditor).await;
    let token = app.token_for(auditor.id).await;
    settle(app).await;
    Audited {
        env,
        auditor,
        token,
        ana,
        ana_token,
        initiative,
        system_initiative,
    }
}

/// Waits until every event written so far is final in the feed (on PostgreSQL a transaction
/// still open anywhere on the server, another test's included, holds later events back), and
/// sealed into the global chain (which the server's sealer does a moment later anyway), so that
/// two reads of the same events agree to the byte.
pub async fn settle(app: &TestApp) {
    let feed = app.state.log.feed();
    let head = app.head().await;
    let target = feed
        .locate(head)
        .await
        .unwrap()
        .expect("the head is committed");
    assert!(
        app.state
            .engine
            .wait_for(target, Duration::from_secs(20))
            .await,
        "the feed never reached position {head}"
    );
    store::chain::seal_pending(app.state.log.database())
        .await
        .expect("sealed");
}

/// The global positions of `events`.
pub fn positions(events: &[Value]) -> Vec<i64> {
    events
        .iter()
        .map(|e| e["position"].as_i64().expect("a position"))
        .collect()
}
