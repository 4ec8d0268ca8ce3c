//! Erasure, and the stored shape of every event.

use super::*;

#[test]
fn an_admin_or_the_cli_erases() {
    for (by, grantor) in [
        (as_admin(), Grantor::Admin(admin_id())),
        (as_cli(), Grantor::System("articula admin create".into())),
    ] {
        for history in [vec![registered()], vec![invited()]] {
            framework()
                .given(history)
                .when(C::Erase { by: by.clone() })
                .then_expect_events(vec![E::AccountErased {
                    by: grantor.clone(),
                }]);
        }
    }
    let s = state(vec![registered(), granted(Role::Admin), erased_event()]);
    assert_eq!(s.status(), AccountStatus::Erased);
    assert!(s.roles().is_empty() && s.granted_roles().is_empty());
    assert_eq!(s.personal(), None);
    assert_eq!(s.credential(), None);
    assert_eq!(s.actor(), None);
    assert_eq!(
        s.email_digest(),
        Some(&digest()),
        "kept to release the claim"
    );
}

#[test]
fn nobody_else_erases() {
    for actor in [holder_actor(), stranger()] {
        let result = framework()
            .given(vec![registered()])
            .when(C::Erase {
                by: Authority::Actor(actor),
            })
            .inspect_result();
        not_allowed(result);
    }
}

#[test]
fn an_unknown_account_is_not_erased() {
    let result = framework()
        .given_no_previous_events()
        .when(C::Erase { by: as_admin() })
        .inspect_result();
    invalid_transition(result, AccountStatus::Unregistered);
}

#[test]
fn an_erased_account_refuses_everything_clearly() {
    let history = vec![registered(), erased_event()];
    let commands = vec![
        C::Activate {
            credential: sealed(3),
        },
        C::ChangePassword {
            credential: sealed(3),
            actor: holder_actor(),
        },
        C::ChangeLanguage {
            language: Language::En,
            actor: admin(),
        },
        C::UpdatePersonal {
            personal: sealed(3),
            actor: holder_actor(),
        },
        C::GrantRole {
            role: Role::Moderator,
            by: as_cli(),
        },
        C::RevokeRole {
            role: Role::Moderator,
            by: as_cli(),
        },
        C::Erase { by: as_cli() },
    ];
    for command in commands {
        let err = framework()
            .given(history.clone())
            .when(command)
            .inspect_result()
            .unwrap_err();
        assert!(err.to_string().contains("was erased"), "{err}");
        invalid_transition(Err(err), AccountStatus::Erased);
    }
}

#[test]
fn errors_read_as_sentences() {
    let err = framework()
        .given(vec![invited()])
        .when(C::ChangePassword {
            credential: sealed(3),
            actor: holder_actor(),
        })
        .inspect_result()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "cannot change the password while the account is waiting for its holder to activate it: \
         activate the account with the link in the invitation first"
    );
    let err = framework()
        .given(vec![registered()])
        .when(C::Erase {
            by: Authority::Actor(stranger()),
        })
        .inspect_result()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "not allowed: only an administrator can erase accounts"
    );
}

#[test]
fn every_event_is_versioned_and_named_and_round_trips() {
    use cqrs_es::DomainEvent;
    let events = vec![
        E::AccountSignedUp {
            account: holder(),
            email_digest: digest(),
            personal: sealed(1),
            credential: sealed(2),
            language: Language::Es,
        },
        E::AddressConfirmed {},
        registered(),
        invited(),
        E::AccountActivated {
            credential: sealed(3),
        },
        E::PasswordChanged {
            credential: sealed(4),
        },
        E::LanguageChanged {
            language: Language::En,
            by: holder(),
        },
        E::PersonalDataUpdated {
            personal: sealed(5),
        },
        granted(Role::Auditor),
        E::RoleRevoked {
            role: Role::Auditor,
            by: Grantor::System("articula admin".into()),
        },
        erased_event(),
        E::NotificationPreferencesChanged {
            muted: [NotificationKind::Decision].into_iter().collect(),
            by: holder(),
        },
    ];
    assert_eq!(events.len(), AccountEvent::TYPES.len());
    for (event, name) in events.iter().zip(AccountEvent::TYPES) {
        assert_eq!(event.event_type(), *name);
        assert_eq!(event.event_version(), "1");
        let json = serde_json::to_value(event).unwrap();
        assert!(json.get(*name).is_some(), "tagged with the type: {json}");
        let back: AccountEvent = serde_json::from_value(json).unwrap();
        assert_eq!(&back, event);
    }
    let s = state(events);
    let json = serde_json::to_string(&s).unwrap();
    assert_eq!(serde_json::from_str::<Account>(&json).unwrap(), s);
}
