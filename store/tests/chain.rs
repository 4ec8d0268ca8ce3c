//! Tamper evidence on both backends: a clean history verifies with a head hash; an edited
//! payload, a deleted event and two swapped events, each done directly in the database, are
//! named by `verify` at the place they happened.

use std::time::Duration;

use domain::bench::{Tally, TallyCommand};
use store::chain::{backfill_stream_hashes, seal_pending, spawn_sealer, verify, BreakKind};
use store::{Database, EventLog, EventMetadata};

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

const STREAMS: [&str; 3] = ["a", "b", "c"];
const ROUNDS: u64 = 5;

/// Five rounds over three streams, one command each, so the feed reads a1 b1 c1 a2 b2 c2 …; each
/// increment is by a different amount, so no two payloads are alike.
async fn write_history(log: &EventLog) {
    let bus = log.commands::<Tally>(());
    for round in 1..=ROUNDS {
        for (i, stream) in STREAMS.iter().enumerate() {
            let by = round * 10 + i as u64;
            bus.execute(
                stream,
                TallyCommand::Increment { by },
                EventMetadata::system("test", "Increment"),
            )
            .await
            .expect("increment");
        }
    }
}

/// Seals until all `count` events are sealed. On PostgreSQL an event becomes final in the feed
/// only once every older transaction on the server has ended (other tests' included), so this
/// may take a few rounds.
async fn seal_all(db: &Database, count: u64) {
    let mut sealed = 0;
    for _ in 0..1200 {
        sealed += seal_pending(db).await.unwrap();
        if sealed >= count {
            assert_eq!(sealed, count, "nothing is sealed twice");
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("only {sealed} of {count} events became final in the feed");
}

async fn check(db: &Database) -> store::chain::VerifyReport {
    verify(db, &|_| {}).await.expect("verify runs")
}

/// The global position of `stream`'s event `sequence`.
async fn position_of(db: &Database, stream: &str, sequence: i64) -> i64 {
    let sql = "SELECT position FROM events WHERE aggregate_id = $1 AND sequence = $2";
    match db {
        Database::Postgres(pool) => sqlx::query_scalar(sql)
            .bind(stream)
            .bind(sequence)
            .fetch_one(pool)
            .await
            .unwrap(),
        Database::Sqlite(pool) => sqlx::query_scalar(&sql.replace('$', "?"))
            .bind(stream)
            .bind(sequence)
            .fetch_one(pool)
            .await
            .unwrap(),
    }
}

/// Runs an edit straight against the database, as someone with access to it would.
async fn tamper(db: &Database, postgres: &str, sqlite: &str) {
    match db {
        Database::Postgres(pool) => {
            sqlx::query(postgres).execute(pool).await.unwrap();
        }
        Database::Sqlite(pool) => {
            sqlx::query(sqlite).execute(pool).await.unwrap();
        }
    }
}

on_both_backends!(a_clean_history_verifies_with_a_head_hash);
async fn a_clean_history_verifies_with_a_head_hash(log: EventLog) {
    let db = log.database().clone();
    let empty = check(&db).await;
    assert!(empty.ok);
    assert_eq!((empty.events, empty.head_hash), (0, None));

    write_history(&log).await;
    let mut before_sealing = check(&db).await;
    for _ in 0..1200 {
        if before_sealing.events == 15 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
        before_sealing = check(&db).await;
    }
    assert!(before_sealing.ok, "{before_sealing:?}");
    assert_eq!(before_sealing.unsealed, 15);

    seal_all(&db, 15).await;
    assert_eq!(
        seal_pending(&db).await.unwrap(),
        0,
        "nothing is sealed twice"
    );
    let report = check(&db).await;
    assert!(report.ok, "{report:?}");
    assert_eq!((report.events, report.streams, report.unsealed), (15, 3, 0));
    assert_eq!(report.head_position, Some(position_of(&db, "c", 5).await));
    // The head hash is recomputed from the events, not read from the seals.
    assert_eq!(report.head_hash, before_sealing.head_hash);
    assert!(report.head_hash.is_some());
}

on_both_backends!(an_edited_payload_is_named);
async fn an_edited_payload_is_named(log: EventLog) {
    let db = log.database().clone();
    write_history(&log).await;
    seal_all(&db, 15).await;
    // b's third increment was by 31; make it 99.
    tamper(
        &db,
        r#"UPDATE events SET payload = '{"Incremented":{"by":99}}' WHERE aggregate_id = 'b' AND sequence = 3"#,
        r#"UPDATE events SET payload = '{"Incremented":{"by":99}}' WHERE aggregate_id = 'b' AND sequence = 3"#,
    )
    .await;
    let report = check(&db).await;
    assert!(!report.ok);
    let broken = report.first_break.expect("a break");
    assert_eq!(broken.kind, BreakKind::ContentChanged);
    assert_eq!((broken.aggregate_id.as_str(), broken.sequence), ("b", 3));
    assert_eq!(broken.position, position_of(&db, "b", 3).await);
    // Everything before it checked out.
    assert_eq!(report.events, 6 + 1);
}

on_both_backends!(edited_metadata_is_named);
async fn edited_metadata_is_named(log: EventLog) {
    let db = log.database().clone();
    write_history(&log).await;
    seal_all(&db, 15).await;
    tamper(
        &db,
        "UPDATE events SET metadata = replace(metadata::text, 'system:test', 'anonymous')::json \
         WHERE aggregate_id = 'c' AND sequence = 2",
        "UPDATE events SET metadata = replace(metadata, 'system:test', 'anonymous') \
         WHERE aggregate_id = 'c' AND sequence = 2",
    )
    .await;
    let broken = check(&db).await.first_break.expect("a break");
    assert_eq!(broken.kind, BreakKind::ContentChanged);
    assert_eq!((broken.aggregate_id.as_str(), broken.sequence), ("c", 2));
}

on_both_backends!(a_deleted_event_is_named);
async fn a_deleted_event_is_named(log: EventLog) {
    let db = log.database().clone();
    write_history(&log).await;
    seal_all(&db, 15).await;
    let b3 = position_of(&db, "b", 3).await;
    tamper(
        &db,
        "DELETE FROM events WHERE aggregate_id = 'b' AND sequence = 3",
        "DELETE FROM events WHERE aggregate_id = 'b' AND sequence = 3",
    )
    .await;
    let broken = check(&db).await.first_break.expect("a break");
    assert_eq!(broken.kind, BreakKind::EventDeleted);
    assert_eq!(broken.position, b3);
    assert!(broken.reason.contains("deleted"), "{}", broken.reason);
}

on_both_backends!(a_deleted_event_and_its_link_are_caught_by_the_next_event);
async fn a_deleted_event_and_its_link_are_caught_by_the_next_event(log: EventLog) {
    let db = log.database().clone();
    write_history(&log).await;
    seal_all(&db, 15).await;
    let b3 = position_of(&db, "b", 3).await;
    let delete_event = format!("DELETE FROM events WHERE position = {b3}");
    let delete_link = format!("DELETE FROM event_chain WHERE position = {b3}");
    tamper(&db, &delete_event, &delete_event).await;
    tamper(&db, &delete_link, &delete_link).await;
    // The next event in the feed is c3: its stream is intact, but its global link followed b3.
    let broken = check(&db).await.first_break.expect("a break");
    assert_eq!(broken.kind, BreakKind::ChainMismatch);
    assert_eq!(broken.position, position_of(&db, "c", 3).await);
}

on_both_backends!(the_last_event_deleted_is_named);
async fn the_last_event_deleted_is_named(log: EventLog) {
    let db = log.database().clone();
    write_history(&log).await;
    seal_all(&db, 15).await;
    let last = position_of(&db, "c", 5).await;
    let delete = format!("DELETE FROM events WHERE position = {last}");
    tamper(&db, &delete, &delete).await;
    // No later event of its stream vouches for it; its seal does.
    let broken = check(&db).await.first_break.expect("a break");
    assert_eq!(
        (broken.kind, broken.position),
        (BreakKind::EventDeleted, last)
    );
}

on_both_backends!(two_swapped_events_are_named);
async fn two_swapped_events_are_named(log: EventLog) {
    let db = log.database().clone();
    write_history(&log).await;
    seal_all(&db, 15).await;
    let a2 = position_of(&db, "a", 2).await;
    let b2 = position_of(&db, "b", 2).await;
    // Exchange the two events' places in the feed: on PostgreSQL the feed orders by transaction
    // id first (positions cannot be updated), on SQLite by position.
    let postgres = format!(
        "UPDATE events SET tx_id = CASE position WHEN {a2} THEN (SELECT tx_id FROM events WHERE position = {b2}) \
                                                 ELSE (SELECT tx_id FROM events WHERE position = {a2}) END \
         WHERE position IN ({a2}, {b2})"
    );
    // SQLite checks the unique position row by row, so the exchange goes through a free one.
    let sqlite = [
        format!("UPDATE events SET position = -1 WHERE position = {a2}"),
        format!("UPDATE events SET position = {a2} WHERE position = {b2}"),
        format!("UPDATE events SET position = {b2} WHERE position = -1"),
    ];
    match &db {
        Database::Postgres(_) => tamper(&db, &postgres, "").await,
        Database::Sqlite(_) => {
            for step in &sqlite {
                tamper(&db, "", step).await;
            }
        }
    }
    let broken = check(&db).await.first_break.expect("a break");
    assert_eq!(broken.kind, BreakKind::ChainMismatch);
    // The first of the two places in the feed now holds b2.
    assert_eq!((broken.aggregate_id.as_str(), broken.sequence), ("b", 2));
}

on_both_backends!(swapped_events_of_one_stream_are_named);
async fn swapped_events_of_one_stream_are_named(log: EventLog) {
    let db = log.database().clone();
    write_history(&log).await;
    seal_all(&db, 15).await;
    let a2 = position_of(&db, "a", 2).await;
    // Exchange the contents of a2 and a3 (what was done second now reads as done third).
    let swap = "UPDATE events SET payload = CASE sequence \
                    WHEN 2 THEN (SELECT payload FROM events WHERE aggregate_id = 'a' AND sequence = 3) \
                    ELSE (SELECT payload FROM events WHERE aggregate_id = 'a' AND sequence = 2) END \
                WHERE aggregate_id = 'a' AND sequence IN (2, 3)";
    tamper(&db, swap, swap).await;
    let broken = check(&db).await.first_break.expect("a break");
    assert_eq!(broken.kind, BreakKind::ContentChanged);
    assert_eq!((broken.position, broken.sequence), (a2, 2));
}

on_both_backends!(a_missing_hash_is_named);
async fn a_missing_hash_is_named(log: EventLog) {
    let db = log.database().clone();
    write_history(&log).await;
    seal_all(&db, 15).await;
    let clear = "UPDATE events SET hash = NULL WHERE aggregate_id = 'a' AND sequence = 4";
    tamper(&db, clear, clear).await;
    let broken = check(&db).await.first_break.expect("a break");
    assert_eq!((broken.kind, broken.sequence), (BreakKind::HashMissing, 4));
}

on_both_backends!(events_written_before_hashing_are_hashed_by_the_backfill);
async fn events_written_before_hashing_are_hashed_by_the_backfill(log: EventLog) {
    let db = log.database().clone();
    write_history(&log).await;
    seal_all(&db, 15).await;
    let original = check(&db).await;
    let clear = "UPDATE events SET hash = NULL";
    tamper(&db, clear, clear).await;
    assert_eq!(backfill_stream_hashes(&db).await.unwrap(), 15);
    let report = check(&db).await;
    assert!(report.ok, "{report:?}");
    assert_eq!(
        report.head_hash, original.head_hash,
        "the same hashes again"
    );
    assert_eq!(backfill_stream_hashes(&db).await.unwrap(), 0);
    // Appends go on from the backfilled hashes.
    write_history(&log).await;
    assert!(check(&db).await.ok);
}

on_both_backends!(the_sealer_follows_the_feed);
async fn the_sealer_follows_the_feed(log: EventLog) {
    let db = log.database().clone();
    let sealer = spawn_sealer(&log);
    write_history(&log).await;
    let mut report = check(&db).await;
    for _ in 0..1200 {
        if report.unsealed == 0 && report.events == 15 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        report = check(&db).await;
    }
    sealer.abort();
    assert!(report.ok, "{report:?}");
    assert_eq!((report.events, report.unsealed), (15, 0));
}

on_both_backends!(concurrent_writers_keep_the_stream_chain_whole);
async fn concurrent_writers_keep_the_stream_chain_whole(log: EventLog) {
    let db = log.database().clone();
    // Two buses, each with its own cache, writing the same streams: the stale one conflicts and
    // retries from the database, and every event still follows the one stored before it.
    let first = std::sync::Arc::new(log.commands::<Tally>(()));
    let second = std::sync::Arc::new(log.commands::<Tally>(()));
    let tasks: Vec<_> = (0..40u64)
        .map(|i| {
            let bus = if i % 2 == 0 {
                first.clone()
            } else {
                second.clone()
            };
            tokio::spawn(async move {
                let stream = STREAMS[(i % 3) as usize];
                bus.execute(
                    stream,
                    TallyCommand::Increment { by: i },
                    EventMetadata::system("test", "Increment"),
                )
                .await
            })
        })
        .collect();
    let mut committed = 0;
    for task in tasks {
        if task.await.unwrap().is_ok() {
            committed += 1;
        }
    }
    seal_all(&db, committed).await;
    let report = check(&db).await;
    assert!(report.ok, "{report:?}");
    assert!(report.events > 0);
}
