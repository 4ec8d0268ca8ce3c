//! The engine's background task.

use std::time::{Duration, Instant};

use super::{Engine, Until};

/// The engine's life: restore (when asked), catch up, tail. Holds the engine only weakly between
/// batches, so dropping the last handle ends it.
pub(super) async fn tail(engine: std::sync::Weak<Engine>, restore: bool) {
    let Some(first) = engine.upgrade() else {
        return;
    };
    if restore {
        loop {
            match first.restore().await {
                Ok(summary) => {
                    tracing::info!(restored = ?summary.restored, rebuilding = ?summary.rebuilding, "projections restored");
                    break;
                }
                Err(error) => {
                    tracing::warn!(%error, "cannot read projection snapshots; retrying");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }
    }
    let started = Instant::now();
    let before = first.lowest_checkpoint();
    let caught_up_at = loop {
        match first.run_until(Until::Head, |_| {}).await {
            Ok(at) => break at,
            Err(error) => {
                tracing::warn!(%error, "feed read failed while catching up; retrying");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    };
    tracing::info!(from = %before, to = %caught_up_at, elapsed_ms = started.elapsed().as_millis() as u64, "projections caught up");
    let mut reader = first
        .feed
        .reader(first.lowest_checkpoint(), first.settings.batch_size);
    if !first.idle {
        // This process's commits were applied as they were made (`committed`): the tail need
        // not read them back.
        reader = reader.passing_over(first.reached.subscribe());
    }
    let batch_size = first.settings.batch_size;
    drop(first);
    // Snapshots are not saved here: serialising a live model holds its lock, which would stall
    // this tail and the readers queued behind it. The history keeper saves them from models of
    // its own (see `history`), and a graceful stop saves them once no request is served.
    loop {
        let Some(engine) = engine.upgrade() else {
            return;
        };
        let batch = match reader
            .next_raw_batch_within(Duration::from_millis(500))
            .await
        {
            Ok(batch) => batch,
            Err(error) => {
                // A read error is transient (a database restart): retry after a pause.
                tracing::warn!(%error, "feed read failed; retrying");
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        let caught_up = batch.len() < batch_size;
        engine.apply_raw(batch).await;
        for runner in &engine.runners {
            runner.set_caught_up(caught_up);
        }
    }
}
