//! One-off folds of a single projection up to a point: as-of reads and verification.

use store::{Feed, FeedPosition, HistoryBound, ProjectionHistory, StoreError};

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
    if let (Some(history), Some(bound)) = (history, bound) {
        if let Some(entry) = history.before(P::NAME, P::SNAPSHOT_VERSION, bound).await? {
            tracing::debug!(
                projection = P::NAME,
                fetched_ms = started.elapsed().as_secs_f64() * 1e3,
                "history entry read"
            );
            let runner = engine.runners[0].clone();
            let at = entry.snapshot.position;
            let restored = tokio::task::spawn_blocking(move || {
                runner.restore(entry.snapshot, Restoring::ForOneRead)
            })
            .await
            .unwrap_or_else(|e| Err(e.to_string()));
            if let Err(reason) = restored {
                // The model is untouched when reading fails: the fold starts from the start.
                tracing::warn!(projection = P::NAME, %at, %reason, "unreadable history; folding from the start");
            }
        }
    }
    let folding = std::time::Instant::now();
    let mut events = 0;
    let at = engine
        .run_until(until, |progress| events = progress.events_read)
        .await?;
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

#[derive(Debug, thiserror::Error)]
pub enum FoldError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the projection stopped: {0}")]
    Failed(String),
}
