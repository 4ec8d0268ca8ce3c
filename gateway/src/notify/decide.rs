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
use std::sync::Arc;

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

/// Everyone who hears about `event`, each once, active accounts only. An error if the stream
/// the audience is read from cannot be loaded (the database away): the notifier then retries,
/// rather than taking "cannot tell" for "nobody to tell".
pub async fn intents(state: &AppState, event: &DomainEvent) -> Result<Vec<Intent>, String> {
    let subject = subject(state, event).await?;
    let Some(audience) = audience(state, event, &subject) else {
        return Ok(Vec::new());
    };
    let mut seen = std::collections::BTreeSet::new();
    Ok(state.read.directory.read(|directory| {
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
    }))
}

/// The stream an event's audience is read from, where the read models do not hold what the
/// mail needs (a project's or a publication's title and people).
enum Subject {
    JointProject(Arc<JointProject>),
    Publication(Arc<Publication>),
    None,
}

async fn subject(state: &AppState, event: &DomainEvent) -> Result<Subject, String> {
    let loaded = match event {
        DomainEvent::JointProject(id, _) => state
            .joint_projects
            .load_fresh(&id.to_string())
            .await
            .map(|loaded| Subject::JointProject(loaded.aggregate))
            .map_err(store_error),
        DomainEvent::Publication(id, _) => state
            .publications
            .load_fresh(&id.to_string())
            .await
            .map(|loaded| Subject::Publication(loaded.aggregate))
            .map_err(store_error),
        _ => Ok(Subject::None),
    };
    match loaded {
        Ok(subject) => Ok(subject),
        // Worth retrying: the database is away for now.
        Err(Some(error)) if error.is_unavailable() => Err(error.to_string()),
        // A stream that cannot be read at all would stop the notifier for good: no mail for it.
        Err(error) => {
            tracing::error!(
                ?error,
                "cannot load the subject of a mail; no mail for this event"
            );
            Ok(Subject::None)
        }
    }
}

/// The store's error, if the store is what failed (a load decides nothing else).
fn store_error<E: std::error::Error>(error: store::CommandError<E>) -> Option<store::StoreError> {
    match error {
        store::CommandError::Store(error) => Some(error),
        _ => None,
    }
}

fn audience(state: &AppState, event: &DomainEvent, subject: &Subject) -> Option<Audience> {
    match (event, subject) {
        (DomainEvent::Initiative(id, event), _) => initiative(state, *id, event),
        (DomainEvent::JointProject(id, event), Subject::JointProject(project)) => {
            joint_project(state, *id, event, project)
        }
        (DomainEvent::Publication(id, event), Subject::Publication(publication)) => {
            publication_audience(state, *id, event, publication)
        }
        (DomainEvent::Community(id, event), _) => {
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
    state
        .read
        .directory
        .read(|directory| directory.holding(Role::Moderator))
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

fn joint_project(
    state: &AppState,
    id: JointProjectId,
    event: &JointProjectEvent,
    project: &JointProject,
) -> Option<Audience> {
    use JointProjectEvent::*;
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

fn publication_audience(
    state: &AppState,
    id: PublicationId,
    event: &PublicationEvent,
    publication: &Publication,
) -> Option<Audience> {
    use PublicationEvent::*;
    if !matches!(
        event,
        PublicationSubmitted { .. } | PublicationApproved { .. } | PublicationRejected { .. }
    ) {
        return None;
    }
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

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use store::testing::TestPostgres;
    use store::{Database, EventLog};

    use super::*;
    use crate::Settings;

    /// With the database away, the audience of a publication's event cannot be told: that is an
    /// error the notifier retries on, never "nobody to tell" (which would lose the mail).
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_unreadable_subject_is_retried_not_taken_for_no_audience() {
        let pg = TestPostgres::create().await;
        let settings = Settings {
            database_url: Some(pg.url.clone()),
            ..Settings::default()
        };
        let db = Database::connect(&settings.database().unwrap())
            .await
            .unwrap();
        db.migrate().await.unwrap();
        let state = AppState::new(EventLog::open(db.clone()), &settings);
        let event = DomainEvent::Publication(
            PublicationId::new(),
            PublicationEvent::PublicationApproved {
                approved_by: AccountId::new(),
                at: Utc::now(),
            },
        );
        let reachable = intents(&state, &event).await;
        assert!(reachable.is_ok(), "{reachable:?}");
        db.close().await;
        let away = intents(&state, &event).await;
        assert!(away.is_err(), "the database is away: {away:?}");
        // Events whose audience the read models hold alone are decided even now.
        assert!(intents(&state, &DomainEvent::Other).await.is_ok());
    }
}
