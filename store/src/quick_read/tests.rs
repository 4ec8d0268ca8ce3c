//! Tests of versions read on the calling thread.

use super::*;
use crate::testing::TestSqlite;
use crate::Database;
use sqlx::sqlite::SqliteConnectOptions;

async fn sqlite() -> (TestSqlite, SqlitePool) {
    let (file, db) = TestSqlite::migrated().await;
    let Database::Sqlite(pool) = db else {
        unreachable!("a SQLite test database")
    };
    (file, pool)
}

fn file_of(pool: &SqlitePool) -> std::path::PathBuf {
    pool.connect_options().get_filename().to_path_buf()
}

fn version(quick: &QuickReads, id: &str) -> Option<usize> {
    quick.read(|connection| stream_version(connection, "Tally", id))
}

/// Event `sequence` of stream `id`, committed by a connection of its own, as another process
/// would.
fn commit_elsewhere(file: &Path, id: &str, sequence: i64) {
    commit_on(&Connection::open(file).unwrap(), id, sequence);
}

fn commit_on(connection: &Connection, id: &str, sequence: i64) {
    connection
        .execute(
            "INSERT INTO events
                 (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata)
             VALUES ('Tally', ?1, ?2, 'Incremented', '1', '{}', '{}')",
            params![id, sequence],
        )
        .unwrap();
}

/// Each read sees every commit made before it, by any connection, and only its own stream's.
#[tokio::test]
async fn a_version_is_read_as_committed_before_the_read() {
    let (_file, pool) = sqlite().await;
    let file = file_of(&pool);
    let quick = QuickReads::beside(&pool);
    assert_eq!(version(&quick, "a"), Some(0), "no events yet");
    commit_elsewhere(&file, "a", 1);
    assert_eq!(version(&quick, "a"), Some(1));
    commit_elsewhere(&file, "a", 2);
    commit_elsewhere(&file, "b", 1);
    assert_eq!(version(&quick, "a"), Some(2));
    assert_eq!(version(&quick, "b"), Some(1));
    assert_eq!(
        quick.read(|c| stream_version(c, "Other", "a")),
        Some(0),
        "another type's stream"
    );

    let ids = ["a", "b", "c"].map(String::from);
    let pooled = crate::EventRepository::stream_versions_sqlite(&pool, "Tally", &ids)
        .await
        .unwrap();
    let quickly: Vec<_> = ids.iter().map(|id| version(&quick, id).unwrap()).collect();
    assert_eq!(quickly, pooled, "the same versions as the pool's read");
    assert_eq!(quickly, [2, 1, 0]);
}

/// A read that would have to wait (the connection in use, the file locked by another
/// connection) or that cannot be made (the database closed) is left to the pool: `None`, at
/// once. The quick read answers again when the way is clear.
#[tokio::test]
async fn a_read_that_would_wait_is_left_to_the_pool() {
    // A connection may lock the file only while no other has it open (in WAL mode each keeps a
    // shared lock). sqlx closes its connections on threads of its own, after `close` returns,
    // so this file is made and written with rusqlite alone, and the pool beside the quick read
    // never opens a connection.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("locked.db");
    Connection::open(&file)
        .unwrap()
        .execute_batch(
            "PRAGMA journal_mode = WAL;
             CREATE TABLE events (aggregate_type text, aggregate_id text, sequence integer,
                 event_type text, event_version text, payload text, metadata text);",
        )
        .unwrap();
    commit_elsewhere(&file, "a", 1);
    let unopened = SqlitePool::connect_lazy_with(SqliteConnectOptions::new().filename(&file));
    let quick = QuickReads::beside(&unopened);
    assert_eq!(version(&quick, "a"), Some(1));

    {
        let _in_use = quick.hold();
        assert_eq!(version(&quick, "a"), None, "the connection is in use");
    }

    *quick.hold() = None;
    let holder = Connection::open(&file).unwrap();
    holder
        .execute_batch("PRAGMA locking_mode = EXCLUSIVE;")
        .unwrap();
    // The write takes the file's exclusive lock, and the mode keeps it after the commit.
    commit_on(&holder, "a", 2);
    assert_eq!(
        version(&quick, "a"),
        None,
        "another connection holds the file exclusively"
    );
    assert!(quick.hold().is_some(), "a busy file keeps the connection");
    drop(holder);
    assert_eq!(version(&quick, "a"), Some(2), "the way is clear");

    unopened.close().await;
    assert_eq!(version(&quick, "a"), None, "the database is closed");
}
