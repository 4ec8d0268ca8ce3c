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
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use cqrs_es::persist::{PersistenceError, ReplayStream, SerializedEvent};
use futures::StreamExt;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::sync::watch;

use crate::held::{on_kept_or_pool, HeldConnection};
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

/// How often the followers nobody waits for (the chain's sealer, the notifier, the mail sender)
/// read while they keep up ([`FeedReader::unhurried`]): a mail or a chain link goes out at most
/// this much later, and each of them works in batches of this many milliseconds' commits.
pub const BACKGROUND_PACE: Duration = Duration::from_millis(25);

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
    wake: watch::Receiver<u64>,
    poll_interval: Duration,
}

impl Feed {
    pub(crate) fn new(db: Database, wake: watch::Receiver<u64>) -> Self {
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
    /// pool for its reads ([`HeldConnection`]): a follower reads after every commit.
    pub fn reader(&self, after: FeedPosition, batch_size: usize) -> FeedReader {
        let connection = HeldConnection::for_worker(&self.db);
        FeedReader {
            feed: self.clone(),
            connection,
            wake: self.wake.clone(),
            after,
            batch_size,
            settled: false,
            pace: None,
            last_read: None,
        }
    }
}

/// Tails the feed: each call returns the next non-empty batch, waiting for new events.
pub struct FeedReader {
    feed: Feed,
    connection: Option<Arc<HeldConnection>>,
    wake: watch::Receiver<u64>,
    after: FeedPosition,
    batch_size: usize,
    /// The last batch was shorter than `batch_size`: it held everything the feed showed when it
    /// was read, so the next read waits for a wake-up (or the polling backstop) first. Reading
    /// again at once would find nothing but cost the database a query per follower per commit.
    settled: bool,
    /// See [`Self::unhurried`].
    pace: Option<Duration>,
    /// When the last read began.
    last_read: Option<tokio::time::Instant>,
}

impl FeedReader {
    /// The same reader, reading at most once per `pace` while it keeps up with the feed (a
    /// reader behind it, whose last batch was full, reads on at once). For followers nobody
    /// waits for, whose work per read costs the same for one event as for a hundred: the chain's
    /// sealer and the notifier. Reading after every commit, each of them ran a read and a write
    /// for each command, beside the command's own append and on the same two cores, so that a
    /// command waited behind the background's statements; unhurried, they read the events of
    /// `pace` in one batch. A reader the answers wait for (the read models') is never paced.
    pub fn unhurried(mut self, pace: Duration) -> Self {
        self.pace = Some(pace);
        self
    }

    /// The position of the last event this reader returned (its checkpoint).
    pub fn position(&self) -> FeedPosition {
        self.after
    }

    /// The next batch after the reader's position, waiting until there is one.
    pub async fn next_batch(&mut self) -> Result<Vec<FeedEvent>, StoreError> {
        let (feed, connection) = (self.feed.clone(), self.connection.clone());
        let size = self.batch_size;
        self.next_with(|after| {
            let (feed, connection) = (feed.clone(), connection.clone());
            async move { read_on!(feed, connection.as_deref(), read_after, after, size) }
        })
        .await
    }

    /// Like [`Self::next_batch`], but gives up after `timeout` with an empty batch.
    pub async fn next_batch_within(
        &mut self,
        timeout: Duration,
    ) -> Result<Vec<FeedEvent>, StoreError> {
        match tokio::time::timeout(timeout, self.next_batch()).await {
            Ok(result) => result,
            Err(_) => Ok(Vec::new()),
        }
    }

    /// Like [`Self::next_batch_within`], with payloads left as stored text and no metadata
    /// ([`RawFeedEvent`]).
    pub async fn next_raw_batch_within(
        &mut self,
        timeout: Duration,
    ) -> Result<Vec<RawFeedEvent>, StoreError> {
        let (feed, connection) = (self.feed.clone(), self.connection.clone());
        let size = self.batch_size;
        let next = self.next_with(|after| {
            let (feed, connection) = (feed.clone(), connection.clone());
            async move { read_on!(feed, connection.as_deref(), read_raw_after, after, size) }
        });
        match tokio::time::timeout(timeout, next).await {
            Ok(result) => result,
            Err(_) => Ok(Vec::new()),
        }
    }

    pub(crate) async fn next_with<T, F, Fut>(&mut self, read: F) -> Result<Vec<T>, StoreError>
    where
        T: Positioned,
        F: Fn(FeedPosition) -> Fut,
        Fut: std::future::Future<Output = Result<Vec<T>, StoreError>>,
    {
        // After a wake-up that found nothing, something has committed that an older open
        // transaction (anywhere on the server: the oldest running transaction is cluster-wide)
        // still hides. Look again soon, backing off, rather than wait a full polling interval.
        let mut recheck: Option<Duration> = None;
        if self.settled {
            // A commit signalled since the last read began ends this wait at once.
            self.wait(&mut recheck).await;
            self.settled = false;
            self.keep_pace().await;
        }
        loop {
            // Mark the signal seen before reading: a commit that lands during the read (or
            // while keeping pace) wakes the wait below instead of being lost.
            self.wake.borrow_and_update();
            self.last_read = Some(tokio::time::Instant::now());
            let batch = read(self.after).await?;
            if let Some(last) = batch.last() {
                self.after = last.feed_position();
                self.settled = batch.len() < self.batch_size;
                return Ok(batch);
            }
            self.wait(&mut recheck).await;
            self.keep_pace().await;
        }
    }

    /// An unhurried reader waits until its pace has passed since its last read began.
    async fn keep_pace(&self) {
        if let (Some(pace), Some(last_read)) = (self.pace, self.last_read) {
            tokio::time::sleep_until(last_read + pace).await;
        }
    }

    /// Waits for a wake-up or, failing one, the polling backstop (sooner when rechecking).
    async fn wait(&mut self, recheck: &mut Option<Duration>) {
        let wait = recheck.map_or(self.feed.poll_interval, |d| d.min(self.feed.poll_interval));
        tokio::select! {
            changed = self.wake.changed() => {
                if changed.is_err() {
                    // No more in-process signals: keep going on polling alone.
                    tokio::time::sleep(self.feed.poll_interval).await;
                }
                *recheck = Some(Duration::from_millis(5));
            }
            () = tokio::time::sleep(wait) => {
                *recheck = next_recheck(*recheck, self.feed.poll_interval);
            }
        }
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

/// The wait before looking again after a wake-up found nothing: doubling, but never longer than
/// the polling interval (it once doubled without bound, and overflowed `Duration` after about a
/// minute of quiet, killing the sealer).
fn next_recheck(recheck: Option<Duration>, poll_interval: Duration) -> Option<Duration> {
    recheck.map(|wait| wait.saturating_mul(2).min(poll_interval))
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

    #[test]
    fn rechecks_back_off_up_to_the_polling_interval_however_long_it_is_quiet() {
        let poll = Duration::from_millis(100);
        assert_eq!(next_recheck(None, poll), None);
        let mut wait = Some(Duration::from_millis(5));
        let mut waits = Vec::new();
        // Far more quiet intervals than it took the old doubling to overflow.
        for _ in 0..10_000 {
            wait = next_recheck(wait, poll);
            waits.push(wait.unwrap());
        }
        assert_eq!(
            waits[..5].iter().map(|w| w.as_millis()).collect::<Vec<_>>(),
            [10, 20, 40, 80, 100]
        );
        assert!(waits.iter().all(|w| *w <= poll));
    }
}
