//! An event as the audit pages show it: where it is in the log and in its stream, who wrote it
//! through which request and why, its payload field by field (personal data never opened:
//! sealed, or erased once the person's key is gone) and its hashes.

use store::chain::ChainedEvent;

use super::super::i18n::Tr;
use super::super::page::with_lang;
use crate::app::audit::decode::{self, Field, Keys};

/// One field of a payload, as shown.
pub struct Shown {
    pub name: String,
    pub value: String,
    /// Personal data: sealed or erased (shown in words, not as data).
    pub personal: bool,
}

pub struct EventRow {
    pub position: i64,
    pub recorded_at: String,
    pub aggregate_type: String,
    pub aggregate_id: String,
    pub record_href: String,
    pub sequence: i64,
    pub event_type: String,
    pub actor: String,
    pub actor_href: String,
    pub command: String,
    pub request_id: String,
    pub correlation_id: String,
    pub trace_href: String,
    pub causation_id: String,
    pub fields: Vec<Shown>,
    /// The reason a moderator gave (a rejection's, a hidden post's), when the event has one.
    pub reason: String,
    pub hash: String,
    pub chain_hash: String,
}

impl EventRow {
    pub fn new(t: &Tr, event: &ChainedEvent, keys: &Keys) -> Self {
        let meta = |field| decode::metadata(event, field);
        let (actor, correlation_id) = (meta("actor"), meta("correlation_id"));
        let fields: Vec<Shown> = decode::payload(event, keys)
            .into_iter()
            .map(|(name, field)| match field {
                Field::Value(value) => Shown {
                    name,
                    value,
                    personal: false,
                },
                Field::Sealed => Shown {
                    name,
                    value: t.get("audit-sealed"),
                    personal: true,
                },
                Field::Erased => Shown {
                    name,
                    value: t.get("audit-erased"),
                    personal: true,
                },
            })
            .collect();
        let reason = fields
            .iter()
            .find(|f| f.name == "reason" && !f.personal)
            .map(|f| f.value.trim_matches('"').to_owned())
            .unwrap_or_default();
        let actor_query = [("actor".to_owned(), actor.clone())];
        Self {
            position: event.position,
            recorded_at: event
                .recorded_at
                .format("%Y-%m-%d %H:%M:%S%.3f UTC")
                .to_string(),
            record_href: with_lang(
                &format!(
                    "/audit/records/{}/{}",
                    event.aggregate_type, event.aggregate_id
                ),
                &[],
                t.language,
            ),
            aggregate_type: event.aggregate_type.clone(),
            aggregate_id: event.aggregate_id.clone(),
            sequence: event.sequence,
            event_type: event.event_type.clone(),
            actor_href: with_lang("/audit/log", &actor_query, t.language),
            actor,
            command: meta("command"),
            request_id: meta("request_id"),
            trace_href: trace_href(t, &correlation_id),
            correlation_id,
            causation_id: meta("causation_id"),
            fields,
            reason,
            hash: event.hash.map(|h| h.to_hex()).unwrap_or_default(),
            chain_hash: event.sealed.map(|h| h.to_hex()).unwrap_or_default(),
        }
    }
}

/// The trace page of a correlation id (empty when there is none).
pub fn trace_href(t: &Tr, correlation: &str) -> String {
    if correlation.is_empty() {
        return String::new();
    }
    let segment: String =
        form_urlencoded::byte_serialize(correlation.as_bytes()).collect::<String>();
    with_lang(&format!("/audit/trace/{segment}"), &[], t.language)
}

/// The rows of `events`, with whether each sealed value's person still has a key.
pub async fn rows(
    state: &crate::state::AppState,
    t: &Tr,
    events: &[ChainedEvent],
) -> Result<Vec<EventRow>, crate::app::Refusal> {
    let keys = Keys::of(state, events).await?;
    Ok(events.iter().map(|e| EventRow::new(t, e, &keys)).collect())
}
