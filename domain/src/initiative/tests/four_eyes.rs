//! Four eyes: no moderator reviews what they have a stake in, and nobody gives themselves the
//! management that would give them one. Also the removal of an erased person.

use super::*;

fn colleague_moderator() -> Actor {
    Actor::moderator(colleague())
}

fn added(account: AccountId, by: AccountId) -> E {
    E::ManagerAdded {
        account,
        by,
        at: later(),
    }
}

fn removed(account: AccountId, by: AccountId) -> E {
    E::ManagerRemoved {
        account,
        by,
        at: later(),
    }
}

fn approve(actor: Actor) -> C {
    C::Approve { actor, at: later() }
}

/// Registered by `registrant`, who handed management to the owner and stepped back.
fn registered_by_then_handed_over(registrant: AccountId) -> Vec<E> {
    vec![
        E::InitiativeRegistered {
            id: initiative_id(),
            profile: profile(),
            by: registrant,
            at: now(),
        },
        added(owner(), registrant),
        removed(registrant, registrant),
    ]
}

#[test]
fn a_moderator_who_registered_an_initiative_never_reviews_it_even_after_stepping_back() {
    let history = registered_by_then_handed_over(colleague());
    assert!(!state(history.clone()).is_manager(colleague()));
    not_allowed(
        framework()
            .given(history.clone())
            .when(approve(colleague_moderator()))
            .inspect_result(),
    );
    not_allowed(
        framework()
            .given(history.clone())
            .when(C::Reject {
                reason: reason("no"),
                actor: colleague_moderator(),
                at: later(),
            })
            .inspect_result(),
    );
    // Another moderator may.
    framework()
        .given(history)
        .when(approve(moderator()))
        .then_expect_events(vec![E::InitiativeApproved {
            by: moderator_id(),
            at: later(),
        }]);
}

#[test]
fn a_moderator_who_proposed_a_profile_change_never_reviews_it() {
    // The colleague, a moderator, was a manager when proposing the change, then stepped back.
    let history = with(
        approved(),
        [
            added(colleague(), owner()),
            E::ProfileChangeProposed {
                changes: ProfileChanges {
                    name: Some(Name::new("Otro nombre").unwrap()),
                    ..Default::default()
                },
                by: colleague(),
                at: later(),
            },
            removed(colleague(), colleague()),
        ],
    );
    not_allowed(
        framework()
            .given(history.clone())
            .when(C::ApproveProfileChange {
                actor: colleague_moderator(),
                at: later(),
            })
            .inspect_result(),
    );
    framework()
        .given(history)
        .when(C::ApproveProfileChange {
            actor: moderator(),
            at: later(),
        })
        .then_expect_events(vec![E::ProfileChangeApproved {
            by: moderator_id(),
            at: later(),
        }]);
}

#[test]
fn a_moderator_cannot_make_themselves_a_manager() {
    let result = framework()
        .given(approved())
        .when(C::AddManager {
            account: moderator_id(),
            account_active: true,
            actor: moderator(),
            at: later(),
        })
        .inspect_result();
    not_allowed(result);
}

#[test]
fn nobody_approves_their_own_request_to_manage() {
    let history = with(
        approved(),
        [E::ManagementRequested {
            account: moderator_id(),
            at: later(),
        }],
    );
    let result = framework()
        .given(history.clone())
        .when(C::ApproveManagementRequest {
            account: moderator_id(),
            actor: moderator(),
            at: later(),
        })
        .inspect_result();
    not_allowed(result);
    // A manager, or another moderator, decides.
    framework()
        .given(history)
        .when(C::ApproveManagementRequest {
            account: moderator_id(),
            actor: owner_actor(),
            at: later(),
        })
        .then_expect_events(vec![E::ManagementRequestApproved {
            account: moderator_id(),
            by: owner(),
            at: later(),
        }]);
}

#[test]
fn an_account_that_is_not_active_is_not_made_a_manager() {
    let result = framework()
        .given(approved())
        .when(C::AddManager {
            account: colleague(),
            account_active: false,
            actor: owner_actor(),
            at: later(),
        })
        .inspect_result();
    rule_violated(result, "not an active account");
}

#[test]
fn an_erased_person_is_removed_from_managers_and_requests() {
    let history = with(
        approved(),
        [
            added(colleague(), owner()),
            E::ManagementRequested {
                account: stranger_id(),
                at: later(),
            },
        ],
    );
    for account in [colleague(), stranger_id()] {
        framework()
            .given(history.clone())
            .when(C::RemoveErasedAccount {
                account,
                account_erased: true,
                at: later(),
            })
            .then_expect_events(vec![E::ErasedAccountRemoved {
                account,
                at: later(),
            }]);
    }
    let after = state(with(
        history.clone(),
        [
            E::ErasedAccountRemoved {
                account: colleague(),
                at: later(),
            },
            E::ErasedAccountRemoved {
                account: stranger_id(),
                at: later(),
            },
        ],
    ));
    assert!(!after.is_manager(colleague()));
    assert!(after.management_requests().is_empty());
    // The last manager goes too: moderators still act on the initiative.
    let alone = state(with(
        approved(),
        [E::ErasedAccountRemoved {
            account: owner(),
            at: later(),
        }],
    ));
    assert!(alone.managers().is_empty());
    // Someone with no place in it: nothing to record.
    framework()
        .given(history.clone())
        .when(C::RemoveErasedAccount {
            account: account(99),
            account_erased: true,
            at: later(),
        })
        .then_expect_events(vec![]);
    // Only an erasure removes a person this way.
    not_allowed(
        framework()
            .given(history)
            .when(C::RemoveErasedAccount {
                account: colleague(),
                account_erased: false,
                at: later(),
            })
            .inspect_result(),
    );
}
