//! Threads of a community and their posts.
//!
//! A thread is its own aggregate; whether the actor belongs to the thread's community, and with
//! which role, lives in the community's stream. Each use case here loads the community and puts
//! the actor's role into the command (`actor_role`), so that the thread decides on facts.
//! Threads are public like their communities; hidden posts are shown whole only to the
//! community's facilitators and to moderators.

use chrono::Utc;
use domain::actor::Actor;
use domain::community::{Community, CommunityRole};
use domain::thread::{PostBody, Thread, ThreadCommand};
use domain::values::{CommunityId, PostId, Reason, ThreadId, Title};
use std::sync::Arc;
use store::{Committed, EventMetadata};

use super::commands::{load, not_found as no_community};
use crate::access::Caller;
use crate::app::{command_error, load_error, Refusal};
use crate::state::AppState;

/// What one may do to a post already written.
#[derive(Debug, Clone)]
pub enum PostAction {
    /// Its author changes its text.
    Edit(PostBody),
    /// Its author takes its text away; its place in the thread stays.
    Delete,
    /// A facilitator or moderator hides it, saying why.
    Hide(Reason),
    Unhide,
}

impl PostAction {
    /// The command's name in the events' metadata.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Edit(_) => "EditPost",
            Self::Delete => "DeletePost",
            Self::Hide(_) => "HidePost",
            Self::Unhide => "UnhidePost",
        }
    }
}

pub fn no_thread() -> Refusal {
    Refusal::NotFound("no such thread".into())
}

/// A thread as someone reads it, with their standing in its community.
#[derive(Debug, Clone)]
pub struct SeenThread {
    pub id: ThreadId,
    pub thread: Arc<Thread>,
    pub version: usize,
    pub community_id: CommunityId,
    /// Loaded for a signed-in reader only (a visitor has no role to look up).
    pub community: Option<Arc<Community>>,
}

/// The actor's role in community `id` now (`None`: not a member, or no such community).
pub async fn role_in(
    state: &AppState,
    id: CommunityId,
    actor: &Actor,
) -> Result<Option<CommunityRole>, Refusal> {
    Ok(load(state, id)
        .await?
        .and_then(|(c, _)| c.role_of(&actor.account)))
}

/// Thread `id` with its version and community, or not found.
async fn load_thread(
    state: &AppState,
    id: ThreadId,
) -> Result<(Arc<Thread>, usize, CommunityId), Refusal> {
    let loaded = state
        .threads
        .load_fresh(&id.to_string())
        .await
        .map_err(load_error)?;
    if loaded.version == 0 {
        return Err(no_thread());
    }
    let community = loaded
        .aggregate
        .header()
        .ok_or_else(no_thread)?
        .community_id;
    Ok((loaded.aggregate, loaded.version, community))
}

/// The community thread `id` is in, or not found. A thread never moves, so the state this
/// instance already has tells it without a read; the command that follows is decided on the
/// stream as stored whenever that state was behind (its append conflicts).
async fn community_of(state: &AppState, id: ThreadId) -> Result<CommunityId, Refusal> {
    let loaded = state
        .threads
        .load_known(&id.to_string())
        .await
        .map_err(load_error)?;
    loaded
        .aggregate
        .header()
        .map(|header| header.community_id)
        .ok_or_else(no_thread)
}

/// Thread `id` for `caller`.
pub async fn read(state: &AppState, caller: &Caller, id: ThreadId) -> Result<SeenThread, Refusal> {
    let (thread, version, community_id) = load_thread(state, id).await?;
    // Only a signed-in reader can be a facilitator; visitors need no lookup.
    let community = match caller.actor() {
        Some(_) => load(state, community_id).await?.map(|(c, _)| c),
        None => None,
    };
    Ok(SeenThread {
        id,
        thread,
        version,
        community_id,
        community,
    })
}

async fn execute(
    state: &AppState,
    id: ThreadId,
    command: ThreadCommand,
    metadata: EventMetadata,
    expected: Option<usize>,
) -> Result<Committed<Thread>, Refusal> {
    state
        .threads
        .execute_expecting(&id.to_string(), command, metadata, expected)
        .await
        .map_err(command_error)
}

/// A new thread `thread_id` in community `community_id`, opened by `actor`'s first post.
/// Members of the community and moderators.
#[allow(clippy::too_many_arguments)]
pub async fn start(
    state: &AppState,
    actor: &Actor,
    community_id: CommunityId,
    thread_id: ThreadId,
    title: Title,
    body: PostBody,
    metadata: EventMetadata,
    expected: Option<usize>,
) -> Result<Committed<Thread>, Refusal> {
    let (community, _) = load(state, community_id).await?.ok_or_else(no_community)?;
    let command = ThreadCommand::StartThread {
        thread_id,
        community_id,
        opening_post_id: PostId::new(),
        actor_role: community.role_of(&actor.account),
        actor: actor.clone(),
        title,
        body,
        at: Utc::now(),
    };
    execute(state, thread_id, command, metadata, expected).await
}

/// `actor`'s reply `post_id` in thread `id`. Members of the community and moderators.
pub async fn reply(
    state: &AppState,
    actor: &Actor,
    id: ThreadId,
    post_id: PostId,
    body: PostBody,
    metadata: EventMetadata,
    expected: Option<usize>,
) -> Result<Committed<Thread>, Refusal> {
    let community = community_of(state, id).await?;
    let command = ThreadCommand::Reply {
        post_id,
        actor_role: role_in(state, community, actor).await?,
        actor: actor.clone(),
        body,
        at: Utc::now(),
    };
    execute(state, id, command, metadata, expected).await
}

/// Takes `action` on post `post` of thread `id`: not found when the thread or the post is not
/// there.
pub async fn on_post(
    state: &AppState,
    actor: &Actor,
    (id, post): (ThreadId, PostId),
    action: PostAction,
    metadata: EventMetadata,
    expected: Option<usize>,
) -> Result<Committed<Thread>, Refusal> {
    let (thread, _, community) = load_thread(state, id).await?;
    if thread.post(&post).is_none() {
        return Err(Refusal::NotFound("no such post in this thread".into()));
    }
    let actor_role = role_in(state, community, actor).await?;
    let at = Utc::now();
    let post_id = post;
    let actor = actor.clone();
    let command = match action {
        PostAction::Edit(body) => ThreadCommand::EditPost {
            post_id,
            actor,
            body,
            at,
        },
        PostAction::Delete => ThreadCommand::DeletePost { post_id, actor, at },
        PostAction::Hide(reason) => ThreadCommand::HidePost {
            post_id,
            actor,
            actor_role,
            reason,
            at,
        },
        PostAction::Unhide => ThreadCommand::UnhidePost {
            post_id,
            actor,
            actor_role,
            at,
        },
    };
    execute(state, id, command, metadata, expected).await
}
