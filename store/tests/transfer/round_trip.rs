//! What an export holds and what an import of it gives back.

use std::io::Write;

use domain::bench::{Tally, TallyCommand};
use serde_json::Value;
use store::chain::seal_pending;
use store::transfer::{export, Positions, TransferError};
use store::{EventLog, EventMetadata};

use super::*;

/// (position, hash, chain_hash) of each event line of an export.
fn chain_of(lines: &[String]) -> Vec<(i64, String, String)> {
    lines[1..lines.len() - 1]
        .iter()
        .map(|line| {
            let v: Value = serde_json::from_str(line).unwrap();
            (
                v["position"].as_i64().unwrap(),
                v["hash"].as_str().unwrap().to_string(),
                v["chain_hash"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

across_backends!(a_round_trip_keeps_the_head_hash_the_counts_and_the_positions);
async fn a_round_trip_keeps_the_head_hash_the_counts_and_the_positions(
    from: EventLog,
    to: EventLog,
) {
    partly_sealed_history(&from).await;
    let source = check(from.database(), 14).await;
    assert_eq!(source.unsealed, 2, "the last two events are not sealed yet");

    let (bytes, exported) = export_bytes(from.database()).await;
    assert_eq!((exported.events, exported.streams), (14, 3));
    assert_eq!(exported.head_hash, source.head_hash);
    assert_eq!(exported.bytes, bytes.len() as u64);
    let lines = lines_of(&bytes);
    assert_eq!(lines.len(), 1 + 14 + 1);
    let header: Value = serde_json::from_str(&lines[0]).unwrap();
    assert_eq!(header["format"], "articula-events");
    assert_eq!(header["version"], 1);
    assert_eq!(header["events"], 14);
    let trailer: Value = serde_json::from_str(&lines[15]).unwrap();
    assert_eq!(trailer["end"], true);
    assert_eq!(trailer["events"], 14);
    assert_eq!(
        trailer["head_hash"],
        source.head_hash.map(|h| h.to_hex()).unwrap()
    );
    let first: Value = serde_json::from_str(&lines[1]).unwrap();
    assert_eq!(first["aggregate_id"], "a");
    assert_eq!(first["sequence"], 1);
    assert_eq!(
        first["payload"],
        serde_json::json!({"Incremented": {"by": 10}})
    );

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("log.ndjson");
    std::fs::write(&path, &bytes).unwrap();
    let imported = import_file(to.database(), &path).await.expect("the import");
    assert_eq!(imported.positions, Positions::Kept);
    assert_eq!((imported.events, imported.streams), (14, 3));
    assert_eq!(imported.head_hash, source.head_hash);
    assert_eq!(imported.bytes, bytes.len() as u64);
    // The imported history is not news: the notifier starts after its last event.
    let notifier_at = store::notifications::Notifications::new(to.database())
        .checkpoint()
        .await
        .unwrap();
    assert_eq!(Some(notifier_at.position), imported.head_position);

    let target = check(to.database(), 14).await;
    assert_eq!(
        (
            target.events,
            target.streams,
            target.head_hash,
            target.unsealed
        ),
        (14, 3, source.head_hash, 0),
        "every link was written by the import"
    );
    assert_eq!(
        positions(to.database()).await,
        positions(from.database()).await
    );
    assert_eq!(count(to.database(), "event_chain").await, 14);

    // Exported again, the same events carry the same hashes and links.
    let (again, _) = export_bytes(to.database()).await;
    assert_eq!(chain_of(&lines_of(&again)), chain_of(&lines));

    // The imported log goes on where the original stopped.
    let committed = to
        .commands::<Tally>(())
        .execute(
            "a",
            TallyCommand::Increment { by: 7 },
            EventMetadata::system("test", "Increment"),
        )
        .await
        .expect("a command on the imported log");
    check(to.database(), 15).await;
    seal_pending(to.database()).await.unwrap();
    let after = check(to.database(), 15).await;
    assert_eq!(after.unsealed, 0);
    let last = positions(to.database()).await.pop().unwrap();
    assert_eq!(last.0, "a");
    assert_eq!(last.1, 6, "stream a had 5 events");
    assert_eq!(last.2, imported.head_position.unwrap() + 1);
    assert_eq!(committed.last.map(|at| at.position), Some(last.2));
    assert_eq!(committed.version, 6);
}

on_both_backends!(positions_that_do_not_increase_are_renumbered);
async fn positions_that_do_not_increase_are_renumbered(to: EventLog) {
    let (_source, from) = store::testing::sqlite_log().await;
    write_history(&from, 3).await;
    let source = check(from.database(), 9).await;
    let (bytes, _) = export_bytes(from.database()).await;
    let mut lines = lines_of(&bytes);
    // As in an export of a PostgreSQL log where a later transaction took a lower position:
    // the first two events trade positions (hashes do not cover positions).
    let mut first: Value = serde_json::from_str(&lines[1]).unwrap();
    let mut second: Value = serde_json::from_str(&lines[2]).unwrap();
    first["position"] = 2.into();
    second["position"] = 1.into();
    lines[1] = first.to_string();
    lines[2] = second.to_string();
    let dir = tempfile::tempdir().unwrap();
    let path = write_file(dir.path(), &lines);

    let imported = import_file(to.database(), &path).await.expect("the import");
    assert_eq!(imported.positions, Positions::Renumbered);
    assert_eq!(imported.head_position, Some(9));
    let target = check(to.database(), 9).await;
    assert_eq!(target.head_hash, source.head_hash);
    let stored = positions(to.database()).await;
    assert_eq!(
        stored.iter().map(|p| p.2).collect::<Vec<_>>(),
        (1..=9).collect::<Vec<_>>()
    );
    assert_eq!(
        stored[0],
        ("a".into(), 1, 1),
        "numbered in the file's order"
    );
}

on_both_backends!(an_export_refuses_a_log_that_does_not_verify);
async fn an_export_refuses_a_log_that_does_not_verify(log: EventLog) {
    write_history(&log, 4).await;
    check(log.database(), 12).await;
    seal_pending(log.database()).await.unwrap();
    let edit = r#"UPDATE events SET payload = '{"Incremented":{"by":99}}' WHERE aggregate_id = 'b' AND sequence = 3"#;
    match log.database() {
        Database::Postgres(pool) => {
            sqlx::query(edit).execute(pool).await.unwrap();
        }
        Database::Sqlite(pool) => {
            sqlx::query(edit).execute(pool).await.unwrap();
        }
    }
    let mut out = Vec::new();
    let error = export(log.database(), &mut out, &|_, _| {})
        .await
        .expect_err("a broken log is not exported");
    let TransferError::Broken { place, reason } = &error else {
        panic!("unexpected error: {error}");
    };
    assert!(place.contains("(tally b sequence 3)"), "{place}");
    assert!(reason.contains("does not match its hash"), "{reason}");
    assert!(error.to_string().contains("articula verify"), "{error}");
    let written = String::from_utf8(out).unwrap();
    assert!(!written.contains(r#""end":true"#), "no trailer: {written}");
}

/// Accepts `room` bytes, then fails as a full disk does.
struct FullAfter {
    room: usize,
}

impl Write for FullAfter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.room == 0 {
            return Err(std::io::Error::from_raw_os_error(28));
        }
        let taken = buf.len().min(self.room);
        self.room -= taken;
        Ok(taken)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn a_write_error_stops_the_export() {
    let (_sqlite, log) = store::testing::sqlite_log().await;
    write_history(&log, 2).await;
    let error = export(log.database(), FullAfter { room: 100 }, &|_, _| {})
        .await
        .expect_err("the disk is full");
    assert!(matches!(error, TransferError::Write(_)), "{error:?}");
    assert!(
        error
            .to_string()
            .starts_with("cannot write the export: No space left"),
        "{error}"
    );
}

#[tokio::test]
async fn an_empty_log_round_trips() {
    let (_a, from) = store::testing::sqlite_log().await;
    let (_b, to) = store::testing::postgres_log().await;
    let (bytes, exported) = export_bytes(from.database()).await;
    assert_eq!((exported.events, exported.head_hash), (0, None));
    assert_eq!(lines_of(&bytes).len(), 2, "a header and a trailer");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.ndjson");
    std::fs::write(&path, &bytes).unwrap();
    let imported = import_file(to.database(), &path).await.unwrap();
    assert_eq!((imported.events, imported.head_hash), (0, None));
    assert_eq!(check(to.database(), 0).await.head_hash, None);
}
