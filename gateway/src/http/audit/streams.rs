//! `GET /v1/audit/streams/{type}/{id}`: one stream's whole history with metadata and hashes, the
//! aggregate's state after each event (folded with the domain's own `apply`), and whether the
//! stream's hash chain holds.

use axum::extract::{Path, State};
use axum::http::Uri;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::view::EventView;
use crate::access::Caller;
use crate::app::audit::history::{self, Stream};
use crate::app::audit::Asked;
use crate::http::reading::parse_limit;
use crate::http::{ApiJson, ErrorBody, Refusal};
use crate::state::AppState;

const DEFAULT_LIMIT: usize = 100;
const MAX_LIMIT: usize = 1_000;

/// A page of one stream's history.
#[derive(Serialize, ToSchema)]
pub struct StreamHistory {
    aggregate_type: String,
    aggregate_id: String,
    /// How many events the stream has in all.
    total_events: usize,
    /// Events after `after_sequence`, by sequence, each with the state after it.
    events: Vec<StreamEvent>,
    /// Send it as `after_sequence` for the next page; `null` on the last page.
    next_after_sequence: Option<i64>,
    /// Whether the stream's hash chain holds over its whole history (not only this page).
    chain: ChainCheck,
}

#[derive(Serialize, ToSchema)]
pub struct StreamEvent {
    #[serde(flatten)]
    event: EventView,
    /// The aggregate's state after this event, folded from the stream's first event (`null` if
    /// it could not be folded: see `state_error`).
    #[schema(value_type = Option<Object>)]
    state: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    state_error: Option<String>,
}

#[derive(Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct ChainCheck {
    ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    first_break: Option<ChainBreak>,
}

#[derive(Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct ChainBreak {
    sequence: i64,
    reason: String,
}

/// One stream's history for auditors: every event with its metadata and hash, the aggregate's
/// state after each, and a check of the stream's hash chain. Pages go by sequence; states are
/// always folded from the first event. Every read is recorded.
#[utoipa::path(get, path = "/v1/audit/streams/{type}/{id}", tag = "audit",
    security(("bearer" = [])),
    params(
        ("type" = String, Path, description = "The aggregate type: account, admin_roster, email_claim, initiative, community, thread, joint_project, publication"),
        ("id" = String, Path, description = "The stream id (a UUID; an email digest for email_claim; `admins` for admin_roster)"),
        ("after_sequence" = Option<i64>, Query, description = "Only events after this sequence (default 0: from the first)"),
        ("limit" = Option<usize>, Query, description = "Events per page, 1 to 1000 (default 100)")),
    responses(
        (status = 200, description = "The stream's history", body = StreamHistory),
        (status = 400, description = "An id not of this type's shape, an unknown parameter or a bad value", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Neither an auditor nor an admin", body = ErrorBody),
        (status = 404, description = "No such aggregate type (the message lists them), or no event in this stream", body = ErrorBody),
        (status = 503, description = "The read could not be recorded, so it is not answered", body = ErrorBody)))]
pub async fn audit_stream(
    State(state): State<AppState>,
    caller: Caller,
    uri: Uri,
    Path((aggregate_type, raw_id)): Path<(String, String)>,
) -> Result<ApiJson<StreamHistory>, Refusal> {
    let (kind, id) = history::stream_id(&aggregate_type, &raw_id)?;
    let (after_sequence, limit) = paging(uri.query().unwrap_or_default())?;
    let asked = Asked {
        path: uri.path(),
        query: uri.query().unwrap_or_default(),
    };
    let history = history::read(&state, &caller, Stream { kind, id: &id }, asked).await?;
    let total_events = history.events.len();
    let chain = ChainCheck::of(history.chain_break);
    let mut shown: Vec<StreamEvent> = history
        .events
        .into_iter()
        .filter(|(event, _)| event.sequence > after_sequence)
        .take(limit + 1)
        .map(|(event, state)| StreamEvent {
            event: EventView::from(&event),
            state_error: state.as_ref().err().cloned(),
            state: state.ok(),
        })
        .collect();
    let more = shown.len() > limit;
    shown.truncate(limit);
    Ok(ApiJson(StreamHistory {
        aggregate_type: kind.name.to_string(),
        aggregate_id: id,
        total_events,
        next_after_sequence: shown.last().filter(|_| more).map(|e| e.event.sequence),
        events: shown,
        chain,
    }))
}

fn paging(query: &str) -> Result<(i64, usize), Refusal> {
    let mut after_sequence = 0;
    let mut limit = DEFAULT_LIMIT;
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        match key.as_ref() {
            "after_sequence" => {
                after_sequence =
                    value
                        .parse::<i64>()
                        .ok()
                        .filter(|n| *n >= 0)
                        .ok_or_else(|| {
                            Refusal::invalid_input(format!(
                                "after_sequence must be a whole number, 0 or more (got `{value}`)"
                            ))
                        })?;
            }
            "limit" => limit = parse_limit(&value, MAX_LIMIT)?,
            other => {
                return Err(Refusal::invalid_input(format!(
                    "unknown query parameter `{other}`: a stream's history takes after_sequence \
                     and limit"
                )))
            }
        }
    }
    Ok((after_sequence, limit))
}

impl ChainCheck {
    fn of(first_break: Option<store::chain::Break>) -> Self {
        Self {
            ok: first_break.is_none(),
            first_break: first_break.map(|broken| ChainBreak {
                sequence: broken.sequence,
                reason: broken.reason,
            }),
        }
    }
}

/// Recomputes the stream's hashes from its first event and names the first event where they do
/// not hold.
#[cfg(test)]
fn check_chain(events: &[store::chain::ChainedEvent]) -> ChainCheck {
    ChainCheck::of(store::chain::check_stream(events))
}

#[cfg(test)]
mod tests {
    use super::*;
    use store::chain::{event_hash, ChainedEvent, EventContent, EventHash};

    fn stream(payloads: &[&str]) -> Vec<ChainedEvent> {
        let mut previous = EventHash::GENESIS;
        payloads
            .iter()
            .zip(1..)
            .map(|(payload, sequence)| {
                let metadata = r#"{"actor":"anonymous"}"#;
                let hash = event_hash(
                    &EventContent {
                        aggregate_type: "thread",
                        aggregate_id: "t",
                        sequence,
                        event_type: "ThreadReplyPosted",
                        event_version: "1",
                        payload: &serde_json::from_str(payload).unwrap(),
                        metadata: &serde_json::from_str(metadata).unwrap(),
                    },
                    &previous,
                );
                previous = hash;
                ChainedEvent {
                    position: sequence,
                    tx: 0,
                    aggregate_type: "thread".into(),
                    aggregate_id: "t".into(),
                    sequence,
                    event_type: "ThreadReplyPosted".into(),
                    event_version: "1".into(),
                    payload: payload.to_string(),
                    metadata: metadata.into(),
                    recorded_at: chrono::Utc::now(),
                    hash: Some(hash),
                    sealed: None,
                }
            })
            .collect()
    }

    #[test]
    fn an_intact_stream_holds_and_each_kind_of_break_is_named() {
        let events = stream(&[r#"{"a":1}"#, r#"{"a":2}"#, r#"{"a":3}"#]);
        assert_eq!(
            check_chain(&events),
            ChainCheck {
                ok: true,
                first_break: None
            }
        );

        let mut edited = events.clone();
        edited[1].payload = r#"{"a":20}"#.into();
        let check = check_chain(&edited);
        assert_eq!(check.first_break.map(|b| b.sequence), Some(2));

        let mut gap = events.clone();
        gap.remove(1);
        let check = check_chain(&gap);
        let first_break = check.first_break.unwrap();
        assert_eq!(first_break.sequence, 3);
        assert!(
            first_break.reason.contains("event 2"),
            "{}",
            first_break.reason
        );

        let mut unhashed = events;
        unhashed[0].hash = None;
        assert!(!check_chain(&unhashed).ok);
    }

    #[test]
    fn paging_parameters_are_checked() {
        assert_eq!(paging("").unwrap(), (0, DEFAULT_LIMIT));
        assert_eq!(paging("after_sequence=4&limit=2").unwrap(), (4, 2));
        assert!(paging("after_sequence=-1").is_err());
        assert!(paging("limit=0").is_err());
        assert!(paging("page=2").is_err());
    }
}
