//! `GET /v1/audit/projections/{name}/verify`: folds the projection afresh from the start of the
//! feed, beside the live one, up to exactly the live one's checkpoint, and compares the two as
//! JSON (their snapshot form). Equal, or the first places where they differ.

use axum::extract::{Path, State};
use axum::http::Uri;
use projections::{
    fold, AccountDirectory, CommunityDirectory, EventCounts, FoldError, GatheringCalendar,
    InitiativeMap, Library, Memberships, ModerationQueue, ProjectDirectory, ProjectMatching,
    Projection, ProjectionHandle, Statistics, Until,
};
use serde::Serialize;
use utoipa::ToSchema;

use super::diff::{first_differences, Difference};
use super::record;
use crate::access::Caller;
use crate::http::{ApiJson, ErrorBody, Refusal};
use crate::state::AppState;

/// How many differences an answer lists at most.
const MAX_DIFFERENCES: usize = 10;

/// Every projection this API can verify, by name.
pub const PROJECTIONS: [&str; 11] = [
    EventCounts::NAME,
    AccountDirectory::NAME,
    GatheringCalendar::NAME,
    InitiativeMap::NAME,
    Statistics::NAME,
    Memberships::NAME,
    ProjectMatching::NAME,
    ModerationQueue::NAME,
    Library::NAME,
    CommunityDirectory::NAME,
    ProjectDirectory::NAME,
];

/// The outcome of a comparison.
#[derive(Serialize, ToSchema)]
pub struct ProjectionCheck {
    projection: String,
    /// The global position both models were compared at: the live one's checkpoint (0 if it
    /// has applied nothing yet).
    position: i64,
    /// Whether the rebuilt model equals the live one.
    equal: bool,
    /// The first places (at most 10) where they differ.
    differences: Vec<Difference>,
    /// Why the live projection stopped, if it has (it is then compared where it stopped).
    #[serde(skip_serializing_if = "Option::is_none")]
    live_stopped: Option<String>,
    /// Why a rebuild from scratch could not get as far as the live one, if it could not.
    #[serde(skip_serializing_if = "Option::is_none")]
    rebuild_failed: Option<String>,
}

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
    if !PROJECTIONS.contains(&name.as_str()) {
        return Err(Refusal::NotFound(format!(
            "there is no projection `{name}`: use one of {}",
            PROJECTIONS.join(", ")
        )));
    }
    if let Some(unexpected) = uri.query().filter(|q| !q.is_empty()) {
        return Err(Refusal::invalid_input(format!(
            "this takes no query parameters (got `{unexpected}`)"
        )));
    }
    record::record_read(&state, &caller, &uri).await?;
    let read = &state.read;
    let check = match name.as_str() {
        EventCounts::NAME => compare(&state, &read.event_counts).await,
        AccountDirectory::NAME => compare(&state, &read.directory).await,
        GatheringCalendar::NAME => compare(&state, &read.calendar).await,
        InitiativeMap::NAME => compare(&state, &read.map).await,
        Statistics::NAME => compare(&state, &read.statistics).await,
        Memberships::NAME => compare(&state, &read.memberships).await,
        ProjectMatching::NAME => compare(&state, &read.matching).await,
        ModerationQueue::NAME => compare(&state, &read.moderation).await,
        Library::NAME => compare(&state, &read.library).await,
        CommunityDirectory::NAME => compare(&state, &read.communities).await,
        ProjectDirectory::NAME => compare(&state, &read.projects).await,
        _ => Err(Refusal::internal(format!(
            "projection `{name}` is listed but not wired"
        ))),
    }?;
    Ok(ApiJson(check))
}

async fn compare<P: Projection>(
    state: &AppState,
    live: &ProjectionHandle<P>,
) -> Result<ProjectionCheck, Refusal> {
    // The model and its checkpoint are read together, under the model's lock; the rebuild then
    // stops at exactly that event.
    let (live_json, at) = live
        .to_json_at()
        .map_err(|e| Refusal::internal(format!("{} cannot be serialised: {e}", P::NAME)))?;
    let mut check = ProjectionCheck {
        projection: P::NAME.to_string(),
        position: at.position,
        equal: false,
        differences: Vec::new(),
        live_stopped: live.status().failed,
        rebuild_failed: None,
    };
    let rebuilt = match fold::<P>(&state.log.feed(), Until::Position(at)).await {
        Ok((rebuilt, reached)) if reached == at => rebuilt,
        Ok((_, reached)) => {
            check.rebuild_failed = Some(format!(
                "the rebuild reached position {} of the feed, not {}",
                reached.position, at.position
            ));
            return Ok(check);
        }
        Err(FoldError::Failed(reason)) => {
            check.rebuild_failed = Some(reason);
            return Ok(check);
        }
        Err(FoldError::Store(error)) => return Err(error.into()),
    };
    let rebuilt_json = rebuilt.to_json().map_err(|e| {
        Refusal::internal(format!("the rebuilt {} cannot be serialised: {e}", P::NAME))
    })?;
    check.differences = first_differences(&live_json, &rebuilt_json, MAX_DIFFERENCES);
    check.equal = check.differences.is_empty();
    Ok(check)
}

#[cfg(test)]
mod tests {
    use projections::EngineBuilder;

    use super::*;

    /// Every projection the server runs can be verified, and nothing else is listed.
    #[tokio::test]
    async fn the_list_is_every_registered_projection() {
        let (_dir, log) = store::testing::sqlite_log().await;
        let mut builder = EngineBuilder::new(log.feed());
        projections::ReadModels::register(&mut builder);
        let mut registered = builder.names();
        registered.sort_unstable();
        let mut listed = PROJECTIONS.to_vec();
        listed.sort_unstable();
        assert_eq!(listed, registered);
    }
}
