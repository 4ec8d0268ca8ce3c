//! Managers: added and removed directly, or through a member's request.

use super::*;

fn added(account: AccountId, by: AccountId) -> E {
    E::ManagerAdded {
        account,
        by,
        at: later(),
    }
}

fn requested(account: AccountId) -> E {
    E::ManagementRequested { account, at: now() }
}

#[test]
fn a_manager_or_a_moderator_adds_a_manager() {
    for actor in [owner_actor(), moderator()] {
        framework()
            .given(approved())
            .when(C::AddManager {
                account: colleague(),
                account_active: true,
                actor: actor.clone(),
                at: later(),
            })
            .then_expect_events(vec![added(colleague(), actor.account)]);
    }
    // Before approval too: a team may share the work of getting it approved.
    framework()
        .given(vec![registered()])
        .when(C::AddManager {
            account: colleague(),
            account_active: true,
            actor: owner_actor(),
            at: later(),
        })
        .then_expect_events(vec![added(colleague(), owner())]);
    assert!(state(with(approved(), [added(colleague(), owner())])).is_manager(colleague()));
}

#[test]
fn strangers_cannot_add_managers() {
    let result = framework()
        .given(approved())
        .when(C::AddManager {
            account: stranger_id(),
            account_active: true,
            actor: stranger(),
            at: later(),
        })
        .inspect_result();
    not_allowed(result);
}

#[test]
fn an_existing_manager_is_not_added_again() {
    let result = framework()
        .given(approved())
        .when(C::AddManager {
            account: owner(),
            account_active: true,
            actor: moderator(),
            at: later(),
        })
        .inspect_result();
    rule_violated(result, "already a manager");
}

#[test]
fn a_manager_is_removed_by_a_manager_themself_or_a_moderator() {
    let history = with(approved(), [added(colleague(), owner())]);
    for actor in [owner_actor(), Actor::member(colleague()), moderator()] {
        framework()
            .given(history.clone())
            .when(C::RemoveManager {
                account: colleague(),
                actor: actor.clone(),
                at: later(),
            })
            .then_expect_events(vec![E::ManagerRemoved {
                account: colleague(),
                by: actor.account,
                at: later(),
            }]);
    }
    let s = state(with(
        history,
        [E::ManagerRemoved {
            account: colleague(),
            by: owner(),
            at: later(),
        }],
    ));
    assert!(!s.is_manager(colleague()) && s.is_manager(owner()));
}

#[test]
fn the_last_manager_stays() {
    for actor in [owner_actor(), moderator()] {
        let result = framework()
            .given(approved())
            .when(C::RemoveManager {
                account: owner(),
                actor,
                at: later(),
            })
            .inspect_result();
        rule_violated(result, "at least one manager");
    }
}

#[test]
fn removing_someone_who_is_not_a_manager_is_refused() {
    let result = framework()
        .given(approved())
        .when(C::RemoveManager {
            account: stranger_id(),
            actor: owner_actor(),
            at: later(),
        })
        .inspect_result();
    rule_violated(result, "is not a manager");
}

#[test]
fn strangers_cannot_remove_managers() {
    let history = with(approved(), [added(colleague(), owner())]);
    let result = framework()
        .given(history)
        .when(C::RemoveManager {
            account: colleague(),
            actor: stranger(),
            at: later(),
        })
        .inspect_result();
    not_allowed(result);
}

#[test]
fn a_member_asks_to_become_a_manager() {
    framework()
        .given(approved())
        .when(C::RequestManagement {
            actor: stranger(),
            at: now(),
        })
        .then_expect_events(vec![requested(stranger_id())]);
    let s = state(with(approved(), [requested(stranger_id())]));
    assert!(s.management_requests().contains(&stranger_id()));
}

#[test]
fn managers_and_repeat_requesters_cannot_ask() {
    let result = framework()
        .given(approved())
        .when(C::RequestManagement {
            actor: owner_actor(),
            at: now(),
        })
        .inspect_result();
    rule_violated(result, "already manage");
    let result = framework()
        .given(with(approved(), [requested(stranger_id())]))
        .when(C::RequestManagement {
            actor: stranger(),
            at: now(),
        })
        .inspect_result();
    rule_violated(result, "already asked");
}

#[test]
fn a_manager_or_moderator_approves_a_request() {
    let history = with(approved(), [requested(stranger_id())]);
    for actor in [owner_actor(), moderator()] {
        framework()
            .given(history.clone())
            .when(C::ApproveManagementRequest {
                account: stranger_id(),
                actor: actor.clone(),
                at: later(),
            })
            .then_expect_events(vec![E::ManagementRequestApproved {
                account: stranger_id(),
                by: actor.account,
                at: later(),
            }]);
    }
    let s = state(with(
        history,
        [E::ManagementRequestApproved {
            account: stranger_id(),
            by: owner(),
            at: later(),
        }],
    ));
    assert!(s.is_manager(stranger_id()));
    assert!(s.management_requests().is_empty());
}

#[test]
fn a_manager_or_moderator_declines_a_request() {
    let history = with(approved(), [requested(stranger_id())]);
    for actor in [owner_actor(), moderator()] {
        framework()
            .given(history.clone())
            .when(C::DeclineManagementRequest {
                account: stranger_id(),
                reason: Some(reason("No forma parte de la gobernanza.")),
                actor: actor.clone(),
                at: later(),
            })
            .then_expect_events(vec![E::ManagementRequestDeclined {
                account: stranger_id(),
                reason: Some(reason("No forma parte de la gobernanza.")),
                by: actor.account,
                at: later(),
            }]);
    }
    let s = state(with(
        history,
        [E::ManagementRequestDeclined {
            account: stranger_id(),
            reason: None,
            by: owner(),
            at: later(),
        }],
    ));
    assert!(!s.is_manager(stranger_id()) && s.management_requests().is_empty());
}

#[test]
fn requests_are_decided_only_by_managers_or_moderators() {
    let history = with(
        approved(),
        [requested(stranger_id()), requested(colleague())],
    );
    // Another requester cannot approve anyone, themself included.
    for command in [
        C::ApproveManagementRequest {
            account: stranger_id(),
            actor: Actor::member(colleague()),
            at: later(),
        },
        C::ApproveManagementRequest {
            account: colleague(),
            actor: Actor::member(colleague()),
            at: later(),
        },
        C::DeclineManagementRequest {
            account: stranger_id(),
            reason: None,
            actor: Actor::member(colleague()),
            at: later(),
        },
    ] {
        let result = framework()
            .given(history.clone())
            .when(command)
            .inspect_result();
        not_allowed(result);
    }
}

#[test]
fn deciding_a_request_that_does_not_exist_is_refused() {
    for command in [
        C::ApproveManagementRequest {
            account: stranger_id(),
            actor: owner_actor(),
            at: later(),
        },
        C::DeclineManagementRequest {
            account: stranger_id(),
            reason: None,
            actor: moderator(),
            at: later(),
        },
        C::WithdrawManagementRequest {
            actor: stranger(),
            at: later(),
        },
    ] {
        let result = framework().given(approved()).when(command).inspect_result();
        rule_violated(result, "no pending request");
    }
}

#[test]
fn a_requester_withdraws_their_request() {
    framework()
        .given(with(approved(), [requested(stranger_id())]))
        .when(C::WithdrawManagementRequest {
            actor: stranger(),
            at: later(),
        })
        .then_expect_events(vec![E::ManagementRequestWithdrawn {
            account: stranger_id(),
            at: later(),
        }]);
}

#[test]
fn adding_a_requester_directly_settles_their_request() {
    let s = state(with(
        approved(),
        [
            requested(stranger_id()),
            added(stranger_id(), moderator_id()),
        ],
    ));
    assert!(s.is_manager(stranger_id()) && s.management_requests().is_empty());
}
