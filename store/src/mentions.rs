//! Which streams name an account in their events: what erasing a person must visit to take them
//! off every list (managers, members, requests). Payloads name accounts by id, never by name or
//! email, so the id is looked for in the payload's text. Erasure is rare, so a scan of the
//! streams of the given types is acceptable; it is one statement on either backend.

use crate::{Database, StoreError};

/// The ids of streams of `aggregate_type` with an event whose payload contains `needle` (an
/// account id), in id order.
pub async fn streams_mentioning(
    db: &Database,
    aggregate_type: &str,
    needle: &str,
) -> Result<Vec<String>, StoreError> {
    // The needle is an id (hex digits and hyphens): no LIKE wildcard can be in it, but escape
    // them anyway so that the function means what it says for any input.
    let pattern = format!(
        "%{}%",
        needle
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    );
    match db {
        Database::Postgres(pool) => Ok(sqlx::query_scalar::<_, String>(
            "SELECT DISTINCT aggregate_id FROM events \
             WHERE aggregate_type = $1 AND payload::text LIKE $2 ESCAPE '\\' \
             ORDER BY aggregate_id",
        )
        .bind(aggregate_type)
        .bind(pattern)
        .fetch_all(pool)
        .await?),
        Database::Sqlite(pool) => Ok(sqlx::query_scalar::<_, String>(
            "SELECT DISTINCT aggregate_id FROM events \
             WHERE aggregate_type = $1 AND payload LIKE $2 ESCAPE '\\' \
             ORDER BY aggregate_id",
        )
        .bind(aggregate_type)
        .bind(pattern)
        .fetch_all(pool)
        .await?),
    }
}
