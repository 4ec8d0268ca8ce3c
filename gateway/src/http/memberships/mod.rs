//! Who belongs where, from the `memberships` read model:
//!
//! * `GET /v1/me/memberships`: the caller's initiatives, communities and pending requests.
//! * `GET /v1/communities/{id}/members`: a community's members (and requests to join), shown to
//!   the same people as on `GET /v1/communities/{id}`: members and moderators see the members,
//!   facilitators and moderators the requests. Anyone else is told who may see it (401 to a
//!   visitor, 403 to a signed-in stranger): the community itself is public, so there is nothing
//!   to hide by answering 404.
//! * `GET /v1/initiatives/{id}/managers`: an initiative's managers, visible as the initiative is
//!   (public once approved; otherwise only to its managers and moderators, 404 to anyone else);
//!   requests to become a manager only to its managers and moderators.
//!
//! Every one answers live (waiting for `min_position` if given) or, for auditors and admins, as
//! of a past time or position. A historical read is an audit, so it shows everything the model
//! held then, whoever belonged.

mod views;

use axum::extract::{Path, RawQuery, State};
use domain::actor::Actor;
use domain::community::CommunityRole;
use domain::values::{AccountId, CommunityId, InitiativeId};
use projections::Memberships;
use utoipa_axum::routes;

use self::views::{CommunityMembersView, InitiativeManagersView, MyMembershipsView};
use super::reading::{ReadAt, READ_AT_PARAMETERS};
use super::{ApiJson, ErrorBody, Refusal};
use crate::access::{Access, ApiRoutes, Caller};
use crate::state::AppState;

pub fn routes() -> ApiRoutes {
    ApiRoutes::new()
        .route(Access::SignedIn, routes!(my_memberships))
        // Public at the route: who sees what depends on the caller's place in the community or
        // initiative, decided below.
        .route(Access::Public, routes!(community_members))
        .route(Access::Public, routes!(initiative_managers))
}

/// The caller's memberships: the initiatives they manage (with each one's status), the
/// communities they belong to (with their role), and their requests still waiting for a
/// decision. Each list is sorted by name.
#[utoipa::path(get, path = "/v1/me/memberships", tag = "memberships",
    security(("bearer" = [])),
    params(
        ("min_position" = Option<i64>, Query, description = "Wait until the read model has reached this position (503 with Retry-After if it does not in time)"),
        ("as_of" = Option<String>, Query, description = "RFC 3339 time: the answer as of then (auditors and admins)"),
        ("at_position" = Option<i64>, Query, description = "Global position: the answer as of that event (auditors and admins)")),
    responses(
        (status = 200, description = "The caller's memberships", body = MyMembershipsView),
        (status = 400, description = "An unknown or malformed query parameter", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "as_of or at_position without the auditor or admin role", body = ErrorBody),
        (status = 503, description = "The read model has not reached min_position in time", body = ErrorBody)))]
async fn my_memberships(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(query): RawQuery,
    read_at: ReadAt,
) -> Result<ApiJson<MyMembershipsView>, Refusal> {
    only_read_at_parameters(query.as_deref())?;
    let account = signed_in(&caller)?.account;
    let found = read_at
        .read(&state, &state.read.memberships, |m| m.of_account(account))
        .await?;
    Ok(ApiJson(MyMembershipsView::new(account, found)))
}

/// A community's members, facilitators first, each with their role and since when they belong;
/// and, to its facilitators and moderators, the requests to join, oldest first. Shown to members
/// and moderators (and, as of a past point, to auditors and admins).
#[utoipa::path(get, path = "/v1/communities/{id}/members", tag = "memberships",
    params(
        ("id" = String, Path, format = Uuid, description = "Community id"),
        ("min_position" = Option<i64>, Query, description = "Wait until the read model has reached this position"),
        ("as_of" = Option<String>, Query, description = "RFC 3339 time: the members as of then (auditors and admins)"),
        ("at_position" = Option<i64>, Query, description = "Global position: the members as of that event (auditors and admins)")),
    responses(
        (status = 200, description = "The members", body = CommunityMembersView),
        (status = 400, description = "The id is not a UUID, or a query parameter is unknown or malformed", body = ErrorBody),
        (status = 401, description = "Not signed in (members see the list)", body = ErrorBody),
        (status = 403, description = "Neither a member nor a moderator", body = ErrorBody),
        (status = 404, description = "No such community (at that point, for as-of reads)", body = ErrorBody),
        (status = 503, description = "The read model has not reached min_position in time", body = ErrorBody)))]
async fn community_members(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
    read_at: ReadAt,
) -> Result<ApiJson<CommunityMembersView>, Refusal> {
    only_read_at_parameters(query.as_deref())?;
    let id: CommunityId = path_id(&id)?;
    let reader = Reader::new(&caller, &read_at);
    let view = read_at
        .read(&state, &state.read.memberships, |m| {
            community_members_for(m, id, &reader)
        })
        .await??;
    Ok(ApiJson(view))
}

/// An initiative's managers, longest-serving first, and, to its managers and moderators, the
/// requests to become one. Visible as the initiative is: public once approved (and after
/// retirement, if it was approved); otherwise only to its managers and moderators.
#[utoipa::path(get, path = "/v1/initiatives/{id}/managers", tag = "memberships",
    params(
        ("id" = String, Path, format = Uuid, description = "Initiative id"),
        ("min_position" = Option<i64>, Query, description = "Wait until the read model has reached this position"),
        ("as_of" = Option<String>, Query, description = "RFC 3339 time: the managers as of then (auditors and admins)"),
        ("at_position" = Option<i64>, Query, description = "Global position: the managers as of that event (auditors and admins)")),
    responses(
        (status = 200, description = "The managers", body = InitiativeManagersView),
        (status = 400, description = "The id is not a UUID, or a query parameter is unknown or malformed", body = ErrorBody),
        (status = 403, description = "as_of or at_position without the auditor or admin role", body = ErrorBody),
        (status = 404, description = "No such initiative, or not visible to the caller", body = ErrorBody),
        (status = 503, description = "The read model has not reached min_position in time", body = ErrorBody)))]
async fn initiative_managers(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
    read_at: ReadAt,
) -> Result<ApiJson<InitiativeManagersView>, Refusal> {
    only_read_at_parameters(query.as_deref())?;
    let id: InitiativeId = path_id(&id)?;
    let reader = Reader::new(&caller, &read_at);
    let view = read_at
        .read(&state, &state.read.memberships, |m| {
            initiative_managers_for(m, id, &reader)
        })
        .await??;
    Ok(ApiJson(view))
}

/// Who reads, as far as these lists are concerned.
struct Reader {
    account: Option<AccountId>,
    moderator: bool,
    /// An as-of read (only auditors and admins get this far with one): an audit sees all.
    auditing: bool,
}

impl Reader {
    fn new(caller: &Caller, read_at: &ReadAt) -> Self {
        Self {
            account: caller.actor().map(|a| a.account),
            moderator: caller.actor().is_some_and(Actor::is_moderator),
            auditing: read_at.is_historical(),
        }
    }
}

fn community_members_for(
    model: &Memberships,
    id: CommunityId,
    reader: &Reader,
) -> Result<CommunityMembersView, Refusal> {
    let roster = model
        .community(id)
        .ok_or_else(|| Refusal::NotFound("no such community".into()))?;
    let role = reader.account.and_then(|a| roster.role_of(a));
    let sees_requests =
        reader.auditing || reader.moderator || role == Some(CommunityRole::Facilitator);
    if !(sees_requests || role.is_some()) {
        let who = "the member list is shown to the community's members and to moderators \
                   (its name, facilitators and number of members are on GET /v1/communities/{id})";
        return Err(match reader.account {
            None => Refusal::NotSignedIn(format!("sign in first: {who}")),
            Some(_) => Refusal::NotAllowed(who.into()),
        });
    }
    Ok(CommunityMembersView::new(id, roster, sees_requests))
}

fn initiative_managers_for(
    model: &Memberships,
    id: InitiativeId,
    reader: &Reader,
) -> Result<InitiativeManagersView, Refusal> {
    let not_found = || Refusal::NotFound("there is no initiative with this id".into());
    let team = model.initiative(id).ok_or_else(not_found)?;
    let insider =
        reader.auditing || reader.moderator || reader.account.is_some_and(|a| team.is_manager(a));
    if !insider && !team.is_public() {
        return Err(not_found());
    }
    Ok(InitiativeManagersView::new(id, team, insider))
}

fn signed_in(caller: &Caller) -> Result<&Actor, Refusal> {
    caller.actor().ok_or_else(|| {
        Refusal::NotSignedIn("sign in first: send `Authorization: Bearer <token>`".into())
    })
}

fn path_id<T>(raw: &str) -> Result<T, Refusal>
where
    T: std::str::FromStr<Err = domain::values::ValueError>,
{
    raw.parse::<T>()
        .map_err(|e| Refusal::invalid(vec![e.in_field("id")]))
}

/// These reads have no filters of their own, so any other parameter is a mistake worth naming
/// rather than ignoring (a misspelt `as_of` would otherwise silently answer live).
fn only_read_at_parameters(query: Option<&str>) -> Result<(), Refusal> {
    let query = query.unwrap_or_default();
    for (key, _) in form_urlencoded::parse(query.as_bytes()) {
        if !READ_AT_PARAMETERS.contains(&key.as_ref()) {
            return Err(Refusal::invalid_input(format!(
                "unknown query parameter `{key}`: this read takes only {}",
                READ_AT_PARAMETERS.join(", ")
            )));
        }
    }
    Ok(())
}
