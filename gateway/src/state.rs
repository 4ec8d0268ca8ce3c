use std::sync::Arc;

use projections::{EventCounts, ProjectionHandle, ProjectionStatus};
use store::EventLog;

use crate::metrics::Metrics;

/// What every handler can reach: the event log, the running projections and the metrics.
#[derive(Clone)]
pub struct AppState {
    pub log: EventLog,
    pub event_counts: ProjectionHandle<EventCounts>,
    pub metrics: Arc<Metrics>,
}

impl AppState {
    pub fn new(log: EventLog) -> Self {
        let event_counts = ProjectionHandle::spawn(&log.feed(), EventCounts::default());
        Self {
            log,
            event_counts,
            metrics: Arc::new(Metrics::default()),
        }
    }

    /// The status of every projection this instance runs.
    pub fn projection_statuses(&self) -> Vec<ProjectionStatus> {
        vec![self.event_counts.status()]
    }
}
