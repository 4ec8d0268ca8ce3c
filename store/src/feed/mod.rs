//! The global feed: every committed event exactly once, in one total order every reader agrees on.
//!
//! On PostgreSQL, positions come from an identity column and are handed out when a row is
//! inserted, so a transaction holding position 10 can commit after one holding 11: a reader asking
//! for `position > last` would skip 10 forever. The feed therefore reads in
//! `(tx_id, position)` order and only rows whose transaction id is below
//! `pg_snapshot_xmin(pg_current_snapshot())`, the oldest transaction still running. Every
//! transaction below that bound has ended, and every later one will get a larger id, so nothing
//! can ever appear before a row the feed has delivered: the order is final the moment it is read.
//! A transaction that stays open holds readers at its place (they wait; they never skip it).
//!
//! On SQLite there is one writer at a time and the position is assigned inside the write
//! transaction, so position order is already commit order.

pub(crate) mod postgres;
pub(crate) mod sqlite;

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, Utc};
use cqrs_es::persist::{PersistenceError, ReplayStream, SerializedEvent};
use futures::StreamExt;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::sync::watch;

use crate::held::on_kept_or_pool;
use crate::{Database, StoreError};

/// A place in the feed: the event at `position`, written by transaction `tx` (always 0 on SQLite).
/// Ordered by `(tx, position)`, which is the feed's order on both backends.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FeedPosition {
    pub tx: i64,
    pub position: i64,
}

impl FeedPosition {
    /// Before the first event.
    pub const START: Self = Self { tx: 0, position: 0 };
}

impl fmt::Display for FeedPosition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.tx, self.position)
    }
}

impl FromStr for FeedPosition {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        let (tx, position) = text
            .split_once(':')
            .ok_or_else(|| format!("`{text}` is not a feed position (`tx:position`)"))?;
        let parse = |part: &str| {
            part.parse::<i64>()
                .map_err(|_| format!("`{text}` is not a feed position (`tx:position`)"))
        };
        Ok(Self {
            tx: parse(tx)?,
            position: parse(position)?,
        })
    }
}

/// One committed event as the feed delivers it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeedEvent {
    pub position: i64,
    pub tx: i64,
    pub aggregate_type: String,
    pub aggregate_id: String,
    pub sequence: i64,
    pub event_type: String,
    pub event_version: String,
    pub payload: Value,
    pub metadata: Value,
    pub recorded_at: DateTime<Utc>,
}

impl FeedEvent {
    pub fn feed_position(&self) -> FeedPosition {
        FeedPosition {
            tx: self.tx,
            position: self.position,
        }
    }

    fn into_serialized(self) -> SerializedEvent {
        SerializedEvent::new(
            self.aggregate_id,
            usize::try_from(self.sequence).unwrap_or_default(),
            self.aggregate_type,
            self.event_type,
            self.event_version,
            self.payload,
            self.metadata,
        )
    }
}

/// A committed event with its payload as the stored JSON text, unparsed: what the projection
/// engine and the notifier read, so that each payload is parsed once, straight into its domain
/// type. Without its metadata: neither folds who sent a command or how (the audit API reads
/// [`FeedEvent`]s), and the metadata is the larger half of a row (about 250 bytes against 185
/// of payload in the benchmark's history), which a rebuild would read, copy and drop a million
/// times.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawFeedEvent {
    pub position: i64,
    pub tx: i64,
    pub aggregate_type: String,
    pub aggregate_id: String,
    pub sequence: i64,
    pub event_type: String,
    pub event_version: String,
    pub payload: String,
    pub recorded_at: DateTime<Utc>,
}

impl RawFeedEvent {
    pub fn feed_position(&self) -> FeedPosition {
        FeedPosition {
            tx: self.tx,
            position: self.position,
        }
    }
}

impl From<FeedEvent> for RawFeedEvent {
    fn from(event: FeedEvent) -> Self {
        Self {
            position: event.position,
            tx: event.tx,
            aggregate_type: event.aggregate_type,
            aggregate_id: event.aggregate_id,
            sequence: event.sequence,
            event_type: event.event_type,
            event_version: event.event_version,
            payload: event.payload.to_string(),
            recorded_at: event.recorded_at,
        }
    }
}

/// Something read from the feed, with its place in it.
pub trait Positioned {
    fn feed_position(&self) -> FeedPosition;
}

impl Positioned for FeedEvent {
    fn feed_position(&self) -> FeedPosition {
        FeedEvent::feed_position(self)
    }
}

impl Positioned for RawFeedEvent {
    fn feed_position(&self) -> FeedPosition {
        RawFeedEvent::feed_position(self)
    }
}

/// Runs the feed read `$read` (`postgres::$read` or `sqlite::$read`) on the open backend: on
/// `$connection`, a reader's own, when there is one.
macro_rules! read_on {
    ($feed:expr, $connection:expr, $read:ident, $after:expr, $limit:expr) => {{
        let after = $after;
        let limit = i64::try_from($limit.max(1)).unwrap_or(i64::MAX);
        match &$feed.db {
            Database::Postgres(pool) => {
                on_kept_or_pool($connection, pool, |c| {
                    Box::pin(postgres::$read(c, after, limit))
                })
                .await
            }
            Database::Sqlite(pool) => sqlite::$read(pool, after, limit).await,
        }
    }};
}

mod reader;

pub(crate) use reader::Commits;
pub use reader::{FeedReader, BACKGROUND_PACE};

/// Where the last event committed so far in `db` sits in the feed ([`FeedPosition::START`] for
/// an empty log).
pub(crate) async fn last_committed_in(db: &Database) -> Result<FeedPosition, StoreError> {
    match db {
        Database::Postgres(pool) => postgres::last(pool).await,
        // One writer at a time: the highest position is the last in the feed.
        Database::Sqlite(pool) => Ok(FeedPosition {
            tx: 0,
            position: sqlite::head_position(pool).await?,
        }),
    }
}

/// Reads the feed. Cheap to clone; every clone shares the wake-up signal.
#[derive(Clone)]
pub struct Feed {
    db: Database,
    wake: watch::Receiver<Commits>,
    poll_interval: Duration,
}

impl Feed {
    pub(crate) fn new(db: Database, wake: watch::Receiver<Commits>) -> Self {
        // Polling is the backstop for wake-ups that cannot come: a writer in another process on
        // SQLite, or an unrelated long transaction ending on PostgreSQL (it sends no NOTIFY).
        let poll_interval = Duration::from_millis(match db {
            Database::Postgres(_) => 100,
            Database::Sqlite(_) => 250,
        });
        Self {
            db,
            wake,
            poll_interval,
        }
    }

    /// The same feed with another polling backstop (tests use a long one to show that wake-ups
    /// arrive by notification, not by polling).
    pub fn with_poll_interval(mut self, poll_interval: Duration) -> Self {
        self.poll_interval = poll_interval;
        self
    }

    /// Up to `limit` events after `after`, in feed order. Returns fewer (or none) when no more
    /// are final yet; never returns an event before one it returned earlier.
    pub async fn read_after(
        &self,
        after: FeedPosition,
        limit: usize,
    ) -> Result<Vec<FeedEvent>, StoreError> {
        read_on!(self, None, read_after, after, limit)
    }

    /// Like [`Self::read_after`], with payloads left as stored text and no metadata
    /// ([`RawFeedEvent`]).
    pub async fn read_raw_after(
        &self,
        after: FeedPosition,
        limit: usize,
    ) -> Result<Vec<RawFeedEvent>, StoreError> {
        read_on!(self, None, read_raw_after, after, limit)
    }

    /// The feed position of an event, if it has committed. Used to turn a client's global
    /// position into a place in the feed (read-your-writes, as-of).
    pub async fn locate(&self, position: i64) -> Result<Option<FeedPosition>, StoreError> {
        match &self.db {
            Database::Postgres(pool) => postgres::locate(pool, position).await,
            Database::Sqlite(pool) => sqlite::locate(pool, position).await,
        }
    }

    /// The highest global position handed out so far (0 for an empty log).
    pub async fn head_position(&self) -> Result<i64, StoreError> {
        match &self.db {
            Database::Postgres(pool) => postgres::head_position(pool).await,
            Database::Sqlite(pool) => sqlite::head_position(pool).await,
        }
    }

    /// Where the last event committed so far sits in the feed ([`FeedPosition::START`] for an
    /// empty log): what a follower that has read everything has as its checkpoint.
    pub async fn last_committed(&self) -> Result<FeedPosition, StoreError> {
        last_committed_in(&self.db).await
    }

    /// A reader that tails the feed from `after`. On PostgreSQL it keeps a connection of the
    /// pool for its reads ([`crate::held::HeldConnection`]): a follower reads after every
    /// commit.
    pub fn reader(&self, after: FeedPosition, batch_size: usize) -> FeedReader {
        FeedReader::new(self.clone(), after, batch_size)
    }
}

/// Which events a cqrs-es replay stream carries.
pub(crate) struct StreamFilter {
    pub aggregate_type: String,
    pub aggregate_id: Option<String>,
}

/// A cqrs-es `ReplayStream` over one aggregate type (or one stream), in feed order. It is one
/// query, so one consistent snapshot of everything committed when it starts; every database
/// error reaches the reader as an `Err` item, and the stream never ends early in silence.
pub(crate) fn replay_stream(db: Database, filter: StreamFilter) -> ReplayStream {
    let (mut sink, stream) = ReplayStream::new(500);
    tokio::spawn(async move {
        let mut events = match &db {
            Database::Postgres(pool) => postgres::stream(pool.clone(), filter),
            Database::Sqlite(pool) => sqlite::stream(pool.clone(), filter),
        };
        while let Some(event) = events.next().await {
            let item = event
                .map(FeedEvent::into_serialized)
                .map_err(|e| PersistenceError::UnknownError(Box::new(e)));
            let failed = item.is_err();
            if sink.push(item).await.is_err() || failed {
                return;
            }
        }
    });
    stream
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feed_positions_order_by_transaction_then_position() {
        let early_tx_late_position = FeedPosition {
            tx: 5,
            position: 90,
        };
        let late_tx_early_position = FeedPosition {
            tx: 6,
            position: 10,
        };
        assert!(early_tx_late_position < late_tx_early_position);
        assert!(FeedPosition::START < early_tx_late_position);
    }

    #[test]
    fn feed_positions_round_trip_through_text() {
        let at = FeedPosition {
            tx: 812,
            position: 77,
        };
        assert_eq!(at.to_string().parse::<FeedPosition>(), Ok(at));
        assert!("77".parse::<FeedPosition>().is_err());
        assert!("a:b".parse::<FeedPosition>().is_err());
    }
}
