//! Identifiers of aggregates and accounts.
//!
//! Each is its own type so that a `CommunityId` can never be passed where an `InitiativeId` is
//! expected; all are UUIDs (v7 when generated here, so they sort roughly by creation time).

use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

use super::ValueError;

macro_rules! uuid_id {
    ($(#[$doc:meta])* $name:ident, $field:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        /// The order of the UUID's bytes, as `Uuid`'s own, compared as one big-endian number:
        /// the read models search trees keyed by ids at every event they fold, and comparing
        /// the bytes called `memcmp` for each key a search passed.
        impl Ord for $name {
            fn cmp(&self, other: &Self) -> Ordering {
                self.0.as_u128().cmp(&other.0.as_u128())
            }
        }

        impl PartialOrd for $name {
            fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
                Some(self.cmp(other))
            }
        }

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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn id(bytes: [u8; 16]) -> InitiativeId {
        InitiativeId::from_uuid(Uuid::from_bytes(bytes))
    }

    proptest! {
        #[test]
        fn ids_sort_as_their_uuids(a in any::<[u8; 16]>(), b in any::<[u8; 16]>(), at in 0usize..16) {
            prop_assert_eq!(id(a).cmp(&id(b)), Uuid::from_bytes(a).cmp(&Uuid::from_bytes(b)));
            // The same up to byte `at`: only the bytes from there on decide.
            let mut near = a;
            near[at..].copy_from_slice(&b[at..]);
            prop_assert_eq!(id(a).cmp(&id(near)), Uuid::from_bytes(a).cmp(&Uuid::from_bytes(near)));
            prop_assert_eq!(id(a).cmp(&id(a)), Ordering::Equal);
        }
    }

    #[test]
    fn the_first_byte_weighs_most() {
        let mut low = [0xff; 16];
        low[0] = 0x01;
        let mut high = [0x00; 16];
        high[0] = 0x02;
        assert!(id(low) < id(high));
        assert!(Uuid::from_bytes(low) < Uuid::from_bytes(high));
    }
}
