//! Reading events for auditors: the filtered log in feed order, and one stream's history.

use sqlx::{Postgres, QueryBuilder, Sqlite};

use super::{to_precision, AuditFilter};
use crate::chain::read::{from_postgres_row, from_sqlite_row, sqlite_time};
use crate::chain::ChainedEvent;
use crate::{Database, FeedPosition, StoreError};

const PG_COLUMNS: &str = "SELECT e.position, e.tx_id, e.aggregate_type, e.aggregate_id, \
     e.sequence, e.event_type, e.event_version, e.payload::text AS payload, \
     e.metadata::text AS metadata, e.recorded_at, e.hash, c.chain_hash \
     FROM events e LEFT JOIN event_chain c ON c.position = e.position";

const SQLITE_COLUMNS: &str = "SELECT e.position, e.aggregate_type, e.aggregate_id, e.sequence, \
     e.event_type, e.event_version, e.payload, e.metadata, e.recorded_at, e.hash, c.chain_hash \
     FROM events e LEFT JOIN event_chain c ON c.position = e.position";

/// Up to `limit` events matching `filter` after `after`, in feed order, only those whose place
/// in the feed is final.
pub async fn read_events(
    db: &Database,
    filter: &AuditFilter,
    after: FeedPosition,
    limit: usize,
) -> Result<Vec<ChainedEvent>, StoreError> {
    let limit = i64::try_from(limit.max(1)).unwrap_or(i64::MAX);
    match db {
        Database::Postgres(pool) => {
            let mut sql = QueryBuilder::<Postgres>::new(PG_COLUMNS);
            sql.push(" WHERE (e.tx_id, e.position) > (")
                .push_bind(after.tx)
                .push(", ")
                .push_bind(after.position)
                .push(") AND e.tx_id < pg_snapshot_xmin(pg_current_snapshot())::text::bigint");
            push_common(&mut sql, filter);
            if let Some(from) = filter.from_time {
                sql.push(" AND e.recorded_at >= ")
                    .push_bind(to_precision(from, 1, true));
            }
            if let Some(to) = filter.to_time {
                sql.push(" AND e.recorded_at <= ")
                    .push_bind(to_precision(to, 1, false));
            }
            if let Some(actor) = &filter.actor {
                sql.push(" AND (e.metadata->>'actor') = ")
                    .push_bind(actor.to_string());
            }
            if let Some(correlation) = &filter.correlation_id {
                sql.push(" AND (e.metadata->>'correlation_id') = ")
                    .push_bind(correlation.as_str());
            }
            sql.push(" ORDER BY e.tx_id, e.position LIMIT ")
                .push_bind(limit);
            let rows = sql.build().fetch_all(pool).await?;
            rows.iter().map(from_postgres_row).collect()
        }
        Database::Sqlite(pool) => {
            let mut sql = QueryBuilder::<Sqlite>::new(SQLITE_COLUMNS);
            sql.push(" WHERE e.position > ").push_bind(after.position);
            push_common(&mut sql, filter);
            // Stored as RFC 3339 text to the millisecond in one width: text order is time order.
            if let Some(from) = filter.from_time {
                sql.push(" AND e.recorded_at >= ")
                    .push_bind(sqlite_time(to_precision(from, 1_000, true)));
            }
            if let Some(to) = filter.to_time {
                sql.push(" AND e.recorded_at <= ")
                    .push_bind(sqlite_time(to_precision(to, 1_000, false)));
            }
            if let Some(actor) = &filter.actor {
                // Guarded: metadata that is not JSON (edited behind the store's back) matches no
                // actor instead of failing the whole query; `verify` names such an event.
                sql.push(
                    " AND (CASE WHEN json_valid(e.metadata) \
                     THEN json_extract(e.metadata, '$.actor') END) = ",
                )
                .push_bind(actor.to_string());
            }
            if let Some(correlation) = &filter.correlation_id {
                sql.push(
                    " AND (CASE WHEN json_valid(e.metadata) \
                     THEN json_extract(e.metadata, '$.correlation_id') END) = ",
                )
                .push_bind(correlation.as_str());
            }
            sql.push(" ORDER BY e.position LIMIT ").push_bind(limit);
            let rows = sql.build().fetch_all(pool).await?;
            rows.iter().map(from_sqlite_row).collect()
        }
    }
}

/// The conditions both backends write alike.
fn push_common<'a, DB>(sql: &mut QueryBuilder<'a, DB>, filter: &'a AuditFilter)
where
    DB: sqlx::Database,
    i64: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    &'a str: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    if let Some(from) = filter.from_position {
        sql.push(" AND e.position >= ").push_bind(from);
    }
    if let Some(to) = filter.to_position {
        sql.push(" AND e.position <= ").push_bind(to);
    }
    if let Some(aggregate_type) = &filter.aggregate_type {
        sql.push(" AND e.aggregate_type = ")
            .push_bind(aggregate_type.as_str());
    }
    if let Some(aggregate_id) = &filter.aggregate_id {
        sql.push(" AND e.aggregate_id = ")
            .push_bind(aggregate_id.as_str());
    }
    if let Some(event_type) = &filter.event_type {
        sql.push(" AND e.event_type = ")
            .push_bind(event_type.as_str());
    }
}

/// Every committed event of one stream, by sequence (empty if the stream has none). A stream's
/// history is read whole: its states are folded from its first event whatever page is shown.
pub async fn read_stream(
    db: &Database,
    aggregate_type: &str,
    aggregate_id: &str,
) -> Result<Vec<ChainedEvent>, StoreError> {
    match db {
        Database::Postgres(pool) => {
            let sql = format!(
                "{PG_COLUMNS} WHERE e.aggregate_type = $1 AND e.aggregate_id = $2 \
                 ORDER BY e.sequence"
            );
            let rows = sqlx::query(&sql)
                .bind(aggregate_type)
                .bind(aggregate_id)
                .fetch_all(pool)
                .await?;
            rows.iter().map(from_postgres_row).collect()
        }
        Database::Sqlite(pool) => {
            let sql = format!(
                "{SQLITE_COLUMNS} WHERE e.aggregate_type = ?1 AND e.aggregate_id = ?2 \
                 ORDER BY e.sequence"
            );
            let rows = sqlx::query(&sql)
                .bind(aggregate_type)
                .bind(aggregate_id)
                .fetch_all(pool)
                .await?;
            rows.iter().map(from_sqlite_row).collect()
        }
    }
}
