//! Partner initiatives: invitations (sent by the lead, answered by the invited initiative's
//! managers) and the open call, where other initiatives express interest and the lead may then
//! invite them.

use axum::extract::{Path, State};
use domain::values::InitiativeId;

use super::super::{ApiJson, ErrorBody, Refusal, Written};
use super::requests::{InitiativeRequest, OptionalJson, OptionalReasonRequest};
use super::run;
use crate::app::joint_projects::ProjectAction;
use crate::http::command::{Acting, WriteAnswer};
use crate::state::AppState;

/// Invites an initiative (approved, not retired, not the lead, not invited before) to take part.
/// Inviting one that expressed interest turns its interest into an invitation.
#[utoipa::path(post, path = "/v1/joint-projects/{id}/invitations", tag = "joint-projects",
    security(("bearer" = [])), request_body = InitiativeRequest,
    params(
        ("id" = String, Path, format = Uuid, description = "Joint project id"),
        ("If-Match" = Option<String>, Header, description = "The ETag last read")),
    responses(
        (status = 200, description = "Invited", body = Written,
            headers(("ETag" = String, description = "The project's new version"))),
        (status = 400, description = "`initiative_id` is not a UUID", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a manager of the lead initiative", body = ErrorBody),
        (status = 404, description = "No such project", body = ErrorBody),
        (status = 409, description = "The project is over (`current` says how)",
            body = ErrorBody),
        (status = 412, description = "Changed since the ETag in If-Match", body = ErrorBody),
        (status = 422, description = "The lead itself, invited before, or not an approved \
            initiative", body = ErrorBody)))]
pub(super) async fn invite(
    State(state): State<AppState>,
    acting: Acting,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<InitiativeRequest>,
) -> Result<WriteAnswer, Refusal> {
    let initiative = body.parse()?;
    run(&state, &id, ProjectAction::Invite(initiative), &acting).await
}

/// Accepts the invitation of initiative `initiative_id` (by one of its managers).
#[utoipa::path(post, path = "/v1/joint-projects/{id}/invitations/{initiative_id}/acceptance",
    tag = "joint-projects", security(("bearer" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "Joint project id"),
        ("initiative_id" = String, Path, format = Uuid, description = "The invited initiative"),
        ("If-Match" = Option<String>, Header, description = "The ETag last read")),
    responses(
        (status = 200, description = "Accepted", body = Written,
            headers(("ETag" = String, description = "The project's new version"))),
        (status = 400, description = "An id is not a UUID", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a manager of the invited initiative",
            body = ErrorBody),
        (status = 404, description = "No such project", body = ErrorBody),
        (status = 409, description = "The project is over, or the invitation was already \
            answered (`current` says how)", body = ErrorBody),
        (status = 412, description = "Changed since the ETag in If-Match", body = ErrorBody),
        (status = 422, description = "The initiative was not invited", body = ErrorBody)))]
pub(super) async fn accept(
    State(state): State<AppState>,
    acting: Acting,
    Path((id, initiative_id)): Path<(String, String)>,
) -> Result<WriteAnswer, Refusal> {
    let initiative = parse_initiative_id(&initiative_id, "initiative_id")?;
    run(&state, &id, ProjectAction::Accept(initiative), &acting).await
}

/// Declines the invitation of initiative `initiative_id` (by one of its managers), with an
/// optional reason (the body may be left out).
#[utoipa::path(post, path = "/v1/joint-projects/{id}/invitations/{initiative_id}/decline",
    tag = "joint-projects", security(("bearer" = [])),
    request_body = Option<OptionalReasonRequest>,
    params(
        ("id" = String, Path, format = Uuid, description = "Joint project id"),
        ("initiative_id" = String, Path, format = Uuid, description = "The invited initiative"),
        ("If-Match" = Option<String>, Header, description = "The ETag last read")),
    responses(
        (status = 200, description = "Declined", body = Written,
            headers(("ETag" = String, description = "The project's new version"))),
        (status = 400, description = "An id is not a UUID, or the reason is empty or too long",
            body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a manager of the invited initiative",
            body = ErrorBody),
        (status = 404, description = "No such project", body = ErrorBody),
        (status = 409, description = "The project is over, or the invitation was already \
            answered (`current` says how)", body = ErrorBody),
        (status = 412, description = "Changed since the ETag in If-Match", body = ErrorBody),
        (status = 422, description = "The initiative was not invited", body = ErrorBody)))]
pub(super) async fn decline(
    State(state): State<AppState>,
    acting: Acting,
    Path((id, initiative_id)): Path<(String, String)>,
    OptionalJson(body): OptionalJson<OptionalReasonRequest>,
) -> Result<WriteAnswer, Refusal> {
    let initiative = parse_initiative_id(&initiative_id, "initiative_id")?;
    let reason = body.parse()?;
    run(
        &state,
        &id,
        ProjectAction::Decline(initiative, reason),
        &acting,
    )
    .await
}

/// Opens a call for partners: other initiatives may then express interest. Opening an open
/// call changes nothing.
#[utoipa::path(put, path = "/v1/joint-projects/{id}/call-for-partners", tag = "joint-projects",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "Joint project id"),
        ("If-Match" = Option<String>, Header, description = "The ETag last read")),
    responses(
        (status = 200, description = "The call is open", body = Written,
            headers(("ETag" = String, description = "The project's version"))),
        (status = 400, description = "The id is not a UUID", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a manager of the lead initiative", body = ErrorBody),
        (status = 404, description = "No such project", body = ErrorBody),
        (status = 409, description = "The project is over (`current` says how)",
            body = ErrorBody),
        (status = 412, description = "Changed since the ETag in If-Match", body = ErrorBody)))]
pub(super) async fn open_call(
    State(state): State<AppState>,
    acting: Acting,
    Path(id): Path<String>,
) -> Result<WriteAnswer, Refusal> {
    run(&state, &id, ProjectAction::OpenCall, &acting).await
}

/// Closes the call for partners. Closing a closed call changes nothing.
#[utoipa::path(delete, path = "/v1/joint-projects/{id}/call-for-partners",
    tag = "joint-projects", security(("bearer" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "Joint project id"),
        ("If-Match" = Option<String>, Header, description = "The ETag last read")),
    responses(
        (status = 200, description = "The call is closed", body = Written,
            headers(("ETag" = String, description = "The project's version"))),
        (status = 400, description = "The id is not a UUID", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a manager of the lead initiative", body = ErrorBody),
        (status = 404, description = "No such project", body = ErrorBody),
        (status = 409, description = "The project is over (`current` says how)",
            body = ErrorBody),
        (status = 412, description = "Changed since the ETag in If-Match", body = ErrorBody)))]
pub(super) async fn close_call(
    State(state): State<AppState>,
    acting: Acting,
    Path(id): Path<String>,
) -> Result<WriteAnswer, Refusal> {
    run(&state, &id, ProjectAction::CloseCall, &acting).await
}

/// Answers the open call on behalf of an initiative the caller manages (approved, not retired,
/// not the lead, not invited yet); the lead may then invite it.
#[utoipa::path(post, path = "/v1/joint-projects/{id}/interests", tag = "joint-projects",
    security(("bearer" = [])), request_body = InitiativeRequest,
    params(
        ("id" = String, Path, format = Uuid, description = "Joint project id"),
        ("If-Match" = Option<String>, Header, description = "The ETag last read")),
    responses(
        (status = 200, description = "Interest recorded", body = Written,
            headers(("ETag" = String, description = "The project's new version"))),
        (status = 400, description = "`initiative_id` is not a UUID", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a manager of that initiative", body = ErrorBody),
        (status = 404, description = "No such project", body = ErrorBody),
        (status = 409, description = "The project is over (`current` says how)",
            body = ErrorBody),
        (status = 412, description = "Changed since the ETag in If-Match", body = ErrorBody),
        (status = 422, description = "No open call; the lead itself; already invited or \
            interested; or not an approved initiative", body = ErrorBody)))]
pub(super) async fn express_interest(
    State(state): State<AppState>,
    acting: Acting,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<InitiativeRequest>,
) -> Result<WriteAnswer, Refusal> {
    let initiative = body.parse()?;
    run(
        &state,
        &id,
        ProjectAction::ExpressInterest(initiative),
        &acting,
    )
    .await
}

fn parse_initiative_id(raw: &str, field: &str) -> Result<InitiativeId, Refusal> {
    raw.parse::<InitiativeId>()
        .map_err(|e| Refusal::invalid(vec![e.in_field(field)]))
}
