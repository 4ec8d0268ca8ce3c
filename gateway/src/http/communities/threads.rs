//! Threads of a community and their posts.
//!
//! A thread is its own aggregate; whether the actor belongs to the thread's community, and with
//! which role, lives in the community's stream. Each command here loads the community and puts
//! the actor's role into the command (`actor_role`), so that the thread decides on facts.
//! Threads are public like their communities; hidden posts are shown whole only to the
//! community's facilitators and to moderators.

use axum::extract::{Path, State};
use axum::http::{HeaderName, HeaderValue};
use domain::actor::Actor;
use domain::community::{Community, CommunityRole};
use domain::thread::{PostBody, Thread, ThreadCommand};
use domain::values::{CommunityId, PostId, Reason, ThreadId};

use super::requests::{one, HideRequest, PostRequest, StartThreadRequest};
use super::views::{ThreadView, Viewer};
use super::{community_id, no_community, no_thread, post_id, thread_id};
use crate::access::Caller;
use crate::http::command::{self, etag, Acting, WriteAnswer};
use crate::http::{ApiJson, ErrorBody, Refusal, Written};
use crate::state::AppState;

/// The community `id`, if it exists.
async fn community(state: &AppState, id: CommunityId) -> Result<Option<Community>, Refusal> {
    Ok(command::load(&state.communities, &id.to_string())
        .await?
        .map(|(community, _)| community))
}

/// The actor's role in community `id` now (`None`: not a member, or no such community).
async fn role_in(
    state: &AppState,
    id: CommunityId,
    actor: &Actor,
) -> Result<Option<CommunityRole>, Refusal> {
    Ok(community(state, id)
        .await?
        .and_then(|c| c.role_of(&actor.account)))
}

/// The thread `id` with its version and community, or 404.
async fn thread(state: &AppState, id: ThreadId) -> Result<(Thread, usize, CommunityId), Refusal> {
    let (thread, version) = command::load(&state.threads, &id.to_string())
        .await?
        .ok_or_else(no_thread)?;
    let community = thread.header().ok_or_else(no_thread)?.community_id;
    Ok((thread, version, community))
}

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

/// Loads thread `id` (404 if none), checks that `post` is in it (404 otherwise), and hands the
/// actor's role in its community to `command`, which builds the thread command to run.
async fn on_post(
    state: &AppState,
    (id, post): (ThreadId, PostId),
    acting: &Acting,
    name: &str,
    command: impl FnOnce(Option<CommunityRole>) -> ThreadCommand,
) -> Result<WriteAnswer, Refusal> {
    let (thread, _, community) = thread(state, id).await?;
    if thread.post(&post).is_none() {
        return Err(Refusal::NotFound("no such post in this thread".into()));
    }
    let role = role_in(state, community, &acting.actor).await?;
    let stream = id.to_string();
    let committed = command::execute(
        &state.threads,
        &stream,
        command(role),
        acting.metadata(name),
        &acting.if_match,
    )
    .await?;
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
    let community = community(&state, community_id)
        .await?
        .ok_or_else(no_community)?;
    let thread_id = ThreadId::new();
    let stream = thread_id.to_string();
    let command = ThreadCommand::StartThread {
        thread_id,
        community_id,
        opening_post_id: PostId::new(),
        actor_role: community.role_of(&acting.actor.account),
        actor: acting.actor.clone(),
        title,
        body,
        at: chrono::Utc::now(),
    };
    let metadata = acting.metadata_creating("StartThread", &stream);
    let committed =
        command::execute(&state.threads, &stream, command, metadata, &acting.if_match).await?;
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
    let (thread, version, community_id) = thread(&state, thread_id(&id)?).await?;
    let header = thread.header().ok_or_else(no_thread)?;
    // Only a signed-in reader can be a facilitator; visitors need no lookup.
    let community = match caller.actor() {
        Some(_) => community(&state, community_id).await?,
        None => None,
    };
    let viewer = Viewer::of(caller.actor(), community.as_ref());
    Ok((
        etag(version),
        ApiJson(ThreadView::new(header, &thread, &viewer)),
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
    let (_, _, community) = thread(&state, id).await?;
    let post_id = PostId::new();
    let command = ThreadCommand::Reply {
        post_id,
        actor_role: role_in(&state, community, &acting.actor).await?,
        actor: acting.actor.clone(),
        body,
        at: chrono::Utc::now(),
    };
    let metadata = acting.metadata_creating("Reply", &post_id.to_string());
    let stream = id.to_string();
    let committed =
        command::execute(&state.threads, &stream, command, metadata, &acting.if_match).await?;
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
    on_post(&state, path, &acting, "EditPost", |_| {
        ThreadCommand::EditPost {
            post_id: path.1,
            actor: acting.actor.clone(),
            body,
            at: chrono::Utc::now(),
        }
    })
    .await
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
    on_post(&state, path, &acting, "DeletePost", |_| {
        ThreadCommand::DeletePost {
            post_id: path.1,
            actor: acting.actor.clone(),
            at: chrono::Utc::now(),
        }
    })
    .await
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
    on_post(&state, path, &acting, "HidePost", |actor_role| {
        ThreadCommand::HidePost {
            post_id: path.1,
            actor: acting.actor.clone(),
            actor_role,
            reason,
            at: chrono::Utc::now(),
        }
    })
    .await
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
    on_post(&state, path, &acting, "UnhidePost", |actor_role| {
        ThreadCommand::UnhidePost {
            post_id: path.1,
            actor: acting.actor.clone(),
            actor_role,
            at: chrono::Utc::now(),
        }
    })
    .await
}
