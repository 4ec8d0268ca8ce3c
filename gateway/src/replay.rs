//! `articula replay [--projection NAME]`: rebuilds read models from the start of the feed and
//! saves them as their new snapshots, with a progress bar on stderr and a one-line summary.
//!
//! Running servers keep their own in-memory models; they pick the rebuilt snapshot up at their
//! next start. Replaying is how an operator recovers a projection that stopped on an event after
//! the bug was fixed, or checks that history still folds.

use std::time::Instant;

use projections::{EngineBuilder, ReadModels, Until};
use store::{Database, EventLog, Snapshots};

use crate::console::Console;
use crate::Settings;

pub async fn run(settings: &Settings, only: Option<&str>, console: Console) -> Result<(), String> {
    let url = settings.database().map_err(|e| e.to_string())?;
    let db = Database::connect(&url).await.map_err(|e| e.to_string())?;
    db.migrate().await.map_err(|e| e.to_string())?;
    let log = EventLog::open(db.clone());
    let feed = log.feed();
    let mut builder = EngineBuilder::new(feed.clone()).with_snapshots(Snapshots::new(db));
    ReadModels::register(&mut builder);
    let known = builder.names();
    if let Some(name) = only {
        if !known.contains(&name) {
            return Err(format!(
                "there is no projection named `{name}`; the projections are: {}",
                known.join(", ")
            ));
        }
        builder.retain(|n| n == name);
    }
    let names = builder.names();
    // Nothing is restored: the projections start empty and fold all of history.
    let engine = builder.build();
    let head = feed.head_position().await.map_err(|e| e.to_string())?;
    let bar = console.progress(
        "replaying",
        u64::try_from(head).unwrap_or_default(),
        "events",
    );
    let started = Instant::now();
    let at = engine
        .run_until(Until::Head, |progress| {
            bar.set_position(progress.events_read)
        })
        .await
        .map_err(|e| e.to_string())?;
    bar.finish_and_clear();
    let folded_in = started.elapsed().as_secs_f64();
    let statuses = engine.statuses();
    let failed: Vec<String> = statuses
        .iter()
        .filter_map(|s| s.failed.as_ref().map(|f| format!("{}: {f}", s.name)))
        .collect();
    let saving = Instant::now();
    engine.save_snapshots().await.map_err(|e| e.to_string())?;
    let saved_in = saving.elapsed().as_secs_f64();
    let events = statuses
        .iter()
        .map(|s| s.events_applied)
        .max()
        .unwrap_or_default();
    if !failed.is_empty() {
        return Err(format!(
            "replay stopped; the projections that could not go on kept no new snapshot: {}",
            failed.join("; ")
        ));
    }
    let per_second = events as f64 / folded_in.max(f64::EPSILON);
    let line = format!(
        "replayed {} projection(s) ({}) over {events} events up to position {} in {folded_in:.1} s \
         ({per_second:.0} events/s); snapshots saved in {saved_in:.1} s",
        names.len(),
        names.join(", "),
        at.position,
    );
    console.finish(
        &line,
        &serde_json::json!({
            "command": "replay",
            "projections": names,
            "events": events,
            "position": at.position,
            "fold_seconds": folded_in,
            "events_per_second": per_second,
            "save_seconds": saved_in,
        }),
    );
    Ok(())
}
