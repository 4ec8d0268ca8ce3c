use std::path::PathBuf;

/// Everything that can go wrong below the domain. Messages name the problem in words an operator
/// can act on; they never include payloads or personal data.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("DATABASE_URL is not usable: {0}")]
    InvalidUrl(String),
    #[error("cannot use the data directory {path}: {reason}")]
    DataDir { path: PathBuf, reason: String },
    #[error("cannot connect to the {backend} database: {reason}")]
    Connect {
        backend: &'static str,
        reason: String,
    },
    #[error(
        "the database schema is at migration {database}, newer than this binary knows \
         (up to {binary}); run a newer articula against this database"
    )]
    SchemaTooNew { database: i64, binary: i64 },
    #[error("the database schema is not up to date (run `articula migrate`)")]
    NotMigrated,
    #[error("migrating the database failed: {0}")]
    Migrate(String),
    #[error("the SQLite file is not a usable database: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error(
        "event {position} ({aggregate_type}/{aggregate_id}#{sequence}) cannot be read: {reason}"
    )]
    UnreadableEvent {
        position: i64,
        aggregate_type: String,
        aggregate_id: String,
        sequence: i64,
        reason: String,
    },
    #[error("an event store operation failed: {0}")]
    Persistence(String),
}
