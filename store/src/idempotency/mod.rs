//! Idempotency keys, kept outside the event log.
//!
//! A write sent with an `Idempotency-Key` is remembered per account: the key, a digest of the
//! request ([`request_digest`]) and, once it has been answered, the answer. A retry of the same
//! request with the same key is answered from here and writes nothing; the same key with a
//! different request is refused.
//!
//! The life of a key:
//!
//! * [`Idempotency::begin`] claims it: a `pending` row with claim number 1, inserted with
//!   `ON CONFLICT DO NOTHING` so that of two concurrent requests exactly one runs.
//! * If the request writes events, their append marks the key `committed` **in the same
//!   statement or transaction as the events**, with the essentials of the answer
//!   ([`IdempotentWrite`]): its status, the id it created, the version it answers and where its
//!   last event is. So the key and the write are recorded together or not at all.
//! * [`Idempotency::finish`] records the full answer (`done`); [`Idempotency::abandon`] forgets a
//!   pending claim whose request failed in a way worth retrying.
//! * [`Idempotency::prune`] removes old keys.
//!
//! A process that stops after the commit but before `finish` (a crash, a database outage while
//! recording the answer) leaves a `committed` key: `begin` answers the retry from its essentials
//! ([`Begin::Committed`]) and the request never runs again. One that stops before the commit
//! leaves a `pending` key with nothing written: it answers "in progress" until the claim is older
//! than the takeover age passed to `begin`, and then the request may run again under a new claim
//! number. Should the first attempt still be alive and reach its append after that, the append
//! finds its claim number gone and writes nothing ([`crate::StoreError::IdempotencyClaimLost`]):
//! at most one attempt ever writes.

use std::fmt;

use chrono::{DateTime, Duration, TimeZone, Utc};
use domain::values::AccountId;
use sha2::{Digest, Sha256};
use sqlx::Row;
use subtle::ConstantTimeEq;

use crate::text_time::{decode_error, parse_sqlite_time, sqlite_time};
use crate::{Database, StoreError};

/// The SHA-256 of a request: its method, path and query, and body, each but the last preceded by
/// its length, so that no two different requests share their input.
pub fn request_digest(method: &str, path_and_query: &str, body: &[u8]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    for part in [method.as_bytes(), path_and_query.as_bytes()] {
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part);
    }
    hasher.update(body);
    hasher.finalize().into()
}

/// The answer to a request, as kept for replaying it.
#[derive(Clone, PartialEq, Eq)]
pub struct StoredResponse {
    pub status: u16,
    /// The headers a replay repeats, in order (a name may appear more than once).
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl fmt::Debug for StoredResponse {
    /// Shows the size of the body, not the body.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoredResponse")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body_bytes", &self.body.len())
            .finish()
    }
}

/// A request's hold on a key: the account, the key and the claim number it runs under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyClaim {
    pub account: AccountId,
    pub key: String,
    /// 1 for the first claim, one more for each takeover.
    pub number: i64,
}

/// What the append of a keyed command records with its events: the claim it runs under and the
/// shape of the answer it will give.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotentWrite {
    pub claim: KeyClaim,
    pub answer: AnswerShape,
}

/// How the answer to a write is made from what it wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerShape {
    pub status: u16,
    /// The id of what the write created, if it created something.
    pub created: Option<String>,
    /// Whether the answer carries the stream's version after the write (single-stream commands).
    pub with_version: bool,
}

impl Default for AnswerShape {
    /// A write that created nothing and answers only where its last event is.
    fn default() -> Self {
        Self {
            status: 200,
            created: None,
            with_version: false,
        }
    }
}

/// A keyed write's answer, rebuilt from the essentials its append recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommittedAnswer {
    pub status: u16,
    pub created: Option<String>,
    /// The stream's version after the write, when the answer carries it.
    pub version: Option<usize>,
    /// The global position of the write's last event.
    pub position: i64,
}

/// What [`Idempotency::begin`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Begin {
    /// The key is this request's now: run it under this claim, then [`Idempotency::finish`] or
    /// [`Idempotency::abandon`].
    New(KeyClaim),
    /// The same request was answered before: answer this.
    Replay(StoredResponse),
    /// The same request wrote its events, but its full answer was never recorded: answer from
    /// what the write recorded.
    Committed(CommittedAnswer),
    /// The key was used for a different request.
    Mismatch,
    /// The same request is running (or stopped less than the takeover age ago).
    InProgress,
}

/// An append found its claim on the key taken over (see the module's documentation).
#[derive(Debug, thiserror::Error)]
#[error("the idempotency key's claim was taken over")]
pub(crate) struct ClaimLost;

const PENDING: &str = "pending";
const COMMITTED: &str = "committed";
const DONE: &str = "done";

/// How often `begin` goes round when rows vanish or are taken over under it.
const ATTEMPTS: usize = 3;

/// Idempotency keys on the event log's database (outside the log).
#[derive(Clone)]
pub struct Idempotency {
    db: Database,
}

impl fmt::Debug for Idempotency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Idempotency")
            .field("backend", &self.db.backend())
            .finish()
    }
}

/// A row as read back, with the position of the last event of a committed write.
struct Stored {
    digest: Vec<u8>,
    state: String,
    status: Option<i64>,
    headers: Option<String>,
    body: Option<Vec<u8>>,
    created_at: DateTime<Utc>,
    answer_id: Option<String>,
    answer_version: Option<i64>,
    last_position: Option<i64>,
}

impl Idempotency {
    pub fn new(db: &Database) -> Self {
        Self { db: db.clone() }
    }

    /// Claims `key` for `account`'s request with `digest` at `now`, or says why not. A pending
    /// key whose claim is at least `takeover_after` old is taken over under the next claim
    /// number (see the module's documentation).
    pub async fn begin(
        &self,
        account: AccountId,
        key: &str,
        digest: &[u8; 32],
        takeover_after: Duration,
        now: DateTime<Utc>,
    ) -> Result<Begin, StoreError> {
        let cutoff = clamp(now.checked_sub_signed(takeover_after).unwrap_or(now));
        let claim = |number| {
            Begin::New(KeyClaim {
                account,
                key: key.to_string(),
                number,
            })
        };
        for _ in 0..ATTEMPTS {
            if self.claim(account, key, digest, now).await? {
                return Ok(claim(1));
            }
            // Abandoned or pruned since the insert failed: try to claim it again.
            let Some(stored) = self.read(account, key).await? else {
                continue;
            };
            if !bool::from(stored.digest.as_slice().ct_eq(&digest[..])) {
                return Ok(Begin::Mismatch);
            }
            match stored.state.as_str() {
                DONE => return Ok(Begin::Replay(stored.into_response()?)),
                COMMITTED => return Ok(Begin::Committed(stored.into_committed()?)),
                PENDING if stored.created_at <= cutoff => {
                    if let Some(number) = self.take_over(account, key, cutoff, now).await? {
                        return Ok(claim(number));
                    }
                    // Someone else took it over, finished it or abandoned it: look again.
                }
                PENDING => return Ok(Begin::InProgress),
                other => {
                    return Err(decode_error(format!(
                        "idempotency_keys.state `{other}` is not pending, committed or done"
                    )))
                }
            }
        }
        Ok(Begin::InProgress)
    }

    /// Records the full answer to the request that holds `claim`. False if the claim no longer
    /// holds the key (abandoned, pruned, or taken over).
    pub async fn finish(
        &self,
        claim: &KeyClaim,
        response: &StoredResponse,
    ) -> Result<bool, StoreError> {
        let headers = serde_json::to_string(&response.headers)
            .map_err(|e| decode_error(format!("headers cannot be written as JSON: {e}")))?;
        const UPDATE: &str = "UPDATE idempotency_keys
                              SET state = 'done', status = $3, headers = $4, body = $5
                              WHERE account_id = $1 AND key = $2 AND claim = $6
                                AND state IN ('pending', 'committed')";
        let updated = match &self.db {
            Database::Postgres(pool) => sqlx::query(UPDATE)
                .bind(claim.account.into_uuid())
                .bind(&claim.key)
                .bind(i32::from(response.status))
                .bind(&headers)
                .bind(&response.body[..])
                .bind(claim.number)
                .execute(pool)
                .await?
                .rows_affected(),
            Database::Sqlite(pool) => sqlx::query(UPDATE)
                .bind(claim.account.to_string())
                .bind(&claim.key)
                .bind(i64::from(response.status))
                .bind(&headers)
                .bind(&response.body[..])
                .bind(claim.number)
                .execute(pool)
                .await?
                .rows_affected(),
        };
        Ok(updated > 0)
    }

    /// Forgets a pending claim, so that the request may be sent again with the same key. A key
    /// whose write committed, or that is done, is kept. True if there was such a pending claim.
    pub async fn abandon(&self, claim: &KeyClaim) -> Result<bool, StoreError> {
        const DELETE: &str = "DELETE FROM idempotency_keys
                              WHERE account_id = $1 AND key = $2 AND claim = $3
                                AND state = 'pending'";
        let deleted = match &self.db {
            Database::Postgres(pool) => sqlx::query(DELETE)
                .bind(claim.account.into_uuid())
                .bind(&claim.key)
                .bind(claim.number)
                .execute(pool)
                .await?
                .rows_affected(),
            Database::Sqlite(pool) => sqlx::query(DELETE)
                .bind(claim.account.to_string())
                .bind(&claim.key)
                .bind(claim.number)
                .execute(pool)
                .await?
                .rows_affected(),
        };
        Ok(deleted > 0)
    }

    /// Removes every key claimed before `older_than`, in any state; returns how many.
    pub async fn prune(&self, older_than: DateTime<Utc>) -> Result<u64, StoreError> {
        const DELETE: &str = "DELETE FROM idempotency_keys WHERE created_at < $1";
        let deleted = match &self.db {
            Database::Postgres(pool) => sqlx::query(DELETE)
                .bind(older_than)
                .execute(pool)
                .await?
                .rows_affected(),
            Database::Sqlite(pool) => sqlx::query(DELETE)
                .bind(sqlite_time(clamp(older_than)))
                .execute(pool)
                .await?
                .rows_affected(),
        };
        Ok(deleted)
    }

    /// Removes every key of `account` (for erasure: a stored request digest or answer may
    /// derive from the person's data). Returns how many.
    pub async fn forget_account(&self, account: AccountId) -> Result<u64, StoreError> {
        const DELETE: &str = "DELETE FROM idempotency_keys WHERE account_id = $1";
        let deleted = self.db.execute_for_account(DELETE, account).await?;
        Ok(deleted)
    }

    /// Inserts a pending row with claim number 1; false if the key already has one.
    async fn claim(
        &self,
        account: AccountId,
        key: &str,
        digest: &[u8; 32],
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        const INSERT: &str = "INSERT INTO idempotency_keys
                                  (account_id, key, request_digest, state, created_at, claim)
                              VALUES ($1, $2, $3, 'pending', $4, 1)
                              ON CONFLICT (account_id, key) DO NOTHING";
        let inserted = match &self.db {
            Database::Postgres(pool) => sqlx::query(INSERT)
                .bind(account.into_uuid())
                .bind(key)
                .bind(&digest[..])
                .bind(now)
                .execute(pool)
                .await?
                .rows_affected(),
            Database::Sqlite(pool) => sqlx::query(INSERT)
                .bind(account.to_string())
                .bind(key)
                .bind(&digest[..])
                .bind(sqlite_time(clamp(now)))
                .execute(pool)
                .await?
                .rows_affected(),
        };
        Ok(inserted > 0)
    }

    /// Restarts a pending claim made at or before `cutoff` under the next claim number, which it
    /// returns; `None` if another request got there first (its restart moved `created_at` past
    /// the cutoff) or the row changed.
    async fn take_over(
        &self,
        account: AccountId,
        key: &str,
        cutoff: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Option<i64>, StoreError> {
        const UPDATE: &str = "UPDATE idempotency_keys SET created_at = $4, claim = claim + 1
                              WHERE account_id = $1 AND key = $2 AND state = 'pending'
                                AND created_at <= $3
                              RETURNING claim";
        let number = match &self.db {
            Database::Postgres(pool) => {
                sqlx::query_scalar(UPDATE)
                    .bind(account.into_uuid())
                    .bind(key)
                    .bind(cutoff)
                    .bind(now)
                    .fetch_optional(pool)
                    .await?
            }
            Database::Sqlite(pool) => {
                sqlx::query_scalar(UPDATE)
                    .bind(account.to_string())
                    .bind(key)
                    .bind(sqlite_time(cutoff))
                    .bind(sqlite_time(clamp(now)))
                    .fetch_optional(pool)
                    .await?
            }
        };
        Ok(number)
    }

    async fn read(&self, account: AccountId, key: &str) -> Result<Option<Stored>, StoreError> {
        // The position of a committed write's last event is looked up with the key.
        const SELECT: &str = "SELECT k.request_digest, k.state, k.status, k.headers, k.body,
                                     k.created_at, k.answer_id, k.answer_version,
                                     e.position AS last_position
                              FROM idempotency_keys k
                              LEFT JOIN events e
                                ON e.aggregate_type = k.last_aggregate_type
                               AND e.aggregate_id = k.last_aggregate_id
                               AND e.sequence = k.last_sequence
                              WHERE k.account_id = $1 AND k.key = $2";
        match &self.db {
            Database::Postgres(pool) => {
                let row = sqlx::query(SELECT)
                    .bind(account.into_uuid())
                    .bind(key)
                    .fetch_optional(pool)
                    .await?;
                let Some(row) = row else {
                    return Ok(None);
                };
                Ok(Some(Stored {
                    digest: row.try_get("request_digest")?,
                    state: row.try_get("state")?,
                    status: row.try_get::<Option<i32>, _>("status")?.map(i64::from),
                    headers: row.try_get("headers")?,
                    body: row.try_get("body")?,
                    created_at: row.try_get("created_at")?,
                    answer_id: row.try_get("answer_id")?,
                    answer_version: row.try_get("answer_version")?,
                    last_position: row.try_get("last_position")?,
                }))
            }
            Database::Sqlite(pool) => {
                let row = sqlx::query(SELECT)
                    .bind(account.to_string())
                    .bind(key)
                    .fetch_optional(pool)
                    .await?;
                let Some(row) = row else {
                    return Ok(None);
                };
                Ok(Some(Stored {
                    digest: row.try_get("request_digest")?,
                    state: row.try_get("state")?,
                    status: row.try_get("status")?,
                    headers: row.try_get("headers")?,
                    body: row.try_get("body")?,
                    created_at: parse_sqlite_time(&row.try_get::<String, _>("created_at")?)?,
                    answer_id: row.try_get("answer_id")?,
                    answer_version: row.try_get("answer_version")?,
                    last_position: row.try_get("last_position")?,
                }))
            }
        }
    }
}

impl Stored {
    fn status(&self) -> Result<u16, StoreError> {
        let status = self
            .status
            .ok_or_else(|| decode_error("an answered idempotency key has no status".into()))?;
        u16::try_from(status)
            .map_err(|_| decode_error(format!("idempotency_keys.status {status} is not a status")))
    }

    fn into_response(self) -> Result<StoredResponse, StoreError> {
        let incomplete = || decode_error("a done idempotency key has no stored answer".into());
        let status = self.status()?;
        let headers = self.headers.ok_or_else(incomplete)?;
        let headers = serde_json::from_str(&headers)
            .map_err(|e| decode_error(format!("idempotency_keys.headers is not valid: {e}")))?;
        Ok(StoredResponse {
            status,
            headers,
            body: self.body.ok_or_else(incomplete)?,
        })
    }

    fn into_committed(self) -> Result<CommittedAnswer, StoreError> {
        let status = self.status()?;
        let position = self.last_position.ok_or_else(|| {
            decode_error("the last event of a committed idempotent write is not stored".into())
        })?;
        let version = self
            .answer_version
            .map(|v| {
                usize::try_from(v)
                    .map_err(|_| decode_error(format!("idempotency_keys.answer_version {v}")))
            })
            .transpose()?;
        Ok(CommittedAnswer {
            status,
            created: self.answer_id,
            version,
            position,
        })
    }
}

/// Keeps a time within 1970..=9999, so that it fits both backends and the SQLite text form keeps
/// its width.
fn clamp(t: DateTime<Utc>) -> DateTime<Utc> {
    let latest = Utc
        .with_ymd_and_hms(9999, 12, 31, 23, 59, 59)
        .single()
        .expect("a valid date");
    t.clamp(DateTime::<Utc>::UNIX_EPOCH, latest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_separate_every_part() {
        let a = request_digest("POST", "/v1/x", b"{}");
        assert_eq!(a, request_digest("POST", "/v1/x", b"{}"));
        assert_ne!(a, request_digest("PUT", "/v1/x", b"{}"));
        assert_ne!(a, request_digest("POST", "/v1/x?a=1", b"{}"));
        assert_ne!(a, request_digest("POST", "/v1/x", b"{ }"));
        // Moving bytes from one part to the next changes the digest.
        assert_ne!(
            request_digest("POST", "/v1/x", b"y"),
            request_digest("POST", "/v1/xy", b"")
        );
    }

    #[test]
    fn debug_does_not_show_the_body() {
        let response = StoredResponse {
            status: 200,
            headers: vec![],
            body: b"secret".to_vec(),
        };
        assert!(!format!("{response:?}").contains("secret"));
    }
}
