//! `GET /v1/gatherings.ics`: approved gatherings that have not ended, as an iCalendar
//! (RFC 5545) that calendar applications can subscribe to.
//!
//! The use case and the RFC 5545 text are `app::calendar`'s, shared with the web console.

use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};

use crate::access::{Access, ApiRoutes};
use crate::app::calendar;
use crate::http::reading::ReadAt;
use crate::http::Refusal;
use crate::state::AppState;

pub fn routes() -> ApiRoutes {
    ApiRoutes::new().route(Access::Public, utoipa_axum::routes!(gatherings_calendar))
}

/// Approved gatherings that have not ended yet, as an iCalendar to subscribe to. Times are in
/// UTC, which every client shows in its own zone; each gathering's own time zone is in its JSON.
#[utoipa::path(get, path = "/v1/gatherings.ics", tag = "publications",
    responses(
        (status = 200, description = "An iCalendar (RFC 5545) of upcoming approved gatherings",
            content_type = "text/calendar", body = String)))]
async fn gatherings_calendar(
    State(state): State<AppState>,
    read_at: ReadAt,
) -> Result<Response, Refusal> {
    let entries = calendar::upcoming(&state, &read_at).await?;
    let body = calendar::render(&entries);
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/calendar; charset=utf-8"),
        )],
        body,
    )
        .into_response())
}
