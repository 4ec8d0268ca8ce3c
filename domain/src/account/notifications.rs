//! The kinds of email notification a person receives, one per audience, each of which they can
//! turn off. Stored in `NotificationPreferencesChanged` by these snake_case names (frozen).

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotificationKind {
    /// Moderators: a new submission (initiative, profile change, joint project, publication).
    ToReview,
    /// Authors: their submission was approved or rejected.
    Decision,
    /// Managers of an initiative invited to a joint project.
    Invitation,
    /// Managers of a lead initiative: a partner accepted, declined or expressed interest.
    PartnerResponse,
    /// Facilitators: someone asked to join their community.
    JoinRequest,
    /// A person whose request to join a community was accepted.
    JoinAccepted,
}

impl NotificationKind {
    pub const ALL: [NotificationKind; 6] = [
        Self::ToReview,
        Self::Decision,
        Self::Invitation,
        Self::PartnerResponse,
        Self::JoinRequest,
        Self::JoinAccepted,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::ToReview => "to_review",
            Self::Decision => "decision",
            Self::Invitation => "invitation",
            Self::PartnerResponse => "partner_response",
            Self::JoinRequest => "join_request",
            Self::JoinAccepted => "join_accepted",
        }
    }
}

impl fmt::Display for NotificationKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for NotificationKind {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.as_str() == text)
            .ok_or_else(|| {
                let names: Vec<_> = Self::ALL.iter().map(|k| k.as_str()).collect();
                format!(
                    "`{text}` is not a kind of notification (one of: {})",
                    names.join(", ")
                )
            })
    }
}
