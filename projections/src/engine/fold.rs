//! One-off folds of a single projection up to a point: as-of reads and verification.

use store::{Feed, FeedPosition, HistoryBound, ProjectionHistory, StoreError};

use super::read_ahead::ReadAhead;
use super::{EngineBuilder, Projection, ProjectionHandle, Restoring, Until};

/// Folds a fresh `P` up to `until`, then settles it ([`Projection::settle`]): the read model as
/// it was then (as-of queries, verification). With `history`, the fold starts from the newest
/// saved place before `until` (see [`HistoryKeeper`]); without, from the start of the feed, as
/// verification must. Fails if the projection cannot apply an event on the way.
pub async fn fold<P: Projection>(
    feed: &Feed,
    history: Option<&ProjectionHistory>,
    until: Until,
) -> Result<(ProjectionHandle<P>, FeedPosition), FoldError> {
    let mut builder = EngineBuilder::new(feed.clone());
    let handle = builder.add::<P>();
    let engine = builder.build();
    let bound = match until {
        Until::Head => None,
        Until::Position(at) => Some(HistoryBound::Position(at)),
        Until::RecordedBy(time) => Some(HistoryBound::RecordedBy(time)),
    };
    let started = std::time::Instant::now();
    let from_place = match (history, bound) {
        (Some(history), Some(bound)) => {
            restore_with_events_after(&engine, history, P::NAME, P::SNAPSHOT_VERSION, bound, until)
                .await?
        }
        _ => None,
    };
    let folding = std::time::Instant::now();
    let mut events = 0;
    let counting = |progress: super::Progress| events = progress.events_read;
    let at = match from_place {
        Some((reading, place)) => engine.apply_read(reading, place, counting).await?,
        None => engine.run_until(until, counting).await?,
    };
    tracing::debug!(
        projection = P::NAME,
        events,
        folded_ms = folding.elapsed().as_secs_f64() * 1e3,
        total_ms = started.elapsed().as_secs_f64() * 1e3,
        "as-of fold done"
    );
    if let Some(reason) = handle.status().failed {
        return Err(FoldError::Failed(reason));
    }
    let settling = std::time::Instant::now();
    handle.settle();
    tracing::debug!(
        projection = P::NAME,
        settled_ms = settling.elapsed().as_secs_f64() * 1e3,
        "as-of model settled"
    );
    Ok((handle, at))
}

/// How many batches of the feed after a place are read while the place is restored: the whole
/// of a default interval (50,000 events in batches of 10,000), so that reading them costs the
/// fold nothing.
const READ_WHILE_RESTORING: usize = 5;

/// Restores the newest place of the history before `bound` into the engine's one projection,
/// reading the feed after it meanwhile; the reading and the place, or `None` when there is no
/// such place or it cannot be read (the fold then starts from the start of the feed).
async fn restore_with_events_after(
    engine: &super::Engine,
    history: &ProjectionHistory,
    name: &'static str,
    version: i32,
    bound: HistoryBound,
    until: Until,
) -> Result<Option<(ReadAhead, FeedPosition)>, StoreError> {
    let started = std::time::Instant::now();
    let Some(found) = history.find(name, version, bound).await? else {
        return Ok(None);
    };
    let place = found.position();
    let reading = engine.read_ahead(place, until, READ_WHILE_RESTORING);
    let entry = history.read(found).await?;
    tracing::debug!(
        projection = name,
        fetched_ms = started.elapsed().as_secs_f64() * 1e3,
        "history entry read"
    );
    let runner = engine.runners[0].clone();
    let restored =
        tokio::task::spawn_blocking(move || runner.restore(entry.snapshot, Restoring::ForOneRead))
            .await
            .unwrap_or_else(|e| Err(e.to_string()));
    match restored {
        Ok(true) => Ok(Some((reading, place))),
        Ok(false) => Ok(None),
        Err(reason) => {
            // The model is untouched when reading fails: the fold starts from the start.
            tracing::warn!(projection = name, at = %place, %reason, "unreadable history; folding from the start");
            Ok(None)
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum FoldError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the projection stopped: {0}")]
    Failed(String),
}
