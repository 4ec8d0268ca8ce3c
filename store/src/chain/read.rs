//! Reading the log with its hashes, in feed order: what verification and export walk.

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::Row;

use super::EventHash;
use crate::feed::postgres::{page_after, page_query};
use crate::held::{on_kept_or_pool, HeldConnection};
use crate::{Database, FeedPosition, StoreError};

/// A committed event as stored, with its stream hash and, once sealed, its global chain link.
#[derive(Debug, Clone, PartialEq)]
pub struct ChainedEvent {
    pub position: i64,
    pub tx: i64,
    pub aggregate_type: String,
    pub aggregate_id: String,
    pub sequence: i64,
    pub event_type: String,
    pub event_version: String,
    /// The payload and metadata as the stored JSON text.
    pub payload: String,
    pub metadata: String,
    pub recorded_at: DateTime<Utc>,
    /// The stored stream hash (`None` if the row has none).
    pub hash: Option<EventHash>,
    /// The stored global chain link (`None` until the sealer has reached the event).
    pub sealed: Option<EventHash>,
}

impl ChainedEvent {
    pub fn feed_position(&self) -> FeedPosition {
        FeedPosition {
            tx: self.tx,
            position: self.position,
        }
    }

    /// The payload and metadata parsed, for hashing; an error names what is not JSON.
    pub fn parsed(&self) -> Result<(Value, Value), String> {
        let payload = serde_json::from_str(&self.payload)
            .map_err(|e| format!("its payload is not JSON ({e})"))?;
        let metadata = serde_json::from_str(&self.metadata)
            .map_err(|e| format!("its metadata is not JSON ({e})"))?;
        Ok((payload, metadata))
    }
}

/// Up to `limit` events after `after` in feed order, only those whose place in the feed is final
/// (as [`crate::Feed::read_after`]).
pub async fn read_chained_after(
    db: &Database,
    after: FeedPosition,
    limit: usize,
) -> Result<Vec<ChainedEvent>, StoreError> {
    read_chained_after_on(db, None, after, limit).await
}

/// [`read_chained_after`], on `kept` (the sealer's own connection) when there is one.
pub(crate) async fn read_chained_after_on(
    db: &Database,
    kept: Option<&HeldConnection>,
    after: FeedPosition,
    limit: usize,
) -> Result<Vec<ChainedEvent>, StoreError> {
    let limit = i64::try_from(limit.max(1)).unwrap_or(i64::MAX);
    match db {
        Database::Postgres(pool) => {
            on_kept_or_pool(kept, pool, |c| {
                Box::pin(read_chained_postgres(c, after, limit))
            })
            .await
        }
        Database::Sqlite(pool) => {
            let rows = sqlx::query(
                "SELECT e.position, e.aggregate_type, e.aggregate_id, e.sequence, e.event_type,
                        e.event_version, e.payload, e.metadata, e.recorded_at, e.hash, c.chain_hash
                 FROM events e LEFT JOIN event_chain c ON c.position = e.position
                 WHERE e.position > ?1
                 ORDER BY e.position
                 LIMIT ?2",
            )
            .bind(after.position)
            .bind(limit)
            .fetch_all(pool)
            .await?;
            rows.iter().map(from_sqlite_row).collect()
        }
    }
}

async fn read_chained_postgres<'e>(
    executor: impl sqlx::PgExecutor<'e>,
    after: FeedPosition,
    limit: i64,
) -> Result<Vec<ChainedEvent>, StoreError> {
    const SQL: &str = concat!(
        "SELECT e.position, e.tx_id, e.aggregate_type, e.aggregate_id, e.sequence,
                e.event_type, e.event_version, e.payload::text AS payload,
                e.metadata::text AS metadata, e.recorded_at, e.hash, c.chain_hash
         FROM events e LEFT JOIN event_chain c ON c.position = e.position",
        page_after!("e.")
    );
    let rows = page_query(SQL, after, limit).fetch_all(executor).await?;
    rows.iter().map(from_postgres_row).collect()
}

/// A row with the columns of [`read_chained_after`]'s PostgreSQL query (the audit API's queries
/// select the same).
pub(crate) fn from_postgres_row(row: &sqlx::postgres::PgRow) -> Result<ChainedEvent, StoreError> {
    decode(
        row.try_get("position")?,
        row.try_get("tx_id")?,
        row.try_get("recorded_at")?,
        row,
    )
}

/// A row with the columns of [`read_chained_after`]'s SQLite query.
pub(crate) fn from_sqlite_row(row: &sqlx::sqlite::SqliteRow) -> Result<ChainedEvent, StoreError> {
    let position: i64 = row.try_get("position")?;
    let text: String = row.try_get("recorded_at")?;
    let recorded_at = parse_sqlite_time(&text).map_err(|reason| StoreError::UnreadableEvent {
        position,
        aggregate_type: row.try_get("aggregate_type").unwrap_or_default(),
        aggregate_id: row.try_get("aggregate_id").unwrap_or_default(),
        sequence: row.try_get("sequence").unwrap_or_default(),
        reason,
    })?;
    decode(position, 0, recorded_at, row)
}

/// SQLite keeps times as RFC 3339 text.
pub fn parse_sqlite_time(text: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| format!("recorded_at `{text}`: {e}"))
}

/// The text SQLite stores for a time: RFC 3339 in UTC to the millisecond, as its column default
/// writes it, so that stored times compare correctly as text.
pub fn sqlite_time(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

fn decode<R>(
    position: i64,
    tx: i64,
    recorded_at: DateTime<Utc>,
    row: &R,
) -> Result<ChainedEvent, StoreError>
where
    R: Row,
    usize: sqlx::ColumnIndex<R>,
    for<'a> &'a str: sqlx::ColumnIndex<R>,
    for<'a> String: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> i64: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> Option<Vec<u8>>: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
{
    let hash: Option<Vec<u8>> = row.try_get("hash")?;
    let sealed: Option<Vec<u8>> = row.try_get("chain_hash")?;
    Ok(ChainedEvent {
        position,
        tx,
        aggregate_type: row.try_get("aggregate_type")?,
        aggregate_id: row.try_get("aggregate_id")?,
        sequence: row.try_get("sequence")?,
        event_type: row.try_get("event_type")?,
        event_version: row.try_get("event_version")?,
        payload: row.try_get("payload")?,
        metadata: row.try_get("metadata")?,
        recorded_at,
        hash: hash.as_deref().and_then(EventHash::from_slice),
        sealed: sealed.as_deref().and_then(EventHash::from_slice),
    })
}
