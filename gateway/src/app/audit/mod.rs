//! The auditors' use cases, shared by the JSON API (`/v1/audit/…`) and the console's audit pages
//! (`/audit/…`): the global log filtered and paged ([`log`]), one record's history with the
//! state after each event ([`history`]), everything that shares a correlation id ([`trace`]),
//! and verifying the hash chains and the projections ([`integrity`]). All are read-only, for
//! auditors and administrators only ([`permit`]), and every read is recorded before it is
//! answered ([`record_read`]). See docs/audit.md.

mod cursor;
pub mod decode;
pub mod diff;
pub mod history;
pub mod integrity;
pub mod known;
pub mod log;
pub mod query;
mod record;
pub mod trace;

pub use query::EventsQuery;
pub use record::record_read;

use super::Refusal;
use crate::access::{Access, Caller};

/// What an audit read is recorded as: the path of the API route or the console page that
/// asked, and its query string (checked before it is recorded, so it holds no name or email).
#[derive(Debug, Clone, Copy)]
pub struct Asked<'a> {
    pub path: &'a str,
    pub query: &'a str,
}

/// Auditors and administrators read the log; anyone else is refused (401 or 403).
pub fn permit(caller: &Caller) -> Result<(), Refusal> {
    Access::AUDITORS.admits(caller)
}

/// Permits `caller` and records the read `asked`.
pub async fn open_read(
    state: &crate::state::AppState,
    caller: &Caller,
    asked: Asked<'_>,
) -> Result<(), Refusal> {
    permit(caller)?;
    record_read(state, caller, asked.path, asked.query).await
}

/// The longest request or correlation id a client may send.
pub const MAX_TRACE_ID: usize = 128;

/// Whether a request or correlation id is acceptable: 1 to [`MAX_TRACE_ID`] characters out of
/// letters, digits and `-_.:~/+=` (UUIDs, ULIDs, base64, W3C trace ids). Anything else is not
/// written into events, so it cannot be looked for either. There is no `@`, so an email address
/// can neither become a request's id nor reach `audit_reads` as a correlation filter.
pub fn is_acceptable_trace_id(value: &[u8]) -> bool {
    (1..=MAX_TRACE_ID).contains(&value.len())
        && value
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.:~/+=".contains(b))
}
