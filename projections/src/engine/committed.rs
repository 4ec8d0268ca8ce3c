//! This process's commits applied as they are made (`store::CommitWatcher`), rather than read
//! back from the feed: a command's answer waits for the read models to have its events
//! (read-your-writes), and the store tells them the moment its statement or transaction has
//! committed.
//!
//! The store tells the place in the feed right before the events, only when it is sure of it
//! (`store::group_commit::watchers`). They are applied only when every running projection has
//! applied everything up to that place, so no event is ever skipped or applied out of order;
//! and only when no batch of the tail is being applied and they are a few quick events
//! ([`TOLD_UP_TO`]). Otherwise the tail applies them when it reads them, as it does every
//! commit of another process. The tail does not read back what was applied here
//! (`FeedReader::passing_over`), and each projection passes over any event it is given again
//! (`Slot::apply_from`).

use std::sync::atomic::Ordering;
use std::time::Duration;

use store::{CommitWatcher, FeedPosition, RawFeedEvent};

use super::apply::{apply_side_by_side, quick};
use super::Engine;
use crate::Envelope;

/// The most events of a commit applied as it is made; a larger one is left to the tail. Larger
/// than the tail's own bound for applying in place ([`super::apply::small_and_quick`], 8): a
/// group's statement on PostgreSQL at 16 clients holds more than 8 events, and with 8 only about a
/// quarter of the events were applied as committed there, against 86–88% with 32, the wait for
/// the read models falling from 0.67–0.72 to 0.09–0.14 ms (docs/benchmarks.md, "twenty-sixth
/// session"). The time bound ([`COMMITTED_WHILE_UNDER`]) still keeps a slow set of projections
/// off this path.
const TOLD_UP_TO: usize = 32;

/// How long the projections may have taken over their last batches, together, for a commit to
/// be applied as it is made. Larger than the tail's bound for applying in place (200 µs,
/// `apply::IN_PLACE_WHILE_UNDER`): a commit applied here holds the committing task, which has
/// already given up the appends' place, so the next statement does not wait for it, and its
/// commands would otherwise wait for the tail to read the events back. With 200 µs, on a slower
/// day, a group's ten or so events at eleven projections often took longer: measured with
/// `articula bench http --clients 16 --backends postgres --pairs 2`, two alternated runs each,
/// 81% and 93% of the events were applied as committed (the answers' wait for the read models
/// 0.23 and 0.08 ms); with 500 µs 99.9% and 99.6% (0.00 and 0.01 ms). The rates moved within
/// the runs' noise (docs/benchmarks.md, "thirty-sixth session").
const COMMITTED_WHILE_UNDER: Duration = Duration::from_micros(500);

impl CommitWatcher for Engine {
    fn committed(&self, after: FeedPosition, events: Vec<RawFeedEvent>) {
        // The history keeper's models are never waited for.
        if self.idle {
            return;
        }
        if events.len() <= TOLD_UP_TO && quick(&self.runners, COMMITTED_WHILE_UNDER) {
            let batch: Vec<Envelope> = events.into_iter().map(Envelope::new).collect();
            self.apply_committed(after, &batch);
        }
    }
}

impl Engine {
    /// How many events were applied as this process committed them, rather than as read from
    /// the feed.
    pub fn applied_as_committed(&self) -> u64 {
        self.applied_as_committed.load(Ordering::Relaxed)
    }

    /// Applies `batch`, which comes in the feed right after `after`, if every running projection
    /// has applied everything up to `after` and no batch of the tail is being applied; whether
    /// it did.
    fn apply_committed(&self, after: FeedPosition, batch: &[Envelope]) -> bool {
        // A batch of the tail is being applied: it, or the tail's next read, brings these.
        let Ok(_applying) = self.applying.try_lock() else {
            return false;
        };
        let had = self.lowest_checkpoint();
        if had < after {
            return false;
        }
        apply_side_by_side(&self.runners, batch);
        // Those the tail had applied already were passed over.
        let new = batch.iter().filter(|event| event.position() > had).count();
        self.applied_as_committed
            .fetch_add(new as u64, Ordering::Relaxed);
        self.publish_reached();
        true
    }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use store::testing::TestSqlite;
    use store::{EventLog, FeedPosition, RawFeedEvent};

    use crate::{EngineBuilder, Envelope, EventCounts};

    fn at(position: i64) -> FeedPosition {
        FeedPosition { tx: 0, position }
    }

    fn events(positions: std::ops::RangeInclusive<i64>) -> Vec<Envelope> {
        positions
            .map(|position| RawFeedEvent {
                position,
                tx: 0,
                aggregate_type: "tally".into(),
                aggregate_id: format!("t{position}"),
                sequence: 1,
                event_type: "Counted".into(),
                event_version: "1".into(),
                payload: "{}".into(),
                recorded_at: Utc::now(),
            })
            .map(Envelope::new)
            .collect()
    }

    /// Commits are applied when the projections have everything before them, and left to the
    /// tail when there is a gap before them or a batch of the tail is being applied. (How many
    /// events and how quick: `TOLD_UP_TO` and `COMMITTED_WHILE_UNDER`, beside the tail's own
    /// bounds.)
    #[tokio::test]
    async fn a_commit_is_applied_only_right_after_what_the_projections_have() {
        let (_file, db) = TestSqlite::migrated().await;
        let mut builder = EngineBuilder::new(EventLog::open(db).feed());
        let counts = builder.add::<EventCounts>();
        let engine = builder.build();
        let total = || counts.read(|counts| counts.total);

        assert!(engine.apply_committed(FeedPosition::START, &events(1..=2)));
        assert_eq!((total(), engine.reached()), (2, at(2)));
        // Event 3 has not been applied: 4 and 5 wait for the tail.
        assert!(!engine.apply_committed(at(3), &events(4..=5)));
        assert_eq!((total(), engine.reached()), (2, at(2)));
        // The tail is applying a batch: it brings them.
        let applying = engine.applying.try_lock().unwrap();
        assert!(!engine.apply_committed(at(2), &events(3..=3)));
        assert_eq!(total(), 2);
        drop(applying);
        assert!(engine.apply_committed(at(2), &events(3..=4)));
        assert_eq!((total(), engine.reached()), (4, at(4)));
        // What a projection has already applied is passed over.
        assert!(engine.apply_committed(at(2), &events(3..=5)));
        assert_eq!((total(), engine.reached()), (5, at(5)));
        assert_eq!(engine.applied_as_committed(), 5);
    }
}
