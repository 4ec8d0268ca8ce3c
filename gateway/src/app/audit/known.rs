//! What the log can hold: the domain's aggregate types (cqrs-es `Aggregate::TYPE`), their event
//! types (as `DomainEvent::event_type` names them) and the shape of their stream ids. Filters
//! are checked against these, so that a misspelt type is a 400 naming the right ones instead of
//! an empty answer; and a stream's states are folded with its own aggregate.
//!
//! The benchmark's `tally` aggregate is not here: it is only ever written to scratch databases.

use cqrs_es::Aggregate;
use domain::account::{
    Account, AccountEvent, AdminRoster, AdminRosterEvent, EmailClaim, EmailClaimEvent,
    ADMIN_ROSTER_ID,
};
use domain::community::{Community, CommunityEvent};
use domain::initiative::{Initiative, InitiativeEvent};
use domain::joint_project::{JointProject, JointProjectEvent};
use domain::publication::{Publication, PublicationEvent};
use domain::thread::{Thread, ThreadEvent};
use domain::values::EmailDigest;
use serde_json::Value;
use store::chain::ChainedEvent;
use uuid::Uuid;

/// How the ids of an aggregate's streams look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdShape {
    /// A UUID, stored lowercase and hyphenated.
    Uuid,
    /// An email claim: the keyed digest of the address (64 lowercase hex digits), never the
    /// address.
    Digest,
    /// The aggregate has one stream with this id.
    Fixed(&'static str),
}

impl IdShape {
    /// The id as it is stored, if `raw` has this shape (a UUID in capitals is accepted).
    pub fn normalize(self, raw: &str) -> Option<String> {
        match self {
            Self::Uuid => Uuid::parse_str(raw)
                .ok()
                .filter(|_| raw.len() == 36)
                .map(|id| id.hyphenated().to_string()),
            Self::Digest => EmailDigest::from_hex(raw).ok().map(String::from),
            Self::Fixed(id) => (raw == id).then(|| id.to_string()),
        }
    }

    pub fn describe(self) -> String {
        match self {
            Self::Uuid => "a UUID".into(),
            Self::Digest => "an email digest (64 lowercase hex digits)".into(),
            Self::Fixed(id) => format!("`{id}`"),
        }
    }
}

/// The state after each event of a stream (or why there is none).
pub type States = Vec<Result<Value, String>>;

/// One aggregate type of the domain.
pub struct AggregateKind {
    pub name: &'static str,
    pub event_types: &'static [&'static str],
    pub id: IdShape,
    /// Folds a stream's events (in sequence order) with the aggregate's own `apply`.
    pub fold: fn(&[ChainedEvent]) -> States,
}

/// Every aggregate type the platform stores.
pub const AGGREGATES: [AggregateKind; 8] = [
    kind::<Account>(AccountEvent::TYPES, IdShape::Uuid),
    kind::<AdminRoster>(AdminRosterEvent::TYPES, IdShape::Fixed(ADMIN_ROSTER_ID)),
    kind::<EmailClaim>(EmailClaimEvent::TYPES, IdShape::Digest),
    kind::<Initiative>(InitiativeEvent::TYPES, IdShape::Uuid),
    kind::<Community>(CommunityEvent::TYPES, IdShape::Uuid),
    kind::<Thread>(ThreadEvent::TYPES, IdShape::Uuid),
    kind::<JointProject>(JointProjectEvent::TYPES, IdShape::Uuid),
    kind::<Publication>(PublicationEvent::TYPES, IdShape::Uuid),
];

const fn kind<A: Aggregate>(event_types: &'static [&'static str], id: IdShape) -> AggregateKind {
    AggregateKind {
        name: A::TYPE,
        event_types,
        id,
        fold: fold_states::<A>,
    }
}

/// The aggregate type called `name`.
pub fn aggregate(name: &str) -> Option<&'static AggregateKind> {
    AGGREGATES.iter().find(|kind| kind.name == name)
}

/// The aggregate type whose events include `event_type`.
pub fn aggregate_of_event(event_type: &str) -> Option<&'static AggregateKind> {
    AGGREGATES
        .iter()
        .find(|kind| kind.event_types.contains(&event_type))
}

/// "account, admin_roster, …", for messages.
pub fn aggregate_names() -> String {
    AGGREGATES
        .iter()
        .map(|kind| kind.name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// A stream id in the form it is stored, if it has the shape of any aggregate's ids.
pub fn normalize_any_id(raw: &str) -> Option<String> {
    AGGREGATES.iter().find_map(|kind| kind.id.normalize(raw))
}

/// Applies each event to a fresh aggregate in turn and keeps its state after each. An event
/// that cannot be read as the aggregate's event (or whose `apply` panics) ends the fold: that
/// state and every later one are an error naming it.
fn fold_states<A: Aggregate>(events: &[ChainedEvent]) -> States {
    let mut aggregate = A::default();
    let mut stopped: Option<String> = None;
    events
        .iter()
        .map(|event| {
            if let Some(reason) = &stopped {
                return Err(format!("not folded: {reason}"));
            }
            let applied = serde_json::from_str::<A::Event>(&event.payload)
                .map_err(|e| {
                    format!(
                        "event {} cannot be read as a {} event: {e}",
                        event.sequence,
                        A::TYPE
                    )
                })
                .and_then(|decoded| {
                    // `apply` trusts the history it is given; an edited one must not take the
                    // server down.
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        aggregate.apply(decoded)
                    }))
                    .map_err(|_| format!("event {} could not be applied", event.sequence))
                })
                .and_then(|()| serde_json::to_value(&aggregate).map_err(|e| e.to_string()));
            if let Err(reason) = &applied {
                stopped = Some(reason.clone());
            }
            applied
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn names_are_unique_and_event_types_belong_to_one_aggregate() {
        let names: BTreeSet<_> = AGGREGATES.iter().map(|k| k.name).collect();
        assert_eq!(names.len(), AGGREGATES.len());
        let mut seen = BTreeSet::new();
        for kind in &AGGREGATES {
            assert!(!kind.event_types.is_empty(), "{}", kind.name);
            for event_type in kind.event_types {
                assert!(seen.insert(*event_type), "{event_type} is listed twice");
            }
        }
    }

    /// Each list has one name per variant of its event enum (serde sees every variant), so a
    /// variant added without its name fails here.
    #[test]
    fn every_event_variant_has_a_listed_name() {
        let counts = [
            (AccountEvent::TYPES.len(), variants::<AccountEvent>()),
            (
                AdminRosterEvent::TYPES.len(),
                variants::<AdminRosterEvent>(),
            ),
            (EmailClaimEvent::TYPES.len(), variants::<EmailClaimEvent>()),
            (InitiativeEvent::TYPES.len(), variants::<InitiativeEvent>()),
            (CommunityEvent::TYPES.len(), variants::<CommunityEvent>()),
            (ThreadEvent::TYPES.len(), variants::<ThreadEvent>()),
            (
                JointProjectEvent::TYPES.len(),
                variants::<JointProjectEvent>(),
            ),
            (
                PublicationEvent::TYPES.len(),
                variants::<PublicationEvent>(),
            ),
        ];
        for (i, (listed, variants)) in counts.into_iter().enumerate() {
            assert_eq!(listed, variants, "{}", AGGREGATES[i].name);
        }
    }

    /// How many variants serde knows for the enum `E`: asked of a deserializer that only
    /// records the variant list serde hands it.
    fn variants<E: serde::de::DeserializeOwned>() -> usize {
        struct Probe(usize);
        impl<'de> serde::Deserializer<'de> for &mut Probe {
            type Error = serde::de::value::Error;
            fn deserialize_any<V: serde::de::Visitor<'de>>(
                self,
                _: V,
            ) -> Result<V::Value, Self::Error> {
                Err(serde::de::Error::custom("not an enum"))
            }
            fn deserialize_enum<V: serde::de::Visitor<'de>>(
                self,
                _: &'static str,
                variants: &'static [&'static str],
                _: V,
            ) -> Result<V::Value, Self::Error> {
                self.0 = variants.len();
                Err(serde::de::Error::custom("probed"))
            }
            serde::forward_to_deserialize_any! {
                bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
                byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map
                struct identifier ignored_any
            }
        }
        let mut probe = Probe(0);
        let _ = E::deserialize(&mut probe);
        probe.0
    }

    #[test]
    fn ids_are_checked_and_stored_forms_given() {
        let id = "0190F5C2-8A3E-7C1D-9B2A-4F6E8D0C1A2B";
        assert_eq!(
            IdShape::Uuid.normalize(id).as_deref(),
            Some("0190f5c2-8a3e-7c1d-9b2a-4f6e8d0c1a2b")
        );
        assert_eq!(
            IdShape::Uuid.normalize("0190f5c28a3e7c1d9b2a4f6e8d0c1a2b"),
            None
        );
        assert_eq!(IdShape::Uuid.normalize("ana@example.org"), None);
        assert_eq!(
            IdShape::Digest.normalize(&"ab".repeat(32)),
            Some("ab".repeat(32))
        );
        assert_eq!(IdShape::Digest.normalize(&"AB".repeat(32)), None);
        assert_eq!(normalize_any_id("admins").as_deref(), Some("admins"));
        assert_eq!(normalize_any_id("Ana Pérez"), None);
    }

    #[test]
    fn a_stream_folds_until_an_event_it_cannot_read() {
        let event = |sequence: i64, payload: &str| ChainedEvent {
            position: sequence,
            tx: 0,
            aggregate_type: "email_claim".into(),
            aggregate_id: "ab".repeat(32),
            sequence,
            event_type: "EmailClaimed".into(),
            event_version: "1".into(),
            payload: payload.into(),
            metadata: "{}".into(),
            recorded_at: chrono::Utc::now(),
            hash: None,
            sealed: None,
        };
        let account = Uuid::now_v7();
        let claimed = format!(r#"{{"EmailClaimed":{{"account":"{account}"}}}}"#);
        let released = format!(r#"{{"EmailReleased":{{"account":"{account}"}}}}"#);
        let states = (aggregate("email_claim").unwrap().fold)(&[
            event(1, &claimed),
            event(2, &released),
            event(3, r#"{"EmailStolen":{}}"#),
            event(4, &claimed),
        ]);
        assert_eq!(states[0], Ok(serde_json::json!({ "holder": account })));
        assert_eq!(states[1], Ok(serde_json::json!({ "holder": null })));
        assert!(
            states[2].as_ref().unwrap_err().contains("event 3"),
            "{states:?}"
        );
        assert!(
            states[3].as_ref().unwrap_err().starts_with("not folded"),
            "{states:?}"
        );
    }
}
