//! Roles (promote, demote) and management (rename, joining policy), plus replayed state.

use cqrs_es::{Aggregate, DomainEvent};

use super::*;

fn promote(actor: Actor, n: u128) -> Cmd {
    Cmd::PromoteToFacilitator {
        actor,
        account: account(n),
        account_active: true,
        at: at(),
    }
}

fn demote(actor: Actor, n: u128) -> Cmd {
    Cmd::DemoteFacilitator {
        actor,
        account: account(n),
        at: at(),
    }
}

#[test]
fn a_facilitator_promotes_a_member() {
    framework()
        .given(populated())
        .when(promote(member(FACILITATOR), MEMBER))
        .then_expect_events(vec![Ev::MemberPromoted {
            account: account(MEMBER),
            promoted_by: account(FACILITATOR),
            at: at(),
        }]);
}

#[test]
fn a_plain_member_cannot_promote() {
    framework()
        .given(populated())
        .when(promote(member(MEMBER), MEMBER))
        .then_expect_error(CommunityError::NotAllowed {
            action: "promote a member",
            who: "a facilitator of the community or a moderator",
        });
}

#[test]
fn only_members_can_be_promoted() {
    framework()
        .given(populated())
        .when(promote(moderator(), STRANGER))
        .then_expect_error(rule(CommunityRule::NotAMember));
}

#[test]
fn a_facilitator_cannot_be_promoted_again() {
    framework()
        .given(populated())
        .when(promote(moderator(), FACILITATOR))
        .then_expect_error(rule(CommunityRule::AlreadyFacilitator));
}

#[test]
fn a_moderator_demotes_a_facilitator() {
    framework()
        .given(populated())
        .when(demote(moderator(), FACILITATOR))
        .then_expect_events(vec![Ev::FacilitatorDemoted {
            account: account(FACILITATOR),
            demoted_by: account(MODERATOR),
            at: at(),
        }]);
}

#[test]
fn a_plain_member_cannot_demote() {
    framework()
        .given(populated())
        .when(demote(member(MEMBER), FACILITATOR))
        .then_expect_error(CommunityError::NotAllowed {
            action: "demote a facilitator",
            who: "a facilitator of the community or a moderator",
        });
}

#[test]
fn only_members_can_be_demoted() {
    framework()
        .given(populated())
        .when(demote(member(FACILITATOR), STRANGER))
        .then_expect_error(rule(CommunityRule::NotAMember));
}

#[test]
fn a_plain_member_cannot_be_demoted() {
    framework()
        .given(populated())
        .when(demote(member(FACILITATOR), MEMBER))
        .then_expect_error(rule(CommunityRule::NotAFacilitator));
}

#[test]
fn a_moderator_renames_a_community() {
    framework()
        .given(populated())
        .when(Cmd::Rename {
            actor: moderator(),
            name: name("Litio, baterías y electromovilidad"),
            at: at(),
        })
        .then_expect_events(vec![Ev::CommunityRenamed {
            name: name("Litio, baterías y electromovilidad"),
            renamed_by: account(MODERATOR),
            at: at(),
        }]);
}

#[test]
fn renaming_to_the_same_name_records_nothing() {
    framework()
        .given(populated())
        .when(Cmd::Rename {
            actor: moderator(),
            name: name("Litio y electromovilidad"),
            at: at(),
        })
        .then_expect_events(vec![]);
}

#[test]
fn a_facilitator_cannot_rename_a_community() {
    framework()
        .given(populated())
        .when(Cmd::Rename {
            actor: member(FACILITATOR),
            name: name("Otro"),
            at: at(),
        })
        .then_expect_error(CommunityError::NotAllowed {
            action: "rename a community",
            who: "a moderator",
        });
}

fn change_policy(actor: Actor, join_policy: JoinPolicy) -> Cmd {
    Cmd::ChangeJoinPolicy {
        actor,
        join_policy,
        at: at(),
    }
}

#[test]
fn a_moderator_opens_joining() {
    framework()
        .given(populated())
        .when(change_policy(moderator(), JoinPolicy::Open))
        .then_expect_events(vec![Ev::JoinPolicyChanged {
            join_policy: JoinPolicy::Open,
            changed_by: account(MODERATOR),
            at: at(),
        }]);
}

#[test]
fn keeping_the_same_policy_records_nothing() {
    framework()
        .given(populated())
        .when(change_policy(moderator(), JoinPolicy::Moderated))
        .then_expect_events(vec![]);
}

#[test]
fn a_facilitator_cannot_change_the_policy() {
    framework()
        .given(populated())
        .when(change_policy(member(FACILITATOR), JoinPolicy::Open))
        .then_expect_error(CommunityError::NotAllowed {
            action: "change how people join a community",
            who: "a moderator",
        });
}

#[test]
fn joining_once_open_settles_a_leftover_request() {
    let mut given = with(populated(), requested(STRANGER));
    given.push(Ev::JoinPolicyChanged {
        join_policy: JoinPolicy::Open,
        changed_by: account(MODERATOR),
        at: at(),
    });
    framework()
        .given(given)
        .when(Cmd::Join {
            actor: member(STRANGER),
            at: at(),
        })
        .then_expect_events(vec![Ev::MemberJoined {
            account: account(STRANGER),
            at: at(),
        }]);
}

fn replay(events: Vec<Ev>) -> Community {
    let mut community = Community::default();
    for event in events {
        community.apply(event);
    }
    community
}

#[test]
fn replayed_state_knows_roles_requests_and_profile() {
    let mut events = with(populated(), requested(STRANGER));
    events.push(Ev::MemberLeft {
        account: account(MEMBER),
        at: at(),
    });
    let community = replay(events);
    assert_eq!(community.state(), CommunityState::Active);
    assert_eq!(
        community.role_of(&account(FACILITATOR)),
        Some(CommunityRole::Facilitator)
    );
    assert_eq!(community.role_of(&account(MEMBER)), None);
    assert!(community.has_pending_request(&account(STRANGER)));
    assert_eq!(community.members().len(), 1);
    assert_eq!(community.join_requests().len(), 1);
    let profile = community.profile().unwrap();
    assert_eq!(profile.join_policy, JoinPolicy::Moderated);
    assert_eq!(profile.theme, Theme::Sector(Sector::Lithium));
}

#[test]
fn state_and_events_survive_a_json_round_trip() {
    let events = with(populated(), requested(STRANGER));
    let community = replay(events.clone());
    let json = serde_json::to_string(&community).unwrap();
    assert_eq!(serde_json::from_str::<Community>(&json).unwrap(), community);
    for event in events {
        let json = serde_json::to_string(&event).unwrap();
        assert_eq!(serde_json::from_str::<Ev>(&json).unwrap(), event);
        assert_eq!(event.event_version(), "1");
        assert!(event.event_type().starts_with("Community"));
    }
}
