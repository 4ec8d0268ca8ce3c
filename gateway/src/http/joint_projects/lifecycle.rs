//! The project's own lifecycle: propose, revise, submit for review, approve or reject (by
//! moderators), activate, complete, withdraw.

use axum::extract::{Path, State};
use domain::values::JointProjectId;

use super::super::{ApiJson, ErrorBody, Refusal, Written};
use super::requests::RevisionRequest;
use super::requests::{OptionalJson, OptionalReasonRequest, ProposalRequest, RejectionRequest};
use super::run;
use crate::app::joint_projects::{self, ProjectAction};
use crate::http::command::{self, Acting, WriteAnswer};
use crate::state::AppState;

/// Proposes a joint project on behalf of an initiative the caller manages (it must be
/// approved). The project starts as `proposed`, visible only to the managers involved and to
/// moderators.
#[utoipa::path(post, path = "/v1/joint-projects", tag = "joint-projects",
    security(("bearer" = [])), request_body = ProposalRequest,
    responses(
        (status = 201, description = "Proposed; `id` is the new project", body = Written,
            headers(("ETag" = String, description = "The project's version"))),
        (status = 400, description = "A field is invalid (each is named)", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a manager of the lead initiative", body = ErrorBody),
        (status = 422, description = "The lead is not approved, or no or too many objectives",
            body = ErrorBody)))]
pub(super) async fn propose(
    State(state): State<AppState>,
    acting: Acting,
    ApiJson(body): ApiJson<ProposalRequest>,
) -> Result<WriteAnswer, Refusal> {
    let (lead, content) = body.parse()?;
    let id = JointProjectId::new();
    let created = id.to_string();
    let expected =
        command::expected_version(&state.joint_projects, &created, &acting.if_match).await?;
    let metadata = acting.metadata_creating(joint_projects::PROPOSE, &created);
    let committed =
        joint_projects::propose(&state, &acting.actor, id, lead, content, metadata, expected)
            .await?;
    Ok(command::answer(&committed, Some(created)))
}

/// Replaces what the project is (title, description, sectors, objectives) while it is
/// `proposed`, or after a rejection (it becomes `proposed` again).
#[utoipa::path(put, path = "/v1/joint-projects/{id}", tag = "joint-projects",
    security(("bearer" = [])), request_body = RevisionRequest,
    params(
        ("id" = String, Path, format = Uuid, description = "Joint project id"),
        ("If-Match" = Option<String>, Header, description = "The ETag last read")),
    responses(
        (status = 200, description = "Revised", body = Written,
            headers(("ETag" = String, description = "The project's new version"))),
        (status = 400, description = "A field is invalid (each is named)", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a manager of the lead initiative", body = ErrorBody),
        (status = 404, description = "No such project", body = ErrorBody),
        (status = 409, description = "Not proposed or rejected (`current` says what it is)",
            body = ErrorBody),
        (status = 412, description = "Changed since the ETag in If-Match", body = ErrorBody),
        (status = 422, description = "No or too many objectives", body = ErrorBody)))]
pub(super) async fn revise(
    State(state): State<AppState>,
    acting: Acting,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<RevisionRequest>,
) -> Result<WriteAnswer, Refusal> {
    let content = body.parse()?;
    run(&state, &id, ProjectAction::Revise(content), &acting).await
}

/// Submits a `proposed` project to the moderators (it becomes `under_review`).
#[utoipa::path(post, path = "/v1/joint-projects/{id}/submission", tag = "joint-projects",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "Joint project id"),
        ("If-Match" = Option<String>, Header, description = "The ETag last read")),
    responses(
        (status = 200, description = "Under review", body = Written,
            headers(("ETag" = String, description = "The project's new version"))),
        (status = 400, description = "The id is not a UUID", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a manager of the lead initiative", body = ErrorBody),
        (status = 404, description = "No such project", body = ErrorBody),
        (status = 409, description = "Not proposed (`current` says what it is)",
            body = ErrorBody),
        (status = 412, description = "Changed since the ETag in If-Match", body = ErrorBody)))]
pub(super) async fn submit(
    State(state): State<AppState>,
    acting: Acting,
    Path(id): Path<String>,
) -> Result<WriteAnswer, Refusal> {
    run(&state, &id, ProjectAction::Submit, &acting).await
}

/// Approves a project `under_review` (moderators): it becomes public.
#[utoipa::path(post, path = "/v1/joint-projects/{id}/approval", tag = "joint-projects",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "Joint project id"),
        ("If-Match" = Option<String>, Header, description = "The ETag last read")),
    responses(
        (status = 200, description = "Approved", body = Written,
            headers(("ETag" = String, description = "The project's new version"))),
        (status = 400, description = "The id is not a UUID", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a moderator, or one who proposed the project or \
            manages its lead or a partner initiative (four eyes)", body = ErrorBody),
        (status = 404, description = "No such project", body = ErrorBody),
        (status = 409, description = "Not under review (`current` says what it is)",
            body = ErrorBody),
        (status = 412, description = "Changed since the ETag in If-Match", body = ErrorBody)))]
pub(super) async fn approve(
    State(state): State<AppState>,
    acting: Acting,
    Path(id): Path<String>,
) -> Result<WriteAnswer, Refusal> {
    run(&state, &id, ProjectAction::Approve, &acting).await
}

/// Rejects a project `under_review` with a reason (moderators); the lead may revise it.
#[utoipa::path(post, path = "/v1/joint-projects/{id}/rejection", tag = "joint-projects",
    security(("bearer" = [])), request_body = RejectionRequest,
    params(
        ("id" = String, Path, format = Uuid, description = "Joint project id"),
        ("If-Match" = Option<String>, Header, description = "The ETag last read")),
    responses(
        (status = 200, description = "Rejected", body = Written,
            headers(("ETag" = String, description = "The project's new version"))),
        (status = 400, description = "No reason, or too long", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a moderator", body = ErrorBody),
        (status = 404, description = "No such project", body = ErrorBody),
        (status = 409, description = "Not under review (`current` says what it is)",
            body = ErrorBody),
        (status = 412, description = "Changed since the ETag in If-Match", body = ErrorBody)))]
pub(super) async fn reject(
    State(state): State<AppState>,
    acting: Acting,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<RejectionRequest>,
) -> Result<WriteAnswer, Refusal> {
    let reason = body.parse()?;
    run(&state, &id, ProjectAction::Reject(reason), &acting).await
}

/// Starts an `approved` project: it needs at least two accepted initiatives, the lead counting
/// as one.
#[utoipa::path(post, path = "/v1/joint-projects/{id}/activation", tag = "joint-projects",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "Joint project id"),
        ("If-Match" = Option<String>, Header, description = "The ETag last read")),
    responses(
        (status = 200, description = "Active", body = Written,
            headers(("ETag" = String, description = "The project's new version"))),
        (status = 400, description = "The id is not a UUID", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a manager of the lead initiative", body = ErrorBody),
        (status = 404, description = "No such project", body = ErrorBody),
        (status = 409, description = "Not approved (`current` says what it is)",
            body = ErrorBody),
        (status = 412, description = "Changed since the ETag in If-Match", body = ErrorBody),
        (status = 422, description = "No partner has accepted yet", body = ErrorBody)))]
pub(super) async fn activate(
    State(state): State<AppState>,
    acting: Acting,
    Path(id): Path<String>,
) -> Result<WriteAnswer, Refusal> {
    run(&state, &id, ProjectAction::Activate, &acting).await
}

/// Marks an `active` project as completed.
#[utoipa::path(post, path = "/v1/joint-projects/{id}/completion", tag = "joint-projects",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "Joint project id"),
        ("If-Match" = Option<String>, Header, description = "The ETag last read")),
    responses(
        (status = 200, description = "Completed", body = Written,
            headers(("ETag" = String, description = "The project's new version"))),
        (status = 400, description = "The id is not a UUID", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a manager of the lead initiative", body = ErrorBody),
        (status = 404, description = "No such project", body = ErrorBody),
        (status = 409, description = "Not active (`current` says what it is)",
            body = ErrorBody),
        (status = 412, description = "Changed since the ETag in If-Match", body = ErrorBody)))]
pub(super) async fn complete(
    State(state): State<AppState>,
    acting: Acting,
    Path(id): Path<String>,
) -> Result<WriteAnswer, Refusal> {
    run(&state, &id, ProjectAction::Complete, &acting).await
}

/// Withdraws a project that is not over yet, with an optional reason (the body may be left
/// out). It stops being public.
#[utoipa::path(post, path = "/v1/joint-projects/{id}/withdrawal", tag = "joint-projects",
    security(("bearer" = [])), request_body = Option<OptionalReasonRequest>,
    params(
        ("id" = String, Path, format = Uuid, description = "Joint project id"),
        ("If-Match" = Option<String>, Header, description = "The ETag last read")),
    responses(
        (status = 200, description = "Withdrawn", body = Written,
            headers(("ETag" = String, description = "The project's new version"))),
        (status = 400, description = "The reason is empty or too long", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a manager of the lead initiative", body = ErrorBody),
        (status = 404, description = "No such project", body = ErrorBody),
        (status = 409, description = "Already completed or withdrawn (`current` says which)",
            body = ErrorBody),
        (status = 412, description = "Changed since the ETag in If-Match", body = ErrorBody)))]
pub(super) async fn withdraw(
    State(state): State<AppState>,
    acting: Acting,
    Path(id): Path<String>,
    OptionalJson(body): OptionalJson<OptionalReasonRequest>,
) -> Result<WriteAnswer, Refusal> {
    let reason = body.parse()?;
    run(&state, &id, ProjectAction::Withdraw(reason), &acting).await
}
