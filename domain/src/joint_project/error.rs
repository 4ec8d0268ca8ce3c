//! Why a joint-project command was refused. `NotAllowed` → 403; `InvalidTransition` and
//! `InvitationInvalidTransition` → 409 with the current state; `RuleViolated` → 422.

use super::{InvitationState, ProjectStatus, MAX_OBJECTIVES};
use crate::values::InitiativeId;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JointProjectError {
    /// The actor lacks the right to do this.
    #[error("not allowed: only {who} may {action}")]
    NotAllowed {
        action: &'static str,
        who: &'static str,
    },
    /// The command does not fit the project's current state.
    #[error("cannot {action}: the joint project is {current}")]
    InvalidTransition {
        action: &'static str,
        current: ProjectStatus,
    },
    /// The command does not fit the current state of the invitation it names.
    #[error("cannot {action}: the invitation of initiative {initiative} is {current}")]
    InvitationInvalidTransition {
        initiative: InitiativeId,
        action: &'static str,
        current: InvitationState,
    },
    /// A business rule forbids it.
    #[error("{0}")]
    RuleViolated(JointProjectRule),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum JointProjectRule {
    #[error("the lead initiative must be approved and not retired to propose a joint project")]
    LeadNotEligible,
    #[error("only approved initiatives that are not retired can take part in a joint project")]
    InitiativeNotEligible,
    #[error("the lead initiative is already part of its own project; it cannot be invited")]
    SelfInvitation,
    #[error("this initiative has already been invited to the project")]
    AlreadyInvited,
    #[error("this initiative has already expressed interest in the project")]
    AlreadyInterested,
    #[error("this initiative has not been invited to the project")]
    NotInvited,
    #[error("the project has no open call for partners")]
    CallNotOpen,
    #[error("a joint project needs at least one objective")]
    NoObjectives,
    #[error("a joint project may list at most {MAX_OBJECTIVES} objectives")]
    TooManyObjectives,
    #[error(
        "a joint project needs at least two accepted initiatives, the lead counting as one, \
         to become active"
    )]
    NotEnoughPartners,
}

impl JointProjectRule {
    /// A stable machine-readable code for API clients.
    pub fn code(self) -> &'static str {
        match self {
            Self::LeadNotEligible => "lead_not_eligible",
            Self::InitiativeNotEligible => "initiative_not_eligible",
            Self::SelfInvitation => "self_invitation",
            Self::AlreadyInvited => "already_invited",
            Self::AlreadyInterested => "already_interested",
            Self::NotInvited => "not_invited",
            Self::CallNotOpen => "call_not_open",
            Self::NoObjectives => "no_objectives",
            Self::TooManyObjectives => "too_many_objectives",
            Self::NotEnoughPartners => "not_enough_partners",
        }
    }
}
