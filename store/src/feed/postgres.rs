//! The feed's queries on PostgreSQL. See the module above for why the order is `(tx_id, position)`
//! and why only transactions below the snapshot's xmin are read.

use sqlx::postgres::{PgArguments, PgRow};
use sqlx::query::Query;
use sqlx::{PgExecutor, PgPool, Postgres, Row};

use futures::stream::BoxStream;
use futures::TryStreamExt;

use super::{FeedEvent, FeedPosition, RawFeedEvent, StreamFilter};
use crate::StoreError;

const COLUMNS: &str = "position, tx_id, aggregate_type, aggregate_id, sequence, event_type, \
                       event_version, payload, metadata, recorded_at";

/// The end of a query for the page of the feed after (`$1`, `$2`), a (tx_id, position), of at
/// most `$3` events, in feed order, read only below the snapshot's xmin (see the module above).
/// `$table` is how the query names the columns of `events`: `""` or an alias such as `"e."`.
/// Its parameters are bound by [`page_query`].
#[rustfmt::skip]
macro_rules! page_after {
    ($table:literal) => {
        concat!(
            " WHERE (", $table, "tx_id, ", $table, "position) > ($1, $2)",
            " AND ", $table, "tx_id < pg_snapshot_xmin(pg_current_snapshot())::text::bigint",
            " ORDER BY ", $table, "tx_id, ", $table, "position LIMIT $3"
        )
    };
}
pub(crate) use page_after;

/// `sql`, ending in [`page_after!`], with its parameters bound.
pub(crate) fn page_query(
    sql: &str,
    after: FeedPosition,
    limit: i64,
) -> Query<'_, Postgres, PgArguments> {
    sqlx::query(sql)
        .bind(after.tx)
        .bind(after.position)
        .bind(limit)
}

pub(super) async fn read_after<'e>(
    executor: impl PgExecutor<'e>,
    after: FeedPosition,
    limit: i64,
) -> Result<Vec<FeedEvent>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM events{}", page_after!(""));
    let rows = page_query(&sql, after, limit).fetch_all(executor).await?;
    rows.iter().map(decode).collect()
}

pub(super) async fn read_raw_after<'e>(
    executor: impl PgExecutor<'e>,
    after: FeedPosition,
    limit: i64,
) -> Result<Vec<RawFeedEvent>, StoreError> {
    // No metadata: see [`RawFeedEvent`].
    const SQL: &str = concat!(
        "SELECT position, tx_id, aggregate_type, aggregate_id, sequence, event_type,
                event_version, payload::text AS payload, recorded_at
         FROM events",
        page_after!("")
    );
    let rows = page_query(SQL, after, limit).fetch_all(executor).await?;
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

pub(super) async fn last(pool: &PgPool) -> Result<FeedPosition, StoreError> {
    let row: Option<(i64, i64)> = sqlx::query_as(
        "SELECT tx_id, position FROM events ORDER BY tx_id DESC, position DESC LIMIT 1",
    )
    .fetch_optional(pool)
    .await?;
    Ok(
        row.map_or(FeedPosition::START, |(tx, position)| FeedPosition {
            tx,
            position,
        }),
    )
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
