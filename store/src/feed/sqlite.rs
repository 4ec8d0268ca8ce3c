//! The feed's queries on SQLite: one writer at a time, so position order is commit order.

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqlitePool};

use futures::stream::BoxStream;
use futures::TryStreamExt;

use super::{FeedEvent, FeedPosition, RawFeedEvent, StreamFilter};
use crate::StoreError;

const COLUMNS: &str = "position, aggregate_type, aggregate_id, sequence, event_type, \
                       event_version, payload, metadata, recorded_at";

pub(super) async fn read_after(
    pool: &SqlitePool,
    after: FeedPosition,
    limit: i64,
) -> Result<Vec<FeedEvent>, StoreError> {
    let sql =
        format!("SELECT {COLUMNS} FROM events WHERE position > ?1 ORDER BY position LIMIT ?2");
    let rows = sqlx::query(&sql)
        .bind(after.position)
        .bind(limit)
        .fetch_all(pool)
        .await?;
    rows.iter().map(decode).collect()
}

pub(super) async fn read_raw_after(
    pool: &SqlitePool,
    after: FeedPosition,
    limit: i64,
) -> Result<Vec<RawFeedEvent>, StoreError> {
    // No metadata: see [`RawFeedEvent`].
    const SQL: &str = "SELECT position, aggregate_type, aggregate_id, sequence, event_type, \
                       event_version, payload, recorded_at
                       FROM events WHERE position > ?1 ORDER BY position LIMIT ?2";
    let rows = sqlx::query(SQL)
        .bind(after.position)
        .bind(limit)
        .fetch_all(pool)
        .await?;
    rows.iter()
        .map(|row| {
            let position: i64 = row.try_get("position")?;
            let recorded_at: String = row.try_get("recorded_at")?;
            let recorded_at =
                parse_recorded_at(&recorded_at).map_err(|e| StoreError::UnreadableEvent {
                    position,
                    aggregate_type: row.try_get("aggregate_type").unwrap_or_default(),
                    aggregate_id: row.try_get("aggregate_id").unwrap_or_default(),
                    sequence: row.try_get("sequence").unwrap_or_default(),
                    reason: format!("recorded_at `{recorded_at}`: {e}"),
                })?;
            Ok(RawFeedEvent {
                position,
                tx: 0,
                aggregate_type: row.try_get("aggregate_type")?,
                aggregate_id: row.try_get("aggregate_id")?,
                sequence: row.try_get("sequence")?,
                event_type: row.try_get("event_type")?,
                event_version: row.try_get("event_version")?,
                payload: row.try_get("payload")?,
                recorded_at,
            })
        })
        .collect()
}

pub(super) fn stream(
    pool: SqlitePool,
    filter: StreamFilter,
) -> BoxStream<'static, Result<FeedEvent, StoreError>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM events
         WHERE aggregate_type = ?1 AND (?2 IS NULL OR aggregate_id = ?2)
         ORDER BY position"
    );
    Box::pin(async_stream::try_stream! {
        let mut rows = sqlx::query(&sql)
            .bind(filter.aggregate_type)
            .bind(filter.aggregate_id)
            .fetch(&pool);
        while let Some(row) = rows.try_next().await? {
            yield decode(&row)?;
        }
    })
}

pub(super) async fn locate(
    pool: &SqlitePool,
    position: i64,
) -> Result<Option<FeedPosition>, StoreError> {
    let found: Option<i64> = sqlx::query_scalar("SELECT position FROM events WHERE position = ?1")
        .bind(position)
        .fetch_optional(pool)
        .await?;
    Ok(found.map(|position| FeedPosition { tx: 0, position }))
}

pub(super) async fn head_position(pool: &SqlitePool) -> Result<i64, StoreError> {
    let head: Option<i64> = sqlx::query_scalar("SELECT max(position) FROM events")
        .fetch_one(pool)
        .await?;
    Ok(head.unwrap_or(0))
}

fn decode(row: &SqliteRow) -> Result<FeedEvent, StoreError> {
    let position: i64 = row.try_get("position")?;
    let aggregate_type: String = row.try_get("aggregate_type")?;
    let aggregate_id: String = row.try_get("aggregate_id")?;
    let sequence: i64 = row.try_get("sequence")?;
    let unreadable = |reason: String| StoreError::UnreadableEvent {
        position,
        aggregate_type: aggregate_type.clone(),
        aggregate_id: aggregate_id.clone(),
        sequence,
        reason,
    };
    let json = |column: &str| -> Result<Value, StoreError> {
        let text: String = row.try_get(column)?;
        serde_json::from_str(&text).map_err(|e| unreadable(format!("{column} is not JSON: {e}")))
    };
    let recorded_at: String = row.try_get("recorded_at")?;
    let recorded_at = parse_recorded_at(&recorded_at)
        .map_err(|e| unreadable(format!("recorded_at `{recorded_at}`: {e}")))?;
    Ok(FeedEvent {
        position,
        tx: 0,
        event_type: row.try_get("event_type")?,
        event_version: row.try_get("event_version")?,
        payload: json("payload")?,
        metadata: json("metadata")?,
        recorded_at,
        aggregate_type,
        aggregate_id,
        sequence,
    })
}

/// An event's recording time as SQLite keeps it (RFC 3339 text), read as the feed reads it: also
/// what the commits told to this process's read models carry (`group_commit::watchers`), so that
/// they hold exactly what the feed would have brought.
pub(crate) fn parse_recorded_at(text: &str) -> Result<DateTime<Utc>, chrono::ParseError> {
    DateTime::parse_from_rfc3339(text).map(|time| time.with_timezone(&Utc))
}
