//! Why an account command was refused.

use super::AccountStatus;

/// The three ways a command can be refused, as for initiatives: ask someone else
/// (`NotAllowed`, HTTP 403), reload and rethink (`InvalidTransition`, 409, with the current
/// state), or fix the request (`RuleViolated`, 422).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccountError {
    /// The actor lacks the right to do this.
    #[error("not allowed: {0}")]
    NotAllowed(String),
    /// The command does not apply to the account in its current state.
    #[error("cannot {attempted} while the account is {current}: {hint}")]
    InvalidTransition {
        attempted: &'static str,
        current: AccountStatus,
        hint: &'static str,
    },
    /// The command breaks a business rule; the message says which and how to fix it.
    #[error("{0}")]
    RuleViolated(String),
}

impl AccountError {
    pub(crate) fn not_allowed(why: impl Into<String>) -> Self {
        Self::NotAllowed(why.into())
    }

    pub(crate) fn rule(why: impl Into<String>) -> Self {
        Self::RuleViolated(why.into())
    }

    pub(crate) fn transition(
        attempted: &'static str,
        current: AccountStatus,
        hint: &'static str,
    ) -> Self {
        Self::InvalidTransition {
            attempted,
            current,
            hint,
        }
    }
}
