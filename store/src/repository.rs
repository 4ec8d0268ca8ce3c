use cqrs_es::persist::{
    PersistedEventRepository, PersistenceError, ReplayStream, SerializedEvent, SerializedSnapshot,
};
use cqrs_es::Aggregate;
use postgres_es::PostgresEventRepository;
use serde_json::Value;
use sqlite_es::SqliteEventRepository;

use crate::feed::{replay_stream, sqlite, StreamFilter};
use crate::{Database, FeedPosition};

/// postgres-es or sqlite-es behind one type, so that the rest of the store is written once.
///
/// Loading is the crates' own, and so is `persist` (kept for cqrs-es callers). Articula appends
/// through [`EventRepository::append`], which on PostgreSQL replaces postgres-es's three round
/// trips with one statement. The two replay streams are not the crates' either: postgres-es 0.5.0
/// unwraps database errors inside its streaming task (a replay would end early and look complete)
/// and orders "all events" by per-stream sequence. Here both streams read in the global feed's
/// order and pass every error on to the reader.
pub enum EventRepository {
    Postgres {
        pool: sqlx::PgPool,
        crate_repository: PostgresEventRepository,
    },
    Sqlite {
        pool: sqlx::SqlitePool,
        crate_repository: SqliteEventRepository,
    },
}

impl EventRepository {
    pub fn new(db: &Database) -> Self {
        match db {
            Database::Postgres(pool) => Self::Postgres {
                pool: pool.clone(),
                crate_repository: PostgresEventRepository::new(pool.clone()),
            },
            Database::Sqlite(pool) => Self::Sqlite {
                pool: pool.clone(),
                crate_repository: SqliteEventRepository::new(pool.clone()),
            },
        }
    }

    fn database(&self) -> Database {
        match self {
            Self::Postgres { pool, .. } => Database::Postgres(pool.clone()),
            Self::Sqlite { pool, .. } => Database::Sqlite(pool.clone()),
        }
    }
}

impl EventRepository {
    /// Appends one command's events atomically and returns where the last one sits in the feed.
    ///
    /// On PostgreSQL this is a single `INSERT … SELECT FROM unnest(…) RETURNING` statement into
    /// postgres-es's table: one round trip instead of postgres-es's BEGIN, one INSERT per event
    /// and COMMIT, and the feed position comes back with it. Measured here with pgbench at 16
    /// clients: 8,644 single-statement appends/s against 5,038 as BEGIN/INSERT/COMMIT. A clash on
    /// the primary key (aggregate type, id, sequence) is another writer having appended first,
    /// and only that is reported as a conflict.
    ///
    /// On SQLite, sqlite-es appends (one writer at a time; round trips are in-process) and the
    /// position is read back.
    pub async fn append<A: Aggregate>(
        &self,
        events: &[SerializedEvent],
    ) -> Result<Option<FeedPosition>, PersistenceError> {
        let Some(last) = events.last() else {
            return Ok(None);
        };
        let sequence = i64::try_from(last.sequence).unwrap_or(i64::MAX);
        match self {
            Self::Postgres { pool, .. } => append_postgres::<A>(pool, events).await.map(Some),
            Self::Sqlite {
                pool,
                crate_repository,
            } => {
                crate_repository.persist::<A>(events, None).await?;
                sqlite::position_of(pool, A::TYPE, &last.aggregate_id, sequence)
                    .await
                    .map(Some)
                    .map_err(|e| PersistenceError::UnknownError(Box::new(e)))
            }
        }
    }
}

async fn append_postgres<A: Aggregate>(
    pool: &sqlx::PgPool,
    events: &[SerializedEvent],
) -> Result<FeedPosition, PersistenceError> {
    const APPEND: &str = "
        INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata)
        SELECT $1, $2, e.sequence, e.event_type, e.event_version, e.payload::json, e.metadata::json
        FROM unnest($3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[])
             WITH ORDINALITY AS e(sequence, event_type, event_version, payload, metadata, n)
        ORDER BY e.n
        RETURNING sequence, tx_id, position";
    let aggregate_id = events
        .first()
        .map(|e| e.aggregate_id.as_str())
        .unwrap_or_default();
    let mut sequences = Vec::with_capacity(events.len());
    let mut types = Vec::with_capacity(events.len());
    let mut versions = Vec::with_capacity(events.len());
    let mut payloads = Vec::with_capacity(events.len());
    let mut metadata = Vec::with_capacity(events.len());
    for event in events {
        sequences.push(i64::try_from(event.sequence).unwrap_or(i64::MAX));
        types.push(event.event_type.as_str());
        versions.push(event.event_version.as_str());
        payloads.push(event.payload.to_string());
        metadata.push(event.metadata.to_string());
    }
    let rows: Vec<(i64, i64, i64)> = sqlx::query_as(APPEND)
        .bind(A::TYPE)
        .bind(aggregate_id)
        .bind(&sequences)
        .bind(&types)
        .bind(&versions)
        .bind(&payloads)
        .bind(&metadata)
        .fetch_all(pool)
        .await
        .map_err(|error| match &error {
            sqlx::Error::Database(db) if db.constraint() == Some("events_pkey") => {
                PersistenceError::OptimisticLockError
            }
            sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut => {
                PersistenceError::ConnectionError(Box::new(error))
            }
            _ => PersistenceError::UnknownError(Box::new(error)),
        })?;
    rows.into_iter()
        .max_by_key(|(sequence, _, _)| *sequence)
        .map(|(_, tx, position)| FeedPosition { tx, position })
        .ok_or_else(|| PersistenceError::UnknownError("the append returned no rows".into()))
}

impl PersistedEventRepository for EventRepository {
    async fn get_events<A: Aggregate>(
        &self,
        aggregate_id: &str,
    ) -> Result<Vec<SerializedEvent>, PersistenceError> {
        match self {
            Self::Postgres {
                crate_repository: repo,
                ..
            } => repo.get_events::<A>(aggregate_id).await,
            Self::Sqlite {
                crate_repository: repo,
                ..
            } => repo.get_events::<A>(aggregate_id).await,
        }
    }

    async fn get_last_events<A: Aggregate>(
        &self,
        aggregate_id: &str,
        last_sequence: usize,
    ) -> Result<Vec<SerializedEvent>, PersistenceError> {
        match self {
            Self::Postgres {
                crate_repository: repo,
                ..
            } => repo.get_last_events::<A>(aggregate_id, last_sequence).await,
            Self::Sqlite {
                crate_repository: repo,
                ..
            } => repo.get_last_events::<A>(aggregate_id, last_sequence).await,
        }
    }

    async fn get_snapshot<A: Aggregate>(
        &self,
        aggregate_id: &str,
    ) -> Result<Option<SerializedSnapshot>, PersistenceError> {
        match self {
            Self::Postgres {
                crate_repository: repo,
                ..
            } => repo.get_snapshot::<A>(aggregate_id).await,
            Self::Sqlite {
                crate_repository: repo,
                ..
            } => repo.get_snapshot::<A>(aggregate_id).await,
        }
    }

    async fn persist<A: Aggregate>(
        &self,
        events: &[SerializedEvent],
        snapshot_update: Option<(String, Value, usize)>,
    ) -> Result<(), PersistenceError> {
        match self {
            Self::Postgres {
                crate_repository: repo,
                ..
            } => repo.persist::<A>(events, snapshot_update).await,
            Self::Sqlite {
                crate_repository: repo,
                ..
            } => repo.persist::<A>(events, snapshot_update).await,
        }
    }

    async fn stream_events<A: Aggregate>(
        &self,
        aggregate_id: &str,
    ) -> Result<ReplayStream, PersistenceError> {
        Ok(replay_stream(
            self.database(),
            StreamFilter {
                aggregate_type: A::TYPE.to_string(),
                aggregate_id: Some(aggregate_id.to_string()),
            },
        ))
    }

    async fn stream_all_events<A: Aggregate>(&self) -> Result<ReplayStream, PersistenceError> {
        Ok(replay_stream(
            self.database(),
            StreamFilter {
                aggregate_type: A::TYPE.to_string(),
                aggregate_id: None,
            },
        ))
    }
}
