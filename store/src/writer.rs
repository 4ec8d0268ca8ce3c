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

use sqlx::sqlite::SqliteSynchronous;
use sqlx::{ConnectOptions, Connection, SqliteConnection, SqlitePool};
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

/// The turn of one SQLite file, and the connections that write it.
#[derive(Default)]
struct Turn {
    writers: Arc<tokio::sync::Mutex<Writers>>,
    commands_waiting: AtomicUsize,
    no_command_waiting: Notify,
}

/// The connections this process writes one SQLite file with, held by whoever has its turn. They
/// are kept beside the pool, not taken from it: a writer holding the turn never waits for a
/// connection that readers are using (measured with `bench http` registering at 4 clients: the
/// turn was busy 90% of the time, and a background write held it 1.3 ms on average), and the
/// connection for derived rows is set to commit unhurried once, not around every write.
#[derive(Default)]
pub(crate) struct Writers {
    durable: Option<SqliteConnection>,
    unhurried: Option<SqliteConnection>,
    /// The connection appends are committed on, in groups (`group_commit`), at `FULL` as
    /// `durable`: a rusqlite connection, so that a group's transaction is one blocking call.
    pub(crate) appends: Option<rusqlite::Connection>,
    /// Their commits since the file's log was last checkpointed (they never checkpoint it).
    checkpoint: crate::wal_checkpoint::Due,
}

impl Writers {
    /// A write on one of these connections has committed (see `wal_checkpoint`).
    pub(crate) fn committed(&mut self, pool: &SqlitePool) {
        self.checkpoint.committed(pool);
    }

    fn slot(&self, durability: Durability) -> &Option<SqliteConnection> {
        match durability {
            Durability::Durable => &self.durable,
            Durability::Unhurried => &self.unhurried,
        }
    }

    fn slot_mut(&mut self, durability: Durability) -> &mut Option<SqliteConnection> {
        match durability {
            Durability::Durable => &mut self.durable,
            Durability::Unhurried => &mut self.unhurried,
        }
    }
}

/// How a write's commit reaches the disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Durability {
    /// `synchronous = FULL`, as the pool's connections: the commit waits for the disk (the mail
    /// sender's last mark of a batch; appends have a connection of their own, `Writers::appends`).
    Durable,
    /// `synchronous = NORMAL`: see [`unhurried_sqlite`].
    Unhurried,
}

/// A file's turn, held: the writers' connections are this holder's alone until it is dropped.
pub(crate) type Held = OwnedMutexGuard<Writers>;

/// Something this process keeps for each SQLite file, whichever pool reaches the file.
pub(crate) type PerFile<T> = LazyLock<Mutex<HashMap<PathBuf, Arc<T>>>>;

/// What `registry` keeps for `pool`'s file (made on first use).
pub(crate) fn of_file<T: Default>(registry: &PerFile<T>, pool: &SqlitePool) -> Arc<T> {
    let options = pool.connect_options();
    let file = options.get_filename();
    let mut registry = registry.lock().unwrap_or_else(PoisonError::into_inner);
    // Looked up by reference first: every append and every write asks, and only the first of a
    // file needs its path copied.
    if let Some(kept) = registry.get(file) {
        return kept.clone();
    }
    registry.entry(file.to_path_buf()).or_default().clone()
}

/// The turn of each SQLite file written by this process.
static TURNS: PerFile<Turn> = LazyLock::new(Mutex::default);

/// Waits for this process's turn to write to `pool`'s file (see the module's documentation).
pub(crate) async fn sqlite_turn(pool: &SqlitePool, writer: Writer) -> Held {
    let turn = of_file(&TURNS, pool);
    match writer {
        Writer::Command => {
            turn.commands_waiting.fetch_add(1, Ordering::AcqRel);
            let waiting = Waiting(&turn);
            let guard = turn.writers.clone().lock_owned().await;
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
                let guard = turn.writers.clone().lock_owned().await;
                if !yielding() {
                    return guard;
                }
            }
        }
    }
}

/// A write on one of the file's writer connections, with the turn held. Finished
/// ([`SqliteWrite::finish`]), the connection stays for the next writer; dropped without that (an
/// error, a cancelled future), it is closed, and the next writer opens another: no write ever
/// starts on a connection left in the middle of another's.
pub(crate) struct SqliteWrite {
    turn: Held,
    pool: SqlitePool,
    durability: Durability,
    finished: bool,
}

impl SqliteWrite {
    /// The write of the holder of `turn`, on the connection for `durability` (opened if there is
    /// none).
    pub(crate) async fn open(
        mut turn: Held,
        pool: &SqlitePool,
        durability: Durability,
    ) -> Result<Self, sqlx::Error> {
        if closed(&mut turn, pool) {
            return Err(sqlx::Error::PoolClosed);
        }
        let slot = turn.slot_mut(durability);
        if slot.is_none() {
            // Checkpoints are made beside the writers: see `wal_checkpoint`.
            let options = pool
                .connect_options()
                .as_ref()
                .clone()
                .pragma("wal_autocheckpoint", "0");
            let options = match durability {
                Durability::Durable => options,
                Durability::Unhurried => options.synchronous(SqliteSynchronous::Normal),
            };
            *slot = Some(options.connect().await?);
        }
        Ok(Self {
            turn,
            pool: pool.clone(),
            durability,
            finished: false,
        })
    }

    /// The write is over and committed: the connection stays open for the next writer.
    pub(crate) fn finish(mut self) {
        self.finished = true;
        self.turn.committed(&self.pool);
    }
}

impl Deref for SqliteWrite {
    type Target = SqliteConnection;

    fn deref(&self) -> &SqliteConnection {
        self.turn
            .slot(self.durability)
            .as_ref()
            .expect("a write's connection is open until the write is dropped")
    }
}

impl DerefMut for SqliteWrite {
    fn deref_mut(&mut self) -> &mut SqliteConnection {
        self.turn
            .slot_mut(self.durability)
            .as_mut()
            .expect("a write's connection is open until the write is dropped")
    }
}

impl Drop for SqliteWrite {
    fn drop(&mut self) {
        if !self.finished {
            self.turn.slot_mut(self.durability).take();
        }
    }
}

/// A background write's turn and the file's connection that commits without waiting for the
/// disk: `synchronous = NORMAL`, which in WAL mode writes the commit to the log file without
/// syncing it. A process crash loses nothing (the operating system holds the write); a power cut
/// may lose these commits since the last synced one. Every durable commit (an append, at `FULL`)
/// syncs the log file, so it also makes every unhurried commit before it durable, in order.
/// Only for rows derived from committed events or whose loss repeats work the same way (the
/// chain's links, the notifier's records, the mail sender's marks), never for an acknowledged
/// write: appends have a connection of their own (`Writers::appends`).
pub(crate) async fn unhurried_sqlite(pool: &SqlitePool) -> Result<SqliteWrite, sqlx::Error> {
    background_sqlite(pool, Durability::Unhurried).await
}

/// A background write's turn and the file's connection for `durability`.
pub(crate) async fn background_sqlite(
    pool: &SqlitePool,
    durability: Durability,
) -> Result<SqliteWrite, sqlx::Error> {
    let turn = sqlite_turn(pool, Writer::Background).await;
    SqliteWrite::open(turn, pool, durability).await
}

/// Closes the writer connections of `pool`'s file, once a write in progress has ended: the
/// store is closing the database. (The appends' connection closes as it is dropped.)
pub(crate) async fn close_sqlite(pool: &SqlitePool) {
    let mut turn = sqlite_turn(pool, Writer::Command).await;
    let writers = std::mem::take(&mut *turn);
    for connection in [writers.durable, writers.unhurried].into_iter().flatten() {
        let _ = connection.close().await;
    }
}

/// Whether the store has closed `pool`'s database; if it has, the writers' connections held with
/// `turn` are closed too.
pub(crate) fn closed(turn: &mut Held, pool: &SqlitePool) -> bool {
    let closed = pool.is_closed();
    if closed {
        **turn = Writers::default();
    }
    closed
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
pub(crate) mod tests {
    use std::path::Path;
    use std::time::Duration;

    use super::*;
    use crate::{Database, DatabaseUrl};

    /// The store's own pool of a SQLite file.
    pub(crate) async fn pool_of(path: &Path) -> SqlitePool {
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

    /// Whether `connection` is the one that made the temporary table `marker`.
    async fn marked(connection: &mut SqliteConnection) -> bool {
        let found: i64 =
            sqlx::query_scalar("SELECT count(*) FROM temp.sqlite_master WHERE name = 'marker'")
                .fetch_one(connection)
                .await
                .unwrap();
        found == 1
    }

    #[tokio::test]
    async fn writers_keep_their_own_connections_and_an_abandoned_one_is_closed() {
        let dir = tempfile::tempdir().unwrap();
        let pool = pool_of(&dir.path().join("one.db")).await;

        let mut write = unhurried_sqlite(&pool).await.unwrap();
        assert_eq!(synchronous(&mut write).await, 1, "derived rows: unhurried");
        sqlx::query("CREATE TEMP TABLE marker (x)")
            .execute(&mut *write)
            .await
            .unwrap();
        write.finish();
        let mut reader = pool.acquire().await.unwrap();
        assert_eq!(synchronous(&mut reader).await, 2, "the pool stays at FULL");
        assert!(
            !marked(&mut reader).await,
            "the pool never has a writer's connection"
        );
        drop(reader);
        let mut durable = background_sqlite(&pool, Durability::Durable).await.unwrap();
        assert_eq!(synchronous(&mut durable).await, 2, "durable marks: FULL");
        durable.finish();

        let mut again = unhurried_sqlite(&pool).await.unwrap();
        assert!(
            marked(&mut again).await,
            "a finished write's connection is kept"
        );
        // An error or a cancelled future drops the write without finishing it.
        drop(again);
        let mut next = unhurried_sqlite(&pool).await.unwrap();
        assert!(
            !marked(&mut next).await,
            "an abandoned write's connection is closed, not handed to the next writer"
        );
        assert_eq!(
            synchronous(&mut next).await,
            1,
            "and its replacement is unhurried"
        );
        next.finish();

        Database::Sqlite(pool.clone()).close().await;
        assert!(matches!(
            unhurried_sqlite(&pool).await.err(),
            Some(sqlx::Error::PoolClosed)
        ));
    }
}
