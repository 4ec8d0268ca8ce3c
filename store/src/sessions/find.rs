//! Reading sessions by their tokens' digests: the one lookup every signed-in request makes.
//!
//! The account stream's version comes along (on the primary key of `events`), so that the
//! account can come from the cache when the cache holds exactly that version. On PostgreSQL the
//! sessions that requests present at the same moment are read by one query
//! (`crate::coalesce`); on SQLite each is its own query, made on the calling thread when it can
//! be made at once (`crate::quick_read`), else on the pool.

use chrono::{DateTime, Utc};
use domain::values::AccountId;
use sqlx::Row;
use uuid::Uuid;

use super::{decode_error, parse_sqlite_time, Found};
use crate::coalesce::Coalesced;
use crate::quick_read::QuickReads;
use crate::{Database, StoreError};

/// The most sessions one query reads.
const PER_QUERY: usize = 256;

/// Finds sessions by their tokens' digests, as the backend reads them best.
#[derive(Clone)]
pub(super) enum Finder {
    Postgres(Coalesced<[u8; 32], Option<Found>>),
    Sqlite {
        pool: sqlx::SqlitePool,
        quick: std::sync::Arc<QuickReads>,
    },
}

impl Finder {
    pub(super) fn new(db: &Database) -> Self {
        match db {
            Database::Postgres(pool) => Self::Postgres(Coalesced::on_postgres(
                PER_QUERY,
                pool,
                |connection, digests| Box::pin(find_postgres(connection, digests)),
            )),
            Database::Sqlite(pool) => Self::Sqlite {
                pool: pool.clone(),
                quick: std::sync::Arc::new(QuickReads::beside(pool)),
            },
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
            Self::Sqlite { pool, quick } => {
                let stored = match quick.read(|connection| stored_sqlite_quick(connection, &digest))
                {
                    Some(stored) => stored,
                    None => stored_sqlite(pool, &digest).await?,
                };
                stored.map(decode_sqlite).transpose()
            }
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

/// A session's row as SQLite stores it: account, expiry, revocation, the account's version.
type StoredSqlite = (String, String, Option<String>, i64);

/// The session of `digest` and its account's version, as SQLite stores them (one statement for
/// both ways of asking).
const FIND_SQLITE: &str = "SELECT s.account_id, s.expires_at, s.revoked_at,
        (SELECT COALESCE(MAX(e.sequence), 0) FROM events e
          WHERE e.aggregate_type = 'account' AND e.aggregate_id = s.account_id)
          AS account_version
     FROM sessions s WHERE s.token_digest = ?1";

/// The session of `digest`, if there is one, read on the pool.
async fn stored_sqlite(
    pool: &sqlx::SqlitePool,
    digest: &[u8; 32],
) -> Result<Option<StoredSqlite>, StoreError> {
    Ok(sqlx::query_as(FIND_SQLITE)
        .bind(&digest[..])
        .fetch_optional(pool)
        .await?)
}

/// The session of `digest`, if there is one, read on the calling thread.
fn stored_sqlite_quick(
    connection: &rusqlite::Connection,
    digest: &[u8; 32],
) -> rusqlite::Result<Option<StoredSqlite>> {
    use rusqlite::OptionalExtension;
    connection
        .prepare_cached(FIND_SQLITE)?
        .query_row([&digest[..]], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
        })
        .optional()
}

fn decode_sqlite(
    (account, expires_at, revoked_at, version): StoredSqlite,
) -> Result<Found, StoreError> {
    let account = account
        .parse::<AccountId>()
        .map_err(|_| decode_error(format!("sessions.account_id `{account}` is not a UUID")))?;
    let expires_at = parse_sqlite_time(&expires_at)?;
    Ok((account, expires_at, revoked_at.is_some(), version))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::TestSqlite;

    /// A session reads alike on the calling thread and, when that cannot be done at once, on
    /// the pool; so does one that is not there.
    #[tokio::test]
    // Held across the read on purpose: it must find the connection in use.
    #[allow(clippy::await_holding_lock)]
    async fn a_session_reads_alike_on_the_calling_thread_and_on_the_pool() {
        let (_file, db) = TestSqlite::migrated().await;
        let account = AccountId::new();
        // In whole microseconds, as stored, and in the future.
        let now = DateTime::from_timestamp_micros(Utc::now().timestamp_micros()).unwrap();
        let (token, expires_at) = super::super::Sessions::new(&db)
            .issue_at(account, chrono::Duration::hours(1), now)
            .await
            .unwrap();
        let finder = Finder::new(&db);
        let Finder::Sqlite { quick, .. } = &finder else {
            unreachable!("a SQLite test database")
        };
        for digest in [super::super::digest(token.expose()), [7; 32]] {
            let quickly = finder.find(digest).await.unwrap();
            let pooled = {
                let _in_use = quick.hold();
                finder.find(digest).await.unwrap()
            };
            assert_eq!(quickly, pooled);
        }
        let found = finder.find(super::super::digest(token.expose())).await;
        assert_eq!(found.unwrap(), Some((account, expires_at, false, 0)));
    }
}
