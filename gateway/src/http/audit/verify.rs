//! `GET /v1/audit/verify`: recomputes both hash chains over the whole log (`store::chain::verify`,
//! as `articula verify` does) and answers what it found.

use axum::extract::State;
use axum::http::Uri;
use serde::Serialize;
use store::chain::{Break, VerifyReport};
use utoipa::ToSchema;

use crate::access::Caller;
use crate::app::audit::{integrity, Asked};
use crate::http::{ApiJson, ErrorBody, Refusal};
use crate::state::AppState;

/// What verification found (the shape of `articula verify --json`).
#[derive(Serialize, ToSchema)]
pub struct VerifyView {
    /// Whether both chains hold over every event.
    ok: bool,
    /// Events checked (all of them when `ok`; those before the break otherwise).
    events: u64,
    /// Streams seen.
    streams: u64,
    /// The global chain's hash after the last event checked, recomputed (hex).
    head_hash: Option<String>,
    /// The global position of the last event checked.
    head_position: Option<i64>,
    /// Events at the end of the feed not sealed into the global chain yet (the sealer runs a
    /// moment behind commits); they are checked against their streams' chains only.
    unsealed: u64,
    /// The first place where a chain breaks.
    #[serde(skip_serializing_if = "Option::is_none")]
    first_break: Option<BreakView>,
}

/// The first event (or missing event) where a chain does not hold.
#[derive(Serialize, ToSchema)]
pub struct BreakView {
    /// content_changed, hash_missing, sequence_gap, out_of_order, chain_mismatch,
    /// event_deleted, link_missing or unreadable.
    kind: String,
    position: i64,
    aggregate_type: String,
    aggregate_id: String,
    sequence: i64,
    /// What is wrong there, for a person.
    reason: String,
}

impl From<VerifyReport> for VerifyView {
    fn from(report: VerifyReport) -> Self {
        Self {
            ok: report.ok,
            events: report.events,
            streams: report.streams,
            head_hash: report.head_hash.map(|h| h.to_hex()),
            head_position: report.head_position,
            unsealed: report.unsealed,
            first_break: report.first_break.map(BreakView::from),
        }
    }
}

impl From<Break> for BreakView {
    fn from(broken: Break) -> Self {
        let kind = serde_json::to_value(broken.kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_else(|| format!("{:?}", broken.kind));
        Self {
            kind,
            position: broken.position,
            aggregate_type: broken.aggregate_type,
            aggregate_id: broken.aggregate_id,
            sequence: broken.sequence,
            reason: broken.reason,
        }
    }
}

/// Recomputes every event's stream hash and every link of the global chain, and answers either
/// `ok` with the count and the head hash, or the first event that breaks a chain and why (200
/// either way). It reads the whole log: on a large one, `articula verify` is the tool. Every
/// read is recorded.
#[utoipa::path(get, path = "/v1/audit/verify", tag = "audit",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "What verification found; `ok` is false when a chain breaks", body = VerifyView),
        (status = 400, description = "A query parameter was sent (this takes none)", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Neither an auditor nor an admin", body = ErrorBody),
        (status = 503, description = "The read could not be recorded, so it is not answered", body = ErrorBody)))]
pub async fn verify_log(
    State(state): State<AppState>,
    caller: Caller,
    uri: Uri,
) -> Result<ApiJson<VerifyView>, Refusal> {
    if let Some(unexpected) = uri.query().filter(|q| !q.is_empty()) {
        return Err(Refusal::invalid_input(format!(
            "this takes no query parameters (got `{unexpected}`)"
        )));
    }
    let asked = Asked {
        path: uri.path(),
        query: "",
    };
    let report = integrity::verify_chain(&state, &caller, asked).await?;
    Ok(ApiJson(report.into()))
}
