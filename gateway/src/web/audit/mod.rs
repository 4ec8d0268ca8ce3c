//! The auditors' pages (`/audit/…`) and the administrators' (`/admin/…`): thin adapters over
//! `app::audit`, `app::administration` and `app::operations`, which decide who may read what
//! and record every audit read. A visitor is sent to sign in first; a signed-in reader without
//! the role gets the 403 page (and never sees the links in the header).
//!
//! * [`log`]: the event log as a timeline with filters, paged by cursor; the NDJSON export.
//! * [`record`]: every version of a record and the differences between two of them.
//! * [`trace`]: everything that shares a correlation id, as a tree.
//! * [`integrity`]: verifying the hash chains and the projections.
//! * [`as_of`]: the platform as it stood at a moment or position.
//! * [`accounts`], [`operations`]: the administrators' pages.

mod accounts;
mod as_of;
mod events;
mod integrity;
mod log;
mod operations;
mod record;
mod trace;

pub use as_of::past;

use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;

use super::account::see_other;
use super::page::{Problem, Reader};
use super::Web;
use crate::access::Access;
use crate::app::audit::Asked;

pub fn routes() -> Router<Web> {
    Router::new()
        .route("/audit/log", get(log::page))
        .route("/audit/export.ndjson", get(log::export))
        .route("/audit/records/{kind}/{id}", get(record::page))
        .route("/audit/trace/{correlation}", get(trace::page))
        .route("/audit/integrity", get(integrity::page))
        .route("/audit/as-of", get(as_of::page))
        .route("/admin/accounts", get(accounts::list))
        .route("/admin/accounts/{id}", get(accounts::one))
        .route("/admin/accounts/{id}/roles", post(accounts::change_role))
        .route(
            "/admin/accounts/{id}/sign-out-everywhere",
            post(accounts::sign_out_everywhere),
        )
        .route(
            "/admin/accounts/{id}/erasure",
            get(accounts::confirm_erasure).post(accounts::erase),
        )
        .route("/admin/operations", get(operations::page))
        .route(
            "/admin/operations/notifications/{id}/retry",
            post(operations::retry),
        )
}

/// Lets in a reader `access` admits; otherwise the answer to give instead: a visitor is sent to
/// sign in and come back, anyone else is refused with the 403 page.
pub(super) fn gate(reader: &Reader, access: Access) -> Option<Result<Response, Problem>> {
    match access.admits(&reader.caller) {
        Ok(()) => None,
        Err(_) if reader.caller.actor().is_none() => {
            let back = form_urlencoded::Serializer::new(String::new())
                .append_pair("next", &reader.path)
                .finish();
            Some(Ok(see_other(reader, &format!("/sign-in?{back}"))))
        }
        Err(refusal) => Some(Err(reader.refused(refusal))),
    }
}

/// What a page records of its query in `audit_reads`: only the parameters it knows, and only
/// plain values (letters, digits and `-_.:~/+=`, as a trace id), so that nothing typed into
/// another parameter (an email address, say) is stored.
pub(super) fn query_string(reader: &Reader, known: &[&str]) -> String {
    let mut serializer = form_urlencoded::Serializer::new(String::new());
    for (key, value) in &reader.query {
        let value = value.trim();
        if known.contains(&key.as_str())
            && crate::app::audit::is_acceptable_trace_id(value.as_bytes())
        {
            serializer.append_pair(key, value);
        }
    }
    serializer.finish()
}

/// What the page's read is recorded as.
pub(super) fn asked<'a>(reader: &'a Reader, query: &'a str) -> Asked<'a> {
    Asked {
        path: &reader.path,
        query,
    }
}

/// A time from a form's `datetime-local` field (`2024-06-30T12:00`, read as UTC) or given in
/// full (RFC 3339), as RFC 3339; `None` if it is neither.
pub(super) fn form_time(value: &str) -> Option<String> {
    let value = value.trim();
    if chrono::DateTime::parse_from_rfc3339(value).is_ok() {
        return Some(value.to_owned());
    }
    for format in ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"] {
        if let Ok(at) = chrono::NaiveDateTime::parse_from_str(value, format) {
            return Some(
                at.and_utc()
                    .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            );
        }
        if let Ok(day) = chrono::NaiveDate::parse_from_str(value, format) {
            let at = day.and_hms_opt(0, 0, 0)?.and_utc();
            return Some(at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::form_time;

    #[test]
    fn times_from_forms_are_read_as_utc() {
        assert_eq!(
            form_time("2024-06-30T12:05").as_deref(),
            Some("2024-06-30T12:05:00Z")
        );
        assert_eq!(
            form_time("2024-06-30").as_deref(),
            Some("2024-06-30T00:00:00Z")
        );
        assert_eq!(
            form_time("2024-06-30T12:05:00-03:00").as_deref(),
            Some("2024-06-30T12:05:00-03:00")
        );
        assert_eq!(form_time("yesterday"), None);
    }
}
