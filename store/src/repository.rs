use cqrs_es::persist::{
    PersistedEventRepository, PersistenceError, ReplayStream, SerializedEvent, SerializedSnapshot,
};
use cqrs_es::Aggregate;
use postgres_es::PostgresEventRepository;
use serde_json::Value;
use sqlite_es::SqliteEventRepository;

use crate::chain::{event_hash, EventContent, EventHash};
use crate::feed::{replay_stream, StreamFilter};
use crate::group_commit::postgres::{append_error, PgAppends};
use crate::idempotency::IdempotentWrite;
use crate::sessions::SessionRefused;
use crate::{Database, FeedPosition};
use crate::{EventMetadata, SessionGuard};

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
        /// What appends share ([`PgAppends`]: kept connections, groups): the event log's,
        /// shared by all its streams; nothing for a repository made on its own.
        appends: PgAppends,
    },
    Sqlite {
        pool: sqlx::SqlitePool,
        crate_repository: SqliteEventRepository,
    },
}

impl EventRepository {
    pub fn new(db: &Database) -> Self {
        Self::appending(db, PgAppends::default())
    }

    /// A repository whose appends on PostgreSQL share `appends` (connections and groups).
    pub(crate) fn appending(db: &Database, appends: PgAppends) -> Self {
        match db {
            Database::Postgres(pool) => Self::Postgres {
                pool: pool.clone(),
                crate_repository: PostgresEventRepository::new(pool.clone()),
                appends,
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

/// One stream's share of an append: its aggregate type, the events to add to it and their
/// stream hashes (see [`stream_hashes`]).
pub struct StreamAppend<'a> {
    pub aggregate_type: &'a str,
    pub events: &'a [SerializedEvent],
    pub hashes: &'a [EventHash],
}

/// The stream hashes of `events`, appended after a stream whose last event has hash `previous`
/// ([`EventHash::GENESIS`] for a new stream).
pub fn stream_hashes(
    aggregate_type: &str,
    events: &[SerializedEvent],
    previous: EventHash,
) -> Vec<EventHash> {
    let mut previous = previous;
    events
        .iter()
        .map(|event| {
            previous = event_hash(
                &EventContent {
                    aggregate_type,
                    aggregate_id: &event.aggregate_id,
                    sequence: i64::try_from(event.sequence).unwrap_or(i64::MAX),
                    event_type: &event.event_type,
                    event_version: &event.event_version,
                    payload: &event.payload,
                    metadata: &event.metadata,
                },
                &previous,
            );
            previous
        })
        .collect()
}

impl EventRepository {
    /// Appends one command's events atomically and returns where the last one sits in the feed,
    /// if its [`Conditions`] hold (nothing is written otherwise).
    pub async fn append<A: Aggregate>(
        &self,
        events: &[SerializedEvent],
        hashes: &[EventHash],
        conditions: Conditions<'_>,
    ) -> Result<Option<FeedPosition>, PersistenceError> {
        self.append_streams(
            &[StreamAppend {
                aggregate_type: A::TYPE,
                events,
                hashes,
            }],
            conditions,
        )
        .await
    }

    /// The stream hash of event `sequence` of a stream ([`EventHash::GENESIS`] for sequence 0,
    /// before the first event): what the next event appended to it follows.
    pub async fn stream_hash_at(
        &self,
        aggregate_type: &str,
        aggregate_id: &str,
        sequence: usize,
    ) -> Result<EventHash, PersistenceError> {
        if sequence == 0 {
            return Ok(EventHash::GENESIS);
        }
        let sequence = i64::try_from(sequence).unwrap_or(i64::MAX);
        const SQL_PG: &str = "SELECT hash FROM events
             WHERE aggregate_type = $1 AND aggregate_id = $2 AND sequence = $3";
        const SQL_SQLITE: &str = "SELECT hash FROM events
             WHERE aggregate_type = ?1 AND aggregate_id = ?2 AND sequence = ?3";
        let stored: Option<Option<Vec<u8>>> = match self {
            Self::Postgres { pool, .. } => {
                sqlx::query_scalar(SQL_PG)
                    .bind(aggregate_type)
                    .bind(aggregate_id)
                    .bind(sequence)
                    .fetch_optional(pool)
                    .await
            }
            Self::Sqlite { pool, .. } => {
                sqlx::query_scalar(SQL_SQLITE)
                    .bind(aggregate_type)
                    .bind(aggregate_id)
                    .bind(sequence)
                    .fetch_optional(pool)
                    .await
            }
        }
        .map_err(append_error)?;
        match stored {
            // Gone since the stream was read: the append would conflict anyway.
            None => Err(PersistenceError::OptimisticLockError),
            Some(hash) => hash
                .as_deref()
                .and_then(EventHash::from_slice)
                .ok_or_else(|| {
                    PersistenceError::UnknownError(
                        format!(
                            "event {sequence} of {aggregate_type} {aggregate_id} has no hash \
                         (run `articula migrate`, which hashes events written before hashing)"
                        )
                        .into(),
                    )
                }),
        }
    }

    /// The versions of several streams of one type, as stored, in one query on SQLite: one version
    /// per id, in the ids' order (0 for a stream with no events); the ids go in as one JSON array.
    /// What [`crate::coalesce`] asks when many reads want a version at once.
    pub(crate) async fn stream_versions_sqlite(
        pool: &sqlx::SqlitePool,
        aggregate_type: &str,
        aggregate_ids: &[String],
    ) -> Result<Vec<usize>, sqlx::Error> {
        const SQL: &str = "SELECT (SELECT COALESCE(MAX(e.sequence), 0) FROM events e
                  WHERE e.aggregate_type = ?1 AND e.aggregate_id = t.value)
             FROM json_each(?2) AS t ORDER BY t.key";
        let ids =
            serde_json::to_string(aggregate_ids).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
        let versions: Vec<i64> = sqlx::query_scalar(SQL)
            .bind(aggregate_type)
            .bind(ids)
            .fetch_all(pool)
            .await?;
        Ok(as_versions(versions))
    }

    /// The versions of several streams of one type, as stored, in one query on PostgreSQL: one
    /// version per id, in the ids' order (0 for a stream with no events). What
    /// [`crate::coalesce`] asks when many reads want a version at once.
    pub(crate) async fn stream_versions_postgres(
        connection: &mut sqlx::PgConnection,
        aggregate_type: &str,
        aggregate_ids: &[String],
    ) -> Result<Vec<usize>, sqlx::Error> {
        const SQL: &str = "SELECT (SELECT COALESCE(MAX(e.sequence), 0) FROM events e
                  WHERE e.aggregate_type = $1 AND e.aggregate_id = t.id)
             FROM unnest($2::text[]) WITH ORDINALITY AS t(id, n) ORDER BY t.n";
        let versions: Vec<i64> = sqlx::query_scalar(SQL)
            .bind(aggregate_type)
            .bind(aggregate_ids)
            .fetch_all(connection)
            .await?;
        Ok(as_versions(versions))
    }

    /// Appends to several streams at once, all or nothing, and returns where the last event sits
    /// in the feed. Used where one decision spans streams (an account and the email it claims;
    /// an admin role and the roster that guards "at least one admin").
    ///
    /// On PostgreSQL this is a single `INSERT … SELECT FROM unnest(…) RETURNING` statement into
    /// postgres-es's table: one round trip instead of postgres-es's BEGIN, one INSERT per event
    /// and COMMIT, and the feed position comes back with it. Measured here with pgbench at 16
    /// clients: 8,644 single-statement appends/s against 5,038 as BEGIN/INSERT/COMMIT. A clash on
    /// the primary key (aggregate type, id, sequence) is another writer having appended first,
    /// and only that is reported as a conflict. The appends of other commands made at the same
    /// moment may share the statement, each all or nothing within it
    /// ([`crate::group_commit::postgres`]).
    ///
    /// On SQLite the rows go into sqlite-es's table inside a transaction that may hold the
    /// appends of other commands made at the same moment, each all or nothing within it, and
    /// one sync of the disk makes them all durable ([`crate::group_commit`]).
    ///
    /// With a key ([`Conditions::keyed`]), the request's idempotency key is marked committed
    /// with the answer's essentials in the same statement (PostgreSQL) or transaction (SQLite);
    /// if the claim the request runs under has been taken over, nothing is written and the
    /// append fails. With a recalled session not yet checked ([`Conditions::session`]), the
    /// statement (PostgreSQL) or the transaction before the rows (SQLite) checks it, and
    /// nothing is written if it has ended or its account changed.
    pub async fn append_streams(
        &self,
        streams: &[StreamAppend<'_>],
        conditions: Conditions<'_>,
    ) -> Result<Option<FeedPosition>, PersistenceError> {
        let rows = Rows::from(streams);
        if rows.sequences.is_empty() {
            return Ok(None);
        }
        let Conditions { keyed, session } = conditions;
        if session.is_some_and(|guard| guard.state() == crate::GuardState::Refused) {
            return Err(PersistenceError::UnknownError(Box::new(SessionRefused)));
        }
        match self {
            Self::Postgres { pool, appends, .. } => {
                crate::group_commit::postgres::append(appends, pool, rows, keyed, session)
                    .await
                    .map(Some)
            }
            Self::Sqlite { pool, .. } => {
                crate::group_commit::sqlite::append(pool, rows, keyed.cloned(), session.cloned())
                    .await
                    .map(Some)
            }
        }
    }
}

/// What an append checks in the same statement (or transaction) as its events; it writes
/// nothing unless every one holds.
#[derive(Debug, Clone, Copy, Default)]
pub struct Conditions<'a> {
    /// The request's idempotency key, whose claim must still hold; it is marked committed with
    /// the events (see [`crate::Idempotency`]).
    pub keyed: Option<&'a IdempotentWrite>,
    /// The recalled session the request runs under, checked until an append has found it live
    /// (see [`SessionGuard`]).
    pub session: Option<&'a SessionGuard>,
}

impl<'a> Conditions<'a> {
    /// The conditions `metadata`'s request sets on its appends.
    pub fn of(metadata: &'a EventMetadata) -> Self {
        Self {
            keyed: metadata.idempotency.as_ref(),
            session: metadata.session.as_ref(),
        }
    }
}

/// The events of an append as columns, in the order they are to be stored. Owned, so that an
/// append on SQLite can be committed by another task in a group ([`crate::group_commit`]).
pub(crate) struct Rows {
    pub(crate) types: Vec<String>,
    pub(crate) ids: Vec<String>,
    pub(crate) sequences: Vec<i64>,
    pub(crate) event_types: Vec<String>,
    pub(crate) versions: Vec<String>,
    pub(crate) payloads: Vec<String>,
    pub(crate) metadata: Vec<String>,
    pub(crate) hashes: Vec<Vec<u8>>,
}

impl From<&[StreamAppend<'_>]> for Rows {
    fn from(streams: &[StreamAppend<'_>]) -> Self {
        let mut rows = Rows::with_capacity(streams.iter().map(|s| s.events.len()).sum());
        for stream in streams {
            debug_assert_eq!(stream.events.len(), stream.hashes.len());
            rows.hashes
                .extend(stream.hashes.iter().map(|hash| hash.as_bytes().to_vec()));
            for event in stream.events {
                rows.types.push(stream.aggregate_type.to_owned());
                rows.ids.push(event.aggregate_id.clone());
                rows.sequences
                    .push(i64::try_from(event.sequence).unwrap_or(i64::MAX));
                rows.event_types.push(event.event_type.clone());
                rows.versions.push(event.event_version.clone());
                rows.payloads.push(json_text(&event.payload));
                rows.metadata.push(json_text(&event.metadata));
            }
        }
        rows
    }
}

/// The compact JSON text of `value` as stored: what `Value`'s `to_string()` gives, written into
/// one buffer instead of through `fmt::Formatter` a piece at a time. It cannot fail (a `Value`'s
/// keys are strings), so the default is never taken.
fn json_text(value: &serde_json::Value) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// The last row of an append: where its answer's position is found.
pub(crate) struct LastRow<'a> {
    pub(crate) aggregate_type: &'a str,
    pub(crate) aggregate_id: &'a str,
    pub(crate) sequence: i64,
}

impl Rows {
    fn with_capacity(count: usize) -> Self {
        Rows {
            types: Vec::with_capacity(count),
            ids: Vec::with_capacity(count),
            sequences: Vec::with_capacity(count),
            event_types: Vec::with_capacity(count),
            versions: Vec::with_capacity(count),
            payloads: Vec::with_capacity(count),
            metadata: Vec::with_capacity(count),
            hashes: Vec::with_capacity(count),
        }
    }

    /// A copy of the rows of each of `all`, one after another.
    pub(crate) fn gather<'a>(all: impl Iterator<Item = &'a Rows> + Clone) -> Self {
        let mut rows = Self::with_capacity(all.clone().map(|r| r.sequences.len()).sum());
        for other in all {
            rows.types.extend_from_slice(&other.types);
            rows.ids.extend_from_slice(&other.ids);
            rows.sequences.extend_from_slice(&other.sequences);
            rows.event_types.extend_from_slice(&other.event_types);
            rows.versions.extend_from_slice(&other.versions);
            rows.payloads.extend_from_slice(&other.payloads);
            rows.metadata.extend_from_slice(&other.metadata);
            rows.hashes.extend_from_slice(&other.hashes);
        }
        rows
    }

    /// The last row (an append has at least one: empty appends return before this is asked).
    pub(crate) fn last(&self) -> LastRow<'_> {
        let n = self.sequences.len() - 1;
        LastRow {
            aggregate_type: &self.types[n],
            aggregate_id: &self.ids[n],
            sequence: self.sequences[n],
        }
    }
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

    /// Appends through Articula's own path, so that events written by a cqrs-es caller are
    /// hashed like every other. Snapshots are not kept (see [`crate::AggregateStore`]).
    async fn persist<A: Aggregate>(
        &self,
        events: &[SerializedEvent],
        _snapshot_update: Option<(String, Value, usize)>,
    ) -> Result<(), PersistenceError> {
        let Some(first) = events.first() else {
            return Ok(());
        };
        let previous = self
            .stream_hash_at(
                A::TYPE,
                &first.aggregate_id,
                first.sequence.saturating_sub(1),
            )
            .await?;
        let hashes = stream_hashes(A::TYPE, events, previous);
        self.append::<A>(events, &hashes, Conditions::default())
            .await
            .map(|_| ())
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

/// Stream versions as the database counts them (never negative).
fn as_versions(rows: Vec<i64>) -> Vec<usize> {
    rows.into_iter()
        .map(|version| usize::try_from(version).unwrap_or(0))
        .collect()
}

#[cfg(test)]
mod tests {
    use domain::bench::{Tally, TallyCommand};

    use super::*;
    use crate::testing::{postgres_log, sqlite_log};
    use crate::{EventLog, EventMetadata};

    #[test]
    fn stored_json_text_is_what_value_to_string_gave() {
        let value = serde_json::json!({
            "name": "Clúster \"del\" Salmón\n🐟\u{1}",
            "location": {"lat": -33.45, "lon": 1e-7},
            "firms": 70,
            "sectors": ["agri_food_fishing"],
            "website": null,
            "private": true
        });
        assert_eq!(json_text(&value), value.to_string());
        assert_eq!(json_text(&serde_json::json!({})), "{}");
    }

    /// Streams `a` (3 events), `b` (1) and `c` (2) of the tally, then the versions of a batch
    /// in an order of its own, with a stream that has no events.
    async fn versions_come_back_in_the_order_asked(log: &EventLog) -> Vec<usize> {
        let bus = log.commands::<Tally>(());
        for (id, events) in [("a", 3), ("b", 1), ("c", 2)] {
            for _ in 0..events {
                let meta = EventMetadata::system("test", "Increment");
                let increment = TallyCommand::Increment { by: 1 };
                bus.execute(id, increment, meta).await.unwrap();
            }
        }
        let ids: Vec<String> = ["c", "none", "a", "b", "a"].map(String::from).to_vec();
        match log.database() {
            Database::Postgres(pool) => {
                let mut connection = pool.acquire().await.unwrap();
                EventRepository::stream_versions_postgres(&mut connection, Tally::TYPE, &ids).await
            }
            Database::Sqlite(pool) => {
                EventRepository::stream_versions_sqlite(pool, Tally::TYPE, &ids).await
            }
        }
        .unwrap()
    }

    #[tokio::test]
    async fn a_batch_of_versions_answers_each_id_in_its_place() {
        let (_pg, postgres) = postgres_log().await;
        let (_lite, sqlite) = sqlite_log().await;
        for log in [postgres, sqlite] {
            assert_eq!(
                versions_come_back_in_the_order_asked(&log).await,
                [2, 0, 3, 1, 3]
            );
        }
    }
}
