//! An event as the audit API shows it: as stored, with its hashes. Payloads are not decrypted:
//! personal data stays sealed ciphertext, readable only through the vault.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use store::chain::ChainedEvent;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct EventView {
    /// The event's global position.
    pub position: i64,
    /// When the store recorded it.
    pub recorded_at: DateTime<Utc>,
    /// The stream: an aggregate type (`initiative`, `account`, …) and an id.
    pub aggregate_type: String,
    pub aggregate_id: String,
    /// Its place in its stream, from 1.
    pub sequence: i64,
    pub event_type: String,
    pub event_version: String,
    /// As stored (personal data sealed). Stored text that is not JSON (edited behind the
    /// store's back) is given as a JSON string.
    #[schema(value_type = Object)]
    pub payload: Value,
    /// Who, through which request and command, from which client.
    #[schema(value_type = Object)]
    pub metadata: Value,
    /// The event's stream hash (hex; `null` only for a row that has none).
    pub hash: Option<String>,
    /// Its link in the global chain (hex; `null` until the sealer reaches it, a moment after
    /// commit).
    pub chain_hash: Option<String>,
}

impl From<&ChainedEvent> for EventView {
    fn from(event: &ChainedEvent) -> Self {
        Self {
            position: event.position,
            recorded_at: event.recorded_at,
            aggregate_type: event.aggregate_type.clone(),
            aggregate_id: event.aggregate_id.clone(),
            sequence: event.sequence,
            event_type: event.event_type.clone(),
            event_version: event.event_version.clone(),
            payload: json_or_text(&event.payload),
            metadata: json_or_text(&event.metadata),
            hash: event.hash.map(|h| h.to_hex()),
            chain_hash: event.sealed.map(|h| h.to_hex()),
        }
    }
}

fn json_or_text(stored: &str) -> Value {
    serde_json::from_str(stored).unwrap_or_else(|_| Value::String(stored.to_string()))
}
