//! Appends committed in groups: the appends of the commands that wait at the same moment are
//! written together, each command's all or nothing. On PostgreSQL, in one statement
//! ([`postgres`]); on SQLite, in one transaction with one sync of the disk, for the appends of
//! all the commands that wait for the file's turn at the same moment ([`sqlite`]). This module
//! holds what both share: the queue of appends waiting, each command's place in it, and what a
//! keyed append marks on its key.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

use cqrs_es::persist::PersistenceError;
use tokio::sync::oneshot;

use crate::idempotency::IdempotentWrite;
use crate::repository::Rows;
use crate::{FeedPosition, SessionGuard};

/// The most appends one transaction holds, so that one sync never waits for an unbounded write.
const GROUP_AT_MOST: usize = 64;

/// What a command's append is answered: where its last event sits in the feed, or why nothing
/// of it was written.
type Answer = Result<FeedPosition, PersistenceError>;

/// One command's append, waiting in its file's queue.
struct Queued {
    number: u64,
    rows: Rows,
    keyed: Option<IdempotentWrite>,
    session: Option<SessionGuard>,
    answer: oneshot::Sender<Answer>,
}

/// What a keyed append writes on its key as it commits, on either backend: the answer's
/// essentials, under its claim.
struct Mark<'a> {
    account: domain::values::AccountId,
    key: &'a str,
    status: u16,
    answer_id: Option<&'a str>,
    /// The stream's version after the write, for an answer that carries it.
    answer_version: Option<i64>,
    last_type: &'a str,
    last_id: &'a str,
    last_sequence: i64,
    claim: i64,
}

impl<'a> Mark<'a> {
    fn of(keyed: &'a IdempotentWrite, rows: &'a Rows) -> Self {
        let last = rows.last();
        Self {
            account: keyed.claim.account,
            key: &keyed.claim.key,
            status: keyed.answer.status,
            answer_id: keyed.answer.created.as_deref(),
            answer_version: keyed.answer.with_version.then_some(last.sequence),
            last_type: last.aggregate_type,
            last_id: last.aggregate_id,
            last_sequence: last.sequence,
            claim: keyed.claim.number,
        }
    }
}

/// The appends waiting for one SQLite file, or for one event log's statements on PostgreSQL.
#[derive(Default)]
struct Queue {
    waiting: Mutex<VecDeque<Queued>>,
    numbers: AtomicU64,
    /// Groups whose transaction has committed (what the tests see of grouping).
    committed: AtomicU64,
    /// Who is told of the events each group (SQLite) or statement (PostgreSQL) commits
    /// ([`watchers`]).
    watchers: Watchers,
}

impl Queue {
    fn waiting(&self) -> std::sync::MutexGuard<'_, VecDeque<Queued>> {
        self.waiting.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn join(
        &self,
        rows: Rows,
        keyed: Option<IdempotentWrite>,
        session: Option<SessionGuard>,
    ) -> Place<'_> {
        let number = self.numbers.fetch_add(1, Ordering::Relaxed);
        let (answer, answered) = oneshot::channel();
        self.waiting().push_back(Queued {
            number,
            rows,
            keyed,
            session,
            answer,
        });
        Place {
            queue: self,
            number,
            answered,
        }
    }

    /// The next group: the oldest appends waiting, at most [`GROUP_AT_MOST`].
    fn next_group(&self) -> Vec<Queued> {
        let mut waiting = self.waiting();
        let taken = waiting.len().min(GROUP_AT_MOST);
        waiting.drain(..taken).collect()
    }
}

/// A command's place in its file's queue; dropped while still queued (the command was
/// cancelled), it takes the append out, so that it is never written.
struct Place<'a> {
    queue: &'a Queue,
    number: u64,
    answered: oneshot::Receiver<Answer>,
}

impl Drop for Place<'_> {
    fn drop(&mut self) {
        self.queue
            .waiting()
            .retain(|queued| queued.number != self.number);
    }
}

pub(crate) mod postgres;
pub(crate) mod sqlite;
mod watchers;

pub use watchers::CommitWatcher;
use watchers::Watchers;
#[cfg(test)]
mod tests;
