//! What a projection is, and the handle through which queries read it.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::Serialize;
use store::{FeedPosition, RawFeedEvent, Snapshot};
use tokio::sync::watch;

use crate::Envelope;

/// A read model built by folding feed events in order.
///
/// Its serialised form is its snapshot, so it must hold everything needed to go on folding;
/// indexes derived from that state may be skipped in serialisation and rebuilt in
/// [`Projection::restored`].
pub trait Projection: Default + Serialize + DeserializeOwned + Send + Sync + 'static {
    /// A stable name, used in status, metrics, logs, snapshots and `articula replay`.
    const NAME: &'static str;

    /// The shape of the snapshot. Bump it when the serialised form changes: an older snapshot is
    /// then ignored and the projection rebuilt from the start of the feed.
    const SNAPSHOT_VERSION: i32 = 1;

    /// Applies one event. An error stops the projection at this event.
    fn apply(&mut self, event: &Envelope) -> Result<(), ProjectionError>;

    /// The snapshot's state: the model as JSON. A model with one large map writes it in lines
    /// instead ([`crate::parts`]), which are read back on every core.
    fn write_state(&self) -> Result<Vec<u8>, String> {
        serde_json::to_vec(self).map_err(|e| e.to_string())
    }

    /// Reads what [`Self::write_state`] wrote.
    fn read_state(state: Vec<u8>) -> Result<Self, String> {
        serde_json::from_slice(&state).map_err(|e| e.to_string())
    }

    /// Called with each batch of events before they are applied one by one, under the model's
    /// lock: a model may get ready for them on every core ([`crate::stored::parse_ahead`]).
    fn prepare(&mut self, _events: &[Envelope]) {}

    /// Called when a fold for one read (an as-of read) has reached its end, before the model is
    /// read: a model restored [for one read](Restoring::ForOneRead) may put off work for each
    /// event until here (the map makes each changed initiative's entry once).
    fn settle(&mut self) {}

    /// Called after the state was read from a snapshot, to rebuild what is not stored. An
    /// error (a state read back but not usable) leaves the snapshot unused, as a snapshot that
    /// cannot be read.
    fn restored(&mut self, _restoring: Restoring) -> Result<(), ProjectionError> {
        Ok(())
    }
}

/// What a model read back from a snapshot is for, which decides what of its derived indexes is
/// rebuilt at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Restoring {
    /// A model that serves queries while the server runs: every index is rebuilt now, so that no
    /// query (and no event waiting behind one) waits for an index to be built.
    ToServe,
    /// A model folded for one read (an as-of read): an index that only some queries use may
    /// wait for the first of them, and work for each event may wait for the fold's end
    /// ([`Projection::settle`]).
    ForOneRead,
    /// A model the history keeper folds and saves: as [`Self::ForOneRead`], but every event is
    /// applied to the state it changes, since the states are written again.
    ToKeepHistory,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ProjectionError(pub String);

/// Where a projection stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectionStatus {
    pub name: &'static str,
    /// The last event applied.
    pub position: FeedPosition,
    pub events_applied: u64,
    /// Whether the last read found nothing more to apply.
    pub caught_up: bool,
    /// Why the projection stopped, naming the event, if it did.
    pub failed: Option<String>,
}

pub(super) struct Slot<P> {
    pub(super) model: RwLock<P>,
    pub(super) status: watch::Sender<ProjectionStatus>,
    /// How long its last batch took to apply, in nanoseconds: the engine gives the costliest
    /// projections a core first ([`super::apply_side_by_side`]).
    pub(super) last_batch_nanos: AtomicU64,
}

/// A projection's read model for queries, and its status for waiting and reporting.
pub struct ProjectionHandle<P: Projection> {
    pub(super) slot: Arc<Slot<P>>,
}

impl<P: Projection> Clone for ProjectionHandle<P> {
    fn clone(&self) -> Self {
        Self {
            slot: self.slot.clone(),
        }
    }
}

impl<P: Projection> ProjectionHandle<P> {
    pub fn status(&self) -> ProjectionStatus {
        self.slot.status.borrow().clone()
    }

    /// Reads the model.
    pub fn read<T>(&self, f: impl FnOnce(&P) -> T) -> T {
        f(&self.slot.model.read().unwrap_or_else(|e| e.into_inner()))
    }

    /// [`Projection::settle`]s the model.
    pub(super) fn settle(&self) {
        self.slot
            .model
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .settle();
    }

    /// Waits until the projection has applied the event at `target` (or anything after it in
    /// feed order). Returns false if `timeout` passes first or the projection has stopped.
    pub async fn wait_for(&self, target: FeedPosition, timeout: Duration) -> bool {
        let mut status = self.slot.status.subscribe();
        let reached = tokio::time::timeout(
            timeout,
            status.wait_for(|s| s.position >= target || s.failed.is_some()),
        )
        .await
        .map(|status| status.map(|s| s.failed.is_none()));
        matches!(reached, Ok(Ok(true)))
    }

    /// The model's serialised form, as a snapshot would hold it: what verification and tests
    /// compare.
    pub fn to_json(&self) -> Result<serde_json::Value, String> {
        self.read(|model| serde_json::to_value(model))
            .map_err(|e| e.to_string())
    }

    /// [`Self::to_json`] together with the checkpoint it reflects (the last event applied),
    /// both read under the model's lock, so that they always belong together.
    pub fn to_json_at(&self) -> Result<(serde_json::Value, FeedPosition), String> {
        let model = self.slot.model.read().unwrap_or_else(|e| e.into_inner());
        let position = self.slot.status.borrow().position;
        let json = serde_json::to_value(&*model).map_err(|e| e.to_string())?;
        Ok((json, position))
    }
}

/// What the engine needs of a projection, whatever its type.
pub(super) trait Runner: Send + Sync {
    fn status(&self) -> ProjectionStatus;
    /// The shape of its snapshots ([`Projection::SNAPSHOT_VERSION`]).
    fn version(&self) -> i32;
    fn apply(&self, batch: &[Envelope]);
    /// How long [`Self::apply`] took over the last batch it was given.
    fn last_batch(&self) -> Duration;
    fn set_caught_up(&self, caught_up: bool);
    fn snapshot(&self) -> Result<Snapshot, String>;
    /// Restores a snapshot; false if it has another shape (the projection then starts empty).
    fn restore(&self, snapshot: Snapshot, restoring: Restoring) -> Result<bool, String>;
}

impl<P: Projection> Slot<P> {
    /// Applies the events of `batch` after the projection's checkpoint, stopping it at the first
    /// one it cannot apply.
    fn apply_from(&self, batch: &[Envelope]) {
        let from = {
            let status = self.status.borrow();
            if status.failed.is_some() {
                return;
            }
            let position = status.position;
            batch.partition_point(|e| e.position() <= position)
        };
        let events = &batch[from..];
        if events.is_empty() {
            return;
        }
        let mut applied = 0;
        let mut failure = None;
        {
            let mut model = self.model.write().unwrap_or_else(|e| e.into_inner());
            model.prepare(events);
            for event in events {
                // A panic in a projection is a bug; it stops this projection like an error
                // would, instead of leaving a half-applied event behind a poisoned lock.
                let outcome =
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| model.apply(event)))
                        .unwrap_or_else(|_| Err(ProjectionError("the projection panicked".into())));
                if let Err(error) = outcome {
                    failure = Some(describe_failure(&event.feed, &error));
                    break;
                }
                applied += 1;
            }
            // Still under the model's lock: whoever reads the model under it (a snapshot, an
            // audit comparison) reads the checkpoint that goes with it.
            self.status.send_modify(|status| {
                if applied > 0 {
                    status.position = events[applied - 1].position();
                    status.events_applied += applied as u64;
                }
                if failure.is_some() {
                    status.caught_up = false;
                    status.failed = failure.clone();
                }
            });
        }
        if let Some(reason) = &failure {
            tracing::error!(projection = P::NAME, %reason, "projection stopped at an event it cannot apply");
        }
    }
}

impl<P: Projection> Runner for Slot<P> {
    fn status(&self) -> ProjectionStatus {
        self.status.borrow().clone()
    }

    fn version(&self) -> i32 {
        P::SNAPSHOT_VERSION
    }

    fn apply(&self, batch: &[Envelope]) {
        let started = std::time::Instant::now();
        self.apply_from(batch);
        let nanos = u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX);
        self.last_batch_nanos.store(nanos, Ordering::Relaxed);
    }

    fn last_batch(&self) -> Duration {
        Duration::from_nanos(self.last_batch_nanos.load(Ordering::Relaxed))
    }

    fn set_caught_up(&self, caught_up: bool) {
        self.status.send_if_modified(|status| {
            let caught_up = caught_up && status.failed.is_none();
            let changed = status.caught_up != caught_up;
            status.caught_up = caught_up;
            changed
        });
    }

    fn snapshot(&self) -> Result<Snapshot, String> {
        let model = self.model.read().unwrap_or_else(|e| e.into_inner());
        let status = self.status.borrow().clone();
        let state = model.write_state()?;
        Ok(Snapshot {
            name: P::NAME.to_string(),
            version: P::SNAPSHOT_VERSION,
            position: status.position,
            events_applied: i64::try_from(status.events_applied).unwrap_or(i64::MAX),
            state,
        })
    }

    fn restore(&self, snapshot: Snapshot, restoring: Restoring) -> Result<bool, String> {
        if snapshot.version != P::SNAPSHOT_VERSION {
            return Ok(false);
        }
        let started = std::time::Instant::now();
        let bytes = snapshot.state.len();
        let mut model = P::read_state(snapshot.state)?;
        let read = started.elapsed();
        model.restored(restoring).map_err(|e| e.0)?;
        tracing::debug!(
            projection = P::NAME,
            bytes,
            read_ms = read.as_secs_f64() * 1e3,
            indexed_ms = (started.elapsed() - read).as_secs_f64() * 1e3,
            "snapshot restored"
        );
        *self.model.write().unwrap_or_else(|e| e.into_inner()) = model;
        self.status.send_modify(|status| {
            status.position = snapshot.position;
            status.events_applied = u64::try_from(snapshot.events_applied).unwrap_or_default();
        });
        Ok(true)
    }
}

fn describe_failure(event: &RawFeedEvent, error: &ProjectionError) -> String {
    format!(
        "event {} ({}/{}#{} {} v{}) could not be applied: {error}",
        event.position,
        event.aggregate_type,
        event.aggregate_id,
        event.sequence,
        event.event_type,
        event.event_version
    )
}
