//! Why a use case said no, in the domain's words. Each adapter decides how to show it: the JSON
//! API as a status and an error body (`http::error`), the web console as a message beside the
//! form, in the reader's language.

use std::time::Duration;

use domain::values::ValueError;

/// Every way a use case can refuse. Internal failures keep their cause for the log; adapters
/// never show it to the caller.
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    /// The input is malformed or a field is invalid; `fields` names each one.
    #[error("{message}")]
    Invalid {
        message: String,
        fields: Vec<ValueError>,
    },
    /// No valid credentials (missing, unknown, expired or revoked session, wrong password).
    #[error("{0}")]
    NotSignedIn(String),
    /// Signed in, but this caller may not do this.
    #[error("{0}")]
    NotAllowed(String),
    /// No such thing, or not visible to this caller.
    #[error("{0}")]
    NotFound(String),
    /// The current state does not allow this (or someone else changed it meanwhile); `current`
    /// says what that state is.
    #[error("{message}")]
    Conflict {
        message: String,
        current: Option<serde_json::Value>,
    },
    /// The caller acted on a version it read that is no longer current.
    #[error("{0}")]
    Changed(String),
    /// Well-formed and allowed, but a business rule says no.
    #[error("{0}")]
    RuleBroken(String),
    /// Too many attempts; try again after `retry_after`.
    #[error("{message}")]
    TooMany {
        message: String,
        retry_after: Duration,
    },
    /// Not available right now (store unreachable, read models behind); worth retrying soon.
    #[error("{0}")]
    Unavailable(String),
    /// Something broke on our side; the cause is for the log only.
    #[error("internal error")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl Refusal {
    /// One or more invalid fields.
    pub fn invalid(fields: Vec<ValueError>) -> Self {
        let message = match fields.as_slice() {
            [one] => one.to_string(),
            _ => "some fields are invalid; see `fields`".to_string(),
        };
        Self::Invalid { message, fields }
    }

    /// Malformed input that is not about one field.
    pub fn invalid_input(message: impl Into<String>) -> Self {
        Self::Invalid {
            message: message.into(),
            fields: Vec::new(),
        }
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        Self::Conflict {
            message: message.into(),
            current: None,
        }
    }

    pub fn internal(error: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Self::Internal(error.into())
    }
}

impl From<store::StoreError> for Refusal {
    /// The database being away is worth retrying shortly; a keyed write that lost its claim to a
    /// later attempt of the same request is that request still being processed; anything else
    /// is ours to fix.
    fn from(error: store::StoreError) -> Self {
        if error.is_unavailable() {
            tracing::warn!(%error, "the database is unavailable");
            return Self::Unavailable(
                "the database cannot be reached right now; try again in a few seconds".into(),
            );
        }
        match error {
            store::StoreError::IdempotencyClaimLost => Self::conflict(
                "a request with this Idempotency-Key is still being processed; retry in a moment",
            ),
            // Answered only where no access check runs the request again (it always does, see
            // `access::recalled`): the session is to be read afresh.
            store::StoreError::SessionRefused => Self::NotSignedIn(
                "your session ended or your account changed while this was written; nothing \
                 was written: sign in again and retry"
                    .into(),
            ),
            other => Self::Internal(Box::new(other)),
        }
    }
}
