//! `GET /v1/audit/projections/{name}/verify`: folds the projection afresh from the start of the
//! feed, beside the live one, up to exactly the live one's checkpoint, and compares the two as
//! JSON (their snapshot form). Equal, or the first places where they differ
//! (`app::audit::integrity`).

use axum::extract::{Path, State};
use axum::http::Uri;

use crate::access::Caller;
use crate::app::audit::integrity::{self, ProjectionCheck};
use crate::app::audit::Asked;
use crate::http::{ApiJson, ErrorBody, Refusal};
use crate::state::AppState;

/// Rebuilds a projection from scratch beside the live one, up to the live one's checkpoint, and
/// says whether the two are equal or where they first differ. The rebuild reads the whole feed
/// up to there: on a large log, `articula replay` is the tool. Every read is recorded.
#[utoipa::path(get, path = "/v1/audit/projections/{name}/verify", tag = "audit",
    security(("bearer" = [])),
    params(("name" = String, Path, description = "The projection: event_counts, account_directory, gathering_calendar, map, statistics, memberships, matching, moderation_queue, library, communities or joint_projects (as /ready lists them)")),
    responses(
        (status = 200, description = "The comparison", body = ProjectionCheck),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Neither an auditor nor an admin", body = ErrorBody),
        (status = 404, description = "No projection has this name (the message lists them)", body = ErrorBody),
        (status = 503, description = "The read could not be recorded, so it is not answered", body = ErrorBody)))]
pub async fn verify_projection(
    State(state): State<AppState>,
    caller: Caller,
    uri: Uri,
    Path(name): Path<String>,
) -> Result<ApiJson<ProjectionCheck>, Refusal> {
    integrity::projection_name(&name)?;
    if let Some(unexpected) = uri.query().filter(|q| !q.is_empty()) {
        return Err(Refusal::invalid_input(format!(
            "this takes no query parameters (got `{unexpected}`)"
        )));
    }
    let asked = Asked {
        path: uri.path(),
        query: "",
    };
    let check = integrity::verify_projection(&state, &caller, &name, asked).await?;
    Ok(ApiJson(check))
}
