//! Export and import of the event log (and of the secrets beside it), on both backends: round
//! trips keep the head hash, the counts and the positions; bad files and non-empty stores are
//! refused with an error that names the place, and leave the target store empty.

mod refusals;
mod round_trip;
mod secrets;

use std::path::{Path, PathBuf};

use domain::bench::{Tally, TallyCommand};
use store::chain::{seal_pending, verify, VerifyReport};
use store::transfer::{export, import, ExportSummary, ImportSummary, TransferError};
use store::{Database, EventLog, EventMetadata};

/// Runs a scenario once per pair of backends (`from` → `to`).
macro_rules! across_backends {
    ($scenario:ident) => {
        mod $scenario {
            use store::testing::{postgres_log, sqlite_log};

            #[tokio::test]
            async fn sqlite_to_postgres() {
                let (_a, from) = sqlite_log().await;
                let (_b, to) = postgres_log().await;
                super::$scenario(from, to).await;
            }

            #[tokio::test]
            async fn postgres_to_sqlite() {
                let (_a, from) = postgres_log().await;
                let (_b, to) = sqlite_log().await;
                super::$scenario(from, to).await;
            }

            #[tokio::test]
            async fn sqlite_to_sqlite() {
                let (_a, from) = sqlite_log().await;
                let (_b, to) = sqlite_log().await;
                super::$scenario(from, to).await;
            }

            #[tokio::test]
            async fn postgres_to_postgres() {
                let (_a, from) = postgres_log().await;
                let (_b, to) = postgres_log().await;
                super::$scenario(from, to).await;
            }
        }
    };
}
pub(crate) use across_backends;

/// Runs a scenario on each backend.
macro_rules! on_both_backends {
    ($scenario:ident) => {
        mod $scenario {
            #[tokio::test]
            async fn postgres() {
                let (_pg, log) = store::testing::postgres_log().await;
                super::$scenario(log).await;
            }

            #[tokio::test]
            async fn sqlite() {
                let (_sqlite, log) = store::testing::sqlite_log().await;
                super::$scenario(log).await;
            }
        }
    };
}
pub(crate) use on_both_backends;

pub const STREAMS: [&str; 3] = ["a", "b", "c"];

/// `rounds` rounds over three streams, one increment each (a1 b1 c1 a2 b2 c2 …), each by a
/// different amount (stream a's round r is by r*10, b's by r*10+1, c's by r*10+2).
pub async fn write_history(log: &EventLog, rounds: u64) {
    let bus = log.commands::<Tally>(());
    for round in 1..=rounds {
        for (i, stream) in STREAMS.iter().enumerate() {
            bus.execute(
                stream,
                TallyCommand::Increment {
                    by: round * 10 + i as u64,
                },
                EventMetadata::system("test", "Increment"),
            )
            .await
            .expect("increment");
        }
    }
}

/// Verifies the log once all of its `events` are final in the feed, and asserts that it holds.
/// On PostgreSQL an event is final only once every older transaction on the server has ended,
/// and other tests write to other databases of the same server meanwhile.
pub async fn check(db: &Database, events: u64) -> VerifyReport {
    for _ in 0..400 {
        let report = verify(db, &|_| {}).await.expect("verify runs");
        assert!(report.ok, "{report:?}");
        if report.events == events {
            return report;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("the log never showed {events} final events");
}

/// The export of `log`, as bytes.
pub async fn export_bytes(db: &Database) -> (Vec<u8>, ExportSummary) {
    let mut out = Vec::new();
    let summary = export(db, &mut out, &|_, _| {})
        .await
        .expect("the export succeeds");
    (out, summary)
}

/// Writes `lines` (joined with newlines, ending with one) to a file in `dir`.
pub fn write_file(dir: &Path, lines: &[String]) -> PathBuf {
    let path = dir.join("log.ndjson");
    let mut text = lines.join("\n");
    text.push('\n');
    std::fs::write(&path, text).expect("write the file");
    path
}

pub fn lines_of(bytes: &[u8]) -> Vec<String> {
    String::from_utf8(bytes.to_vec())
        .expect("exports are UTF-8")
        .lines()
        .map(str::to_string)
        .collect()
}

pub async fn import_file(db: &Database, path: &Path) -> Result<ImportSummary, TransferError> {
    import(db, path, &|_, _| {}).await
}

pub async fn count(db: &Database, table: &str) -> i64 {
    let sql = format!("SELECT count(*) FROM {table}");
    match db {
        Database::Postgres(pool) => sqlx::query_scalar(&sql).fetch_one(pool).await.unwrap(),
        Database::Sqlite(pool) => sqlx::query_scalar(&sql).fetch_one(pool).await.unwrap(),
    }
}

/// (aggregate id, sequence, position) of every event, by position.
pub async fn positions(db: &Database) -> Vec<(String, i64, i64)> {
    let sql = "SELECT aggregate_id, sequence, position FROM events ORDER BY position";
    match db {
        Database::Postgres(pool) => sqlx::query_as(sql).fetch_all(pool).await.unwrap(),
        Database::Sqlite(pool) => sqlx::query_as(sql).fetch_all(pool).await.unwrap(),
    }
}

/// A history of 4 rounds, sealed, then two more rounds left unsealed (the sealer runs a moment
/// behind commits; an export must not depend on it).
pub async fn partly_sealed_history(log: &EventLog) {
    write_history(log, 4).await;
    check(log.database(), 12).await;
    seal_pending(log.database()).await.expect("seal");
    let bus = log.commands::<Tally>(());
    for stream in ["a", "b"] {
        bus.execute(
            stream,
            TallyCommand::Increment { by: 1 },
            EventMetadata::system("test", "Increment"),
        )
        .await
        .expect("increment");
    }
}
