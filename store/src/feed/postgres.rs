//! The feed's queries on PostgreSQL. See the module above for why the order is `(tx_id, position)`
//! and why only transactions below the snapshot's xmin are read.

use sqlx::postgres::PgRow;
use sqlx::{PgExecutor, PgPool, Row};

use futures::stream::BoxStream;
use futures::TryStreamExt;

use super::{FeedEvent, FeedPosition, RawFeedEvent, StreamFilter};
use crate::StoreError;

const COLUMNS: &str = "position, tx_id, aggregate_type, aggregate_id, sequence, event_type, \
                       event_version, payload, metadata, recorded_at";

pub(super) async fn read_after<'e>(
    executor: impl PgExecutor<'e>,
    after: FeedPosition,
    limit: i64,
) -> Result<Vec<FeedEvent>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM events
         WHERE (tx_id, position) > ($1, $2)
           AND tx_id < pg_snapshot_xmin(pg_current_snapshot())::text::bigint
         ORDER BY tx_id, position
         LIMIT $3"
    );
    let rows = sqlx::query(&sql)
        .bind(after.tx)
        .bind(after.position)
        .bind(limit)
        .fetch_all(executor)
        .await?;
    rows.iter().map(decode).collect()
}

pub(super) async fn read_raw_after<'e>(
    executor: impl PgExecutor<'e>,
    after: FeedPosition,
    limit: i64,
) -> Result<Vec<RawFeedEvent>, StoreError> {
    // No metadata: see [`RawFeedEvent`].
    let rows = sqlx::query(
        "SELECT position, tx_id, aggregate_type, aggregate_id, sequence, event_type,
                event_version, payload::text AS payload, recorded_at
         FROM events
         WHERE (tx_id, position) > ($1, $2)
           AND tx_id < pg_snapshot_xmin(pg_current_snapshot())::text::bigint
         ORDER BY tx_id, position
         LIMIT $3",
    )
    .bind(after.tx)
    .bind(after.position)
    .bind(limit)
    .fetch_all(executor)
    .await?;
    // Columns by their place in the SELECT above: a rebuild reads a million rows, and a column
    // found by name is a hash lookup each time.
    rows.iter()
        .map(|row| {
            Ok(RawFeedEvent {
                position: row.try_get(0)?,
                tx: row.try_get(1)?,
                aggregate_type: row.try_get(2)?,
                aggregate_id: row.try_get(3)?,
                sequence: row.try_get(4)?,
                event_type: row.try_get(5)?,
                event_version: row.try_get(6)?,
                payload: row.try_get(7)?,
                recorded_at: row.try_get(8)?,
            })
        })
        .collect()
}

pub(super) fn stream(
    pool: PgPool,
    filter: StreamFilter,
) -> BoxStream<'static, Result<FeedEvent, StoreError>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM events
         WHERE aggregate_type = $1 AND ($2::text IS NULL OR aggregate_id = $2)
         ORDER BY tx_id, position"
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
    pool: &PgPool,
    position: i64,
) -> Result<Option<FeedPosition>, StoreError> {
    let row: Option<(i64, i64)> =
        sqlx::query_as("SELECT tx_id, position FROM events WHERE position = $1")
            .bind(position)
            .fetch_optional(pool)
            .await?;
    Ok(row.map(|(tx, position)| FeedPosition { tx, position }))
}

pub(super) async fn head_position(pool: &PgPool) -> Result<i64, StoreError> {
    let head: Option<i64> = sqlx::query_scalar("SELECT max(position) FROM events")
        .fetch_one(pool)
        .await?;
    Ok(head.unwrap_or(0))
}

fn decode(row: &PgRow) -> Result<FeedEvent, StoreError> {
    Ok(FeedEvent {
        position: row.try_get("position")?,
        tx: row.try_get("tx_id")?,
        aggregate_type: row.try_get("aggregate_type")?,
        aggregate_id: row.try_get("aggregate_id")?,
        sequence: row.try_get("sequence")?,
        event_type: row.try_get("event_type")?,
        event_version: row.try_get("event_version")?,
        payload: row.try_get("payload")?,
        metadata: row.try_get("metadata")?,
        recorded_at: row.try_get("recorded_at")?,
    })
}
