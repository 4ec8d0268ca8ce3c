//! How the engine applies a batch: on the task that read it when it is a few events and the
//! projections are quick (`Engine::applies_in_place`), else on blocking threads; either way
//! every projection is given the batch once, side by side on every core when it is large.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use super::projection::Runner;
use crate::Envelope;

/// The most events a batch may have to be applied on the task that read it
/// ([`super::Engine::applies_in_place`]).
const IN_PLACE_UP_TO: usize = 8;

/// How long the projections may have taken over their last batches, together, for the next
/// small batch to be applied on the task that read it: a runtime thread is not held longer than
/// about this.
const IN_PLACE_WHILE_UNDER: Duration = Duration::from_micros(200);

/// Whether `batch` is at most [`IN_PLACE_UP_TO`] events and `runners` took less than
/// [`IN_PLACE_WHILE_UNDER`] over their last batches together.
pub(super) fn small_and_quick(runners: &[Arc<dyn Runner>], batch: &[Envelope]) -> bool {
    batch.len() <= IN_PLACE_UP_TO && quick(runners, IN_PLACE_WHILE_UNDER)
}

/// Whether `runners` took less than `bound` over their last batches together.
pub(super) fn quick(runners: &[Arc<dyn Runner>], bound: Duration) -> bool {
    runners
        .iter()
        .map(|runner| runner.last_batch())
        .sum::<Duration>()
        < bound
}

/// Below this many events a batch is decoded and applied on one thread: starting threads would
/// cost more than they save.
const PARALLEL_FROM: usize = 256;

/// Decodes the events of a batch in parallel chunks, unless they are decoded already (by the
/// read-ahead); a small batch is decoded as its projections read it.
pub(super) fn decode_all(events: &[Envelope]) {
    if events.len() < PARALLEL_FROM || events.iter().all(Envelope::is_decoded) {
        return;
    }
    let chunk = events.len().div_ceil(crate::parts::cores());
    std::thread::scope(|scope| {
        for part in events.chunks(chunk) {
            scope.spawn(move || {
                for event in part {
                    // Decoding errors are kept with the event and reported by the projection
                    // that needs it.
                    let _ = event.event();
                }
            });
        }
    });
}

/// Applies a batch to every projection, side by side on every core (projections share nothing
/// but the decoded events), or, for a single projection such as an as-of fold or a small batch,
/// on this thread.
///
/// One thread per core takes the projections one at a time, the costliest over the last batch
/// first: the batch ends when its slowest projection does, and the map alone takes about as long
/// as the others together, so it starts at once on a core of its own while the other core works
/// through the rest. (One thread per projection shared the cores evenly instead, so the map
/// finished last, alone, with the other core idle.)
pub(super) fn apply_side_by_side(runners: &[Arc<dyn Runner>], events: &[Envelope]) {
    if runners.len() == 1 || events.len() < PARALLEL_FROM {
        for runner in runners {
            runner.apply(events);
        }
        return;
    }
    let mut costliest_first: Vec<&Arc<dyn Runner>> = runners.iter().collect();
    costliest_first.sort_by_key(|runner| std::cmp::Reverse(runner.last_batch()));
    let next = AtomicUsize::new(0);
    let threads = crate::parts::cores().min(runners.len());
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                while let Some(runner) = costliest_first.get(next.fetch_add(1, Ordering::Relaxed)) {
                    runner.apply(events);
                }
            });
        }
    });
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use chrono::{DateTime, Utc};
    use store::{FeedPosition, RawFeedEvent, Snapshot};

    use super::*;
    use crate::engine::{ProjectionStatus, Restoring};

    /// A projection that notes when it was given a batch, and says its last batch took `cost`.
    struct Noting {
        name: &'static str,
        cost: Duration,
        log: Arc<Mutex<Vec<(&'static str, usize)>>>,
    }

    impl Runner for Noting {
        fn status(&self) -> ProjectionStatus {
            ProjectionStatus {
                name: self.name,
                position: FeedPosition::START,
                events_applied: 0,
                caught_up: false,
                failed: None,
            }
        }
        fn version(&self) -> i32 {
            1
        }
        fn apply(&self, batch: &[Envelope]) {
            self.log.lock().unwrap().push((self.name, batch.len()));
        }
        fn last_batch(&self) -> Duration {
            self.cost
        }
        fn set_caught_up(&self, _: bool) {}
        fn snapshot(&self) -> Result<Snapshot, String> {
            Err("not kept".into())
        }
        fn restore(&self, _: Snapshot, _: Restoring) -> Result<bool, String> {
            Ok(false)
        }
    }

    fn batch(len: usize) -> Vec<Envelope> {
        (1..=len as i64)
            .map(|position| {
                Envelope::new(RawFeedEvent {
                    position,
                    tx: position,
                    aggregate_type: "other".into(),
                    aggregate_id: position.to_string(),
                    sequence: 1,
                    event_type: "Noted".into(),
                    event_version: "1".into(),
                    payload: "{}".into(),
                    recorded_at: DateTime::<Utc>::UNIX_EPOCH,
                })
            })
            .collect()
    }

    /// A batch is applied in place only while small and while the projections were quick over
    /// their last batches.
    #[test]
    fn only_small_batches_of_quick_projections_are_applied_in_place() {
        let log = Arc::new(Mutex::new(Vec::new()));
        let runners = |micros: u64| -> Vec<Arc<dyn Runner>> {
            ["a", "b"]
                .into_iter()
                .map(|name| {
                    Arc::new(Noting {
                        name,
                        cost: Duration::from_micros(micros),
                        log: log.clone(),
                    }) as Arc<dyn Runner>
                })
                .collect()
        };
        assert!(small_and_quick(&runners(20), &batch(1)));
        assert!(small_and_quick(&runners(20), &batch(IN_PLACE_UP_TO)));
        assert!(!small_and_quick(&runners(20), &batch(IN_PLACE_UP_TO + 1)));
        // Two projections at 100 µs each: 200 µs together, not under the bound.
        assert!(!small_and_quick(&runners(100), &batch(1)));
    }

    /// Every projection is given every batch exactly once, whichever core takes it; a large
    /// batch goes to the costliest first, a small one to each in the engine's order.
    #[test]
    fn every_projection_applies_each_batch_once_costliest_first() {
        let log = Arc::new(Mutex::new(Vec::new()));
        let costs = [("a", 3), ("b", 40), ("c", 0), ("d", 7), ("e", 1)];
        let runners: Vec<Arc<dyn Runner>> = costs
            .iter()
            .map(|&(name, ms)| {
                Arc::new(Noting {
                    name,
                    cost: Duration::from_millis(ms),
                    log: log.clone(),
                }) as Arc<dyn Runner>
            })
            .collect();

        apply_side_by_side(&runners, &batch(PARALLEL_FROM));
        let mut given = std::mem::take(&mut *log.lock().unwrap());
        // Each core's thread starts with one of the costliest: the first given is one of those
        // (on one core, the costliest itself), never one that a core takes after another.
        let costliest = &["b", "d", "a", "e", "c"][..crate::parts::cores().min(5)];
        assert!(costliest.contains(&given[0].0), "{given:?}");
        given.sort_unstable();
        let all: Vec<_> = ["a", "b", "c", "d", "e"]
            .into_iter()
            .map(|name| (name, PARALLEL_FROM))
            .collect();
        assert_eq!(given, all);

        apply_side_by_side(&runners, &batch(3));
        let given = std::mem::take(&mut *log.lock().unwrap());
        assert_eq!(given, ["a", "b", "c", "d", "e"].map(|name| (name, 3)));
    }
}
