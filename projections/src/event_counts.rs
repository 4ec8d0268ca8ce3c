use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{Envelope, Projection, ProjectionError};

/// How many events the log holds, per aggregate type and event type. The smallest read model:
/// it shows the engine working end to end and feeds `/ready` and the lag metrics.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventCounts {
    pub total: u64,
    /// Aggregate type → event type → count.
    pub by_type: BTreeMap<String, BTreeMap<String, u64>>,
}

impl Projection for EventCounts {
    const NAME: &'static str = "event_counts";

    fn apply(&mut self, event: &Envelope) -> Result<(), ProjectionError> {
        let event = &event.feed;
        if event.event_type.is_empty() {
            return Err(ProjectionError("the event has no type".into()));
        }
        self.total += 1;
        *self
            .by_type
            .entry(event.aggregate_type.clone())
            .or_default()
            .entry(event.event_type.clone())
            .or_default() += 1;
        Ok(())
    }
}
