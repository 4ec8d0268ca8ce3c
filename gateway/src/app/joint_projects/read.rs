//! Reading one joint project, and who may see it: approved, active and completed projects are
//! public; the others (proposed, under review, rejected, withdrawn) are shown only to the
//! managers of the lead and of the invited initiatives and to moderators, and are "not found"
//! for anyone else, so that their existence is not revealed. Also its history (its own events)
//! and the partners the matching read model suggests for it.

use chrono::{DateTime, Utc};
use cqrs_es::Aggregate;
use domain::joint_project::{JointProject, ProjectStatus};
use domain::values::{AccountId, InitiativeId, JointProjectId};
use projections::Match;

use super::commands::{self, load, load_initiative, manages, not_found, Loaded};
use crate::access::Caller;
use crate::app::{ReadAt, Refusal};
use crate::state::AppState;

/// A project as the caller may see it, with what the caller may do on it.
#[derive(Debug, Clone)]
pub struct SeenProject {
    pub loaded: Loaded,
    /// The caller manages the lead initiative.
    pub manages_lead: bool,
    /// Invited or partnering initiatives the caller manages.
    pub manages_partners: Vec<InitiativeId>,
}

/// Whether anyone may see a project in `status`: moderators have vouched for it.
pub fn is_public(status: ProjectStatus) -> bool {
    matches!(
        status,
        ProjectStatus::Approved | ProjectStatus::Active | ProjectStatus::Completed
    )
}

/// Project `id`, if the caller may see it; not found otherwise.
pub async fn read(
    state: &AppState,
    caller: &Caller,
    id: JointProjectId,
) -> Result<SeenProject, Refusal> {
    let loaded = load(state, id).await?;
    let (manages_lead, manages_partners) = match caller.actor() {
        Some(actor) => (
            commands::manages_lead(state, &loaded, actor).await?,
            involved_partners(state, &loaded.project, actor).await?,
        ),
        None => (false, Vec::new()),
    };
    let moderator = caller.actor().is_some_and(|a| a.is_moderator());
    let insider = moderator || manages_lead || !manages_partners.is_empty();
    if !is_public(loaded.project.status()) && !insider {
        return Err(not_found());
    }
    Ok(SeenProject {
        loaded,
        manages_lead,
        manages_partners,
    })
}

/// Every invited initiative (whatever the answer) that `actor` manages: those managers may see
/// the project, since they are asked to decide on it.
async fn involved_partners(
    state: &AppState,
    project: &JointProject,
    actor: &domain::actor::Actor,
) -> Result<Vec<InitiativeId>, Refusal> {
    let mut managed = Vec::new();
    for initiative in project.partners().keys() {
        if manages(load_initiative(state, *initiative).await?.as_deref(), actor) {
            managed.push(*initiative);
        }
    }
    Ok(managed)
}

/// One step of a project's history: what happened (the stored event type) and when.
#[derive(Debug, Clone)]
pub struct Step {
    pub event_type: String,
    pub at: DateTime<Utc>,
    /// The account that took the step (from the event's metadata), when a person did.
    pub by: Option<AccountId>,
}

/// The history of a project the caller has already been shown (see [`read`]), oldest first.
pub async fn history(state: &AppState, seen: &SeenProject) -> Result<Vec<Step>, Refusal> {
    let events = store::audit::read_stream(
        state.log.database(),
        JointProject::TYPE,
        &seen.loaded.id.to_string(),
    )
    .await?;
    Ok(events
        .into_iter()
        .map(|event| Step {
            by: actor_of(&event.metadata),
            event_type: event.event_type,
            at: event.recorded_at,
        })
        .collect())
}

/// The account named as the actor of an event's metadata (stored JSON text), if any.
fn actor_of(metadata: &str) -> Option<AccountId> {
    let metadata: store::EventMetadata = serde_json::from_str(metadata).ok()?;
    match metadata.actor {
        store::ActorRef::Account(id) => Some(AccountId::from_uuid(id)),
        _ => None,
    }
}

/// The initiative `id`'s name, if it is registered.
pub async fn initiative_name(state: &AppState, id: InitiativeId) -> Result<String, Refusal> {
    Ok(load_initiative(state, id)
        .await?
        .and_then(|i| i.profile().map(|p| p.name.to_string()))
        .unwrap_or_else(|| id.to_string()))
}

/// The candidate partners of project `id`, best first, with the reasons for each (the
/// `matching` read model; docs/matching.md): shown to whoever may see the project. Live only:
/// `read_at` may wait for a position.
pub async fn candidates(
    state: &AppState,
    caller: &Caller,
    id: JointProjectId,
    limit: usize,
    read_at: &ReadAt,
) -> Result<Vec<Match>, Refusal> {
    let viewer = caller.actor();
    read_at
        .read(state, &state.read.matching, |matching| {
            matching
                .may_see_project_matches(id, viewer)
                .then(|| matching.matches_for_project(id, limit))
        })
        .await?
        .ok_or_else(not_found)
}

/// The open projects initiative `id` could join, best first, with the reasons for each: public
/// while the initiative is approved. Live only, like [`candidates`].
pub async fn openings(
    state: &AppState,
    caller: &Caller,
    id: InitiativeId,
    limit: usize,
    read_at: &ReadAt,
) -> Result<Vec<projections::ProjectMatch>, Refusal> {
    let viewer = caller.actor();
    read_at
        .read(state, &state.read.matching, |matching| {
            matching
                .may_see_initiative_matches(id, viewer)
                .then(|| matching.projects_for_initiative(id, limit))
        })
        .await?
        .ok_or_else(|| Refusal::NotFound("no such initiative".into()))
}
