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
    /// The database cannot be reached right now: worth retrying shortly.
    #[error("the database is unreachable: {0}")]
    Unavailable(String),
    /// An idempotent write ran under a claim on its key that a later attempt took over; it wrote
    /// nothing (see [`crate::Idempotency`]).
    #[error("this Idempotency-Key was taken over by a later attempt; nothing was written")]
    IdempotencyClaimLost,
    /// A write under a recalled session found it ended, or its account changed, and wrote
    /// nothing (see [`crate::SessionGuard`]).
    #[error("the session was signed out, expired or its account changed; nothing was written")]
    SessionRefused,
}

impl StoreError {
    /// Whether this is the database being away (down, restarting, unreachable, out of
    /// connections) rather than something wrong with a request or the data: a caller should
    /// answer "try again shortly", not "internal error".
    pub fn is_unavailable(&self) -> bool {
        match self {
            Self::Unavailable(_) | Self::Connect { .. } => true,
            Self::Database(error) => is_unavailable(error),
            _ => false,
        }
    }
}

/// Whether a sqlx error means the database is away: no connection could be had or kept (a
/// connection closed in the middle of the wire protocol reads as a protocol error), or the
/// server is shutting down, starting up or refusing connections (SQLSTATE class 08 and 57P01–03).
pub(crate) fn is_unavailable(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::Protocol(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(db) => db.code().is_some_and(|code| {
            code.starts_with("08") || matches!(code.as_ref(), "57P01" | "57P02" | "57P03")
        }),
        _ => false,
    }
}
