//! How each aggregate's errors become a [`Refusal`]: not allowed is `NotAllowed`; a command that
//! the current state does not allow is a `Conflict` with that state; a broken business rule is
//! `RuleBroken`.

use domain::account::{AccountError, AdminRosterError, EmailClaimError};
use domain::community::CommunityError;
use domain::initiative::InitiativeError;
use domain::joint_project::JointProjectError;
use domain::publication::PublicationError;
use domain::thread::ThreadError;
use serde_json::{json, Value};
use store::CommandError;

use super::Refusal;

/// A domain error that knows which kind of refusal it is.
pub trait DomainRefusal: std::error::Error {
    /// `Some(current state)` if the command conflicts with the state; `None` otherwise.
    fn conflict_state(&self) -> Option<Value>;
    fn is_not_allowed(&self) -> bool;

    fn into_refusal(self) -> Refusal
    where
        Self: Sized,
    {
        let message = self.to_string();
        if self.is_not_allowed() {
            Refusal::NotAllowed(message)
        } else if let Some(current) = self.conflict_state() {
            Refusal::Conflict {
                message,
                current: Some(current),
            }
        } else {
            Refusal::RuleBroken(message)
        }
    }
}

fn status(current: impl serde::Serialize) -> Option<Value> {
    Some(json!({ "status": current }))
}

/// The common shape: `NotAllowed` is 403, `InvalidTransition { current }` is 409 with that
/// status, anything else a broken rule (422).
macro_rules! refusal_with_status {
    ($($error:ty),+) => {$(
        impl DomainRefusal for $error {
            fn conflict_state(&self) -> Option<Value> {
                match self {
                    Self::InvalidTransition { current, .. } => status(current),
                    _ => None,
                }
            }
            fn is_not_allowed(&self) -> bool {
                matches!(self, Self::NotAllowed { .. })
            }
        }
    )+};
}

refusal_with_status!(
    InitiativeError,
    AccountError,
    CommunityError,
    PublicationError
);

impl DomainRefusal for ThreadError {
    fn conflict_state(&self) -> Option<Value> {
        match self {
            Self::InvalidTransition { current, .. } => status(current),
            Self::PostInvalidTransition {
                post_id, current, ..
            } => Some(json!({ "post_id": post_id, "post_status": current })),
            _ => None,
        }
    }
    fn is_not_allowed(&self) -> bool {
        matches!(self, Self::NotAllowed { .. })
    }
}

impl DomainRefusal for JointProjectError {
    fn conflict_state(&self) -> Option<Value> {
        match self {
            Self::InvalidTransition { current, .. } => status(current),
            Self::InvitationInvalidTransition {
                initiative,
                current,
                ..
            } => Some(json!({ "initiative_id": initiative, "invitation": current })),
            _ => None,
        }
    }
    fn is_not_allowed(&self) -> bool {
        matches!(self, Self::NotAllowed { .. })
    }
}

impl DomainRefusal for EmailClaimError {
    fn conflict_state(&self) -> Option<Value> {
        match self {
            Self::Taken => Some(json!({ "email": "taken" })),
            Self::NotHolder => None,
        }
    }
    fn is_not_allowed(&self) -> bool {
        false
    }
}

impl DomainRefusal for AdminRosterError {
    fn conflict_state(&self) -> Option<Value> {
        None
    }
    fn is_not_allowed(&self) -> bool {
        false
    }
}

/// Why a command failed, as a refusal: the aggregate's own reason, a conflicting writer, a
/// version the caller read that is no longer current, or the store.
/// The refusal for a failed load of a stream: a load decides nothing, so only the store can
/// fail it, and the database being away is `Unavailable` (503), as for a write.
pub fn load_error<E: std::error::Error>(error: CommandError<E>) -> Refusal {
    match error {
        CommandError::Store(e) => e.into(),
        other => Refusal::internal(other.to_string()),
    }
}

pub fn command_error<E: DomainRefusal>(error: CommandError<E>) -> Refusal {
    match error {
        CommandError::Rejected(refusal) => refusal.into_refusal(),
        CommandError::Conflict => {
            Refusal::conflict("someone else changed this at the same time; read it again and retry")
        }
        CommandError::VersionMismatch { current, .. } => Refusal::Changed(format!(
            "this changed since you read it (it is now at version {current}); read it again \
             and decide on what it says now"
        )),
        CommandError::Store(e) => e.into(),
    }
}
