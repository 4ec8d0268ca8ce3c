//! Who hears what about one event. Recipients come from the read models (moderators and
//! languages from the account directory, managers and facilitators from memberships), which the
//! notifier lets reach the event first; what a joint project or a publication is called, and
//! whose it is, comes from loading its stream.

use domain::actor::Role;
use domain::community::{CommunityEvent, CommunityRole};
use domain::initiative::InitiativeEvent;
use domain::joint_project::{JointProject, JointProjectEvent};
use domain::publication::{Publication, PublicationEvent};
use domain::values::{AccountId, InitiativeId, JointProjectId, Language, PublicationId};
use projections::DomainEvent;

use super::templates::{Item, Notice};
use crate::state::AppState;

/// The kinds of notification, one per audience; each person can turn any of them off.
pub use domain::account::NotificationKind as Kind;

/// One person to tell one thing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Intent {
    pub recipient: AccountId,
    pub language: Language,
    pub kind: Kind,
    pub notice: Notice,
    /// The path (under the public base URL) the mail links to.
    pub path: String,
}

/// An audience before languages are looked up.
struct Audience {
    recipients: Vec<AccountId>,
    kind: Kind,
    notice: Notice,
    path: String,
}

/// Everyone who hears about `event`, each once, active accounts only.
pub async fn intents(state: &AppState, event: &DomainEvent) -> Vec<Intent> {
    let Some(audience) = audience(state, event).await else {
        return Vec::new();
    };
    let mut seen = std::collections::BTreeSet::new();
    state.read.directory.read(|directory| {
        audience
            .recipients
            .iter()
            .filter(|id| seen.insert(**id))
            .filter_map(|id| directory.get(*id).map(|account| (*id, account)))
            .filter(|(_, account)| account.is_active())
            .filter(|(_, account)| account.wants_notification(audience.kind))
            .map(|(id, account)| Intent {
                recipient: id,
                language: account.language(),
                kind: audience.kind,
                notice: audience.notice.clone(),
                path: audience.path.clone(),
            })
            .collect()
    })
}

async fn audience(state: &AppState, event: &DomainEvent) -> Option<Audience> {
    match event {
        DomainEvent::Initiative(id, event) => initiative(state, *id, event),
        DomainEvent::JointProject(id, event) => joint_project(state, *id, event).await,
        DomainEvent::Publication(id, event) => publication(state, *id, event).await,
        DomainEvent::Community(id, event) => {
            let (kind, mut recipients, notice) = state.read.memberships.read(|m| {
                let roster = m.community(*id)?;
                let community = roster.name.clone();
                match event {
                    CommunityEvent::JoinRequested { .. } => Some((
                        Kind::JoinRequest,
                        roster
                            .members
                            .iter()
                            .filter(|(_, m)| m.role == CommunityRole::Facilitator)
                            .map(|(a, _)| *a)
                            .collect(),
                        Notice::JoinRequested { community },
                    )),
                    CommunityEvent::JoinRequestAccepted { account, .. } => Some((
                        Kind::JoinAccepted,
                        vec![*account],
                        Notice::JoinAccepted { community },
                    )),
                    _ => None,
                }
            })?;
            if kind == Kind::JoinRequest && recipients.is_empty() {
                // No facilitator yet: the moderators, who decide in their place, hear instead.
                recipients = moderators(state);
            }
            Some(Audience {
                recipients,
                kind,
                notice,
                path: format!("/communities/{id}"),
            })
        }
        _ => None,
    }
}

fn moderators(state: &AppState) -> Vec<AccountId> {
    state.read.directory.read(|directory| {
        directory
            .page(None, usize::MAX)
            .into_iter()
            .filter(|(_, account)| account.has_role(Role::Moderator))
            .map(|(id, _)| id)
            .collect()
    })
}

/// An initiative's name and managers, as memberships knows them.
fn team(state: &AppState, id: InitiativeId) -> Option<(String, Vec<AccountId>)> {
    state.read.memberships.read(|m| {
        m.initiative(id)
            .map(|team| (team.name.clone(), team.managers.keys().copied().collect()))
    })
}

fn initiative(state: &AppState, id: InitiativeId, event: &InitiativeEvent) -> Option<Audience> {
    use InitiativeEvent::*;
    let (title, managers) = team(state, id)?;
    let (item, review) = match event {
        InitiativeRegistered { .. } | InitiativeResubmitted { .. } => (Item::Initiative, true),
        ProfileChangeProposed { .. } => (Item::ProfileChange, true),
        InitiativeApproved { .. } | InitiativeRejected { .. } => (Item::Initiative, false),
        ProfileChangeApproved { .. } | ProfileChangeRejected { .. } => (Item::ProfileChange, false),
        _ => return None,
    };
    let path = format!("/initiatives/{id}");
    if review {
        return Some(Audience {
            recipients: moderators(state),
            kind: Kind::ToReview,
            notice: Notice::ToReview { item, title },
            path,
        });
    }
    let notice = match event {
        InitiativeRejected { reason, .. } | ProfileChangeRejected { reason, .. } => {
            Notice::Rejected {
                item,
                title,
                reason: reason.as_str().to_string(),
            }
        }
        _ => Notice::Approved { item, title },
    };
    Some(Audience {
        recipients: managers,
        kind: Kind::Decision,
        notice,
        path,
    })
}

async fn joint_project(
    state: &AppState,
    id: JointProjectId,
    event: &JointProjectEvent,
) -> Option<Audience> {
    use JointProjectEvent::*;
    let loaded = state
        .joint_projects
        .store()
        .load_fresh(&id.to_string())
        .await
        .ok()?;
    let project: &JointProject = &loaded.aggregate;
    let details = project.details()?;
    let title = details.title.as_str().to_string();
    let path = format!("/joint-projects/{id}");
    let lead_managers = || {
        team(state, details.lead)
            .map(|(_, m)| m)
            .unwrap_or_default()
    };
    let name_of = |initiative: InitiativeId| {
        team(state, initiative)
            .map(|(name, _)| name)
            .unwrap_or_else(|| initiative.to_string())
    };
    let (recipients, kind, notice) = match event {
        SubmittedForReview { .. } => (
            moderators(state),
            Kind::ToReview,
            Notice::ToReview {
                item: Item::JointProject,
                title,
            },
        ),
        JointProjectApproved { .. } => (
            lead_managers(),
            Kind::Decision,
            Notice::Approved {
                item: Item::JointProject,
                title,
            },
        ),
        JointProjectRejected { reason, .. } => (
            lead_managers(),
            Kind::Decision,
            Notice::Rejected {
                item: Item::JointProject,
                title,
                reason: reason.as_str().to_string(),
            },
        ),
        PartnerInvited { initiative, .. } => (
            team(state, *initiative).map(|(_, m)| m).unwrap_or_default(),
            Kind::Invitation,
            Notice::Invited { project: title },
        ),
        InvitationAccepted { initiative, .. } => (
            lead_managers(),
            Kind::PartnerResponse,
            Notice::PartnerAccepted {
                project: title,
                initiative: name_of(*initiative),
            },
        ),
        InvitationDeclined {
            initiative, reason, ..
        } => (
            lead_managers(),
            Kind::PartnerResponse,
            Notice::PartnerDeclined {
                project: title,
                initiative: name_of(*initiative),
                reason: reason.as_ref().map(|r| r.as_str().to_string()),
            },
        ),
        InterestExpressed { initiative, .. } => (
            lead_managers(),
            Kind::PartnerResponse,
            Notice::InterestExpressed {
                project: title,
                initiative: name_of(*initiative),
            },
        ),
        _ => return None,
    };
    Some(Audience {
        recipients,
        kind,
        notice,
        path,
    })
}

async fn publication(
    state: &AppState,
    id: PublicationId,
    event: &PublicationEvent,
) -> Option<Audience> {
    use PublicationEvent::*;
    if !matches!(
        event,
        PublicationSubmitted { .. } | PublicationApproved { .. } | PublicationRejected { .. }
    ) {
        return None;
    }
    let loaded = state
        .publications
        .store()
        .load_fresh(&id.to_string())
        .await
        .ok()?;
    let publication: &Publication = &loaded.aggregate;
    let title = publication.content()?.title.as_str().to_string();
    let author = publication.author()?;
    let item = Item::Publication;
    let (recipients, kind, notice) = match event {
        PublicationSubmitted { .. } => (
            moderators(state),
            Kind::ToReview,
            Notice::ToReview { item, title },
        ),
        PublicationApproved { .. } => (
            vec![author],
            Kind::Decision,
            Notice::Approved { item, title },
        ),
        PublicationRejected { reason, .. } => (
            vec![author],
            Kind::Decision,
            Notice::Rejected {
                item,
                title,
                reason: reason.as_str().to_string(),
            },
        ),
        _ => return None,
    };
    Some(Audience {
        recipients,
        kind,
        notice,
        path: format!("/publications/{id}"),
    })
}
