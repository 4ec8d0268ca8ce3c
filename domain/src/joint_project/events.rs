//! What happened to a joint project. Past tense; every type is named and versioned.

use chrono::{DateTime, Utc};
use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};

use super::Objective;
use crate::values::{AccountId, Description, InitiativeId, JointProjectId, Reason, Sectors, Title};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum JointProjectEvent {
    JointProjectProposed {
        project_id: JointProjectId,
        lead: InitiativeId,
        title: Title,
        description: Description,
        sectors: Sectors,
        objectives: Vec<Objective>,
        proposed_by: AccountId,
        #[serde(deserialize_with = "crate::values::time::deserialize")]
        at: DateTime<Utc>,
    },
    /// The lead changed what the project is; a rejected project goes back to proposed.
    JointProjectRevised {
        title: Title,
        description: Description,
        sectors: Sectors,
        objectives: Vec<Objective>,
        revised_by: AccountId,
        #[serde(deserialize_with = "crate::values::time::deserialize")]
        at: DateTime<Utc>,
    },
    PartnerInvited {
        initiative: InitiativeId,
        invited_by: AccountId,
        /// Whether the initiative had answered the open call (matching learns from this).
        following_interest: bool,
        #[serde(deserialize_with = "crate::values::time::deserialize")]
        at: DateTime<Utc>,
    },
    InvitationAccepted {
        initiative: InitiativeId,
        accepted_by: AccountId,
        #[serde(deserialize_with = "crate::values::time::deserialize")]
        at: DateTime<Utc>,
    },
    InvitationDeclined {
        initiative: InitiativeId,
        declined_by: AccountId,
        reason: Option<Reason>,
        #[serde(deserialize_with = "crate::values::time::deserialize")]
        at: DateTime<Utc>,
    },
    CallForPartnersOpened {
        opened_by: AccountId,
        #[serde(deserialize_with = "crate::values::time::deserialize")]
        at: DateTime<Utc>,
    },
    CallForPartnersClosed {
        closed_by: AccountId,
        #[serde(deserialize_with = "crate::values::time::deserialize")]
        at: DateTime<Utc>,
    },
    InterestExpressed {
        initiative: InitiativeId,
        expressed_by: AccountId,
        #[serde(deserialize_with = "crate::values::time::deserialize")]
        at: DateTime<Utc>,
    },
    SubmittedForReview {
        submitted_by: AccountId,
        #[serde(deserialize_with = "crate::values::time::deserialize")]
        at: DateTime<Utc>,
    },
    JointProjectApproved {
        approved_by: AccountId,
        #[serde(deserialize_with = "crate::values::time::deserialize")]
        at: DateTime<Utc>,
    },
    JointProjectRejected {
        rejected_by: AccountId,
        reason: Reason,
        #[serde(deserialize_with = "crate::values::time::deserialize")]
        at: DateTime<Utc>,
    },
    JointProjectActivated {
        activated_by: AccountId,
        #[serde(deserialize_with = "crate::values::time::deserialize")]
        at: DateTime<Utc>,
    },
    JointProjectCompleted {
        completed_by: AccountId,
        #[serde(deserialize_with = "crate::values::time::deserialize")]
        at: DateTime<Utc>,
    },
    JointProjectWithdrawn {
        withdrawn_by: AccountId,
        reason: Option<Reason>,
        #[serde(deserialize_with = "crate::values::time::deserialize")]
        at: DateTime<Utc>,
    },
}

impl JointProjectEvent {
    /// Every event type name (as `event_type` writes them), for registries (the audit API's
    /// filters, docs). Keep in step with `event_type` below.
    pub const TYPES: &'static [&'static str] = &[
        "JointProjectProposed",
        "JointProjectRevised",
        "JointProjectPartnerInvited",
        "JointProjectInvitationAccepted",
        "JointProjectInvitationDeclined",
        "JointProjectCallForPartnersOpened",
        "JointProjectCallForPartnersClosed",
        "JointProjectInterestExpressed",
        "JointProjectSubmittedForReview",
        "JointProjectApproved",
        "JointProjectRejected",
        "JointProjectActivated",
        "JointProjectCompleted",
        "JointProjectWithdrawn",
    ];
}

impl DomainEvent for JointProjectEvent {
    fn event_type(&self) -> String {
        // Stable stored names, independent of Rust identifiers.
        match self {
            Self::JointProjectProposed { .. } => "JointProjectProposed",
            Self::JointProjectRevised { .. } => "JointProjectRevised",
            Self::PartnerInvited { .. } => "JointProjectPartnerInvited",
            Self::InvitationAccepted { .. } => "JointProjectInvitationAccepted",
            Self::InvitationDeclined { .. } => "JointProjectInvitationDeclined",
            Self::CallForPartnersOpened { .. } => "JointProjectCallForPartnersOpened",
            Self::CallForPartnersClosed { .. } => "JointProjectCallForPartnersClosed",
            Self::InterestExpressed { .. } => "JointProjectInterestExpressed",
            Self::SubmittedForReview { .. } => "JointProjectSubmittedForReview",
            Self::JointProjectApproved { .. } => "JointProjectApproved",
            Self::JointProjectRejected { .. } => "JointProjectRejected",
            Self::JointProjectActivated { .. } => "JointProjectActivated",
            Self::JointProjectCompleted { .. } => "JointProjectCompleted",
            Self::JointProjectWithdrawn { .. } => "JointProjectWithdrawn",
        }
        .into()
    }

    fn event_version(&self) -> String {
        "1".into()
    }
}
