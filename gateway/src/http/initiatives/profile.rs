//! Changing an initiative's profile, and the review of changes that need one.

use axum::extract::{Path, State};
use chrono::Utc;
use domain::initiative::InitiativeCommand;

use super::requests::{ProfileChangeRequest, ReasonRequest};
use super::{run, target};
use crate::app::moderation::review::Decision;
use crate::http::command::{self, Acting, WriteAnswer};
use crate::http::{ApiJson, ErrorBody, Refusal, Written};
use crate::state::AppState;
use projections::QueueKind;

/// Manager: changes the profile. Before approval every change applies at once (the moderator
/// reviews the profile as it is when they decide). On an approved initiative, changes to name,
/// kind, country, region or location wait for a moderator (`pending_change`, one at a time);
/// the other fields apply at once. Fields that already hold the value sent are ignored, so
/// resending a form writes nothing.
#[utoipa::path(patch, path = "/v1/initiatives/{id}/profile", tag = "initiatives",
    security(("bearer" = [])), request_body = ProfileChangeRequest,
    params(("id" = String, Path, format = Uuid, description = "Initiative id"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` you read; 412 if it changed since")),
    responses(
        (status = 200, description = "Changed, or proposed for review", body = Written,
            headers(("ETag" = String, description = "The new version"))),
        (status = 400, description = "A field is invalid (each is named)", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a manager of this initiative", body = ErrorBody),
        (status = 404, description = "No such initiative", body = ErrorBody),
        (status = 409, description = "Retired, or another change awaits review; `current` has its status",
            body = ErrorBody),
        (status = 412, description = "It changed since the `If-Match` version", body = ErrorBody),
        (status = 422, description = "A rule says no (e.g. founding year in the future)", body = ErrorBody)))]
pub(super) async fn update(
    State(state): State<AppState>,
    acting: Acting,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ProfileChangeRequest>,
) -> Result<WriteAnswer, Refusal> {
    let changes = body.parse()?;
    let expected = command::expected_version(&state.initiatives, &id, &acting.if_match).await?;
    let metadata = acting.metadata("UpdateInitiativeProfile");
    let committed = crate::app::initiatives::manage::update_profile(
        &state,
        &acting.actor,
        &id,
        changes,
        expected,
        metadata,
    )
    .await?;
    Ok(command::answer(&committed, None))
}

/// Moderator: applies the profile change awaiting review (not on an initiative they manage).
/// Send the `ETag` you read in `If-Match`, so that you approve the change you saw.
#[utoipa::path(post, path = "/v1/initiatives/{id}/profile-change/approval", tag = "initiatives",
    security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid, description = "Initiative id"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` you read; 412 if it changed since")),
    responses(
        (status = 200, description = "Applied", body = Written,
            headers(("ETag" = String, description = "The new version"))),
        (status = 400, description = "The id is not a UUID", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a moderator, or a manager of this initiative", body = ErrorBody),
        (status = 404, description = "No such initiative", body = ErrorBody),
        (status = 409, description = "No change awaits review; `current` has its status", body = ErrorBody),
        (status = 412, description = "It changed since the `If-Match` version", body = ErrorBody)))]
pub(super) async fn approve_change(
    State(state): State<AppState>,
    acting: Acting,
    Path(id): Path<String>,
) -> Result<WriteAnswer, Refusal> {
    super::decide(
        &state,
        &acting,
        QueueKind::ProfileChange,
        &id,
        Decision::Approve,
    )
    .await
}

/// Moderator: discards the profile change awaiting review, saying why.
#[utoipa::path(post, path = "/v1/initiatives/{id}/profile-change/rejection", tag = "initiatives",
    security(("bearer" = [])), request_body = ReasonRequest,
    params(("id" = String, Path, format = Uuid, description = "Initiative id"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` you read; 412 if it changed since")),
    responses(
        (status = 200, description = "Discarded", body = Written,
            headers(("ETag" = String, description = "The new version"))),
        (status = 400, description = "The reason is missing or too long", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a moderator, or a manager of this initiative", body = ErrorBody),
        (status = 404, description = "No such initiative", body = ErrorBody),
        (status = 409, description = "No change awaits review; `current` has its status", body = ErrorBody),
        (status = 412, description = "It changed since the `If-Match` version", body = ErrorBody)))]
pub(super) async fn reject_change(
    State(state): State<AppState>,
    acting: Acting,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ReasonRequest>,
) -> Result<WriteAnswer, Refusal> {
    let reason = body.parse()?;
    let decision = Decision::Reject(reason.as_str().to_owned());
    super::decide(&state, &acting, QueueKind::ProfileChange, &id, decision).await
}

/// Manager: takes back the profile change awaiting review (e.g. to send a corrected one).
#[utoipa::path(delete, path = "/v1/initiatives/{id}/profile-change", tag = "initiatives",
    security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid, description = "Initiative id"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` you read; 412 if it changed since")),
    responses(
        (status = 200, description = "Withdrawn", body = Written,
            headers(("ETag" = String, description = "The new version"))),
        (status = 400, description = "The id is not a UUID", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a manager of this initiative", body = ErrorBody),
        (status = 404, description = "No such initiative", body = ErrorBody),
        (status = 409, description = "No change awaits review; `current` has its status", body = ErrorBody),
        (status = 412, description = "It changed since the `If-Match` version", body = ErrorBody)))]
pub(super) async fn withdraw_change(
    State(state): State<AppState>,
    acting: Acting,
    Path(id): Path<String>,
) -> Result<WriteAnswer, Refusal> {
    let loaded = target(&state, &id, &acting.if_match).await?;
    let command = InitiativeCommand::WithdrawProfileChange {
        actor: acting.actor.clone(),
        at: Utc::now(),
    };
    run(&state, &acting, &loaded, command, "WithdrawProfileChange").await
}
