//! What a member sees first: the initiatives they manage, each with its review state and, when
//! it was rejected, the moderator's reason; their communities and their requests still waiting;
//! the joint projects their initiatives lead or were invited to, the invitations still waiting
//! for an answer, their own submissions to the library with their review state, and the
//! notifications they were sent. Read from the memberships read model
//! (who manages what), each initiative's reason from its stream (the read model does not keep
//! reasons), the projects from the joint-projects read model and the notifications from the
//! notifier's outbox.

use std::collections::BTreeSet;

use chrono::{DateTime, TimeZone, Utc};
use domain::actor::Actor;
use domain::initiative::InitiativeStatus;
use domain::joint_project::InvitationState;
use domain::values::InitiativeId;
use projections::{CommunityMembership, ListedProject, PendingRequest, ProjectViewer};

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

/// An invitation to a joint project that an initiative the member manages has not answered.
#[derive(Debug, Clone)]
pub struct Invitation {
    pub project: ListedProject,
    /// The invited initiative (one the member manages) and its name.
    pub initiative: InitiativeId,
    pub initiative_name: String,
}

/// A notification the member was sent (already in their language).
#[derive(Debug, Clone)]
pub struct Notice {
    pub subject: String,
    pub at: DateTime<Utc>,
}

/// The member's dashboard.
#[derive(Debug, Clone, Default)]
pub struct Dashboard {
    pub initiatives: Vec<MyInitiative>,
    pub communities: Vec<CommunityMembership>,
    pub management_requests: Vec<PendingRequest<InitiativeId>>,
    /// Projects their initiatives lead or were invited to, newest first.
    pub projects: Vec<ListedProject>,
    pub invitations: Vec<Invitation>,
    /// What they submitted to the library (the `library` read model), newest first.
    pub submissions: Vec<projections::LibraryItem>,
    pub notifications: Vec<Notice>,
}

/// How many projects and notifications the dashboard shows.
const SHOWN: usize = 20;

/// The initiatives `actor` manages, each with its review state, in name order.
pub async fn managed(state: &AppState, actor: &Actor) -> Result<Vec<MyInitiative>, Refusal> {
    let account = actor.account;
    let found = ReadAt::LIVE
        .read(state, &state.read.memberships, |m| m.of_account(account))
        .await?;
    initiatives_of(state, found.initiatives).await
}

async fn initiatives_of(
    state: &AppState,
    managed: Vec<projections::ManagedInitiative>,
) -> Result<Vec<MyInitiative>, Refusal> {
    let mut initiatives = Vec::new();
    for managed in managed {
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
    Ok(initiatives)
}

pub async fn of(state: &AppState, actor: &Actor) -> Result<Dashboard, Refusal> {
    let account = actor.account;
    let found = ReadAt::LIVE
        .read(state, &state.read.memberships, |m| m.of_account(account))
        .await?;
    let initiatives = initiatives_of(state, found.initiatives).await?;
    let manages: BTreeSet<InitiativeId> = initiatives.iter().map(|i| i.id).collect();
    let viewer = ProjectViewer {
        moderator: actor.is_moderator(),
        manages: manages.clone(),
    };
    let projects = ReadAt::LIVE
        .read(state, &state.read.projects, |directory| {
            directory.involving(&manages, &viewer, SHOWN)
        })
        .await?;
    let invitations = projects
        .iter()
        .flat_map(|project| {
            project
                .partners
                .iter()
                .filter(|p| p.invitation == InvitationState::Invited)
                .filter(|p| manages.contains(&p.initiative.id))
                .map(|p| Invitation {
                    project: project.clone(),
                    initiative: p.initiative.id,
                    initiative_name: p.initiative.name.clone().unwrap_or_default(),
                })
        })
        .collect();
    let outbox = store::notifications::Notifications::new(state.log.database());
    let notifications = outbox
        .newest_for(&account.to_string(), SHOWN as i64)
        .await?
        .into_iter()
        .map(|n| Notice {
            subject: n.subject,
            at: Utc
                .timestamp_millis_opt(n.created_at)
                .single()
                .unwrap_or_default(),
        })
        .collect();
    let submissions = super::library::mine(state, actor).await?;
    Ok(Dashboard {
        submissions,
        initiatives,
        communities: found.communities,
        management_requests: found.management_requests,
        projects,
        invitations,
        notifications,
    })
}
