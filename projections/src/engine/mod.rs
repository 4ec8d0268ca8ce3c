//! The projection engine: one reader of the global feed, every projection fed from it.
//!
//! Each projection keeps its own checkpoint (the last event it applied) and, when the engine has
//! a snapshot store, a snapshot of its read model at a checkpoint (saved by the history keeper,
//! `articula replay` and a graceful stop); start-up restores the snapshots and reads the feed
//! from the oldest checkpoint, and each projection skips what it has already seen. Events are
//! read once and decoded once per batch, ahead of the batch being applied (`read_ahead`), and
//! the projections apply a batch side by side. A projection that cannot apply an event stops
//! there, says which event and why in its status, and never skips it; the others go on.

mod apply;
mod committed;
mod fold;
mod history;
mod priority;
mod projection;
mod read_ahead;
mod tail;

use std::sync::atomic::AtomicU64;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use chrono::{DateTime, Utc};
use store::{
    Feed, FeedPosition, HistoryBound, ProjectionHistory, RawFeedEvent, Snapshot, Snapshots,
    StoreError,
};
use tokio::sync::watch;

use apply::{apply_side_by_side, decode_all, small_and_quick};
pub use fold::{fold, FoldError};
pub use history::{HistoryKeeper, KeptRound, Register};
pub use projection::{Projection, ProjectionError, ProjectionHandle, ProjectionStatus, Restoring};
use projection::{Runner, Slot};
use read_ahead::ReadAhead;

use crate::Envelope;

/// How the engine reads.
#[derive(Debug, Clone, Copy)]
pub struct EngineSettings {
    pub batch_size: usize,
}

impl Default for EngineSettings {
    fn default() -> Self {
        Self { batch_size: 10_000 }
    }
}

/// Where a one-off fold stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Until {
    /// Everything final in the feed when the fold reaches it.
    Head,
    /// Up to and including the event at this place.
    Position(FeedPosition),
    /// The longest beginning of the feed whose events were all recorded at or before this time.
    /// (A prefix, not a filter: a filter could keep an event and drop an earlier one of the same
    /// stream when clocks and commit order disagree.)
    RecordedBy(DateTime<Utc>),
}

/// Progress of a fold, for progress bars.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub events_read: u64,
    pub position: FeedPosition,
}

/// Collects the projections an engine will run.
pub struct EngineBuilder {
    feed: Feed,
    snapshots: Option<Snapshots>,
    history: Option<ProjectionHistory>,
    settings: EngineSettings,
    runners: Vec<(&'static str, Arc<dyn Runner>)>,
    idle: bool,
}

impl EngineBuilder {
    pub fn new(feed: Feed) -> Self {
        Self {
            feed,
            snapshots: None,
            history: None,
            settings: EngineSettings::default(),
            runners: Vec::new(),
            idle: false,
        }
    }

    /// Applies batches at the idle scheduling class (see [`priority`]): for engines that run
    /// beside the live one and must not slow it, such as the history keeper's.
    pub fn at_idle_priority(mut self) -> Self {
        self.idle = true;
        self
    }

    /// Restore from and save to these snapshots.
    pub fn with_snapshots(mut self, snapshots: Snapshots) -> Self {
        self.snapshots = Some(snapshots);
        self
    }

    /// Also restore from the projection history's newest place, where it is further on than
    /// the snapshot.
    pub fn with_history(mut self, history: ProjectionHistory) -> Self {
        self.history = Some(history);
        self
    }

    pub fn with_settings(mut self, settings: EngineSettings) -> Self {
        self.settings = settings;
        self
    }

    /// Adds a projection, starting empty (or from its snapshot, when the engine restores).
    pub fn add<P: Projection>(&mut self) -> ProjectionHandle<P> {
        let slot = Arc::new(Slot {
            model: RwLock::new(P::default()),
            last_batch_nanos: AtomicU64::new(0),
            status: watch::channel(ProjectionStatus {
                name: P::NAME,
                position: FeedPosition::START,
                events_applied: 0,
                caught_up: false,
                failed: None,
            })
            .0,
        });
        self.runners.push((P::NAME, slot.clone()));
        ProjectionHandle { slot }
    }

    /// Keeps only the projections `keep` accepts (e.g. `articula replay --projection NAME`).
    pub fn retain(&mut self, keep: impl Fn(&str) -> bool) {
        self.runners.retain(|(name, _)| keep(name));
    }

    /// The names of the projections added so far.
    pub fn names(&self) -> Vec<&'static str> {
        self.runners.iter().map(|(name, _)| *name).collect()
    }

    pub fn build(self) -> Engine {
        let (reached, _) = watch::channel(FeedPosition::START);
        let (stop, _) = watch::channel(());
        Engine {
            feed: self.feed,
            snapshots: self.snapshots,
            history: self.history,
            settings: self.settings,
            runners: self.runners.into_iter().map(|(_, r)| r).collect(),
            reached,
            stop,
            idle: self.idle,
            applying: tokio::sync::Mutex::new(()),
            applied_as_committed: AtomicU64::new(0),
        }
    }
}

/// Runs projections: restores their snapshots, folds the feed into them, saves snapshots.
pub struct Engine {
    feed: Feed,
    snapshots: Option<Snapshots>,
    history: Option<ProjectionHistory>,
    settings: EngineSettings,
    runners: Vec<Arc<dyn Runner>>,
    /// The place every running projection has reached (the lowest of their checkpoints).
    reached: watch::Sender<FeedPosition>,
    /// Dropped with the engine: tells the tailing task to end.
    stop: watch::Sender<()>,
    /// Whether batches are applied at the idle scheduling class.
    idle: bool,
    /// Held while a batch is applied or snapshots restored: the tail's batches and this
    /// process's commits ([`committed`]) are applied one at a time, each after checking the
    /// projections' checkpoints.
    applying: tokio::sync::Mutex<()>,
    /// Events applied as this process committed them rather than as read from the feed.
    applied_as_committed: AtomicU64,
}

/// What restoring snapshots found.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Restored {
    /// Projections restored from a snapshot.
    pub restored: Vec<&'static str>,
    /// Projections that start from the beginning of the feed, and why.
    pub rebuilding: Vec<(&'static str, String)>,
}

impl Engine {
    pub fn statuses(&self) -> Vec<ProjectionStatus> {
        self.runners.iter().map(|r| r.status()).collect()
    }

    /// Loads each projection's snapshot, or its newest place in the projection history when
    /// that is further on. A missing, differently shaped or unreadable one leaves that
    /// projection empty, to be rebuilt from the start of the feed.
    pub async fn restore(&self) -> Result<Restored, StoreError> {
        let mut summary = Restored::default();
        if self.snapshots.is_none() && self.history.is_none() {
            return Ok(summary);
        }
        let _applying = self.applying.lock().await;
        for runner in &self.runners {
            let name = runner.status().name;
            let Some(snapshot) = self.newest_saved(name, runner.version()).await? else {
                summary.rebuilding.push((name, "no snapshot".into()));
                continue;
            };
            let runner = runner.clone();
            let restored =
                tokio::task::spawn_blocking(move || runner.restore(snapshot, Restoring::ToServe))
                    .await
                    .unwrap_or_else(|e| Err(e.to_string()));
            match restored {
                Ok(true) => summary.restored.push(name),
                Ok(false) => summary
                    .rebuilding
                    .push((name, "the snapshot has an older shape".into())),
                Err(reason) => {
                    tracing::warn!(projection = name, %reason, "unreadable snapshot; rebuilding");
                    summary
                        .rebuilding
                        .push((name, format!("unreadable snapshot: {reason}")));
                }
            }
        }
        self.publish_reached();
        Ok(summary)
    }

    /// The furthest of `name`'s snapshot and its newest place in the history (in shape
    /// `version`; a snapshot of another shape is answered, and refused by the restore).
    async fn newest_saved(&self, name: &str, version: i32) -> Result<Option<Snapshot>, StoreError> {
        let snapshot_at = match &self.snapshots {
            Some(snapshots) => snapshots.position(name).await?,
            None => None,
        };
        let place_at = match &self.history {
            Some(history) => history.newest(name, version).await?,
            None => None,
        };
        let current_snapshot = snapshot_at.filter(|(v, _)| *v == version).map(|(_, at)| at);
        match (&self.history, place_at) {
            (Some(history), Some(place)) if Some(place) > current_snapshot => Ok(history
                .before(name, version, HistoryBound::Position(place))
                .await?
                .map(|entry| entry.snapshot)),
            _ => match &self.snapshots {
                Some(snapshots) => snapshots.load(name).await,
                None => Ok(None),
            },
        }
    }

    /// The lowest checkpoint among projections that have not stopped.
    fn lowest_checkpoint(&self) -> FeedPosition {
        self.runners
            .iter()
            .map(|r| r.status())
            .filter(|s| s.failed.is_none())
            .map(|s| s.position)
            .min()
            .unwrap_or(FeedPosition::START)
    }

    fn publish_reached(&self) {
        let lowest = self.lowest_checkpoint();
        self.reached.send_if_modified(|reached| {
            let changed = *reached != lowest;
            *reached = lowest;
            changed
        });
    }

    /// Waits until every running projection has applied the event at `target`. False if
    /// `timeout` passes first.
    pub async fn wait_for(&self, target: FeedPosition, timeout: Duration) -> bool {
        let mut reached = self.reached.subscribe();
        let outcome = tokio::time::timeout(timeout, reached.wait_for(|at| *at >= target)).await;
        matches!(outcome, Ok(Ok(_)))
    }

    /// Where every running projection has reached.
    pub fn reached(&self) -> FeedPosition {
        *self.reached.borrow()
    }

    /// Folds the feed into the projections up to `until`, reading ahead while they apply.
    /// Returns the place the fold stopped at.
    pub async fn run_until(
        &self,
        until: Until,
        progress: impl FnMut(Progress),
    ) -> Result<FeedPosition, StoreError> {
        let after = self.lowest_checkpoint();
        let reading = self.read_ahead(after, until, 1);
        self.apply_read(reading, after, progress).await
    }

    /// Starts reading the feed after `after` up to `until`, `ahead` batches ahead.
    fn read_ahead(&self, after: FeedPosition, until: Until, ahead: usize) -> ReadAhead {
        let batch_size = self.settings.batch_size;
        ReadAhead::start(
            self.feed.clone(),
            after,
            until,
            batch_size,
            ahead,
            self.idle,
        )
    }

    /// Applies what `reading` reads (after `after`) until it ends; the place the fold stopped at.
    async fn apply_read(
        &self,
        mut reading: ReadAhead,
        mut after: FeedPosition,
        mut progress: impl FnMut(Progress),
    ) -> Result<FeedPosition, StoreError> {
        let mut events_read = 0u64;
        while let Some(batch) = reading.next().await {
            let batch = batch?;
            if let Some(last) = batch.last() {
                after = last.position();
            }
            events_read += batch.len() as u64;
            self.apply(batch).await;
            progress(Progress {
                events_read,
                position: after,
            });
        }
        Ok(after)
    }

    /// Applies one batch as read from the feed (the live tail, the history keeper).
    async fn apply_raw(&self, batch: Vec<RawFeedEvent>) {
        self.apply(batch.into_iter().map(Envelope::new).collect())
            .await;
    }

    /// Applies one batch to every projection, decoding each event once (unless the read-ahead
    /// decoded it already).
    async fn apply(&self, batch: Vec<Envelope>) {
        if batch.is_empty() {
            return;
        }
        let _applying = self.applying.lock().await;
        if self.applies_in_place(&batch) {
            apply_side_by_side(&self.runners, &batch);
            self.publish_reached();
            return;
        }
        let runners = self.runners.clone();
        let applied = priority::run_blocking(self.idle, move || {
            decode_all(&batch);
            apply_side_by_side(&runners, &batch);
        })
        .await;
        if let Err(error) = applied {
            // Projections' panics are caught where they apply; this is the runtime failing.
            tracing::error!(%error, "a batch could not be applied");
        }
        self.publish_reached();
    }

    /// Whether `batch` is applied on the task that read it instead of on a blocking thread: a
    /// batch of a few events, when the projections took little time over their last batches, and
    /// never for the history keeper (which applies at the idle class). The live tail's batches
    /// are mostly one or a few commands' events, which answers wait for (read-your-writes); the
    /// hop to a blocking thread and back took longer than applying them (docs/benchmarks.md,
    /// "seventeenth session"). A batch whose projections were slow last time goes to a blocking
    /// thread, so that the task never holds its runtime thread long.
    fn applies_in_place(&self, batch: &[Envelope]) -> bool {
        !self.idle && small_and_quick(&self.runners, batch)
    }

    /// Saves every running projection's snapshot.
    pub async fn save_snapshots(&self) -> Result<(), StoreError> {
        let Some(snapshots) = &self.snapshots else {
            return Ok(());
        };
        for runner in &self.runners {
            let status = runner.status();
            if status.failed.is_some() || status.position == FeedPosition::START {
                continue;
            }
            let taker = runner.clone();
            let snapshot = tokio::task::spawn_blocking(move || taker.snapshot())
                .await
                .unwrap_or_else(|e| Err(e.to_string()));
            match snapshot {
                Ok(snapshot) => snapshots.save(&snapshot).await?,
                Err(reason) => {
                    tracing::error!(projection = status.name, %reason, "cannot serialise a snapshot");
                }
            }
        }
        Ok(())
    }

    /// Starts the engine in the background: restores snapshots, catches up with the feed,
    /// then tails it. It ends when the engine is dropped.
    pub fn spawn(self: &Arc<Self>) {
        tokio::spawn(self.run(true));
    }

    /// The engine's life in the background, for a supervisor to run: restore the snapshots
    /// (when `restore`), catch up with the feed, and tail it, until the engine is
    /// dropped. Run again after a panic, it resumes from each projection's checkpoint without
    /// restoring: every event is applied under its model's lock and a panicking projection
    /// stops itself, so the models are whole at their checkpoints and never go back in time.
    pub fn run(self: &Arc<Self>, restore: bool) -> impl std::future::Future<Output = ()> + Send {
        let engine = Arc::downgrade(self);
        let mut stop = self.stop.subscribe();
        async move {
            tokio::select! {
                () = tail::tail(engine, restore) => {}
                _ = stop.changed() => {}
            }
        }
    }
}
