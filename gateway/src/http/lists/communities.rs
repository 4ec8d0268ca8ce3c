//! `GET /v1/communities`, `GET /v1/communities/{id}/threads` and
//! `GET /v1/initiatives/{id}/communities` (`app::communities`).

use axum::extract::{Path, RawQuery, State};
use chrono::{DateTime, Utc};
use domain::community::{JoinPolicy, Theme};
use projections::{CommunitySummary, ThreadSummary};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::routes;

use super::{parameters, read_query, AsOf, PageView, Paging};
use crate::access::{Access, ApiRoutes, Caller};
use crate::app::communities::{self, CommunityQuery, FILTERS};
use crate::http::communities::path_id;
use crate::http::reading::ReadAt;
use crate::http::{ApiJson, ErrorBody, Refusal};
use crate::state::AppState;

pub fn routes() -> ApiRoutes {
    ApiRoutes::new()
        .route(Access::Public, routes!(list_communities))
        .route(Access::Public, routes!(list_threads))
        .route(Access::Public, routes!(communities_of_initiative))
}

/// One community in a list.
#[derive(Serialize, ToSchema)]
pub struct CommunityItem {
    #[schema(format = Uuid)]
    id: String,
    name: String,
    /// A sector code of the taxonomy, when the theme is a sector.
    #[serde(skip_serializing_if = "Option::is_none")]
    sector: Option<&'static str>,
    /// A topic in words, when no sector fits.
    #[serde(skip_serializing_if = "Option::is_none")]
    topic: Option<String>,
    /// `open` or `moderated`.
    join_policy: &'static str,
    member_count: usize,
    thread_count: usize,
    created_at: DateTime<Utc>,
    /// Its creation, or the newest post in it.
    latest_activity: DateTime<Utc>,
    /// Where the API answers it.
    link: String,
}

impl From<CommunitySummary> for CommunityItem {
    fn from(c: CommunitySummary) -> Self {
        let (sector, topic) = match c.theme {
            Theme::Sector(sector) => (Some(sector.code()), None),
            Theme::Topic(topic) => (None, Some(topic.to_string())),
        };
        Self {
            link: format!("/v1/communities/{}", c.id),
            id: c.id,
            name: c.name,
            sector,
            topic,
            join_policy: match c.join_policy {
                JoinPolicy::Open => "open",
                JoinPolicy::Moderated => "moderated",
            },
            member_count: c.members,
            thread_count: c.threads,
            created_at: c.created_at,
            latest_activity: c.latest_activity,
        }
    }
}

/// One thread in a community's list.
#[derive(Serialize, ToSchema)]
pub struct ThreadItem {
    #[schema(format = Uuid)]
    id: String,
    title: String,
    /// The account that started it (people's names are personal data, shown on their own).
    #[schema(format = Uuid)]
    started_by: String,
    started_at: DateTime<Utc>,
    /// Visible replies (the opening post, hidden and deleted posts are not counted).
    reply_count: usize,
    /// When the newest visible post was written.
    last_activity: DateTime<Utc>,
    link: String,
}

impl From<ThreadSummary> for ThreadItem {
    fn from(t: ThreadSummary) -> Self {
        Self {
            link: format!("/v1/threads/{}", t.id),
            id: t.id,
            title: t.title,
            started_by: t.started_by.to_string(),
            started_at: t.started_at,
            reply_count: t.replies,
            last_activity: t.last_activity,
        }
    }
}

/// Communities of practice, in name order (ignoring case and accents). `sector` may be repeated
/// or hold comma-separated codes (any of them).
#[utoipa::path(get, path = "/v1/communities", tag = "communities",
    params(
        ("sector" = Option<Vec<String>>, Query, explode = true, description = "Communities whose theme is one of these sectors"),
        ("policy" = Option<String>, Query, description = "`open` or `moderated`"),
        ("q" = Option<String>, Query, description = "Words to find in name or theme, ignoring case and accents"),
        Paging, AsOf),
    responses(
        (status = 200, description = "A page of communities", body = PageView<CommunityItem>),
        (status = 400, description = "A filter, cursor or parameter is malformed or unknown", body = ErrorBody),
        (status = 403, description = "as_of or at_position by someone who is not an auditor or admin", body = ErrorBody),
        (status = 503, description = "min_position not reached in time", body = ErrorBody)))]
async fn list_communities(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(query): RawQuery,
    read_at: ReadAt,
) -> Result<ApiJson<PageView<CommunityItem>>, Refusal> {
    let (query, page) = read_query(query.as_deref(), &[&FILTERS])?;
    let query = CommunityQuery {
        filter: communities::parse_filter(parameters(&query))?,
        page,
        read_at,
    };
    let listed = communities::list(&state, &caller, &query).await?;
    Ok(ApiJson(PageView::of(listed, CommunityItem::from)))
}

/// A community's threads, newest started first.
#[utoipa::path(get, path = "/v1/communities/{id}/threads", tag = "communities",
    params(
        ("id" = String, Path, format = Uuid, description = "Community id"),
        Paging, AsOf),
    responses(
        (status = 200, description = "A page of threads", body = PageView<ThreadItem>),
        (status = 400, description = "The id, cursor or a parameter is malformed or unknown", body = ErrorBody),
        (status = 404, description = "No such community", body = ErrorBody),
        (status = 503, description = "min_position not reached in time", body = ErrorBody)))]
async fn list_threads(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
    read_at: ReadAt,
) -> Result<ApiJson<PageView<ThreadItem>>, Refusal> {
    let id = path_id(&id, "id")?;
    let (_, page) = read_query(query.as_deref(), &[])?;
    let listed = communities::threads(&state, &caller, id, &page, &read_at).await?;
    Ok(ApiJson(PageView::of(listed, ThreadItem::from)))
}

/// The communities an initiative takes part in: those its managers belong to, in name order.
#[utoipa::path(get, path = "/v1/initiatives/{id}/communities", tag = "initiatives",
    params(("id" = String, Path, format = Uuid, description = "Initiative id"),
        ("min_position" = Option<i64>, Query, description = "Wait until the read models have applied this feed position")),
    responses(
        (status = 200, description = "Its communities", body = Vec<CommunityItem>),
        (status = 400, description = "The id is not a UUID, or a parameter was sent", body = ErrorBody),
        (status = 404, description = "No such public initiative", body = ErrorBody)))]
async fn communities_of_initiative(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<ApiJson<Vec<CommunityItem>>, Refusal> {
    let id = path_id(&id, "id")?;
    let query = query.unwrap_or_default();
    super::refuse_unknown_parameters(&query, &[])?;
    let read_at = ReadAt::parse_live(&query, "an initiative's communities are read live")?;
    let found = communities::of_initiative(&state, id, &read_at).await?;
    Ok(ApiJson(
        found.into_iter().map(CommunityItem::from).collect(),
    ))
}
