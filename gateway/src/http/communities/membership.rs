//! Who belongs to a community: joining or asking to join, leaving, deciding requests, and
//! facilitators. The aggregate decides who may decide (facilitators and moderators, 403
//! otherwise); the routes only require a signed-in caller.

use axum::extract::{Path, State};

use super::requests::{DeclineRequest, PromoteRequest};
use super::{account_id, act_on_community, community_id};
use crate::app::communities::MembershipAction;
use crate::http::command::{Acting, WriteAnswer};
use crate::http::{ApiJson, ErrorBody, Refusal, Written};
use crate::state::AppState;

/// Joins a community: in an open one the caller is a member at once; in a moderated one this is
/// a request that a facilitator or moderator decides (read the community: `you` tells which).
#[utoipa::path(post, path = "/v1/communities/{id}/membership", tag = "communities",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "Community id"),
        ("If-Match" = Option<String>, Header, description = "The ETag last read")),
    responses(
        (status = 200, description = "Joined, or asked to join", body = Written,
            headers(("ETag" = String, description = "The community's new version"))),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such community", body = ErrorBody),
        (status = 412, description = "Changed since the ETag in If-Match", body = ErrorBody),
        (status = 422, description = "Already a member, or already asked", body = ErrorBody)))]
pub(super) async fn join(
    State(state): State<AppState>,
    acting: Acting,
    Path(id): Path<String>,
) -> Result<WriteAnswer, Refusal> {
    act_on_community(&state, &id, MembershipAction::Join, &acting).await
}

/// Leaves a community (facilitators too: the role goes with the membership).
#[utoipa::path(delete, path = "/v1/communities/{id}/membership", tag = "communities",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "Community id"),
        ("If-Match" = Option<String>, Header, description = "The ETag last read")),
    responses(
        (status = 200, description = "Left", body = Written,
            headers(("ETag" = String, description = "The community's new version"))),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such community", body = ErrorBody),
        (status = 412, description = "Changed since the ETag in If-Match", body = ErrorBody),
        (status = 422, description = "Not a member", body = ErrorBody)))]
pub(super) async fn leave(
    State(state): State<AppState>,
    acting: Acting,
    Path(id): Path<String>,
) -> Result<WriteAnswer, Refusal> {
    act_on_community(&state, &id, MembershipAction::Leave, &acting).await
}

/// Takes back the caller's own request to join, before anyone decided it.
#[utoipa::path(delete, path = "/v1/communities/{id}/join-request", tag = "communities",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "Community id"),
        ("If-Match" = Option<String>, Header, description = "The ETag last read")),
    responses(
        (status = 200, description = "Withdrawn", body = Written,
            headers(("ETag" = String, description = "The community's new version"))),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such community", body = ErrorBody),
        (status = 412, description = "Changed since the ETag in If-Match", body = ErrorBody),
        (status = 422, description = "No pending request from the caller", body = ErrorBody)))]
pub(super) async fn withdraw_join_request(
    State(state): State<AppState>,
    acting: Acting,
    Path(id): Path<String>,
) -> Result<WriteAnswer, Refusal> {
    let action = MembershipAction::WithdrawJoinRequest;
    act_on_community(&state, &id, action, &acting).await
}

/// Accepts a request to join: its author becomes a member. Facilitators and moderators.
#[utoipa::path(post, path = "/v1/communities/{id}/join-requests/{account_id}/acceptance",
    tag = "communities", security(("bearer" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "Community id"),
        ("account_id" = String, Path, format = Uuid, description = "Who asked to join"),
        ("If-Match" = Option<String>, Header, description = "The ETag last read")),
    responses(
        (status = 200, description = "Accepted", body = Written,
            headers(("ETag" = String, description = "The community's new version"))),
        (status = 400, description = "An id is not a UUID", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Neither a facilitator nor a moderator", body = ErrorBody),
        (status = 404, description = "No such community", body = ErrorBody),
        (status = 412, description = "Changed since the ETag in If-Match", body = ErrorBody),
        (status = 422, description = "No pending request from that account", body = ErrorBody)))]
pub(super) async fn accept_join_request(
    State(state): State<AppState>,
    acting: Acting,
    Path((id, account)): Path<(String, String)>,
) -> Result<WriteAnswer, Refusal> {
    community_id(&id)?;
    let account = account_id(&account)?;
    let action = MembershipAction::AcceptJoinRequest(account);
    act_on_community(&state, &id, action, &acting).await
}

/// Declines a request to join, optionally saying why. Facilitators and moderators.
#[utoipa::path(post, path = "/v1/communities/{id}/join-requests/{account_id}/decline",
    tag = "communities", security(("bearer" = [])), request_body = DeclineRequest,
    params(
        ("id" = String, Path, format = Uuid, description = "Community id"),
        ("account_id" = String, Path, format = Uuid, description = "Who asked to join"),
        ("If-Match" = Option<String>, Header, description = "The ETag last read")),
    responses(
        (status = 200, description = "Declined", body = Written,
            headers(("ETag" = String, description = "The community's new version"))),
        (status = 400, description = "An id or the reason is invalid", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Neither a facilitator nor a moderator", body = ErrorBody),
        (status = 404, description = "No such community", body = ErrorBody),
        (status = 412, description = "Changed since the ETag in If-Match", body = ErrorBody),
        (status = 422, description = "No pending request from that account", body = ErrorBody)))]
pub(super) async fn decline_join_request(
    State(state): State<AppState>,
    acting: Acting,
    Path((id, account)): Path<(String, String)>,
    ApiJson(body): ApiJson<DeclineRequest>,
) -> Result<WriteAnswer, Refusal> {
    community_id(&id)?;
    let account = account_id(&account)?;
    let reason = body.parse()?;
    let action = MembershipAction::DeclineJoinRequest(account, reason);
    act_on_community(&state, &id, action, &acting).await
}

/// Makes a member a facilitator. Facilitators and moderators.
#[utoipa::path(post, path = "/v1/communities/{id}/facilitators", tag = "communities",
    security(("bearer" = [])), request_body = PromoteRequest,
    params(
        ("id" = String, Path, format = Uuid, description = "Community id"),
        ("If-Match" = Option<String>, Header, description = "The ETag last read")),
    responses(
        (status = 200, description = "Promoted", body = Written,
            headers(("ETag" = String, description = "The community's new version"))),
        (status = 400, description = "`account_id` is not a UUID", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Neither a facilitator nor a moderator", body = ErrorBody),
        (status = 404, description = "No such community", body = ErrorBody),
        (status = 412, description = "Changed since the ETag in If-Match", body = ErrorBody),
        (status = 422, description = "Not a member, already a facilitator, or not an active account", body = ErrorBody)))]
pub(super) async fn promote(
    State(state): State<AppState>,
    acting: Acting,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<PromoteRequest>,
) -> Result<WriteAnswer, Refusal> {
    community_id(&id)?;
    let account = body.parse()?;
    let action = MembershipAction::PromoteToFacilitator(account);
    act_on_community(&state, &id, action, &acting).await
}

/// Makes a facilitator a plain member again. Facilitators and moderators.
#[utoipa::path(delete, path = "/v1/communities/{id}/facilitators/{account_id}",
    tag = "communities", security(("bearer" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "Community id"),
        ("account_id" = String, Path, format = Uuid, description = "The facilitator"),
        ("If-Match" = Option<String>, Header, description = "The ETag last read")),
    responses(
        (status = 200, description = "Demoted", body = Written,
            headers(("ETag" = String, description = "The community's new version"))),
        (status = 400, description = "An id is not a UUID", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Neither a facilitator nor a moderator", body = ErrorBody),
        (status = 404, description = "No such community", body = ErrorBody),
        (status = 412, description = "Changed since the ETag in If-Match", body = ErrorBody),
        (status = 422, description = "Not a member, or not a facilitator", body = ErrorBody)))]
pub(super) async fn demote(
    State(state): State<AppState>,
    acting: Acting,
    Path((id, account)): Path<(String, String)>,
) -> Result<WriteAnswer, Refusal> {
    community_id(&id)?;
    let account = account_id(&account)?;
    let action = MembershipAction::DemoteFacilitator(account);
    act_on_community(&state, &id, action, &acting).await
}
