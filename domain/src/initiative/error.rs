//! Why an initiative command was refused.

use super::InitiativeStatus;

/// The three ways a command can be refused, kept apart because a client reacts differently to
/// each: ask someone else (`NotAllowed`, HTTP 403), reload and rethink (`InvalidTransition`,
/// 409, with the current state), or fix the request (`RuleViolated`, 422).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InitiativeError {
    /// The actor lacks the right to do this.
    #[error("not allowed: {0}")]
    NotAllowed(String),
    /// The command does not apply to the initiative in its current state.
    #[error("cannot {attempted} while the initiative is {current}: {hint}")]
    InvalidTransition {
        attempted: &'static str,
        current: InitiativeStatus,
        hint: &'static str,
    },
    /// The command breaks a business rule; the message says which and how to fix it.
    #[error("{0}")]
    RuleViolated(String),
}

impl InitiativeError {
    pub(crate) fn not_allowed(why: impl Into<String>) -> Self {
        Self::NotAllowed(why.into())
    }

    pub(crate) fn rule(why: impl Into<String>) -> Self {
        Self::RuleViolated(why.into())
    }

    pub(crate) fn transition(
        attempted: &'static str,
        current: InitiativeStatus,
        hint: &'static str,
    ) -> Self {
        Self::InvalidTransition {
            attempted,
            current,
            hint,
        }
    }
}
