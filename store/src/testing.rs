//! Test support: a fresh PostgreSQL database per test (dropped afterwards) or a temporary SQLite
//! file. Tests that need PostgreSQL fail with a message saying how to provide it; they never skip.

use std::str::FromStr;

use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection};
use uuid::Uuid;

use crate::{Database, DatabaseUrl, EventLog};

/// Where the test suite finds a PostgreSQL server it may create databases on:
/// `ARTICULA_TEST_DATABASE_URL`, else the local server on 127.0.0.1:5432 as user `postgres`.
pub fn admin_url() -> String {
    std::env::var("ARTICULA_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_string())
}

/// A PostgreSQL database that exists for one test and is dropped with this value.
pub struct TestPostgres {
    pub url: String,
    name: String,
}

impl TestPostgres {
    /// Creates an empty database (no migrations applied).
    pub async fn create() -> Self {
        let admin = admin_url();
        let mut conn = PgConnectOptions::from_str(&admin)
            .expect("ARTICULA_TEST_DATABASE_URL is not a PostgreSQL URL")
            .connect()
            .await
            .unwrap_or_else(|e| {
                panic!(
                    "PostgreSQL is required for this test and is not reachable at {admin}: {e}. \
                     Start it (ops/test.sh does) or set ARTICULA_TEST_DATABASE_URL."
                )
            });
        let name = format!("articula_test_{}", Uuid::new_v4().simple());
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .await
            .expect("cannot create a test database");
        conn.close().await.ok();
        let mut options = PgConnectOptions::from_str(&admin).expect("checked above");
        options = options.database(&name);
        let url = options.to_url_lossy().to_string();
        Self { url, name }
    }

    pub fn database_url(&self) -> DatabaseUrl {
        DatabaseUrl::Postgres(self.url.clone())
    }

    /// Creates a database and applies the migrations.
    pub async fn migrated() -> (Self, Database) {
        let pg = Self::create().await;
        let db = Database::connect(&pg.database_url())
            .await
            .expect("cannot connect to the test database");
        db.migrate().await.expect("migrations failed");
        (pg, db)
    }
}

impl Drop for TestPostgres {
    fn drop(&mut self) {
        let name = self.name.clone();
        // Drop runs outside async; a short-lived runtime on its own thread removes the database.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            runtime.block_on(async move {
                let mut conn = PgConnectOptions::from_str(&admin_url())
                    .ok()?
                    .connect()
                    .await
                    .ok()?;
                sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut conn)
                    .await
                    .ok()
            })
        })
        .join();
        if !matches!(dropped, Ok(Some(_))) {
            eprintln!("warning: could not drop test database {}", self.name);
        }
    }
}

/// A SQLite file in a temporary directory that disappears with this value.
pub struct TestSqlite {
    pub dir: tempfile::TempDir,
}

impl TestSqlite {
    pub async fn migrated() -> (Self, Database) {
        let dir = tempfile::tempdir().expect("cannot create a temporary directory");
        let url = DatabaseUrl::Sqlite(dir.path().join("articula.db"));
        let db = Database::connect(&url).await.expect("cannot open SQLite");
        db.migrate().await.expect("migrations failed");
        (Self { dir }, db)
    }
}

/// An event log on a fresh, migrated PostgreSQL database.
pub async fn postgres_log() -> (TestPostgres, EventLog) {
    let (pg, db) = TestPostgres::migrated().await;
    (pg, EventLog::open(db))
}

/// An event log on a fresh, migrated SQLite file.
pub async fn sqlite_log() -> (TestSqlite, EventLog) {
    let (sqlite, db) = TestSqlite::migrated().await;
    (sqlite, EventLog::open(db))
}

/// Runs the async scenario `fn name(db: Database)` as two tests, `name::postgres` on a fresh
/// PostgreSQL database and `name::sqlite` on a fresh SQLite file (the store's tests of behaviour
/// both backends must share). Needs `tokio` in the calling crate.
#[macro_export]
macro_rules! on_both_backends {
    ($scenario:ident) => {
        mod $scenario {
            #[tokio::test]
            async fn postgres() {
                let (_pg, db) = $crate::testing::TestPostgres::migrated().await;
                super::$scenario(db).await;
            }

            #[tokio::test]
            async fn sqlite() {
                let (_sqlite, db) = $crate::testing::TestSqlite::migrated().await;
                super::$scenario(db).await;
            }
        }
    };
}
