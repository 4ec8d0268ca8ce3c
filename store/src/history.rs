//! Projection history (migration 0011): each projection's read model at places spaced along the
//! feed, for as-of reads to fold from the nearest earlier place instead of the start of the log.
//! Like [`crate::Snapshots`] it is a cache; the event log stays the only source of truth.
//!
//! States are stored compressed with lz4 ([`ProjectionHistory::pack`]): JSON read models shrink to about
//! a fifth, so reading one back for an as-of read moves a fifth of the bytes.

use chrono::{DateTime, SecondsFormat, Utc};
use sqlx::Row;

use crate::{Database, FeedPosition, Snapshot, StoreError};

/// A projection's state at one place in the feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryEntry {
    pub snapshot: Snapshot,
    /// Every event up to `snapshot.position` was recorded at or before this time.
    pub recorded_by: DateTime<Utc>,
}

/// Where an as-of read wants to stand, for choosing the entry to start from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HistoryBound {
    /// The newest entry at or before this place.
    Position(FeedPosition),
    /// The newest entry whose events were all recorded at or before this time.
    RecordedBy(DateTime<Utc>),
}

/// One saved place, without its state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryPlace {
    pub name: String,
    pub version: i32,
    pub position: FeedPosition,
}

/// The `projection_history` table.
#[derive(Clone)]
pub struct ProjectionHistory {
    db: Database,
}

impl ProjectionHistory {
    pub fn new(db: Database) -> Self {
        Self { db }
    }

    /// `state` as stored: compressed with lz4, its length in front.
    pub fn pack(state: &[u8]) -> Vec<u8> {
        lz4_flex::compress_prepend_size(state)
    }

    /// A state as [`Self::pack`] stored it.
    pub fn unpack(packed: &[u8]) -> Result<Vec<u8>, StoreError> {
        lz4_flex::decompress_size_prepended(packed)
            .map_err(|e| StoreError::Persistence(format!("a projection history state: {e}")))
    }

    /// Saves `entry`, whose state was packed with [`Self::pack`] (by the caller, on a thread of its
    /// choosing: compressing a large model takes a while). Two keepers folding the same feed
    /// write the same places; the second write of a place is ignored.
    pub async fn save_packed(&self, entry: &HistoryEntry) -> Result<(), StoreError> {
        let s = &entry.snapshot;
        let saved_at = Utc::now();
        match &self.db {
            Database::Postgres(pool) => {
                sqlx::query(
                    "INSERT INTO projection_history (name, version, tx, position, recorded_by, \
                       events_applied, state, saved_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING",
                )
                .bind(&s.name)
                .bind(s.version)
                .bind(s.position.tx)
                .bind(s.position.position)
                .bind(entry.recorded_by)
                .bind(s.events_applied)
                .bind(&s.state)
                .bind(saved_at)
                .execute(pool)
                .await?;
            }
            Database::Sqlite(pool) => {
                sqlx::query(
                    "INSERT INTO projection_history (name, version, tx, position, recorded_by, \
                       events_applied, state, saved_at) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT DO NOTHING",
                )
                .bind(&s.name)
                .bind(s.version)
                .bind(s.position.tx)
                .bind(s.position.position)
                .bind(text_time(entry.recorded_by))
                .bind(s.events_applied)
                .bind(&s.state)
                .bind(text_time(saved_at))
                .execute(pool)
                .await?;
            }
        }
        Ok(())
    }

    /// The newest entry of `name` in shape `version` that an as-of read bounded by `bound` can
    /// start from, if any, its state unpacked.
    pub async fn before(
        &self,
        name: &str,
        version: i32,
        bound: HistoryBound,
    ) -> Result<Option<HistoryEntry>, StoreError> {
        let Some(mut entry) = self.before_packed(name, version, bound).await? else {
            return Ok(None);
        };
        let packed = std::mem::take(&mut entry.snapshot.state);
        entry.snapshot.state = tokio::task::spawn_blocking(move || Self::unpack(&packed))
            .await
            .map_err(|e| StoreError::Persistence(e.to_string()))??;
        Ok(Some(entry))
    }

    async fn before_packed(
        &self,
        name: &str,
        version: i32,
        bound: HistoryBound,
    ) -> Result<Option<HistoryEntry>, StoreError> {
        match &self.db {
            Database::Postgres(pool) => {
                let query = match bound {
                    HistoryBound::Position(at) => sqlx::query(
                        "SELECT name, version, tx, position, recorded_by, events_applied, state \
                         FROM projection_history WHERE name = $1 AND version = $2 AND (tx, position) <= ($3, $4) \
                         ORDER BY tx DESC, position DESC LIMIT 1"
                    )
                    .bind(name)
                    .bind(version)
                    .bind(at.tx)
                    .bind(at.position),
                    HistoryBound::RecordedBy(time) => sqlx::query(
                        "SELECT name, version, tx, position, recorded_by, events_applied, state \
                         FROM projection_history WHERE name = $1 AND version = $2 AND recorded_by <= $3 \
                         ORDER BY recorded_by DESC, tx DESC, position DESC LIMIT 1"
                    )
                    .bind(name)
                    .bind(version)
                    .bind(time),
                };
                let row = query.fetch_optional(pool).await?;
                row.map(|row| {
                    let recorded_by = row.try_get("recorded_by")?;
                    read_entry(&row, recorded_by)
                })
                .transpose()
            }
            Database::Sqlite(pool) => {
                let query = match bound {
                    HistoryBound::Position(at) => sqlx::query(
                        "SELECT name, version, tx, position, recorded_by, events_applied, state \
                         FROM projection_history WHERE name = ?1 AND version = ?2 AND (tx, position) <= (?3, ?4) \
                         ORDER BY tx DESC, position DESC LIMIT 1"
                    )
                    .bind(name)
                    .bind(version)
                    .bind(at.tx)
                    .bind(at.position),
                    HistoryBound::RecordedBy(time) => sqlx::query(
                        "SELECT name, version, tx, position, recorded_by, events_applied, state \
                         FROM projection_history WHERE name = ?1 AND version = ?2 AND recorded_by <= ?3 \
                         ORDER BY recorded_by DESC, tx DESC, position DESC LIMIT 1"
                    )
                    .bind(name)
                    .bind(version)
                    .bind(text_time(time)),
                };
                let row = query.fetch_optional(pool).await?;
                row.map(|row| {
                    let recorded_by: String = row.try_get("recorded_by")?;
                    read_entry(&row, parse_text_time(&recorded_by)?)
                })
                .transpose()
            }
        }
    }

    /// Every saved place, oldest first in feed order.
    pub async fn places(&self) -> Result<Vec<HistoryPlace>, StoreError> {
        const SQL: &str = "SELECT name, version, tx, position FROM projection_history \
                           ORDER BY tx, position, name";
        let rows: Vec<(String, i32, i64, i64)> = match &self.db {
            Database::Postgres(pool) => sqlx::query_as(SQL).fetch_all(pool).await?,
            Database::Sqlite(pool) => sqlx::query_as(SQL).fetch_all(pool).await?,
        };
        Ok(rows
            .into_iter()
            .map(|(name, version, tx, position)| HistoryPlace {
                name,
                version,
                position: FeedPosition { tx, position },
            })
            .collect())
    }

    /// The entry of `name` in shape `version` at exactly `at`, if saved.
    pub async fn at(
        &self,
        name: &str,
        version: i32,
        at: FeedPosition,
    ) -> Result<Option<HistoryEntry>, StoreError> {
        let found = self
            .before(name, version, HistoryBound::Position(at))
            .await?;
        Ok(found.filter(|entry| entry.snapshot.position == at))
    }

    /// Forgets the entries of `name` in any shape but `version`: no binary that reads them runs
    /// beside this one (an older binary refuses the newer schema its own rows belong to).
    pub async fn forget_other_versions(&self, name: &str, version: i32) -> Result<u64, StoreError> {
        let done = match &self.db {
            Database::Postgres(pool) => {
                sqlx::query("DELETE FROM projection_history WHERE name = $1 AND version <> $2")
                    .bind(name)
                    .bind(version)
                    .execute(pool)
                    .await?
                    .rows_affected()
            }
            Database::Sqlite(pool) => {
                sqlx::query("DELETE FROM projection_history WHERE name = ?1 AND version <> ?2")
                    .bind(name)
                    .bind(version)
                    .execute(pool)
                    .await?
                    .rows_affected()
            }
        };
        Ok(done)
    }
}

/// Times as SQLite keeps them here: RFC 3339 in UTC with microseconds, so that text order is
/// time order.
fn text_time(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Micros, true)
}

fn parse_text_time(text: &str) -> Result<DateTime<Utc>, StoreError> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| StoreError::Persistence(format!("projection history time `{text}`: {e}")))
}

fn read_entry<R>(row: &R, recorded_by: DateTime<Utc>) -> Result<HistoryEntry, StoreError>
where
    R: Row,
    for<'r> &'r str: sqlx::ColumnIndex<R>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> i32: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Vec<u8>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    Ok(HistoryEntry {
        snapshot: Snapshot {
            name: row.try_get("name")?,
            version: row.try_get("version")?,
            position: FeedPosition {
                tx: row.try_get("tx")?,
                position: row.try_get("position")?,
            },
            events_applied: row.try_get("events_applied")?,
            state: row.try_get("state")?,
        },
        recorded_by,
    })
}
