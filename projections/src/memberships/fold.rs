//! How each initiative and community event changes memberships. The rules mirror the
//! aggregates' own `apply` (domain::initiative::state, domain::community), keeping only who
//! belongs, with which role, since when, and the names a membership list shows.

use std::collections::BTreeMap;

use cqrs_es::DomainEvent as _;
use domain::community::{CommunityEvent, CommunityRole};
use domain::initiative::{InitiativeEvent, InitiativeStatus};
use domain::values::{AccountId, CommunityId, InitiativeId};

use super::{CommunityRoster, InitiativeTeam, Member, Memberships};
use crate::ProjectionError;

impl Memberships {
    pub(super) fn apply_initiative(
        &mut self,
        id: InitiativeId,
        event: &InitiativeEvent,
    ) -> Result<(), ProjectionError> {
        use InitiativeEvent as E;
        if let E::InitiativeRegistered {
            profile, by, at, ..
        } = event
        {
            let team = InitiativeTeam {
                name: profile.name.to_string(),
                status: InitiativeStatus::Submitted,
                approved_at: None,
                managers: BTreeMap::from([(*by, *at)]),
                management_requests: BTreeMap::new(),
                pending_name: None,
            };
            self.initiatives.insert(id, team);
            self.relink_initiative(id, *by);
            return Ok(());
        }
        let team = self
            .initiatives
            .get_mut(&id)
            .ok_or_else(|| never_created("initiative", id, event.event_type()))?;
        // The accounts whose links this event may change.
        let touched: Vec<AccountId> = match event {
            E::InitiativeRegistered { .. } => unreachable!("handled above"),
            E::InitiativeApproved { at, .. } => {
                team.status = InitiativeStatus::Approved;
                team.approved_at = Some(*at);
                vec![]
            }
            E::InitiativeRejected { .. } => {
                team.status = InitiativeStatus::Rejected;
                vec![]
            }
            E::InitiativeResubmitted { .. } => {
                team.status = InitiativeStatus::Submitted;
                vec![]
            }
            E::ProfileUpdated { changes, .. } => {
                if let Some(name) = &changes.name {
                    team.name = name.to_string();
                }
                vec![]
            }
            E::ProfileChangeProposed { changes, .. } => {
                // A proposal replaces any earlier one, as in the aggregate.
                team.pending_name = changes.name.as_ref().map(ToString::to_string);
                vec![]
            }
            E::ProfileChangeApproved { .. } => {
                if let Some(name) = team.pending_name.take() {
                    team.name = name;
                }
                vec![]
            }
            E::ProfileChangeRejected { .. } | E::ProfileChangeWithdrawn { .. } => {
                team.pending_name = None;
                vec![]
            }
            E::ManagerAdded { account, at, .. }
            | E::ManagementRequestApproved { account, at, .. } => {
                team.management_requests.remove(account);
                team.managers.entry(*account).or_insert(*at);
                vec![*account]
            }
            E::ManagerRemoved { account, .. } => {
                team.managers.remove(account);
                vec![*account]
            }
            E::ErasedAccountRemoved { account, .. } => {
                team.managers.remove(account);
                team.management_requests.remove(account);
                vec![*account]
            }
            E::ManagementRequested { account, at } => {
                team.management_requests.insert(*account, *at);
                vec![*account]
            }
            E::ManagementRequestDeclined { account, .. }
            | E::ManagementRequestWithdrawn { account, .. } => {
                team.management_requests.remove(account);
                vec![*account]
            }
            E::InitiativeConfirmed { .. } => vec![],
            E::InitiativeRetired { .. } => {
                // Managers stay (they managed it; the list shows it as retired); pending
                // requests and changes lapse.
                team.status = InitiativeStatus::Retired;
                team.pending_name = None;
                std::mem::take(&mut team.management_requests)
                    .into_keys()
                    .collect()
            }
        };
        for account in touched {
            self.relink_initiative(id, account);
        }
        Ok(())
    }

    pub(super) fn apply_community(
        &mut self,
        id: CommunityId,
        event: &CommunityEvent,
    ) -> Result<(), ProjectionError> {
        use CommunityEvent as E;
        if let E::CommunityCreated {
            name, join_policy, ..
        } = event
        {
            let roster = CommunityRoster {
                name: name.to_string(),
                join_policy: *join_policy,
                members: BTreeMap::new(),
                join_requests: BTreeMap::new(),
            };
            self.communities.insert(id, roster);
            return Ok(());
        }
        let roster = self
            .communities
            .get_mut(&id)
            .ok_or_else(|| never_created("community", id, event.event_type()))?;
        let touched = match event {
            E::CommunityCreated { .. } => unreachable!("handled above"),
            E::MemberJoined { account, at } | E::JoinRequestAccepted { account, at, .. } => {
                roster.join_requests.remove(account);
                let member = Member {
                    role: CommunityRole::Member,
                    since: *at,
                };
                roster.members.insert(*account, member);
                Some(*account)
            }
            E::JoinRequested { account, at } => {
                roster.join_requests.insert(*account, *at);
                Some(*account)
            }
            E::JoinRequestDeclined { account, .. } | E::JoinRequestWithdrawn { account, .. } => {
                roster.join_requests.remove(account);
                Some(*account)
            }
            E::MemberLeft { account, .. } => {
                roster.members.remove(account);
                Some(*account)
            }
            E::ErasedAccountRemoved { account, .. } => {
                roster.members.remove(account);
                roster.join_requests.remove(account);
                Some(*account)
            }
            E::MemberPromoted { account, at, .. } => {
                set_role(roster, *account, CommunityRole::Facilitator, *at);
                Some(*account)
            }
            E::FacilitatorDemoted { account, at, .. } => {
                set_role(roster, *account, CommunityRole::Member, *at);
                Some(*account)
            }
            E::CommunityRenamed { name, .. } => {
                roster.name = name.to_string();
                None
            }
            E::JoinPolicyChanged { join_policy, .. } => {
                roster.join_policy = *join_policy;
                None
            }
        };
        if let Some(account) = touched {
            self.relink_community(id, account);
        }
        Ok(())
    }
}

/// Gives `account` `role`, keeping the date it joined (the aggregate makes a non-member a
/// member with the role, so that case joins now).
fn set_role(
    roster: &mut CommunityRoster,
    account: AccountId,
    role: CommunityRole,
    at: chrono::DateTime<chrono::Utc>,
) {
    roster
        .members
        .entry(account)
        .and_modify(|member| member.role = role)
        .or_insert(Member { role, since: at });
}

/// An event for something whose first event was never seen: the feed is not what the aggregates
/// wrote, so the projection stops rather than invent the missing state.
fn never_created(kind: &str, id: impl std::fmt::Display, event_type: String) -> ProjectionError {
    ProjectionError(format!(
        "{event_type} for {kind} {id}, which has no creating event before it in the feed"
    ))
}
