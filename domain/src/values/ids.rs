//! Identifiers of aggregates and accounts.
//!
//! Each is its own type so that a `CommunityId` can never be passed where an `InitiativeId` is
//! expected; all are UUIDs (v7 when generated here, so they sort roughly by creation time).

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

use super::ValueError;

macro_rules! uuid_id {
    ($(#[$doc:meta])* $name:ident, $field:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// The field name used in error messages about this id.
            pub const FIELD: &'static str = $field;

            /// A fresh, time-ordered id (UUID v7).
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }

            /// Wraps an existing UUID (e.g. one read from a path parameter).
            pub const fn from_uuid(id: Uuid) -> Self {
                Self(id)
            }

            pub const fn as_uuid(&self) -> &Uuid {
                &self.0
            }

            pub const fn into_uuid(self) -> Uuid {
                self.0
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl From<Uuid> for $name {
            fn from(id: Uuid) -> Self {
                Self(id)
            }
        }

        impl From<$name> for Uuid {
            fn from(id: $name) -> Self {
                id.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = ValueError;
            fn from_str(s: &str) -> Result<Self, ValueError> {
                Uuid::parse_str(s.trim()).map(Self).map_err(|_| {
                    ValueError::new(
                        $field,
                        format!("'{s}' is not a valid identifier; expected a UUID such as 0190f5c2-8a3e-7c1d-9b2a-4f6e8d0c1a2b"),
                    )
                })
            }
        }

        impl TryFrom<&str> for $name {
            type Error = ValueError;
            fn try_from(s: &str) -> Result<Self, ValueError> {
                s.parse()
            }
        }
    };
}

uuid_id!(
    /// A signed-in person's account.
    AccountId,
    "account_id"
);
uuid_id!(
    /// An initiative (cluster, network, local productive project...).
    InitiativeId,
    "initiative_id"
);
uuid_id!(
    /// A community of practice.
    CommunityId,
    "community_id"
);
uuid_id!(
    /// A discussion thread inside a community.
    ThreadId,
    "thread_id"
);
uuid_id!(
    /// A post (opening post or reply) inside a thread.
    PostId,
    "post_id"
);
uuid_id!(
    /// A joint project between initiatives.
    JointProjectId,
    "joint_project_id"
);
uuid_id!(
    /// A publication, news item or gathering.
    PublicationId,
    "publication_id"
);
