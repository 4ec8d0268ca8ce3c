//! Following the feed: a reader returns each next batch after its checkpoint, woken by the
//! commits it is told of ([`Commits`]) and, failing a wake-up, by polling.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

use super::{postgres, sqlite, Feed, FeedEvent, FeedPosition, Positioned, RawFeedEvent};
use crate::held::{on_kept_or_pool, HeldConnection};
use crate::{Database, StoreError};

/// How often the followers nobody waits for (the chain's sealer, the notifier, the mail sender)
/// read while they keep up ([`FeedReader::unhurried`]): a mail or a chain link goes out at most
/// this much later, and each of them works in batches of this many milliseconds' commits.
pub const BACKGROUND_PACE: Duration = Duration::from_millis(25);

/// What wakes the feed's readers, as it stands after the last commit signalled: every commit of
/// this process, and every announcement of another's, changes it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Commits {
    /// Where this process's last commit ends in the feed.
    pub here: FeedPosition,
    /// How many times the commits of other processes were announced (or may have been missed:
    /// the listener reconnected).
    pub elsewhere: u64,
}

impl Commits {
    /// Signals a commit of this process, whose last event is at `last`.
    pub(crate) fn committed_here(&mut self, last: FeedPosition) {
        self.here = self.here.max(last);
    }

    /// Signals commits of other processes.
    pub(crate) fn committed_elsewhere(&mut self) {
        self.elsewhere = self.elsewhere.wrapping_add(1);
    }
}

/// Tails the feed: each call returns the next non-empty batch, waiting for new events.
pub struct FeedReader {
    feed: Feed,
    connection: Option<Arc<HeldConnection>>,
    wake: watch::Receiver<Commits>,
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
    /// See [`Self::passing_over`].
    has: Option<watch::Receiver<FeedPosition>>,
    /// [`Commits::elsewhere`] when the last read began.
    elsewhere_read: u64,
    /// The last batch ended before this process's last commit as signalled when it was read:
    /// an open transaction elsewhere on the server hid the rest (PostgreSQL's feed is read only
    /// below the oldest running transaction). Its end sends no wake-up, so the next read comes
    /// soon ([`FIRST_RECHECK`]) rather than at the polling backstop.
    hidden: bool,
}

/// How soon a reader looks again when a commit it knows of was not in its read: after a wake-up
/// that found nothing, or after a batch that ended before this process's last commit. Doubled
/// each time it finds nothing more, up to the polling interval ([`next_recheck`]).
const FIRST_RECHECK: Duration = Duration::from_millis(5);

impl FeedReader {
    pub(super) fn new(feed: Feed, after: FeedPosition, batch_size: usize) -> Self {
        let connection = HeldConnection::for_worker(&feed.db);
        let wake = feed.wake.clone();
        Self {
            feed,
            connection,
            wake,
            after,
            batch_size,
            settled: false,
            pace: None,
            last_read: None,
            has: None,
            elsewhere_read: 0,
            hidden: false,
        }
    }

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

    /// The same reader, for a follower that is also told of this process's commits as they are
    /// made (the read models: `CommitWatcher`) and has applied every event up to `has`. A
    /// wake-up for this process's commits that it has already applied is passed over without a
    /// read, and the reader's checkpoint moves up to `has`. The read models' tail read every
    /// commit back after applying it, and passed over every event it read: a query, the rows'
    /// transfer and decoding, for nothing (docs/benchmarks.md, "thirty-first session").
    ///
    /// What it passes over is only what is sure to be applied: every commit of this process
    /// lies at or before [`Commits::here`], and `has` covers everything before it. Another
    /// process's announcement is always read, and so is the feed at each polling interval
    /// (writers that announce nothing, and commits an open transaction hid from a read).
    pub fn passing_over(mut self, has: watch::Receiver<FeedPosition>) -> Self {
        self.has = Some(has);
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
        // After a wake-up that found nothing, or a batch that ended before this process's last
        // commit (`hidden`), something has committed that an older open transaction
        // (anywhere on the server: the oldest running transaction is cluster-wide) still hides.
        // Look again soon, backing off, rather than wait a full polling interval.
        let mut recheck = self.hidden.then_some(FIRST_RECHECK);
        if self.settled {
            // A commit signalled since the last read began ends this wait at once.
            self.wait(&mut recheck).await;
            self.settled = false;
            self.keep_pace().await;
        }
        loop {
            // Mark the signal seen before reading: a commit that lands during the read (or
            // while keeping pace) wakes the wait below instead of being lost.
            let commits = *self.wake.borrow_and_update();
            self.elsewhere_read = commits.elsewhere;
            self.last_read = Some(tokio::time::Instant::now());
            let batch = read(self.after).await?;
            if let Some(last) = batch.last() {
                self.after = last.feed_position();
                self.settled = batch.len() < self.batch_size;
                // Every commit of this process up to `commits.here` had ended before the read.
                self.hidden = self.after < commits.here;
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

    /// Waits for a wake-up or, failing one, the polling backstop (sooner when rechecking). The
    /// backstop's moment is fixed when the wait begins: wake-ups passed over do not put it off.
    async fn wait(&mut self, recheck: &mut Option<Duration>) {
        let poll = self.feed.poll_interval;
        let until = tokio::time::Instant::now() + recheck.map_or(poll, |d| d.min(poll));
        loop {
            tokio::select! {
                changed = self.wake.changed() => {
                    if changed.is_err() {
                        // No more in-process signals: keep going on polling alone.
                        tokio::time::sleep(poll).await;
                    } else if self.has_what_woke_it() {
                        continue;
                    }
                    *recheck = Some(FIRST_RECHECK);
                    return;
                }
                () = tokio::time::sleep_until(until) => {
                    *recheck = next_recheck(*recheck, poll);
                    return;
                }
            }
        }
    }

    /// Whether the follower has already applied every commit signalled since the last read
    /// ([`Self::passing_over`]); if so, the reader's checkpoint moves up to what it has.
    fn has_what_woke_it(&mut self) -> bool {
        let Some(has) = &self.has else {
            return false;
        };
        let has = *has.borrow();
        let commits = *self.wake.borrow_and_update();
        if commits.elsewhere != self.elsewhere_read || has < commits.here {
            return false;
        }
        self.after = self.after.max(has);
        true
    }
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
