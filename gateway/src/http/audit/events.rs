//! `GET /v1/audit/events`: the global log, filtered, in feed order; a page with a cursor, or with
//! `Accept: application/x-ndjson` every matching event streamed one per line.

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, Uri};
use axum::response::{IntoResponse, Response};
use futures::{StreamExt, TryStreamExt};
use serde::Serialize;
use utoipa::ToSchema;

use super::view::EventView;
use crate::access::Caller;
use crate::app::audit::{log, Asked, EventsQuery};
use crate::http::{ApiJson, ErrorBody, Refusal};
use crate::state::AppState;

const NDJSON: &str = "application/x-ndjson";

/// One page of the log.
#[derive(Serialize, ToSchema)]
pub struct EventsPage {
    /// In feed order.
    events: Vec<EventView>,
    /// Send it back as `cursor` (with the same filters) for the next page; `null` when no more
    /// events match now.
    next_cursor: Option<String>,
}

/// The global event log for auditors, in feed order (the order every projection applied it),
/// with each event's metadata and hashes. Every read is recorded. With `Accept:
/// application/x-ndjson` the whole matching log (from `cursor`, if given; `limit` does not
/// apply) is streamed as one JSON event per line.
#[utoipa::path(get, path = "/v1/audit/events", tag = "audit",
    security(("bearer" = [])),
    params(
        ("from_position" = Option<i64>, Query, description = "Only events at this global position or later"),
        ("to_position" = Option<i64>, Query, description = "Only events at this global position or earlier"),
        ("from" = Option<String>, Query, description = "Only events recorded at this RFC 3339 time or later"),
        ("to" = Option<String>, Query, description = "Only events recorded at this RFC 3339 time or earlier"),
        ("aggregate_type" = Option<String>, Query, description = "Only streams of this type: account, admin_roster, email_claim, initiative, community, thread, joint_project, publication"),
        ("aggregate_id" = Option<String>, Query, description = "Only the stream with this id"),
        ("event_type" = Option<String>, Query, description = "Only events of this type (e.g. InitiativeApproved, RoleGranted)"),
        ("actor" = Option<String>, Query, description = "Only events caused by this actor: an account id, `anonymous` or `system:<name>`"),
        ("correlation_id" = Option<String>, Query, description = "Only events written under this correlation id (a request and what it caused)"),
        ("limit" = Option<usize>, Query, description = "Events per page, 1 to 1000 (default 100)"),
        ("cursor" = Option<String>, Query, description = "`next_cursor` of the previous page, sent with the same filters")),
    responses(
        (status = 200, description = "A page of events (or, for Accept: application/x-ndjson, every matching event, one JSON object per line)", body = EventsPage),
        (status = 400, description = "An unknown parameter, aggregate type or event type; a value that does not parse; a reversed range; a cursor that is garbled or belongs to another query", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Neither an auditor nor an admin", body = ErrorBody),
        (status = 503, description = "The read could not be recorded, so it is not answered", body = ErrorBody)))]
pub async fn audit_events(
    State(state): State<AppState>,
    caller: Caller,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, Refusal> {
    let query = EventsQuery::parse(uri.query().unwrap_or_default())?;
    let asked = Asked {
        path: uri.path(),
        query: uri.query().unwrap_or_default(),
    };
    if wants_ndjson(&headers) {
        let lines = log::export(&state, &caller, query, asked, |e| EventView::from(e)).await?;
        return Ok(ndjson(lines));
    }
    let page = log::page(&state, &caller, &query, asked).await?;
    let page = EventsPage {
        events: page.events.iter().map(EventView::from).collect(),
        next_cursor: page.next_cursor,
    };
    Ok(ApiJson(page).into_response())
}

/// Whether the client lists `application/x-ndjson` among the types it accepts.
fn wants_ndjson(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .filter_map(|item| item.split(';').next())
        .any(|media| media.trim().eq_ignore_ascii_case(NDJSON))
}

/// The export as a streamed body. A failure after the first bytes cannot become an error status
/// any more: the connection is cut, so the client sees an incomplete body rather than a
/// complete-looking short one.
pub fn ndjson(
    lines: impl futures::Stream<Item = Result<Vec<u8>, store::StoreError>> + Send + 'static,
) -> Response {
    let body = lines.map_ok(Bytes::from).inspect_err(|error| {
        tracing::error!(%error, "the audit NDJSON stream failed; the connection is cut");
    });
    let mut response = Body::from_stream(body.boxed()).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(NDJSON));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ndjson_is_chosen_only_when_listed() {
        let with = |accept: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::ACCEPT, HeaderValue::from_str(accept).unwrap());
            wants_ndjson(&headers)
        };
        assert!(with("application/x-ndjson"));
        assert!(with("text/plain, Application/X-NDJSON; q=0.9"));
        assert!(!with("application/json"));
        assert!(!with("*/*"));
        assert!(!wants_ndjson(&HeaderMap::new()));
    }
}
