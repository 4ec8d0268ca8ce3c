use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};

use crate::StoreError;

static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/postgres");
static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/sqlite");

/// A PostgreSQL condition that always holds and lets its statement's own transaction commit
/// without waiting for the disk (`synchronous_commit` off for that transaction alone; measured
/// with pgbench here: one WAL flush for 500 such commits instead of 500). Only for rows derived
/// from committed events (the chain's links, recorded notifications): a power cut may lose the
/// last of them, and they are derived again, identically. Never for an acknowledged write.
pub(crate) const UNHURRIED_COMMIT: &str =
    "(SELECT set_config('synchronous_commit', 'off', true)) IS NOT NULL";

/// Runs `$body` on whichever backend `$db` (a `&Database`) has open, with `$pool` its pool: for
/// statements written alike for both (SQLite numbers `$1`, `$2`... in the order they first
/// appear, as PostgreSQL does).
macro_rules! on_pool {
    ($db:expr, |$pool:ident| $body:expr) => {
        match $db {
            $crate::Database::Postgres($pool) => $body,
            $crate::Database::Sqlite($pool) => $body,
        }
    };
}
pub(crate) use on_pool;

/// How long a SQLite connection waits for another process's write lock before it gives up.
pub(crate) const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a pooled PostgreSQL connection may sit idle before it is tested before use.
pub(crate) const TEST_WHEN_IDLE_FOR: Duration = Duration::from_secs(1);

/// The options of every PostgreSQL pool the process opens.
///
/// sqlx tests a connection with a round trip (`Sync`, then `ReadyForQuery`) each time it is
/// taken from the pool, besides the round trip with which it tests it when it goes back, so a
/// statement run on the pool made three. Under `articula bench http` registering at 16 clients
/// these tests were 8% of this process's CPU samples (`perf`), and PostgreSQL answered each.
/// A connection, tested when it went back, is taken without a test unless it sat idle for over
/// [`TEST_WHEN_IDLE_FOR`] (sqlx's documented pattern for this): after the database went away, a
/// connection used within that second fails its statement, which answers as unavailable like
/// any statement that loses its server, and is dropped; the others are tested and replaced.
/// Workers that run statement after statement keep a connection instead (`crate::held`), and
/// appends park theirs between them (`crate::parked`).
pub fn postgres_pool_options() -> PgPoolOptions {
    PgPoolOptions::new()
        .test_before_acquire(false)
        .before_acquire(|connection, meta| {
            Box::pin(async move {
                if meta.idle_for > TEST_WHEN_IDLE_FOR {
                    sqlx::Connection::ping(connection).await?;
                }
                Ok(true)
            })
        })
}

/// The migration that added stream hashes; events written before it are hashed right after it.
const HASH_CHAIN_MIGRATION: i64 = 5;

/// Where the event log lives, parsed from `DATABASE_URL`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Postgres(String),
    Sqlite(PathBuf),
}

impl DatabaseUrl {
    /// The embedded default: a SQLite file inside the data directory.
    pub fn default_sqlite(data_dir: &Path) -> Self {
        Self::Sqlite(data_dir.join("articula.db"))
    }

    pub fn backend(&self) -> Backend {
        match self {
            Self::Postgres(_) => Backend::Postgres,
            Self::Sqlite(_) => Backend::Sqlite,
        }
    }
}

impl FromStr for DatabaseUrl {
    type Err = StoreError;

    fn from_str(url: &str) -> Result<Self, StoreError> {
        let url = url.trim();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            PgConnectOptions::from_str(url)
                .map_err(|e| StoreError::InvalidUrl(format!("malformed PostgreSQL URL: {e}")))?;
            return Ok(Self::Postgres(url.to_string()));
        }
        if let Some(rest) = url.strip_prefix("sqlite:") {
            let path = rest.strip_prefix("//").unwrap_or(rest);
            let path = path.split('?').next().unwrap_or_default();
            if path.is_empty() || path == ":memory:" {
                return Err(StoreError::InvalidUrl(
                    "a SQLite URL needs a file path, e.g. sqlite://data/articula.db \
                     (in-memory databases would lose every write)"
                        .into(),
                ));
            }
            return Ok(Self::Sqlite(PathBuf::from(path)));
        }
        let scheme = url.split(':').next().unwrap_or_default();
        Err(StoreError::InvalidUrl(format!(
            "unknown scheme `{scheme}`: use postgres://… or sqlite://…"
        )))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Postgres,
    Sqlite,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Self::Postgres => "PostgreSQL",
            Self::Sqlite => "SQLite",
        }
    }
}

/// Whether the database's schema matches this binary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemaStatus {
    Current,
    Behind,
}

/// A connection pool to one of the two backends.
#[derive(Debug, Clone)]
pub enum Database {
    Postgres(PgPool),
    Sqlite(SqlitePool),
}

impl Database {
    /// Runs `sql`, whose one parameter `$1` is an account id (a `uuid` column on PostgreSQL,
    /// text on SQLite), and returns how many rows it changed: what erasing a person's rows
    /// takes, table by table.
    pub(crate) async fn execute_for_account(
        &self,
        sql: &str,
        account: domain::values::AccountId,
    ) -> Result<u64, StoreError> {
        let changed = match self {
            Self::Postgres(pool) => sqlx::query(sql)
                .bind(account.into_uuid())
                .execute(pool)
                .await?
                .rows_affected(),
            Self::Sqlite(pool) => sqlx::query(sql)
                .bind(account.to_string())
                .execute(pool)
                .await?
                .rows_affected(),
        };
        Ok(changed)
    }

    /// Opens a pool with the default acquire timeout (5 s). For SQLite the file (and its
    /// directory) is created if missing; a file that is not a SQLite database is refused here
    /// rather than at the first write.
    pub async fn connect(url: &DatabaseUrl) -> Result<Self, StoreError> {
        Self::connect_with(url, Duration::from_secs(5)).await
    }

    /// [`Self::connect`], waiting at most `acquire_timeout` for a connection (including
    /// reconnecting to a server that went away) before an operation fails as
    /// [`StoreError::is_unavailable`]: a server answers "try again" promptly instead of hanging.
    pub async fn connect_with(
        url: &DatabaseUrl,
        acquire_timeout: Duration,
    ) -> Result<Self, StoreError> {
        match url {
            DatabaseUrl::Postgres(url) => {
                let options = PgConnectOptions::from_str(url)
                    .map_err(|e| StoreError::InvalidUrl(e.to_string()))?;
                let pool = postgres_pool_options()
                    .max_connections(32)
                    .acquire_timeout(acquire_timeout)
                    .connect_with(options)
                    .await
                    .map_err(|e| StoreError::Connect {
                        backend: "PostgreSQL",
                        reason: describe_connect_error(&e),
                    })?;
                Ok(Self::Postgres(pool))
            }
            DatabaseUrl::Sqlite(path) => Self::connect_sqlite(path, acquire_timeout).await,
        }
    }

    async fn connect_sqlite(path: &Path, acquire_timeout: Duration) -> Result<Self, StoreError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| StoreError::DataDir {
                path: dir.to_path_buf(),
                reason: e.to_string(),
            })?;
            probe_writable(dir)?;
        }
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // FULL: an acknowledged command survives a power cut, not only a process crash.
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(SQLITE_BUSY_TIMEOUT)
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .acquire_timeout(acquire_timeout)
            .connect_with(options)
            .await
            .map_err(|e| match &e {
                sqlx::Error::Database(db) if db.message().contains("not a database") => {
                    StoreError::Corrupt(format!("{}: {}", path.display(), db.message()))
                }
                _ => StoreError::Connect {
                    backend: "SQLite",
                    reason: format!("{}: {}", path.display(), describe_connect_error(&e)),
                },
            })?;
        // Reading the schema touches the file header: a corrupted file fails here, not later.
        let check: Result<String, sqlx::Error> = sqlx::query_scalar("PRAGMA quick_check")
            .fetch_one(&pool)
            .await;
        match check {
            Ok(answer) if answer == "ok" => Ok(Self::Sqlite(pool)),
            Ok(answer) => Err(StoreError::Corrupt(format!("{}: {answer}", path.display()))),
            Err(e) => Err(StoreError::Corrupt(format!(
                "{}: {}",
                path.display(),
                describe_connect_error(&e)
            ))),
        }
    }

    pub fn backend(&self) -> Backend {
        match self {
            Self::Postgres(_) => Backend::Postgres,
            Self::Sqlite(_) => Backend::Sqlite,
        }
    }

    fn migrator(&self) -> &'static Migrator {
        match self {
            Self::Postgres(_) => &POSTGRES_MIGRATIONS,
            Self::Sqlite(_) => &SQLITE_MIGRATIONS,
        }
    }

    /// The newest migration this binary knows.
    pub fn binary_schema_version(&self) -> i64 {
        self.migrator()
            .iter()
            .map(|m| m.version)
            .max()
            .unwrap_or_default()
    }

    /// Applies every pending migration, after refusing a schema newer than this binary.
    /// Returns how many migrations were applied.
    pub async fn migrate(&self) -> Result<usize, StoreError> {
        let before = self.applied_versions().await?;
        self.refuse_newer(&before)?;
        let result = match self {
            Self::Postgres(pool) => self.migrator().run(pool).await,
            Self::Sqlite(pool) => self.migrator().run(pool).await,
        };
        result.map_err(|e| StoreError::Migrate(e.to_string()))?;
        if !before.contains(&HASH_CHAIN_MIGRATION) {
            let hashed = crate::chain::backfill_stream_hashes(self).await?;
            if hashed > 0 {
                tracing::info!(hashed, "hashed the events written before the hash chain");
            }
        }
        Ok(self.applied_versions().await?.len() - before.len())
    }

    /// Whether the schema is current; an error if it is newer than this binary.
    pub async fn schema_status(&self) -> Result<SchemaStatus, StoreError> {
        let applied = self.applied_versions().await?;
        self.refuse_newer(&applied)?;
        let all_applied = self.migrator().iter().all(|m| applied.contains(&m.version));
        Ok(if all_applied {
            SchemaStatus::Current
        } else {
            SchemaStatus::Behind
        })
    }

    fn refuse_newer(&self, applied: &[i64]) -> Result<(), StoreError> {
        let binary = self.binary_schema_version();
        match applied.iter().copied().max() {
            Some(database) if database > binary => {
                Err(StoreError::SchemaTooNew { database, binary })
            }
            _ => Ok(()),
        }
    }

    async fn applied_versions(&self) -> Result<Vec<i64>, StoreError> {
        const TABLE_EXISTS_PG: &str = "SELECT to_regclass('_sqlx_migrations') IS NOT NULL";
        const TABLE_EXISTS_SQLITE: &str =
            "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'";
        const APPLIED: &str = "SELECT version FROM _sqlx_migrations WHERE success ORDER BY version";
        let versions = match self {
            Self::Postgres(pool) => {
                let exists: bool = sqlx::query_scalar(TABLE_EXISTS_PG).fetch_one(pool).await?;
                if !exists {
                    return Ok(Vec::new());
                }
                sqlx::query_scalar(APPLIED).fetch_all(pool).await?
            }
            Self::Sqlite(pool) => {
                let exists: bool = sqlx::query_scalar(TABLE_EXISTS_SQLITE)
                    .fetch_one(pool)
                    .await?;
                if !exists {
                    return Ok(Vec::new());
                }
                sqlx::query_scalar(APPLIED).fetch_all(pool).await?
            }
        };
        Ok(versions)
    }

    /// A cheap round trip, for readiness checks.
    pub async fn ping(&self) -> Result<(), StoreError> {
        match self {
            Self::Postgres(pool) => {
                sqlx::query("SELECT 1").execute(pool).await?;
            }
            Self::Sqlite(pool) => {
                sqlx::query("SELECT 1").execute(pool).await?;
            }
        }
        Ok(())
    }

    /// Closes the pool: SQLite's writer finishes first; PostgreSQL's connections are waited for
    /// at most [`POSTGRES_CLOSE_WAIT`].
    pub async fn close(&self) {
        self.close_within(POSTGRES_CLOSE_WAIT).await;
    }

    /// [`Self::close`], waiting at most `wait` for PostgreSQL's connections. sqlx 0.8.6's
    /// `Pool::close` waits for every connection checked out to come back, and one whose statement
    /// was dropped half way (a request given up) can stay on its way back for ever while it is
    /// tested. A stop that never ends is worse than connections left to the process's exit:
    /// every acknowledged write was committed before this is called, and PostgreSQL rolls back
    /// whatever a dropped connection still had open, as after a kill. SQLite's close is not cut
    /// short: its writer commits what it has accepted.
    async fn close_within(&self, wait: Duration) {
        match self {
            Self::Postgres(pool) => {
                if tokio::time::timeout(wait, pool.close()).await.is_err() {
                    tracing::warn!(
                        wait_seconds = wait.as_secs_f64(),
                        checked_out = (pool.size() as usize).saturating_sub(pool.num_idle()),
                        "PostgreSQL connections did not come back; leaving them to the exit"
                    );
                }
            }
            Self::Sqlite(pool) => {
                crate::writer::close_sqlite(pool).await;
                pool.close().await
            }
        }
    }
}

/// How long a stop waits for PostgreSQL's connections to come back ([`Database::close`]).
const POSTGRES_CLOSE_WAIT: Duration = Duration::from_secs(5);

/// Creating the SQLite file would report a bare "unable to open database file"; checking the
/// directory first names the real problem.
fn probe_writable(dir: &Path) -> Result<(), StoreError> {
    let probe = dir.join(format!(".articula-write-probe-{}", std::process::id()));
    std::fs::write(&probe, b"")
        .and_then(|()| std::fs::remove_file(&probe))
        .map_err(|e| StoreError::DataDir {
            path: dir.to_path_buf(),
            reason: format!("not writable ({e})"),
        })
}

fn describe_connect_error(error: &sqlx::Error) -> String {
    match error {
        sqlx::Error::Io(io) => format!("{io} (is the server running and reachable?)"),
        sqlx::Error::PoolTimedOut => "timed out (is the server running and reachable?)".into(),
        sqlx::Error::Database(db) => db.message().to_string(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_choose_the_backend() {
        assert_eq!(
            "postgres://localhost/articula"
                .parse::<DatabaseUrl>()
                .unwrap(),
            DatabaseUrl::Postgres("postgres://localhost/articula".into())
        );
        assert_eq!(
            "sqlite://data/a.db".parse::<DatabaseUrl>().unwrap(),
            DatabaseUrl::Sqlite("data/a.db".into())
        );
        assert_eq!(
            "sqlite:///tmp/a.db?mode=rwc"
                .parse::<DatabaseUrl>()
                .unwrap(),
            DatabaseUrl::Sqlite("/tmp/a.db".into())
        );
    }

    #[tokio::test]
    async fn closing_postgres_does_not_wait_for_ever_on_a_connection_that_never_comes_back() {
        let (_pg, db) = crate::testing::TestPostgres::migrated().await;
        let Database::Postgres(pool) = &db else {
            unreachable!("a PostgreSQL test database")
        };
        // A connection checked out and never given back: sqlx's own close waits for it (in
        // most runs; then the bound is what ends the close).
        let kept = pool.acquire().await.unwrap();
        let closed = tokio::time::timeout(
            Duration::from_secs(5),
            db.close_within(Duration::from_millis(500)),
        )
        .await;
        assert!(closed.is_ok(), "the close waited past its bound");
        assert!(pool.is_closed(), "nothing new is lent after the close");
        assert!(pool.acquire().await.is_err());
        drop(kept);
    }

    #[test]
    fn unknown_schemes_and_memory_databases_are_refused() {
        let err = "mysql://localhost/x".parse::<DatabaseUrl>().unwrap_err();
        assert!(err.to_string().contains("unknown scheme `mysql`"), "{err}");
        assert!("sqlite::memory:".parse::<DatabaseUrl>().is_err());
        assert!("sqlite://".parse::<DatabaseUrl>().is_err());
    }
}
