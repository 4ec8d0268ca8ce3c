//! The bare framework `articula bench http` compares against: cqrs-es 0.5's `CqrsFramework`
//! over its own event repositories (postgres-es 0.5, sqlite-es 0.5) with their own table layout
//! (the crates' `init.sql`), no projections, no authentication, no HTTP — the floor a command
//! costs in these libraries on this machine.

use std::path::Path;
use std::time::Duration;

use cqrs_es::persist::PersistedEventStore;
use cqrs_es::CqrsFramework;
use domain::bench::{Note, NoteCommand};
use postgres_es::PostgresEventRepository;
use sqlite_es::SqliteEventRepository;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

type OnPostgres = CqrsFramework<Note, PersistedEventStore<PostgresEventRepository, Note>>;
type OnSqlite = CqrsFramework<Note, PersistedEventStore<SqliteEventRepository, Note>>;

/// postgres-es 0.5's `db/init.sql` (the events table; snapshots are not used).
const POSTGRES_EVENTS: &str = "CREATE TABLE events (
    aggregate_type text NOT NULL,
    aggregate_id text NOT NULL,
    sequence bigint CHECK (sequence >= 0) NOT NULL,
    event_type text NOT NULL,
    event_version text NOT NULL,
    payload json NOT NULL,
    metadata json NOT NULL,
    PRIMARY KEY (aggregate_type, aggregate_id, sequence))";

/// sqlite-es 0.5's `migrations/…_init.sql` (the events table).
const SQLITE_EVENTS: &str = "CREATE TABLE events (
    aggregate_type text NOT NULL,
    aggregate_id text NOT NULL,
    sequence integer CHECK (sequence >= 0) NOT NULL,
    event_type text NOT NULL,
    event_version text NOT NULL,
    payload text NOT NULL,
    metadata text NOT NULL,
    PRIMARY KEY (aggregate_type, aggregate_id, sequence)) STRICT";

/// The event text of the bare framework's commands (a register's event payload is larger, so
/// this is generous to the bare side).
const EVENT_BYTES: usize = 300;

pub(super) enum Framework {
    Postgres(OnPostgres),
    Sqlite(OnSqlite),
}

pub(super) struct Bare {
    framework: Framework,
    text: String,
}

impl Bare {
    /// The framework on an empty PostgreSQL database at `url`.
    pub async fn on_postgres(url: &str) -> Result<Self, Box<dyn std::error::Error>> {
        // Articula's pool options, so that the two differ by their frameworks, not their pools.
        let pool = store::postgres_pool_options()
            .max_connections(16)
            .connect(url)
            .await?;
        sqlx::query(POSTGRES_EVENTS).execute(&pool).await?;
        let store = PersistedEventStore::new_event_store(PostgresEventRepository::new(pool));
        Ok(Self::new(Framework::Postgres(CqrsFramework::new(
            store,
            vec![],
            (),
        ))))
    }

    /// The framework on a new SQLite file at `path`, in WAL mode with `synchronous=FULL`, as
    /// Articula's embedded store is opened (so both pay the same for durability).
    pub async fn on_sqlite(path: &Path) -> Result<Self, Box<dyn std::error::Error>> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await?;
        sqlx::query(SQLITE_EVENTS).execute(&pool).await?;
        let store = PersistedEventStore::new_event_store(SqliteEventRepository::new(pool));
        Ok(Self::new(Framework::Sqlite(CqrsFramework::new(
            store,
            vec![],
            (),
        ))))
    }

    fn new(framework: Framework) -> Self {
        Self {
            framework,
            text: "x".repeat(EVENT_BYTES),
        }
    }

    /// One command writing one event of `EVENT_BYTES` of text on `stream`.
    pub async fn write(&self, stream: &str) -> Result<(), String> {
        let command = NoteCommand::Write {
            text: self.text.clone(),
        };
        match &self.framework {
            Framework::Postgres(cqrs) => cqrs.execute(stream, command).await,
            Framework::Sqlite(cqrs) => cqrs.execute(stream, command).await,
        }
        .map_err(|e| e.to_string())
    }
}
