//! Joint projects between initiatives: a manager of the lead initiative proposes a project,
//! invites partner initiatives (or opens a call where others express interest), submits it to
//! the moderators, and once approved and joined by a partner, runs it to completion.
//!
//! Who manages which initiative and where an initiative stands live in the initiatives'
//! streams; every handler loads them here and hands them to the aggregate as facts, and the
//! aggregate decides (403 for a caller without the right, 409 for the wrong state, 422 for a
//! broken rule).

mod lifecycle;
mod partners;
mod requests;
mod views;

use chrono::Utc;
use domain::actor::Actor;
use domain::initiative::{Initiative, InitiativeStatus};
use domain::joint_project::{InitiativeStanding, JointProject, JointProjectCommand};
use domain::values::{InitiativeId, JointProjectId};
use store::Committed;
use utoipa_axum::routes;

use super::command::{self, Acting, WriteAnswer};
use super::Refusal;
use crate::access::{Access, ApiRoutes};
use crate::state::AppState;

pub fn routes() -> ApiRoutes {
    ApiRoutes::new()
        .route(Access::Public, routes!(views::joint_project))
        // Who may act for which initiative is a fact of the project and the initiatives
        // involved, so the aggregate decides those rights; the route only asks for an account.
        .route(Access::SignedIn, routes!(lifecycle::propose))
        .route(Access::SignedIn, routes!(lifecycle::revise))
        .route(Access::SignedIn, routes!(lifecycle::submit))
        .route(Access::SignedIn, routes!(lifecycle::activate))
        .route(Access::SignedIn, routes!(lifecycle::complete))
        .route(Access::SignedIn, routes!(lifecycle::withdraw))
        .route(Access::SignedIn, routes!(partners::invite))
        .route(Access::SignedIn, routes!(partners::accept))
        .route(Access::SignedIn, routes!(partners::decline))
        .route(
            Access::SignedIn,
            routes!(partners::open_call, partners::close_call),
        )
        .route(Access::SignedIn, routes!(partners::express_interest))
        .route(Access::MODERATORS, routes!(lifecycle::approve))
        .route(Access::MODERATORS, routes!(lifecycle::reject))
}

/// A project as stored, with the version a command on it starts from.
struct Loaded {
    id: JointProjectId,
    project: JointProject,
    version: usize,
    lead: InitiativeId,
}

fn parse_project_id(raw: &str) -> Result<JointProjectId, Refusal> {
    raw.parse::<JointProjectId>()
        .map_err(|e| Refusal::invalid(vec![e.in_field("id")]))
}

fn parse_initiative_id(raw: &str, field: &str) -> Result<InitiativeId, Refusal> {
    raw.parse::<InitiativeId>()
        .map_err(|e| Refusal::invalid(vec![e.in_field(field)]))
}

fn no_such_project() -> Refusal {
    Refusal::NotFound("no such joint project".into())
}

/// The project `raw_id`, or 404.
async fn load_project(state: &AppState, raw_id: &str) -> Result<Loaded, Refusal> {
    let id = parse_project_id(raw_id)?;
    let (project, version) = command::load(&state.joint_projects, &id.to_string())
        .await?
        .ok_or_else(no_such_project)?;
    let lead = project
        .details()
        .map(|details| details.lead)
        .ok_or_else(no_such_project)?;
    Ok(Loaded {
        id,
        project,
        version,
        lead,
    })
}

/// The initiative `id` as stored, if it exists.
async fn load_initiative(
    state: &AppState,
    id: InitiativeId,
) -> Result<Option<Initiative>, Refusal> {
    Ok(command::load(&state.initiatives, &id.to_string())
        .await?
        .map(|(initiative, _)| initiative))
}

/// Whether `actor` manages `initiative` (an initiative that does not exist has no managers).
fn manages(initiative: Option<&Initiative>, actor: &Actor) -> bool {
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
async fn manages_lead(state: &AppState, loaded: &Loaded, actor: &Actor) -> Result<bool, Refusal> {
    Ok(manages(
        load_initiative(state, loaded.lead).await?.as_ref(),
        actor,
    ))
}

/// Whether `actor` manages any initiative invited to the project or partnering in it (declined
/// invitations do not count): a moderator who does may not review it.
async fn manages_a_partner(
    state: &AppState,
    loaded: &Loaded,
    actor: &Actor,
) -> Result<bool, Refusal> {
    use domain::joint_project::InvitationState;
    for (initiative, invitation) in loaded.project.partners() {
        if *invitation == InvitationState::Declined {
            continue;
        }
        if manages(load_initiative(state, *initiative).await?.as_ref(), actor) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The moment a command happens.
fn now() -> chrono::DateTime<Utc> {
    Utc::now()
}

/// Runs `command` (named `name` in the metadata) on project `id`, honouring `If-Match`.
async fn execute(
    state: &AppState,
    id: JointProjectId,
    command: JointProjectCommand,
    name: &str,
    acting: &Acting,
) -> Result<Committed<JointProject>, Refusal> {
    command::execute(
        &state.joint_projects,
        &id.to_string(),
        command,
        acting.metadata(name),
        &acting.if_match,
    )
    .await
}

/// Runs `command` on project `id` and answers with what it wrote (200). A command that changes
/// nothing (opening a call that is already open) answers with the version it found.
async fn run(
    state: &AppState,
    id: JointProjectId,
    command: JointProjectCommand,
    name: &str,
    acting: &Acting,
) -> Result<WriteAnswer, Refusal> {
    let committed = execute(state, id, command, name, acting).await?;
    Ok(command::answer(&committed, None))
}
