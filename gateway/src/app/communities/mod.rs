//! Communities of practice and their threads, as lists: every community (public, like its own
//! page), a community's threads, and the communities an initiative takes part in (those its
//! managers belong to: an initiative joins a community through its people); and what members,
//! facilitators and moderators do in them ([`MembershipAction`], threads and posts).

use std::borrow::Cow;
use std::collections::BTreeSet;

use domain::community::JoinPolicy;
use domain::values::{CommunityId, InitiativeId, Sector};
use projections::{
    CommunityDirectory, CommunityFilter, CommunitySummary, Memberships, ThreadSummary,
};

mod commands;
mod threads;

pub use commands::{act, execute, load, not_found, read, MembershipAction};
pub use threads::{
    no_thread, on_post, read as read_thread, reply, role_in, start, PostAction, SeenThread,
};

use super::listing::{self, codes, Listed, PageRequest};
use super::map::invalid;
use super::{ReadAt, Refusal};
use crate::access::Caller;
use crate::state::AppState;

/// The parameters [`parse_filter`] reads.
pub const FILTERS: [&str; 3] = ["sector", "policy", "q"];

#[derive(Debug, Clone, PartialEq)]
pub struct CommunityQuery {
    pub filter: CommunityFilter,
    pub page: PageRequest,
    pub read_at: ReadAt,
}

/// Communities the query selects, in name order.
pub async fn list(
    state: &AppState,
    caller: &Caller,
    query: &CommunityQuery,
) -> Result<Listed<CommunitySummary>, Refusal> {
    query.read_at.permit(caller)?;
    let page = &query.page;
    query
        .read_at
        .read(state, &state.read.communities, |directory| {
            directory.list(&query.filter, page.after.as_ref(), page.limit)
        })
        .await
        .map(Listed::from)
}

/// Community `raw_id` as the lists show it (public, like its own page); not found if there is
/// no such community.
pub async fn summary(
    state: &AppState,
    caller: &Caller,
    raw_id: &str,
    read_at: &ReadAt,
) -> Result<CommunitySummary, Refusal> {
    read_at.permit(caller)?;
    let id = parse_id(raw_id)?;
    read_at
        .read(state, &state.read.communities, |directory| {
            directory.summary(&id.to_string())
        })
        .await?
        .ok_or_else(|| no_community(id))
}

pub fn parse_id(raw: &str) -> Result<CommunityId, Refusal> {
    raw.parse::<CommunityId>()
        .map_err(|e| Refusal::invalid(vec![e.in_field("id")]))
}

fn no_community(id: CommunityId) -> Refusal {
    Refusal::NotFound(format!("there is no community {id}"))
}

/// The threads of community `id`, newest started first; not found if there is no such
/// community.
pub async fn threads(
    state: &AppState,
    caller: &Caller,
    id: CommunityId,
    page: &PageRequest,
    read_at: &ReadAt,
) -> Result<Listed<ThreadSummary>, Refusal> {
    read_at.permit(caller)?;
    read_at
        .read(state, &state.read.communities, |directory| {
            directory.threads(&id.to_string(), page.after.as_ref(), page.limit)
        })
        .await?
        .map(Listed::from)
        .ok_or_else(|| no_community(id))
}

/// The communities that the managers of initiative `id` belong to, in name order; not found if
/// the initiative is not public. Live only: `read_at` may only wait for a position (two read
/// models are read, and as-of folds one).
pub async fn of_initiative(
    state: &AppState,
    id: InitiativeId,
    read_at: &ReadAt,
) -> Result<Vec<CommunitySummary>, Refusal> {
    let community_ids = read_at
        .read(state, &state.read.memberships, |m| {
            communities_of_managers(m, id)
        })
        .await?
        .ok_or_else(|| Refusal::NotFound(format!("there is no initiative {id}")))?;
    read_at
        .read(state, &state.read.communities, |directory| {
            in_name_order(directory, &community_ids)
        })
        .await
}

/// The communities the managers of initiative `id` belong to; `None` if it is not public.
pub fn communities_of_managers(
    memberships: &Memberships,
    id: InitiativeId,
) -> Option<BTreeSet<CommunityId>> {
    let team = memberships.initiative(id).filter(|team| team.is_public())?;
    let ids = team
        .managers
        .keys()
        .flat_map(|manager| memberships.of_account(*manager).communities)
        .map(|community| community.id)
        .collect();
    Some(ids)
}

/// Communities `ids` as listed, in name order (ignoring case and accents).
pub fn in_name_order(
    directory: &CommunityDirectory,
    ids: &BTreeSet<CommunityId>,
) -> Vec<CommunitySummary> {
    let mut communities: Vec<CommunitySummary> = ids
        .iter()
        .filter_map(|c| directory.summary(&c.to_string()))
        .collect();
    communities.sort_by_cached_key(|c| projections::fold_text(&c.name));
    communities
}

/// Reads the communities' filters, ignoring parameters that are not filters.
pub fn parse_filter<'a>(
    parameters: impl IntoIterator<Item = (Cow<'a, str>, Cow<'a, str>)>,
) -> Result<CommunityFilter, Refusal> {
    let mut filter = CommunityFilter::default();
    for (key, value) in parameters {
        let key = key.as_ref();
        match key {
            "sector" => codes(
                &mut filter.sectors,
                key,
                &value,
                Sector::ALL,
                "a sector of the taxonomy",
            )?,
            "policy" => {
                filter.policy = Some(match value.as_ref() {
                    "open" => JoinPolicy::Open,
                    "moderated" => JoinPolicy::Moderated,
                    other => {
                        return Err(invalid(
                            key,
                            format!("policy must be `open` or `moderated` (got `{other}`)"),
                        ))
                    }
                })
            }
            "q" => filter.text = Some(listing::text(&value)?),
            _ => {}
        }
    }
    Ok(filter)
}
