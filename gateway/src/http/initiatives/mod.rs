//! Initiatives: registration and review, the profile and its reviewed changes, managers and
//! requests to become one, re-confirmation and retirement.
//!
//! * [`lifecycle`]: registering, reading, approving, rejecting, resubmitting, confirming and
//!   retiring an initiative.
//! * [`profile`]: changing the profile and deciding the changes that wait for review.
//! * [`managers`]: adding and removing managers, and requests to become one.
//!
//! Who sees what on `GET /v1/initiatives/{id}`: approved initiatives (and those retired after
//! approval) are public; a submitted or rejected one (or one retired before it was ever
//! approved) is shown only to its managers and to moderators, and to anyone else it does not
//! exist (404). The pending profile change and the pending management requests are shown only to
//! managers and moderators.
//!
//! Commands are decided by the aggregate (who may do what, in which state); the gateway only
//! answers 404 for an initiative that was never registered, checks `If-Match` before anything
//! else, and looks up outside facts a command needs (that an account to add exists).

mod answers;
mod lifecycle;
mod managers;
mod profile;
mod requests;
mod views;

use domain::initiative::{Initiative, InitiativeCommand};
use domain::values::{AccountId, InitiativeId};
use store::Committed;
use utoipa_axum::routes;

pub use answers::PublicAnswers;

use super::command::{self, Acting, IfMatch, WriteAnswer};
use super::Refusal;
use crate::access::{Access, ApiRoutes};
use crate::app;
use crate::app::initiatives::not_found;
use crate::state::AppState;

pub fn routes() -> ApiRoutes {
    ApiRoutes::new()
        .command(Access::SignedIn, routes!(lifecycle::register))
        .route(Access::Public, routes!(lifecycle::read))
        .command(Access::MODERATORS, routes!(lifecycle::approve))
        .command(Access::MODERATORS, routes!(lifecycle::reject))
        .command(Access::SignedIn, routes!(lifecycle::resubmit))
        .command(Access::SignedIn, routes!(lifecycle::confirm))
        .command(Access::SignedIn, routes!(lifecycle::retire))
        .command(Access::SignedIn, routes!(profile::update))
        .command(Access::MODERATORS, routes!(profile::approve_change))
        .command(Access::MODERATORS, routes!(profile::reject_change))
        .command(Access::SignedIn, routes!(profile::withdraw_change))
        .command(Access::SignedIn, routes!(managers::add))
        .command(Access::SignedIn, routes!(managers::remove))
        .command(Access::SignedIn, routes!(managers::request))
        .command(Access::SignedIn, routes!(managers::withdraw_request))
        .command(Access::SignedIn, routes!(managers::approve_request))
        .command(Access::SignedIn, routes!(managers::decline_request))
}

/// A moderator's decision on what waits about initiative `raw_id` (its submission, its profile
/// change): the console's use case (`app::moderation::review::decide`), honouring `If-Match`;
/// deciding ends the moderator's claim on the item.
async fn decide(
    state: &AppState,
    acting: &Acting,
    kind: projections::QueueKind,
    raw_id: &str,
    decision: app::moderation::review::Decision,
) -> Result<WriteAnswer, Refusal> {
    use axum::Extension;

    let item = app::moderation::ItemRef::parse(kind.as_str(), raw_id)?;
    let expected = command::expected_version(&state.initiatives, raw_id, &acting.if_match).await?;
    let decided = app::moderation::review::decide(
        state,
        &acting.actor,
        &item,
        None,
        &decision,
        expected,
        |name| acting.metadata(name),
    )
    .await?;
    let written = crate::http::Written {
        id: None,
        position: decided.last.map(|at| at.position),
        version: Some(decided.version),
    };
    Ok((
        axum::http::StatusCode::OK,
        command::etag(decided.version),
        decided
            .last
            .map(|at| Extension(crate::http::reading::WrittenAt(at))),
        Extension(decided.stages),
        crate::http::ApiJson(written),
    ))
}

/// An initiative as stored, with the version a client may send back in `If-Match`.
struct Loaded {
    id: InitiativeId,
    version: usize,
}

fn parse_account(raw: &str, field: &str) -> Result<AccountId, Refusal> {
    raw.parse::<AccountId>()
        .map_err(|e| Refusal::invalid(vec![e.in_field(field)]))
}

/// Loads the initiative `raw_id`: 400 for a malformed id, 404 if it was never registered.
async fn existing(state: &AppState, raw_id: &str) -> Result<Loaded, Refusal> {
    let (id, _, version) = app::initiatives::load(state, raw_id).await?;
    Ok(Loaded { id, version })
}

/// Loads the initiative a command is about. A stale `If-Match` is answered before the command
/// is even decided, so a client learns first that it acted on an old reading.
async fn target(state: &AppState, raw_id: &str, if_match: &IfMatch) -> Result<Loaded, Refusal> {
    let loaded = existing(state, raw_id).await?;
    check_version(&loaded, if_match)?;
    Ok(loaded)
}

/// The same 412 the command bus gives for a stale `If-Match` (one mapping, in
/// `app::command_error`), answered early.
fn check_version(loaded: &Loaded, if_match: &IfMatch) -> Result<(), Refusal> {
    match if_match.expected(loaded.version)? {
        Some(expected) if expected != loaded.version => {
            Err(crate::app::command_error::<
                domain::initiative::InitiativeError,
            >(store::CommandError::VersionMismatch {
                expected,
                current: loaded.version,
            }))
        }
        _ => Ok(()),
    }
}

/// Runs `command` on the initiative, honouring `If-Match`, and answers with what it wrote
/// (200).
async fn run(
    state: &AppState,
    acting: &Acting,
    loaded: &Loaded,
    command: InitiativeCommand,
    name: &str,
) -> Result<WriteAnswer, Refusal> {
    let committed = execute(state, acting, loaded.id, command, name, None).await?;
    Ok(command::answer(&committed, None))
}

/// Runs `command` (named `name` in the metadata) on initiative `id`, honouring `If-Match`; it
/// creates `created` when given (the answer is then a 201 with that id).
async fn execute(
    state: &AppState,
    acting: &Acting,
    id: InitiativeId,
    command: InitiativeCommand,
    name: &str,
    created: Option<&str>,
) -> Result<Committed<Initiative>, Refusal> {
    let metadata = match created {
        Some(created) => acting.metadata_creating(name, created),
        None => acting.metadata(name),
    };
    command::execute(
        &state.initiatives,
        &id.to_string(),
        command,
        metadata,
        &acting.if_match,
    )
    .await
}
