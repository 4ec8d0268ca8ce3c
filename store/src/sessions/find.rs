//! Reading sessions by their tokens' digests: the one lookup every signed-in request makes.
//!
//! The account stream's version comes along (on the primary key of `events`), so that the
//! account can come from the cache when the cache holds exactly that version. On PostgreSQL the
//! sessions that requests present at the same moment are read by one query
//! (`crate::coalesce`); on SQLite each is its own query in the process.

use chrono::{DateTime, Utc};
use domain::values::AccountId;
use sqlx::Row;
use uuid::Uuid;

use super::{decode_error, parse_sqlite_time, Found};
use crate::coalesce::Coalesced;
use crate::{Database, StoreError};

/// The most sessions one query reads.
const PER_QUERY: usize = 256;

/// Finds sessions by their tokens' digests, as the backend reads them best.
#[derive(Clone)]
pub(super) enum Finder {
    Postgres(Coalesced<[u8; 32], Option<Found>>),
    Sqlite(sqlx::SqlitePool),
}

impl Finder {
    pub(super) fn new(db: &Database) -> Self {
        match db {
            Database::Postgres(pool) => Self::Postgres(Coalesced::on_postgres(
                PER_QUERY,
                pool,
                |connection, digests| Box::pin(find_postgres(connection, digests)),
            )),
            Database::Sqlite(pool) => Self::Sqlite(pool.clone()),
        }
    }

    /// The session of `digest`, if there is one.
    pub(super) async fn find(&self, digest: [u8; 32]) -> Result<Option<Found>, StoreError> {
        match self {
            Self::Postgres(shared) => shared.get(digest).await.map_err(|e| {
                if e.unavailable {
                    StoreError::Unavailable(e.message)
                } else {
                    StoreError::Persistence(e.message)
                }
            }),
            Self::Sqlite(pool) => find_sqlite(pool, &digest).await,
        }
    }
}

/// The sessions of `digests`, one answer per digest in their order (`None`: no such session),
/// in one query.
async fn find_postgres(
    connection: &mut sqlx::PgConnection,
    digests: Vec<[u8; 32]>,
) -> Result<Vec<Option<Found>>, sqlx::Error> {
    const SQL: &str = "SELECT s.account_id, s.expires_at, s.revoked_at,
            (SELECT COALESCE(MAX(e.sequence), 0) FROM events e
              WHERE e.aggregate_type = 'account' AND e.aggregate_id = s.account_id::text)
              AS account_version
         FROM unnest($1::bytea[]) WITH ORDINALITY AS t(digest, n)
         LEFT JOIN sessions s ON s.token_digest = t.digest
         ORDER BY t.n";
    let digests: Vec<&[u8]> = digests.iter().map(|d| &d[..]).collect();
    let rows = sqlx::query(SQL)
        .bind(&digests)
        .fetch_all(connection)
        .await?;
    rows.iter()
        .map(|row| {
            let Some(account) = row.try_get::<Option<Uuid>, _>("account_id")? else {
                return Ok(None);
            };
            let expires_at: DateTime<Utc> = row.try_get("expires_at")?;
            let revoked_at: Option<DateTime<Utc>> = row.try_get("revoked_at")?;
            let version: Option<i64> = row.try_get("account_version")?;
            Ok(Some((
                account.into(),
                expires_at,
                revoked_at.is_some(),
                version.unwrap_or(0),
            )))
        })
        .collect()
}

/// The session of `digest`, if there is one.
async fn find_sqlite(
    pool: &sqlx::SqlitePool,
    digest: &[u8; 32],
) -> Result<Option<Found>, StoreError> {
    const SQL: &str = "SELECT s.account_id, s.expires_at, s.revoked_at,
            (SELECT COALESCE(MAX(e.sequence), 0) FROM events e
              WHERE e.aggregate_type = 'account' AND e.aggregate_id = s.account_id)
              AS account_version
         FROM sessions s WHERE s.token_digest = $1";
    let Some(row) = sqlx::query(SQL)
        .bind(&digest[..])
        .fetch_optional(pool)
        .await?
    else {
        return Ok(None);
    };
    let account: String = row.try_get("account_id")?;
    let account = account
        .parse::<AccountId>()
        .map_err(|_| decode_error(format!("sessions.account_id `{account}` is not a UUID")))?;
    let expires_at = parse_sqlite_time(&row.try_get::<String, _>("expires_at")?)?;
    let revoked_at: Option<String> = row.try_get("revoked_at")?;
    let version: i64 = row.try_get("account_version")?;
    Ok(Some((account, expires_at, revoked_at.is_some(), version)))
}
