//! What happened in a thread. Past tense; every type is named and versioned.

use chrono::{DateTime, Utc};
use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};

use super::PostBody;
use crate::values::{AccountId, CommunityId, PostId, Reason, ThreadId, Title};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ThreadEvent {
    ThreadStarted {
        thread_id: ThreadId,
        community_id: CommunityId,
        title: Title,
        opening_post_id: PostId,
        author: AccountId,
        body: PostBody,
        #[serde(deserialize_with = "crate::values::time::deserialize")]
        at: DateTime<Utc>,
    },
    ReplyPosted {
        post_id: PostId,
        author: AccountId,
        body: PostBody,
        #[serde(deserialize_with = "crate::values::time::deserialize")]
        at: DateTime<Utc>,
    },
    PostEdited {
        post_id: PostId,
        body: PostBody,
        #[serde(deserialize_with = "crate::values::time::deserialize")]
        at: DateTime<Utc>,
    },
    PostDeleted {
        post_id: PostId,
        #[serde(deserialize_with = "crate::values::time::deserialize")]
        at: DateTime<Utc>,
    },
    PostHidden {
        post_id: PostId,
        reason: Reason,
        hidden_by: AccountId,
        #[serde(deserialize_with = "crate::values::time::deserialize")]
        at: DateTime<Utc>,
    },
    PostUnhidden {
        post_id: PostId,
        unhidden_by: AccountId,
        #[serde(deserialize_with = "crate::values::time::deserialize")]
        at: DateTime<Utc>,
    },
}

impl ThreadEvent {
    /// Every event type name (as `event_type` writes them), for registries (the audit API's
    /// filters, docs). Keep in step with `event_type` below.
    pub const TYPES: &'static [&'static str] = &[
        "ThreadStarted",
        "ThreadReplyPosted",
        "ThreadPostEdited",
        "ThreadPostDeleted",
        "ThreadPostHidden",
        "ThreadPostUnhidden",
    ];
}

impl DomainEvent for ThreadEvent {
    fn event_type(&self) -> String {
        // Stable stored names, independent of Rust identifiers.
        match self {
            Self::ThreadStarted { .. } => "ThreadStarted",
            Self::ReplyPosted { .. } => "ThreadReplyPosted",
            Self::PostEdited { .. } => "ThreadPostEdited",
            Self::PostDeleted { .. } => "ThreadPostDeleted",
            Self::PostHidden { .. } => "ThreadPostHidden",
            Self::PostUnhidden { .. } => "ThreadPostUnhidden",
        }
        .into()
    }

    fn event_version(&self) -> String {
        "1".into()
    }
}
