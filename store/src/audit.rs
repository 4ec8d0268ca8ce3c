//! The audit API's queries: the global log filtered, one stream's history, and the record of who
//! read what.
//!
//! Every query is parameterised: filters become placeholders through `sqlx::QueryBuilder`, and
//! only the conditions a caller asked for are written into the SQL, so that PostgreSQL plans each
//! shape of query with the indexes that fit it (a catch-all `($1 IS NULL OR …)` would not).
//! Events come in feed order (PostgreSQL: `(tx_id, position)`, only transactions below the oldest
//! one still running, as [`crate::feed`]; SQLite: `position`), with their stored stream hash and,
//! once sealed, their global chain link.

mod events;
mod reads;
#[cfg(test)]
mod tests;

use chrono::{DateTime, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};

pub use events::{read_events, read_stream};
pub use reads::{recent_reads, record_read, AuditRead};

use crate::ActorRef;

/// Which events of the log an auditor asks for. Every bound is inclusive; `None` leaves that
/// part of the event free.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AuditFilter {
    pub from_position: Option<i64>,
    pub to_position: Option<i64>,
    pub from_time: Option<DateTime<Utc>>,
    pub to_time: Option<DateTime<Utc>>,
    pub aggregate_type: Option<String>,
    pub aggregate_id: Option<String>,
    pub event_type: Option<String>,
    pub actor: Option<ActorRef>,
    /// Only events written under this correlation id (a request and what it caused). Left out
    /// of the digest when absent, so cursors of queries without it keep their form.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub correlation_id: Option<String>,
}

impl AuditFilter {
    /// A short fingerprint of the filter (hex): a cursor carries it, so that a cursor handed out
    /// for one query is not silently applied to another. Equal filters have equal digests
    /// however their parameters were spelled or ordered.
    pub fn digest(&self) -> String {
        // Serialised field by field in declaration order: a fixed, canonical form.
        let canonical = serde_json::to_vec(self).unwrap_or_default();
        let hash = Sha256::digest(&canonical);
        hex::encode(&hash[..16])
    }
}

/// Rounds a lower time bound up and an upper one down to the precision the backend stores
/// (`unit_micros`: 1 on PostgreSQL, 1000 on SQLite), so that an inclusive bound between two
/// representable instants neither lets in an event just before it nor leaves out one at it.
fn to_precision(at: DateTime<Utc>, unit_micros: i64, round_up: bool) -> DateTime<Utc> {
    let below = at.timestamp_micros().div_euclid(unit_micros) * unit_micros;
    let Some(floor) = DateTime::from_timestamp_micros(below) else {
        return at;
    };
    if round_up && floor != at {
        DateTime::from_timestamp_micros(below + unit_micros).unwrap_or(at)
    } else {
        floor
    }
}
