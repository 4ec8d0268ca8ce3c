//! Routes of `gateway/src/http/initiatives/`.
//!
//! Rights scoped to one initiative (its managers) are decided by the aggregate, so routes open to
//! every signed-in account at the route level still refuse other members with 403 here.

use chrono::Utc;
use domain::actor::Actor;
use domain::initiative::{InitiativeCommand, ProfileChanges};
use domain::values::{AccountId, InitiativeId, Name, Reason};
use serde_json::{json, Value};
use store::EventMetadata;

use super::{Caller, Fixture, Request, Who};

pub fn expectation(method: &str, template: &str) -> Option<Who> {
    use Who::*;
    Some(match (method, template) {
        ("POST", "/v1/initiatives") => SignedIn,
        ("GET", "/v1/initiatives/{id}") => Everyone,
        // Matches of an approved initiative are as public as the initiative.
        ("GET", "/v1/initiatives/{id}/matches") => Everyone,
        ("POST", "/v1/initiatives/{id}/approval" | "/v1/initiatives/{id}/rejection") => Moderators,
        ("POST", "/v1/initiatives/{id}/resubmission" | "/v1/initiatives/{id}/confirmation") => {
            ManagersOfThis
        }
        ("POST", "/v1/initiatives/{id}/retirement") => ManagersOfThisAndModerators,
        ("PATCH", "/v1/initiatives/{id}/profile") => ManagersOfThis,
        (
            "POST",
            "/v1/initiatives/{id}/profile-change/approval"
            | "/v1/initiatives/{id}/profile-change/rejection",
        ) => Moderators,
        ("DELETE", "/v1/initiatives/{id}/profile-change") => ManagersOfThis,
        ("POST", "/v1/initiatives/{id}/managers") => ManagersOfThisAndModerators,
        ("DELETE", "/v1/initiatives/{id}/managers/{account_id}") => ManagersOfThisAndModerators,
        // Anyone signed in may ask (a manager asking is refused by a rule, 422, not a right).
        ("POST", "/v1/initiatives/{id}/management-requests") => SignedIn,
        ("DELETE", "/v1/initiatives/{id}/management-requests/mine") => SignedIn,
        (
            "POST",
            "/v1/initiatives/{id}/management-requests/{account_id}/approval"
            | "/v1/initiatives/{id}/management-requests/{account_id}/decline",
        ) => ManagersOfThisAndModerators,
        _ => return None,
    })
}

pub async fn request(f: &Fixture, method: &str, template: &str, caller: Caller) -> Option<Request> {
    expectation(method, template)?;
    let manager = f.person(Caller::ManagerOfThis)?.id;
    let member = f.person(Caller::Member)?.id;
    let id = |id: InitiativeId| template.replace("{id}", &id.to_string());
    Some(match (method, template) {
        ("POST", "/v1/initiatives") => (template.to_string(), Some(profile_body())),
        ("GET", _) => (id(f.this_initiative), None),
        ("POST", "/v1/initiatives/{id}/approval") => (id(submitted(f, manager).await), None),
        ("POST", "/v1/initiatives/{id}/rejection") => (
            id(submitted(f, manager).await),
            Some(json!({ "reason": "The location is in the sea." })),
        ),
        ("POST", "/v1/initiatives/{id}/resubmission") => {
            let target = submitted(f, manager).await;
            run(
                f,
                target,
                InitiativeCommand::Reject {
                    reason: Reason::new("Incomplete").unwrap(),
                    actor: moderator(),
                    at: Utc::now(),
                },
            )
            .await;
            (id(target), None)
        }
        ("POST", "/v1/initiatives/{id}/confirmation") => (id(approved(f, manager).await), None),
        ("POST", "/v1/initiatives/{id}/retirement") => {
            (id(approved(f, manager).await), Some(json!({})))
        }
        ("PATCH", _) => (
            id(approved(f, manager).await),
            Some(json!({ "description": "Now with more firms." })),
        ),
        ("POST" | "DELETE", t) if t.starts_with("/v1/initiatives/{id}/profile-change") => {
            let target = with_pending_change(f, manager).await;
            let body = t
                .ends_with("rejection")
                .then(|| json!({ "reason": "The new name is misleading." }));
            (id(target), body)
        }
        ("POST", "/v1/initiatives/{id}/managers") => (
            id(approved(f, manager).await),
            Some(json!({ "account_id": member })),
        ),
        ("DELETE", "/v1/initiatives/{id}/managers/{account_id}") => {
            // A second manager who is none of the callers (a manager may remove themself).
            let second = AccountId::new();
            let target = approved(f, manager).await;
            run(
                f,
                target,
                InitiativeCommand::AddManager {
                    account: second,
                    account_active: true,
                    actor: Actor::member(manager),
                    at: Utc::now(),
                },
            )
            .await;
            let path = id(target).replace("{account_id}", &second.to_string());
            (path, None)
        }
        ("POST", "/v1/initiatives/{id}/management-requests") => {
            (id(approved(f, manager).await), None)
        }
        ("DELETE", "/v1/initiatives/{id}/management-requests/mine") => {
            // Managed by someone else, so that every caller (the manager of "this" too) can
            // have a request of their own to withdraw.
            let target = approved(f, AccountId::new()).await;
            if let Some(person) = f.person(caller) {
                run(
                    f,
                    target,
                    InitiativeCommand::RequestManagement {
                        actor: Actor::member(person.id),
                        at: Utc::now(),
                    },
                )
                .await;
            }
            (id(target), None)
        }
        ("POST", t) if t.contains("/management-requests/{account_id}/") => {
            let target = approved(f, manager).await;
            run(
                f,
                target,
                InitiativeCommand::RequestManagement {
                    actor: Actor::member(member),
                    at: Utc::now(),
                },
            )
            .await;
            let path = id(target).replace("{account_id}", &member.to_string());
            let body = t.ends_with("decline").then(|| json!({}));
            (path, body)
        }
        _ => return None,
    })
}

/// A complete, valid registration body.
fn profile_body() -> Value {
    json!({
        "name": "Polo Moveleiro de Ubá",
        "kind": "cluster_initiative",
        "country": "BR",
        "region": "Minas Gerais",
        "location": { "lat": -21.12, "lon": -42.94 },
        "sectors": ["manufacturing"],
        "number_of_firms": 300,
        "governance": {
            "facilitating_organization": "Intersind",
            "private": 60, "public": 20, "academia": 10, "civil_society": 10
        },
        "maturity_stage": "consolidation",
        "founding_year": 2003
    })
}

fn moderator() -> Actor {
    Actor::moderator(AccountId::new())
}

async fn run(f: &Fixture, id: InitiativeId, command: InitiativeCommand) {
    f.app
        .state
        .initiatives
        .execute(
            &id.to_string(),
            command,
            EventMetadata::system("test", "Arrange"),
        )
        .await
        .expect("arranged");
}

/// A fresh initiative awaiting review, managed by `manager`.
async fn submitted(f: &Fixture, manager: AccountId) -> InitiativeId {
    let id = InitiativeId::new();
    run(
        f,
        id,
        InitiativeCommand::Register {
            id,
            profile: e2e::sample_profile(),
            actor: Actor::member(manager),
            at: Utc::now(),
        },
    )
    .await;
    id
}

/// A fresh approved initiative managed by `manager`.
async fn approved(f: &Fixture, manager: AccountId) -> InitiativeId {
    f.app.initiative_managed_by(manager, "Fresh").await
}

/// A fresh approved initiative whose manager proposed a new name.
async fn with_pending_change(f: &Fixture, manager: AccountId) -> InitiativeId {
    let id = approved(f, manager).await;
    run(
        f,
        id,
        InitiativeCommand::UpdateProfile {
            changes: ProfileChanges {
                name: Some(Name::new("Renamed").unwrap()),
                ..Default::default()
            },
            actor: Actor::member(manager),
            at: Utc::now(),
        },
    )
    .await;
    id
}
