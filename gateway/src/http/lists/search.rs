//! `GET /v1/search?q=`: one search across initiatives, publications, communities and joint
//! projects (`app::search`).

use axum::extract::{RawQuery, State};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::routes;

use super::{read_query, PageView, Paging};
use crate::access::{Access, ApiRoutes, Caller};
use crate::app::listing::text;
use crate::app::search::{self, Hit};
use crate::http::reading::ReadAt;
use crate::http::{ApiJson, ErrorBody, Refusal};
use crate::state::AppState;

pub fn routes() -> ApiRoutes {
    ApiRoutes::new().route(Access::Public, routes!(search_everything))
}

/// One record found.
#[derive(Serialize, ToSchema)]
pub struct SearchHit {
    /// `initiative`, `publication`, `news`, `gathering`, `community` or `joint_project`.
    kind: &'static str,
    #[schema(format = Uuid)]
    id: String,
    /// Its name or title.
    title: String,
    /// Where the API answers it.
    link: String,
    /// How many of the query's words its name or title holds: what ranks it first.
    score: usize,
}

impl From<Hit> for SearchHit {
    fn from(hit: Hit) -> Self {
        Self {
            kind: hit.kind.as_str(),
            id: hit.id,
            title: hit.title,
            link: hit.link,
            score: hit.score,
        }
    }
}

/// Everything the caller may see whose texts hold every word of `q` (ignoring case and accents:
/// `cluster` finds "Clúster", `nunoa` "Ñuñoa", `sao` "São"), best first: records whose name or
/// title holds more of the words, then by kind and title. It reads several models at once, so
/// it answers live only (`min_position` waits for a write; `as_of` and `at_position` are
/// refused), as the per-initiative lists do.
#[utoipa::path(get, path = "/v1/search", tag = "search",
    params(
        ("q" = String, Query, description = "Words to find"),
        Paging),
    responses(
        (status = 200, description = "A page of hits", body = PageView<SearchHit>),
        (status = 400, description = "q is missing or holds no word, a parameter is malformed or unknown, or as_of or at_position was sent (the search is live only)", body = ErrorBody),
        (status = 503, description = "min_position not reached in time", body = ErrorBody)))]
async fn search_everything(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(query): RawQuery,
) -> Result<ApiJson<PageView<SearchHit>>, Refusal> {
    let (query, page) = read_query(query.as_deref(), &[&["q"]])?;
    let q = form_urlencoded::parse(query.as_bytes())
        .find(|(key, _)| key == "q")
        .map(|(_, value)| value.into_owned())
        .ok_or_else(|| Refusal::invalid_input("send q: the words to search for"))?;
    let read_at = ReadAt::parse_live(&query, search::LIVE_ONLY)?;
    let hits = search::search(&state, &caller, &text(&q)?, &page, &read_at).await?;
    Ok(ApiJson(PageView::of(hits, SearchHit::from)))
}
