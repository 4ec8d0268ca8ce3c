//! Who is issuing a command, as established by the gateway from the bearer token.
//!
//! Aggregates decide rights from this (plus facts in their own state, such as the managers of an
//! initiative); they never look accounts up themselves.

use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

use crate::values::AccountId;

/// A platform-wide role. Being a manager of an initiative or a facilitator of a community is not
/// a role: it is a fact recorded in that aggregate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Member,
    Moderator,
    Auditor,
    Admin,
}

/// The account acting, and the roles it holds at the time of the command.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub account: AccountId,
    pub roles: BTreeSet<Role>,
}

impl Actor {
    pub fn new(account: AccountId, roles: impl IntoIterator<Item = Role>) -> Self {
        Self {
            account,
            roles: roles.into_iter().collect(),
        }
    }

    /// A signed-in member with no other role.
    pub fn member(account: AccountId) -> Self {
        Self::new(account, [Role::Member])
    }

    /// A member who is also a moderator.
    pub fn moderator(account: AccountId) -> Self {
        Self::new(account, [Role::Member, Role::Moderator])
    }

    pub fn has_role(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    pub fn is_moderator(&self) -> bool {
        self.has_role(Role::Moderator)
    }

    pub fn is_auditor(&self) -> bool {
        self.has_role(Role::Auditor)
    }

    pub fn is_admin(&self) -> bool {
        self.has_role(Role::Admin)
    }
}
