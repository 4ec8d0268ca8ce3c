//! A community itself: created, read, renamed, and its joining policy changed.

use axum::extract::{Path, State};
use axum::http::{HeaderName, HeaderValue};
use domain::community::CommunityCommand;
use domain::values::{CommunityId, Name};

use super::requests::RenameRequest;
use super::requests::{one, parse_join_policy, CreateCommunityRequest, JoinPolicyRequest};
use super::views::{CommunityView, Viewer};
use super::{community_id, execute_on_community, no_community};
use crate::access::Caller;
use crate::app::communities;
use crate::http::command::{self, etag, Acting, WriteAnswer};
use crate::http::{ApiJson, ErrorBody, Refusal, Written};
use crate::state::AppState;

/// Opens a community of practice around a theme (a sector of the taxonomy or a topic), with
/// open or moderated joining. Moderators only.
#[utoipa::path(post, path = "/v1/communities", tag = "communities", security(("bearer" = [])),
    request_body = CreateCommunityRequest,
    params(("If-Match" = Option<String>, Header,
        description = "A new community's stream is at version \"0\"; usually left out")),
    responses(
        (status = 201, description = "Created; `id` is the community's", body = Written,
            headers(("ETag" = String, description = "The community's version"))),
        (status = 400, description = "A field is invalid (each is named)", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a moderator", body = ErrorBody),
        (status = 412, description = "If-Match is not \"0\"", body = ErrorBody)))]
pub(super) async fn create(
    State(state): State<AppState>,
    acting: Acting,
    ApiJson(body): ApiJson<CreateCommunityRequest>,
) -> Result<WriteAnswer, Refusal> {
    let new = body.parse()?;
    let id = CommunityId::new();
    let stream = id.to_string();
    let command = CommunityCommand::CreateCommunity {
        community_id: id,
        actor: acting.actor.clone(),
        name: new.name,
        theme: new.theme,
        join_policy: new.join_policy,
        at: chrono::Utc::now(),
    };
    let metadata = acting.metadata_creating("CreateCommunity", &stream);
    let committed = command::execute(
        &state.communities,
        &stream,
        command,
        metadata,
        &acting.if_match,
    )
    .await?;
    Ok(command::answer(&committed, Some(stream)))
}

/// A community: name, theme, joining policy, facilitators and number of members for everyone;
/// the members to its members and moderators; pending requests to join to its facilitators and
/// moderators; and the signed-in reader's own standing.
#[utoipa::path(get, path = "/v1/communities/{id}", tag = "communities",
    params(("id" = String, Path, format = Uuid, description = "Community id")),
    responses(
        (status = 200, description = "The community", body = CommunityView,
            headers(("ETag" = String, description = "The community's version"))),
        (status = 400, description = "The id is not a UUID", body = ErrorBody),
        (status = 404, description = "No such community", body = ErrorBody)))]
pub(super) async fn read(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<([(HeaderName, HeaderValue); 1], ApiJson<CommunityView>), Refusal> {
    let id = community_id(&id)?;
    let (community, version) = communities::read(&state, id).await?;
    let profile = community.profile().ok_or_else(no_community)?;
    let viewer = Viewer::of(caller.actor(), Some(&community));
    Ok((
        etag(version),
        ApiJson(CommunityView::new(profile, &community, &viewer)),
    ))
}

/// Renames a community. Moderators only; the same name again changes nothing.
#[utoipa::path(put, path = "/v1/communities/{id}/name", tag = "communities",
    security(("bearer" = [])), request_body = RenameRequest,
    params(
        ("id" = String, Path, format = Uuid, description = "Community id"),
        ("If-Match" = Option<String>, Header, description = "The ETag last read")),
    responses(
        (status = 200, description = "Renamed", body = Written,
            headers(("ETag" = String, description = "The community's new version"))),
        (status = 400, description = "The name is invalid", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a moderator", body = ErrorBody),
        (status = 404, description = "No such community", body = ErrorBody),
        (status = 412, description = "Changed since the ETag in If-Match", body = ErrorBody)))]
pub(super) async fn rename(
    State(state): State<AppState>,
    acting: Acting,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<RenameRequest>,
) -> Result<WriteAnswer, Refusal> {
    let id = community_id(&id)?;
    let name = one(Name::new(body.name))?;
    let command = CommunityCommand::Rename {
        actor: acting.actor.clone(),
        name,
        at: chrono::Utc::now(),
    };
    execute_on_community(&state, id, command, "Rename", &acting).await
}

/// Changes how people join: `open` or `moderated`. Moderators only. Requests still waiting
/// when a community opens stay until someone decides them, or their author joins directly.
#[utoipa::path(put, path = "/v1/communities/{id}/join-policy", tag = "communities",
    security(("bearer" = [])), request_body = JoinPolicyRequest,
    params(
        ("id" = String, Path, format = Uuid, description = "Community id"),
        ("If-Match" = Option<String>, Header, description = "The ETag last read")),
    responses(
        (status = 200, description = "Changed", body = Written,
            headers(("ETag" = String, description = "The community's new version"))),
        (status = 400, description = "Not `open` or `moderated`", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a moderator", body = ErrorBody),
        (status = 404, description = "No such community", body = ErrorBody),
        (status = 412, description = "Changed since the ETag in If-Match", body = ErrorBody)))]
pub(super) async fn change_join_policy(
    State(state): State<AppState>,
    acting: Acting,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<JoinPolicyRequest>,
) -> Result<WriteAnswer, Refusal> {
    let id = community_id(&id)?;
    let join_policy = one(parse_join_policy(&body.join_policy))?;
    let command = CommunityCommand::ChangeJoinPolicy {
        actor: acting.actor.clone(),
        join_policy,
        at: chrono::Utc::now(),
    };
    execute_on_community(&state, id, command, "ChangeJoinPolicy", &acting).await
}
