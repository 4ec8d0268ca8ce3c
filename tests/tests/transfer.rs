//! The move the issue asks for: a history written through the real command path on SQLite,
//! exported, imported into PostgreSQL, exported again and imported into a new SQLite file. Each
//! store verifies with the same head hash, and every read model rebuilt on each is the same.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use projections::{EngineBuilder, ReadModels, Until};
use store::chain::{verify, EventHash};
use store::testing::{TestPostgres, TestSqlite};
use store::transfer::{export, import, Positions};
use store::{Database, EventLog};

/// Verifies `db` once all its `events` are final in the feed (on PostgreSQL an event is final
/// only when every older transaction on the server has ended; other tests run meanwhile).
async fn head_hash(db: &Database, events: u64) -> EventHash {
    for _ in 0..400 {
        let report = verify(db, &|_| {}).await.expect("verify runs");
        assert!(report.ok, "{report:?}");
        if report.events == events {
            return report.head_hash.expect("a non-empty log has a head");
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the log never showed {events} final events");
}

async fn export_to(db: &Database, path: &Path) -> store::transfer::ExportSummary {
    let file = std::fs::File::create(path).unwrap();
    export(db, &file, &|_, _| {}).await.expect("the export")
}

/// Every read model, rebuilt from the whole log, as JSON by projection name.
async fn read_models(log: &EventLog) -> BTreeMap<&'static str, serde_json::Value> {
    let mut builder = EngineBuilder::new(log.feed());
    let models = ReadModels::register(&mut builder);
    let engine = builder.build();
    engine
        .run_until(Until::Head, |_| {})
        .await
        .expect("the projections fold the log");
    models
        .to_json()
        .into_iter()
        .map(|(name, state)| (name, state.expect("the projection serialises")))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_to_postgres_to_sqlite_keeps_the_head_hash_and_the_projections() {
    let dir = tempfile::tempdir().unwrap();

    let (_first_file, first_db) = TestSqlite::migrated().await;
    let first = EventLog::open(first_db.clone());
    let written = gateway::synthetic::write(&first, 25, 800, 2026, &|_| {})
        .await
        .expect("a synthetic history");
    assert!(written.events >= 800, "{written:?}");
    assert!(
        written.communities > 0 && written.joint_projects > 0,
        "{written:?}"
    );
    let events = written.events;
    let head = head_hash(&first_db, events).await;
    let models = read_models(&first).await;
    assert_eq!(
        models["event_counts"]["total"], events,
        "the read models hold the history"
    );

    let from_sqlite = dir.path().join("from-sqlite.ndjson");
    let exported = export_to(&first_db, &from_sqlite).await;
    assert_eq!((exported.events, exported.head_hash), (events, Some(head)));

    let (_pg, pg_db) = TestPostgres::migrated().await;
    let imported = import(&pg_db, &from_sqlite, &|_, _| {}).await.unwrap();
    assert_eq!(imported.positions, Positions::Kept);
    assert_eq!(imported.head_hash, Some(head));
    assert_eq!(head_hash(&pg_db, events).await, head, "PostgreSQL verifies");
    let on_postgres = EventLog::open(pg_db.clone());
    assert_eq!(
        read_models(&on_postgres).await,
        models,
        "PostgreSQL's projections"
    );

    let from_postgres = dir.path().join("from-postgres.ndjson");
    let exported = export_to(&pg_db, &from_postgres).await;
    assert_eq!((exported.events, exported.head_hash), (events, Some(head)));

    let (_last_file, last_db) = TestSqlite::migrated().await;
    let imported = import(&last_db, &from_postgres, &|_, _| {}).await.unwrap();
    assert_eq!(imported.positions, Positions::Kept);
    assert_eq!(
        head_hash(&last_db, events).await,
        head,
        "SQLite again verifies"
    );
    let back = EventLog::open(last_db.clone());
    assert_eq!(read_models(&back).await, models, "SQLite's projections");
}
