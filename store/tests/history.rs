//! The projection history table on both backends: the entry an as-of read starts from, by
//! position and by time; a place written twice stays as first written; a place missing pieces is
//! an error; older shapes forgotten, with the pieces no place will read.

use chrono::{DateTime, Duration, TimeZone, Utc};
use store::{
    Database, FeedPosition, HistoryBound, HistoryEntry, HistoryPlace, ProjectionHistory, Snapshot,
};

use store::on_both_backends;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2031, 2, 3, 4, 5, 6).unwrap() + Duration::microseconds(7)
}

fn at(tx: i64, position: i64) -> FeedPosition {
    FeedPosition { tx, position }
}

fn entry(name: &str, version: i32, position: FeedPosition, minutes: i64) -> HistoryEntry {
    HistoryEntry {
        snapshot: Snapshot {
            name: name.into(),
            version,
            position,
            events_applied: position.position,
            state: format!("{{\"{name}\":{}}}", position.position).into_bytes(),
        },
        recorded_by: t0() + Duration::minutes(minutes),
    }
}

/// Saves `entry` as the keeper does: its state packed.
async fn save(history: &ProjectionHistory, entry: &HistoryEntry) {
    let mut packed = entry.clone();
    packed.snapshot.state = ProjectionHistory::pack(&entry.snapshot.state);
    history.save_packed(&packed).await.unwrap();
}

on_both_backends!(an_as_of_read_starts_from_the_newest_place_before_it);
async fn an_as_of_read_starts_from_the_newest_place_before_it(db: Database) {
    let history = ProjectionHistory::new(db);
    // Feed order is (tx, position): position 30 commits in an earlier transaction than 20.
    let places = [
        entry("map", 1, at(5, 10), 1),
        entry("map", 1, at(6, 30), 2),
        entry("map", 1, at(9, 20), 4),
        entry("statistics", 1, at(6, 30), 2),
    ];
    for place in &places {
        save(&history, place).await;
    }
    let before = |bound| {
        let history = history.clone();
        async move {
            history
                .before("map", 1, bound)
                .await
                .unwrap()
                .map(|e| e.snapshot.position)
        }
    };
    assert_eq!(before(HistoryBound::Position(at(5, 9))).await, None);
    assert_eq!(
        before(HistoryBound::Position(at(5, 10))).await,
        Some(at(5, 10))
    );
    assert_eq!(
        before(HistoryBound::Position(at(8, 1))).await,
        Some(at(6, 30))
    );
    assert_eq!(
        before(HistoryBound::Position(at(99, 0))).await,
        Some(at(9, 20))
    );
    let by_time = |minutes, micros| {
        HistoryBound::RecordedBy(t0() + Duration::minutes(minutes) + Duration::microseconds(micros))
    };
    assert_eq!(before(by_time(1, -1)).await, None, "a microsecond early");
    assert_eq!(before(by_time(1, 0)).await, Some(at(5, 10)));
    assert_eq!(before(by_time(3, 0)).await, Some(at(6, 30)));
    assert_eq!(before(by_time(60, 0)).await, Some(at(9, 20)));

    let read = history
        .before("map", 1, HistoryBound::Position(at(6, 30)))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(read, places[1], "an entry reads back as saved");
    assert_eq!(
        history.at("map", 1, at(6, 31)).await.unwrap(),
        None,
        "`at` wants the exact place"
    );
    assert_eq!(
        history.at("map", 1, at(6, 30)).await.unwrap(),
        Some(places[1].clone())
    );
}

on_both_backends!(a_place_is_written_once_and_older_shapes_are_forgotten);
async fn a_place_is_written_once_and_older_shapes_are_forgotten(db: Database) {
    let history = ProjectionHistory::new(db);
    let first = entry("map", 1, at(3, 3), 0);
    save(&history, &first).await;
    let mut again = first.clone();
    again.snapshot.state = b"{\"another\":true}".to_vec();
    save(&history, &again).await;
    assert_eq!(history.at("map", 1, at(3, 3)).await.unwrap(), Some(first));

    save(&history, &entry("map", 2, at(3, 3), 0)).await;
    save(&history, &entry("library", 1, at(3, 3), 0)).await;
    assert_eq!(history.forget_other_versions("map", 2).await.unwrap(), 1);
    let places: Vec<HistoryPlace> = history.places().await.unwrap();
    let names: Vec<(&str, i32)> = places
        .iter()
        .map(|p| (p.name.as_str(), p.version))
        .collect();
    assert_eq!(names, [("library", 1), ("map", 2)]);
    assert_eq!(
        history
            .before("map", 1, HistoryBound::Position(at(9, 9)))
            .await
            .unwrap(),
        None,
        "the old shape is gone"
    );
}

on_both_backends!(a_large_state_is_written_in_pieces_and_reads_back_whole);
async fn a_large_state_is_written_in_pieces_and_reads_back_whole(db: Database) {
    let history = ProjectionHistory::new(db);
    let large = large_entry();
    save(&history, &large).await;
    // Another keeper saves the same place with other bytes: the first place stays whole.
    let mut other = large.clone();
    other.snapshot.state = b"{\"other\":true}".to_vec();
    save(&history, &other).await;
    assert_eq!(history.at("map", 1, at(4, 4)).await.unwrap(), Some(large));
    assert_eq!(history.newest("map", 1).await.unwrap(), Some(at(4, 4)));
}

/// An entry of the map at (4, 4) whose state packs into three pieces: bytes lz4 cannot shrink.
fn large_entry() -> HistoryEntry {
    let mut noise = 0x2545_f491_4f6c_dd1d_u64;
    let state: Vec<u8> = (0..(2 * store::HISTORY_PIECE_BYTES + 12_345))
        .map(|_| {
            noise ^= noise << 13;
            noise ^= noise >> 7;
            noise ^= noise << 17;
            noise as u8
        })
        .collect();
    let mut large = entry("map", 1, at(4, 4), 0);
    large.snapshot.state = state;
    large
}

on_both_backends!(a_place_missing_pieces_is_an_error_not_a_partial_state);
async fn a_place_missing_pieces_is_an_error_not_a_partial_state(db: Database) {
    let history = ProjectionHistory::new(db.clone());
    save(&history, &large_entry()).await;
    let error = |history: ProjectionHistory| async move {
        history
            .at("map", 1, at(4, 4))
            .await
            .expect_err("a damaged place is not read back")
            .to_string()
    };
    // A row that claims more pieces than there are (and more than any state has): an error
    // saying so, read without reserving room for all it claims.
    run(&db, "UPDATE projection_history SET pieces = 2147483647").await;
    let claimed = error(history.clone()).await;
    assert!(
        claimed.contains("has 3 of its 2147483647 pieces"),
        "{claimed}"
    );
    // A piece lost: the state is not read back with a hole in it.
    run(&db, "UPDATE projection_history SET pieces = 3").await;
    run(&db, "DELETE FROM projection_history_pieces WHERE piece = 1").await;
    let lost = error(history).await;
    assert!(lost.contains("has 2 of its 3 pieces"), "{lost}");
}

async fn run(db: &Database, sql: &str) {
    match db {
        Database::Postgres(pool) => sqlx::query(sql).execute(pool).await.map(drop),
        Database::Sqlite(pool) => sqlx::query(sql).execute(pool).await.map(drop),
    }
    .unwrap();
}

/// The pieces of every place, as `(name, version, writer)`.
async fn pieces(db: &Database) -> Vec<(String, i32, String)> {
    const SQL: &str = "SELECT DISTINCT name, version, writer FROM projection_history_pieces \
                       ORDER BY name, version, writer";
    match db {
        Database::Postgres(pool) => sqlx::query_as(SQL).fetch_all(pool).await.unwrap(),
        Database::Sqlite(pool) => sqlx::query_as(SQL).fetch_all(pool).await.unwrap(),
    }
}

/// Piece `piece` of `name` in shape 2 that no place reads, from a writer that died `hours_ago`.
async fn orphan_piece(db: &Database, name: &str, writer: &str, hours_ago: i64, piece: i32) {
    let written_at = Utc::now() - Duration::hours(hours_ago);
    const SQL: &str = "INSERT INTO projection_history_pieces \
                       (name, version, tx, position, writer, piece, bytes, written_at) \
                       VALUES ($1, 2, 8, 8, $2, $5, $3, $4)";
    let bytes = vec![1u8; 16];
    match db {
        Database::Postgres(pool) => sqlx::query(SQL)
            .bind(name)
            .bind(writer)
            .bind(bytes)
            .bind(written_at)
            .bind(piece)
            .execute(pool)
            .await
            .map(drop),
        Database::Sqlite(pool) => sqlx::query(SQL)
            .bind(name)
            .bind(writer)
            .bind(bytes)
            .bind(written_at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true))
            .bind(piece)
            .execute(pool)
            .await
            .map(drop),
    }
    .unwrap();
}

on_both_backends!(forgetting_removes_the_pieces_no_place_will_read);
async fn forgetting_removes_the_pieces_no_place_will_read(db: Database) {
    let history = ProjectionHistory::new(db.clone());
    save(&history, &entry("map", 1, at(3, 3), 0)).await;
    // A second keeper loses the race for the same place: its pieces go at once.
    save(&history, &entry("map", 1, at(3, 3), 0)).await;
    save(&history, &entry("map", 2, at(3, 3), 0)).await;
    orphan_piece(&db, "map", "died-long-ago", 2, 0).await;
    orphan_piece(&db, "map", "still-writing", 0, 0).await;
    let before = pieces(&db).await;
    assert_eq!(
        before.len(),
        4,
        "one writer per saved place, and the two orphans: {before:?}"
    );

    assert_eq!(history.forget_other_versions("map", 2).await.unwrap(), 1);
    let after = pieces(&db).await;
    let left: Vec<(&str, i32)> = after.iter().map(|(n, v, _)| (n.as_str(), *v)).collect();
    // Shape 1's place and the long-dead writer's piece are gone; shape 2's place keeps its
    // pieces, and a writer that may still be writing keeps its own (its place row comes after).
    assert_eq!(left, [("map", 2), ("map", 2)], "{after:?}");
    assert!(
        after.iter().any(|(_, _, writer)| writer == "still-writing"),
        "{after:?}"
    );
    assert!(history.at("map", 2, at(3, 3)).await.unwrap().is_some());
}

on_both_backends!(forgetting_goes_on_past_what_one_statement_deletes);
async fn forgetting_goes_on_past_what_one_statement_deletes(db: Database) {
    let history = ProjectionHistory::new(db.clone());
    let many = 2 * store::HISTORY_FORGET_AT_ONCE + 1;
    for piece in 0..many {
        orphan_piece(
            &db,
            "map",
            "died-long-ago",
            2,
            i32::try_from(piece).unwrap(),
        )
        .await;
    }
    const COUNT: &str = "SELECT count(*) FROM projection_history_pieces";
    let count = || async {
        match &db {
            Database::Postgres(pool) => sqlx::query_scalar::<_, i64>(COUNT).fetch_one(pool).await,
            Database::Sqlite(pool) => sqlx::query_scalar::<_, i64>(COUNT).fetch_one(pool).await,
        }
        .unwrap()
    };
    assert_eq!(u64::try_from(count().await).unwrap(), many);
    history.forget_other_versions("map", 2).await.unwrap();
    assert_eq!(
        count().await,
        0,
        "every piece of the dead writer is forgotten"
    );
}
