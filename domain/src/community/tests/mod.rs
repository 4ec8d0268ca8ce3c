//! Given/when/then tests for every community command path, with shared fixtures here.

mod erasure;
mod management;
mod membership;

use chrono::{DateTime, TimeZone, Utc};
use cqrs_es::test::TestFramework;
use uuid::Uuid;

use super::*;
use crate::actor::Actor;
use crate::values::{AccountId, CommunityId, Name, Sector};

pub(super) type Cmd = CommunityCommand;
pub(super) type Ev = CommunityEvent;

pub(super) fn at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 6, 1, 12, 0, 0).unwrap()
}
pub(super) fn account(n: u128) -> AccountId {
    AccountId::from_uuid(Uuid::from_u128(n))
}
pub(super) fn community_id() -> CommunityId {
    CommunityId::from_uuid(Uuid::from_u128(100))
}
pub(super) fn name(s: &str) -> Name {
    Name::new(s).unwrap()
}

pub(super) const MODERATOR: u128 = 1;
pub(super) const FACILITATOR: u128 = 2;
pub(super) const MEMBER: u128 = 3;
pub(super) const STRANGER: u128 = 4;

pub(super) fn moderator() -> Actor {
    Actor::moderator(account(MODERATOR))
}
pub(super) fn member(n: u128) -> Actor {
    Actor::member(account(n))
}

pub(super) fn framework() -> TestFramework<Community> {
    TestFramework::with(())
}

pub(super) fn created(join_policy: JoinPolicy) -> Vec<Ev> {
    vec![Ev::CommunityCreated {
        community_id: community_id(),
        name: name("Litio y electromovilidad"),
        theme: Theme::Sector(Sector::Lithium),
        join_policy,
        created_by: account(MODERATOR),
        at: at(),
    }]
}

/// A moderated community with a facilitator and a plain member.
pub(super) fn populated() -> Vec<Ev> {
    let mut events = created(JoinPolicy::Moderated);
    for n in [FACILITATOR, MEMBER] {
        events.push(Ev::JoinRequested {
            account: account(n),
            at: at(),
        });
        events.push(Ev::JoinRequestAccepted {
            account: account(n),
            decided_by: account(MODERATOR),
            at: at(),
        });
    }
    events.push(Ev::MemberPromoted {
        account: account(FACILITATOR),
        promoted_by: account(MODERATOR),
        at: at(),
    });
    events
}

pub(super) fn with(mut events: Vec<Ev>, more: Ev) -> Vec<Ev> {
    events.push(more);
    events
}

pub(super) fn requested(n: u128) -> Ev {
    Ev::JoinRequested {
        account: account(n),
        at: at(),
    }
}

pub(super) fn rule(rule: CommunityRule) -> CommunityError {
    CommunityError::RuleViolated(rule)
}
