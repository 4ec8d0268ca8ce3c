//! Joint projects between initiatives: a manager of the lead initiative proposes a project,
//! invites partner initiatives (or opens a call where others express interest), submits it to
//! the moderators, and once approved and joined by a partner, runs it to completion.
//!
//! Each handler parses the request and calls the use case in `app::joint_projects`, which loads
//! the facts the aggregate decides on (who manages which initiative, where each stands); the
//! aggregate decides (403 for a caller without the right, 409 for the wrong state, 422 for a
//! broken rule).

mod lifecycle;
mod partners;
mod requests;
mod views;

use utoipa_axum::routes;

use super::command::{self, Acting, WriteAnswer};
use super::Refusal;
use crate::access::{Access, ApiRoutes};
use crate::app::joint_projects::{self, ProjectAction};
use crate::state::AppState;

pub fn routes() -> ApiRoutes {
    ApiRoutes::new()
        .route(Access::Public, routes!(views::joint_project))
        // Who may act for which initiative is a fact of the project and the initiatives
        // involved, so the aggregate decides those rights; the route only asks for an account.
        .command(Access::SignedIn, routes!(lifecycle::propose))
        .command(Access::SignedIn, routes!(lifecycle::revise))
        .command(Access::SignedIn, routes!(lifecycle::submit))
        .command(Access::SignedIn, routes!(lifecycle::activate))
        .command(Access::SignedIn, routes!(lifecycle::complete))
        .command(Access::SignedIn, routes!(lifecycle::withdraw))
        .command(Access::SignedIn, routes!(partners::invite))
        .command(Access::SignedIn, routes!(partners::accept))
        .command(Access::SignedIn, routes!(partners::decline))
        .command(
            Access::SignedIn,
            routes!(partners::open_call, partners::close_call),
        )
        .command(Access::SignedIn, routes!(partners::express_interest))
        .command(Access::MODERATORS, routes!(lifecycle::approve))
        .command(Access::MODERATORS, routes!(lifecycle::reject))
}

/// Runs `action` on project `raw_id` as the acting caller, honouring `If-Match`, and answers
/// with what it wrote (200). A command that changes nothing (opening a call that is already
/// open) answers with the version it found.
async fn run(
    state: &AppState,
    raw_id: &str,
    action: ProjectAction,
    acting: &Acting,
) -> Result<WriteAnswer, Refusal> {
    let id = joint_projects::parse_id(raw_id)?;
    let stream = id.to_string();
    let expected =
        command::expected_version(&state.joint_projects, &stream, &acting.if_match).await?;
    let metadata = acting.metadata(action.name());
    let committed =
        joint_projects::act(state, &acting.actor, id, action, metadata, expected).await?;
    Ok(command::answer(&committed, None))
}
