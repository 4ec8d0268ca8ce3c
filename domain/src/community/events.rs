//! What happened to a community. Past tense; every type is named and versioned so that it can be
//! upcast later without renaming Rust variants.

use chrono::{DateTime, Utc};
use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};

use super::{JoinPolicy, Theme};
use crate::values::{AccountId, CommunityId, Name, Reason};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum CommunityEvent {
    CommunityCreated {
        community_id: CommunityId,
        name: Name,
        theme: Theme,
        join_policy: JoinPolicy,
        created_by: AccountId,
        #[serde(deserialize_with = "crate::values::time::deserialize")]
        at: DateTime<Utc>,
    },
    /// Joined an open community directly.
    MemberJoined {
        account: AccountId,
        #[serde(deserialize_with = "crate::values::time::deserialize")]
        at: DateTime<Utc>,
    },
    /// Asked to join a moderated community.
    JoinRequested {
        account: AccountId,
        #[serde(deserialize_with = "crate::values::time::deserialize")]
        at: DateTime<Utc>,
    },
    JoinRequestAccepted {
        account: AccountId,
        decided_by: AccountId,
        #[serde(deserialize_with = "crate::values::time::deserialize")]
        at: DateTime<Utc>,
    },
    JoinRequestDeclined {
        account: AccountId,
        decided_by: AccountId,
        reason: Option<Reason>,
        #[serde(deserialize_with = "crate::values::time::deserialize")]
        at: DateTime<Utc>,
    },
    /// The person who asked to join changed their mind before anyone decided.
    JoinRequestWithdrawn {
        account: AccountId,
        #[serde(deserialize_with = "crate::values::time::deserialize")]
        at: DateTime<Utc>,
    },
    MemberLeft {
        account: AccountId,
        #[serde(deserialize_with = "crate::values::time::deserialize")]
        at: DateTime<Utc>,
    },
    MemberPromoted {
        account: AccountId,
        promoted_by: AccountId,
        #[serde(deserialize_with = "crate::values::time::deserialize")]
        at: DateTime<Utc>,
    },
    FacilitatorDemoted {
        account: AccountId,
        demoted_by: AccountId,
        #[serde(deserialize_with = "crate::values::time::deserialize")]
        at: DateTime<Utc>,
    },
    CommunityRenamed {
        name: Name,
        renamed_by: AccountId,
        #[serde(deserialize_with = "crate::values::time::deserialize")]
        at: DateTime<Utc>,
    },
    JoinPolicyChanged {
        join_policy: JoinPolicy,
        changed_by: AccountId,
        #[serde(deserialize_with = "crate::values::time::deserialize")]
        at: DateTime<Utc>,
    },
    /// The person was erased: they are no longer a member (nor a facilitator), nor ask to be.
    ErasedAccountRemoved {
        account: AccountId,
        #[serde(deserialize_with = "crate::values::time::deserialize")]
        at: DateTime<Utc>,
    },
}

impl CommunityEvent {
    /// Every event type name (as `event_type` writes them), for registries (the audit API's
    /// filters, docs). Keep in step with `event_type` below.
    pub const TYPES: &'static [&'static str] = &[
        "CommunityCreated",
        "CommunityMemberJoined",
        "CommunityJoinRequested",
        "CommunityJoinRequestAccepted",
        "CommunityJoinRequestDeclined",
        "CommunityJoinRequestWithdrawn",
        "CommunityMemberLeft",
        "CommunityMemberPromoted",
        "CommunityFacilitatorDemoted",
        "CommunityRenamed",
        "CommunityJoinPolicyChanged",
        "CommunityErasedAccountRemoved",
    ];
}

impl DomainEvent for CommunityEvent {
    fn event_type(&self) -> String {
        // Spelled out rather than derived from the variant name: a stored name must never change
        // because someone renamed a Rust identifier.
        match self {
            Self::CommunityCreated { .. } => "CommunityCreated",
            Self::MemberJoined { .. } => "CommunityMemberJoined",
            Self::JoinRequested { .. } => "CommunityJoinRequested",
            Self::JoinRequestAccepted { .. } => "CommunityJoinRequestAccepted",
            Self::JoinRequestDeclined { .. } => "CommunityJoinRequestDeclined",
            Self::JoinRequestWithdrawn { .. } => "CommunityJoinRequestWithdrawn",
            Self::MemberLeft { .. } => "CommunityMemberLeft",
            Self::MemberPromoted { .. } => "CommunityMemberPromoted",
            Self::FacilitatorDemoted { .. } => "CommunityFacilitatorDemoted",
            Self::CommunityRenamed { .. } => "CommunityRenamed",
            Self::JoinPolicyChanged { .. } => "CommunityJoinPolicyChanged",
            Self::ErasedAccountRemoved { .. } => "CommunityErasedAccountRemoved",
        }
        .into()
    }

    fn event_version(&self) -> String {
        "1".into()
    }
}
