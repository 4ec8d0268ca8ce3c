//! Who belongs where: the managers of each initiative (and who asked to become one), the members
//! of each community with their role (and who asked to join), and, per account, everything it
//! belongs to or has asked to join.
//!
//! The serialised state (and so the snapshot) is one compact entry per initiative and per
//! community, holding only what membership needs (not whole profiles). The per-account index is
//! derived from it: kept current event by event and rebuilt after a snapshot is restored, so
//! "my memberships" is a lookup, not a scan of every community.

mod fold;
mod queries;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use domain::community::{CommunityRole, JoinPolicy};
use domain::initiative::InitiativeStatus;
use domain::values::{AccountId, CommunityId, InitiativeId};
use serde::{Deserialize, Serialize};

use crate::{DomainEvent, Envelope, Projection, ProjectionError};

pub use queries::{
    AccountMemberships, CommunityMembership, ManagedInitiative, MemberEntry, PendingRequest,
};

/// The read model. Query methods are in `queries.rs`.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Memberships {
    initiatives: BTreeMap<InitiativeId, InitiativeTeam>,
    communities: BTreeMap<CommunityId, CommunityRoster>,
    /// What each account is linked to; derived from the two maps above.
    #[serde(skip)]
    by_account: HashMap<AccountId, AccountLinks>,
}

/// One initiative as membership sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InitiativeTeam {
    pub name: String,
    pub status: InitiativeStatus,
    /// When it was last approved; set once it has ever been approved, which keeps a retired
    /// initiative public (the same rule as `GET /v1/initiatives/{id}`).
    pub approved_at: Option<DateTime<Utc>>,
    /// Managers, with when each became one.
    pub managers: BTreeMap<AccountId, DateTime<Utc>>,
    /// Accounts that asked to become managers and await a decision, with when they asked.
    pub management_requests: BTreeMap<AccountId, DateTime<Utc>>,
    /// A new name waiting for a moderator (it becomes the name if the change is approved).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pending_name: Option<String>,
}

impl InitiativeTeam {
    /// Whether anyone may see it: approved, or retired after having been approved.
    pub fn is_public(&self) -> bool {
        match self.status {
            InitiativeStatus::Approved => true,
            InitiativeStatus::Retired => self.approved_at.is_some(),
            _ => false,
        }
    }

    pub fn is_manager(&self, account: AccountId) -> bool {
        self.managers.contains_key(&account)
    }
}

/// One community as membership sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommunityRoster {
    pub name: String,
    pub join_policy: JoinPolicy,
    pub members: BTreeMap<AccountId, Member>,
    /// Pending requests to join, with when they were made.
    pub join_requests: BTreeMap<AccountId, DateTime<Utc>>,
}

impl CommunityRoster {
    pub fn role_of(&self, account: AccountId) -> Option<CommunityRole> {
        self.members.get(&account).map(|m| m.role)
    }
}

/// A member's role in one community and since when they belong (a promotion keeps the date).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub role: CommunityRole,
    pub since: DateTime<Utc>,
}

/// Everything one account is linked to (the index behind [`Memberships::of_account`]).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct AccountLinks {
    manages: BTreeSet<InitiativeId>,
    asked_to_manage: BTreeSet<InitiativeId>,
    belongs_to: BTreeSet<CommunityId>,
    asked_to_join: BTreeSet<CommunityId>,
}

impl AccountLinks {
    fn is_empty(&self) -> bool {
        self.manages.is_empty()
            && self.asked_to_manage.is_empty()
            && self.belongs_to.is_empty()
            && self.asked_to_join.is_empty()
    }
}

impl Projection for Memberships {
    const NAME: &'static str = "memberships";

    fn apply(&mut self, event: &Envelope) -> Result<(), ProjectionError> {
        match event.event()? {
            DomainEvent::Initiative(id, payload) => self.apply_initiative(*id, payload),
            DomainEvent::Community(id, payload) => self.apply_community(*id, payload),
            _ => Ok(()),
        }
    }

    fn restored(&mut self, _restoring: crate::Restoring) -> Result<(), crate::ProjectionError> {
        self.by_account.clear();
        let initiatives: Vec<(InitiativeId, Vec<AccountId>)> = self
            .initiatives
            .iter()
            .map(|(id, team)| {
                let accounts = team.managers.keys().chain(team.management_requests.keys());
                (*id, accounts.copied().collect())
            })
            .collect();
        for (id, accounts) in initiatives {
            for account in accounts {
                self.relink_initiative(id, account);
            }
        }
        let communities: Vec<(CommunityId, Vec<AccountId>)> = self
            .communities
            .iter()
            .map(|(id, roster)| {
                let accounts = roster.members.keys().chain(roster.join_requests.keys());
                (*id, accounts.copied().collect())
            })
            .collect();
        for (id, accounts) in communities {
            for account in accounts {
                self.relink_community(id, account);
            }
        }
        Ok(())
    }
}

impl Memberships {
    /// Brings `account`'s links to initiative `id` in line with the initiative's entry.
    fn relink_initiative(&mut self, id: InitiativeId, account: AccountId) {
        let (manages, asked) = self.initiatives.get(&id).map_or((false, false), |team| {
            (
                team.managers.contains_key(&account),
                team.management_requests.contains_key(&account),
            )
        });
        self.relink(account, |links| {
            set_membership(&mut links.manages, id, manages);
            set_membership(&mut links.asked_to_manage, id, asked);
        });
    }

    /// Brings `account`'s links to community `id` in line with the community's entry.
    fn relink_community(&mut self, id: CommunityId, account: AccountId) {
        let (member, asked) = self.communities.get(&id).map_or((false, false), |roster| {
            (
                roster.members.contains_key(&account),
                roster.join_requests.contains_key(&account),
            )
        });
        self.relink(account, |links| {
            set_membership(&mut links.belongs_to, id, member);
            set_membership(&mut links.asked_to_join, id, asked);
        });
    }

    fn relink(&mut self, account: AccountId, change: impl FnOnce(&mut AccountLinks)) {
        let links = self.by_account.entry(account).or_default();
        change(links);
        if links.is_empty() {
            // Accounts that belong nowhere take no room.
            self.by_account.remove(&account);
        }
    }
}

fn set_membership<T: Ord>(set: &mut BTreeSet<T>, item: T, present: bool) {
    if present {
        set.insert(item);
    } else {
        set.remove(&item);
    }
}
