//! Publications, news and gatherings: any member submits one, a moderator approves or rejects
//! it, its author edits it (before approval) or withdraws it; and the iCalendar of gatherings.
//!
//! Approved items are public. Submitted, rejected and withdrawn ones are shown only to their
//! author and to moderators; anyone else is told there is no such item (404), the same answer
//! as for an id that was never used, so that nothing reveals what is waiting for moderation or
//! was taken down. Author-only commands on an item the caller may not see answer 404 too.

mod calendar;
mod commands;
mod requests;
pub(super) mod views;

use axum::extract::{Path, State};
use axum::http::{HeaderName, HeaderValue};
use domain::publication::Publication;
use domain::values::PublicationId;
use utoipa_axum::routes;

use super::command::etag;
use super::{ApiJson, ErrorBody, Refusal};
use crate::access::{Access, ApiRoutes, Caller};
use crate::app::publishing;
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
    let id = parse_id(&id)?;
    let (item, version) = load_visible(&state, id, &caller).await?;
    let view = PublicationView::of(id, &item, is_privileged(&item, &caller))?;
    Ok((etag(version), ApiJson(view)))
}

pub(super) fn parse_id(raw: &str) -> Result<PublicationId, Refusal> {
    raw.parse::<PublicationId>()
        .map_err(|e| Refusal::invalid(vec![e.in_field("id")]))
}

/// The item and its version, if it exists and `caller` may see it; 404 otherwise.
async fn load_visible(
    state: &AppState,
    id: PublicationId,
    caller: &Caller,
) -> Result<(Publication, usize), Refusal> {
    publishing::read(state, caller, id).await
}

fn is_privileged(item: &Publication, caller: &Caller) -> bool {
    publishing::is_privileged(item, caller)
}
