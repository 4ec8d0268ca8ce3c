//! Partner initiatives: invitations (sent by the lead, answered by the invited initiative's
//! managers) and the open call, where other initiatives express interest and the lead may then
//! invite them.

use axum::extract::{Path, State};
use domain::joint_project::JointProjectCommand as Command;

use super::super::{ApiJson, ErrorBody, Refusal, Written};
use super::requests::{InitiativeRequest, OptionalJson, OptionalReasonRequest};
use super::{load_initiative, load_project, manages, manages_lead, now, parse_initiative_id};
use super::{run, standing};
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
    let loaded = load_project(&state, &id).await?;
    let invited = load_initiative(&state, initiative).await?;
    let command = Command::InvitePartner {
        actor: acting.actor.clone(),
        actor_manages_lead: manages_lead(&state, &loaded, &acting.actor).await?,
        initiative,
        initiative_standing: standing(invited.as_ref()),
        at: now(),
    };
    run(&state, loaded.id, command, "InvitePartner", &acting).await
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
    let loaded = load_project(&state, &id).await?;
    let invited = load_initiative(&state, initiative).await?;
    let command = Command::AcceptInvitation {
        actor: acting.actor.clone(),
        initiative,
        actor_manages_initiative: manages(invited.as_ref(), &acting.actor),
        at: now(),
    };
    run(&state, loaded.id, command, "AcceptInvitation", &acting).await
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
    let loaded = load_project(&state, &id).await?;
    let invited = load_initiative(&state, initiative).await?;
    let command = Command::DeclineInvitation {
        actor: acting.actor.clone(),
        initiative,
        actor_manages_initiative: manages(invited.as_ref(), &acting.actor),
        reason,
        at: now(),
    };
    run(&state, loaded.id, command, "DeclineInvitation", &acting).await
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
    let loaded = load_project(&state, &id).await?;
    let command = Command::OpenCallForPartners {
        actor: acting.actor.clone(),
        actor_manages_lead: manages_lead(&state, &loaded, &acting.actor).await?,
        at: now(),
    };
    run(&state, loaded.id, command, "OpenCallForPartners", &acting).await
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
    let loaded = load_project(&state, &id).await?;
    let command = Command::CloseCallForPartners {
        actor: acting.actor.clone(),
        actor_manages_lead: manages_lead(&state, &loaded, &acting.actor).await?,
        at: now(),
    };
    run(&state, loaded.id, command, "CloseCallForPartners", &acting).await
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
    let loaded = load_project(&state, &id).await?;
    let interested = load_initiative(&state, initiative).await?;
    let command = Command::ExpressInterest {
        actor: acting.actor.clone(),
        initiative,
        actor_manages_initiative: manages(interested.as_ref(), &acting.actor),
        initiative_standing: standing(interested.as_ref()),
        at: now(),
    };
    run(&state, loaded.id, command, "ExpressInterest", &acting).await
}
