//! `GET /v1/publications` and `GET /v1/gatherings`: the library's lists (`app::library`).

use axum::extract::{RawQuery, State};
use projections::LibraryItem;
use utoipa_axum::routes;

use super::{parameters, read_query, AsOf, PageView, Paging};
use crate::access::{Access, ApiRoutes, Caller};
use crate::app::library::{self, LibraryQuery, DATES, FILTERS};
use crate::http::publications::views::PublicationView;
use crate::http::reading::ReadAt;
use crate::http::{ApiJson, ErrorBody, Refusal};
use crate::state::AppState;

pub fn routes() -> ApiRoutes {
    // One `routes!` per path: it puts its handlers on one path.
    ApiRoutes::new()
        .route(Access::Public, routes!(list_publications))
        .route(Access::Public, routes!(list_gatherings))
}

/// Publications, news and gatherings, newest submitted first. Everyone sees the approved ones;
/// their authors and moderators also see the submitted and rejected ones (each with its
/// `status`). Filters may be repeated or hold comma-separated values (any of them); different
/// filters must all hold.
#[utoipa::path(get, path = "/v1/publications", tag = "publications",
    params(
        ("kind" = Option<Vec<String>>, Query, explode = true,
            description = "`publication`, `news` or `gathering`"),
        ("language" = Option<Vec<String>>, Query, explode = true, description = "`es`, `pt` or `en`"),
        ("topic" = Option<Vec<String>>, Query, explode = true,
            description = "Publications' topic: `report_or_study`, `good_practice`, `methodology_or_tool`, `training_programme`"),
        ("format" = Option<Vec<String>>, Query, explode = true,
            description = "Gatherings' format: `training`, `workshop`, `webinar`, `conference`, `visit`"),
        ("q" = Option<String>, Query,
            description = "Words to find in title, summary or place, ignoring case and accents"),
        Paging, AsOf),
    responses(
        (status = 200, description = "A page of items", body = PageView<PublicationView>),
        (status = 400, description = "A filter, cursor or parameter is malformed or unknown", body = ErrorBody),
        (status = 403, description = "as_of or at_position by someone who is not an auditor or admin", body = ErrorBody),
        (status = 503, description = "min_position not reached in time", body = ErrorBody)))]
async fn list_publications(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(query): RawQuery,
    read_at: ReadAt,
) -> Result<ApiJson<PageView<PublicationView>>, Refusal> {
    let (query, page) = read_query(query.as_deref(), &[&FILTERS])?;
    let query = LibraryQuery {
        filter: library::parse_filter(parameters(&query))?,
        page,
        read_at,
    };
    let listed = library::list(&state, &caller, &query).await?;
    views(listed)
}

/// Gatherings: upcoming ones (not ended yet; the default) soonest first, past ones latest
/// first; the same visibility and filters as `GET /v1/publications`, and dates. Read as of a
/// past moment, "upcoming" means upcoming then.
#[utoipa::path(get, path = "/v1/gatherings", tag = "publications",
    params(
        ("when" = Option<String>, Query, description = "`upcoming` (default), `past` or `all`"),
        ("from" = Option<String>, Query, description = "Starting on or after this date (UTC), e.g. `2026-10-01`"),
        ("to" = Option<String>, Query, description = "Starting on or before this date (UTC)"),
        ("format" = Option<Vec<String>>, Query, explode = true,
            description = "`training`, `workshop`, `webinar`, `conference`, `visit`"),
        ("language" = Option<Vec<String>>, Query, explode = true, description = "`es`, `pt` or `en`"),
        ("q" = Option<String>, Query,
            description = "Words to find in title, summary or place, ignoring case and accents"),
        Paging, AsOf),
    responses(
        (status = 200, description = "A page of gatherings", body = PageView<PublicationView>),
        (status = 400, description = "A filter, date, cursor or parameter is malformed or unknown", body = ErrorBody),
        (status = 403, description = "as_of or at_position by someone who is not an auditor or admin", body = ErrorBody),
        (status = 503, description = "min_position not reached in time", body = ErrorBody)))]
async fn list_gatherings(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(query): RawQuery,
    read_at: ReadAt,
) -> Result<ApiJson<PageView<PublicationView>>, Refusal> {
    let (query, page) = read_query(query.as_deref(), &[&FILTERS, &DATES])?;
    let dates = library::parse_dates(parameters(&query))?;
    let mut filter = library::parse_filter(parameters(&query))?;
    filter.kinds = ["gathering".to_owned()].into();
    let query = LibraryQuery {
        filter,
        page,
        read_at,
    };
    let listed = library::gatherings(&state, &caller, &query, &dates).await?;
    views(listed)
}

fn views(
    listed: crate::app::listing::Listed<LibraryItem>,
) -> Result<ApiJson<PageView<PublicationView>>, Refusal> {
    let mut items = Vec::with_capacity(listed.items.len());
    for listed_item in &listed.items {
        let id = crate::http::publications::parse_id(&listed_item.id)?;
        items.push(PublicationView::of(
            id,
            &listed_item.item,
            listed_item.privileged,
        )?);
    }
    Ok(ApiJson(PageView {
        items,
        next_cursor: listed.next_cursor,
        total: listed.total,
    }))
}
