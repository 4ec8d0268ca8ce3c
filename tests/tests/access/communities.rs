//! Routes of `gateway/src/http/communities/`.
//!
//! Rights in a community are facts of the community, not roles, so "this" here means a fresh
//! community (made for each request) where `ManagerOfThis` is the only member, and a
//! facilitator; every other caller is a stranger to it. So `ManagersOfThisAndModerators` reads
//! "facilitators (or, for posting, members) of this community, and moderators", and
//! `ManagersOfThis` on a post reads "its author" (`ManagerOfThis` wrote it). Joining, leaving
//! and withdrawing one's own request are open to every signed-in caller.

use domain::actor::Actor;
use domain::community::{Community, CommunityCommand, JoinPolicy, Theme};
use domain::thread::{PostBody, Thread, ThreadCommand};
use domain::values::{AccountId, CommunityId, Name, PostId, Reason, Sector, ThreadId, Title};
use serde_json::json;
use store::{CommandBus, EventMetadata};

use super::{Caller, Fixture, Request, Who};

pub fn expectation(method: &str, template: &str) -> Option<Who> {
    use Who::*;
    Some(match (method, template) {
        ("POST", "/v1/communities") => Moderators,
        ("GET", "/v1/communities/{id}" | "/v1/threads/{id}") => Everyone,
        ("PUT", "/v1/communities/{id}/name" | "/v1/communities/{id}/join-policy") => Moderators,
        ("POST" | "DELETE", "/v1/communities/{id}/membership") => SignedIn,
        ("DELETE", "/v1/communities/{id}/join-request") => SignedIn,
        (
            "POST",
            "/v1/communities/{id}/join-requests/{account_id}/acceptance"
            | "/v1/communities/{id}/join-requests/{account_id}/decline"
            | "/v1/communities/{id}/facilitators"
            | "/v1/communities/{id}/threads"
            | "/v1/threads/{id}/posts",
        ) => ManagersOfThisAndModerators,
        ("DELETE", "/v1/communities/{id}/facilitators/{account_id}") => ManagersOfThisAndModerators,
        ("PATCH" | "DELETE", "/v1/threads/{id}/posts/{post_id}") => ManagersOfThis,
        ("POST" | "DELETE", "/v1/threads/{id}/posts/{post_id}/hiding") => {
            ManagersOfThisAndModerators
        }
        _ => return None,
    })
}

pub async fn request(f: &Fixture, method: &str, template: &str, caller: Caller) -> Option<Request> {
    expectation(method, template)?;
    let setup = Setup::new(f);
    let me = f.person(caller).map(|p| p.id);
    let subject = AccountId::new();
    // `{account_id}` is always the subject: someone other than every caller.
    let fill = |id: String, post: Option<PostId>| {
        template
            .replace("{id}", &id)
            .replace("{account_id}", &subject.to_string())
            .replace(
                "{post_id}",
                &post.map(|p| p.to_string()).unwrap_or_default(),
            )
    };
    let request = match (method, template) {
        ("POST", "/v1/communities") => (
            template.to_string(),
            Some(json!({ "name": "Nueva", "theme": { "sector": "ict" }, "join_policy": "open" })),
        ),
        ("GET", "/v1/communities/{id}") => (fill(setup.this().await, None), None),
        ("PUT", "/v1/communities/{id}/name") => (
            fill(setup.this().await, None),
            Some(json!({ "name": "Renombrada" })),
        ),
        ("PUT", "/v1/communities/{id}/join-policy") => (
            fill(setup.this().await, None),
            Some(json!({ "join_policy": "moderated" })),
        ),
        ("POST", "/v1/communities/{id}/membership") => {
            (fill(setup.empty(JoinPolicy::Open).await, None), None)
        }
        ("DELETE", "/v1/communities/{id}/membership") => {
            // Members of an open community, the caller among them.
            let id = setup.empty(JoinPolicy::Open).await;
            setup.join(&id, me).await;
            (fill(id, None), None)
        }
        ("DELETE", "/v1/communities/{id}/join-request") => {
            let id = setup.empty(JoinPolicy::Moderated).await;
            setup.join(&id, me).await;
            (fill(id, None), None)
        }
        (_, "/v1/communities/{id}/join-requests/{account_id}/acceptance")
        | (_, "/v1/communities/{id}/join-requests/{account_id}/decline") => {
            let id = setup.this().await;
            setup
                .community(
                    &id,
                    CommunityCommand::ChangeJoinPolicy {
                        actor: setup.moderator.clone(),
                        join_policy: JoinPolicy::Moderated,
                        at: chrono::Utc::now(),
                    },
                )
                .await;
            setup.join(&id, Some(subject)).await;
            let body = template.ends_with("/decline").then(|| json!({}));
            (fill(id, None), body)
        }
        ("POST", "/v1/communities/{id}/facilitators") => {
            let id = setup.this().await;
            setup.join(&id, Some(subject)).await;
            (fill(id, None), Some(json!({ "account_id": subject })))
        }
        ("DELETE", "/v1/communities/{id}/facilitators/{account_id}") => {
            let id = setup.this().await;
            setup.join(&id, Some(subject)).await;
            setup.promote(&id, subject).await;
            (fill(id, None), None)
        }
        ("POST", "/v1/communities/{id}/threads") => (
            fill(setup.this().await, None),
            Some(json!({ "title": "Pregunta", "body": "¿Alguien sabe?" })),
        ),
        ("GET", "/v1/threads/{id}") => {
            let (thread, _) = setup.thread(false).await;
            (fill(thread, None), None)
        }
        ("POST", "/v1/threads/{id}/posts") => {
            let (thread, _) = setup.thread(false).await;
            (fill(thread, None), Some(json!({ "body": "Respuesta" })))
        }
        ("PATCH", _) => {
            let (thread, post) = setup.thread(false).await;
            (
                fill(thread, Some(post)),
                Some(json!({ "body": "Corregido" })),
            )
        }
        ("DELETE", "/v1/threads/{id}/posts/{post_id}") => {
            let (thread, post) = setup.thread(false).await;
            (fill(thread, Some(post)), None)
        }
        ("POST", "/v1/threads/{id}/posts/{post_id}/hiding") => {
            let (thread, post) = setup.thread(false).await;
            (
                fill(thread, Some(post)),
                Some(json!({ "reason": "Fuera de tema" })),
            )
        }
        ("DELETE", "/v1/threads/{id}/posts/{post_id}/hiding") => {
            let (thread, post) = setup.thread(true).await;
            (fill(thread, Some(post)), None)
        }
        _ => return None,
    };
    Some(request)
}

/// Arranges communities and threads through the command buses, as a moderator would over HTTP.
struct Setup<'a> {
    communities: &'a CommandBus<Community>,
    threads: &'a CommandBus<Thread>,
    moderator: Actor,
    /// The facilitator of "this" community (`ManagerOfThis`).
    facilitator: AccountId,
}

impl<'a> Setup<'a> {
    fn new(f: &'a Fixture) -> Self {
        Self {
            communities: &f.app.state.communities,
            threads: &f.app.state.threads,
            moderator: Actor::moderator(AccountId::new()),
            facilitator: f
                .person(Caller::ManagerOfThis)
                .expect("a manager of this")
                .id,
        }
    }

    fn meta() -> EventMetadata {
        EventMetadata::system("test", "Arrange")
    }

    async fn community(&self, id: &str, command: CommunityCommand) {
        self.communities
            .execute(id, command, Self::meta())
            .await
            .expect("arranged");
    }

    /// A community with no members.
    async fn empty(&self, join_policy: JoinPolicy) -> String {
        let id = CommunityId::new();
        self.community(
            &id.to_string(),
            CommunityCommand::CreateCommunity {
                community_id: id,
                actor: self.moderator.clone(),
                name: Name::new("Comunidad").unwrap(),
                theme: Theme::Sector(Sector::Lithium),
                join_policy,
                at: chrono::Utc::now(),
            },
        )
        .await;
        id.to_string()
    }

    /// `account` joins (or asks to join) community `id`; nothing for a visitor.
    async fn join(&self, id: &str, account: Option<AccountId>) {
        if let Some(account) = account {
            let actor = Actor::member(account);
            let at = chrono::Utc::now();
            self.community(id, CommunityCommand::Join { actor, at })
                .await;
        }
    }

    async fn promote(&self, id: &str, account: AccountId) {
        let actor = self.moderator.clone();
        let at = chrono::Utc::now();
        let promote = CommunityCommand::PromoteToFacilitator {
            actor,
            account,
            account_active: true,
            at,
        };
        self.community(id, promote).await;
    }

    /// "This" community: open, with `ManagerOfThis` as its only member and its facilitator.
    async fn this(&self) -> String {
        let id = self.empty(JoinPolicy::Open).await;
        self.join(&id, Some(self.facilitator)).await;
        self.promote(&id, self.facilitator).await;
        id
    }

    /// A thread in "this" community opened by `ManagerOfThis`, its opening post hidden or not.
    async fn thread(&self, hidden: bool) -> (String, PostId) {
        let community = self.this().await;
        let (id, post) = (ThreadId::new(), PostId::new());
        let author = Actor::member(self.facilitator);
        let start = ThreadCommand::StartThread {
            thread_id: id,
            community_id: community.parse().expect("a community id"),
            opening_post_id: post,
            actor: author,
            actor_role: Some(domain::community::CommunityRole::Facilitator),
            title: Title::new("Hilo").unwrap(),
            body: PostBody::new("Apertura").unwrap(),
            at: chrono::Utc::now(),
        };
        let stream = id.to_string();
        let run = |command| self.threads.execute(&stream, command, Self::meta());
        run(start).await.expect("started");
        if hidden {
            let hide = ThreadCommand::HidePost {
                post_id: post,
                actor: self.moderator.clone(),
                actor_role: None,
                reason: Reason::new("Fuera de tema").unwrap(),
                at: chrono::Utc::now(),
            };
            run(hide).await.expect("hidden");
        }
        (stream, post)
    }
}
