//! Initiatives over HTTP on PostgreSQL: every command's happy path, who sees what, and every kind
//! of refusal (400 per field, 401, 403, 404, 409 with `current`, 412, 422), each writing nothing.
//!
//! * [`lifecycle`]: review, profile changes, managers, confirmation and retirement.
//! * [`refusals`]: invalid fields and every refusal, each checked to write nothing.

mod lifecycle;
mod refusals;

use domain::actor::Role;
use domain::values::AccountId;
use e2e::TestApp;
use reqwest::Method;
use serde_json::{json, Value};

/// One request, built step by step.
pub struct Req {
    method: Method,
    path: String,
    token: Option<String>,
    body: Option<Value>,
    if_match: Option<String>,
}

pub struct Answer {
    pub status: u16,
    pub etag: Option<String>,
    pub body: Value,
}

pub fn req(method: Method, path: impl Into<String>) -> Req {
    Req {
        method,
        path: path.into(),
        token: None,
        body: None,
        if_match: None,
    }
}

impl Req {
    pub fn by(mut self, token: &str) -> Self {
        self.token = Some(token.to_string());
        self
    }
    pub fn json(mut self, body: Value) -> Self {
        self.body = Some(body);
        self
    }
    pub fn if_match(mut self, etag: &str) -> Self {
        self.if_match = Some(etag.to_string());
        self
    }

    pub async fn send(self, app: &TestApp) -> Answer {
        let mut request = app
            .client
            .request(self.method, format!("{}{}", app.address, self.path));
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = &self.body {
            request = request.json(body);
        }
        if let Some(etag) = &self.if_match {
            request = request.header("if-match", etag);
        }
        let response = request.send().await.expect("request sent");
        let status = response.status().as_u16();
        let etag = response
            .headers()
            .get("etag")
            .map(|v| v.to_str().unwrap().to_string());
        let body = response.json().await.unwrap_or(Value::Null);
        Answer { status, etag, body }
    }

    /// Sends it, expecting `status`, with `body` on failure.
    pub async fn ok(self, app: &TestApp, status: u16) -> Answer {
        let what = format!("{} {}", self.method, self.path);
        let answer = self.send(app).await;
        assert_eq!(answer.status, status, "{what}: {}", answer.body);
        answer
    }

    /// Sends a request that must be refused with `status` and write nothing; returns the error.
    pub async fn refused(self, app: &TestApp, status: u16) -> Value {
        let before = app.head().await;
        let what = format!("{} {} {:?}", self.method, self.path, self.body);
        let answer = self.send(app).await;
        assert_eq!(answer.status, status, "{what}: {}", answer.body);
        assert_eq!(app.head().await, before, "{what} wrote nothing");
        assert!(!answer.body["error"]["message"].as_str().unwrap().is_empty());
        answer.body["error"].clone()
    }
}

/// A complete, valid registration.
pub fn profile() -> Value {
    json!({
        "name": "Clúster Minero de Antofagasta",
        "description": "Proveedores de la minería del cobre y del litio.",
        "kind": "cluster_initiative",
        "country": "cl",
        "region": "Antofagasta",
        "location": { "lat": -23.6509, "lon": -70.3975 },
        "sectors": ["mining", "lithium"],
        "value_chain_focus": "Servicios a la minería",
        "strategic_focus": ["innovation", "productive_linkages"],
        "number_of_firms": 120,
        "governance": {
            "facilitating_organization": "Asociación de Industriales",
            "private": 50, "public": 30, "academia": 15, "civil_society": 5
        },
        "funding_sources": ["member_fees", "national_government"],
        "maturity_stage": "consolidation",
        "founding_year": 2005,
        "website": "https://CLUSTERMINERO.cl/inicio"
    })
}

pub fn path(id: &str, rest: &str) -> String {
    format!("/v1/initiatives/{id}{rest}")
}

pub struct People {
    pub manager: String,
    pub manager_id: AccountId,
    pub member: String,
    pub member_id: AccountId,
    pub moderator: String,
}

pub async fn people(app: &TestApp) -> People {
    let manager = app.sign_up("Manager").await;
    let member = app.sign_up("Member").await;
    let moderator = app.person_with("Moderator", Role::Moderator).await;
    People {
        manager: app.token_for(manager.id).await,
        manager_id: manager.id,
        member: app.token_for(member.id).await,
        member_id: member.id,
        moderator: app.token_for(moderator.id).await,
    }
}

/// Registers over HTTP as `token`; returns the id.
pub async fn register(app: &TestApp, token: &str) -> String {
    let answer = req(Method::POST, "/v1/initiatives")
        .by(token)
        .json(profile())
        .ok(app, 201)
        .await;
    answer.body["id"].as_str().unwrap().to_string()
}

/// Registers as `p.manager` and approves as `p.moderator`.
pub async fn approved(app: &TestApp, p: &People) -> String {
    let id = register(app, &p.manager).await;
    req(Method::POST, path(&id, "/approval"))
        .by(&p.moderator)
        .ok(app, 200)
        .await;
    id
}
