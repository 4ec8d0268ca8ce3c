//! How each aggregate's refusals read over HTTP: not allowed is 403; a command that the current
//! state does not allow is 409 with that state in the body; a broken business rule is 422.

use domain::account::{AccountError, AdminRosterError, EmailClaimError};
use domain::community::CommunityError;
use domain::initiative::InitiativeError;
use domain::joint_project::JointProjectError;
use domain::publication::PublicationError;
use domain::thread::ThreadError;
use serde_json::{json, Value};

use super::ApiError;

/// A domain error that knows its HTTP meaning.
pub trait Refusal: std::error::Error {
    /// `Some(current state)` if the command conflicts with the state; `None` otherwise.
    fn conflict_state(&self) -> Option<Value>;
    fn is_not_allowed(&self) -> bool;

    fn into_api_error(self) -> ApiError
    where
        Self: Sized,
    {
        let message = self.to_string();
        if self.is_not_allowed() {
            ApiError::Forbidden(message)
        } else if let Some(current) = self.conflict_state() {
            ApiError::Conflict {
                message,
                current: Some(current),
            }
        } else {
            ApiError::Unprocessable(message)
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
        impl Refusal for $error {
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

impl Refusal for ThreadError {
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

impl Refusal for JointProjectError {
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

impl Refusal for EmailClaimError {
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

impl Refusal for AdminRosterError {
    fn conflict_state(&self) -> Option<Value> {
        None
    }
    fn is_not_allowed(&self) -> bool {
        false
    }
}
