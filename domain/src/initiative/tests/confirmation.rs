//! Re-confirmation by a manager, and the 18-month staleness flag.

use super::*;
use proptest::prelude::*;

fn confirmed(at: DateTime<Utc>) -> E {
    E::InitiativeConfirmed { by: owner(), at }
}

#[test]
fn a_manager_confirms_an_approved_initiative() {
    framework()
        .given(approved())
        .when(C::Confirm {
            actor: owner_actor(),
            at: later(),
        })
        .then_expect_events(vec![confirmed(later())]);
    assert_eq!(
        state(with(approved(), [confirmed(later())])).last_confirmed_at(),
        Some(later())
    );
}

#[test]
fn only_managers_confirm() {
    for actor in [stranger(), moderator()] {
        let result = framework()
            .given(approved())
            .when(C::Confirm { actor, at: later() })
            .inspect_result();
        not_allowed(result);
    }
}

#[test]
fn only_approved_initiatives_are_confirmed() {
    let result = framework()
        .given(vec![registered()])
        .when(C::Confirm {
            actor: owner_actor(),
            at: later(),
        })
        .inspect_result();
    invalid_transition(result, InitiativeStatus::Submitted);
}

#[test]
fn eighteen_months_after_approval_without_confirmation_is_stale() {
    let s = state(approved()); // approved 2024-06-01 12:00
    assert_eq!(s.confirmation_due(), Some(at(2025, 12, 1)));
    assert!(!s.is_stale(at(2025, 11, 30)));
    assert!(s.is_stale(at(2025, 12, 1)));
    assert!(s.is_stale(at(2030, 1, 1)));
}

#[test]
fn confirming_restarts_the_clock() {
    let s = state(with(approved(), [confirmed(at(2025, 10, 1))]));
    assert!(!s.is_stale(at(2025, 12, 2)));
    assert!(s.is_stale(at(2027, 4, 1)));
    // An older confirmation recorded later does not move the clock back.
    let s = state(with(
        approved(),
        [confirmed(at(2025, 10, 1)), confirmed(at(2024, 7, 1))],
    ));
    assert_eq!(s.last_confirmed_at(), Some(at(2025, 10, 1)));
}

#[test]
fn only_approved_initiatives_go_stale() {
    assert!(!state(vec![registered()]).is_stale(at(2030, 1, 1)));
    let retired = with(
        approved(),
        [E::InitiativeRetired {
            reason: None,
            by: owner(),
            at: later(),
        }],
    );
    assert!(!state(retired).is_stale(at(2030, 1, 1)));
    assert!(!Initiative::default().is_stale(at(2030, 1, 1)));
}

proptest! {
    /// Staleness never switches off as time passes without a confirmation.
    #[test]
    fn staleness_is_monotone_in_time(days_a in 0i64..2000, days_b in 0i64..2000) {
        let s = state(approved());
        let (early, late) = (days_a.min(days_b), days_a.max(days_b));
        let t = |d: i64| now() + chrono::Duration::days(d);
        prop_assert!(!s.is_stale(t(early)) || s.is_stale(t(late)));
        // And it flips somewhere between 1 and 1.5 years... precisely at 18 calendar months.
        prop_assert_eq!(s.is_stale(t(late)), t(late) >= at(2025, 12, 1));
    }
}
