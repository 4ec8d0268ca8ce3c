//! Given/when/then tests for every thread command path, with shared fixtures here.

mod moderation;
mod posting;

use chrono::{DateTime, TimeZone, Utc};
use cqrs_es::test::TestFramework;
use uuid::Uuid;

use super::*;
use crate::actor::Actor;
use crate::community::CommunityRole;

pub(super) type Cmd = ThreadCommand;
pub(super) type Ev = ThreadEvent;

pub(super) const MODERATOR: u128 = 1;
pub(super) const FACILITATOR: u128 = 2;
pub(super) const AUTHOR: u128 = 3;
pub(super) const OTHER: u128 = 4;

pub(super) const OPENING: u128 = 200;
pub(super) const REPLY: u128 = 201;

pub(super) fn at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 6, 1, 12, 0, 0).unwrap()
}
pub(super) fn account(n: u128) -> AccountId {
    AccountId::from_uuid(Uuid::from_u128(n))
}
pub(super) fn post(n: u128) -> PostId {
    PostId::from_uuid(Uuid::from_u128(n))
}
pub(super) fn thread_id() -> ThreadId {
    ThreadId::from_uuid(Uuid::from_u128(300))
}
pub(super) fn community_id() -> CommunityId {
    CommunityId::from_uuid(Uuid::from_u128(100))
}
pub(super) fn body(s: &str) -> PostBody {
    PostBody::new(s).unwrap()
}
pub(super) fn title(s: &str) -> Title {
    Title::new(s).unwrap()
}
pub(super) fn reason(s: &str) -> Reason {
    Reason::new(s).unwrap()
}
pub(super) fn member(n: u128) -> Actor {
    Actor::member(account(n))
}
pub(super) fn moderator() -> Actor {
    Actor::moderator(account(MODERATOR))
}

pub(super) fn framework() -> TestFramework<Thread> {
    TestFramework::with(())
}

pub(super) fn started() -> Ev {
    Ev::ThreadStarted {
        thread_id: thread_id(),
        community_id: community_id(),
        title: title("¿Cómo medir la articulación productiva?"),
        opening_post_id: post(OPENING),
        author: account(AUTHOR),
        body: body("Compartan indicadores que les funcionen."),
        at: at(),
    }
}

pub(super) fn replied() -> Ev {
    Ev::ReplyPosted {
        post_id: post(REPLY),
        author: account(OTHER),
        body: body("Nosotros usamos encadenamientos con proveedores locales."),
        at: at(),
    }
}

pub(super) fn hidden(n: u128) -> Ev {
    Ev::PostHidden {
        post_id: post(n),
        reason: reason("Publicidad"),
        hidden_by: account(FACILITATOR),
        at: at(),
    }
}

pub(super) fn deleted(n: u128) -> Ev {
    Ev::PostDeleted {
        post_id: post(n),
        at: at(),
    }
}

pub(super) fn conversation() -> Vec<Ev> {
    vec![started(), replied()]
}

pub(super) const AS_MEMBER: Option<CommunityRole> = Some(CommunityRole::Member);
pub(super) const AS_FACILITATOR: Option<CommunityRole> = Some(CommunityRole::Facilitator);
pub(super) const AS_OUTSIDER: Option<CommunityRole> = None;
