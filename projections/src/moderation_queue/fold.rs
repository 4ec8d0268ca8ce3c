//! How each event changes what waits. Mirrors the aggregates' lifecycles (domain::initiative,
//! domain::community, domain::joint_project, domain::publication); events about something
//! already forgotten (see the module's documentation) change nothing.

use std::collections::BTreeMap;

use domain::community::CommunityEvent;
use domain::initiative::InitiativeEvent;
use domain::joint_project::JointProjectEvent;
use domain::publication::{Kind, PublicationContent, PublicationEvent};
use domain::values::{CommunityId, InitiativeId, JointProjectId, PublicationId};

use super::{
    CommunityCase, InitiativeCase, ModerationQueue, ProjectCase, PublicationCase, QueueKind,
    Waiting,
};

impl ModerationQueue {
    pub(super) fn fold_initiative(&mut self, id: InitiativeId, event: &InitiativeEvent) {
        use InitiativeEvent as E;
        if let E::InitiativeRegistered {
            profile, by, at, ..
        } = event
        {
            let case = InitiativeCase {
                name: profile.name.to_string(),
                pending_name: None,
                country: Some(profile.country),
                pending_country: None,
                submission: Some(Waiting {
                    by: *by,
                    since: *at,
                }),
                profile_change: None,
                management_requests: BTreeMap::new(),
            };
            self.initiatives.insert(id, case);
            return;
        }
        if let E::InitiativeRetired { .. } = event {
            // Nothing about a retired initiative waits again: submission, change and requests
            // all lapse with it.
            self.initiatives.remove(&id);
            return;
        }
        let Some(case) = self.initiatives.get_mut(&id) else {
            return;
        };
        match event {
            E::InitiativeRegistered { .. } | E::InitiativeRetired { .. } => {}
            E::InitiativeApproved { .. } | E::InitiativeRejected { .. } => case.submission = None,
            E::InitiativeResubmitted { by, at } => {
                case.submission = Some(Waiting {
                    by: *by,
                    since: *at,
                });
            }
            E::ProfileUpdated { changes, .. } => {
                if let Some(name) = &changes.name {
                    case.name = name.to_string();
                }
                if let Some(country) = changes.country {
                    case.country = Some(country);
                }
            }
            E::ProfileChangeProposed { changes, by, at } => {
                // A new proposal replaces the one waiting, as in the aggregate.
                case.pending_name = changes.name.as_ref().map(ToString::to_string);
                case.pending_country = changes.country;
                case.profile_change = Some(Waiting {
                    by: *by,
                    since: *at,
                });
            }
            E::ProfileChangeApproved { .. } => {
                if let Some(name) = case.pending_name.take() {
                    case.name = name;
                }
                if let Some(country) = case.pending_country.take() {
                    case.country = Some(country);
                }
                case.profile_change = None;
            }
            E::ProfileChangeRejected { .. } | E::ProfileChangeWithdrawn { .. } => {
                case.pending_name = None;
                case.pending_country = None;
                case.profile_change = None;
            }
            E::ManagementRequested { account, at } => {
                case.management_requests.insert(*account, *at);
            }
            E::ManagerAdded { account, .. }
            | E::ManagementRequestApproved { account, .. }
            | E::ManagementRequestDeclined { account, .. }
            | E::ManagementRequestWithdrawn { account, .. }
            | E::ErasedAccountRemoved { account, .. } => {
                case.management_requests.remove(account);
            }
            E::ManagerRemoved { .. } | E::InitiativeConfirmed { .. } => {}
        }
    }

    pub(super) fn fold_community(&mut self, id: CommunityId, event: &CommunityEvent) {
        use CommunityEvent as E;
        if let E::CommunityCreated { name, .. } = event {
            let case = CommunityCase {
                name: name.to_string(),
                join_requests: BTreeMap::new(),
            };
            self.communities.insert(id, case);
            return;
        }
        let Some(case) = self.communities.get_mut(&id) else {
            return;
        };
        match event {
            E::JoinRequested { account, at } => {
                case.join_requests.insert(*account, *at);
            }
            // Joining directly (the community opened meanwhile) settles a request too.
            E::MemberJoined { account, .. }
            | E::JoinRequestAccepted { account, .. }
            | E::JoinRequestDeclined { account, .. }
            | E::JoinRequestWithdrawn { account, .. }
            | E::ErasedAccountRemoved { account, .. } => {
                case.join_requests.remove(account);
            }
            E::CommunityRenamed { name, .. } => case.name = name.to_string(),
            E::CommunityCreated { .. }
            | E::MemberLeft { .. }
            | E::MemberPromoted { .. }
            | E::FacilitatorDemoted { .. }
            | E::JoinPolicyChanged { .. } => {}
        }
    }

    pub(super) fn fold_project(&mut self, id: JointProjectId, event: &JointProjectEvent) {
        use JointProjectEvent as E;
        match event {
            E::JointProjectProposed { title, lead, .. } => {
                let case = ProjectCase {
                    title: title.to_string(),
                    lead: Some(*lead),
                    review: None,
                };
                self.joint_projects.insert(id, case);
            }
            // Approved projects are never reviewed again, and ended ones never change.
            E::JointProjectApproved { .. }
            | E::JointProjectCompleted { .. }
            | E::JointProjectWithdrawn { .. } => {
                self.joint_projects.remove(&id);
            }
            _ => {
                let Some(case) = self.joint_projects.get_mut(&id) else {
                    return;
                };
                match event {
                    E::JointProjectRevised { title, .. } => {
                        // A revision starts the project over as proposed, as in the aggregate.
                        case.title = title.to_string();
                        case.review = None;
                    }
                    E::SubmittedForReview { submitted_by, at } => {
                        case.review = Some(Waiting {
                            by: *submitted_by,
                            since: *at,
                        });
                    }
                    // Kept: a rejected project may be revised and submitted again.
                    E::JointProjectRejected { .. } => case.review = None,
                    _ => {}
                }
            }
        }
    }

    pub(super) fn fold_publication(&mut self, id: PublicationId, event: &PublicationEvent) {
        use PublicationEvent as E;
        match event {
            E::PublicationSubmitted {
                author,
                content,
                at,
                ..
            } => {
                let waiting = Waiting {
                    by: *author,
                    since: *at,
                };
                self.publications
                    .insert(id, publication_case(content, waiting));
            }
            E::PublicationEdited {
                content,
                edited_by,
                at,
            } => {
                // An edit while waiting keeps its place in the queue; an edit of a rejected item
                // sends it back, as a new submission by whoever edited it.
                let waiting = self.publications.get(&id).map_or(
                    Waiting {
                        by: *edited_by,
                        since: *at,
                    },
                    |case| case.waiting,
                );
                self.publications
                    .insert(id, publication_case(content, waiting));
            }
            E::PublicationApproved { .. }
            | E::PublicationRejected { .. }
            | E::PublicationWithdrawn { .. } => {
                self.publications.remove(&id);
            }
        }
    }
}

fn publication_case(content: &PublicationContent, waiting: Waiting) -> PublicationCase {
    let kind = match content.kind {
        Kind::Publication => QueueKind::Publication,
        Kind::News => QueueKind::News,
        Kind::Gathering(_) => QueueKind::Gathering,
    };
    PublicationCase {
        title: content.title.to_string(),
        kind,
        waiting,
    }
}
