//! Given/when/then tests of every command path of Account, AdminRoster and EmailClaim.
//!
//! Shared Account fixtures live here; the cases are grouped by area in `tests/`.

mod email_claim;
mod erasure;
mod holder;
mod notification_preferences;
mod roles;
mod roster;
mod signup;

use cqrs_es::test::TestFramework;
use cqrs_es::Aggregate;
use uuid::Uuid;

use super::*;
use crate::actor::{Actor, Role};
use crate::values::*;

type E = AccountEvent;
type C = AccountCommand;

fn framework() -> TestFramework<Account> {
    TestFramework::<Account>::with(())
}

fn account(n: u128) -> AccountId {
    AccountId::from_uuid(Uuid::from_u128(n))
}

/// The account under test.
fn holder() -> AccountId {
    account(1)
}
fn holder_actor() -> Actor {
    Actor::member(holder())
}
fn admin_id() -> AccountId {
    account(2)
}
fn admin() -> Actor {
    Actor::new(admin_id(), [Role::Member, Role::Admin])
}
fn stranger() -> Actor {
    Actor::moderator(account(3))
}

fn as_admin() -> Authority {
    Authority::Actor(admin())
}
fn as_cli() -> Authority {
    Authority::System("articula admin create".into())
}

/// A stand-in for a value sealed by the vault; `n` tells them apart.
fn sealed(n: u8) -> Sealed {
    Sealed {
        alg: "xchacha20poly1305".into(),
        nonce: format!("nonce{n}"),
        ciphertext: format!("ciphertext{n}"),
    }
}

fn digest() -> EmailDigest {
    EmailDigest::from_hex("ab".repeat(32)).unwrap()
}

fn registered() -> E {
    E::AccountRegistered {
        account: holder(),
        email_digest: digest(),
        personal: sealed(1),
        credential: sealed(2),
        language: Language::Es,
    }
}

fn invited() -> E {
    E::AccountInvited {
        account: holder(),
        email_digest: digest(),
        personal: sealed(1),
        language: Language::Pt,
        by: Grantor::Admin(admin_id()),
    }
}

fn granted(role: Role) -> E {
    E::RoleGranted {
        role,
        by: Grantor::Admin(admin_id()),
    }
}

fn erased_event() -> E {
    E::AccountErased {
        by: Grantor::Admin(admin_id()),
    }
}

/// The state after `events`, for assertions on queries.
fn state(events: Vec<E>) -> Account {
    let mut account = Account::default();
    for event in events {
        account.apply(event);
    }
    account
}

fn not_allowed(result: Result<Vec<E>, AccountError>) {
    match result {
        Err(AccountError::NotAllowed(_)) => {}
        other => panic!("expected NotAllowed, got {other:?}"),
    }
}

fn invalid_transition(result: Result<Vec<E>, AccountError>, expected: AccountStatus) {
    match result {
        Err(AccountError::InvalidTransition { current, .. }) => assert_eq!(current, expected),
        other => panic!("expected InvalidTransition from {expected:?}, got {other:?}"),
    }
}

fn rule_violated(result: Result<Vec<E>, AccountError>, mentions: &str) {
    match result {
        Err(AccountError::RuleViolated(msg)) => assert!(
            msg.contains(mentions),
            "message {msg:?} should mention {mentions:?}"
        ),
        other => panic!("expected RuleViolated mentioning {mentions:?}, got {other:?}"),
    }
}
