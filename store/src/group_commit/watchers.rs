//! Telling this process's read models of the events an append has just committed, so that they
//! can apply them at once rather than read them back from the feed. A command's answer waits
//! until the read models have applied its events (read-your-writes); reading them back took a
//! wake-up of the feed's reader, a query and the hand-offs around it (docs/benchmarks.md,
//! "twenty-sixth session").
//!
//! A watcher is told the events with the place in the feed right before them, and applies them
//! only when it has applied everything up to that place; otherwise it leaves them to its reading
//! of the feed, which finds them as before. So the place told must be exact, whoever else writes:
//!
//! * **SQLite** has one writer at a time, and a group's transaction takes the file's write lock
//!   at its start (it is immediate). The last position in the file, read in that transaction
//!   before the group's rows, is the feed's last event before them, whoever wrote it: this
//!   process or another.
//! * **PostgreSQL**'s feed is in (transaction, position) order and read only below the oldest
//!   transaction still open (`feed`), so a commit can be followed in the feed by the events of a
//!   transaction that was open when it committed. The statement tells its events only when it
//!   can show there is none: no transaction was running when its snapshot was taken, and its
//!   own took the next id (`statement::conditions`, `PLACE_BEFORE`); the place before is then
//!   the last event of the lower transactions, all ended and all in its snapshot. Otherwise (a
//!   transaction of another process, another group's statement, any transaction of the server
//!   open at that moment) nothing is told.

use std::sync::{Mutex, PoisonError, Weak};

use crate::feed::sqlite::parse_recorded_at;
use crate::feed::{FeedPosition, RawFeedEvent};
use crate::repository::Rows;

/// Takes the events a commit of this process has just written, in the feed's order.
pub trait CommitWatcher: Send + Sync {
    /// `events` were committed, and come in the feed right after the event at `after` (or at
    /// its start, [`FeedPosition::START`]).
    fn committed(&self, after: FeedPosition, events: Vec<RawFeedEvent>);
}

/// The watchers of one queue's appends (a SQLite file's, or PostgreSQL's groups); each is held
/// weakly, so that a dropped read model is no longer told.
#[derive(Default)]
pub(super) struct Watchers(Mutex<Vec<Weak<dyn CommitWatcher>>>);

impl Watchers {
    pub(super) fn add(&self, watcher: Weak<dyn CommitWatcher>) {
        self.held().push(watcher);
    }

    /// Whether anyone is still watching (forgetting those dropped).
    pub(super) fn any(&self) -> bool {
        let mut held = self.held();
        held.retain(|watcher| watcher.strong_count() > 0);
        !held.is_empty()
    }

    /// Tells every watcher of `told`'s events, unless some of them could not be read back.
    pub(super) fn tell(&self, told: Told) {
        let Some(events) = told.events else {
            return;
        };
        if events.is_empty() {
            return;
        }
        let watchers: Vec<_> = self.held().iter().filter_map(Weak::upgrade).collect();
        let after = told.after;
        if let Some((last, others)) = watchers.split_last() {
            for watcher in others {
                watcher.committed(after, events.clone());
            }
            last.committed(after, events);
        }
    }

    fn held(&self) -> std::sync::MutexGuard<'_, Vec<Weak<dyn CommitWatcher>>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// What a group's transaction tells its watchers: the file's last position before its rows, and
/// the rows it committed, as the feed reads them back.
pub(super) struct Told {
    after: FeedPosition,
    /// `None` once a row's time could not be read as the feed reads it: then nothing is told.
    events: Option<Vec<RawFeedEvent>>,
}

impl Told {
    /// Reads the file's last position, in the group's transaction before any of its rows.
    pub(super) fn start(transaction: &rusqlite::Transaction<'_>) -> rusqlite::Result<Self> {
        let after = transaction
            .prepare_cached("SELECT COALESCE(MAX(position), 0) FROM events")?
            .query_row([], |row| row.get(0))?;
        Ok(Self {
            after: FeedPosition {
                tx: 0,
                position: after,
            },
            events: Some(Vec::new()),
        })
    }

    /// `events`, in the feed's order, come right after the event at `after`.
    pub(super) fn new(after: FeedPosition, events: Vec<RawFeedEvent>) -> Self {
        Self {
            after,
            events: Some(events),
        }
    }

    /// Adds a command's `rows`, inserted at the places and times `returned`.
    pub(super) fn add(&mut self, rows: &Rows, returned: &[(i64, String)]) {
        let Some(events) = &mut self.events else {
            return;
        };
        for (i, (position, recorded_at)) in returned.iter().enumerate() {
            let Ok(recorded_at) = parse_recorded_at(recorded_at) else {
                self.events = None;
                return;
            };
            events.push(RawFeedEvent {
                position: *position,
                tx: 0,
                aggregate_type: rows.types[i].clone(),
                aggregate_id: rows.ids[i].clone(),
                sequence: rows.sequences[i],
                event_type: rows.event_types[i].clone(),
                event_version: rows.versions[i].clone(),
                payload: rows.payloads[i].clone(),
                recorded_at,
            });
        }
    }
}

#[cfg(test)]
mod tests;
