//! Consistent reads: read-your-writes and as-of.
//!
//! * A command's answer carries [`WrittenAt`]; [`read_your_writes`] holds it until this
//!   instance's read models have applied that event (bounded by `read_wait_ms`), so a client that
//!   writes and then reads sees its write.
//! * A read may send `?min_position=N` (the `position` a write answered, perhaps on another
//!   instance): it waits until the read models have reached it, and answers 503 with
//!   `Retry-After` when they have not within the bound.
//! * Auditors and admins may send `?as_of=<RFC 3339 time>` or `?at_position=N`: the answer is
//!   folded afresh from the start of the feed up to that point (DESIGN §3, as-of). What a
//!   read answers from is the use cases' [`ReadAt`] (`app::read_at`); here it is read from the
//!   query string.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::Response;
use store::FeedPosition;

use super::Refusal;
use crate::access::Caller;
pub use crate::app::read_at::{parse_limit, parse_position};
pub use crate::app::ReadAt;
use crate::state::AppState;

/// The query parameters this module reads; a read's own filters must leave them alone.
pub const READ_AT_PARAMETERS: [&str; 3] = ["min_position", "as_of", "at_position"];

/// Marks a response as the answer to a write whose last event is at this place in the feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WrittenAt(pub FeedPosition);

/// Holds a write's answer until this instance's read models have applied the write (the
/// innermost of the API's layers, [`super::layers`]).
pub async fn read_your_writes(state: &AppState, mut response: Response) -> Response {
    if let Some(WrittenAt(at)) = response.extensions().get::<WrittenAt>().copied() {
        let waiting = std::time::Instant::now();
        if !state.engine.wait_for(at, state.read_wait).await {
            // The write is committed and must be acknowledged; the client can still wait with
            // `min_position`.
            tracing::warn!(%at, "answering a write before the read models reached it");
        }
        response
            .extensions_mut()
            .insert(crate::metrics::ReadYourWritesWait(waiting.elapsed()));
    }
    response
}

impl<S: Send + Sync> FromRequestParts<S> for ReadAt {
    type Rejection = Refusal;

    /// Parses the parameters; a historical read by anyone but an auditor or admin is refused.
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Refusal> {
        let read_at = Self::parse(parts.uri.query().unwrap_or_default())?;
        if read_at.is_historical() {
            read_at.permit(&Caller::from_request_parts(parts, state).await?)?;
        }
        Ok(read_at)
    }
}
