//! What happened to an initiative. Past tense; stored forever.
//!
//! Variant names are the stored event types and field names are the stored payload, so both are
//! frozen: a change of shape means a new version and an upcaster, never an edit here.

use chrono::{DateTime, Utc};
use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};

use super::{Profile, ProfileChanges};
use crate::values::{AccountId, InitiativeId, Reason};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum InitiativeEvent {
    /// A member submitted a new initiative for review and became its first manager.
    InitiativeRegistered {
        id: InitiativeId,
        profile: Profile,
        by: AccountId,
        #[serde(deserialize_with = "crate::values::time::deserialize")]
        at: DateTime<Utc>,
    },
    InitiativeApproved {
        by: AccountId,
        #[serde(deserialize_with = "crate::values::time::deserialize")]
        at: DateTime<Utc>,
    },
    InitiativeRejected {
        reason: Reason,
        by: AccountId,
        #[serde(deserialize_with = "crate::values::time::deserialize")]
        at: DateTime<Utc>,
    },
    /// A manager sent a rejected initiative back for review (usually after editing it).
    InitiativeResubmitted {
        by: AccountId,
        #[serde(deserialize_with = "crate::values::time::deserialize")]
        at: DateTime<Utc>,
    },
    /// Fields that need no review changed (or any field, before approval).
    ProfileUpdated {
        changes: ProfileChanges,
        by: AccountId,
        #[serde(deserialize_with = "crate::values::time::deserialize")]
        at: DateTime<Utc>,
    },
    /// Changes to reviewed fields of an approved initiative, held until a moderator decides.
    ProfileChangeProposed {
        changes: ProfileChanges,
        by: AccountId,
        #[serde(deserialize_with = "crate::values::time::deserialize")]
        at: DateTime<Utc>,
    },
    ProfileChangeApproved {
        by: AccountId,
        #[serde(deserialize_with = "crate::values::time::deserialize")]
        at: DateTime<Utc>,
    },
    ProfileChangeRejected {
        reason: Reason,
        by: AccountId,
        #[serde(deserialize_with = "crate::values::time::deserialize")]
        at: DateTime<Utc>,
    },
    ProfileChangeWithdrawn {
        by: AccountId,
        #[serde(deserialize_with = "crate::values::time::deserialize")]
        at: DateTime<Utc>,
    },
    ManagerAdded {
        account: AccountId,
        by: AccountId,
        #[serde(deserialize_with = "crate::values::time::deserialize")]
        at: DateTime<Utc>,
    },
    ManagerRemoved {
        account: AccountId,
        by: AccountId,
        #[serde(deserialize_with = "crate::values::time::deserialize")]
        at: DateTime<Utc>,
    },
    /// A member asked to become a manager.
    ManagementRequested {
        account: AccountId,
        #[serde(deserialize_with = "crate::values::time::deserialize")]
        at: DateTime<Utc>,
    },
    ManagementRequestApproved {
        account: AccountId,
        by: AccountId,
        #[serde(deserialize_with = "crate::values::time::deserialize")]
        at: DateTime<Utc>,
    },
    ManagementRequestDeclined {
        account: AccountId,
        reason: Option<Reason>,
        by: AccountId,
        #[serde(deserialize_with = "crate::values::time::deserialize")]
        at: DateTime<Utc>,
    },
    ManagementRequestWithdrawn {
        account: AccountId,
        #[serde(deserialize_with = "crate::values::time::deserialize")]
        at: DateTime<Utc>,
    },
    /// A manager confirmed that the profile is still accurate.
    InitiativeConfirmed {
        by: AccountId,
        #[serde(deserialize_with = "crate::values::time::deserialize")]
        at: DateTime<Utc>,
    },
    InitiativeRetired {
        reason: Option<Reason>,
        by: AccountId,
        #[serde(deserialize_with = "crate::values::time::deserialize")]
        at: DateTime<Utc>,
    },
    /// The person was erased: they no longer manage the initiative nor ask to.
    ErasedAccountRemoved {
        account: AccountId,
        #[serde(deserialize_with = "crate::values::time::deserialize")]
        at: DateTime<Utc>,
    },
}

impl InitiativeEvent {
    /// Every event type name, for registries (upcasters, projections' subscriptions, docs).
    pub const TYPES: &'static [&'static str] = &[
        "InitiativeRegistered",
        "InitiativeApproved",
        "InitiativeRejected",
        "InitiativeResubmitted",
        "ProfileUpdated",
        "ProfileChangeProposed",
        "ProfileChangeApproved",
        "ProfileChangeRejected",
        "ProfileChangeWithdrawn",
        "ManagerAdded",
        "ManagerRemoved",
        "ManagementRequested",
        "ManagementRequestApproved",
        "ManagementRequestDeclined",
        "ManagementRequestWithdrawn",
        "InitiativeConfirmed",
        "InitiativeRetired",
        "ErasedAccountRemoved",
    ];

    /// When it happened, as stated by the command (business time, not storage time).
    pub fn at(&self) -> DateTime<Utc> {
        use InitiativeEvent::*;
        match self {
            InitiativeRegistered { at, .. }
            | InitiativeApproved { at, .. }
            | InitiativeRejected { at, .. }
            | InitiativeResubmitted { at, .. }
            | ProfileUpdated { at, .. }
            | ProfileChangeProposed { at, .. }
            | ProfileChangeApproved { at, .. }
            | ProfileChangeRejected { at, .. }
            | ProfileChangeWithdrawn { at, .. }
            | ManagerAdded { at, .. }
            | ManagerRemoved { at, .. }
            | ManagementRequested { at, .. }
            | ManagementRequestApproved { at, .. }
            | ManagementRequestDeclined { at, .. }
            | ManagementRequestWithdrawn { at, .. }
            | InitiativeConfirmed { at, .. }
            | InitiativeRetired { at, .. }
            | ErasedAccountRemoved { at, .. } => *at,
        }
    }
}

impl DomainEvent for InitiativeEvent {
    fn event_type(&self) -> String {
        use InitiativeEvent::*;
        let name = match self {
            InitiativeRegistered { .. } => "InitiativeRegistered",
            InitiativeApproved { .. } => "InitiativeApproved",
            InitiativeRejected { .. } => "InitiativeRejected",
            InitiativeResubmitted { .. } => "InitiativeResubmitted",
            ProfileUpdated { .. } => "ProfileUpdated",
            ProfileChangeProposed { .. } => "ProfileChangeProposed",
            ProfileChangeApproved { .. } => "ProfileChangeApproved",
            ProfileChangeRejected { .. } => "ProfileChangeRejected",
            ProfileChangeWithdrawn { .. } => "ProfileChangeWithdrawn",
            ManagerAdded { .. } => "ManagerAdded",
            ManagerRemoved { .. } => "ManagerRemoved",
            ManagementRequested { .. } => "ManagementRequested",
            ManagementRequestApproved { .. } => "ManagementRequestApproved",
            ManagementRequestDeclined { .. } => "ManagementRequestDeclined",
            ManagementRequestWithdrawn { .. } => "ManagementRequestWithdrawn",
            InitiativeConfirmed { .. } => "InitiativeConfirmed",
            InitiativeRetired { .. } => "InitiativeRetired",
            ErasedAccountRemoved { .. } => "ErasedAccountRemoved",
        };
        name.to_owned()
    }

    fn event_version(&self) -> String {
        "1".to_owned()
    }
}
