//! Initiative histories built by hand, for the tests of the read models that fold initiatives
//! (the map and the statistics).

use std::collections::HashMap;

use chrono::{DateTime, TimeZone, Utc};
use cqrs_es::DomainEvent as _;
use domain::initiative::{InitiativeEvent, Profile, ProfileChanges};
use domain::values::*;
use serde_json::json;
use store::FeedEvent;

use crate::{Envelope, Projection};

/// A fixed time, so that tests do not depend on the clock.
pub fn at(year: i32, month: u32, day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(year, month, day, 12, 0, 0).unwrap()
}

/// The `n`th initiative id; ids sort as their numbers do.
pub fn initiative(n: u32) -> InitiativeId {
    format!("00000000-0000-7000-8000-{n:012x}").parse().unwrap()
}

fn someone() -> AccountId {
    "00000000-0000-7000-8000-00000000ffff".parse().unwrap()
}

/// A complete profile: a cluster of lithium and mining firms in Antofagasta, Chile.
pub fn profile(name: &str) -> Profile {
    Profile {
        name: Name::new(name).unwrap(),
        description: Description::new("Articula proveedores de la cadena del litio.").unwrap(),
        kind: InitiativeKind::ClusterInitiative,
        country: CountryCode::new("CL").unwrap(),
        region: Region::new("Antofagasta").unwrap(),
        location: GeoPoint::new(-23.6509, -70.3975).unwrap(),
        sectors: Sectors::new(vec![Sector::Lithium, Sector::Mining]).unwrap(),
        value_chain_focus: ValueChainFocus::new("Servicios mineros").unwrap(),
        strategic_focus: Default::default(),
        number_of_firms: FirmCount::new(85).unwrap(),
        governance: Governance::new("Corporación Regional", 50, 25, 20, 5).unwrap(),
        funding_sources: Default::default(),
        maturity_stage: MaturityStage::Construction,
        founding_year: FoundingYear::new(2016).unwrap(),
        website: None,
    }
}

pub fn registered(id: InitiativeId, profile: Profile, when: DateTime<Utc>) -> InitiativeEvent {
    InitiativeEvent::InitiativeRegistered {
        id,
        profile,
        by: someone(),
        at: when,
    }
}

pub fn approved(when: DateTime<Utc>) -> InitiativeEvent {
    InitiativeEvent::InitiativeApproved {
        by: someone(),
        at: when,
    }
}

pub fn updated(changes: ProfileChanges, when: DateTime<Utc>) -> InitiativeEvent {
    InitiativeEvent::ProfileUpdated {
        changes,
        by: someone(),
        at: when,
    }
}

pub fn change_proposed(changes: ProfileChanges, when: DateTime<Utc>) -> InitiativeEvent {
    InitiativeEvent::ProfileChangeProposed {
        changes,
        by: someone(),
        at: when,
    }
}

pub fn change_approved(when: DateTime<Utc>) -> InitiativeEvent {
    InitiativeEvent::ProfileChangeApproved {
        by: someone(),
        at: when,
    }
}

pub fn confirmed(when: DateTime<Utc>) -> InitiativeEvent {
    InitiativeEvent::InitiativeConfirmed {
        by: someone(),
        at: when,
    }
}

pub fn retired(when: DateTime<Utc>) -> InitiativeEvent {
    InitiativeEvent::InitiativeRetired {
        reason: None,
        by: someone(),
        at: when,
    }
}

/// A feed of initiative events, in the order recorded.
#[derive(Default)]
pub struct History {
    events: Vec<Envelope>,
    sequences: HashMap<InitiativeId, i64>,
}

impl History {
    /// Records `event` in `id`'s stream, at the next feed position.
    pub fn record(&mut self, id: InitiativeId, event: InitiativeEvent) -> &mut Self {
        let sequence = self.sequences.entry(id).or_default();
        *sequence += 1;
        let position = self.events.len() as i64 + 1;
        let recorded_at = event.at();
        self.events.push(Envelope::new(FeedEvent {
            position,
            tx: position,
            aggregate_type: "initiative".into(),
            aggregate_id: id.to_string(),
            sequence: *sequence,
            event_type: event.event_type(),
            event_version: event.event_version(),
            payload: serde_json::to_value(&event).unwrap(),
            metadata: json!({}),
            recorded_at,
        }));
        self
    }

    /// Registers and approves an initiative with `profile` at `when`.
    pub fn approve(
        &mut self,
        id: InitiativeId,
        profile: Profile,
        when: DateTime<Utc>,
    ) -> &mut Self {
        self.record(id, registered(id, profile, when))
            .record(id, approved(when))
    }

    /// A fresh projection fed the first `count` events.
    pub fn fold_first<P: Projection>(&self, count: usize) -> P {
        let mut projection = P::default();
        for event in &self.events[..count] {
            projection.apply(event).unwrap();
        }
        projection
    }

    /// A fresh projection fed every event.
    pub fn fold<P: Projection>(&self) -> P {
        self.fold_first(self.events.len())
    }

    /// Feeds the events recorded since the first `from` to `projection`, as one batch of the
    /// engine's (prepared, then applied one by one), and settles it, as a fold does at its end.
    pub fn feed_from<P: Projection>(&self, from: usize, projection: &mut P) {
        projection.prepare(self.events_from(from));
        for event in self.events_from(from) {
            projection.apply(event).unwrap();
        }
        projection.settle();
    }

    /// The events recorded since the first `from`.
    pub fn events_from(&self, from: usize) -> &[Envelope] {
        &self.events[from..]
    }

    pub fn len(&self) -> usize {
        self.events.len()
    }
}

/// A history of `count` networks ("Red 1", …) approved on 1 January 2024.
pub fn networks_approved(count: u32) -> History {
    let mut history = History::default();
    for n in 1..=count {
        history.approve(initiative(n), profile(&format!("Red {n}")), at(2024, 1, 1));
    }
    history
}

/// A projection after a snapshot round trip: its state written, read back, restored to serve.
pub fn round_trip<P: Projection>(projection: &P) -> P {
    round_trip_for(projection, crate::Restoring::ToServe)
}

/// A projection after a snapshot round trip, restored for `restoring`.
pub fn round_trip_for<P: Projection>(projection: &P, restoring: crate::Restoring) -> P {
    let state = projection.write_state().unwrap();
    let mut restored = P::read_state(state).unwrap();
    restored.restored(restoring).unwrap();
    restored
}
