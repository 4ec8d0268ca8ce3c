//! What can be asked of [`Memberships`]. Every answer is ordered, so equal models give equal
//! answers.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use domain::community::CommunityRole;
use domain::initiative::InitiativeStatus;
use domain::values::{AccountId, CommunityId, InitiativeId};

use super::{CommunityRoster, InitiativeTeam, Memberships};

/// An initiative an account manages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManagedInitiative {
    pub id: InitiativeId,
    pub name: String,
    pub status: InitiativeStatus,
    /// When the account became a manager.
    pub since: DateTime<Utc>,
}

/// A community an account belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommunityMembership {
    pub id: CommunityId,
    pub name: String,
    pub role: CommunityRole,
    pub since: DateTime<Utc>,
}

/// A request that waits for a decision: to manage an initiative, or to join a community.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingRequest<Id> {
    pub id: Id,
    pub name: String,
    pub requested_at: DateTime<Utc>,
}

/// Everything one account belongs to or has asked to join; each list by name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountMemberships {
    pub initiatives: Vec<ManagedInitiative>,
    pub communities: Vec<CommunityMembership>,
    pub management_requests: Vec<PendingRequest<InitiativeId>>,
    pub join_requests: Vec<PendingRequest<CommunityId>>,
}

/// One person in a list of members or managers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemberEntry {
    pub account: AccountId,
    /// The role in a community; `None` in a list of managers, where there is only one.
    pub role: Option<CommunityRole>,
    pub since: DateTime<Utc>,
}

impl Memberships {
    /// The account's initiatives (those it manages, whatever their status), communities (with
    /// its role) and pending requests.
    pub fn of_account(&self, account: AccountId) -> AccountMemberships {
        let Some(links) = self.by_account.get(&account) else {
            return AccountMemberships::default();
        };
        let mut answer = AccountMemberships::default();
        for id in &links.manages {
            if let Some(team) = self.initiatives.get(id) {
                if let Some(since) = team.managers.get(&account) {
                    answer.initiatives.push(ManagedInitiative {
                        id: *id,
                        name: team.name.clone(),
                        status: team.status,
                        since: *since,
                    });
                }
            }
        }
        for id in &links.asked_to_manage {
            if let Some(team) = self.initiatives.get(id) {
                if let Some(at) = team.management_requests.get(&account) {
                    answer.management_requests.push(PendingRequest {
                        id: *id,
                        name: team.name.clone(),
                        requested_at: *at,
                    });
                }
            }
        }
        for id in &links.belongs_to {
            if let Some(roster) = self.communities.get(id) {
                if let Some(member) = roster.members.get(&account) {
                    answer.communities.push(CommunityMembership {
                        id: *id,
                        name: roster.name.clone(),
                        role: member.role,
                        since: member.since,
                    });
                }
            }
        }
        for id in &links.asked_to_join {
            if let Some(roster) = self.communities.get(id) {
                if let Some(at) = roster.join_requests.get(&account) {
                    answer.join_requests.push(PendingRequest {
                        id: *id,
                        name: roster.name.clone(),
                        requested_at: *at,
                    });
                }
            }
        }
        answer
            .initiatives
            .sort_by_cached_key(|i| (i.name.to_lowercase(), i.id));
        answer
            .communities
            .sort_by_cached_key(|c| (c.name.to_lowercase(), c.id));
        answer
            .management_requests
            .sort_by_cached_key(|r| (r.name.to_lowercase(), r.id));
        answer
            .join_requests
            .sort_by_cached_key(|r| (r.name.to_lowercase(), r.id));
        answer
    }

    pub fn initiative(&self, id: InitiativeId) -> Option<&InitiativeTeam> {
        self.initiatives.get(&id)
    }

    pub fn community(&self, id: CommunityId) -> Option<&CommunityRoster> {
        self.communities.get(&id)
    }

    /// The account's role in the community, if it is a member.
    pub fn role_in(&self, community: CommunityId, account: AccountId) -> Option<CommunityRole> {
        self.communities.get(&community)?.role_of(account)
    }
}

impl InitiativeTeam {
    /// Managers, longest-serving first.
    pub fn managers_in_order(&self) -> Vec<MemberEntry> {
        oldest_first(&self.managers)
            .into_iter()
            .map(|(account, since)| MemberEntry {
                account,
                role: None,
                since,
            })
            .collect()
    }

    /// Requests to become a manager, oldest first.
    pub fn requests_oldest_first(&self) -> Vec<(AccountId, DateTime<Utc>)> {
        oldest_first(&self.management_requests)
    }
}

impl CommunityRoster {
    /// Facilitators first, then members; each group longest-standing first.
    pub fn members_in_order(&self) -> Vec<MemberEntry> {
        let mut members: Vec<MemberEntry> = self
            .members
            .iter()
            .map(|(account, member)| MemberEntry {
                account: *account,
                role: Some(member.role),
                since: member.since,
            })
            .collect();
        members.sort_by_key(|m| {
            let facilitator = m.role == Some(CommunityRole::Facilitator);
            (!facilitator, m.since, m.account)
        });
        members
    }

    /// Requests to join, oldest first.
    pub fn requests_oldest_first(&self) -> Vec<(AccountId, DateTime<Utc>)> {
        oldest_first(&self.join_requests)
    }

    pub fn facilitator_count(&self) -> usize {
        self.members
            .values()
            .filter(|m| m.role == CommunityRole::Facilitator)
            .count()
    }
}

fn oldest_first(map: &BTreeMap<AccountId, DateTime<Utc>>) -> Vec<(AccountId, DateTime<Utc>)> {
    let mut entries: Vec<_> = map.iter().map(|(a, at)| (*a, *at)).collect();
    entries.sort_by_key(|(account, at)| (*at, *account));
    entries
}
