//! Who manages an initiative: managers added and removed by managers or moderators, and members
//! asking to become one.

use axum::extract::{Path, State};
use chrono::Utc;
use domain::initiative::InitiativeCommand;

use super::requests::{ManagerRequest, OptionalReasonRequest};
use super::{parse_account, run, target};
use crate::app::initiatives::manage;
use crate::http::command::{self, Acting, WriteAnswer};
use crate::http::{ApiJson, ErrorBody, Refusal, Written};
use crate::state::AppState;

/// Manager or moderator: makes an active account a manager of the initiative.
#[utoipa::path(post, path = "/v1/initiatives/{id}/managers", tag = "initiatives",
    security(("bearer" = [])), request_body = ManagerRequest,
    params(("id" = String, Path, format = Uuid, description = "Initiative id"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` you read; 412 if it changed since")),
    responses(
        (status = 201, description = "Added; `id` is the account's", body = Written,
            headers(("ETag" = String, description = "The new version"))),
        (status = 400, description = "`account_id` is not a UUID", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Neither a manager of this initiative nor a moderator", body = ErrorBody),
        (status = 404, description = "No such initiative", body = ErrorBody),
        (status = 409, description = "Retired; `current` has its status", body = ErrorBody),
        (status = 412, description = "It changed since the `If-Match` version", body = ErrorBody),
        (status = 422, description = "Already a manager, or not an active account", body = ErrorBody)))]
pub(super) async fn add(
    State(state): State<AppState>,
    acting: Acting,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ManagerRequest>,
) -> Result<WriteAnswer, Refusal> {
    let account = parse_account(&body.account_id, "account_id")?;
    let expected = command::expected_version(&state.initiatives, &id, &acting.if_match).await?;
    let created = account.to_string();
    let metadata = acting.metadata_creating("AddManager", &created);
    let committed =
        manage::add_manager(&state, &acting.actor, &id, account, expected, metadata).await?;
    Ok(command::answer(&committed, Some(account.to_string())))
}

/// Manager or moderator: removes a manager (managers may remove themselves); the last manager
/// stays.
#[utoipa::path(delete, path = "/v1/initiatives/{id}/managers/{account_id}", tag = "initiatives",
    security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid, description = "Initiative id"),
        ("account_id" = String, Path, format = Uuid, description = "The manager's account"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` you read; 412 if it changed since")),
    responses(
        (status = 200, description = "Removed", body = Written,
            headers(("ETag" = String, description = "The new version"))),
        (status = 400, description = "An id is not a UUID", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Neither a manager of this initiative nor a moderator", body = ErrorBody),
        (status = 404, description = "No such initiative", body = ErrorBody),
        (status = 409, description = "Retired; `current` has its status", body = ErrorBody),
        (status = 412, description = "It changed since the `If-Match` version", body = ErrorBody),
        (status = 422, description = "Not a manager, or the last one", body = ErrorBody)))]
pub(super) async fn remove(
    State(state): State<AppState>,
    acting: Acting,
    Path((id, account_id)): Path<(String, String)>,
) -> Result<WriteAnswer, Refusal> {
    let account = parse_account(&account_id, "account_id")?;
    let expected = command::expected_version(&state.initiatives, &id, &acting.if_match).await?;
    let metadata = acting.metadata("RemoveManager");
    let committed =
        manage::remove_manager(&state, &acting.actor, &id, account, expected, metadata).await?;
    Ok(command::answer(&committed, None))
}

/// A member asks to become a manager of an initiative they can see; its managers or a moderator
/// decide.
#[utoipa::path(post, path = "/v1/initiatives/{id}/management-requests", tag = "initiatives",
    security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid, description = "Initiative id"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` you read; 412 if it changed since")),
    responses(
        (status = 201, description = "Asked; `id` is the caller's account", body = Written,
            headers(("ETag" = String, description = "The new version"))),
        (status = 400, description = "The id is not a UUID", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such initiative, or not visible to the caller", body = ErrorBody),
        (status = 409, description = "Retired; `current` has its status", body = ErrorBody),
        (status = 412, description = "It changed since the `If-Match` version", body = ErrorBody),
        (status = 422, description = "Already a manager, or already asked", body = ErrorBody)))]
pub(super) async fn request(
    State(state): State<AppState>,
    acting: Acting,
    Path(id): Path<String>,
) -> Result<WriteAnswer, Refusal> {
    let expected = command::expected_version(&state.initiatives, &id, &acting.if_match).await?;
    let created = acting.actor.account.to_string();
    let metadata = acting.metadata_creating("RequestManagement", &created);
    let committed =
        manage::request_management(&state, &acting.actor, &id, expected, metadata).await?;
    Ok(command::answer(&committed, Some(created)))
}

/// The caller takes back their own request to manage the initiative.
#[utoipa::path(delete, path = "/v1/initiatives/{id}/management-requests/mine", tag = "initiatives",
    security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid, description = "Initiative id"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` you read; 412 if it changed since")),
    responses(
        (status = 200, description = "Withdrawn", body = Written,
            headers(("ETag" = String, description = "The new version"))),
        (status = 400, description = "The id is not a UUID", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such initiative", body = ErrorBody),
        (status = 409, description = "Retired; `current` has its status", body = ErrorBody),
        (status = 412, description = "It changed since the `If-Match` version", body = ErrorBody),
        (status = 422, description = "The caller has no pending request", body = ErrorBody)))]
pub(super) async fn withdraw_request(
    State(state): State<AppState>,
    acting: Acting,
    Path(id): Path<String>,
) -> Result<WriteAnswer, Refusal> {
    let loaded = target(&state, &id, &acting.if_match).await?;
    let command = InitiativeCommand::WithdrawManagementRequest {
        actor: acting.actor.clone(),
        at: Utc::now(),
    };
    run(
        &state,
        &acting,
        &loaded,
        command,
        "WithdrawManagementRequest",
    )
    .await
}

/// Manager or moderator: grants a pending request; the requester becomes a manager.
#[utoipa::path(post, path = "/v1/initiatives/{id}/management-requests/{account_id}/approval",
    tag = "initiatives", security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid, description = "Initiative id"),
        ("account_id" = String, Path, format = Uuid, description = "The requester's account"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` you read; 412 if it changed since")),
    responses(
        (status = 200, description = "Granted", body = Written,
            headers(("ETag" = String, description = "The new version"))),
        (status = 400, description = "An id is not a UUID", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Neither a manager of this initiative nor a moderator", body = ErrorBody),
        (status = 404, description = "No such initiative", body = ErrorBody),
        (status = 409, description = "Retired; `current` has its status", body = ErrorBody),
        (status = 412, description = "It changed since the `If-Match` version", body = ErrorBody),
        (status = 422, description = "That account has no pending request", body = ErrorBody)))]
pub(super) async fn approve_request(
    State(state): State<AppState>,
    acting: Acting,
    Path((id, account_id)): Path<(String, String)>,
) -> Result<WriteAnswer, Refusal> {
    let account = parse_account(&account_id, "account_id")?;
    let loaded = target(&state, &id, &acting.if_match).await?;
    let command = InitiativeCommand::ApproveManagementRequest {
        account,
        actor: acting.actor.clone(),
        at: Utc::now(),
    };
    run(
        &state,
        &acting,
        &loaded,
        command,
        "ApproveManagementRequest",
    )
    .await
}

/// Manager or moderator: refuses a pending request (send `{}` or a `reason`).
#[utoipa::path(post, path = "/v1/initiatives/{id}/management-requests/{account_id}/decline",
    tag = "initiatives", security(("bearer" = [])), request_body = OptionalReasonRequest,
    params(("id" = String, Path, format = Uuid, description = "Initiative id"),
        ("account_id" = String, Path, format = Uuid, description = "The requester's account"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` you read; 412 if it changed since")),
    responses(
        (status = 200, description = "Declined", body = Written,
            headers(("ETag" = String, description = "The new version"))),
        (status = 400, description = "An id is not a UUID, or the reason is too long", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Neither a manager of this initiative nor a moderator", body = ErrorBody),
        (status = 404, description = "No such initiative", body = ErrorBody),
        (status = 409, description = "Retired; `current` has its status", body = ErrorBody),
        (status = 412, description = "It changed since the `If-Match` version", body = ErrorBody),
        (status = 422, description = "That account has no pending request", body = ErrorBody)))]
pub(super) async fn decline_request(
    State(state): State<AppState>,
    acting: Acting,
    Path((id, account_id)): Path<(String, String)>,
    ApiJson(body): ApiJson<OptionalReasonRequest>,
) -> Result<WriteAnswer, Refusal> {
    let account = parse_account(&account_id, "account_id")?;
    let reason = body.parse()?;
    let loaded = target(&state, &id, &acting.if_match).await?;
    let command = InitiativeCommand::DeclineManagementRequest {
        account,
        reason,
        actor: acting.actor.clone(),
        at: Utc::now(),
    };
    run(
        &state,
        &acting,
        &loaded,
        command,
        "DeclineManagementRequest",
    )
    .await
}
