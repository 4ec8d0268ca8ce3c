//! The log of a SQLite file is copied into the file (checkpointed) beside this process's writers,
//! not by them.
//!
//! SQLite's default: the commit that takes the log past 1,000 pages copies the log into the
//! database file and syncs it, before that commit returns, while this process's turn for the file
//! is held and every queued append waits. Measured with `bench http` registering on SQLite
//! (release build, the same run, alternating): writers that never checkpointed committed 12–15%
//! more commands at 4 and 16 clients than writers checkpointing as SQLite does.
//!
//! So the writers' connections never checkpoint (`wal_autocheckpoint = 0`, set where they are
//! opened), and every [`EVERY`] commits of theirs start a checkpoint on a connection of the pool,
//! in two steps:
//!
//! 1. a passive checkpoint without the turn, which copies the log while writers go on;
//! 2. a passive checkpoint with the turn (a background write's, so waiting commands go first),
//!    which copies what was committed meanwhile: the log is then wholly in the file, and the next
//!    writer starts it again from its beginning. Without this step a log written without pause is
//!    never wholly copied, and grows without end.
//!
//! A checkpoint is only a copy: a failed or skipped one loses nothing, and the next does its
//! work. Writers of other processes keep SQLite's default.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use sqlx::SqlitePool;

use crate::writer::{sqlite_turn, Writer};

/// Commits of this process's writers between two checkpoints. A registration commits about ten
/// pages, so this is near SQLite's default of 1,000 pages.
const EVERY: u32 = 100;

/// When a file's next checkpoint is due: kept with its writers, counted under the turn.
#[derive(Default)]
pub(crate) struct Due {
    commits: u32,
    running: Arc<AtomicBool>,
}

impl Due {
    /// A writer of `pool`'s file has committed: starts a checkpoint when one is due and none is
    /// running.
    pub(crate) fn committed(&mut self, pool: &SqlitePool) {
        self.commits += 1;
        if self.commits < EVERY || self.running.swap(true, Ordering::AcqRel) {
            return;
        }
        self.commits = 0;
        let running = Running(self.running.clone());
        let pool = pool.clone();
        tokio::spawn(async move {
            if let Err(error) = checkpoint(&pool).await {
                tracing::debug!(%error, "the SQLite log was not checkpointed; the next checkpoint will");
            }
            drop(running);
        });
    }
}

/// The two steps of the module's documentation.
async fn checkpoint(pool: &SqlitePool) -> Result<(), sqlx::Error> {
    let mut connection = pool.acquire().await?;
    passive(&mut connection).await?;
    let turn = sqlite_turn(pool, Writer::Background).await;
    passive(&mut connection).await?;
    drop(turn);
    Ok(())
}

async fn passive(connection: &mut sqlx::SqliteConnection) -> Result<(), sqlx::Error> {
    sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
        .execute(connection)
        .await
        .map(drop)
}

/// A checkpoint in progress; the next may start once it has ended, however it ended.
struct Running(Arc<AtomicBool>);

impl Drop for Running {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Release);
    }
}

#[cfg(test)]
mod tests {
    use crate::writer::tests::pool_of;
    use crate::writer::unhurried_sqlite;

    /// 2,000 commits of 16 KiB each, written without pause by this process's writers (which never
    /// checkpoint themselves), while a reader keeps reading: the log is copied into the file and
    /// starts again, so it stays a part of the 32 MiB written (4–8 MiB here; 48 MiB when the
    /// checkpoint's second step is left out, as the log then never starts again).
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_log_written_without_pause_stays_small() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("one.db");
        let pool = pool_of(&file).await;
        sqlx::query("CREATE TABLE blobs (b BLOB)")
            .execute(&pool)
            .await
            .unwrap();

        let mut write = unhurried_sqlite(&pool).await.unwrap();
        let never: i64 = sqlx::query_scalar("PRAGMA wal_autocheckpoint")
            .fetch_one(&mut *write)
            .await
            .unwrap();
        assert_eq!(never, 0, "a writer's connection never checkpoints itself");
        write.finish();

        let reading = {
            let pool = pool.clone();
            tokio::spawn(async move {
                loop {
                    let _: i64 = sqlx::query_scalar("SELECT count(*) FROM blobs")
                        .fetch_one(&pool)
                        .await
                        .unwrap();
                    tokio::task::yield_now().await;
                }
            })
        };
        let mut largest = 0;
        for _ in 0..2_000 {
            let mut write = unhurried_sqlite(&pool).await.unwrap();
            sqlx::query("INSERT INTO blobs VALUES (randomblob(16384))")
                .execute(&mut *write)
                .await
                .unwrap();
            write.finish();
            let log = std::fs::metadata(dir.path().join("one.db-wal")).unwrap();
            largest = largest.max(log.len());
        }
        reading.abort();
        assert!(
            largest < 16 << 20,
            "the log reached {largest} bytes for 32 MiB written"
        );
    }
}
