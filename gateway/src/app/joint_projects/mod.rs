//! Joint projects, as lists: the public ones (approved, active, completed) for everyone; those
//! not public yet also for moderators and for the managers of the initiatives involved (the
//! rule of `GET /v1/joint-projects/{id}`); and an initiative's own projects.

use std::borrow::Cow;
use std::collections::BTreeSet;

use domain::joint_project::ProjectStatus;
use domain::values::{CountryCode, InitiativeId, JointProjectId, Sector};
use projections::{ListedProject, ProjectFilter, ProjectViewer};

mod commands;
mod fields;
mod read;

pub use commands::{
    act, four_eyes, load, load_initiative, manages, not_found, parse_id, propose, Loaded,
    ProjectAction, PROPOSE,
};
pub use fields::{optional_reason, Content, ProjectFields};
pub use read::{
    candidates, history, initiative_name, is_public, openings, read, SeenProject, Step,
};

use super::listing::{self, codes, flag, Listed, PageRequest};
use super::map::{invalid, values};
use super::{ReadAt, Refusal};
use crate::access::Caller;
use crate::state::AppState;

/// The parameters [`parse_filter`] reads.
pub const FILTERS: [&str; 5] = ["state", "sector", "country", "open_call", "q"];

#[derive(Debug, Clone, PartialEq)]
pub struct ProjectQuery {
    pub filter: ProjectFilter,
    pub page: PageRequest,
    pub read_at: ReadAt,
}

/// Projects the query selects that the caller sees, newest proposed first.
pub async fn list(
    state: &AppState,
    caller: &Caller,
    query: &ProjectQuery,
) -> Result<Listed<ListedProject>, Refusal> {
    query.read_at.permit(caller)?;
    let viewer = viewer(state, caller).await?;
    let page = &query.page;
    query
        .read_at
        .read(state, &state.read.projects, |directory| {
            directory.list(&query.filter, &viewer, page.after.as_ref(), page.limit)
        })
        .await
        .map(Listed::from)
}

/// Project `raw_id` with its lead, partners and sectors, if the caller sees it (the rule of
/// `GET /v1/joint-projects/{id}`); not found otherwise, as if it did not exist.
pub async fn project(
    state: &AppState,
    caller: &Caller,
    raw_id: &str,
) -> Result<ListedProject, Refusal> {
    let id = raw_id
        .parse::<JointProjectId>()
        .map_err(|e| Refusal::invalid(vec![e.in_field("id")]))?;
    let viewer = viewer(state, caller).await?;
    ReadAt::LIVE
        .read(state, &state.read.projects, |directory| {
            directory.project(&id.to_string(), &viewer)
        })
        .await?
        .ok_or_else(|| Refusal::NotFound(format!("there is no joint project {id}")))
}

/// The projects initiative `id` leads or has joined, that the caller sees. Live only (see
/// `communities::of_initiative`).
pub async fn of_initiative(
    state: &AppState,
    caller: &Caller,
    id: InitiativeId,
    page: PageRequest,
    read_at: ReadAt,
) -> Result<Listed<ListedProject>, Refusal> {
    let public = read_at
        .read(state, &state.read.memberships, |m| {
            m.initiative(id).is_some_and(|team| team.is_public())
        })
        .await?;
    if !public {
        return Err(Refusal::NotFound(format!("there is no initiative {id}")));
    }
    let query = ProjectQuery {
        filter: ProjectFilter {
            initiative: Some(id),
            ..ProjectFilter::default()
        },
        page,
        read_at,
    };
    list(state, caller, &query).await
}

/// Who reads, with the initiatives they manage (from the membership model).
pub async fn viewer(state: &AppState, caller: &Caller) -> Result<ProjectViewer, Refusal> {
    let Some(actor) = caller.actor() else {
        return Ok(ProjectViewer::default());
    };
    let manages: BTreeSet<InitiativeId> = ReadAt::LIVE
        .read(state, &state.read.memberships, |m| {
            m.of_account(actor.account)
                .initiatives
                .into_iter()
                .map(|i| i.id)
                .collect()
        })
        .await?;
    Ok(ProjectViewer {
        moderator: actor.is_moderator(),
        manages,
    })
}

/// Reads the projects' filters, ignoring parameters that are not filters.
pub fn parse_filter<'a>(
    parameters: impl IntoIterator<Item = (Cow<'a, str>, Cow<'a, str>)>,
) -> Result<ProjectFilter, Refusal> {
    let mut filter = ProjectFilter::default();
    for (key, value) in parameters {
        let key = key.as_ref();
        match key {
            "state" => codes(
                &mut filter.states,
                key,
                &value,
                ProjectStatus::ALL,
                "a project state",
            )?,
            "sector" => codes(
                &mut filter.sectors,
                key,
                &value,
                Sector::ALL,
                "a sector of the taxonomy",
            )?,
            "country" => {
                for code in values(key, &value)? {
                    let country = CountryCode::new(code).map_err(|e| invalid(key, e.message))?;
                    filter.countries.insert(country);
                }
            }
            "open_call" => filter.open_call = Some(flag(key, &value)?),
            "q" => filter.text = Some(listing::text(&value)?),
            _ => {}
        }
    }
    Ok(filter)
}
