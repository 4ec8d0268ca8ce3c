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

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock, Mutex, PoisonError};
use std::time::Duration;

use sqlx::SqlitePool;
use tokio::sync::{Notify, OwnedMutexGuard};

use crate::Database;

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

impl Database {
    /// On SQLite, waits for this process's turn to write to the file and holds it until the
    /// guard is dropped; on PostgreSQL (which takes concurrent writers itself), nothing.
    pub(crate) async fn writing(&self, writer: Writer) -> Option<OwnedMutexGuard<()>> {
        match self {
            Database::Sqlite(pool) => Some(sqlite_turn(pool, writer).await),
            Database::Postgres(_) => None,
        }
    }
}

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
    use std::time::Duration;

    use super::*;
    use crate::DatabaseUrl;

    #[tokio::test]
    async fn writers_of_one_file_take_turns_and_other_files_do_not_wait() {
        let dir = tempfile::tempdir().unwrap();
        let url = |name: &str| DatabaseUrl::Sqlite(dir.path().join(name));
        let one = Database::connect(&url("one.db")).await.unwrap();
        let same = Database::connect(&url("one.db")).await.unwrap();
        let other = Database::connect(&url("two.db")).await.unwrap();
        let held = one
            .writing(Writer::Command)
            .await
            .expect("SQLite has turns");
        let waiting = tokio::spawn(async move { same.writing(Writer::Background).await.is_some() });
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(
            !waiting.is_finished(),
            "a second pool of the same file waits for the turn"
        );
        let elsewhere =
            tokio::time::timeout(Duration::from_secs(1), other.writing(Writer::Command)).await;
        assert!(elsewhere.is_ok(), "another file has a turn of its own");
        drop(held);
        assert!(waiting.await.unwrap());
    }

    #[tokio::test]
    async fn waiting_commands_go_before_a_background_write() {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::connect(&DatabaseUrl::Sqlite(dir.path().join("one.db")))
            .await
            .unwrap();
        let order = Arc::new(Mutex::new(Vec::new()));
        let write = |name: &'static str, writer: Writer| {
            let (db, order) = (db.clone(), order.clone());
            tokio::spawn(async move {
                let _turn = db.writing(writer).await;
                order.lock().unwrap().push(name);
            })
        };
        let held = db.writing(Writer::Command).await;
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
}
