//! Point reads of a SQLite file made on the thread that asks, never waiting.
//!
//! sqlx runs each SQLite connection on a worker thread of its own: every query is sent to that
//! thread and its rows sent back, and the task that asked is woken on another thread again.
//! Profiled under `wrk` on `GET /v1/initiatives/{id}` on SQLite (docs/benchmarks.md), the server
//! spent 12% of its samples on those worker threads and 19% switching and waking tasks, for a
//! lookup that SQLite answers from its page cache in a few microseconds. So the point lookups
//! on every request's path (a stream's version, which every read as stored and every command
//! checks, and a signed-in request's session) are first asked here, on a rusqlite connection of
//! the asker's own, on the calling thread.
//!
//! **It never waits, and it can only answer what the pooled read would.** When the connection
//! is in use by another thread, the database has been closed, SQLite is busy (a writer of another
//! process holding the file, a recovery), or anything else goes wrong, [`QuickReads::read`]
//! answers `None` and the caller asks the pooled read, which waits, retries and reports errors as
//! it always has. What it does answer is read by a statement that starts after the call: in WAL
//! mode such a statement sees every commit made before it began, by any connection or process,
//! just as the pooled read's does.

use std::path::Path;
use std::sync::{Mutex, TryLockError};
use std::time::Duration;

use rusqlite::{params, Connection, OpenFlags};
use sqlx::SqlitePool;

/// Reads of a SQLite file on the calling thread, beside a pool (see the module's
/// documentation).
pub(crate) struct QuickReads {
    pool: SqlitePool,
    /// Opened on first use; dropped after a failed read, so that the next one opens it afresh.
    connection: Mutex<Option<Connection>>,
}

impl QuickReads {
    pub fn beside(pool: &SqlitePool) -> Self {
        Self {
            pool: pool.clone(),
            connection: Mutex::new(None),
        }
    }

    /// What `read` reads, if it can be read at once; `None` sends the caller to the pooled
    /// read. `read` runs one statement (or a few), never a transaction left open.
    pub fn read<T>(&self, read: impl FnOnce(&Connection) -> rusqlite::Result<T>) -> Option<T> {
        if self.pool.is_closed() {
            return None;
        }
        let mut slot = match self.connection.try_lock() {
            Ok(slot) => slot,
            // Another thread is reading: asking the pool is quicker than waiting for it.
            Err(TryLockError::WouldBlock) => return None,
            // A read that panicked left at most a connection mid-statement; open a new one.
            Err(TryLockError::Poisoned(poisoned)) => {
                let mut slot = poisoned.into_inner();
                *slot = None;
                slot
            }
        };
        if slot.is_none() {
            *slot = open(self.pool.connect_options().get_filename()).ok();
        }
        match read(slot.as_ref()?) {
            Ok(value) => Some(value),
            Err(error) => {
                if !is_busy(&error) {
                    *slot = None;
                }
                None
            }
        }
    }
}

#[cfg(test)]
impl QuickReads {
    /// Holds the connection, as a read on another thread would: reads meanwhile go to the pool.
    pub fn hold(&self) -> std::sync::MutexGuard<'_, Option<Connection>> {
        self.connection.lock().unwrap()
    }
}

/// The stored version of a stream (0 if it has no events), as
/// `EventRepository::stream_versions_sqlite` reads many.
pub(crate) fn stream_version(
    connection: &Connection,
    aggregate_type: &str,
    aggregate_id: &str,
) -> rusqlite::Result<usize> {
    let version = connection
        .prepare_cached(
            "SELECT COALESCE(MAX(sequence), 0) FROM events
             WHERE aggregate_type = ?1 AND aggregate_id = ?2",
        )?
        .query_row(params![aggregate_type, aggregate_id], |row| {
            row.get::<_, i64>(0)
        })?;
    usize::try_from(version).map_err(|_| rusqlite::Error::IntegralValueOutOfRange(0, version))
}

/// A connection that only reads and never waits: no busy handler (SQLite answers `SQLITE_BUSY`
/// at once), and no file created if there is none.
fn open(file: &Path) -> rusqlite::Result<Connection> {
    let connection = Connection::open_with_flags(
        file,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    connection.busy_timeout(Duration::ZERO)?;
    connection.execute_batch("PRAGMA query_only = ON;")?;
    Ok(connection)
}

fn is_busy(error: &rusqlite::Error) -> bool {
    matches!(error, rusqlite::Error::SqliteFailure(failure, _)
        if matches!(failure.code, rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked))
}

#[cfg(test)]
mod tests;
