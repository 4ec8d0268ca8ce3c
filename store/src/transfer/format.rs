//! The lines of an export file (NDJSON, one JSON object per line):
//!
//! 1. a [`Header`]: `{"format":"articula-events","version":1,"exported_at":…,"backend":…,"events":N}`;
//! 2. one [`EventLine`] per event, in feed order, with the event's stream hash and its link in the
//!    global chain, so that the importer can recompute and compare both;
//! 3. a [`Trailer`]: `{"end":true,"events":N,"head_hash":…,"head_position":…}`. Without it the
//!    file is truncated.

use std::borrow::Cow;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::chain::EventHash;

/// What the header's `format` says.
pub const FORMAT: &str = "articula-events";
/// The version of the line layout this binary writes and reads.
pub const VERSION: u32 = 1;

/// The first line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Header {
    pub format: String,
    pub version: u32,
    pub exported_at: DateTime<Utc>,
    /// The backend the log was exported from ("PostgreSQL" or "SQLite"), for the record.
    pub backend: String,
    /// How many event lines follow.
    pub events: u64,
}

/// One event. Borrowed when writing (from the stored event), owned when reading.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventLine<'a> {
    /// The event's global position in the exporting store.
    pub position: i64,
    /// RFC 3339 with the precision the store keeps (the global chain covers milliseconds).
    pub recorded_at: DateTime<Utc>,
    pub aggregate_type: Cow<'a, str>,
    pub aggregate_id: Cow<'a, str>,
    pub sequence: i64,
    pub event_type: Cow<'a, str>,
    pub event_version: Cow<'a, str>,
    pub payload: Cow<'a, Value>,
    pub metadata: Cow<'a, Value>,
    /// The event's hash in its stream's chain.
    pub hash: EventHash,
    /// The global chain's link at this event, recomputed by the exporter.
    pub chain_hash: EventHash,
}

/// The last line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trailer {
    /// Always `true`: what tells this line from an event line.
    pub end: bool,
    pub events: u64,
    /// The global chain's last link (`null` for an empty log): what `articula verify` reports as
    /// the head hash after an import.
    pub head_hash: Option<EventHash>,
    pub head_position: Option<i64>,
}

/// Tells a trailer from an event line without parsing the line twice.
pub fn is_trailer(line: &Value) -> bool {
    line.get("end").is_some()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_event_line_reads_back_as_written() {
        let payload = json!({"name": "Clúster del Salmón", "n": [1, 2.5]});
        let metadata = json!({"actor": "anonymous"});
        let recorded_at = DateTime::parse_from_rfc3339("2025-03-01T12:00:00.123456Z")
            .unwrap()
            .with_timezone(&Utc);
        let line = EventLine {
            position: 7,
            recorded_at,
            aggregate_type: "Initiative".into(),
            aggregate_id: "0190".into(),
            sequence: 3,
            event_type: "InitiativeApproved".into(),
            event_version: "1".into(),
            payload: Cow::Borrowed(&payload),
            metadata: Cow::Borrowed(&metadata),
            hash: EventHash([1; 32]),
            chain_hash: EventHash([2; 32]),
        };
        let text = serde_json::to_string(&line).unwrap();
        assert!(!text.contains('\n'));
        assert!(
            text.contains(r#""recorded_at":"2025-03-01T12:00:00.123456Z""#),
            "{text}"
        );
        assert!(text.contains(&"01".repeat(32)), "hashes are hex: {text}");
        let value: Value = serde_json::from_str(&text).unwrap();
        assert!(!is_trailer(&value));
        let read: EventLine<'static> = serde_json::from_value(value).unwrap();
        assert_eq!(read, line);
    }

    #[test]
    fn the_trailer_is_told_apart() {
        let trailer = Trailer {
            end: true,
            events: 0,
            head_hash: None,
            head_position: None,
        };
        let value = serde_json::to_value(&trailer).unwrap();
        assert!(is_trailer(&value));
        assert_eq!(
            value,
            json!({"end": true, "events": 0, "head_hash": null, "head_position": null})
        );
    }
}
