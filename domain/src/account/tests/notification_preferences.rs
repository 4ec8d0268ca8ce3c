//! The holder turns kinds of notification off and on again.

use std::collections::BTreeSet;

use super::*;

fn muted(kinds: &[NotificationKind]) -> BTreeSet<NotificationKind> {
    kinds.iter().copied().collect()
}

#[test]
fn the_holder_turns_kinds_off_and_the_state_remembers() {
    let changed = E::NotificationPreferencesChanged {
        muted: muted(&[NotificationKind::Decision]),
        by: holder(),
    };
    framework()
        .given(vec![registered()])
        .when(C::SetNotificationPreferences {
            muted: muted(&[NotificationKind::Decision]),
            actor: holder_actor(),
        })
        .then_expect_events(vec![changed.clone()]);
    let account = state(vec![registered(), changed]);
    assert!(!account.wants_notification(NotificationKind::Decision));
    assert!(account.wants_notification(NotificationKind::JoinAccepted));
}

#[test]
fn the_same_choice_again_records_nothing() {
    framework()
        .given(vec![
            registered(),
            E::NotificationPreferencesChanged {
                muted: muted(&[NotificationKind::ToReview]),
                by: holder(),
            },
        ])
        .when(C::SetNotificationPreferences {
            muted: muted(&[NotificationKind::ToReview]),
            actor: holder_actor(),
        })
        .then_expect_events(vec![]);
}

#[test]
fn turning_everything_back_on_is_an_empty_set() {
    let events = vec![
        registered(),
        E::NotificationPreferencesChanged {
            muted: muted(&NotificationKind::ALL),
            by: holder(),
        },
        E::NotificationPreferencesChanged {
            muted: BTreeSet::new(),
            by: holder(),
        },
    ];
    let account = state(events);
    assert!(NotificationKind::ALL
        .iter()
        .all(|kind| account.wants_notification(*kind)));
}

#[test]
fn nobody_else_chooses_and_an_erased_account_cannot() {
    for actor in [admin(), stranger()] {
        let result = framework()
            .given(vec![registered()])
            .when(C::SetNotificationPreferences {
                muted: muted(&[NotificationKind::Decision]),
                actor,
            })
            .inspect_result();
        not_allowed(result);
    }
    let result = framework()
        .given(vec![registered(), erased_event()])
        .when(C::SetNotificationPreferences {
            muted: muted(&[NotificationKind::Decision]),
            actor: holder_actor(),
        })
        .inspect_result();
    assert!(
        matches!(result, Err(AccountError::InvalidTransition { .. })),
        "{result:?}"
    );
}

#[test]
fn kinds_read_and_write_by_their_stored_names() {
    for kind in NotificationKind::ALL {
        assert_eq!(kind.as_str().parse::<NotificationKind>(), Ok(kind));
        assert_eq!(
            serde_json::to_value(kind).unwrap(),
            serde_json::json!(kind.as_str())
        );
    }
    let error = "weekly_digest".parse::<NotificationKind>().unwrap_err();
    assert!(error.contains("decision"), "{error}");
}
