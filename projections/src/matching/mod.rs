//! Project matching: the initiatives best placed to join a joint project, and the open joint
//! projects an initiative could join, each ranked by a transparent, deterministic score whose
//! reasons come with every result (docs/matching.md).
//!
//! The model keeps what scoring needs of every initiative, the members of every community and
//! every joint project — that is its snapshot — and derives the indexes queries use (sector →
//! eligible initiatives, account → managed initiatives and communities, initiatives that worked
//! together, open projects), rebuilt by `restored()`.

mod index;
mod query;
mod ranking;
mod records;
mod score;
#[cfg(test)]
mod tests;
mod value_chain;

use std::collections::BTreeMap;

use cqrs_es::{Aggregate, DomainEvent as _};
use domain::community::{Community, CommunityEvent};
use domain::initiative::InitiativeEvent;
use domain::joint_project::{JointProject, JointProjectEvent};
use domain::values::{AccountId, CommunityId, InitiativeId, JointProjectId};
use serde::{Deserialize, Serialize};

use crate::{DomainEvent, Envelope, Projection, ProjectionError};
use index::{Index, ProjectFacts};
use records::{Effect, InitiativeRecord};

pub use query::{InitiativeSummary, Match, ProjectMatch, ProjectSummary};
pub use score::{fraction, Points, Reason, ReasonKind};

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct ProjectMatching {
    initiatives: BTreeMap<InitiativeId, InitiativeRecord>,
    communities: BTreeMap<CommunityId, Community>,
    projects: BTreeMap<JointProjectId, JointProject>,
    #[serde(skip)]
    index: Index,
}

impl Projection for ProjectMatching {
    const NAME: &'static str = "matching";

    fn apply(&mut self, event: &Envelope) -> Result<(), ProjectionError> {
        match event.event()? {
            DomainEvent::Initiative(id, event) => self.apply_initiative(*id, event),
            DomainEvent::Community(id, event) => {
                self.apply_community(*id, event);
                Ok(())
            }
            DomainEvent::JointProject(id, event) => {
                self.apply_project(*id, event);
                Ok(())
            }
            _ => Ok(()),
        }
    }

    fn restored(&mut self, _restoring: crate::Restoring) -> Result<(), crate::ProjectionError> {
        let mut index = Index::default();
        for (id, record) in &self.initiatives {
            index.initiative_changed(*id, record);
        }
        for (id, community) in &self.communities {
            for account in community.members().keys() {
                index.membership_changed(*account, *id, true);
            }
        }
        for (id, project) in &self.projects {
            index.project_changed(*id, &ProjectFacts::default(), &ProjectFacts::of(project));
        }
        self.index = index;
        Ok(())
    }
}

impl ProjectMatching {
    fn apply_initiative(
        &mut self,
        id: InitiativeId,
        event: &InitiativeEvent,
    ) -> Result<(), ProjectionError> {
        let effect = match (event, self.initiatives.get_mut(&id)) {
            (InitiativeEvent::InitiativeRegistered { profile, by, .. }, None) => {
                self.initiatives
                    .insert(id, InitiativeRecord::registered(profile, *by));
                Effect::Entry
            }
            (event, Some(record)) => record.apply(event),
            (event, None) => {
                return Err(ProjectionError(format!(
                    "initiative {id}: {} before it was registered",
                    event.event_type()
                )))
            }
        };
        match effect {
            Effect::Nothing => {}
            Effect::Entry => self.index.initiative_changed(id, &self.initiatives[&id]),
            Effect::ManagerAdded(account) => self.index.manager_added(account, id),
            Effect::ManagerRemoved(account) => self.index.manager_removed(account, id),
        }
        Ok(())
    }

    fn apply_community(&mut self, id: CommunityId, event: &CommunityEvent) {
        let community = self.communities.entry(id).or_default();
        community.apply(event.clone());
        if let Some(account) = account_concerned(event) {
            let member = community.role_of(&account).is_some();
            self.index.membership_changed(account, id, member);
        }
    }

    fn apply_project(&mut self, id: JointProjectId, event: &JointProjectEvent) {
        let project = self.projects.entry(id).or_default();
        let before = ProjectFacts::of(project);
        project.apply(event.clone());
        let after = ProjectFacts::of(project);
        self.index.project_changed(id, &before, &after);
    }
}

/// The account whose membership a community event may change.
fn account_concerned(event: &CommunityEvent) -> Option<AccountId> {
    use CommunityEvent as E;
    match event {
        E::CommunityCreated { created_by, .. } => Some(*created_by),
        E::MemberJoined { account, .. }
        | E::JoinRequested { account, .. }
        | E::JoinRequestAccepted { account, .. }
        | E::JoinRequestDeclined { account, .. }
        | E::JoinRequestWithdrawn { account, .. }
        | E::MemberLeft { account, .. }
        | E::MemberPromoted { account, .. }
        | E::FacilitatorDemoted { account, .. }
        | E::ErasedAccountRemoved { account, .. } => Some(*account),
        E::CommunityRenamed { .. } | E::JoinPolicyChanged { .. } => None,
    }
}
