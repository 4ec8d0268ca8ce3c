//! What the membership reads answer, built from the `memberships` read model.

use chrono::{DateTime, Utc};
use domain::community::{CommunityRole, JoinPolicy};
use domain::initiative::InitiativeStatus;
use domain::values::{AccountId, CommunityId, InitiativeId};
use projections::{AccountMemberships, CommunityRoster, InitiativeTeam, PendingRequest};
use serde::Serialize;
use utoipa::ToSchema;

/// The caller's memberships.
#[derive(Serialize, ToSchema)]
pub(super) struct MyMembershipsView {
    #[schema(value_type = String, format = Uuid)]
    account_id: AccountId,
    /// Initiatives the caller manages, whatever their status, by name.
    initiatives: Vec<ManagedInitiativeView>,
    /// Communities the caller belongs to, by name.
    communities: Vec<CommunityMembershipView>,
    /// Initiatives the caller asked to manage, waiting for a decision.
    management_requests: Vec<PendingRequestView>,
    /// Moderated communities the caller asked to join, waiting for a decision.
    join_requests: Vec<PendingRequestView>,
}

#[derive(Serialize, ToSchema)]
pub(super) struct ManagedInitiativeView {
    #[schema(value_type = String, format = Uuid)]
    id: InitiativeId,
    name: String,
    /// `submitted`, `approved`, `rejected` or `retired`.
    status: &'static str,
    /// Always `manager`: the one role an account has in an initiative.
    role: &'static str,
    /// When the caller became a manager.
    since: DateTime<Utc>,
}

#[derive(Serialize, ToSchema)]
pub(super) struct CommunityMembershipView {
    #[schema(value_type = String, format = Uuid)]
    id: CommunityId,
    name: String,
    /// `member` or `facilitator`.
    role: &'static str,
    since: DateTime<Utc>,
}

#[derive(Serialize, ToSchema)]
pub(super) struct PendingRequestView {
    /// The initiative's or community's id.
    #[schema(value_type = String, format = Uuid)]
    id: String,
    name: String,
    requested_at: DateTime<Utc>,
}

impl MyMembershipsView {
    pub(super) fn new(account: AccountId, found: AccountMemberships) -> Self {
        Self {
            account_id: account,
            initiatives: found
                .initiatives
                .into_iter()
                .map(|i| ManagedInitiativeView {
                    id: i.id,
                    name: i.name,
                    status: status_name(i.status),
                    role: "manager",
                    since: i.since,
                })
                .collect(),
            communities: found
                .communities
                .into_iter()
                .map(|c| CommunityMembershipView {
                    id: c.id,
                    name: c.name,
                    role: role_name(c.role),
                    since: c.since,
                })
                .collect(),
            management_requests: found.management_requests.into_iter().map(pending).collect(),
            join_requests: found.join_requests.into_iter().map(pending).collect(),
        }
    }
}

fn pending<Id: ToString>(request: PendingRequest<Id>) -> PendingRequestView {
    PendingRequestView {
        id: request.id.to_string(),
        name: request.name,
        requested_at: request.requested_at,
    }
}

/// One member or manager.
#[derive(Serialize, ToSchema)]
pub(super) struct MembershipView {
    #[schema(value_type = String, format = Uuid)]
    account_id: AccountId,
    /// `member` or `facilitator` (community members only).
    #[serde(skip_serializing_if = "Option::is_none")]
    role: Option<&'static str>,
    since: DateTime<Utc>,
}

/// A request waiting for a decision.
#[derive(Serialize, ToSchema)]
pub(super) struct RequestView {
    #[schema(value_type = String, format = Uuid)]
    account_id: AccountId,
    requested_at: DateTime<Utc>,
}

fn requests(list: Vec<(AccountId, DateTime<Utc>)>) -> Vec<RequestView> {
    list.into_iter()
        .map(|(account_id, requested_at)| RequestView {
            account_id,
            requested_at,
        })
        .collect()
}

/// A community's members.
#[derive(Serialize, ToSchema)]
pub(super) struct CommunityMembersView {
    #[schema(value_type = String, format = Uuid)]
    community_id: CommunityId,
    name: String,
    /// `open` or `moderated`.
    join_policy: &'static str,
    member_count: usize,
    /// Facilitators first, then members; each group longest-standing first.
    members: Vec<MembershipView>,
    /// Requests to join, oldest first: shown to facilitators and moderators.
    #[serde(skip_serializing_if = "Option::is_none")]
    join_requests: Option<Vec<RequestView>>,
}

impl CommunityMembersView {
    pub(super) fn new(id: CommunityId, roster: &CommunityRoster, with_requests: bool) -> Self {
        Self {
            community_id: id,
            name: roster.name.clone(),
            join_policy: match roster.join_policy {
                JoinPolicy::Open => "open",
                JoinPolicy::Moderated => "moderated",
            },
            member_count: roster.members.len(),
            members: roster
                .members_in_order()
                .into_iter()
                .map(|m| MembershipView {
                    account_id: m.account,
                    role: m.role.map(role_name),
                    since: m.since,
                })
                .collect(),
            join_requests: with_requests.then(|| requests(roster.requests_oldest_first())),
        }
    }
}

/// An initiative's managers.
#[derive(Serialize, ToSchema)]
pub(super) struct InitiativeManagersView {
    #[schema(value_type = String, format = Uuid)]
    initiative_id: InitiativeId,
    name: String,
    /// `submitted`, `approved`, `rejected` or `retired`.
    status: &'static str,
    /// Longest-serving first.
    managers: Vec<MembershipView>,
    /// Requests to become a manager, oldest first: shown to its managers and moderators.
    #[serde(skip_serializing_if = "Option::is_none")]
    management_requests: Option<Vec<RequestView>>,
}

impl InitiativeManagersView {
    pub(super) fn new(id: InitiativeId, team: &InitiativeTeam, insider: bool) -> Self {
        Self {
            initiative_id: id,
            name: team.name.clone(),
            status: status_name(team.status),
            managers: team
                .managers_in_order()
                .into_iter()
                .map(|m| MembershipView {
                    account_id: m.account,
                    role: None,
                    since: m.since,
                })
                .collect(),
            management_requests: insider.then(|| requests(team.requests_oldest_first())),
        }
    }
}

fn role_name(role: CommunityRole) -> &'static str {
    match role {
        CommunityRole::Member => "member",
        CommunityRole::Facilitator => "facilitator",
    }
}

fn status_name(status: InitiativeStatus) -> &'static str {
    match status {
        // Never in the model (an entry starts at registration); named for completeness.
        InitiativeStatus::NotRegistered => "not_registered",
        InitiativeStatus::Submitted => "submitted",
        InitiativeStatus::Approved => "approved",
        InitiativeStatus::Rejected => "rejected",
        InitiativeStatus::Retired => "retired",
    }
}
