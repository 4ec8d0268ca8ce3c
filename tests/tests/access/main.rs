//! Every route the API has × every kind of caller: allowed, or refused with 401 (no valid
//! credentials) / 403 (signed in, not allowed).
//!
//! The routes come from the server's own OpenAPI document, which is built from the same
//! registrations as the router; the expectations are written here, independently of the
//! server's rules. A route without an expectation here fails the test, so a new route cannot
//! ship without someone deciding who may call it.

use std::collections::BTreeMap;

use domain::actor::Role;
use domain::values::InitiativeId;
use e2e::{spawn_on_postgres, Person, TestApp};
use reqwest::Method;
use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Caller {
    Visitor,
    Member,
    ManagerOfThis,
    ManagerOfOther,
    Moderator,
    Auditor,
    Admin,
}

const CALLERS: [Caller; 7] = [
    Caller::Visitor,
    Caller::Member,
    Caller::ManagerOfThis,
    Caller::ManagerOfOther,
    Caller::Moderator,
    Caller::Auditor,
    Caller::Admin,
];

mod accounts;
mod audit;
mod communities;
mod initiatives;
mod instances;
mod joint_projects;
mod publications;
mod read_models;

/// Who may call a route.
#[derive(Debug, Clone, Copy)]
pub enum Who {
    Everyone,
    SignedIn,
    Admins,
    Moderators,
    /// Managers of the initiative the route is about ("this" initiative).
    ManagersOfThis,
    ManagersOfThisAndModerators,
    /// Auditors and administrators.
    Auditors,
}

impl Who {
    fn admits(self, caller: Caller) -> bool {
        match self {
            Who::Everyone => true,
            Who::SignedIn => caller != Caller::Visitor,
            Who::Admins => caller == Caller::Admin,
            Who::Moderators => caller == Caller::Moderator,
            Who::ManagersOfThis => caller == Caller::ManagerOfThis,
            Who::ManagersOfThisAndModerators => {
                matches!(caller, Caller::ManagerOfThis | Caller::Moderator)
            }
            Who::Auditors => matches!(caller, Caller::Auditor | Caller::Admin),
        }
    }
}

/// The expectation for each route, from the module of its resource.
fn expectation(method: &Method, template: &str) -> Option<Who> {
    let method = method.as_str();
    accounts::expectation(method, template)
        .or_else(|| initiatives::expectation(method, template))
        .or_else(|| communities::expectation(method, template))
        .or_else(|| joint_projects::expectation(method, template))
        .or_else(|| publications::expectation(method, template))
        .or_else(|| read_models::expectation(method, template))
        .or_else(|| audit::expectation(method, template))
}

/// A request that `caller` would validly send to the route (path with ids filled in, body).
pub type Request = (String, Option<Value>);

/// The callers, and an approved initiative managed by `ManagerOfThis` (another is managed by
/// `ManagerOfOther`).
pub struct Fixture {
    pub app: TestApp,
    pub people: BTreeMap<Caller, Person>,
    pub this_initiative: InitiativeId,
    pub other_initiative: InitiativeId,
}

impl Fixture {
    async fn new(app: TestApp) -> Self {
        let mut people = BTreeMap::new();
        people.insert(Caller::Member, app.sign_up("Member").await);
        let manager = app.sign_up("Manager").await;
        let this_initiative = app.initiative_managed_by(manager.id, "This").await;
        people.insert(Caller::ManagerOfThis, manager);
        let other = app.sign_up("OtherManager").await;
        let other_initiative = app.initiative_managed_by(other.id, "Other").await;
        people.insert(Caller::ManagerOfOther, other);
        people.insert(
            Caller::Moderator,
            app.person_with("Moderator", Role::Moderator).await,
        );
        people.insert(
            Caller::Auditor,
            app.person_with("Auditor", Role::Auditor).await,
        );
        people.insert(Caller::Admin, app.admin().await);
        Self {
            app,
            people,
            this_initiative,
            other_initiative,
        }
    }

    pub fn person(&self, caller: Caller) -> Option<&Person> {
        self.people.get(&caller)
    }

    /// A concrete, valid request for the route as `caller` would send it. Each route gets its
    /// own targets (a fresh account, a fresh initiative managed by the manager of "this"), so
    /// that one caller's success does not change what the next one meets.
    async fn request(&self, method: &Method, template: &str, caller: Caller) -> Request {
        let method = method.as_str();
        if let Some(r) = accounts::request(self, method, template, caller).await {
            return r;
        }
        if let Some(r) = initiatives::request(self, method, template, caller).await {
            return r;
        }
        if let Some(r) = communities::request(self, method, template, caller).await {
            return r;
        }
        if let Some(r) = joint_projects::request(self, method, template, caller).await {
            return r;
        }
        if let Some(r) = publications::request(self, method, template, caller).await {
            return r;
        }
        if let Some(r) = read_models::request(self, method, template, caller).await {
            return r;
        }
        if let Some(r) = audit::request(self, method, template, caller).await {
            return r;
        }
        (template.to_string(), None)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_admits_exactly_the_callers_it_should() {
    let env = spawn_on_postgres().await;
    let openapi: Value = env.app.get("/openapi.json").await.json().await.unwrap();
    assert!(
        env.app.get("/docs/").await.status().is_success(),
        "docs are served"
    );
    let fixture = Fixture::new(env.app).await;
    let app = &fixture.app;

    let mut routes = Vec::new();
    for (template, item) in openapi["paths"].as_object().expect("paths") {
        for method in item.as_object().unwrap().keys() {
            if let Ok(method) = method.to_uppercase().parse::<Method>() {
                routes.push((method, template.clone()));
            }
        }
    }
    assert!(routes.len() >= 16, "{routes:?}");
    let missing: Vec<_> = routes
        .iter()
        .filter(|(m, t)| expectation(m, t).is_none())
        .collect();
    assert!(
        missing.is_empty(),
        "routes without an expectation in this test: {missing:?}"
    );

    let mut failures = Vec::new();
    for (method, template) in &routes {
        let who = expectation(method, template).unwrap();
        for caller in CALLERS {
            let (path, body) = fixture.request(method, template, caller).await;
            let token = match fixture.people.get(&caller) {
                Some(person) => Some(app.token_for(person.id).await),
                None => None,
            };
            let response = app
                .request(method.clone(), &path, token.as_deref(), body)
                .await;
            let status = response.status().as_u16();
            let expected_ok = who.admits(caller);
            let fine = if expected_ok {
                status != 401 && status != 403 && status < 500
            } else if caller == Caller::Visitor {
                status == 401
            } else {
                status == 403
            };
            if !fine {
                let text = response.text().await.unwrap_or_default();
                failures.push(format!(
                    "{method} {template} as {caller:?}: {status} {text}"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
