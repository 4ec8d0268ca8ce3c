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
use e2e::{spawn_on_postgres, Person, TestApp, PASSWORD};
use reqwest::Method;
use serde_json::{json, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Caller {
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

/// Who may call a route.
#[derive(Debug, Clone, Copy)]
enum Who {
    Everyone,
    SignedIn,
    Admins,
}

impl Who {
    fn admits(self, caller: Caller) -> bool {
        match self {
            Who::Everyone => true,
            Who::SignedIn => caller != Caller::Visitor,
            Who::Admins => caller == Caller::Admin,
        }
    }
}

/// The expectation for each route: who may call it. Keep in step with the API.
fn expectation(method: &Method, template: &str) -> Option<Who> {
    use Who::*;
    Some(match (method.as_str(), template) {
        ("GET", "/health" | "/ready" | "/metrics") => Everyone,
        ("POST", "/v1/sessions") => Everyone,
        ("DELETE", "/v1/sessions/current") => SignedIn,
        ("POST", "/v1/accounts" | "/v1/accounts/activation") => Everyone,
        ("GET", "/v1/accounts") => Admins,
        ("GET" | "PATCH", "/v1/me") => SignedIn,
        ("PUT", "/v1/me/password") => SignedIn,
        // Another person's account: only administrators (the holder's own access is tested in
        // tests/accounts.rs).
        ("GET", "/v1/accounts/{id}") => Admins,
        ("DELETE", "/v1/accounts/{id}/sessions") => Admins,
        ("PUT" | "DELETE", "/v1/accounts/{id}/roles/{role}") => Admins,
        ("POST", "/v1/accounts/{id}/erasure") => Admins,
        _ => return None,
    })
}

struct Fixture {
    app: TestApp,
    people: BTreeMap<Caller, Person>,
    #[allow(dead_code)] // initiative routes arrive with the domain API
    this_initiative: InitiativeId,
}

impl Fixture {
    async fn new(app: TestApp) -> Self {
        let mut people = BTreeMap::new();
        people.insert(Caller::Member, app.sign_up("Member").await);
        let manager = app.sign_up("Manager").await;
        let this_initiative = app.initiative_managed_by(manager.id, "This").await;
        people.insert(Caller::ManagerOfThis, manager);
        let other = app.sign_up("OtherManager").await;
        app.initiative_managed_by(other.id, "Other").await;
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
        }
    }

    /// A concrete, valid request for the route, as `caller` would send it; the route's target
    /// is `subject`, an account made for this route, unless the route is about the caller.
    async fn request(
        &self,
        method: &Method,
        template: &str,
        caller: Caller,
        subject: &Person,
    ) -> (String, Option<Value>) {
        let path = template
            .replace("{id}", &subject.id.to_string())
            .replace("{role}", "moderator");
        let body = match (method.as_str(), template) {
            ("POST", "/v1/sessions") => {
                Some(json!({ "email": subject.email, "password": subject.password }))
            }
            ("POST", "/v1/accounts") => Some(json!({
                "email": format!("new.{}@example.org", uuid::Uuid::new_v4().simple()),
                "display_name": "Newcomer",
                "password": PASSWORD,
            })),
            ("POST", "/v1/accounts/activation") => {
                let email = format!("invited.{}@example.org", uuid::Uuid::new_v4().simple());
                let invitation = self
                    .app
                    .state
                    .accounts
                    .invite_admin(
                        &domain::values::EmailAddress::new(&email).unwrap(),
                        &domain::values::DisplayName::new("Invited").unwrap(),
                        "test",
                    )
                    .await
                    .unwrap();
                Some(json!({
                    "account_id": invitation.account,
                    "secret": invitation.secret.expose(),
                    "password": PASSWORD,
                }))
            }
            ("PATCH", "/v1/me") => Some(json!({ "language": "en" })),
            ("PUT", "/v1/me/password") => {
                let current = self
                    .people
                    .get(&caller)
                    .map_or(PASSWORD.to_string(), |p| p.password.clone());
                Some(
                    json!({ "current_password": current, "new_password": "another long passphrase" }),
                )
            }
            _ => None,
        };
        let path = if (method.as_str(), template) == ("GET", "/v1/accounts") {
            format!("{path}?email={}", subject.email)
        } else {
            path
        };
        (path, body)
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
        let subject = app.sign_up("Subject").await;
        for caller in CALLERS {
            let (path, body) = fixture.request(method, template, caller, &subject).await;
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
