//! Acting on a community: joining or asking to join, leaving, deciding requests, facilitators,
//! and the moderators' own commands. The aggregate decides who may do what; a community that
//! does not exist is "not found" (the aggregate calls it a conflict with the state "not
//! created", which is true but not what a person who followed a wrong link needs to hear).

use chrono::Utc;
use domain::actor::Actor;
use domain::community::{Community, CommunityCommand, CommunityError, CommunityState};
use domain::values::{AccountId, CommunityId, Reason};
use std::sync::Arc;
use store::{CommandError, Committed, EventMetadata};

use crate::app::{command_error, load_error, Refusal};
use crate::state::AppState;

/// One step of a person's membership, or a decision on someone else's.
#[derive(Debug, Clone)]
pub enum MembershipAction {
    /// In an open community, a member at once; in a moderated one, a request.
    Join,
    Leave,
    WithdrawJoinRequest,
    AcceptJoinRequest(AccountId),
    DeclineJoinRequest(AccountId, Option<Reason>),
    PromoteToFacilitator(AccountId),
    DemoteFacilitator(AccountId),
}

impl MembershipAction {
    /// The command's name in the events' metadata.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Join => "Join",
            Self::Leave => "Leave",
            Self::WithdrawJoinRequest => "WithdrawJoinRequest",
            Self::AcceptJoinRequest(_) => "AcceptJoinRequest",
            Self::DeclineJoinRequest(..) => "DeclineJoinRequest",
            Self::PromoteToFacilitator(_) => "PromoteToFacilitator",
            Self::DemoteFacilitator(_) => "DemoteFacilitator",
        }
    }
}

pub fn not_found() -> Refusal {
    Refusal::NotFound("no such community".into())
}

/// Community `id` as stored, with its version; `None` if it has no events.
pub async fn load(
    state: &AppState,
    id: CommunityId,
) -> Result<Option<(Arc<Community>, usize)>, Refusal> {
    let loaded = state
        .communities
        .load_fresh(&id.to_string())
        .await
        .map_err(load_error)?;
    Ok((loaded.version > 0).then_some((loaded.aggregate, loaded.version)))
}

/// Community `id` (public, like its page), with its version; not found if there is none.
pub async fn read(state: &AppState, id: CommunityId) -> Result<(Arc<Community>, usize), Refusal> {
    let (community, version) = load(state, id).await?.ok_or_else(not_found)?;
    if community.profile().is_none() {
        return Err(not_found());
    }
    Ok((community, version))
}

/// Takes `action` in community `id` as `actor`.
pub async fn act(
    state: &AppState,
    actor: &Actor,
    id: CommunityId,
    action: MembershipAction,
    metadata: EventMetadata,
    expected: Option<usize>,
) -> Result<Committed<Community>, Refusal> {
    let at = Utc::now();
    let actor = actor.clone();
    let command = match action {
        MembershipAction::Join => CommunityCommand::Join { actor, at },
        MembershipAction::Leave => CommunityCommand::Leave { actor, at },
        MembershipAction::WithdrawJoinRequest => {
            CommunityCommand::WithdrawJoinRequest { actor, at }
        }
        MembershipAction::AcceptJoinRequest(account) => {
            CommunityCommand::AcceptJoinRequest { actor, account, at }
        }
        MembershipAction::DeclineJoinRequest(account, reason) => {
            CommunityCommand::DeclineJoinRequest {
                actor,
                account,
                reason,
                at,
            }
        }
        MembershipAction::PromoteToFacilitator(account) => CommunityCommand::PromoteToFacilitator {
            actor,
            account,
            account_active: state.accounts.load(account).await?.is_active(),
            at,
        },
        MembershipAction::DemoteFacilitator(account) => {
            CommunityCommand::DemoteFacilitator { actor, account, at }
        }
    };
    execute(state, id, command, metadata, expected).await
}

/// Runs `command` on the existing community `id`: not found when it does not exist.
pub async fn execute(
    state: &AppState,
    id: CommunityId,
    command: CommunityCommand,
    metadata: EventMetadata,
    expected: Option<usize>,
) -> Result<Committed<Community>, Refusal> {
    state
        .communities
        .execute_expecting(&id.to_string(), command, metadata, expected)
        .await
        .map_err(|error| match error {
            CommandError::Rejected(CommunityError::InvalidTransition {
                current: CommunityState::NotCreated,
                ..
            }) => not_found(),
            // A version expected of a community that has no events at all.
            CommandError::VersionMismatch { current: 0, .. } => not_found(),
            other => command_error(other),
        })
}
