//! Projection snapshots: a projection's checkpoint and its read model at that checkpoint, kept
//! in one row so that they always agree (migration 0004). They are a cache that makes start-up
//! fast; the event log stays the only source of truth.

use chrono::{DateTime, SecondsFormat, Utc};
use sqlx::Row;

use crate::{Database, FeedPosition, StoreError};

/// One projection's saved state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    pub name: String,
    /// The shape of `state`, as the projection defines it.
    pub version: i32,
    /// The last event folded into `state`.
    pub position: FeedPosition,
    pub events_applied: i64,
    pub state: Vec<u8>,
}

/// The snapshots table.
#[derive(Clone)]
pub struct Snapshots {
    db: Database,
}

impl Snapshots {
    pub fn new(db: Database) -> Self {
        Self { db }
    }

    /// The snapshot saved for `name`, if any.
    pub async fn load(&self, name: &str) -> Result<Option<Snapshot>, StoreError> {
        const SQL_PG: &str = "SELECT version, tx, position, events_applied, state \
                              FROM projection_snapshots WHERE name = $1";
        const SQL_LITE: &str = "SELECT version, tx, position, events_applied, state \
                                FROM projection_snapshots WHERE name = ?1";
        match &self.db {
            Database::Postgres(pool) => {
                let row = sqlx::query(SQL_PG).bind(name).fetch_optional(pool).await?;
                row.map(|row| read_row(name, &row)).transpose()
            }
            Database::Sqlite(pool) => {
                let row = sqlx::query(SQL_LITE)
                    .bind(name)
                    .fetch_optional(pool)
                    .await?;
                row.map(|row| read_row(name, &row)).transpose()
            }
        }
    }

    /// The shape and checkpoint of `name`'s snapshot, if any, without its state.
    pub async fn position(&self, name: &str) -> Result<Option<(i32, FeedPosition)>, StoreError> {
        let row: Option<(i32, i64, i64)> = match &self.db {
            Database::Postgres(pool) => {
                sqlx::query_as(
                    "SELECT version, tx, position FROM projection_snapshots WHERE name = $1",
                )
                .bind(name)
                .fetch_optional(pool)
                .await?
            }
            Database::Sqlite(pool) => {
                sqlx::query_as(
                    "SELECT version, tx, position FROM projection_snapshots WHERE name = ?1",
                )
                .bind(name)
                .fetch_optional(pool)
                .await?
            }
        };
        Ok(row.map(|(version, tx, position)| (version, FeedPosition { tx, position })))
    }

    /// Saves `snapshot`, replacing an older one of the same projection. A snapshot further
    /// behind in the feed than the stored one, with the same version, is not written: two
    /// instances sharing one database never move a checkpoint backwards.
    pub async fn save(&self, snapshot: &Snapshot) -> Result<(), StoreError> {
        let saved_at = Utc::now();
        match &self.db {
            Database::Postgres(pool) => {
                sqlx::query(
                    "INSERT INTO projection_snapshots \
                       (name, version, tx, position, events_applied, state, saved_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7) \
                     ON CONFLICT (name) DO UPDATE SET version = excluded.version, \
                       tx = excluded.tx, position = excluded.position, \
                       events_applied = excluded.events_applied, state = excluded.state, \
                       saved_at = excluded.saved_at \
                     WHERE projection_snapshots.version <> excluded.version \
                        OR (projection_snapshots.tx, projection_snapshots.position) \
                           <= (excluded.tx, excluded.position)",
                )
                .bind(&snapshot.name)
                .bind(snapshot.version)
                .bind(snapshot.position.tx)
                .bind(snapshot.position.position)
                .bind(snapshot.events_applied)
                .bind(&snapshot.state)
                .bind(saved_at)
                .execute(pool)
                .await?;
            }
            Database::Sqlite(pool) => {
                sqlx::query(
                    "INSERT INTO projection_snapshots \
                       (name, version, tx, position, events_applied, state, saved_at) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) \
                     ON CONFLICT (name) DO UPDATE SET version = excluded.version, \
                       tx = excluded.tx, position = excluded.position, \
                       events_applied = excluded.events_applied, state = excluded.state, \
                       saved_at = excluded.saved_at \
                     WHERE projection_snapshots.version <> excluded.version \
                        OR (projection_snapshots.tx, projection_snapshots.position) \
                           <= (excluded.tx, excluded.position)",
                )
                .bind(&snapshot.name)
                .bind(snapshot.version)
                .bind(snapshot.position.tx)
                .bind(snapshot.position.position)
                .bind(snapshot.events_applied)
                .bind(&snapshot.state)
                .bind(saved_at.to_rfc3339_opts(SecondsFormat::Micros, true))
                .execute(pool)
                .await?;
            }
        }
        Ok(())
    }

    /// Forgets `name`'s snapshot (the next start rebuilds it from the start of the feed).
    pub async fn delete(&self, name: &str) -> Result<(), StoreError> {
        match &self.db {
            Database::Postgres(pool) => {
                sqlx::query("DELETE FROM projection_snapshots WHERE name = $1")
                    .bind(name)
                    .execute(pool)
                    .await?;
            }
            Database::Sqlite(pool) => {
                sqlx::query("DELETE FROM projection_snapshots WHERE name = ?1")
                    .bind(name)
                    .execute(pool)
                    .await?;
            }
        }
        Ok(())
    }

    /// When each projection's snapshot was saved, by name.
    pub async fn saved_at(&self) -> Result<Vec<(String, DateTime<Utc>)>, StoreError> {
        let rows: Vec<(String, DateTime<Utc>)> = match &self.db {
            Database::Postgres(pool) => {
                sqlx::query_as("SELECT name, saved_at FROM projection_snapshots ORDER BY name")
                    .fetch_all(pool)
                    .await?
            }
            Database::Sqlite(pool) => {
                let rows: Vec<(String, String)> =
                    sqlx::query_as("SELECT name, saved_at FROM projection_snapshots ORDER BY name")
                        .fetch_all(pool)
                        .await?;
                rows.into_iter()
                    .filter_map(|(name, at)| {
                        DateTime::parse_from_rfc3339(&at)
                            .ok()
                            .map(|at| (name, at.with_timezone(&Utc)))
                    })
                    .collect()
            }
        };
        Ok(rows)
    }
}

fn read_row<R>(name: &str, row: &R) -> Result<Snapshot, StoreError>
where
    R: Row,
    for<'r> &'r str: sqlx::ColumnIndex<R>,
    for<'r> i32: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Vec<u8>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    Ok(Snapshot {
        name: name.to_string(),
        version: row.try_get("version")?,
        position: FeedPosition {
            tx: row.try_get("tx")?,
            position: row.try_get("position")?,
        },
        events_applied: row.try_get("events_applied")?,
        state: row.try_get("state")?,
    })
}
