//! `GET /v1/joint-projects` and `GET /v1/initiatives/{id}/joint-projects`
//! (`app::joint_projects`).

use axum::extract::{Path, RawQuery, State};
use chrono::{DateTime, Utc};
use domain::values::InitiativeId;
use projections::{InitiativeRef, ListedProject};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::routes;

use super::{parameters, read_query, AsOf, PageView, Paging};
use crate::access::{Access, ApiRoutes, Caller};
use crate::app::codes::code_of;
use crate::app::joint_projects::{self, ProjectQuery, FILTERS};
use crate::http::reading::ReadAt;
use crate::http::{ApiJson, ErrorBody, Refusal};
use crate::state::AppState;

pub fn routes() -> ApiRoutes {
    ApiRoutes::new()
        .route(Access::Public, routes!(list_projects))
        .route(Access::Public, routes!(projects_of_initiative))
}

/// An initiative a project names.
#[derive(Serialize, ToSchema)]
pub struct InitiativeLink {
    #[schema(value_type = String, format = Uuid)]
    id: InitiativeId,
    name: Option<String>,
    /// ISO 3166-1 alpha-2.
    country: Option<String>,
}

impl From<InitiativeRef> for InitiativeLink {
    fn from(i: InitiativeRef) -> Self {
        Self {
            id: i.id,
            name: i.name,
            country: i.country.map(|c| c.as_str().to_owned()),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct PartnerLink {
    #[serde(flatten)]
    initiative: InitiativeLink,
    /// `invited`, `accepted` or `declined` (the public sees accepted partners only).
    invitation: &'static str,
}

/// One joint project in a list.
#[derive(Serialize, ToSchema)]
pub struct ProjectItem {
    #[schema(format = Uuid)]
    id: String,
    title: String,
    description: String,
    /// `approved`, `active`, `completed` (public), or `proposed`, `under_review`, `rejected`,
    /// `withdrawn` (moderators and the managers involved).
    state: String,
    lead: InitiativeLink,
    partners: Vec<PartnerLink>,
    sectors: Vec<String>,
    /// Of the lead and the accepted partners.
    countries: Vec<String>,
    /// Whether other initiatives may express interest in joining.
    open_call: bool,
    proposed_at: DateTime<Utc>,
    link: String,
}

impl From<ListedProject> for ProjectItem {
    fn from(p: ListedProject) -> Self {
        Self {
            link: format!("/v1/joint-projects/{}", p.id),
            id: p.id,
            title: p.title,
            description: p.description,
            state: code_of(&p.status),
            lead: p.lead.into(),
            partners: p
                .partners
                .into_iter()
                .map(|partner| PartnerLink {
                    initiative: partner.initiative.into(),
                    invitation: partner.invitation.as_str(),
                })
                .collect(),
            sectors: p.sectors.iter().map(|s| s.code().to_owned()).collect(),
            countries: p.countries.iter().map(|c| c.as_str().to_owned()).collect(),
            open_call: p.call_open,
            proposed_at: p.proposed_at,
        }
    }
}

/// Joint projects, newest proposed first. Everyone sees the approved, active and completed ones;
/// moderators and the managers of the initiatives involved also see the others. Filters may be
/// repeated or hold comma-separated values (any of them); different filters must all hold.
#[utoipa::path(get, path = "/v1/joint-projects", tag = "joint-projects",
    params(
        ("state" = Option<Vec<String>>, Query, explode = true, description = "e.g. `active`"),
        ("sector" = Option<Vec<String>>, Query, explode = true, description = "Projects with any of these sectors"),
        ("country" = Option<Vec<String>>, Query, explode = true, description = "Projects whose lead or an accepted partner is in one of these countries (ISO 3166-1 alpha-2)"),
        ("open_call" = Option<bool>, Query, description = "`true`: only projects with an open call for partners"),
        ("q" = Option<String>, Query, description = "Words to find in title or description, ignoring case and accents"),
        Paging, AsOf),
    responses(
        (status = 200, description = "A page of joint projects", body = PageView<ProjectItem>),
        (status = 400, description = "A filter, cursor or parameter is malformed or unknown", body = ErrorBody),
        (status = 403, description = "as_of or at_position by someone who is not an auditor or admin", body = ErrorBody),
        (status = 503, description = "min_position not reached in time", body = ErrorBody)))]
async fn list_projects(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(query): RawQuery,
    read_at: ReadAt,
) -> Result<ApiJson<PageView<ProjectItem>>, Refusal> {
    let (query, page) = read_query(query.as_deref(), &[&FILTERS])?;
    let query = ProjectQuery {
        filter: joint_projects::parse_filter(parameters(&query))?,
        page,
        read_at,
    };
    let listed = joint_projects::list(&state, &caller, &query).await?;
    Ok(ApiJson(PageView::of(listed, ProjectItem::from)))
}

/// The joint projects an initiative leads or has joined, newest proposed first, as the caller
/// may see them.
#[utoipa::path(get, path = "/v1/initiatives/{id}/joint-projects", tag = "initiatives",
    params(
        ("id" = String, Path, format = Uuid, description = "Initiative id"),
        Paging),
    responses(
        (status = 200, description = "A page of joint projects", body = PageView<ProjectItem>),
        (status = 400, description = "The id, cursor or a parameter is malformed or unknown", body = ErrorBody),
        (status = 404, description = "No such public initiative", body = ErrorBody)))]
async fn projects_of_initiative(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<ApiJson<PageView<ProjectItem>>, Refusal> {
    let id = crate::http::communities::path_id(&id, "id")?;
    let (query, page) = read_query(query.as_deref(), &[])?;
    let read_at = ReadAt::parse_live(&query, "an initiative's joint projects are read live")?;
    let listed = joint_projects::of_initiative(&state, &caller, id, page, read_at).await?;
    Ok(ApiJson(PageView::of(listed, ProjectItem::from)))
}
