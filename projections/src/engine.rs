use std::sync::{Arc, RwLock};
use std::time::Duration;

use store::{Feed, FeedEvent, FeedPosition};
use tokio::sync::watch;

/// A read model built by folding feed events in order.
pub trait Projection: Send + Sync + 'static {
    /// A stable name, used in status, metrics and logs.
    const NAME: &'static str;

    /// Applies one event. An error stops the projection at this event.
    fn apply(&mut self, event: &FeedEvent) -> Result<(), ProjectionError>;
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

/// A running projection: its read model for queries and its status for waiting and reporting.
pub struct ProjectionHandle<P: Projection> {
    model: Arc<RwLock<P>>,
    status: watch::Receiver<ProjectionStatus>,
}

impl<P: Projection> Clone for ProjectionHandle<P> {
    fn clone(&self) -> Self {
        Self {
            model: self.model.clone(),
            status: self.status.clone(),
        }
    }
}

const BATCH: usize = 1_000;

impl<P: Projection> ProjectionHandle<P> {
    /// Starts folding the feed into `initial`, from the start of the log.
    pub fn spawn(feed: &Feed, initial: P) -> Self {
        let model = Arc::new(RwLock::new(initial));
        let (status_tx, status) = watch::channel(ProjectionStatus {
            name: P::NAME,
            position: FeedPosition::START,
            events_applied: 0,
            caught_up: false,
            failed: None,
        });
        let mut reader = feed.reader(FeedPosition::START, BATCH);
        let writer = model.clone();
        tokio::spawn(async move {
            loop {
                let batch = tokio::select! {
                    batch = reader.next_batch_within(Duration::from_millis(500)) => batch,
                    () = status_tx.closed() => return,
                };
                let batch = match batch {
                    Ok(batch) => batch,
                    Err(error) => {
                        // A read error is transient (database restart): retry after a pause.
                        tracing::warn!(projection = P::NAME, %error, "feed read failed; retrying");
                        tokio::time::sleep(Duration::from_secs(1)).await;
                        continue;
                    }
                };
                let caught_up = batch.len() < BATCH;
                let mut applied = 0;
                let mut failure = None;
                {
                    let mut model = writer.write().unwrap_or_else(|e| e.into_inner());
                    for event in &batch {
                        if let Err(error) = model.apply(event) {
                            failure = Some((event.clone(), error));
                            break;
                        }
                        applied += 1;
                    }
                }
                let last_applied = batch[..applied].last().map(FeedEvent::feed_position);
                status_tx.send_modify(|status| {
                    if let Some(position) = last_applied {
                        status.position = position;
                    }
                    status.events_applied += applied as u64;
                    status.caught_up = caught_up && failure.is_none();
                    if let Some((event, error)) = &failure {
                        status.failed = Some(format!(
                            "event {} ({}/{}#{} {} v{}) could not be applied: {error}",
                            event.position,
                            event.aggregate_type,
                            event.aggregate_id,
                            event.sequence,
                            event.event_type,
                            event.event_version
                        ));
                    }
                });
                if let Some((event, error)) = failure {
                    tracing::error!(
                        projection = P::NAME,
                        position = event.position,
                        %error,
                        "projection stopped at an event it cannot apply"
                    );
                    return;
                }
            }
        });
        Self { model, status }
    }

    pub fn status(&self) -> ProjectionStatus {
        self.status.borrow().clone()
    }

    /// Reads the model.
    pub fn read<T>(&self, f: impl FnOnce(&P) -> T) -> T {
        f(&self.model.read().unwrap_or_else(|e| e.into_inner()))
    }

    /// Waits until the projection has applied the event at `target` (or anything after it in
    /// feed order). Returns false if `timeout` passes first or the projection has stopped.
    pub async fn wait_for(&self, target: FeedPosition, timeout: Duration) -> bool {
        let mut status = self.status.clone();
        let reached = tokio::time::timeout(
            timeout,
            status.wait_for(|s| s.position >= target || s.failed.is_some()),
        )
        .await
        .map(|status| status.map(|s| s.failed.is_none()));
        matches!(reached, Ok(Ok(true)))
    }
}
