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
    let mut caught_up_events = 0u64;
    let caught_up_at = loop {
        let mut read = 0;
        let outcome = first
            .run_until(Until::Head, |progress| read = progress.events_read)
            .await;
        caught_up_events += read;
        match outcome {
            Ok(at) => break at,
            Err(error) => {
                tracing::warn!(%error, "feed read failed while catching up; retrying");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    };
    tracing::info!(from = %before, to = %caught_up_at, elapsed_ms = started.elapsed().as_millis() as u64, "projections caught up");
    let settings = first.settings;
    let mut reader = first
        .feed
        .reader(first.lowest_checkpoint(), settings.batch_size);
    // Catching up counts like any other applying: a start that found a few new events does
    // not rewrite every snapshot, a rebuild from scratch saves at once.
    let mut applied_since_save = caught_up_events;
    let mut last_save = Instant::now();
    drop(first);
    loop {
        let Some(engine) = engine.upgrade() else {
            return;
        };
        let due = applied_since_save >= settings.snapshot_every_events
            || (applied_since_save > 0 && last_save.elapsed() >= settings.snapshot_every);
        if due {
            match engine.save_snapshots().await {
                Ok(()) => {
                    applied_since_save = 0;
                    last_save = Instant::now();
                }
                Err(error) => tracing::warn!(%error, "cannot save projection snapshots"),
            }
        }
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
        let caught_up = batch.len() < settings.batch_size;
        applied_since_save += batch.len() as u64;
        engine.apply(batch).await;
        for runner in &engine.runners {
            runner.set_caught_up(caught_up);
        }
    }
}
