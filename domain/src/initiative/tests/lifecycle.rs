//! Registration, review, resubmission and retirement.

use super::*;

#[test]
fn registering_submits_the_initiative_with_the_registrant_as_manager() {
    framework()
        .given_no_previous_events()
        .when(C::Register {
            id: initiative_id(),
            profile: profile(),
            actor: owner_actor(),
            at: now(),
        })
        .then_expect_events(vec![registered()]);
    let s = state(vec![registered()]);
    assert_eq!(s.status(), InitiativeStatus::Submitted);
    assert_eq!(s.id(), Some(initiative_id()));
    assert!(s.is_manager(owner()));
    assert_eq!(s.registered_at(), Some(now()));
}

#[test]
fn registering_twice_is_refused() {
    let result = framework()
        .given(vec![registered()])
        .when(C::Register {
            id: initiative_id(),
            profile: profile(),
            actor: owner_actor(),
            at: now(),
        })
        .inspect_result();
    invalid_transition(result, InitiativeStatus::Submitted);
}

#[test]
fn a_founding_year_in_the_future_is_refused() {
    let mut p = profile();
    p.founding_year = FoundingYear::new(2025).unwrap();
    let result = framework()
        .given_no_previous_events()
        .when(C::Register {
            id: initiative_id(),
            profile: p.clone(),
            actor: owner_actor(),
            at: now(),
        })
        .inspect_result();
    rule_violated(result, "founding_year 2025 is in the future");
    // The current year itself is fine.
    p.founding_year = FoundingYear::new(2024).unwrap();
    let result = framework()
        .given_no_previous_events()
        .when(C::Register {
            id: initiative_id(),
            profile: p,
            actor: owner_actor(),
            at: now(),
        })
        .inspect_result();
    assert_eq!(result.map(|e| e.len()), Ok(1));
}

#[test]
fn a_moderator_approves_a_submitted_initiative() {
    framework()
        .given(vec![registered()])
        .when(C::Approve {
            actor: moderator(),
            at: later(),
        })
        .then_expect_events(vec![E::InitiativeApproved {
            by: moderator_id(),
            at: later(),
        }]);
    let s = state(approved());
    assert_eq!(s.status(), InitiativeStatus::Approved);
    assert_eq!(s.approved_at(), Some(now()));
}

#[test]
fn only_moderators_approve() {
    framework()
        .given(vec![registered()])
        .when(C::Approve {
            actor: owner_actor(),
            at: later(),
        })
        .then_expect_error(InitiativeError::NotAllowed(
            "only a moderator can review initiatives".into(),
        ));
}

#[test]
fn a_moderator_does_not_review_an_initiative_they_manage() {
    let moderator_owner = Actor::moderator(owner());
    let result = framework()
        .given(vec![registered()])
        .when(C::Approve {
            actor: moderator_owner.clone(),
            at: later(),
        })
        .inspect_result();
    not_allowed(result);
    let result = framework()
        .given(vec![registered()])
        .when(C::Reject {
            reason: reason("x"),
            actor: moderator_owner,
            at: later(),
        })
        .inspect_result();
    not_allowed(result);
}

#[test]
fn approving_twice_is_an_invalid_transition_naming_the_state() {
    let result = framework()
        .given(approved())
        .when(C::Approve {
            actor: moderator(),
            at: later(),
        })
        .inspect_result();
    let err = result.clone().unwrap_err();
    assert_eq!(
        err.to_string(),
        "cannot approve the initiative while the initiative is approved: only a submitted initiative can be reviewed"
    );
    invalid_transition(result, InitiativeStatus::Approved);
}

#[test]
fn nothing_can_be_done_to_an_unregistered_initiative() {
    let commands = vec![
        C::Approve {
            actor: moderator(),
            at: now(),
        },
        C::Reject {
            reason: reason("r"),
            actor: moderator(),
            at: now(),
        },
        C::Resubmit {
            actor: owner_actor(),
            at: now(),
        },
        C::UpdateProfile {
            changes: ProfileChanges::default(),
            actor: owner_actor(),
            at: now(),
        },
        C::ApproveProfileChange {
            actor: moderator(),
            at: now(),
        },
        C::RejectProfileChange {
            reason: reason("r"),
            actor: moderator(),
            at: now(),
        },
        C::WithdrawProfileChange {
            actor: owner_actor(),
            at: now(),
        },
        C::AddManager {
            account: colleague(),
            account_active: true,
            actor: moderator(),
            at: now(),
        },
        C::RemoveManager {
            account: owner(),
            actor: moderator(),
            at: now(),
        },
        C::RequestManagement {
            actor: stranger(),
            at: now(),
        },
        C::ApproveManagementRequest {
            account: stranger_id(),
            actor: moderator(),
            at: now(),
        },
        C::DeclineManagementRequest {
            account: stranger_id(),
            reason: None,
            actor: moderator(),
            at: now(),
        },
        C::WithdrawManagementRequest {
            actor: stranger(),
            at: now(),
        },
        C::Confirm {
            actor: owner_actor(),
            at: now(),
        },
        C::Retire {
            reason: None,
            actor: moderator(),
            at: now(),
        },
    ];
    for command in commands {
        let result = framework()
            .given_no_previous_events()
            .when(command)
            .inspect_result();
        invalid_transition(result, InitiativeStatus::NotRegistered);
    }
}

#[test]
fn a_moderator_rejects_with_a_reason() {
    let rejected = E::InitiativeRejected {
        reason: reason("La ubicación no corresponde a la región indicada."),
        by: moderator_id(),
        at: later(),
    };
    framework()
        .given(vec![registered()])
        .when(C::Reject {
            reason: reason("La ubicación no corresponde a la región indicada."),
            actor: moderator(),
            at: later(),
        })
        .then_expect_events(vec![rejected.clone()]);
    let s = state(vec![registered(), rejected]);
    assert_eq!(s.status(), InitiativeStatus::Rejected);
    assert!(s.rejection_reason().is_some());
}

#[test]
fn members_cannot_reject() {
    let result = framework()
        .given(vec![registered()])
        .when(C::Reject {
            reason: reason("no"),
            actor: stranger(),
            at: later(),
        })
        .inspect_result();
    not_allowed(result);
}

#[test]
fn an_approved_initiative_cannot_be_rejected() {
    let result = framework()
        .given(approved())
        .when(C::Reject {
            reason: reason("too late"),
            actor: moderator(),
            at: later(),
        })
        .inspect_result();
    invalid_transition(result, InitiativeStatus::Approved);
}

pub(super) fn rejected_history() -> Vec<E> {
    vec![
        registered(),
        E::InitiativeRejected {
            reason: reason("Falta la gobernanza."),
            by: moderator_id(),
            at: now(),
        },
    ]
}

#[test]
fn a_manager_resubmits_a_rejected_initiative() {
    framework()
        .given(rejected_history())
        .when(C::Resubmit {
            actor: owner_actor(),
            at: later(),
        })
        .then_expect_events(vec![E::InitiativeResubmitted {
            by: owner(),
            at: later(),
        }]);
    let s = state(with(
        rejected_history(),
        [E::InitiativeResubmitted {
            by: owner(),
            at: later(),
        }],
    ));
    assert_eq!(s.status(), InitiativeStatus::Submitted);
    assert_eq!(s.rejection_reason(), None);
}

#[test]
fn only_managers_resubmit() {
    let result = framework()
        .given(rejected_history())
        .when(C::Resubmit {
            actor: moderator(),
            at: later(),
        })
        .inspect_result();
    not_allowed(result);
}

#[test]
fn only_rejected_initiatives_are_resubmitted() {
    let result = framework()
        .given(approved())
        .when(C::Resubmit {
            actor: owner_actor(),
            at: later(),
        })
        .inspect_result();
    invalid_transition(result, InitiativeStatus::Approved);
}
