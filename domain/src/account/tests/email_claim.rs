//! One account per email address.

use super::*;
use cqrs_es::DomainEvent;

type CE = EmailClaimEvent;
type CC = EmailClaimCommand;

fn claims() -> TestFramework<EmailClaim> {
    TestFramework::<EmailClaim>::with(())
}

fn claimed(n: u128) -> CE {
    CE::EmailClaimed {
        account: account(n),
    }
}

fn released(n: u128) -> CE {
    CE::EmailReleased {
        account: account(n),
    }
}

#[test]
fn a_free_address_is_claimed() {
    claims()
        .given_no_previous_events()
        .when(CC::Claim {
            account: account(1),
        })
        .then_expect_events(vec![claimed(1)]);
    // Released addresses can be claimed again, by anyone.
    claims()
        .given(vec![claimed(1), released(1)])
        .when(CC::Claim {
            account: account(2),
        })
        .then_expect_events(vec![claimed(2)]);
}

#[test]
fn a_claimed_address_is_taken_for_everyone() {
    for n in [1, 2] {
        claims()
            .given(vec![claimed(1)])
            .when(CC::Claim {
                account: account(n),
            })
            .then_expect_error_message(
                "an account with this email already exists; sign in or use another address",
            );
    }
}

#[test]
fn only_the_holder_releases() {
    claims()
        .given(vec![claimed(1)])
        .when(CC::Release {
            account: account(1),
        })
        .then_expect_events(vec![released(1)]);
    for history in [vec![claimed(1)], vec![], vec![claimed(1), released(1)]] {
        claims()
            .given(history)
            .when(CC::Release {
                account: account(2),
            })
            .then_expect_error(EmailClaimError::NotHolder);
    }
}

#[test]
fn claim_state_and_events() {
    let mut s = EmailClaim::default();
    assert!(!s.is_claimed());
    s.apply(claimed(1));
    assert_eq!(s.holder(), Some(account(1)));
    s.apply(released(1));
    assert_eq!(s.holder(), None);
    for (event, name) in [claimed(1), released(1)].iter().zip(EmailClaimEvent::TYPES) {
        assert_eq!(event.event_type(), *name);
        assert_eq!(event.event_version(), "1");
        let json = serde_json::to_value(event).unwrap();
        assert_eq!(&serde_json::from_value::<CE>(json).unwrap(), event);
    }
    assert_eq!(EmailClaim::TYPE, "email_claim");
}
