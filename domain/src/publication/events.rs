//! What happened to a publication, news item or gathering. Past tense, named and versioned.

use chrono::{DateTime, Utc};
use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};

use super::PublicationContent;
use crate::values::{AccountId, PublicationId, Reason};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum PublicationEvent {
    PublicationSubmitted {
        publication_id: PublicationId,
        author: AccountId,
        content: PublicationContent,
        #[serde(deserialize_with = "crate::values::time::deserialize")]
        at: DateTime<Utc>,
    },
    /// The author changed the content before approval; a rejected item goes back to the queue.
    PublicationEdited {
        content: PublicationContent,
        edited_by: AccountId,
        #[serde(deserialize_with = "crate::values::time::deserialize")]
        at: DateTime<Utc>,
    },
    PublicationApproved {
        approved_by: AccountId,
        #[serde(deserialize_with = "crate::values::time::deserialize")]
        at: DateTime<Utc>,
    },
    PublicationRejected {
        rejected_by: AccountId,
        reason: Reason,
        #[serde(deserialize_with = "crate::values::time::deserialize")]
        at: DateTime<Utc>,
    },
    PublicationWithdrawn {
        withdrawn_by: AccountId,
        #[serde(deserialize_with = "crate::values::time::deserialize")]
        at: DateTime<Utc>,
    },
}

impl PublicationEvent {
    /// Every event type name (as `event_type` writes them), for registries (the audit API's
    /// filters, docs). Keep in step with `event_type` below.
    pub const TYPES: &'static [&'static str] = &[
        "PublicationSubmitted",
        "PublicationEdited",
        "PublicationApproved",
        "PublicationRejected",
        "PublicationWithdrawn",
    ];
}

impl DomainEvent for PublicationEvent {
    fn event_type(&self) -> String {
        // Stable stored names, independent of Rust identifiers.
        match self {
            Self::PublicationSubmitted { .. } => "PublicationSubmitted",
            Self::PublicationEdited { .. } => "PublicationEdited",
            Self::PublicationApproved { .. } => "PublicationApproved",
            Self::PublicationRejected { .. } => "PublicationRejected",
            Self::PublicationWithdrawn { .. } => "PublicationWithdrawn",
        }
        .into()
    }

    fn event_version(&self) -> String {
        "1".into()
    }
}
