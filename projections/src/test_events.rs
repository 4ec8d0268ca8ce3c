//! Feed events built by hand, for the read models' unit tests: each event gets the next
//! position and is recorded one second after the previous one.

use chrono::{DateTime, Duration, TimeZone, Utc};
use cqrs_es::{Aggregate, DomainEvent as _};
use domain::initiative::{InitiativeEvent, Profile};
use domain::values::{AccountId, InitiativeId};
use store::FeedEvent;

use crate::Envelope;

/// A feed being written: positions count up from 1.
pub(crate) struct TestFeed {
    last_position: i64,
}

/// A fixed origin, so that answers that depend on time are the same on every run.
pub(crate) fn origin() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 6, 1, 12, 0, 0).unwrap()
}

/// `minutes` after [`origin`]: business times for events.
pub(crate) fn minute(minutes: i64) -> DateTime<Utc> {
    origin() + Duration::minutes(minutes)
}

impl TestFeed {
    pub(crate) fn new() -> Self {
        Self { last_position: 0 }
    }

    /// The next feed event: `event` of aggregate `A`'s stream `id`.
    pub(crate) fn event<A: Aggregate>(
        &mut self,
        id: impl std::fmt::Display,
        event: A::Event,
    ) -> Envelope {
        self.last_position += 1;
        let position = self.last_position;
        Envelope::new(FeedEvent {
            position,
            tx: position,
            aggregate_type: A::TYPE.to_string(),
            aggregate_id: id.to_string(),
            sequence: position,
            event_type: event.event_type(),
            event_version: event.event_version(),
            payload: serde_json::to_value(&event).expect("domain events serialise"),
            metadata: serde_json::json!({}),
            recorded_at: origin() + Duration::seconds(position),
        })
    }
}

/// Initiative `id` registered as `name` by `by` at minute `at`.
pub(crate) fn registered(id: InitiativeId, name: &str, by: AccountId, at: i64) -> InitiativeEvent {
    InitiativeEvent::InitiativeRegistered {
        id,
        profile: profile(name),
        by,
        at: minute(at),
    }
}

/// A complete, valid initiative profile named `name`.
pub(crate) fn profile(name: &str) -> Profile {
    use domain::values::*;
    Profile {
        name: Name::new(name).unwrap(),
        description: Description::new("Articula proveedores de la cadena del litio.").unwrap(),
        kind: InitiativeKind::ClusterInitiative,
        country: CountryCode::new("CL").unwrap(),
        region: Region::new("Antofagasta").unwrap(),
        location: GeoPoint::new(-23.6509, -70.3975).unwrap(),
        sectors: Sectors::new(vec![Sector::Lithium, Sector::Mining]).unwrap(),
        value_chain_focus: ValueChainFocus::new("Proveedores de servicios mineros").unwrap(),
        strategic_focus: [StrategicFocus::ProductiveLinkages].into_iter().collect(),
        number_of_firms: FirmCount::new(85).unwrap(),
        governance: Governance::new("Corporación Regional", 50, 25, 20, 5).unwrap(),
        funding_sources: [FundingSource::MemberFees].into_iter().collect(),
        maturity_stage: MaturityStage::Construction,
        founding_year: FoundingYear::new(2016).unwrap(),
        website: None,
    }
}
