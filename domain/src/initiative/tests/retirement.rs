//! Retirement, and the stored shape of every event.

use super::*;

fn retired_event(by: AccountId) -> E {
    E::InitiativeRetired {
        reason: Some(reason("La iniciativa terminó.")),
        by,
        at: later(),
    }
}

#[test]
fn a_manager_or_a_moderator_retires() {
    for (actor, history) in [
        (owner_actor(), approved()),
        (moderator(), approved()),
        (owner_actor(), vec![registered()]),
        (moderator(), super::lifecycle::rejected_history()),
    ] {
        framework()
            .given(history)
            .when(C::Retire {
                reason: Some(reason("La iniciativa terminó.")),
                actor: actor.clone(),
                at: later(),
            })
            .then_expect_events(vec![retired_event(actor.account)]);
    }
    let s = state(with(approved(), [retired_event(owner())]));
    assert_eq!(s.status(), InitiativeStatus::Retired);
    assert_eq!(s.retired_at(), Some(later()));
}

#[test]
fn strangers_cannot_retire() {
    let result = framework()
        .given(approved())
        .when(C::Retire {
            reason: None,
            actor: stranger(),
            at: later(),
        })
        .inspect_result();
    not_allowed(result);
}

#[test]
fn a_retired_initiative_is_final() {
    let history = with(approved(), [retired_event(owner())]);
    let commands = vec![
        C::Retire {
            reason: None,
            actor: owner_actor(),
            at: later(),
        },
        C::Approve {
            actor: moderator(),
            at: later(),
        },
        C::Confirm {
            actor: owner_actor(),
            at: later(),
        },
        C::Resubmit {
            actor: owner_actor(),
            at: later(),
        },
        C::UpdateProfile {
            changes: ProfileChanges {
                number_of_firms: Some(FirmCount::new(3).unwrap()),
                ..Default::default()
            },
            actor: owner_actor(),
            at: later(),
        },
        C::AddManager {
            account: colleague(),
            account_active: true,
            actor: owner_actor(),
            at: later(),
        },
        C::RequestManagement {
            actor: stranger(),
            at: later(),
        },
    ];
    for command in commands {
        let result = framework()
            .given(history.clone())
            .when(command)
            .inspect_result();
        invalid_transition(result, InitiativeStatus::Retired);
    }
}

#[test]
fn retiring_drops_pending_change_and_requests() {
    let s = state(with(
        approved(),
        [
            E::ProfileChangeProposed {
                changes: ProfileChanges {
                    name: Some(Name::new("Otro").unwrap()),
                    ..Default::default()
                },
                by: owner(),
                at: now(),
            },
            E::ManagementRequested {
                account: stranger_id(),
                at: now(),
            },
            retired_event(moderator_id()),
        ],
    ));
    assert!(s.pending_change().is_none());
    assert!(s.management_requests().is_empty());
}

#[test]
fn every_event_is_versioned_and_named_and_round_trips() {
    use cqrs_es::DomainEvent;
    let events = vec![
        registered(),
        approved_event(),
        E::InitiativeRejected {
            reason: reason("r"),
            by: moderator_id(),
            at: now(),
        },
        E::InitiativeResubmitted {
            by: owner(),
            at: now(),
        },
        E::ProfileUpdated {
            changes: ProfileChanges {
                website: Some(None),
                ..Default::default()
            },
            by: owner(),
            at: now(),
        },
        E::ProfileChangeProposed {
            changes: ProfileChanges {
                region: Some(Region::new("Tarapacá").unwrap()),
                ..Default::default()
            },
            by: owner(),
            at: now(),
        },
        E::ProfileChangeApproved {
            by: moderator_id(),
            at: now(),
        },
        E::ProfileChangeRejected {
            reason: reason("r"),
            by: moderator_id(),
            at: now(),
        },
        E::ProfileChangeWithdrawn {
            by: owner(),
            at: now(),
        },
        E::ManagerAdded {
            account: colleague(),
            by: owner(),
            at: now(),
        },
        E::ManagerRemoved {
            account: colleague(),
            by: owner(),
            at: now(),
        },
        E::ManagementRequested {
            account: stranger_id(),
            at: now(),
        },
        E::ManagementRequestApproved {
            account: stranger_id(),
            by: owner(),
            at: now(),
        },
        E::ManagementRequestDeclined {
            account: stranger_id(),
            reason: None,
            by: owner(),
            at: now(),
        },
        E::ManagementRequestWithdrawn {
            account: stranger_id(),
            at: now(),
        },
        E::InitiativeConfirmed {
            by: owner(),
            at: now(),
        },
        retired_event(owner()),
        E::ErasedAccountRemoved {
            account: stranger_id(),
            at: now(),
        },
    ];
    assert_eq!(events.len(), InitiativeEvent::TYPES.len());
    for (event, name) in events.iter().zip(InitiativeEvent::TYPES) {
        assert_eq!(event.event_type(), *name);
        assert_eq!(event.event_version(), "1");
        let json = serde_json::to_value(event).unwrap();
        assert!(
            json.get(*name).is_some(),
            "payload is tagged with the event type: {json}"
        );
        let back: InitiativeEvent = serde_json::from_value(json).unwrap();
        assert_eq!(&back, event);
    }
}
