//! Moderators' claims on waiting items (table `moderation_claims`, outside the event log: see
//! the migration for why a claim is not an event).
//!
//! A claim says "I am reviewing this": it holds until its holder releases it or until it
//! expires. Claiming is a single conditional upsert (insert, or take over a row that has expired
//! or is already the claimant's), so the database decides between two moderators claiming at
//! the same moment, whichever instance each one reached. Every operation that depends on the
//! time has an `_at` variant taking "now".

use std::fmt;

use chrono::{DateTime, Duration, Utc};
use domain::values::AccountId;
use sqlx::Row;
use uuid::Uuid;

use crate::text_time::{decode_error, parse_sqlite_time, sqlite_time};
use crate::{Database, StoreError};

/// Who is reviewing an item, and until when the claim holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Claim {
    pub account: AccountId,
    pub claimed_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// What asking for a claim gave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claimed {
    /// The claimant holds it now (new, taken over from an expired claim, or renewed).
    Won(Claim),
    /// Another moderator holds it.
    HeldBy(Claim),
}

/// The claims, on the event log's database.
#[derive(Clone)]
pub struct ModerationClaims {
    db: Database,
}

impl fmt::Debug for ModerationClaims {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ModerationClaims")
            .field("backend", &self.db.backend())
            .finish()
    }
}

const UPSERT: &str = "INSERT INTO moderation_claims (item, account_id, claimed_at, expires_at)
    VALUES ($1, $2, $3, $4)
    ON CONFLICT (item) DO UPDATE
        SET account_id = excluded.account_id, claimed_at = excluded.claimed_at,
            expires_at = excluded.expires_at
        WHERE moderation_claims.expires_at <= $3
           OR moderation_claims.account_id = excluded.account_id";

impl ModerationClaims {
    pub fn new(db: &Database) -> Self {
        Self { db: db.clone() }
    }

    /// Claims `item` for `account` for `ttl`, unless another moderator's claim still holds.
    pub async fn claim(
        &self,
        item: &str,
        account: AccountId,
        ttl: Duration,
    ) -> Result<Claimed, StoreError> {
        self.claim_at(item, account, ttl, Utc::now()).await
    }

    pub async fn claim_at(
        &self,
        item: &str,
        account: AccountId,
        ttl: Duration,
        now: DateTime<Utc>,
    ) -> Result<Claimed, StoreError> {
        let expires_at = now + ttl;
        // Twice at most: a claim found and released between the upsert and the read is taken
        // on the second try.
        for _ in 0..2 {
            if let Some(claimed) = self.try_claim(item, account, now, expires_at).await? {
                return Ok(claimed);
            }
        }
        Ok(match self.holder_at(item, now).await? {
            Some(claim) => Claimed::HeldBy(claim),
            None => Claimed::Won(Claim {
                account,
                claimed_at: now,
                expires_at,
            }),
        })
    }

    async fn try_claim(
        &self,
        item: &str,
        account: AccountId,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<Option<Claimed>, StoreError> {
        let written = match &self.db {
            Database::Postgres(pool) => sqlx::query(UPSERT)
                .bind(item)
                .bind(account.into_uuid())
                .bind(now)
                .bind(expires_at)
                .execute(pool)
                .await?
                .rows_affected(),
            Database::Sqlite(pool) => sqlx::query(UPSERT)
                .bind(item)
                .bind(account.to_string())
                .bind(sqlite_time(now))
                .bind(sqlite_time(expires_at))
                .execute(pool)
                .await?
                .rows_affected(),
        };
        if written > 0 {
            return Ok(Some(Claimed::Won(Claim {
                account,
                claimed_at: now,
                expires_at,
            })));
        }
        // Not written: someone else's live claim is there, unless released meanwhile.
        Ok(self.holder_at(item, now).await?.map(Claimed::HeldBy))
    }

    /// Lets go of `account`'s claim on `item`. True if it held one.
    pub async fn release(&self, item: &str, account: AccountId) -> Result<bool, StoreError> {
        const DELETE: &str = "DELETE FROM moderation_claims WHERE item = $1 AND account_id = $2";
        let deleted = match &self.db {
            Database::Postgres(pool) => sqlx::query(DELETE)
                .bind(item)
                .bind(account.into_uuid())
                .execute(pool)
                .await?
                .rows_affected(),
            Database::Sqlite(pool) => sqlx::query(DELETE)
                .bind(item)
                .bind(account.to_string())
                .execute(pool)
                .await?
                .rows_affected(),
        };
        Ok(deleted > 0)
    }

    /// Ends whatever claim there is on `item` (it was decided: nothing is left to review).
    pub async fn end(&self, item: &str) -> Result<bool, StoreError> {
        const DELETE: &str = "DELETE FROM moderation_claims WHERE item = $1";
        let deleted = match &self.db {
            Database::Postgres(pool) => sqlx::query(DELETE)
                .bind(item)
                .execute(pool)
                .await?
                .rows_affected(),
            Database::Sqlite(pool) => sqlx::query(DELETE)
                .bind(item)
                .execute(pool)
                .await?
                .rows_affected(),
        };
        Ok(deleted > 0)
    }

    /// The live claim on `item`, if any.
    pub async fn holder_at(
        &self,
        item: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Claim>, StoreError> {
        Ok(self
            .live_at(now)
            .await?
            .into_iter()
            .find(|(claimed, _)| claimed == item)
            .map(|(_, claim)| claim))
    }

    /// Every live claim, by item. The table holds at most one row per waiting item (and rows of
    /// items decided since, which lapse), so reading it whole stays small.
    pub async fn live(&self) -> Result<Vec<(String, Claim)>, StoreError> {
        self.live_at(Utc::now()).await
    }

    pub async fn live_at(&self, now: DateTime<Utc>) -> Result<Vec<(String, Claim)>, StoreError> {
        const SELECT: &str = "SELECT item, account_id, claimed_at, expires_at
            FROM moderation_claims WHERE expires_at > $1";
        let mut claims = Vec::new();
        match &self.db {
            Database::Postgres(pool) => {
                for row in sqlx::query(SELECT).bind(now).fetch_all(pool).await? {
                    let account: Uuid = row.try_get("account_id")?;
                    claims.push((
                        row.try_get("item")?,
                        Claim {
                            account: account.into(),
                            claimed_at: row.try_get("claimed_at")?,
                            expires_at: row.try_get("expires_at")?,
                        },
                    ));
                }
            }
            Database::Sqlite(pool) => {
                for row in sqlx::query(SELECT)
                    .bind(sqlite_time(now))
                    .fetch_all(pool)
                    .await?
                {
                    let account: String = row.try_get("account_id")?;
                    let account = account.parse::<AccountId>().map_err(|_| {
                        decode_error(format!("moderation_claims.account_id `{account}`"))
                    })?;
                    claims.push((
                        row.try_get("item")?,
                        Claim {
                            account,
                            claimed_at: parse_sqlite_time(
                                &row.try_get::<String, _>("claimed_at")?,
                            )?,
                            expires_at: parse_sqlite_time(
                                &row.try_get::<String, _>("expires_at")?,
                            )?,
                        },
                    ));
                }
            }
        }
        Ok(claims)
    }

    /// Forgets claims that expired before `now` (they are already ignored; this keeps the table
    /// small).
    pub async fn prune_at(&self, now: DateTime<Utc>) -> Result<u64, StoreError> {
        const DELETE: &str = "DELETE FROM moderation_claims WHERE expires_at <= $1";
        Ok(match &self.db {
            Database::Postgres(pool) => sqlx::query(DELETE)
                .bind(now)
                .execute(pool)
                .await?
                .rows_affected(),
            Database::Sqlite(pool) => sqlx::query(DELETE)
                .bind(sqlite_time(now))
                .execute(pool)
                .await?
                .rows_affected(),
        })
    }
}
