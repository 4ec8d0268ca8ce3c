//! Times in the tables Articula writes itself on SQLite (sessions, idempotency keys, claims, the
//! projection history): fixed-width RFC 3339 text in UTC with microseconds, which sorts and
//! compares as time. (An event's `recorded_at` is written by its column default, to the
//! millisecond: `chain::read::sqlite_time`.)

use chrono::{DateTime, SecondsFormat, Utc};

use crate::StoreError;

/// The text stored for `t`.
pub(crate) fn sqlite_time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// A time as [`sqlite_time`] stored it.
pub(crate) fn parse_sqlite_time(text: &str) -> Result<DateTime<Utc>, StoreError> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| decode_error(format!("time `{text}`: {e}")))
}

/// A stored value that cannot be read back.
pub(crate) fn decode_error(message: String) -> StoreError {
    StoreError::Database(sqlx::Error::Decode(message.into()))
}
