//! What people ask a thread to do, and the decision for each request.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::PostBody;
use super::{Post, PostState, Thread, ThreadError, ThreadEvent, ThreadRule, ThreadState};
use crate::actor::Actor;
use crate::community::CommunityRole;
use crate::values::{CommunityId, PostId, Reason, ThreadId, Title};

/// `actor_role` is the actor's role in the thread's community at the time of the command, as
/// looked up by the gateway (`None`: not a member). The aggregate trusts it as a fact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ThreadCommand {
    StartThread {
        thread_id: ThreadId,
        community_id: CommunityId,
        opening_post_id: PostId,
        actor: Actor,
        actor_role: Option<CommunityRole>,
        title: Title,
        body: PostBody,
        at: DateTime<Utc>,
    },
    Reply {
        post_id: PostId,
        actor: Actor,
        actor_role: Option<CommunityRole>,
        body: PostBody,
        at: DateTime<Utc>,
    },
    EditPost {
        post_id: PostId,
        actor: Actor,
        body: PostBody,
        at: DateTime<Utc>,
    },
    DeletePost {
        post_id: PostId,
        actor: Actor,
        at: DateTime<Utc>,
    },
    HidePost {
        post_id: PostId,
        actor: Actor,
        actor_role: Option<CommunityRole>,
        reason: Reason,
        at: DateTime<Utc>,
    },
    UnhidePost {
        post_id: PostId,
        actor: Actor,
        actor_role: Option<CommunityRole>,
        at: DateTime<Utc>,
    },
}

const MEMBER_OR_MODERATOR: &str = "a member of the community or a moderator";
const FACILITATOR_OR_MODERATOR: &str = "a facilitator of the community or a moderator";
const AUTHOR: &str = "the author of the post";

impl Thread {
    pub(super) fn decide(&self, command: ThreadCommand) -> Result<Vec<ThreadEvent>, ThreadError> {
        use ThreadCommand as C;
        use ThreadEvent as E;

        if self.header.is_none() {
            return match command {
                C::StartThread {
                    thread_id,
                    community_id,
                    opening_post_id,
                    actor,
                    actor_role,
                    title,
                    body,
                    at,
                } => {
                    // Moderators may post anywhere: they manage every community.
                    if actor_role.is_none() && !actor.is_moderator() {
                        return Err(not_allowed("start a thread", MEMBER_OR_MODERATOR));
                    }
                    Ok(vec![E::ThreadStarted {
                        thread_id,
                        community_id,
                        title,
                        opening_post_id,
                        author: actor.account,
                        body,
                        at,
                    }])
                }
                other => Err(ThreadError::InvalidTransition {
                    action: action_of(&other),
                    current: ThreadState::NotStarted,
                }),
            };
        }

        let event = match command {
            C::StartThread { .. } => {
                return Err(ThreadError::InvalidTransition {
                    action: "start the thread",
                    current: ThreadState::Open,
                });
            }
            C::Reply {
                post_id,
                actor,
                actor_role,
                body,
                at,
            } => {
                if actor_role.is_none() && !actor.is_moderator() {
                    return Err(not_allowed("reply in a thread", MEMBER_OR_MODERATOR));
                }
                // Post ids come from the client side of the gateway; a repeat must not overwrite.
                if self.post(&post_id).is_some() {
                    return Err(ThreadError::RuleViolated(ThreadRule::DuplicatePostId));
                }
                E::ReplyPosted {
                    post_id,
                    author: actor.account,
                    body,
                    at,
                }
            }
            C::EditPost {
                post_id,
                actor,
                body,
                at,
            } => {
                let post = self.existing(&post_id)?;
                if post.author != actor.account {
                    return Err(not_allowed("edit a post", AUTHOR));
                }
                // A hidden post stays as the facilitator saw it until someone unhides it.
                require_post_state(post, PostState::Visible, "edit the post")?;
                if post.body.as_ref() == Some(&body) {
                    return Ok(vec![]);
                }
                E::PostEdited { post_id, body, at }
            }
            C::DeletePost { post_id, actor, at } => {
                let post = self.existing(&post_id)?;
                if post.author != actor.account {
                    return Err(not_allowed("delete a post", AUTHOR));
                }
                // Authors may delete a hidden post too: removing one's words is always allowed.
                if post.state() == PostState::Deleted {
                    return Err(post_conflict(post, "delete the post"));
                }
                E::PostDeleted { post_id, at }
            }
            C::HidePost {
                post_id,
                actor,
                actor_role,
                reason,
                at,
            } => {
                require_facilitator_or_moderator(&actor, actor_role, "hide a post")?;
                let post = self.existing(&post_id)?;
                require_post_state(post, PostState::Visible, "hide the post")?;
                E::PostHidden {
                    post_id,
                    reason,
                    hidden_by: actor.account,
                    at,
                }
            }
            C::UnhidePost {
                post_id,
                actor,
                actor_role,
                at,
            } => {
                require_facilitator_or_moderator(&actor, actor_role, "unhide a post")?;
                let post = self.existing(&post_id)?;
                require_post_state(post, PostState::Hidden, "unhide the post")?;
                E::PostUnhidden {
                    post_id,
                    unhidden_by: actor.account,
                    at,
                }
            }
        };
        Ok(vec![event])
    }

    fn existing(&self, post_id: &PostId) -> Result<&Post, ThreadError> {
        self.post(post_id)
            .ok_or(ThreadError::RuleViolated(ThreadRule::UnknownPost))
    }
}

fn require_post_state(
    post: &Post,
    expected: PostState,
    action: &'static str,
) -> Result<(), ThreadError> {
    if post.state() == expected {
        Ok(())
    } else {
        Err(post_conflict(post, action))
    }
}

fn post_conflict(post: &Post, action: &'static str) -> ThreadError {
    ThreadError::PostInvalidTransition {
        post_id: post.id,
        action,
        current: post.state(),
    }
}

fn require_facilitator_or_moderator(
    actor: &Actor,
    actor_role: Option<CommunityRole>,
    action: &'static str,
) -> Result<(), ThreadError> {
    if actor_role == Some(CommunityRole::Facilitator) || actor.is_moderator() {
        Ok(())
    } else {
        Err(not_allowed(action, FACILITATOR_OR_MODERATOR))
    }
}

fn action_of(command: &ThreadCommand) -> &'static str {
    use ThreadCommand as C;
    match command {
        C::StartThread { .. } => "start the thread",
        C::Reply { .. } => "reply",
        C::EditPost { .. } => "edit a post",
        C::DeletePost { .. } => "delete a post",
        C::HidePost { .. } => "hide a post",
        C::UnhidePost { .. } => "unhide a post",
    }
}

fn not_allowed(action: &'static str, who: &'static str) -> ThreadError {
    ThreadError::NotAllowed { action, who }
}
