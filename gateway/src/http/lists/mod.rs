//! The JSON adapters of the lists and the search (`app::library`, `app::communities`,
//! `app::joint_projects`, `app::search`): each reads its query string, refusing parameters it
//! does not know, calls its use case, and answers a page as `{items, next_cursor, total}`.
//!
//! Every list pages by an opaque `cursor` (the `next_cursor` of the previous page) in a stable
//! order, so that paging while others write neither repeats nor skips an item; `limit` is 1 to
//! 100 (default 20).

mod communities;
mod joint_projects;
mod library;
mod search;

use serde::Serialize;
use utoipa::{IntoParams, ToSchema};

pub(super) use super::map::refuse_unknown_parameters;
use super::Refusal;
use crate::access::ApiRoutes;
use crate::app::listing::{Listed, PageRequest, PAGING};

pub fn routes() -> ApiRoutes {
    ApiRoutes::new()
        .merge(library::routes())
        .merge(communities::routes())
        .merge(joint_projects::routes())
        .merge(search::routes())
}

/// The paging parameters of every list, documented once for the OpenAPI document; the query
/// string itself is read by `read_query` (which refuses parameters a list does not know).
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // Never built: it only describes the query string.
struct Paging {
    /// `next_cursor` of the previous page
    cursor: Option<String>,
    /// 1 to 100 items (default 20)
    #[param(minimum = 1, maximum = 100)]
    limit: Option<usize>,
    /// Wait until the read models have applied this feed position
    min_position: Option<i64>,
}

/// The past a list may be read at, by auditors and admins (read by the `ReadAt` extractor).
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // Never built: it only describes the query string.
struct AsOf {
    /// Auditors and admins: the list as of this RFC 3339 time
    as_of: Option<String>,
    /// Auditors and admins: the list as of this feed position
    at_position: Option<i64>,
}

/// A page of a list, as every list answers it.
#[derive(Serialize, ToSchema)]
pub struct PageView<T: ToSchema> {
    pub items: Vec<T>,
    /// Send it back as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
    /// How many items the whole selection holds.
    pub total: usize,
}

impl<T: ToSchema> PageView<T> {
    fn of<U>(listed: Listed<U>, view: impl FnMut(U) -> T) -> Self {
        let listed = listed.map(view);
        Self {
            items: listed.items,
            next_cursor: listed.next_cursor,
            total: listed.total,
        }
    }
}

/// The query string's parameters, once checked against `accepted` (filters; paging is always
/// accepted) and read for paging.
fn read_query(query: Option<&str>, accepted: &[&[&str]]) -> Result<(String, PageRequest), Refusal> {
    let query = query.unwrap_or_default().to_owned();
    let accepted: Vec<&str> = accepted
        .iter()
        .flat_map(|names| names.iter().copied())
        .chain(PAGING)
        .collect();
    refuse_unknown_parameters(&query, &accepted)?;
    let page = PageRequest::parse(parameters(&query))?;
    Ok((query, page))
}

fn parameters(query: &str) -> form_urlencoded::Parse<'_> {
    form_urlencoded::parse(query.as_bytes())
}
