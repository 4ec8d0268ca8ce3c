//! What the holder (and for the language, an administrator) changes: password, language,
//! personal data.

use super::*;

#[test]
fn the_holder_changes_the_password() {
    let changed = E::PasswordChanged {
        credential: sealed(9),
    };
    framework()
        .given(vec![registered()])
        .when(C::ChangePassword {
            credential: sealed(9),
            actor: holder_actor(),
        })
        .then_expect_events(vec![changed.clone()]);
    assert_eq!(
        state(vec![registered(), changed]).credential(),
        Some(&sealed(9))
    );
}

#[test]
fn nobody_else_changes_the_password_or_personal_data() {
    for actor in [admin(), stranger()] {
        let result = framework()
            .given(vec![registered()])
            .when(C::ChangePassword {
                credential: sealed(9),
                actor: actor.clone(),
            })
            .inspect_result();
        not_allowed(result);
        let result = framework()
            .given(vec![registered()])
            .when(C::UpdatePersonal {
                personal: sealed(9),
                actor,
            })
            .inspect_result();
        not_allowed(result);
    }
}

#[test]
fn a_pending_account_must_be_activated_before_changing_anything_itself() {
    for command in [
        C::ChangePassword {
            credential: sealed(9),
            actor: holder_actor(),
        },
        C::UpdatePersonal {
            personal: sealed(9),
            actor: holder_actor(),
        },
    ] {
        let result = framework()
            .given(vec![invited()])
            .when(command)
            .inspect_result();
        invalid_transition(result, AccountStatus::PendingActivation);
    }
}

#[test]
fn an_unknown_account_changes_nothing() {
    for command in [
        C::ChangePassword {
            credential: sealed(9),
            actor: holder_actor(),
        },
        C::UpdatePersonal {
            personal: sealed(9),
            actor: holder_actor(),
        },
        C::ChangeLanguage {
            language: Language::En,
            actor: holder_actor(),
        },
    ] {
        let result = framework()
            .given_no_previous_events()
            .when(command)
            .inspect_result();
        invalid_transition(result, AccountStatus::Unregistered);
    }
}

#[test]
fn the_holder_updates_personal_data() {
    let updated = E::PersonalDataUpdated {
        personal: sealed(7),
    };
    framework()
        .given(vec![registered()])
        .when(C::UpdatePersonal {
            personal: sealed(7),
            actor: holder_actor(),
        })
        .then_expect_events(vec![updated.clone()]);
    assert_eq!(
        state(vec![registered(), updated]).personal(),
        Some(&sealed(7))
    );
}

#[test]
fn the_holder_or_an_admin_changes_the_language() {
    for (history, actor) in [
        (vec![registered()], holder_actor()),
        (vec![registered()], admin()),
        (vec![invited()], admin()),
    ] {
        framework()
            .given(history)
            .when(C::ChangeLanguage {
                language: Language::En,
                actor: actor.clone(),
            })
            .then_expect_events(vec![E::LanguageChanged {
                language: Language::En,
                by: actor.account,
            }]);
    }
    let s = state(vec![
        registered(),
        E::LanguageChanged {
            language: Language::En,
            by: holder(),
        },
    ]);
    assert_eq!(s.language(), Language::En);
}

#[test]
fn the_same_language_records_nothing() {
    framework()
        .given(vec![registered()])
        .when(C::ChangeLanguage {
            language: Language::Es,
            actor: holder_actor(),
        })
        .then_expect_events(vec![]);
}

#[test]
fn strangers_do_not_change_the_language() {
    let result = framework()
        .given(vec![registered()])
        .when(C::ChangeLanguage {
            language: Language::En,
            actor: stranger(),
        })
        .inspect_result();
    not_allowed(result);
}
