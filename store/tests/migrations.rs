//! Migrations on both backends: applied once, a newer schema refused, bad files named.

use store::testing::{TestPostgres, TestSqlite};
use store::{Database, DatabaseUrl, SchemaStatus, StoreError};

#[tokio::test]
async fn postgres_migrations_apply_once_and_a_newer_schema_is_refused() {
    let pg = TestPostgres::create().await;
    let db = Database::connect(&pg.database_url()).await.unwrap();
    assert_eq!(db.schema_status().await.unwrap(), SchemaStatus::Behind);
    assert!(db.migrate().await.unwrap() >= 1);
    assert_eq!(db.migrate().await.unwrap(), 0);
    assert_eq!(db.schema_status().await.unwrap(), SchemaStatus::Current);
    let Database::Postgres(pool) = &db else {
        unreachable!()
    };
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
         VALUES (99990101000000, 'from the future', true, '\\x00', 0)",
    )
    .execute(pool)
    .await
    .unwrap();
    let refused = db.migrate().await.unwrap_err();
    assert!(
        matches!(refused, StoreError::SchemaTooNew { .. }),
        "{refused}"
    );
    assert!(refused.to_string().contains("newer than this binary"));
    assert!(db.schema_status().await.is_err());
}

#[tokio::test]
async fn sqlite_migrations_apply_once() {
    let (sqlite, db) = TestSqlite::migrated().await;
    assert_eq!(db.schema_status().await.unwrap(), SchemaStatus::Current);
    assert_eq!(db.migrate().await.unwrap(), 0);
    drop(sqlite);
}

#[tokio::test]
async fn a_corrupted_sqlite_file_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("articula.db");
    std::fs::write(&path, vec![0x42u8; 8192]).unwrap();
    let error = Database::connect(&DatabaseUrl::Sqlite(path.clone()))
        .await
        .unwrap_err();
    assert!(matches!(error, StoreError::Corrupt(_)), "{error}");
    assert!(error.to_string().contains("articula.db"), "{error}");
    assert_eq!(
        std::fs::read(&path).unwrap(),
        vec![0x42u8; 8192],
        "the file was modified"
    );
}

#[tokio::test]
async fn an_unwritable_data_directory_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("not-a-dir");
    std::fs::write(&blocker, b"").unwrap();
    let url = DatabaseUrl::Sqlite(blocker.join("articula.db"));
    let error = Database::connect(&url).await.unwrap_err();
    assert!(matches!(error, StoreError::DataDir { .. }), "{error}");
}

#[tokio::test]
async fn an_unreachable_postgres_is_a_clear_error() {
    let url: DatabaseUrl = "postgres://nobody@127.0.0.1:1/none".parse().unwrap();
    let error = Database::connect(&url).await.unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("cannot connect to the PostgreSQL database"),
        "{error}"
    );
}
