//! The record of audit reads: which account, in which role, read which resource with which
//! filters, and when. It holds account ids, routes and filters (positions, times, types, ids),
//! never a name or an email.

use chrono::{DateTime, Utc};
use sqlx::Row;
use uuid::Uuid;

use crate::chain::read::parse_sqlite_time;
use crate::{Database, StoreError};

/// One read through the audit API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRead {
    pub account_id: Uuid,
    /// The role(s) under which the account could read, e.g. `auditor`.
    pub role: String,
    /// The method and path read, e.g. `GET /v1/audit/events`.
    pub resource: String,
    /// The query string as sent (empty if none).
    pub query: String,
    /// When it was read (set by the database; ignored when recording).
    pub read_at: Option<DateTime<Utc>>,
}

/// Records a read; the caller answers only once this has succeeded.
pub async fn record_read(db: &Database, read: &AuditRead) -> Result<(), StoreError> {
    match db {
        Database::Postgres(pool) => {
            sqlx::query(
                "INSERT INTO audit_reads (account_id, role, resource, query)
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(read.account_id)
            .bind(&read.role)
            .bind(&read.resource)
            .bind(&read.query)
            .execute(pool)
            .await?;
        }
        Database::Sqlite(pool) => {
            sqlx::query(
                "INSERT INTO audit_reads (account_id, role, resource, query)
                 VALUES (?1, ?2, ?3, ?4)",
            )
            .bind(read.account_id.hyphenated().to_string())
            .bind(&read.role)
            .bind(&read.resource)
            .bind(&read.query)
            .execute(pool)
            .await?;
        }
    }
    Ok(())
}

/// The newest `limit` reads, newest first.
pub async fn recent_reads(db: &Database, limit: usize) -> Result<Vec<AuditRead>, StoreError> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    match db {
        Database::Postgres(pool) => {
            let rows = sqlx::query(
                "SELECT account_id, role, resource, query, read_at FROM audit_reads
                 ORDER BY id DESC LIMIT $1",
            )
            .bind(limit)
            .fetch_all(pool)
            .await?;
            rows.iter()
                .map(|row| {
                    Ok(AuditRead {
                        account_id: row.try_get("account_id")?,
                        role: row.try_get("role")?,
                        resource: row.try_get("resource")?,
                        query: row.try_get("query")?,
                        read_at: Some(row.try_get("read_at")?),
                    })
                })
                .collect()
        }
        Database::Sqlite(pool) => {
            let rows = sqlx::query(
                "SELECT account_id, role, resource, query, read_at FROM audit_reads
                 ORDER BY id DESC LIMIT ?1",
            )
            .bind(limit)
            .fetch_all(pool)
            .await?;
            rows.iter()
                .map(|row| {
                    let account: String = row.try_get("account_id")?;
                    let read_at: String = row.try_get("read_at")?;
                    Ok(AuditRead {
                        account_id: Uuid::parse_str(&account).map_err(|e| {
                            StoreError::Persistence(format!(
                                "audit_reads holds `{account}`, not an account id: {e}"
                            ))
                        })?,
                        role: row.try_get("role")?,
                        resource: row.try_get("resource")?,
                        query: row.try_get("query")?,
                        read_at: Some(
                            parse_sqlite_time(&read_at).map_err(StoreError::Persistence)?,
                        ),
                    })
                })
                .collect()
        }
    }
}
