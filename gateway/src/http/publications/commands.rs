//! One route per publication command. Each answers with `Written` and the stream's new version
//! in `ETag`, and honours `If-Match`.

use axum::extract::{Path, State};
use domain::values::PublicationId;
use utoipa_axum::routes;

use super::parse_id;
use super::requests::{ContentRequest, RejectionRequest};
use crate::access::{Access, ApiRoutes};
use crate::app::publishing::{self, PublicationAction};
use crate::http::command::{self, Acting, WriteAnswer};
use crate::http::{ApiJson, ErrorBody, Refusal, Written};
use crate::state::AppState;

pub fn routes() -> ApiRoutes {
    ApiRoutes::new()
        // The author's rights are the aggregate's to decide (403 from it).
        .command(Access::SignedIn, routes!(submit))
        .command(Access::SignedIn, routes!(edit))
        .command(Access::SignedIn, routes!(withdraw))
        .command(Access::MODERATORS, routes!(approve))
        .command(Access::MODERATORS, routes!(reject))
}

/// Submits a publication, news item or gathering for moderation; it is public once a moderator
/// approves it.
#[utoipa::path(post, path = "/v1/publications", tag = "publications",
    security(("bearer" = [])), request_body = ContentRequest,
    responses(
        (status = 201, description = "Submitted; `id` is the new item's", body = Written),
        (status = 400, description = "A field is invalid (each is named)", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 422, description = "A gathering ends before it starts, has neither place nor \
            link, or names a local time its zone skips", body = ErrorBody)))]
async fn submit(
    State(state): State<AppState>,
    acting: Acting,
    ApiJson(body): ApiJson<ContentRequest>,
) -> Result<WriteAnswer, Refusal> {
    let content = body.into_content()?;
    let id = PublicationId::new();
    let stream = id.to_string();
    let expected =
        command::expected_version(&state.publications, &stream, &acting.if_match).await?;
    let metadata = acting.metadata_creating("SubmitPublication", &stream);
    let committed =
        publishing::submit(&state, &acting.actor, id, content, metadata, expected).await?;
    Ok(command::answer(&committed, Some(stream)))
}

/// Replaces the content of an item that is not approved yet (its author only). Editing a
/// rejected item sends it back to moderation.
#[utoipa::path(put, path = "/v1/publications/{id}", tag = "publications",
    security(("bearer" = [])), request_body = ContentRequest,
    params(
        ("id" = String, Path, format = Uuid, description = "Publication id"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` of your last read")),
    responses(
        (status = 200, description = "Edited (`position` is null if nothing changed)", body = Written),
        (status = 400, description = "A field is invalid (each is named)", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not its author", body = ErrorBody),
        (status = 404, description = "No such item that you may see", body = ErrorBody),
        (status = 409, description = "Approved or withdrawn: no longer editable", body = ErrorBody),
        (status = 412, description = "Changed since your `If-Match` version", body = ErrorBody),
        (status = 422, description = "A gathering rule is broken", body = ErrorBody)))]
async fn edit(
    State(state): State<AppState>,
    acting: Acting,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ContentRequest>,
) -> Result<WriteAnswer, Refusal> {
    let id = parse_id(&id)?;
    let content = body.into_content()?;
    run(&state, id, &acting, PublicationAction::Edit(content)).await
}

/// Approves a submitted item: it becomes public (moderators only).
#[utoipa::path(post, path = "/v1/publications/{id}/approval", tag = "publications",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "Publication id"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` of your last read")),
    responses(
        (status = 200, description = "Approved", body = Written),
        (status = 400, description = "The id is not a UUID", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a moderator", body = ErrorBody),
        (status = 404, description = "No such item", body = ErrorBody),
        (status = 409, description = "Not waiting for moderation; `current` says its status",
            body = ErrorBody),
        (status = 412, description = "Changed since your `If-Match` version", body = ErrorBody)))]
async fn approve(
    State(state): State<AppState>,
    acting: Acting,
    Path(id): Path<String>,
) -> Result<WriteAnswer, Refusal> {
    let id = parse_id(&id)?;
    run(&state, id, &acting, PublicationAction::Approve).await
}

/// Rejects a submitted item with a reason its author sees (moderators only).
#[utoipa::path(post, path = "/v1/publications/{id}/rejection", tag = "publications",
    security(("bearer" = [])), request_body = RejectionRequest,
    params(
        ("id" = String, Path, format = Uuid, description = "Publication id"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` of your last read")),
    responses(
        (status = 200, description = "Rejected", body = Written),
        (status = 400, description = "The reason is missing or too long", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a moderator", body = ErrorBody),
        (status = 404, description = "No such item", body = ErrorBody),
        (status = 409, description = "Not waiting for moderation; `current` says its status",
            body = ErrorBody),
        (status = 412, description = "Changed since your `If-Match` version", body = ErrorBody)))]
async fn reject(
    State(state): State<AppState>,
    acting: Acting,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<RejectionRequest>,
) -> Result<WriteAnswer, Refusal> {
    let id = parse_id(&id)?;
    let reason = body.into_reason()?;
    run(&state, id, &acting, PublicationAction::Reject(reason)).await
}

/// Takes an item down, whatever its moderation status (its author only). It is then visible
/// to its author and moderators only.
#[utoipa::path(post, path = "/v1/publications/{id}/withdrawal", tag = "publications",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "Publication id"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` of your last read")),
    responses(
        (status = 200, description = "Withdrawn", body = Written),
        (status = 400, description = "The id is not a UUID", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not its author", body = ErrorBody),
        (status = 404, description = "No such item that you may see", body = ErrorBody),
        (status = 409, description = "Already withdrawn", body = ErrorBody),
        (status = 412, description = "Changed since your `If-Match` version", body = ErrorBody)))]
async fn withdraw(
    State(state): State<AppState>,
    acting: Acting,
    Path(id): Path<String>,
) -> Result<WriteAnswer, Refusal> {
    let id = parse_id(&id)?;
    run(&state, id, &acting, PublicationAction::Withdraw).await
}

/// Runs `action` on an existing item that the actor may see (404 otherwise, as on reads),
/// honouring `If-Match`.
async fn run(
    state: &AppState,
    id: PublicationId,
    acting: &Acting,
    action: PublicationAction,
) -> Result<WriteAnswer, Refusal> {
    let stream = id.to_string();
    let expected =
        command::expected_version(&state.publications, &stream, &acting.if_match).await?;
    let metadata = acting.metadata(action.name());
    let committed = publishing::act(state, &acting.actor, id, action, metadata, expected).await?;
    Ok(command::answer(&committed, None))
}
