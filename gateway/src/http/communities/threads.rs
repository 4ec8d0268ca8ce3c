//! Threads of a community and their posts.
//!
//! A thread is its own aggregate; whether the actor belongs to the thread's community, and with
//! which role, lives in the community's stream: the use cases (`app::communities`) load it and
//! put the actor's role into each thread command, so that the thread decides on facts.
//! Threads are public like their communities; hidden posts are shown whole only to the
//! community's facilitators and to moderators.

use axum::extract::{Path, State};
use axum::http::{HeaderName, HeaderValue};
use domain::thread::PostBody;
use domain::values::{PostId, Reason, ThreadId};

use super::requests::{one, HideRequest, PostRequest, StartThreadRequest};
use super::views::{ThreadView, Viewer};
use super::{community_id, no_thread, post_id, thread_id};
use crate::access::Caller;
use crate::app::communities::{self, PostAction};
use crate::http::command::{self, etag, Acting, WriteAnswer};
use crate::http::{ApiJson, ErrorBody, Refusal, Written};
use crate::state::AppState;

/// Parses the thread and post ids of a post's path, reporting both if both are wrong.
fn post_path(id: &str, post: &str) -> Result<(ThreadId, PostId), Refusal> {
    match (thread_id(id), post_id(post)) {
        (Ok(id), Ok(post)) => Ok((id, post)),
        (Err(Refusal::Invalid { fields: mut a, .. }), Err(Refusal::Invalid { fields, .. })) => {
            a.extend(fields);
            Err(Refusal::invalid(a))
        }
        (Err(e), _) | (_, Err(e)) => Err(e),
    }
}

/// Takes `action` on a post, honouring `If-Match`.
async fn on_post(
    state: &AppState,
    path: (ThreadId, PostId),
    acting: &Acting,
    action: PostAction,
) -> Result<WriteAnswer, Refusal> {
    let stream = path.0.to_string();
    let expected = command::expected_version(&state.threads, &stream, &acting.if_match).await?;
    let metadata = acting.metadata(action.name());
    let committed =
        communities::on_post(state, &acting.actor, path, action, metadata, expected).await?;
    Ok(command::answer(&committed, None))
}

/// Starts a thread in a community with its opening post. Members of the community and
/// moderators. `id` in the answer is the thread's.
#[utoipa::path(post, path = "/v1/communities/{id}/threads", tag = "threads",
    security(("bearer" = [])), request_body = StartThreadRequest,
    params(
        ("id" = String, Path, format = Uuid, description = "Community id"),
        ("If-Match" = Option<String>, Header,
            description = "A new thread's stream is at version \"0\"; usually left out")),
    responses(
        (status = 201, description = "Started; `id` is the thread's", body = Written,
            headers(("ETag" = String, description = "The thread's version"))),
        (status = 400, description = "A field is invalid (each is named)", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Neither a member nor a moderator", body = ErrorBody),
        (status = 404, description = "No such community", body = ErrorBody),
        (status = 412, description = "If-Match is not \"0\"", body = ErrorBody)))]
pub(super) async fn start(
    State(state): State<AppState>,
    acting: Acting,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<StartThreadRequest>,
) -> Result<WriteAnswer, Refusal> {
    let community_id = community_id(&id)?;
    let (title, body) = body.parse()?;
    let thread_id = ThreadId::new();
    let stream = thread_id.to_string();
    let expected = command::expected_version(&state.threads, &stream, &acting.if_match).await?;
    let metadata = acting.metadata_creating("StartThread", &stream);
    let actor = &acting.actor;
    let committed = communities::start(
        &state,
        actor,
        community_id,
        thread_id,
        title,
        body,
        metadata,
        expected,
    )
    .await?;
    Ok(command::answer(&committed, Some(stream)))
}

/// A thread and its posts in order. Hidden posts show their text, author and why they were
/// hidden only to the community's facilitators and to moderators; others see them as `hidden`,
/// without text or author. Deleted posts have no text.
#[utoipa::path(get, path = "/v1/threads/{id}", tag = "threads",
    params(("id" = String, Path, format = Uuid, description = "Thread id")),
    responses(
        (status = 200, description = "The thread", body = ThreadView,
            headers(("ETag" = String, description = "The thread's version"))),
        (status = 400, description = "The id is not a UUID", body = ErrorBody),
        (status = 404, description = "No such thread", body = ErrorBody)))]
pub(super) async fn read(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<([(HeaderName, HeaderValue); 1], ApiJson<ThreadView>), Refusal> {
    let seen = communities::read_thread(&state, &caller, thread_id(&id)?).await?;
    let header = seen.thread.header().ok_or_else(no_thread)?;
    let viewer = Viewer::of(caller.actor(), seen.community.as_deref());
    Ok((
        etag(seen.version),
        ApiJson(ThreadView::new(header, &seen.thread, &viewer)),
    ))
}

/// Replies in a thread. Members of the community and moderators. `id` in the answer is the
/// new post's.
#[utoipa::path(post, path = "/v1/threads/{id}/posts", tag = "threads",
    security(("bearer" = [])), request_body = PostRequest,
    params(
        ("id" = String, Path, format = Uuid, description = "Thread id"),
        ("If-Match" = Option<String>, Header, description = "The ETag last read")),
    responses(
        (status = 201, description = "Posted; `id` is the post's", body = Written,
            headers(("ETag" = String, description = "The thread's new version"))),
        (status = 400, description = "The body is invalid", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Neither a member nor a moderator", body = ErrorBody),
        (status = 404, description = "No such thread", body = ErrorBody),
        (status = 412, description = "Changed since the ETag in If-Match", body = ErrorBody)))]
pub(super) async fn reply(
    State(state): State<AppState>,
    acting: Acting,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<PostRequest>,
) -> Result<WriteAnswer, Refusal> {
    let id = thread_id(&id)?;
    let body = one(PostBody::new(body.body))?;
    let post_id = PostId::new();
    let stream = id.to_string();
    let expected = command::expected_version(&state.threads, &stream, &acting.if_match).await?;
    let metadata = acting.metadata_creating("Reply", &post_id.to_string());
    let committed =
        communities::reply(&state, &acting.actor, id, post_id, body, metadata, expected).await?;
    Ok(command::answer(&committed, Some(post_id.to_string())))
}

/// Changes the text of one's own post (not while it is hidden or after it was deleted).
#[utoipa::path(patch, path = "/v1/threads/{id}/posts/{post_id}", tag = "threads",
    security(("bearer" = [])), request_body = PostRequest,
    params(
        ("id" = String, Path, format = Uuid, description = "Thread id"),
        ("post_id" = String, Path, format = Uuid, description = "Post id"),
        ("If-Match" = Option<String>, Header, description = "The ETag last read")),
    responses(
        (status = 200, description = "Edited", body = Written,
            headers(("ETag" = String, description = "The thread's new version"))),
        (status = 400, description = "The body is invalid", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not the author", body = ErrorBody),
        (status = 404, description = "No such thread or post", body = ErrorBody),
        (status = 409, description = "The post is hidden or deleted", body = ErrorBody),
        (status = 412, description = "Changed since the ETag in If-Match", body = ErrorBody)))]
pub(super) async fn edit_post(
    State(state): State<AppState>,
    acting: Acting,
    Path((id, post)): Path<(String, String)>,
    ApiJson(body): ApiJson<PostRequest>,
) -> Result<WriteAnswer, Refusal> {
    let path = post_path(&id, &post)?;
    let body = one(PostBody::new(body.body))?;
    on_post(&state, path, &acting, PostAction::Edit(body)).await
}

/// Deletes one's own post: its text is gone; its place in the thread stays.
#[utoipa::path(delete, path = "/v1/threads/{id}/posts/{post_id}", tag = "threads",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "Thread id"),
        ("post_id" = String, Path, format = Uuid, description = "Post id"),
        ("If-Match" = Option<String>, Header, description = "The ETag last read")),
    responses(
        (status = 200, description = "Deleted", body = Written,
            headers(("ETag" = String, description = "The thread's new version"))),
        (status = 400, description = "An id is not a UUID", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not the author", body = ErrorBody),
        (status = 404, description = "No such thread or post", body = ErrorBody),
        (status = 409, description = "Already deleted", body = ErrorBody),
        (status = 412, description = "Changed since the ETag in If-Match", body = ErrorBody)))]
pub(super) async fn delete_post(
    State(state): State<AppState>,
    acting: Acting,
    Path((id, post)): Path<(String, String)>,
) -> Result<WriteAnswer, Refusal> {
    let path = post_path(&id, &post)?;
    on_post(&state, path, &acting, PostAction::Delete).await
}

/// Hides a post, with a reason. Facilitators of the community and moderators.
#[utoipa::path(post, path = "/v1/threads/{id}/posts/{post_id}/hiding", tag = "threads",
    security(("bearer" = [])), request_body = HideRequest,
    params(
        ("id" = String, Path, format = Uuid, description = "Thread id"),
        ("post_id" = String, Path, format = Uuid, description = "Post id"),
        ("If-Match" = Option<String>, Header, description = "The ETag last read")),
    responses(
        (status = 200, description = "Hidden", body = Written,
            headers(("ETag" = String, description = "The thread's new version"))),
        (status = 400, description = "The reason or an id is invalid", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Neither a facilitator nor a moderator", body = ErrorBody),
        (status = 404, description = "No such thread or post", body = ErrorBody),
        (status = 409, description = "Already hidden, or deleted", body = ErrorBody),
        (status = 412, description = "Changed since the ETag in If-Match", body = ErrorBody)))]
pub(super) async fn hide_post(
    State(state): State<AppState>,
    acting: Acting,
    Path((id, post)): Path<(String, String)>,
    ApiJson(body): ApiJson<HideRequest>,
) -> Result<WriteAnswer, Refusal> {
    let path = post_path(&id, &post)?;
    let reason = one(Reason::new(body.reason))?;
    on_post(&state, path, &acting, PostAction::Hide(reason)).await
}

/// Shows a hidden post again. Facilitators of the community and moderators.
#[utoipa::path(delete, path = "/v1/threads/{id}/posts/{post_id}/hiding", tag = "threads",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "Thread id"),
        ("post_id" = String, Path, format = Uuid, description = "Post id"),
        ("If-Match" = Option<String>, Header, description = "The ETag last read")),
    responses(
        (status = 200, description = "Visible again", body = Written,
            headers(("ETag" = String, description = "The thread's new version"))),
        (status = 400, description = "An id is not a UUID", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Neither a facilitator nor a moderator", body = ErrorBody),
        (status = 404, description = "No such thread or post", body = ErrorBody),
        (status = 409, description = "Not hidden", body = ErrorBody),
        (status = 412, description = "Changed since the ETag in If-Match", body = ErrorBody)))]
pub(super) async fn unhide_post(
    State(state): State<AppState>,
    acting: Acting,
    Path((id, post)): Path<(String, String)>,
) -> Result<WriteAnswer, Refusal> {
    let path = post_path(&id, &post)?;
    on_post(&state, path, &acting, PostAction::Unhide).await
}
