//! Routes of `gateway/src/http/publications/`.

use domain::actor::Actor;
use domain::publication::{Kind, PublicationCommand, PublicationContent};
use domain::values::{AccountId, Description, PublicationId, Title};
use serde_json::json;
use store::EventMetadata;

use super::{Caller, Fixture, Request, Who};

pub fn expectation(method: &str, template: &str) -> Option<Who> {
    use Who::*;
    Some(match (method, template) {
        // Approved items are public; the handler hides the others (tests/publications.rs).
        ("GET", "/v1/publications/{id}") => Everyone,
        ("GET", "/v1/gatherings.ics") => Everyone,
        ("POST", "/v1/publications") => SignedIn,
        // The author's own: each caller acts on an item of its own.
        ("PUT", "/v1/publications/{id}") => SignedIn,
        ("POST", "/v1/publications/{id}/withdrawal") => SignedIn,
        ("POST", "/v1/publications/{id}/approval" | "/v1/publications/{id}/rejection") => {
            Moderators
        }
        _ => return None,
    })
}

pub async fn request(f: &Fixture, method: &str, template: &str, caller: Caller) -> Option<Request> {
    expectation(method, template)?;
    let news = json!({ "kind": "news", "title": "Convocatoria", "summary": "Abierta." });
    let body = match (method, template) {
        ("POST", "/v1/publications") | ("PUT", _) => Some(news),
        (_, "/v1/publications/{id}/rejection") => Some(json!({ "reason": "Fuera de tema" })),
        _ => None,
    };
    // A fresh item per call, submitted by the caller (a visitor's by someone else); one to
    // review is someone else's, since no moderator reviews their own (four eyes).
    let reviewing = template.ends_with("/approval") || template.ends_with("/rejection");
    let author = match f.person(caller) {
        Some(person) if !reviewing => person.id,
        _ => AccountId::new(),
    };
    let approve = (method, template) == ("GET", "/v1/publications/{id}");
    let path = if template.contains("{id}") {
        let id = submitted_by(f, author, approve).await;
        template.replace("{id}", &id.to_string())
    } else {
        template.to_string()
    };
    Some((path, body))
}

/// A news item submitted by `author` (and approved, if asked), arranged without HTTP.
async fn submitted_by(f: &Fixture, author: AccountId, approve: bool) -> PublicationId {
    let bus = &f.app.state.publications;
    let id = PublicationId::new();
    let metadata = EventMetadata::system("test", "SubmitPublication");
    let content = PublicationContent {
        title: Title::new("Convocatoria regional").unwrap(),
        summary: Description::new("").unwrap(),
        link: None,
        kind: Kind::News,
        language: None,
        topic: None,
        format: None,
    };
    let submit = PublicationCommand::Submit {
        publication_id: id,
        actor: Actor::member(author),
        content,
        at: chrono::Utc::now(),
    };
    bus.execute(&id.to_string(), submit, metadata.clone())
        .await
        .expect("submitted");
    if approve {
        let approve = PublicationCommand::Approve {
            actor: Actor::moderator(AccountId::new()),
            at: chrono::Utc::now(),
        };
        bus.execute(&id.to_string(), approve, metadata)
            .await
            .expect("approved");
    }
    id
}
