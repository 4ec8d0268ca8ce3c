//! What a member sees first: the initiatives they manage, each with its review state and, when
//! it was rejected, the moderator's reason; their communities and their requests still waiting.
//! Read from the memberships read model (who manages what), and each initiative's reason from
//! its stream (the read model does not keep reasons).

use domain::actor::Actor;
use domain::initiative::InitiativeStatus;
use domain::values::InitiativeId;
use projections::{CommunityMembership, PendingRequest};

use super::{ReadAt, Refusal};
use crate::state::AppState;

/// One initiative the member manages.
#[derive(Debug, Clone)]
pub struct MyInitiative {
    pub id: InitiativeId,
    pub name: String,
    pub status: InitiativeStatus,
    /// Why a moderator rejected it (while it is rejected).
    pub rejection_reason: Option<String>,
    /// A change of its profile waits for review.
    pub change_pending: bool,
    /// Why a moderator rejected the last change of its profile (until another is proposed).
    pub change_rejection_reason: Option<String>,
}

/// The member's dashboard.
#[derive(Debug, Clone, Default)]
pub struct Dashboard {
    pub initiatives: Vec<MyInitiative>,
    pub communities: Vec<CommunityMembership>,
    pub management_requests: Vec<PendingRequest<InitiativeId>>,
}

pub async fn of(state: &AppState, actor: &Actor) -> Result<Dashboard, Refusal> {
    let account = actor.account;
    let found = ReadAt::LIVE
        .read(state, &state.read.memberships, |m| m.of_account(account))
        .await?;
    let mut initiatives = Vec::new();
    for managed in found.initiatives {
        let (_, initiative, _) = super::initiatives::load(state, &managed.id.to_string()).await?;
        initiatives.push(MyInitiative {
            id: managed.id,
            name: managed.name,
            status: initiative.status(),
            rejection_reason: (initiative.status() == InitiativeStatus::Rejected)
                .then(|| initiative.rejection_reason().map(|r| r.as_str().to_owned()))
                .flatten(),
            change_pending: initiative.pending_change().is_some(),
            change_rejection_reason: initiative
                .change_rejection_reason()
                .map(|r| r.as_str().to_owned()),
        });
    }
    Ok(Dashboard {
        initiatives,
        communities: found.communities,
        management_requests: found.management_requests,
    })
}
