//! Communities of practice and their threads.
//!
//! * [`community`]: creating, reading, renaming a community and changing how people join
//!   (moderators).
//! * [`membership`]: joining, asking to join, leaving, deciding requests, facilitators.
//! * [`threads`]: threads and their posts (a separate aggregate per thread; the actor's role in
//!   the community is looked up here and put into each thread command).
//!
//! Who sees what on `GET /v1/communities/{id}`: its name, theme, joining policy, facilitators
//! and number of members are public; the list of members is shown to its members and to
//! moderators; pending requests to join are shown to those who decide them (facilitators and
//! moderators). Every signed-in caller also sees their own standing (`you`).

mod community;
mod membership;
mod requests;
mod threads;
mod views;

use domain::community::CommunityCommand;
use domain::values::{AccountId, CommunityId, PostId, ThreadId, ValueError};
use utoipa_axum::routes;

use super::command::{self, Acting, WriteAnswer};
use super::Refusal;
use crate::access::{Access, ApiRoutes};
use crate::app::communities::{self, MembershipAction};
use crate::state::AppState;

pub fn routes() -> ApiRoutes {
    ApiRoutes::new()
        .command(Access::MODERATORS, routes!(community::create))
        .route(Access::Public, routes!(community::read))
        .command(Access::MODERATORS, routes!(community::rename))
        .command(Access::MODERATORS, routes!(community::change_join_policy))
        .command(
            Access::SignedIn,
            routes!(membership::join, membership::leave),
        )
        .command(Access::SignedIn, routes!(membership::withdraw_join_request))
        .command(Access::SignedIn, routes!(membership::accept_join_request))
        .command(Access::SignedIn, routes!(membership::decline_join_request))
        .command(Access::SignedIn, routes!(membership::promote))
        .command(Access::SignedIn, routes!(membership::demote))
        .command(Access::SignedIn, routes!(threads::start))
        .route(Access::Public, routes!(threads::read))
        .command(Access::SignedIn, routes!(threads::reply))
        .command(
            Access::SignedIn,
            routes!(threads::edit_post, threads::delete_post),
        )
        .command(
            Access::SignedIn,
            routes!(threads::hide_post, threads::unhide_post),
        )
}

/// Runs a command on an existing community, honouring `If-Match` (the use case answers 404 for
/// a community that does not exist).
async fn execute_on_community(
    state: &AppState,
    id: CommunityId,
    command: CommunityCommand,
    name: &str,
    acting: &Acting,
) -> Result<WriteAnswer, Refusal> {
    let expected = expected_version(state, id, acting).await?;
    let committed =
        communities::execute(state, id, command, acting.metadata(name), expected).await?;
    Ok(command::answer(&committed, None))
}

/// Runs a membership step on an existing community, honouring `If-Match`.
async fn act_on_community(
    state: &AppState,
    raw_id: &str,
    action: MembershipAction,
    acting: &Acting,
) -> Result<WriteAnswer, Refusal> {
    let id = community_id(raw_id)?;
    let expected = expected_version(state, id, acting).await?;
    let metadata = acting.metadata(action.name());
    let committed = communities::act(state, &acting.actor, id, action, metadata, expected).await?;
    Ok(command::answer(&committed, None))
}

/// The version `If-Match` names for community `id`.
async fn expected_version(
    state: &AppState,
    id: CommunityId,
    acting: &Acting,
) -> Result<Option<usize>, Refusal> {
    let bus = &state.communities;
    let stream = id.to_string();
    match command::expected_version(bus, &stream, &acting.if_match).await {
        // A list that names no version, for a community that has no events at all.
        Err(Refusal::Changed(_)) if command::load(bus, &stream).await?.is_none() => {
            Err(no_community())
        }
        other => other,
    }
}

fn no_community() -> Refusal {
    communities::not_found()
}

fn no_thread() -> Refusal {
    communities::no_thread()
}

/// Parses a path parameter as an id, reporting it under the parameter's name.
pub(super) fn path_id<T>(raw: &str, param: &str) -> Result<T, Refusal>
where
    T: std::str::FromStr<Err = ValueError>,
{
    raw.parse::<T>()
        .map_err(|e| Refusal::invalid(vec![e.in_field(param)]))
}

fn community_id(raw: &str) -> Result<CommunityId, Refusal> {
    path_id(raw, "id")
}

fn thread_id(raw: &str) -> Result<ThreadId, Refusal> {
    path_id(raw, "id")
}

fn post_id(raw: &str) -> Result<PostId, Refusal> {
    path_id(raw, "post_id")
}

fn account_id(raw: &str) -> Result<AccountId, Refusal> {
    path_id(raw, "account_id")
}
