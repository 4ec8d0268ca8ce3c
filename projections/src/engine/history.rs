//! Projection history: every projection's read model saved at places spaced `every` events apart
//! along the feed, so that an as-of read folds from the nearest earlier place (see [`super::fold`])
//! instead of from the start of the log.
//!
//! The keeper folds the feed with read models of its own, never the live ones: the live models
//! serve readers and tail the feed, and saving a place must stall neither. Its CPU work runs at
//! the idle scheduling class ([`super::priority`]), so it takes no CPU the live models want. It holds its models
//! only while it works (a round), restoring them from the newest place every projection has, so
//! an idle keeper costs no memory. The places are fixed by the feed alone (`every` events after
//! the previous place), so two instances keeping the same database write the same places and the
//! second write is ignored.

use std::time::Duration;

use chrono::{DateTime, Utc};
use store::{Feed, FeedPosition, HistoryEntry, HistoryPlace, ProjectionHistory, StoreError};

use super::{priority, EngineBuilder, Restoring, Runner};

/// Adds every projection whose history is kept to an engine.
pub type Register = fn(&mut EngineBuilder);

/// Keeps `projection_history` filled for the projections `register` adds.
#[derive(Clone)]
pub struct HistoryKeeper {
    feed: Feed,
    history: ProjectionHistory,
    register: Register,
    /// Each projection's name and snapshot shape, in the order `register` adds them.
    shapes: Vec<(&'static str, i32)>,
    every: u64,
    batch_size: usize,
}

/// What one round did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeptRound {
    /// Where the round started: the newest place every projection had (none: the start).
    pub started_from: Option<FeedPosition>,
    pub events_folded: u64,
    /// The places written, each with every projection's state.
    pub places_written: Vec<FeedPosition>,
}

impl HistoryKeeper {
    /// A keeper saving a place every `every` events (at least 1).
    pub fn new(feed: Feed, history: ProjectionHistory, register: Register, every: u64) -> Self {
        let mut builder = EngineBuilder::new(feed.clone());
        register(&mut builder);
        let shapes = builder
            .runners
            .iter()
            .map(|(name, runner)| (*name, runner.version()))
            .collect();
        Self {
            feed,
            history,
            register,
            shapes,
            every: every.max(1),
            batch_size: 10_000,
        }
    }

    pub fn history(&self) -> &ProjectionHistory {
        &self.history
    }

    /// The newest place where every projection (in its current shape) has its state saved.
    pub async fn newest_complete(&self) -> Result<Option<FeedPosition>, StoreError> {
        Ok(newest_complete(&self.history.places().await?, &self.shapes))
    }

    /// Folds from the newest complete place to as near the head as whole intervals reach,
    /// saving a place after each `every` events. Events past the last whole interval are left
    /// for a later round.
    pub async fn round(&self) -> Result<KeptRound, StoreError> {
        let mut builder = EngineBuilder::new(self.feed.clone()).at_idle_priority();
        (self.register)(&mut builder);
        let engine = builder.build();
        let shapes: Vec<(&'static str, i32, std::sync::Arc<dyn Runner>)> = self
            .shapes
            .iter()
            .zip(&engine.runners)
            .map(|((name, version), runner)| (*name, *version, runner.clone()))
            .collect();
        for (name, version) in &self.shapes {
            let forgotten = self.history.forget_other_versions(name, *version).await?;
            if forgotten > 0 {
                tracing::info!(
                    projection = name,
                    forgotten,
                    "history of an older shape forgotten"
                );
            }
        }
        let start = self.newest_complete().await?;
        let mut recorded_by: Option<DateTime<Utc>> = None;
        if let Some(at) = start {
            for (name, version, runner) in &shapes {
                let entry = self.history.at(name, *version, at).await?.ok_or_else(|| {
                    StoreError::Persistence(format!("the history of {name} at {at} vanished"))
                })?;
                recorded_by = recorded_by.max(Some(entry.recorded_by));
                let runner = runner.clone();
                let restored = priority::run_blocking(true, move || {
                    runner.restore(entry.snapshot, Restoring::ToKeepHistory)
                })
                .await;
                match restored {
                    Ok(Ok(true)) => {}
                    Ok(Ok(false)) | Ok(Err(_)) | Err(_) => {
                        return Err(StoreError::Persistence(format!(
                            "the history of {name} at {at} cannot be read back"
                        )))
                    }
                }
            }
        }
        let mut round = KeptRound {
            started_from: start,
            ..KeptRound::default()
        };
        let mut after = start.unwrap_or(FeedPosition::START);
        let mut since_place = 0u64;
        loop {
            let wanted = usize::try_from(self.every - since_place)
                .unwrap_or(usize::MAX)
                .min(self.batch_size);
            let batch = self.feed.read_raw_after(after, wanted).await?;
            let read = batch.len();
            let Some(last) = batch.last() else {
                break;
            };
            after = last.feed_position();
            recorded_by = recorded_by.max(batch.iter().map(|e| e.recorded_at).max());
            engine.apply_raw(batch).await;
            round.events_folded += read as u64;
            since_place += read as u64;
            if since_place == self.every {
                let recorded_by = recorded_by.unwrap_or_default();
                self.save_place(&shapes, after, recorded_by).await?;
                round.places_written.push(after);
                since_place = 0;
            } else if read < wanted {
                // The head of what is final in the feed: the rest waits for a later round.
                break;
            }
        }
        Ok(round)
    }

    /// Saves every projection's state at `at`.
    async fn save_place(
        &self,
        shapes: &[(&'static str, i32, std::sync::Arc<dyn Runner>)],
        at: FeedPosition,
        recorded_by: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        for (name, _, runner) in shapes {
            let status = runner.status();
            if let Some(reason) = status.failed {
                // Its place is never complete, so rounds start before it until it is mended.
                tracing::error!(projection = name, %reason, "no history for a stopped projection");
                continue;
            }
            let taker = runner.clone();
            let snapshot = priority::run_blocking(true, move || {
                taker.snapshot().map(|mut snapshot| {
                    snapshot.state = ProjectionHistory::pack(&snapshot.state);
                    snapshot
                })
            })
            .await
            .map_err(StoreError::Persistence)?
            .map_err(|reason| {
                StoreError::Persistence(format!("{name} cannot be serialised: {reason}"))
            })?;
            debug_assert_eq!(snapshot.position, at);
            let entry = HistoryEntry {
                snapshot,
                recorded_by,
            };
            self.history.save_packed(&entry).await?;
        }
        Ok(())
    }

    /// Runs for as long as the process lives: every `check`, a round if the feed's head has
    /// moved a whole interval past the newest complete place. A round that could not complete a
    /// place (a projection stopped at an event) is not repeated until the head has moved another
    /// whole interval. An error (the database away) is reported through `report` and tried
    /// again at the next check.
    pub async fn run(self, check: Duration, report: impl Fn(String)) {
        // The newest complete place and the head when the last round started.
        let mut last_round: Option<(Option<FeedPosition>, i64)> = None;
        loop {
            match self.due(last_round).await {
                Ok(None) => {}
                Ok(Some(started)) => {
                    last_round = Some(started);
                    match self.round().await {
                        Ok(round) => tracing::info!(
                            from = ?round.started_from,
                            events = round.events_folded,
                            places = round.places_written.len(),
                            "projection history saved"
                        ),
                        Err(error) => report(format!("projection history: {error}")),
                    }
                }
                Err(error) => report(format!("projection history: {error}")),
            }
            tokio::time::sleep(check).await;
        }
    }

    /// The newest complete place and the head, if a round may write a place now: the head has
    /// moved a whole interval past that place (and past the head of a last round that started
    /// from the same place). Positions number events, with gaps where transactions rolled back,
    /// so a round may still find the interval unfinished, and then writes nothing.
    async fn due(
        &self,
        last_round: Option<(Option<FeedPosition>, i64)>,
    ) -> Result<Option<(Option<FeedPosition>, i64)>, StoreError> {
        let newest = self.newest_complete().await?;
        let head = self.feed.head_position().await?;
        let from = match last_round {
            Some((place, head_then)) if place == newest => head_then,
            _ => newest.map_or(0, |at| at.position),
        };
        let due = u64::try_from(head - from).unwrap_or(0) >= self.every;
        Ok(due.then_some((newest, head)))
    }
}

/// The newest place at which every `(name, version)` has an entry.
fn newest_complete(places: &[HistoryPlace], shapes: &[(&str, i32)]) -> Option<FeedPosition> {
    let mut counts: std::collections::BTreeMap<FeedPosition, usize> = Default::default();
    for place in places {
        if shapes.contains(&(place.name.as_str(), place.version)) {
            *counts.entry(place.position).or_default() += 1;
        }
    }
    counts
        .into_iter()
        .rev()
        .find(|(_, n)| *n == shapes.len())
        .map(|(at, _)| at)
}
