//! Appends on PostgreSQL: each command's events in one statement, and the appends of commands
//! made at the same moment in one statement together.
//!
//! Most of what PostgreSQL spends on an append is the statement and its commit, not the rows:
//! measured with `pgbench` inserting the register's row into `events` at 16 clients, the server
//! spent 161–163 µs of CPU per row committed one statement each, 76 µs per row in statements of
//! four rows and 50–53 µs in statements of eight (docs/benchmarks.md). So an append joins its
//! event log's queue ([`super::Queue`]); at most [`IN_FLIGHT_AT_MOST`] statements of one log run
//! at once, and whoever takes a free place takes every append queued, at most
//! [`GROUP_AT_MOST`](super::GROUP_AT_MOST), into one statement ([`statement::write`]):
//!
//! * each command's conditions (its idempotency claim, its recalled session) are checked for it
//!   alone, in the statement; a command whose condition fails writes nothing and is answered so,
//!   and the others are written; the statement carries only the kinds of condition its commands
//!   have ([`statement`]);
//! * a statement PostgreSQL refuses has written nothing (a conflict: another writer appended to
//!   one of the streams first, or two commands of the group to the same stream; or any other
//!   error of the server's), so each command of the group is then appended alone, in the order
//!   queued, and hears its own answer: a conflict goes only to the command that conflicts;
//! * a connection lost on the way answers every command of the group with that, as it would
//!   have answered one command alone (the statement may or may not have committed; the
//!   idempotency key of a retried request tells which);
//! * a command is answered only once the statement has returned, so an acknowledged append is
//!   as durable as one committed alone, and a command's rows are all written or none.
//!
//! A command that finds a free place and only its own append queued writes it itself, the same
//! statement for one command ([`alone()`]): one client waits no longer than before. A group is
//! written by a task of its own, so that cancelling the command that took it does not cancel
//! the others' appends; a command cancelled while its append is still queued takes it out of
//! the queue, and it is never written.

use std::sync::atomic::Ordering;
use std::sync::{Arc, Weak};

use cqrs_es::persist::PersistenceError;
use sqlx::PgPool;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use self::statement::{write, Append};
pub use self::turn::WriteTurn;
use super::watchers::{Told, Watchers};
use super::{Answer, CommitWatcher, Queue, Queued};
use crate::idempotency::IdempotentWrite;
use crate::parked::Parked;
use crate::repository::Rows;
use crate::SessionGuard;

/// The most statements of appends one event log has running at once. One: the appends that
/// come while a statement runs queue for the next, which is the larger for it. Measured with
/// `articula bench http --clients 16 --backends postgres`, two runs each (docs/benchmarks.md):
/// registrations sustained 5,061 and 5,216/s with one, 4,759 and 4,410/s with two, 4,771 and
/// 4,073/s with three; PostgreSQL's CPU per registration 119–122, 143–155 and 150–173 µs.
/// Measured again in the thirty-fourth session, two pairs: 5,314 and 5,236/s with one, 5,127
/// and 5,005/s with two, whose second statement is never sure of its place in the feed (a
/// quarter of the events read back; the answers' wait for the read models 0.20 ms, not 0.01).
/// No statement of this log waits for a lock another of its statements holds: nothing in
/// Articula keeps a transaction open across an append.
const IN_FLIGHT_AT_MOST: usize = 1;

/// What the appends of one event log on PostgreSQL share: the connections they keep between
/// them ([`Parked`]), and their queue for groups. A repository made on its own has neither, and
/// writes each append alone on a connection of the pool.
#[derive(Clone, Default)]
pub struct PgAppends {
    parked: Parked,
    groups: Option<Arc<Groups>>,
}

struct Groups {
    queue: Arc<Queue>,
    /// One permit per statement that may run at once.
    places: Arc<Semaphore>,
}

impl PgAppends {
    /// The appends of an event log on `pool`: parked connections and groups.
    pub(crate) fn on(pool: &PgPool) -> Self {
        Self {
            parked: Parked::on(pool),
            groups: Some(Arc::new(Groups {
                queue: Arc::default(),
                places: Arc::new(Semaphore::new(IN_FLIGHT_AT_MOST)),
            })),
        }
    }

    /// Has `watcher` told of the events these appends commit from now on.
    pub(crate) fn watch(&self, watcher: Weak<dyn CommitWatcher>) {
        if let Some(watchers) = self.watchers() {
            watchers.add(watcher);
        }
    }

    /// Who is told of the events these appends commit ([`super::watchers`]): kept with the
    /// queue, as SQLite's are with each file's.
    fn watchers(&self) -> Option<&Watchers> {
        self.groups.as_deref().map(|groups| &groups.queue.watchers)
    }

    /// The turn these appends' statements take, for the process's other writers to take too
    /// ([`turn`]).
    pub(crate) fn turn(&self) -> WriteTurn {
        self.groups
            .as_deref()
            .map(|groups| WriteTurn::of(&groups.places))
            .unwrap_or_default()
    }

    /// Whether anyone is to be told of the events a statement commits.
    fn watched(&self) -> bool {
        self.watchers().is_some_and(Watchers::any)
    }
}

/// Appends `rows` (and marks `keyed`'s key) if `session`, when there is one to check, still
/// holds: alone or with the appends queued beside it (see the module's documentation).
pub(crate) async fn append(
    appends: &PgAppends,
    pool: &PgPool,
    rows: Rows,
    keyed: Option<&IdempotentWrite>,
    session: Option<&SessionGuard>,
) -> Answer {
    let Some(groups) = &appends.groups else {
        let append = Append {
            rows: &rows,
            keyed,
            session,
        };
        return alone(appends, pool, append).await;
    };
    let queue = &groups.queue;
    let mut place = queue.join(rows, keyed.cloned(), session.cloned());
    loop {
        tokio::select! {
            biased;
            answer = &mut place.answered => return answer.unwrap_or_else(|_| no_answer()),
            permit = groups.places.clone().acquire_owned() => {
                let Ok(permit) = permit else {
                    unreachable!("the places of a log's appends are never closed")
                };
                let mut group = queue.next_group();
                match group.as_slice() {
                    // An earlier group took this append: its answer comes from there.
                    [] => return (&mut place.answered).await.unwrap_or_else(|_| no_answer()),
                    [only] if only.number == place.number => {
                        let only = group.pop().unwrap_or_else(|| unreachable!("one queued"));
                        let answer = alone(appends, pool, Append::of(&only)).await;
                        drop(permit);
                        return answer;
                    }
                    _ => {
                        tokio::spawn(commit(
                            appends.clone(), queue.clone(), pool.clone(), group, permit,
                        ));
                    }
                }
            }
        }
    }
}

fn no_answer() -> Answer {
    Err(PersistenceError::UnknownError(
        "the append's group ended without an answer".into(),
    ))
}

/// Writes `group`, holding one of the log's places, and answers each append.
async fn commit(
    appends: PgAppends,
    queue: Arc<Queue>,
    pool: PgPool,
    group: Vec<Queued>,
    place: OwnedSemaphorePermit,
) {
    if group.len() > 1 {
        let together: Vec<_> = group.iter().map(Append::of).collect();
        match write(&appends.parked, &pool, &together, appends.watched()).await {
            Ok((answers, told)) => {
                queue.committed.fetch_add(1, Ordering::Relaxed);
                // The next statement need not wait while the read models take this one's events.
                drop(place);
                tell(&appends, told);
                for (queued, answer) in group.into_iter().zip(answers) {
                    let _ = queued.answer.send(answer);
                }
                return;
            }
            // Refused by the server, so nothing of it was written: each goes alone below.
            Err(error) if refused(&error) => {}
            Err(error) => {
                let unavailable = crate::error::is_unavailable(&error);
                let message = format!("the append's group was not answered: {error}");
                for queued in group {
                    let error = message.clone().into();
                    let _ = queued.answer.send(Err(if unavailable {
                        PersistenceError::ConnectionError(error)
                    } else {
                        PersistenceError::UnknownError(error)
                    }));
                }
                return;
            }
        }
    }
    for queued in group {
        let answer = alone(&appends, &pool, Append::of(&queued)).await;
        let _ = queued.answer.send(answer);
    }
}

/// One command's append in a statement of its own, with its own answer or error.
async fn alone(appends: &PgAppends, pool: &PgPool, append: Append<'_>) -> Answer {
    let watched = appends.watched();
    match write(
        &appends.parked,
        pool,
        std::slice::from_ref(&append),
        watched,
    )
    .await
    {
        Ok((mut answers, told)) => {
            tell(appends, told);
            answers.pop().unwrap_or_else(no_answer)
        }
        Err(error) => Err(append_error(error)),
    }
}

/// Tells the watchers of a statement's events, before its commands hear their answers: the read
/// models a command's answer waits for then have its events when it comes.
fn tell(appends: &PgAppends, told: Option<Told>) {
    if let (Some(told), Some(watchers)) = (told, appends.watchers()) {
        watchers.tell(told);
    }
}

/// Whether the server refused a statement: it wrote nothing, and each of the group's appends
/// can be tried alone.
fn refused(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(_)) && !crate::error::is_unavailable(error)
}

/// An append's failure as cqrs-es reports it. A clash on the primary key (aggregate type, id,
/// sequence) is another writer having appended to the stream first: a conflict.
pub(crate) fn append_error(error: sqlx::Error) -> PersistenceError {
    let conflict =
        matches!(&error, sqlx::Error::Database(db) if db.constraint() == Some("events_pkey"));
    if conflict {
        PersistenceError::OptimisticLockError
    } else if crate::error::is_unavailable(&error) {
        PersistenceError::ConnectionError(Box::new(error))
    } else {
        PersistenceError::UnknownError(Box::new(error))
    }
}

mod statement;
#[cfg(test)]
mod tests;
mod turn;
