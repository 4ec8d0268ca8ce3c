//! Why a thread command was refused. `NotAllowed` → 403; `InvalidTransition` and
//! `PostInvalidTransition` → 409 with the current state; `RuleViolated` → 422.

use super::{PostState, ThreadState};
use crate::values::PostId;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ThreadError {
    /// The actor lacks the right to do this.
    #[error("not allowed: only {who} may {action}")]
    NotAllowed {
        action: &'static str,
        who: &'static str,
    },
    /// The command does not fit the thread's current state.
    #[error("cannot {action}: the thread is {current}")]
    InvalidTransition {
        action: &'static str,
        current: ThreadState,
    },
    /// The command does not fit the current state of the post it names.
    #[error("cannot {action}: post {post_id} is {current}")]
    PostInvalidTransition {
        post_id: PostId,
        action: &'static str,
        current: PostState,
    },
    /// A business rule forbids it.
    #[error("{0}")]
    RuleViolated(ThreadRule),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ThreadRule {
    #[error("there is no post with this id in the thread")]
    UnknownPost,
    #[error("a post with this id already exists in the thread")]
    DuplicatePostId,
}

impl ThreadRule {
    /// A stable machine-readable code for API clients.
    pub fn code(self) -> &'static str {
        match self {
            Self::UnknownPost => "unknown_post",
            Self::DuplicatePostId => "duplicate_post_id",
        }
    }
}
