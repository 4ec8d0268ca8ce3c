//! Creating, joining and leaving.

use super::*;
use crate::values::Reason;

// --- create ---

#[test]
fn a_moderator_creates_a_community_around_a_topic() {
    framework()
        .given_no_previous_events()
        .when(Cmd::CreateCommunity {
            community_id: community_id(),
            actor: moderator(),
            name: name("Clusters del Caribe"),
            theme: Theme::Topic(name("Gobernanza de clusters")),
            join_policy: JoinPolicy::Open,
            at: at(),
        })
        .then_expect_events(vec![Ev::CommunityCreated {
            community_id: community_id(),
            name: name("Clusters del Caribe"),
            theme: Theme::Topic(name("Gobernanza de clusters")),
            join_policy: JoinPolicy::Open,
            created_by: account(MODERATOR),
            at: at(),
        }]);
}

fn create_by(actor: Actor) -> Cmd {
    Cmd::CreateCommunity {
        community_id: community_id(),
        actor,
        name: name("x"),
        theme: Theme::Sector(Sector::Tourism),
        join_policy: JoinPolicy::Open,
        at: at(),
    }
}

#[test]
fn a_member_cannot_create_a_community() {
    framework()
        .given_no_previous_events()
        .when(create_by(member(MEMBER)))
        .then_expect_error(CommunityError::NotAllowed {
            action: "create a community",
            who: "a moderator",
        });
}

#[test]
fn a_community_cannot_be_created_twice() {
    framework()
        .given(created(JoinPolicy::Open))
        .when(create_by(moderator()))
        .then_expect_error(CommunityError::InvalidTransition {
            action: "create the community",
            current: CommunityState::Active,
        });
}

#[test]
fn nothing_can_be_done_in_a_community_that_does_not_exist() {
    let error = framework()
        .given_no_previous_events()
        .when(Cmd::Join {
            actor: member(MEMBER),
            at: at(),
        })
        .inspect_result()
        .unwrap_err();
    assert_eq!(
        error,
        CommunityError::InvalidTransition {
            action: "join",
            current: CommunityState::NotCreated,
        }
    );
    assert_eq!(
        error.to_string(),
        "cannot join: the community is not created"
    );
}

// --- join, withdraw, accept, decline ---

#[test]
fn joining_an_open_community_makes_a_member_at_once() {
    framework()
        .given(created(JoinPolicy::Open))
        .when(Cmd::Join {
            actor: member(STRANGER),
            at: at(),
        })
        .then_expect_events(vec![Ev::MemberJoined {
            account: account(STRANGER),
            at: at(),
        }]);
}

#[test]
fn joining_a_moderated_community_makes_a_request() {
    framework()
        .given(created(JoinPolicy::Moderated))
        .when(Cmd::Join {
            actor: member(STRANGER),
            at: at(),
        })
        .then_expect_events(vec![requested(STRANGER)]);
}

#[test]
fn a_member_cannot_join_again() {
    framework()
        .given(populated())
        .when(Cmd::Join {
            actor: member(MEMBER),
            at: at(),
        })
        .then_expect_error(rule(CommunityRule::AlreadyMember));
}

#[test]
fn a_request_cannot_be_repeated() {
    framework()
        .given(with(populated(), requested(STRANGER)))
        .when(Cmd::Join {
            actor: member(STRANGER),
            at: at(),
        })
        .then_expect_error(rule(CommunityRule::AlreadyRequested));
}

#[test]
fn the_requester_withdraws_a_request() {
    framework()
        .given(with(populated(), requested(STRANGER)))
        .when(Cmd::WithdrawJoinRequest {
            actor: member(STRANGER),
            at: at(),
        })
        .then_expect_events(vec![Ev::JoinRequestWithdrawn {
            account: account(STRANGER),
            at: at(),
        }]);
}

#[test]
fn there_is_nothing_to_withdraw_without_a_request() {
    framework()
        .given(populated())
        .when(Cmd::WithdrawJoinRequest {
            actor: member(STRANGER),
            at: at(),
        })
        .then_expect_error(rule(CommunityRule::NoPendingRequest));
}

#[test]
fn a_facilitator_accepts_a_request() {
    framework()
        .given(with(populated(), requested(STRANGER)))
        .when(Cmd::AcceptJoinRequest {
            actor: member(FACILITATOR),
            account: account(STRANGER),
            at: at(),
        })
        .then_expect_events(vec![Ev::JoinRequestAccepted {
            account: account(STRANGER),
            decided_by: account(FACILITATOR),
            at: at(),
        }]);
}

#[test]
fn a_plain_member_cannot_accept_a_request() {
    framework()
        .given(with(populated(), requested(STRANGER)))
        .when(Cmd::AcceptJoinRequest {
            actor: member(MEMBER),
            account: account(STRANGER),
            at: at(),
        })
        .then_expect_error(CommunityError::NotAllowed {
            action: "accept a request to join",
            who: "a facilitator of the community or a moderator",
        });
}

#[test]
fn accepting_needs_a_pending_request() {
    framework()
        .given(populated())
        .when(Cmd::AcceptJoinRequest {
            actor: moderator(),
            account: account(STRANGER),
            at: at(),
        })
        .then_expect_error(rule(CommunityRule::NoPendingRequest));
}

#[test]
fn a_moderator_declines_a_request_with_a_reason() {
    let reason = Some(Reason::new("Solo para gestores de clusters").unwrap());
    framework()
        .given(with(populated(), requested(STRANGER)))
        .when(Cmd::DeclineJoinRequest {
            actor: moderator(),
            account: account(STRANGER),
            reason: reason.clone(),
            at: at(),
        })
        .then_expect_events(vec![Ev::JoinRequestDeclined {
            account: account(STRANGER),
            decided_by: account(MODERATOR),
            reason,
            at: at(),
        }]);
}

#[test]
fn a_plain_member_cannot_decline_a_request() {
    framework()
        .given(with(populated(), requested(STRANGER)))
        .when(Cmd::DeclineJoinRequest {
            actor: member(MEMBER),
            account: account(STRANGER),
            reason: None,
            at: at(),
        })
        .then_expect_error(CommunityError::NotAllowed {
            action: "decline a request to join",
            who: "a facilitator of the community or a moderator",
        });
}

#[test]
fn declining_needs_a_pending_request() {
    framework()
        .given(populated())
        .when(Cmd::DeclineJoinRequest {
            actor: member(FACILITATOR),
            account: account(STRANGER),
            reason: None,
            at: at(),
        })
        .then_expect_error(rule(CommunityRule::NoPendingRequest));
}

// --- leave ---

#[test]
fn a_member_leaves() {
    framework()
        .given(populated())
        .when(Cmd::Leave {
            actor: member(MEMBER),
            at: at(),
        })
        .then_expect_events(vec![Ev::MemberLeft {
            account: account(MEMBER),
            at: at(),
        }]);
}

#[test]
fn a_non_member_cannot_leave() {
    framework()
        .given(populated())
        .when(Cmd::Leave {
            actor: member(STRANGER),
            at: at(),
        })
        .then_expect_error(rule(CommunityRule::NotAMember));
}
