//! Appends on SQLite, committed in groups.
//!
//! SQLite writes one transaction at a time, and at `synchronous = FULL` each commit syncs the log
//! file, so commands appended one transaction each queue behind one another's syncs (measured
//! with `articula bench http` registering at 4 clients: the append stage took 3.4 ms of the
//! 4.3 ms the server spent on a command, with the process using 1.2 of its 2 cores). Here an
//! append joins its file's queue and waits for the turn ([`crate::writer`]); whoever gets the
//! turn takes everything queued, at most [`GROUP_AT_MOST`](super::GROUP_AT_MOST) appends in the
//! queue's order, and writes them in one transaction, each command's rows inside a savepoint of
//! their own, then goes on with what queued meanwhile, in the same turn ([`commit`]):
//!
//! * a command whose append conflicts (another writer appended to its stream first), whose
//!   idempotency claim was taken over, or whose recalled session has ended or whose account has
//!   changed ([`crate::SessionGuard`], checked before anything of it is written) is rolled back to
//!   its savepoint and answered so, and the others go on;
//! * any other failure (the disk, the file) rolls the whole transaction back and every command
//!   of the group is answered with it: nothing of the group was written;
//! * a command is answered only once the commit has returned, so an acknowledged append is as
//!   durable as one committed alone, and a command's rows are all written or none.
//!
//! The group is written by a task of its own, so that cancelling the command that took the turn
//! does not cancel the others' appends. A command cancelled while its append is still queued
//! takes it out of the queue: it is never written.

use std::path::Path;
use std::sync::atomic::Ordering;
use std::sync::{Arc, LazyLock, Mutex, Weak};

use cqrs_es::persist::PersistenceError;
use rusqlite::{params, DropBehavior, TransactionBehavior};
use sqlx::SqlitePool;

use super::watchers::{CommitWatcher, Told};
use super::{Answer, Mark, Queue, Queued};
use crate::database::SQLITE_BUSY_TIMEOUT;
use crate::idempotency::{ClaimLost, IdempotentWrite};
use crate::repository::Rows;
use crate::sessions::SessionRefused;
use crate::text_time::sqlite_time;
use crate::writer::{closed, of_file, sqlite_turn, Held, PerFile, Writer};
use crate::{FeedPosition, SessionGuard};

/// The most groups written back to back in one turn of the file ([`commit`]): a background
/// writer that comes meanwhile waits for at most these, besides its own yielding to commands
/// (`writer::YIELD_AT_MOST`).
const GROUPS_PER_TURN_AT_MOST: usize = 8;

/// The queue of each SQLite file this process appends to.
static QUEUES: PerFile<Queue> = LazyLock::new(Mutex::default);

impl Queue {
    pub(super) fn of(pool: &SqlitePool) -> Arc<Self> {
        of_file(&QUEUES, pool)
    }
}

/// Has `watcher` told of the events every group commits to `pool`'s file from now on (see
/// [`super::watchers`]).
pub(crate) fn watch(pool: &SqlitePool, watcher: Weak<dyn CommitWatcher>) {
    Queue::of(pool).watchers.add(watcher);
}

/// Appends `rows` (and marks `keyed`'s key) on SQLite if `session`, when there is one to
/// check, still holds; committed with whatever other appends wait for the same file at the same
/// moment (see the module's documentation).
pub(crate) async fn append(
    pool: &SqlitePool,
    rows: Rows,
    keyed: Option<IdempotentWrite>,
    session: Option<SessionGuard>,
) -> Answer {
    let queue = Queue::of(pool);
    let mut place = queue.join(rows, keyed, session);
    loop {
        tokio::select! {
            biased;
            answer = &mut place.answered => {
                return answer.unwrap_or_else(|_| {
                    Err(PersistenceError::UnknownError(
                        "the append's group ended without an answer".into(),
                    ))
                });
            }
            turn = sqlite_turn(pool, Writer::Command) => {
                // Empty when an earlier group took this append: its answer comes from there.
                let group = queue.next_group();
                if !group.is_empty() {
                    tokio::spawn(commit(queue.clone(), pool.clone(), group, turn));
                }
            }
        }
    }
}

/// Writes `group` in one transaction while holding the file's turn, then answers each append;
/// then, still holding the turn, the group queued meanwhile, until none is or
/// [`GROUPS_PER_TURN_AT_MOST`] have been written. The transactions are blocking calls on the
/// file's append connection, made on a thread of the blocking pool: with sqlx, each of their
/// statements was a round trip between this runtime and the connection's own thread, and a group
/// of three registrations held the turn 0.8 ms (the turn was busy 90% of the time at 4 clients).
/// Going on from one group to the next on that thread spares the hand-offs between them: back to
/// this task, the turn to a waiting command's task, a task spawned for its group, and its call on
/// the blocking pool (docs/benchmarks.md, "twenty-ninth session").
async fn commit(queue: Arc<Queue>, pool: SqlitePool, group: Vec<Queued>, mut turn: Held) {
    if closed(&mut turn, &pool) {
        answer(group, Err(GroupError::Closed));
        return;
    }
    let options = pool.connect_options();
    let connection = turn.appends.take();
    let store_pool = pool.clone();
    let written = tokio::task::spawn_blocking(move || {
        let opened = connection.map_or_else(|| open(options.get_filename()), Ok);
        let mut connection = match opened {
            Ok(connection) => connection,
            Err(error) => {
                answer(group, Err(GroupError::Sqlite(error)));
                return (None, 0);
            }
        };
        let mut group = group;
        let mut commits = 0;
        loop {
            let written = write(&mut connection, &group, queue.watchers.any());
            let kept = written.is_ok();
            let written = written.map(|(answers, told)| {
                queue.committed.fetch_add(1, Ordering::Relaxed);
                // Before the answers, so that the read models a command's answer waits for
                // have its events when it comes.
                if let Some(told) = told {
                    queue.watchers.tell(told);
                }
                answers
            });
            // Answered while the turn is still held: the commands of the group, which also wait
            // for the turn in case their append is still queued, take their answer instead.
            answer(group, written.map_err(GroupError::Sqlite));
            // A connection whose write failed is closed; the next group opens another.
            if !kept {
                return (None, commits);
            }
            commits += 1;
            // A closed store writes nothing more; what is queued waits for the turn, which finds
            // it closed.
            if commits == GROUPS_PER_TURN_AT_MOST || store_pool.is_closed() {
                break;
            }
            group = queue.next_group();
            if group.is_empty() {
                break;
            }
        }
        (Some(connection), commits)
    })
    .await;
    if let Ok((connection, commits)) = written {
        for _ in 0..commits {
            turn.committed(&pool);
        }
        turn.appends = connection;
    }
    // A write that panicked dropped its group's answers: each command hears that its group
    // ended without one.
}

/// Sends each append of `group` its answer, or the group's failure.
fn answer(group: Vec<Queued>, written: Result<Vec<Answer>, GroupError>) {
    match written {
        Ok(answers) => {
            for (queued, answer) in group.into_iter().zip(answers) {
                let _ = queued.answer.send(answer);
            }
        }
        Err(error) => {
            for queued in group {
                let _ = queued.answer.send(Err(error.for_each()));
            }
        }
    }
}

/// The file's connection for appends, set as the pool's connections are (`Database::connect`;
/// sqlx's options cannot be read back for a rusqlite connection, so the two lists are kept
/// alike here), except that it never checkpoints the log itself (see `wal_checkpoint`).
fn open(file: &Path) -> rusqlite::Result<rusqlite::Connection> {
    let connection = rusqlite::Connection::open(file)?;
    connection.busy_timeout(SQLITE_BUSY_TIMEOUT)?;
    connection.execute_batch(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = FULL;
         PRAGMA foreign_keys = ON;
         PRAGMA wal_autocheckpoint = 0;",
    )?;
    Ok(connection)
}

/// The group's transaction: each append within a savepoint, refused ones rolled back to it.
/// Returns the answers once the transaction has committed, and, when `watched`, what to tell
/// the watchers. Immediate: the group is sure to write, so it takes the file's write lock at
/// its start (a writer of another process makes it wait there, in SQLite's busy handler, rather
/// than fail on upgrading a read).
fn write(
    connection: &mut rusqlite::Connection,
    group: &[Queued],
    watched: bool,
) -> rusqlite::Result<(Vec<Answer>, Option<Told>)> {
    let mut transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut told = watched.then(|| Told::start(&transaction)).transpose()?;
    let mut answers = Vec::with_capacity(group.len());
    let mut returned = Vec::new();
    for queued in group {
        let (rows, keyed) = (&queued.rows, queued.keyed.as_ref());
        let session = queued.session.as_ref();
        returned.clear();
        let returning = if told.is_some() {
            Some(&mut returned)
        } else {
            None
        };
        let answer = if keyed.is_none() && rows.sequences.len() == 1 {
            // One statement after the session's check, which writes nothing: all or nothing.
            write_one(&transaction, rows, keyed, session, returning)?
        } else {
            let mut savepoint = transaction.savepoint()?;
            let answer = write_one(&savepoint, rows, keyed, session, returning)?;
            if answer.is_ok() {
                savepoint.commit()?;
            } else {
                savepoint.set_drop_behavior(DropBehavior::Rollback);
                savepoint.finish()?;
            }
            answer
        };
        if let (Ok(_), Some(told)) = (&answer, &mut told) {
            told.add(rows, &returned);
        }
        answers.push(answer);
    }
    transaction.commit()?;
    Ok((answers, told))
}

/// One command's rows: `Ok(Err(_))` when the append is refused (a conflict, a lost claim, a
/// session ended), which leaves the transaction usable; `Err(_)` for any other failure. Each
/// row's position and recording time go to `returning`, when given.
fn write_one(
    connection: &rusqlite::Connection,
    rows: &Rows,
    keyed: Option<&IdempotentWrite>,
    session: Option<&SessionGuard>,
    mut returning: Option<&mut Vec<(i64, String)>>,
) -> rusqlite::Result<Answer> {
    if let Some((digest, version)) = session.and_then(SessionGuard::to_check) {
        // The session read lately, checked before anything is written (see the guard).
        let live = connection
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM sessions s
                 WHERE s.token_digest = ?1 AND s.revoked_at IS NULL AND s.expires_at > ?2
                   AND (SELECT COALESCE(MAX(a.sequence), 0) FROM events a
                        WHERE a.aggregate_type = 'account' AND a.aggregate_id = s.account_id)
                       = ?3)",
            )?
            .query_row(
                params![
                    &digest[..],
                    sqlite_time(chrono::Utc::now()),
                    i64::try_from(version).unwrap_or(i64::MAX)
                ],
                |row| row.get::<_, bool>(0),
            )?;
        if let Some(guard) = session {
            guard.settle(live);
        }
        if !live {
            return Ok(Err(PersistenceError::UnknownError(Box::new(
                SessionRefused,
            ))));
        }
    }
    if let Some(keyed) = keyed {
        let mark = Mark::of(keyed, rows);
        // The key and the events commit together; a claim taken over writes nothing.
        let marked = connection
            .prepare_cached(
                "UPDATE idempotency_keys
                 SET state = 'committed', status = ?3, answer_id = ?4, answer_version = ?5,
                     last_aggregate_type = ?6, last_aggregate_id = ?7, last_sequence = ?8
                 WHERE account_id = ?1 AND key = ?2 AND claim = ?9
                   AND state IN ('pending', 'committed')",
            )?
            .execute(params![
                mark.account.to_string(),
                mark.key,
                i64::from(mark.status),
                mark.answer_id,
                mark.answer_version,
                mark.last_type,
                mark.last_id,
                mark.last_sequence,
                mark.claim,
            ])?;
        if marked == 0 {
            return Ok(Err(PersistenceError::UnknownError(Box::new(ClaimLost))));
        }
    }
    // Each row takes the next position in the statement that inserts it (the trigger that
    // would otherwise give it in a second write of the row stands aside), and returns it.
    let mut insert = connection.prepare_cached(
        "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata, hash, position)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, (SELECT COALESCE(MAX(position), 0) + 1 FROM events))
         RETURNING position, recorded_at",
    )?;
    let mut position = 0;
    for i in 0..rows.sequences.len() {
        let inserted = insert.query_row(
            params![
                rows.types[i],
                rows.ids[i],
                rows.sequences[i],
                rows.event_types[i],
                rows.versions[i],
                rows.payloads[i],
                rows.metadata[i],
                rows.hashes[i],
            ],
            |row| Ok((row.get(0)?, row.get(1)?)),
        );
        match inserted {
            Ok((given, recorded_at)) => {
                position = given;
                if let Some(returned) = returning.as_deref_mut() {
                    returned.push((given, recorded_at));
                }
            }
            Err(error) if is_conflict(&error) => {
                return Ok(Err(PersistenceError::OptimisticLockError))
            }
            Err(error) => return Err(error),
        }
    }
    Ok(Ok(FeedPosition { tx: 0, position }))
}

/// Whether an insert clashed with a row of the same stream and sequence: another writer
/// appended to the stream first.
fn is_conflict(error: &rusqlite::Error) -> bool {
    matches!(error, rusqlite::Error::SqliteFailure(failure, Some(message))
        if failure.code == rusqlite::ErrorCode::ConstraintViolation
            && message.contains("events.aggregate_type"))
}

/// Why a whole group was not written.
enum GroupError {
    /// The store has closed the database.
    Closed,
    Sqlite(rusqlite::Error),
}

impl GroupError {
    /// The answer of each append of the group: the kind of error each would have met alone.
    /// A conflict is never the group's: it is answered to its own command.
    fn for_each(&self) -> PersistenceError {
        match self {
            Self::Closed => PersistenceError::ConnectionError(
                "the append was not written: the database is closed".into(),
            ),
            Self::Sqlite(error) => PersistenceError::UnknownError(
                format!("the append was not written: {error}").into(),
            ),
        }
    }
}
