//! Acting on a joint project: proposing one on behalf of an initiative the caller manages, and
//! every later step (revising, inviting partners, answering invitations, the open call,
//! submitting, reviewing, running it to completion).
//!
//! Who manages which initiative and where an initiative stands live in the initiatives'
//! streams: each use case loads them and hands them to the aggregate as facts, and the
//! aggregate decides (not allowed, wrong state, broken rule).

use chrono::{DateTime, Utc};
use domain::actor::Actor;
use domain::initiative::{Initiative, InitiativeStatus};
use domain::joint_project::{
    InitiativeStanding, InvitationState, JointProject, JointProjectCommand as Command,
};
use domain::values::{InitiativeId, JointProjectId, Reason};
use std::sync::Arc;
use store::{Committed, EventMetadata};

use super::fields::Content;
use crate::app::{command_error, load_error, Refusal};
use crate::state::AppState;

/// One step on an existing project.
#[derive(Debug, Clone)]
pub enum ProjectAction {
    Revise(Content),
    Submit,
    Approve,
    Reject(Reason),
    Activate,
    Complete,
    Withdraw(Option<Reason>),
    Invite(InitiativeId),
    Accept(InitiativeId),
    Decline(InitiativeId, Option<Reason>),
    OpenCall,
    CloseCall,
    ExpressInterest(InitiativeId),
}

impl ProjectAction {
    /// The command's name in the events' metadata.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Revise(_) => "ReviseJointProject",
            Self::Submit => "SubmitJointProjectForReview",
            Self::Approve => "ApproveJointProject",
            Self::Reject(_) => "RejectJointProject",
            Self::Activate => "ActivateJointProject",
            Self::Complete => "CompleteJointProject",
            Self::Withdraw(_) => "WithdrawJointProject",
            Self::Invite(_) => "InvitePartner",
            Self::Accept(_) => "AcceptInvitation",
            Self::Decline(..) => "DeclineInvitation",
            Self::OpenCall => "OpenCallForPartners",
            Self::CloseCall => "CloseCallForPartners",
            Self::ExpressInterest(_) => "ExpressInterest",
        }
    }
}

/// The name a proposal's events carry in their metadata.
pub const PROPOSE: &str = "ProposeJointProject";

/// A project as stored, with the version a command on it starts from.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub id: JointProjectId,
    pub project: Arc<JointProject>,
    pub version: usize,
    pub lead: InitiativeId,
}

pub fn parse_id(raw: &str) -> Result<JointProjectId, Refusal> {
    raw.parse::<JointProjectId>()
        .map_err(|e| Refusal::invalid(vec![e.in_field("id")]))
}

pub fn not_found() -> Refusal {
    Refusal::NotFound("no such joint project".into())
}

/// The project `id`, or not found.
pub async fn load(state: &AppState, id: JointProjectId) -> Result<Loaded, Refusal> {
    let loaded = state
        .joint_projects
        .load_fresh(&id.to_string())
        .await
        .map_err(load_error)?;
    if loaded.version == 0 {
        return Err(not_found());
    }
    let lead = loaded
        .aggregate
        .details()
        .map(|details| details.lead)
        .ok_or_else(not_found)?;
    Ok(Loaded {
        id,
        project: loaded.aggregate,
        version: loaded.version,
        lead,
    })
}

/// The initiative `id` as stored, if it exists.
pub async fn load_initiative(
    state: &AppState,
    id: InitiativeId,
) -> Result<Option<Arc<Initiative>>, Refusal> {
    let loaded = state
        .initiatives
        .load_fresh(&id.to_string())
        .await
        .map_err(load_error)?;
    Ok((loaded.version > 0).then_some(loaded.aggregate))
}

/// Whether `actor` manages `initiative` (an initiative that does not exist has no managers).
pub fn manages(initiative: Option<&Initiative>, actor: &Actor) -> bool {
    initiative.is_some_and(|i| i.is_manager(actor.account))
}

/// Where `initiative` stands. One that does not exist is reported like a submitted one, not
/// vouched for: telling "no such initiative" apart from "not approved yet" would reveal
/// initiatives that are not public.
fn standing(initiative: Option<&Initiative>) -> InitiativeStanding {
    match initiative.map(Initiative::status) {
        Some(InitiativeStatus::Approved) => InitiativeStanding::Approved,
        Some(InitiativeStatus::Rejected) => InitiativeStanding::Rejected,
        Some(InitiativeStatus::Retired) => InitiativeStanding::Retired,
        Some(InitiativeStatus::Submitted | InitiativeStatus::NotRegistered) | None => {
            InitiativeStanding::Submitted
        }
    }
}

/// Whether `actor` manages the lead initiative of `loaded`.
pub async fn manages_lead(
    state: &AppState,
    loaded: &Loaded,
    actor: &Actor,
) -> Result<bool, Refusal> {
    Ok(manages(
        load_initiative(state, loaded.lead).await?.as_deref(),
        actor,
    ))
}

/// The initiatives invited to `project` or partnering in it (declined invitations do not
/// count) that `actor` manages.
pub async fn managed_partners(
    state: &AppState,
    project: &JointProject,
    actor: &Actor,
) -> Result<Vec<InitiativeId>, Refusal> {
    let mut managed = Vec::new();
    for (initiative, invitation) in project.partners() {
        if *invitation == InvitationState::Declined {
            continue;
        }
        if manages(load_initiative(state, *initiative).await?.as_deref(), actor) {
            managed.push(*initiative);
        }
    }
    Ok(managed)
}

/// The facts the project's four-eyes rule decides on: whether `actor` manages its lead, and
/// whether they manage an invited or partner initiative (what approving or rejecting it needs,
/// from the API, the review page or the project's page alike).
pub async fn four_eyes(
    state: &AppState,
    project: &JointProject,
    actor: &Actor,
) -> Result<(bool, bool), Refusal> {
    let lead = match project.details() {
        Some(details) => manages(
            load_initiative(state, details.lead).await?.as_deref(),
            actor,
        ),
        None => false,
    };
    let partner = !managed_partners(state, project, actor).await?.is_empty();
    Ok((lead, partner))
}

fn now() -> DateTime<Utc> {
    Utc::now()
}

/// Proposes project `id` led by `lead` (which `actor` must manage, and which must be approved).
/// It starts as `proposed`, visible only to the managers involved and to moderators.
pub async fn propose(
    state: &AppState,
    actor: &Actor,
    id: JointProjectId,
    lead: InitiativeId,
    content: Content,
    metadata: EventMetadata,
    expected: Option<usize>,
) -> Result<Committed<JointProject>, Refusal> {
    let initiative = load_initiative(state, lead).await?;
    let command = Command::Propose {
        project_id: id,
        lead,
        lead_standing: standing(initiative.as_deref()),
        actor: actor.clone(),
        actor_manages_lead: manages(initiative.as_deref(), actor),
        title: content.title,
        description: content.description,
        sectors: content.sectors,
        objectives: content.objectives,
        at: now(),
    };
    state
        .joint_projects
        .execute_expecting(&id.to_string(), command, metadata, expected)
        .await
        .map_err(command_error)
}

/// Takes `action` on project `id` as `actor`; `expected` is the version the caller read, when
/// it says. Not found when there is no such project.
pub async fn act(
    state: &AppState,
    actor: &Actor,
    id: JointProjectId,
    action: ProjectAction,
    metadata: EventMetadata,
    expected: Option<usize>,
) -> Result<Committed<JointProject>, Refusal> {
    let loaded = load(state, id).await?;
    let command = command_for(state, &loaded, actor, action).await?;
    state
        .joint_projects
        .execute_expecting(&id.to_string(), command, metadata, expected)
        .await
        .map_err(command_error)
}

/// The aggregate's command for `action`, with the facts it decides on.
async fn command_for(
    state: &AppState,
    loaded: &Loaded,
    actor: &Actor,
    action: ProjectAction,
) -> Result<Command, Refusal> {
    let actor_manages_lead = || manages_lead(state, loaded, actor);
    let at = now();
    let actor = actor.clone();
    Ok(match action {
        ProjectAction::Revise(content) => Command::Revise {
            actor_manages_lead: actor_manages_lead().await?,
            actor,
            title: content.title,
            description: content.description,
            sectors: content.sectors,
            objectives: content.objectives,
            at,
        },
        ProjectAction::Submit => Command::SubmitForReview {
            actor_manages_lead: actor_manages_lead().await?,
            actor,
            at,
        },
        ProjectAction::Approve => Command::Approve {
            actor_manages_lead: actor_manages_lead().await?,
            actor_manages_partner: !managed_partners(state, &loaded.project, &actor)
                .await?
                .is_empty(),
            actor,
            at,
        },
        ProjectAction::Reject(reason) => Command::Reject {
            actor_manages_lead: actor_manages_lead().await?,
            actor_manages_partner: !managed_partners(state, &loaded.project, &actor)
                .await?
                .is_empty(),
            actor,
            reason,
            at,
        },
        ProjectAction::Activate => Command::Activate {
            actor_manages_lead: actor_manages_lead().await?,
            actor,
            at,
        },
        ProjectAction::Complete => Command::Complete {
            actor_manages_lead: actor_manages_lead().await?,
            actor,
            at,
        },
        ProjectAction::Withdraw(reason) => Command::Withdraw {
            actor_manages_lead: actor_manages_lead().await?,
            actor,
            reason,
            at,
        },
        ProjectAction::Invite(initiative) => {
            let invited = load_initiative(state, initiative).await?;
            Command::InvitePartner {
                actor_manages_lead: actor_manages_lead().await?,
                actor,
                initiative,
                initiative_standing: standing(invited.as_deref()),
                at,
            }
        }
        ProjectAction::Accept(initiative) => {
            let invited = load_initiative(state, initiative).await?;
            Command::AcceptInvitation {
                actor_manages_initiative: manages(invited.as_deref(), &actor),
                actor,
                initiative,
                at,
            }
        }
        ProjectAction::Decline(initiative, reason) => {
            let invited = load_initiative(state, initiative).await?;
            Command::DeclineInvitation {
                actor_manages_initiative: manages(invited.as_deref(), &actor),
                actor,
                initiative,
                reason,
                at,
            }
        }
        ProjectAction::OpenCall => Command::OpenCallForPartners {
            actor_manages_lead: actor_manages_lead().await?,
            actor,
            at,
        },
        ProjectAction::CloseCall => Command::CloseCallForPartners {
            actor_manages_lead: actor_manages_lead().await?,
            actor,
            at,
        },
        ProjectAction::ExpressInterest(initiative) => {
            let interested = load_initiative(state, initiative).await?;
            Command::ExpressInterest {
                actor_manages_initiative: manages(interested.as_deref(), &actor),
                initiative_standing: standing(interested.as_deref()),
                actor,
                initiative,
                at,
            }
        }
    })
}
