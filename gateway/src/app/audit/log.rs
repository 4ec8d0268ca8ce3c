//! The global log for auditors, in feed order (the order every projection applied it): a page
//! of events matching a filter, with the cursor of the next page; or every matching event as a
//! stream of NDJSON lines (the export), read a batch at a time.

use futures::Stream;
use serde::Serialize;
use store::audit::{read_events, AuditFilter};
use store::chain::ChainedEvent;
use store::{Database, FeedPosition, StoreError};

use super::{cursor, open_read, Asked, EventsQuery};
use crate::access::Caller;
use crate::app::Refusal;
use crate::state::AppState;

/// Events read from the database per query while streaming: memory stays bounded whatever the
/// size of the log.
const STREAM_BATCH: usize = 1_000;

/// One page of the log.
#[derive(Debug)]
pub struct LogPage {
    /// In feed order.
    pub events: Vec<ChainedEvent>,
    /// The cursor of the next page (with the same filters); `None` when no more events match
    /// now.
    pub next_cursor: Option<String>,
}

/// The page of the log `query` asks for.
pub async fn page(
    state: &AppState,
    caller: &Caller,
    query: &EventsQuery,
    asked: Asked<'_>,
) -> Result<LogPage, Refusal> {
    open_read(state, caller, asked).await?;
    // One more than asked tells whether another page follows.
    let db = state.log.database();
    let mut events = read_events(db, &query.filter, query.after, query.limit + 1).await?;
    let more = events.len() > query.limit;
    events.truncate(query.limit);
    let next_cursor = events
        .last()
        .filter(|_| more)
        .map(|last| cursor::encode(last.feed_position(), &query.filter.digest()));
    Ok(LogPage {
        events,
        next_cursor,
    })
}

/// Permits and records an export of the log matching `query` (from its cursor; its limit does
/// not apply), then gives the stream of its lines: each event as `line` writes it, and a
/// newline. A failure after the first lines ends the stream with the error, so that the
/// adapter can cut the connection rather than deliver a complete-looking short export.
pub async fn export<V: Serialize>(
    state: &AppState,
    caller: &Caller,
    query: EventsQuery,
    asked: Asked<'_>,
    line: fn(&ChainedEvent) -> V,
) -> Result<impl Stream<Item = Result<Vec<u8>, StoreError>>, Refusal> {
    open_read(state, caller, asked).await?;
    Ok(lines(
        state.log.database().clone(),
        query.filter,
        query.after,
        line,
    ))
}

fn lines<V: Serialize>(
    db: Database,
    filter: AuditFilter,
    after: FeedPosition,
    line: fn(&ChainedEvent) -> V,
) -> impl Stream<Item = Result<Vec<u8>, StoreError>> {
    futures::stream::try_unfold(Some(after), move |next| {
        let db = db.clone();
        let filter = filter.clone();
        async move {
            let Some(after) = next else {
                return Ok(None);
            };
            let batch = read_events(&db, &filter, after, STREAM_BATCH).await?;
            let Some(last) = batch.last() else {
                return Ok(None);
            };
            let next = (batch.len() == STREAM_BATCH).then(|| last.feed_position());
            let mut text = Vec::with_capacity(batch.len() * 512);
            for event in &batch {
                serde_json::to_writer(&mut text, &line(event))
                    .map_err(|e| StoreError::Persistence(e.to_string()))?;
                text.push(b'\n');
            }
            Ok::<_, StoreError>(Some((text, next)))
        }
    })
}
