//! A discussion thread in a community of practice: an opening post and its replies.
//!
//! Each thread is its own aggregate (not part of [`crate::community::Community`]) so that a busy
//! community does not grow one endless stream that every command must replay.
//!
//! Whether the actor belongs to the community, and with which role, lives in the community's
//! stream; the gateway looks it up and puts it in the command as `actor_role`, so that this
//! aggregate stays pure. Authors edit and delete their own posts; facilitators and moderators
//! hide a post with a reason (and may unhide it). Deleting is the author's, hiding is
//! moderation: they are kept apart so that the history says which one happened.

mod commands;
mod error;
mod events;
#[cfg(test)]
mod post_body_tests;
#[cfg(test)]
mod tests;

use chrono::{DateTime, Utc};
use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use serde::{Deserialize, Serialize};
use std::fmt;

use crate::values::{AccountId, CommunityId, PostId, Reason, ThreadId, Title};
use crate::values::{Text, TextRules};

pub use commands::ThreadCommand;
pub use error::{ThreadError, ThreadRule};
pub use events::ThreadEvent;

/// Limits of [`PostBody`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PostBodyRules {}

impl TextRules for PostBodyRules {
    const FIELD: &'static str = "body";
    // An empty post says nothing; 10 000 characters is a long essay, not a conversation.
    const MIN: usize = 1;
    const MAX: usize = 10_000;
    const MULTILINE: bool = true;
}

/// The text of a post: 1 to 10 000 characters, line breaks allowed.
pub type PostBody = Text<PostBodyRules>;

/// The thread's lifecycle, reported in a 409 when a command does not fit it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ThreadState {
    #[default]
    NotStarted,
    Open,
}

impl ThreadState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotStarted => "not_started",
            Self::Open => "open",
        }
    }
}

impl fmt::Display for ThreadState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::NotStarted => "not started",
            Self::Open => "open",
        })
    }
}

/// A post's lifecycle, reported in a 409 when a command does not fit it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PostState {
    Visible,
    /// Hidden by a facilitator or moderator; shown only to them.
    Hidden,
    /// Deleted by its author; its text is gone from the state.
    Deleted,
}

impl PostState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Visible => "visible",
            Self::Hidden => "hidden",
            Self::Deleted => "deleted",
        }
    }
}

impl fmt::Display for PostState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why and by whom a post was hidden.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hiding {
    pub reason: Reason,
    pub hidden_by: AccountId,
    #[serde(deserialize_with = "crate::values::time::deserialize")]
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Post {
    pub id: PostId,
    pub author: AccountId,
    /// `None` once the author deleted the post.
    pub body: Option<PostBody>,
    #[serde(deserialize_with = "crate::values::time::deserialize")]
    pub posted_at: DateTime<Utc>,
    #[serde(default, deserialize_with = "crate::values::time::optional")]
    pub edited_at: Option<DateTime<Utc>>,
    pub hidden: Option<Hiding>,
}

impl Post {
    pub fn state(&self) -> PostState {
        if self.body.is_none() {
            PostState::Deleted
        } else if self.hidden.is_some() {
            PostState::Hidden
        } else {
            PostState::Visible
        }
    }
}

/// What a thread says about itself once started.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadHeader {
    pub id: ThreadId,
    pub community_id: CommunityId,
    pub title: Title,
    pub started_by: AccountId,
    #[serde(deserialize_with = "crate::values::time::deserialize")]
    pub started_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Thread {
    header: Option<ThreadHeader>,
    /// In posting order; the first is the opening post. Threads are short, so a scan is fine.
    posts: Vec<Post>,
}

impl Thread {
    pub fn state(&self) -> ThreadState {
        match self.header {
            None => ThreadState::NotStarted,
            Some(_) => ThreadState::Open,
        }
    }

    pub fn header(&self) -> Option<&ThreadHeader> {
        self.header.as_ref()
    }

    pub fn posts(&self) -> &[Post] {
        &self.posts
    }

    pub fn post(&self, id: &PostId) -> Option<&Post> {
        self.posts.iter().find(|post| post.id == *id)
    }

    fn post_mut(&mut self, id: &PostId) -> Option<&mut Post> {
        self.posts.iter_mut().find(|post| post.id == *id)
    }
}

impl Aggregate for Thread {
    const TYPE: &'static str = "thread";
    type Command = ThreadCommand;
    type Event = ThreadEvent;
    type Error = ThreadError;
    type Services = ();

    async fn handle(
        &mut self,
        command: ThreadCommand,
        _services: &(),
        sink: &EventSink<Self>,
    ) -> Result<(), ThreadError> {
        for event in self.decide(command)? {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: ThreadEvent) {
        use ThreadEvent as E;
        match event {
            E::ThreadStarted {
                thread_id,
                community_id,
                title,
                opening_post_id,
                author,
                body,
                at,
            } => {
                self.header = Some(ThreadHeader {
                    id: thread_id,
                    community_id,
                    title,
                    started_by: author,
                    started_at: at,
                });
                self.posts.push(new_post(opening_post_id, author, body, at));
            }
            E::ReplyPosted {
                post_id,
                author,
                body,
                at,
            } => self.posts.push(new_post(post_id, author, body, at)),
            E::PostEdited { post_id, body, at } => {
                if let Some(post) = self.post_mut(&post_id) {
                    post.body = Some(body);
                    post.edited_at = Some(at);
                }
            }
            E::PostDeleted { post_id, .. } => {
                if let Some(post) = self.post_mut(&post_id) {
                    post.body = None;
                }
            }
            E::PostHidden {
                post_id,
                reason,
                hidden_by,
                at,
            } => {
                if let Some(post) = self.post_mut(&post_id) {
                    post.hidden = Some(Hiding {
                        reason,
                        hidden_by,
                        at,
                    });
                }
            }
            E::PostUnhidden { post_id, .. } => {
                if let Some(post) = self.post_mut(&post_id) {
                    post.hidden = None;
                }
            }
        }
    }
}

fn new_post(id: PostId, author: AccountId, body: PostBody, at: DateTime<Utc>) -> Post {
    Post {
        id,
        author,
        body: Some(body),
        posted_at: at,
        edited_at: None,
        hidden: None,
    }
}
