//! Publications, news and gatherings: any member submits one, a moderator approves or rejects
//! it, its author edits it (before approval) or withdraws it; and the iCalendar of gatherings.
//!
//! Approved items are public. Submitted, rejected and withdrawn ones are shown only to their
//! author and to moderators; anyone else is told there is no such item (404), the same answer
//! as for an id that was never used (`app::library::read`). Author-only commands on an item the
//! caller may not see answer 404 too.

mod calendar;
mod commands;
mod requests;
pub(super) mod views;

use axum::extract::{Path, State};
use axum::http::{HeaderName, HeaderValue};
use utoipa_axum::routes;

use super::command::etag;
use super::{ApiJson, ErrorBody, Refusal};
use crate::access::{Access, ApiRoutes, Caller};
use crate::app::library;
use crate::app::library::load_visible;
pub(super) use crate::app::library::parse_id;
use crate::state::AppState;
use views::PublicationView;

pub fn routes() -> ApiRoutes {
    ApiRoutes::new()
        .route(Access::Public, routes!(read))
        .merge(commands::routes())
        .merge(calendar::routes())
}

/// One publication, news item or gathering, with its version in `ETag`.
#[utoipa::path(get, path = "/v1/publications/{id}", tag = "publications",
    security((), ("bearer" = [])),
    params(("id" = String, Path, format = Uuid, description = "Publication id")),
    responses(
        (status = 200, description = "The item; `ETag` holds its version", body = PublicationView),
        (status = 400, description = "The id is not a UUID", body = ErrorBody),
        (status = 404, description = "No such item, or not public and the caller is neither \
            its author nor a moderator", body = ErrorBody)))]
async fn read(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<([(HeaderName, HeaderValue); 1], ApiJson<PublicationView>), Refusal> {
    let seen = library::read(&state, &caller, &id).await?;
    let view = PublicationView::of(seen.id, &seen.item, seen.privileged)?;
    Ok((etag(seen.version), ApiJson(view)))
}
