//! One writer at a time per SQLite file in this process, queued without sleeping, commands
//! first.
//!
//! SQLite lets one connection write at a time. When a second connection of the pool wants to
//! write, SQLite's busy handler sleeps and tries again (1, 2, 5, 10, 15, 20, 25… ms): measured
//! with `strace -c` on `bench http` registering at 4 clients, 1,551 such sleeps in 4 seconds,
//! 4.6 ms each, and a p99 of 54–92 ms for a command that takes 1 ms. So every write this process
//! makes on the command path first takes this process's turn for its file: the append of a
//! command ([`Writer::Command`]), and the background's derived writes ([`Writer::Background`]:
//! the notifier's record, the chain's links, the mail sender's marks). Turns are handed out in
//! order, except that a background write lets waiting commands go first (also one that comes
//! while the background write is queued), for at most [`YIELD_AT_MOST`] in all: in a plain queue
//! a command waited behind the background's durable commits (two mail marks per registration)
//! and the median doubled. A command still waits for a background write that holds the turn. Writers of other processes (an
//! `articula` command beside a server) still meet SQLite's busy handler.
//!
//! A turn is held only around one statement or one short transaction, never while taking
//! another turn, so turns cannot deadlock.
//!
//! Derived rows commit without waiting for the disk ([`unhurried_sqlite`]): the same promise
//! PostgreSQL's `UNHURRIED_COMMIT` gives them, in SQLite's terms.

use std::collections::HashMap;
use std::ops::{Deref, DerefMut};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock, Mutex, PoisonError};
use std::time::Duration;

use sqlx::pool::PoolConnection;
use sqlx::{Sqlite, SqliteConnection, SqlitePool};
use tokio::sync::{Notify, OwnedMutexGuard};

/// The longest a background write waits for commands to go first.
const YIELD_AT_MOST: Duration = Duration::from_millis(20);

/// Who is writing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Writer {
    /// A command's events: someone waits for the answer.
    Command,
    /// Rows derived in the background, which nobody waits for.
    Background,
}

/// The turn of one SQLite file.
#[derive(Default)]
struct Turn {
    lock: Arc<tokio::sync::Mutex<()>>,
    commands_waiting: AtomicUsize,
    no_command_waiting: Notify,
}

/// The turn of each SQLite file written by this process.
static TURNS: LazyLock<Mutex<HashMap<PathBuf, Arc<Turn>>>> = LazyLock::new(Mutex::default);

/// Waits for this process's turn to write to `pool`'s file (see the module's documentation).
pub(crate) async fn sqlite_turn(pool: &SqlitePool, writer: Writer) -> OwnedMutexGuard<()> {
    let file = pool.connect_options().get_filename().to_path_buf();
    let turn = TURNS
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .entry(file)
        .or_default()
        .clone();
    match writer {
        Writer::Command => {
            turn.commands_waiting.fetch_add(1, Ordering::AcqRel);
            let waiting = Waiting(&turn);
            let guard = turn.lock.clone().lock_owned().await;
            drop(waiting);
            guard
        }
        Writer::Background => {
            // Yields to waiting commands, also when one comes while this write is queued.
            let until = tokio::time::Instant::now() + YIELD_AT_MOST;
            loop {
                let notified = turn.no_command_waiting.notified();
                let yielding = || {
                    turn.commands_waiting.load(Ordering::Acquire) > 0
                        && tokio::time::Instant::now() < until
                };
                if yielding() {
                    let _ = tokio::time::timeout_at(until, notified).await;
                }
                let guard = turn.lock.clone().lock_owned().await;
                if !yielding() {
                    return guard;
                }
            }
        }
    }
}

/// A background write's turn and a connection of the pool set to commit without waiting for the
/// disk: `synchronous = NORMAL`, which in WAL mode writes the commit to the log file without
/// syncing it. A process crash loses nothing (the operating system holds the write); a power cut
/// may lose these commits since the last synced one. Every durable commit (an append, at `FULL`)
/// syncs the log file, so it also makes every unhurried commit before it durable, in order.
/// Only for rows derived from committed events or whose loss repeats work the same way (the
/// chain's links, the notifier's records, the mail sender's marks), never for an acknowledged
/// write.
///
/// The connection goes back to the pool at `FULL` ([`Unhurried::finish`]); dropped without that
/// (an error, a cancelled future), it is closed instead, so no command ever appends on it.
pub(crate) struct Unhurried {
    connection: PoolConnection<Sqlite>,
    restored: bool,
    _turn: OwnedMutexGuard<()>,
}

/// Takes the background's turn for `pool`'s file and a connection that commits unhurried.
pub(crate) async fn unhurried_sqlite(pool: &SqlitePool) -> Result<Unhurried, sqlx::Error> {
    let turn = sqlite_turn(pool, Writer::Background).await;
    let mut write = Unhurried {
        connection: pool.acquire().await?,
        restored: false,
        _turn: turn,
    };
    sqlx::query("PRAGMA synchronous = NORMAL")
        .execute(&mut *write.connection)
        .await?;
    Ok(write)
}

impl Unhurried {
    /// Sets the connection back to durable commits and returns it to the pool.
    pub(crate) async fn finish(mut self) -> Result<(), sqlx::Error> {
        sqlx::query("PRAGMA synchronous = FULL")
            .execute(&mut *self.connection)
            .await?;
        self.restored = true;
        Ok(())
    }
}

impl Deref for Unhurried {
    type Target = SqliteConnection;

    fn deref(&self) -> &SqliteConnection {
        &self.connection
    }
}

impl DerefMut for Unhurried {
    fn deref_mut(&mut self) -> &mut SqliteConnection {
        &mut self.connection
    }
}

impl Drop for Unhurried {
    fn drop(&mut self) {
        if !self.restored {
            self.connection.close_on_drop();
        }
    }
}

/// A command counted as waiting until it has the turn (or stops waiting).
struct Waiting<'a>(&'a Turn);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        if self.0.commands_waiting.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.0.no_command_waiting.notify_waiters();
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::time::Duration;

    use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};

    use super::*;
    use crate::{Database, DatabaseUrl};

    /// The store's own pool of a SQLite file.
    async fn pool_of(path: &Path) -> SqlitePool {
        match Database::connect(&DatabaseUrl::Sqlite(path.to_path_buf())).await {
            Ok(Database::Sqlite(pool)) => pool,
            other => panic!("a SQLite pool, not {other:?}"),
        }
    }

    #[tokio::test]
    async fn writers_of_one_file_take_turns_and_other_files_do_not_wait() {
        let dir = tempfile::tempdir().unwrap();
        let one = pool_of(&dir.path().join("one.db")).await;
        let same = pool_of(&dir.path().join("one.db")).await;
        let other = pool_of(&dir.path().join("two.db")).await;
        let held = sqlite_turn(&one, Writer::Command).await;
        let waiting = tokio::spawn(async move {
            drop(sqlite_turn(&same, Writer::Background).await);
        });
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(
            !waiting.is_finished(),
            "a second pool of the same file waits for the turn"
        );
        let elsewhere =
            tokio::time::timeout(Duration::from_secs(1), sqlite_turn(&other, Writer::Command))
                .await;
        assert!(elsewhere.is_ok(), "another file has a turn of its own");
        drop(held);
        waiting.await.unwrap();
    }

    #[tokio::test]
    async fn waiting_commands_go_before_a_background_write() {
        let dir = tempfile::tempdir().unwrap();
        let pool = pool_of(&dir.path().join("one.db")).await;
        let order = Arc::new(Mutex::new(Vec::new()));
        let write = |name: &'static str, writer: Writer| {
            let (pool, order) = (pool.clone(), order.clone());
            tokio::spawn(async move {
                let _turn = sqlite_turn(&pool, writer).await;
                order.lock().unwrap().push(name);
            })
        };
        let held = sqlite_turn(&pool, Writer::Command).await;
        let settle = || tokio::time::sleep(Duration::from_millis(5));
        let first = write("command 1", Writer::Command);
        settle().await;
        let background = write("background", Writer::Background);
        settle().await;
        let second = write("command 2", Writer::Command);
        settle().await;
        drop(held);
        for task in [first, background, second] {
            task.await.unwrap();
        }
        assert_eq!(
            *order.lock().unwrap(),
            ["command 1", "command 2", "background"],
            "a command that came after the background write still went first"
        );
    }

    /// `PRAGMA synchronous` of a connection: 1 is NORMAL, 2 is FULL.
    async fn synchronous(connection: &mut SqliteConnection) -> i64 {
        sqlx::query_scalar("PRAGMA synchronous")
            .fetch_one(connection)
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn an_unhurried_connection_never_goes_back_to_the_pool_unhurried() {
        let dir = tempfile::tempdir().unwrap();
        // One connection, so every acquire sees the one an unhurried write used (or its
        // replacement), opened at FULL as the store opens its own.
        let options = SqliteConnectOptions::new()
            .filename(dir.path().join("one.db"))
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(sqlx::sqlite::SqliteSynchronous::Full);
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await
            .unwrap();

        let mut write = unhurried_sqlite(&pool).await.unwrap();
        assert_eq!(synchronous(&mut write).await, 1, "unhurried while writing");
        write.finish().await.unwrap();
        let mut next = pool.acquire().await.unwrap();
        assert_eq!(
            synchronous(&mut next).await,
            2,
            "back to FULL when finished"
        );
        drop(next);

        // An error or a cancelled future drops the write without finishing it.
        let mut abandoned = unhurried_sqlite(&pool).await.unwrap();
        assert_eq!(synchronous(&mut abandoned).await, 1);
        drop(abandoned);
        let mut next = pool.acquire().await.unwrap();
        assert_eq!(
            synchronous(&mut next).await,
            2,
            "an abandoned unhurried connection is closed, not handed to the next writer"
        );
    }
}
