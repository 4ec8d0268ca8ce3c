//! The audit API (`/v1/audit/…`): auditors and admins read the log, streams' histories, the
//! comparison of a projection with its rebuild and the verification of the hash chains. It is
//! read-only, and every read is recorded before it is answered. The use cases are
//! `app::audit`'s, shared with the console's audit pages. See docs/audit.md.
//!
//! * [`events`]: the global log, filtered, paged with cursors or streamed as NDJSON.
//! * [`streams`]: one stream's history with the aggregate's state after each event.
//! * [`projections`]: a projection rebuilt from scratch beside the live one, compared.
//! * [`verify`]: both hash chains recomputed over the whole log.

pub mod events;
mod projections;
mod streams;
mod verify;
pub mod view;

use utoipa_axum::routes;

use crate::access::{Access, ApiRoutes};

pub fn routes() -> ApiRoutes {
    ApiRoutes::new()
        .route(Access::AUDITORS, routes!(events::audit_events))
        .route(Access::AUDITORS, routes!(streams::audit_stream))
        .route(Access::AUDITORS, routes!(projections::verify_projection))
        .route(Access::AUDITORS, routes!(verify::verify_log))
}
