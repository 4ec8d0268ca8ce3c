//! Routes of the read models (`gateway/src/http/{memberships,moderation,…}.rs`).
//!
//! For a community's members, "this" is a fresh open community where `ManagerOfThis` is the only
//! member, and a facilitator: `ManagersOfThisAndModerators` reads "its members and moderators".
//! What is arranged through the command buses has not passed the read-your-writes wait of an
//! HTTP write, so those requests carry `min_position` (the head after arranging).

use domain::actor::Actor;
use domain::community::{CommunityCommand, JoinPolicy, Theme};
use domain::values::{AccountId, CommunityId, Name, Sector};
use store::EventMetadata;

use super::{Caller, Fixture, Request, Who};

pub fn expectation(method: &str, template: &str) -> Option<Who> {
    use Who::*;
    Some(match (method, template) {
        ("GET", "/v1/me/memberships") => SignedIn,
        ("GET", "/v1/initiatives/{id}/managers") => Everyone,
        ("GET", "/v1/communities/{id}/members") => ManagersOfThisAndModerators,
        ("GET", "/v1/moderation/queue") => Moderators,
        ("POST" | "DELETE", "/v1/moderation/claims/{kind}/{id}") => Moderators,
        ("GET", "/v1/map" | "/v1/stats") => Everyone,
        // The lists and the search: public; what each caller sees in them is tested in
        // tests/tests/lists/ (one file per list, and paging.rs for paging while others write).
        (
            "GET",
            "/v1/publications"
            | "/v1/gatherings"
            | "/v1/communities"
            | "/v1/communities/{id}/threads"
            | "/v1/joint-projects"
            | "/v1/initiatives/{id}/communities"
            | "/v1/initiatives/{id}/joint-projects",
        ) => Everyone,
        ("GET", "/v1/search") => Everyone,
        _ => return None,
    })
}

pub async fn request(f: &Fixture, method: &str, template: &str, _: Caller) -> Option<Request> {
    let request = match (method, template) {
        ("GET", "/v1/me/memberships" | "/v1/moderation/queue") => (template.to_string(), None),
        ("GET", "/v1/map" | "/v1/stats") => (template.to_string(), None),
        // "This" initiative is approved: nothing waits on it, so a moderator meets a 404 (what
        // this test asks is who gets past the door; claims are tested in read_models).
        ("POST" | "DELETE", "/v1/moderation/claims/{kind}/{id}") => (
            template
                .replace("{kind}", "initiative")
                .replace("{id}", &f.this_initiative.to_string()),
            None,
        ),
        (
            "GET",
            "/v1/publications" | "/v1/gatherings" | "/v1/communities" | "/v1/joint-projects",
        ) => (template.to_string(), None),
        ("GET", "/v1/search") => ("/v1/search?q=cluster".to_string(), None),
        ("GET", "/v1/initiatives/{id}/communities" | "/v1/initiatives/{id}/joint-projects") => {
            let id = f.this_initiative.to_string();
            let head = f.app.head().await;
            (
                format!("{}?min_position={head}", template.replace("{id}", &id)),
                None,
            )
        }
        ("GET", "/v1/communities/{id}/threads") => {
            let id = community_facilitated_by_manager_of_this(f).await;
            (template.replace("{id}", &id.to_string()), None)
        }
        ("GET", "/v1/initiatives/{id}/managers") => {
            // "This" initiative is approved, so its managers are public.
            let id = f.this_initiative.to_string();
            let head = f.app.head().await;
            (
                format!("{}?min_position={head}", template.replace("{id}", &id)),
                None,
            )
        }
        ("GET", "/v1/communities/{id}/members") => {
            let id = community_facilitated_by_manager_of_this(f).await;
            let head = f.app.head().await;
            let path = template.replace("{id}", &id.to_string());
            (format!("{path}?min_position={head}"), None)
        }
        _ => return None,
    };
    Some(request)
}

/// An open community whose only member, a facilitator, is `ManagerOfThis`.
async fn community_facilitated_by_manager_of_this(f: &Fixture) -> CommunityId {
    let bus = &f.app.state.communities;
    let moderator = Actor::moderator(AccountId::new());
    let facilitator = f.person(Caller::ManagerOfThis).expect("a manager").id;
    let id = CommunityId::new();
    let at = chrono::Utc::now();
    let commands = [
        CommunityCommand::CreateCommunity {
            community_id: id,
            actor: moderator.clone(),
            name: Name::new("Comunidad").unwrap(),
            theme: Theme::Sector(Sector::Lithium),
            join_policy: JoinPolicy::Open,
            at,
        },
        CommunityCommand::Join {
            actor: Actor::member(facilitator),
            at,
        },
        CommunityCommand::PromoteToFacilitator {
            actor: moderator,
            account: facilitator,
            account_active: true,
            at,
        },
    ];
    for command in commands {
        let meta = EventMetadata::system("test", "Arrange");
        bus.execute(&id.to_string(), command, meta)
            .await
            .expect("arranged");
    }
    id
}
