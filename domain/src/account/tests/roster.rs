//! The administrators' roster.

use super::*;
use cqrs_es::DomainEvent;

type RE = AdminRosterEvent;
type RC = AdminRosterCommand;

fn roster() -> TestFramework<AdminRoster> {
    TestFramework::<AdminRoster>::with(())
}

fn added(n: u128) -> RE {
    RE::AdminAdded {
        account: account(n),
    }
}

#[test]
fn admins_are_added() {
    roster()
        .given_no_previous_events()
        .when(RC::Add {
            account: account(1),
        })
        .then_expect_events(vec![added(1)]);
    roster()
        .given(vec![added(1)])
        .when(RC::Add {
            account: account(2),
        })
        .then_expect_events(vec![added(2)]);
    roster()
        .given(vec![added(1)])
        .when(RC::Add {
            account: account(1),
        })
        .then_expect_error(AdminRosterError::AlreadyAdmin);
}

#[test]
fn admins_are_removed_but_never_the_last() {
    let removed = RE::AdminRemoved {
        account: account(1),
    };
    roster()
        .given(vec![added(1), added(2)])
        .when(RC::Remove {
            account: account(1),
        })
        .then_expect_events(vec![removed.clone()]);
    roster()
        .given(vec![added(1), added(2)])
        .when(RC::Remove {
            account: account(3),
        })
        .then_expect_error(AdminRosterError::NotAdmin);
    roster()
        .given(vec![added(1), added(2), removed.clone()])
        .when(RC::Remove {
            account: account(2),
        })
        .then_expect_error_message(
            "the last administrator cannot be removed; grant the admin role to someone else first",
        );

    let mut s = AdminRoster::default();
    for event in [added(1), added(2), removed] {
        s.apply(event);
    }
    assert_eq!(s.admins(), &[account(2)].into());
    assert!(s.is_admin(account(2)) && !s.is_admin(account(1)));
}

#[test]
fn roster_events_are_named_versioned_and_round_trip() {
    let events = [
        added(1),
        RE::AdminRemoved {
            account: account(1),
        },
    ];
    for (event, name) in events.iter().zip(AdminRosterEvent::TYPES) {
        assert_eq!(event.event_type(), *name);
        assert_eq!(event.event_version(), "1");
        let json = serde_json::to_value(event).unwrap();
        assert_eq!(&serde_json::from_value::<RE>(json).unwrap(), event);
    }
    assert_eq!(ADMIN_ROSTER_ID, "admins");
    assert_eq!(AdminRoster::TYPE, "admin_roster");
}
