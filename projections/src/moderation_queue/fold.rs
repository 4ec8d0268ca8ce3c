//! How each event changes what waits. Mirrors the aggregates' lifecycles (domain::initiative,
//! domain::community, domain::joint_project, domain::publication); events about something
//! already forgotten (see the module's documentation) change nothing.
//!
//! Each function is given the case the event is about (if one is kept) and says what the event
//! leaves of it ([`Fold`]); [`super::refold`] finds the case once and moves its queue places.

use std::collections::BTreeMap;

use domain::community::CommunityEvent;
use domain::initiative::InitiativeEvent;
use domain::joint_project::JointProjectEvent;
use domain::publication::{Kind, PublicationContent, PublicationEvent};

use super::{
    CommunityCase, Fold, InitiativeCase, ProjectCase, PublicationCase, QueueKind, Waiting,
};

pub(super) fn initiative(
    case: Option<&mut InitiativeCase>,
    event: &InitiativeEvent,
) -> Fold<InitiativeCase> {
    use InitiativeEvent as E;
    let case = match (event, case) {
        (
            E::InitiativeRegistered {
                profile, by, at, ..
            },
            _,
        ) => {
            return Fold::New(InitiativeCase {
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
            });
        }
        // Nothing about a retired initiative waits again: submission, change and requests all
        // lapse with it.
        (E::InitiativeRetired { .. }, _) => return Fold::Forgotten,
        (_, None) => return Fold::Kept,
        (_, Some(case)) => case,
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
    Fold::Kept
}

pub(super) fn community(
    case: Option<&mut CommunityCase>,
    event: &CommunityEvent,
) -> Fold<CommunityCase> {
    use CommunityEvent as E;
    let case = match (event, case) {
        (E::CommunityCreated { name, .. }, _) => {
            return Fold::New(CommunityCase {
                name: name.to_string(),
                join_requests: BTreeMap::new(),
            });
        }
        (_, None) => return Fold::Kept,
        (_, Some(case)) => case,
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
    Fold::Kept
}

pub(super) fn project(
    case: Option<&mut ProjectCase>,
    event: &JointProjectEvent,
) -> Fold<ProjectCase> {
    use JointProjectEvent as E;
    match (event, case) {
        (E::JointProjectProposed { title, lead, .. }, _) => Fold::New(ProjectCase {
            title: title.to_string(),
            lead: Some(*lead),
            review: None,
        }),
        // Approved projects are never reviewed again, and ended ones never change.
        (
            E::JointProjectApproved { .. }
            | E::JointProjectCompleted { .. }
            | E::JointProjectWithdrawn { .. },
            _,
        ) => Fold::Forgotten,
        (_, None) => Fold::Kept,
        (event, Some(case)) => {
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
            Fold::Kept
        }
    }
}

pub(super) fn publication(
    case: Option<&mut PublicationCase>,
    event: &PublicationEvent,
) -> Fold<PublicationCase> {
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
            Fold::New(publication_case(content, waiting))
        }
        E::PublicationEdited {
            content,
            edited_by,
            at,
        } => {
            // An edit while waiting keeps its place in the queue; an edit of a rejected item
            // sends it back, as a new submission by whoever edited it.
            let waiting = case.map_or(
                Waiting {
                    by: *edited_by,
                    since: *at,
                },
                |case| case.waiting,
            );
            Fold::New(publication_case(content, waiting))
        }
        E::PublicationApproved { .. }
        | E::PublicationRejected { .. }
        | E::PublicationWithdrawn { .. } => Fold::Forgotten,
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
