//! Registering and reading an initiative, its review, re-confirmation and retirement.

use axum::extract::{Path, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::HeaderValue;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use chrono::Utc;
use domain::initiative::InitiativeCommand;
use domain::values::InitiativeId;

use super::requests::{OptionalReasonRequest, ReasonRequest, RegisterRequest};
use super::views::InitiativeView;
use super::{not_found, run, target};
use crate::access::Caller;
use crate::app;
use crate::app::initiatives::ProfileFields;
use crate::app::moderation::review::Decision;
use crate::http::command::{self, etag, Acting, WriteAnswer};
use crate::http::{ApiJson, ErrorBody, Refusal, Written};
use crate::state::AppState;
use projections::QueueKind;

/// Registers an initiative for review; the caller becomes its first manager. It is public once
/// a moderator approves it.
#[utoipa::path(post, path = "/v1/initiatives", tag = "initiatives", security(("bearer" = [])),
    request_body = RegisterRequest,
    params(("If-Match" = Option<String>, Header, description = "Only `\"0\"` (a new stream) passes")),
    responses(
        (status = 201, description = "Registered and awaiting review; `id` is the initiative's",
            body = Written, headers(("ETag" = String, description = "The new version"))),
        (status = 400, description = "A field is missing or invalid (each is named)", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 412, description = "`If-Match` does not match", body = ErrorBody),
        (status = 422, description = "A rule says no (e.g. founding year in the future)", body = ErrorBody)))]
pub(super) async fn register(
    State(state): State<AppState>,
    acting: Acting,
    ApiJson(body): ApiJson<RegisterRequest>,
) -> Result<WriteAnswer, Refusal> {
    let profile = ProfileFields::from(body).into_profile(Vec::new())?;
    let id = InitiativeId::new();
    let created = id.to_string();
    let expected =
        command::expected_version(&state.initiatives, &created, &acting.if_match).await?;
    let metadata = acting.metadata_creating("RegisterInitiative", &created);
    let committed =
        app::initiatives::register(&state, &acting.actor, id, profile, metadata, expected).await?;
    Ok(command::answer(&committed, Some(id.to_string())))
}

/// One initiative. Approved ones are public; submitted or rejected ones are shown only to their
/// managers and to moderators (404 to anyone else), as are the pending profile change and the
/// pending management requests.
#[utoipa::path(get, path = "/v1/initiatives/{id}", tag = "initiatives",
    params(("id" = String, Path, format = Uuid, description = "Initiative id")),
    responses(
        (status = 200, description = "The initiative", body = InitiativeView,
            headers(("ETag" = String, description = "The version, for `If-Match`"))),
        (status = 400, description = "The id is not a UUID", body = ErrorBody),
        (status = 404, description = "No such initiative, or not visible to the caller", body = ErrorBody)))]
pub(super) async fn read(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, Refusal> {
    let seen = app::initiatives::read(&state, &caller, &id).await?;
    let now = Utc::now();
    let view = || {
        InitiativeView::of(&seen.initiative, seen.version, seen.insider, now).ok_or_else(not_found)
    };
    if seen.insider {
        return Ok((etag(seen.version), ApiJson(view()?)).into_response());
    }
    // The public answer is the same bytes for every reader while the version and the stale
    // flag stay (`answers.rs`).
    let stale = seen.initiative.is_stale(now);
    let answers = &state.initiative_answers;
    let body = match answers.get(seen.id, seen.version, stale) {
        Some(body) => body,
        None => {
            let view = view()?;
            let body = Bytes::from(serde_json::to_vec(&view).map_err(|e| {
                Refusal::internal(format!("an initiative's view does not serialize: {e}"))
            })?);
            answers.keep(seen.id, seen.version, stale, body.clone());
            body
        }
    };
    let json = [(CONTENT_TYPE, HeaderValue::from_static("application/json"))];
    Ok((etag(seen.version), json, body).into_response())
}

/// Moderator: publishes a submitted initiative (not one they manage).
#[utoipa::path(post, path = "/v1/initiatives/{id}/approval", tag = "initiatives",
    security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid, description = "Initiative id"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` you read; 412 if it changed since")),
    responses(
        (status = 200, description = "Approved", body = Written,
            headers(("ETag" = String, description = "The new version"))),
        (status = 400, description = "The id is not a UUID", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a moderator, or a manager of this initiative", body = ErrorBody),
        (status = 404, description = "No such initiative", body = ErrorBody),
        (status = 409, description = "Not awaiting review; `current` has its status", body = ErrorBody),
        (status = 412, description = "It changed since the `If-Match` version", body = ErrorBody)))]
pub(super) async fn approve(
    State(state): State<AppState>,
    acting: Acting,
    Path(id): Path<String>,
) -> Result<WriteAnswer, Refusal> {
    super::decide(
        &state,
        &acting,
        QueueKind::Initiative,
        &id,
        Decision::Approve,
    )
    .await
}

/// Moderator: refuses a submitted initiative, saying why (its managers may fix and resubmit).
#[utoipa::path(post, path = "/v1/initiatives/{id}/rejection", tag = "initiatives",
    security(("bearer" = [])), request_body = ReasonRequest,
    params(("id" = String, Path, format = Uuid, description = "Initiative id"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` you read; 412 if it changed since")),
    responses(
        (status = 200, description = "Rejected", body = Written,
            headers(("ETag" = String, description = "The new version"))),
        (status = 400, description = "The reason is missing or too long", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a moderator, or a manager of this initiative", body = ErrorBody),
        (status = 404, description = "No such initiative", body = ErrorBody),
        (status = 409, description = "Not awaiting review; `current` has its status", body = ErrorBody),
        (status = 412, description = "It changed since the `If-Match` version", body = ErrorBody)))]
pub(super) async fn reject(
    State(state): State<AppState>,
    acting: Acting,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ReasonRequest>,
) -> Result<WriteAnswer, Refusal> {
    let reason = body.parse()?;
    let decision = Decision::Reject(reason.as_str().to_owned());
    super::decide(&state, &acting, QueueKind::Initiative, &id, decision).await
}

/// Manager: sends a rejected initiative back for review (usually after changing its profile).
#[utoipa::path(post, path = "/v1/initiatives/{id}/resubmission", tag = "initiatives",
    security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid, description = "Initiative id"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` you read; 412 if it changed since")),
    responses(
        (status = 200, description = "Submitted again", body = Written,
            headers(("ETag" = String, description = "The new version"))),
        (status = 400, description = "The id is not a UUID", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a manager of this initiative", body = ErrorBody),
        (status = 404, description = "No such initiative", body = ErrorBody),
        (status = 409, description = "Not rejected; `current` has its status", body = ErrorBody),
        (status = 412, description = "It changed since the `If-Match` version", body = ErrorBody)))]
pub(super) async fn resubmit(
    State(state): State<AppState>,
    acting: Acting,
    Path(id): Path<String>,
) -> Result<WriteAnswer, Refusal> {
    let loaded = target(&state, &id, &acting.if_match).await?;
    let command = InitiativeCommand::Resubmit {
        actor: acting.actor.clone(),
        at: Utc::now(),
    };
    run(&state, &acting, &loaded, command, "ResubmitInitiative").await
}

/// Manager: confirms that the approved profile is still accurate, which resets the 18 months
/// after which it is flagged stale.
#[utoipa::path(post, path = "/v1/initiatives/{id}/confirmation", tag = "initiatives",
    security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid, description = "Initiative id"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` you read; 412 if it changed since")),
    responses(
        (status = 200, description = "Confirmed", body = Written,
            headers(("ETag" = String, description = "The new version"))),
        (status = 400, description = "The id is not a UUID", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a manager of this initiative", body = ErrorBody),
        (status = 404, description = "No such initiative", body = ErrorBody),
        (status = 409, description = "Not approved; `current` has its status", body = ErrorBody),
        (status = 412, description = "It changed since the `If-Match` version", body = ErrorBody)))]
pub(super) async fn confirm(
    State(state): State<AppState>,
    acting: Acting,
    Path(id): Path<String>,
) -> Result<WriteAnswer, Refusal> {
    let expected = command::expected_version(&state.initiatives, &id, &acting.if_match).await?;
    let metadata = acting.metadata("ConfirmInitiative");
    let committed =
        app::initiatives::manage::confirm(&state, &acting.actor, &id, expected, metadata).await?;
    Ok(command::answer(&committed, None))
}

/// Manager or moderator: takes the initiative off the platform for good (send `{}` or a
/// `reason`). A retired initiative that had been approved stays readable, marked retired.
#[utoipa::path(post, path = "/v1/initiatives/{id}/retirement", tag = "initiatives",
    security(("bearer" = [])), request_body = OptionalReasonRequest,
    params(("id" = String, Path, format = Uuid, description = "Initiative id"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` you read; 412 if it changed since")),
    responses(
        (status = 200, description = "Retired", body = Written,
            headers(("ETag" = String, description = "The new version"))),
        (status = 400, description = "The reason is too long", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Neither a manager of this initiative nor a moderator", body = ErrorBody),
        (status = 404, description = "No such initiative", body = ErrorBody),
        (status = 409, description = "Already retired; `current` has its status", body = ErrorBody),
        (status = 412, description = "It changed since the `If-Match` version", body = ErrorBody)))]
pub(super) async fn retire(
    State(state): State<AppState>,
    acting: Acting,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<OptionalReasonRequest>,
) -> Result<WriteAnswer, Refusal> {
    let reason = body.parse()?;
    let loaded = target(&state, &id, &acting.if_match).await?;
    let command = InitiativeCommand::Retire {
        reason,
        actor: acting.actor.clone(),
        at: Utc::now(),
    };
    run(&state, &acting, &loaded, command, "RetireInitiative").await
}
