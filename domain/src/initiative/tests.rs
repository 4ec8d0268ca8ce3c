//! Given/when/then tests of every Initiative command path, success and refusal.
//!
//! Shared fixtures live here; the cases are grouped by area in `tests/`.

mod confirmation;
mod four_eyes;
mod lifecycle;
mod managers;
mod outline;
mod profile;
mod retirement;

use chrono::{DateTime, TimeZone, Utc};
use cqrs_es::test::TestFramework;
use cqrs_es::Aggregate;
use uuid::Uuid;

use super::*;
use crate::actor::Actor;
use crate::values::*;

type E = InitiativeEvent;
type C = InitiativeCommand;

fn framework() -> TestFramework<Initiative> {
    TestFramework::<Initiative>::with(())
}

fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 12, 0, 0).unwrap()
}

fn now() -> DateTime<Utc> {
    at(2024, 6, 1)
}

fn later() -> DateTime<Utc> {
    at(2024, 7, 1)
}

fn account(n: u128) -> AccountId {
    AccountId::from_uuid(Uuid::from_u128(n))
}

fn initiative_id() -> InitiativeId {
    InitiativeId::from_uuid(Uuid::from_u128(0xA11CE))
}

/// The member who registered the initiative (its first manager).
fn owner() -> AccountId {
    account(1)
}
fn owner_actor() -> Actor {
    Actor::member(owner())
}
fn moderator_id() -> AccountId {
    account(2)
}
fn moderator() -> Actor {
    Actor::moderator(moderator_id())
}
/// A signed-in member with no tie to the initiative.
fn stranger_id() -> AccountId {
    account(3)
}
fn stranger() -> Actor {
    Actor::member(stranger_id())
}
/// A second person who becomes a manager in some tests.
fn colleague() -> AccountId {
    account(4)
}

fn reason(text: &str) -> Reason {
    Reason::new(text).unwrap()
}

fn profile() -> Profile {
    Profile {
        name: Name::new("Clúster del Litio de Antofagasta").unwrap(),
        description: Description::new("Articula proveedores de la cadena del litio.").unwrap(),
        kind: InitiativeKind::ClusterInitiative,
        country: CountryCode::new("CL").unwrap(),
        region: Region::new("Antofagasta").unwrap(),
        location: GeoPoint::new(-23.6509, -70.3975).unwrap(),
        sectors: Sectors::new(vec![Sector::Lithium, Sector::Mining]).unwrap(),
        value_chain_focus: ValueChainFocus::new("Proveedores de servicios mineros").unwrap(),
        strategic_focus: [
            StrategicFocus::ProductiveLinkages,
            StrategicFocus::Innovation,
        ]
        .into_iter()
        .collect(),
        number_of_firms: FirmCount::new(85).unwrap(),
        governance: Governance::new("Corporación Regional", 50, 25, 20, 5).unwrap(),
        funding_sources: [FundingSource::NationalGovernment, FundingSource::MemberFees]
            .into_iter()
            .collect(),
        maturity_stage: MaturityStage::Construction,
        founding_year: FoundingYear::new(2016).unwrap(),
        website: Some(Website::new("https://clusterlitio.cl").unwrap()),
    }
}

fn registered() -> E {
    E::InitiativeRegistered {
        id: initiative_id(),
        profile: profile(),
        by: owner(),
        at: now(),
    }
}

fn approved_event() -> E {
    E::InitiativeApproved {
        by: moderator_id(),
        at: now(),
    }
}

/// History of an approved initiative managed by `owner()`.
fn approved() -> Vec<E> {
    vec![registered(), approved_event()]
}

fn with(mut history: Vec<E>, more: impl IntoIterator<Item = E>) -> Vec<E> {
    history.extend(more);
    history
}

/// The state after `events`, for assertions on queries.
fn state(events: Vec<E>) -> Initiative {
    let mut initiative = Initiative::default();
    for event in events {
        initiative.apply(event);
    }
    initiative
}

fn not_allowed(result: Result<Vec<E>, InitiativeError>) {
    match result {
        Err(InitiativeError::NotAllowed(_)) => {}
        other => panic!("expected NotAllowed, got {other:?}"),
    }
}

fn invalid_transition(result: Result<Vec<E>, InitiativeError>, expected: InitiativeStatus) {
    match result {
        Err(InitiativeError::InvalidTransition { current, .. }) => assert_eq!(current, expected),
        other => panic!("expected InvalidTransition from {expected:?}, got {other:?}"),
    }
}

fn rule_violated(result: Result<Vec<E>, InitiativeError>, mentions: &str) {
    match result {
        Err(InitiativeError::RuleViolated(msg)) => {
            assert!(
                msg.contains(mentions),
                "message {msg:?} should mention {mentions:?}"
            )
        }
        other => panic!("expected RuleViolated mentioning {mentions:?}, got {other:?}"),
    }
}
