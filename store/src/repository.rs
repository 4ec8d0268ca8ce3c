use cqrs_es::persist::{
    PersistedEventRepository, PersistenceError, ReplayStream, SerializedEvent, SerializedSnapshot,
};
use cqrs_es::Aggregate;
use postgres_es::PostgresEventRepository;
use serde_json::Value;
use sqlite_es::SqliteEventRepository;

use crate::feed::{replay_stream, StreamFilter};
use crate::Database;

/// postgres-es or sqlite-es behind one type, so that the rest of the store is written once.
///
/// Loading and appending are the crates' own. The two replay streams are not: postgres-es 0.5.0
/// unwraps database errors inside its streaming task (a replay would end early and look complete)
/// and orders "all events" by per-stream sequence. Here both streams read in the global feed's
/// order and pass every error on to the reader.
pub struct EventRepository {
    db: Database,
    crate_repository: CrateRepository,
}

enum CrateRepository {
    Postgres(PostgresEventRepository),
    Sqlite(SqliteEventRepository),
}

impl EventRepository {
    pub fn new(db: &Database) -> Self {
        let crate_repository = match db {
            Database::Postgres(pool) => {
                CrateRepository::Postgres(PostgresEventRepository::new(pool.clone()))
            }
            Database::Sqlite(pool) => {
                CrateRepository::Sqlite(SqliteEventRepository::new(pool.clone()))
            }
        };
        Self {
            db: db.clone(),
            crate_repository,
        }
    }
}

impl PersistedEventRepository for EventRepository {
    async fn get_events<A: Aggregate>(
        &self,
        aggregate_id: &str,
    ) -> Result<Vec<SerializedEvent>, PersistenceError> {
        match &self.crate_repository {
            CrateRepository::Postgres(repo) => repo.get_events::<A>(aggregate_id).await,
            CrateRepository::Sqlite(repo) => repo.get_events::<A>(aggregate_id).await,
        }
    }

    async fn get_last_events<A: Aggregate>(
        &self,
        aggregate_id: &str,
        last_sequence: usize,
    ) -> Result<Vec<SerializedEvent>, PersistenceError> {
        match &self.crate_repository {
            CrateRepository::Postgres(repo) => {
                repo.get_last_events::<A>(aggregate_id, last_sequence).await
            }
            CrateRepository::Sqlite(repo) => {
                repo.get_last_events::<A>(aggregate_id, last_sequence).await
            }
        }
    }

    async fn get_snapshot<A: Aggregate>(
        &self,
        aggregate_id: &str,
    ) -> Result<Option<SerializedSnapshot>, PersistenceError> {
        match &self.crate_repository {
            CrateRepository::Postgres(repo) => repo.get_snapshot::<A>(aggregate_id).await,
            CrateRepository::Sqlite(repo) => repo.get_snapshot::<A>(aggregate_id).await,
        }
    }

    async fn persist<A: Aggregate>(
        &self,
        events: &[SerializedEvent],
        snapshot_update: Option<(String, Value, usize)>,
    ) -> Result<(), PersistenceError> {
        match &self.crate_repository {
            CrateRepository::Postgres(repo) => repo.persist::<A>(events, snapshot_update).await,
            CrateRepository::Sqlite(repo) => repo.persist::<A>(events, snapshot_update).await,
        }
    }

    async fn stream_events<A: Aggregate>(
        &self,
        aggregate_id: &str,
    ) -> Result<ReplayStream, PersistenceError> {
        Ok(replay_stream(
            self.db.clone(),
            StreamFilter {
                aggregate_type: A::TYPE.to_string(),
                aggregate_id: Some(aggregate_id.to_string()),
            },
        ))
    }

    async fn stream_all_events<A: Aggregate>(&self) -> Result<ReplayStream, PersistenceError> {
        Ok(replay_stream(
            self.db.clone(),
            StreamFilter {
                aggregate_type: A::TYPE.to_string(),
                aggregate_id: None,
            },
        ))
    }
}
