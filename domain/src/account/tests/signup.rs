//! Registering, inviting and activating.

use super::*;

fn register() -> C {
    C::Register {
        account: holder(),
        email_digest: digest(),
        personal: sealed(1),
        credential: sealed(2),
        language: Language::Es,
    }
}

fn invite(by: Authority) -> C {
    C::Invite {
        account: holder(),
        email_digest: digest(),
        personal: sealed(1),
        language: Language::Pt,
        by,
    }
}

#[test]
fn a_person_registers_and_is_active_at_once() {
    framework()
        .given_no_previous_events()
        .when(register())
        .then_expect_events(vec![registered()]);
    let s = state(vec![registered()]);
    assert_eq!(s.status(), AccountStatus::Active);
    assert!(s.is_active());
    assert_eq!(s.id(), Some(holder()));
    assert_eq!(s.roles(), [Role::Member].into());
    assert!(s.granted_roles().is_empty());
    assert_eq!(s.credential(), Some(&sealed(2)));
    assert_eq!(s.personal(), Some(&sealed(1)));
    assert_eq!(s.email_digest(), Some(&digest()));
    assert_eq!(s.language(), Language::Es);
    assert_eq!(s.actor(), Some(Actor::member(holder())));
}

#[test]
fn an_existing_account_cannot_register_or_be_invited_again() {
    for (history, status) in [
        (vec![registered()], AccountStatus::Active),
        (vec![invited()], AccountStatus::PendingActivation),
        (vec![registered(), erased_event()], AccountStatus::Erased),
    ] {
        for command in [register(), invite(as_admin())] {
            let result = framework()
                .given(history.clone())
                .when(command)
                .inspect_result();
            invalid_transition(result, status);
        }
    }
}

#[test]
fn an_admin_or_the_cli_invites() {
    framework()
        .given_no_previous_events()
        .when(invite(as_admin()))
        .then_expect_events(vec![invited()]);
    let by_cli = E::AccountInvited {
        account: holder(),
        email_digest: digest(),
        personal: sealed(1),
        language: Language::Pt,
        by: Grantor::System("articula admin create".into()),
    };
    framework()
        .given_no_previous_events()
        .when(invite(as_cli()))
        .then_expect_events(vec![by_cli]);
    let s = state(vec![invited()]);
    assert_eq!(s.status(), AccountStatus::PendingActivation);
    assert!(!s.is_active());
    assert_eq!(s.credential(), None);
    assert_eq!(s.roles(), [Role::Member].into());
    assert_eq!(s.language(), Language::Pt);
    assert_eq!(s.actor(), None, "cannot act before activation");
}

#[test]
fn only_admins_invite() {
    for actor in [holder_actor(), stranger()] {
        let result = framework()
            .given_no_previous_events()
            .when(invite(Authority::Actor(actor)))
            .inspect_result();
        not_allowed(result);
    }
}

#[test]
fn an_invited_account_is_activated_with_a_password() {
    let activated = E::AccountActivated {
        credential: sealed(3),
    };
    framework()
        .given(vec![invited()])
        .when(C::Activate {
            credential: sealed(3),
        })
        .then_expect_events(vec![activated.clone()]);
    let s = state(vec![invited(), activated]);
    assert!(s.is_active());
    assert_eq!(s.credential(), Some(&sealed(3)));
}

#[test]
fn only_a_pending_account_is_activated() {
    for (history, status) in [
        (vec![], AccountStatus::Unregistered),
        (vec![registered()], AccountStatus::Active),
        (vec![invited(), erased_event()], AccountStatus::Erased),
    ] {
        let result = framework()
            .given(history)
            .when(C::Activate {
                credential: sealed(3),
            })
            .inspect_result();
        invalid_transition(result, status);
    }
}

fn sign_up() -> C {
    C::SignUp {
        account: holder(),
        email_digest: digest(),
        personal: sealed(1),
        credential: sealed(2),
        language: Language::Pt,
    }
}

fn signed_up() -> E {
    E::AccountSignedUp {
        account: holder(),
        email_digest: digest(),
        personal: sealed(1),
        credential: sealed(2),
        language: Language::Pt,
    }
}

#[test]
fn a_person_who_signs_up_waits_for_the_address_to_be_confirmed() {
    framework()
        .given_no_previous_events()
        .when(sign_up())
        .then_expect_events(vec![signed_up()]);
    let s = state(vec![signed_up()]);
    assert_eq!(s.status(), AccountStatus::PendingConfirmation);
    assert!(!s.is_active());
    assert_eq!(s.actor(), None, "cannot act before confirming");
    assert!(s.roles().is_empty());
    assert_eq!(s.credential(), Some(&sealed(2)));
    assert_eq!(s.language(), Language::Pt);
}

#[test]
fn confirming_the_address_activates_the_account_once() {
    framework()
        .given(vec![signed_up()])
        .when(C::ConfirmAddress)
        .then_expect_events(vec![E::AddressConfirmed {}]);
    let s = state(vec![signed_up(), E::AddressConfirmed {}]);
    assert_eq!(s.status(), AccountStatus::Active);
    assert_eq!(s.actor(), Some(Actor::member(holder())));
    for (history, status) in [
        (
            vec![signed_up(), E::AddressConfirmed {}],
            AccountStatus::Active,
        ),
        (vec![registered()], AccountStatus::Active),
        (vec![invited()], AccountStatus::PendingActivation),
    ] {
        let result = framework()
            .given(history)
            .when(C::ConfirmAddress)
            .inspect_result();
        invalid_transition(result, status);
    }
    let result = framework()
        .given_no_previous_events()
        .when(C::ConfirmAddress)
        .inspect_result();
    invalid_transition(result, AccountStatus::Unregistered);
}

#[test]
fn an_unconfirmed_account_is_erased_like_any_other() {
    framework()
        .given(vec![signed_up()])
        .when(C::Erase { by: as_cli() })
        .then_expect_events(vec![E::AccountErased {
            by: Grantor::System("articula admin create".into()),
        }]);
}
