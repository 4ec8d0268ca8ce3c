//! Why a community command was refused. The three kinds map to three HTTP answers in the gateway:
//! `NotAllowed` → 403, `InvalidTransition` → 409 (with the current state), `RuleViolated` → 422.

use super::CommunityState;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommunityError {
    /// The actor lacks the right to do this.
    #[error("not allowed: only {who} may {action}")]
    NotAllowed {
        action: &'static str,
        who: &'static str,
    },
    /// The command does not fit the community's current state.
    #[error("cannot {action}: the community is {current}")]
    InvalidTransition {
        action: &'static str,
        current: CommunityState,
    },
    /// A business rule forbids it.
    #[error("{0}")]
    RuleViolated(CommunityRule),
}

/// The business rules of a community, each with the message a person reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CommunityRule {
    #[error("this account is already a member of the community")]
    AlreadyMember,
    #[error("this account has already asked to join; a facilitator or moderator will decide")]
    AlreadyRequested,
    #[error("there is no pending request to join from this account")]
    NoPendingRequest,
    #[error("this account is not a member of the community")]
    NotAMember,
    #[error("this member is already a facilitator")]
    AlreadyFacilitator,
    #[error("this member is not a facilitator")]
    NotAFacilitator,
    #[error("this account is not active (it was erased): it cannot become a facilitator")]
    AccountNotActive,
}

impl CommunityRule {
    /// A stable machine-readable code for API clients.
    pub fn code(self) -> &'static str {
        match self {
            Self::AlreadyMember => "already_member",
            Self::AlreadyRequested => "already_requested",
            Self::NoPendingRequest => "no_pending_request",
            Self::NotAMember => "not_a_member",
            Self::AlreadyFacilitator => "already_facilitator",
            Self::NotAFacilitator => "not_a_facilitator",
            Self::AccountNotActive => "account_not_active",
        }
    }
}
