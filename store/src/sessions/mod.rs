//! Sign-in sessions and one-time setup tokens, kept outside the event log.
//!
//! A token is `art_` followed by 32 random bytes in unpadded base64url. Only its SHA-256 is
//! stored, so a copy of the database does not let anyone sign in. Every operation that depends
//! on the time has an `_at` variant taking "now", which the plain variant calls with
//! [`Utc::now`].

use std::fmt;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use chrono::{DateTime, Duration, TimeZone, Utc};
use domain::values::AccountId;
use rand::rngs::OsRng;
use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::Row;
use subtle::ConstantTimeEq;
use zeroize::Zeroize;

use crate::text_time::{decode_error, parse_sqlite_time, sqlite_time};
use crate::{Database, StoreError};
use find::Finder;
use recall::Recent;
pub(crate) use recall::SessionRefused;
pub use recall::{GuardState, SessionGuard};

mod find;
mod recall;

const TOKEN_PREFIX: &str = "art_";
const TOKEN_BYTES: usize = 32;
/// Unpadded base64 of 32 bytes.
const TOKEN_ENCODED_LEN: usize = 43;

/// A freshly issued bearer token. `Debug` shows none of it; it is zeroed when dropped. Hand it to
/// its owner with [`Token::expose`] and then let it go: the store keeps only its digest.
pub struct Token(String);

impl Token {
    fn generate() -> Self {
        let mut bytes = [0u8; TOKEN_BYTES];
        OsRng.fill_bytes(&mut bytes);
        let token = format!("{TOKEN_PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes));
        bytes.zeroize();
        Self(token)
    }

    /// The token's text, to give to the person it was issued for.
    pub fn expose(&self) -> &str {
        &self.0
    }

    fn digest(&self) -> [u8; 32] {
        digest(&self.0)
    }
}

impl Drop for Token {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(redacted)")
    }
}

fn digest(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// Whether `token` has the shape of a token issued here (so that anything else is turned away
/// without a query).
fn well_formed(token: &str) -> bool {
    let Some(body) = token.strip_prefix(TOKEN_PREFIX) else {
        return false;
    };
    body.len() == TOKEN_ENCODED_LEN
        && URL_SAFE_NO_PAD
            .decode(body)
            .is_ok_and(|bytes| bytes.len() == TOKEN_BYTES)
}

/// What a presented session token turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionCheck {
    Valid {
        account: AccountId,
        expires_at: DateTime<Utc>,
        /// The account stream's version, read in the same statement: a cached state of the
        /// account at exactly this version is the stored one, so the caller need not read the
        /// stream again on every request.
        account_version: usize,
    },
    /// Never issued here, malformed, or pruned.
    Unknown,
    Expired,
    /// Signed out (or every session of the account was revoked).
    Revoked,
}

/// The outcome of presenting a setup token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetupCheck {
    /// The token matched and has now been used up.
    Accepted,
    /// No setup token for the account, a different one, or already used.
    Invalid,
    /// The right token, too late (it stays until replaced or revoked).
    Expired,
}

/// Sessions and setup tokens on the event log's database (outside the log).
#[derive(Clone)]
pub struct Sessions {
    db: Database,
    /// How sessions are found by their digests (see [`Finder`]).
    finder: Finder,
    /// The sessions read valid lately, which a write may run under unread ([`Self::recall`]).
    recent: Recent,
}

/// A session as stored: its account, expiry, whether it was revoked, and the account stream's
/// version.
type Found = (AccountId, DateTime<Utc>, bool, i64);

impl fmt::Debug for Sessions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sessions")
            .field("backend", &self.db.backend())
            .finish()
    }
}

impl Sessions {
    pub fn new(db: &Database) -> Self {
        Self {
            db: db.clone(),
            finder: Finder::new(db),
            recent: Recent::new(),
        }
    }

    /// Starts a session for `account` lasting `ttl`; returns its token and expiry.
    pub async fn issue(
        &self,
        account: AccountId,
        ttl: Duration,
    ) -> Result<(Token, DateTime<Utc>), StoreError> {
        self.issue_at(account, ttl, Utc::now()).await
    }

    pub async fn issue_at(
        &self,
        account: AccountId,
        ttl: Duration,
        now: DateTime<Utc>,
    ) -> Result<(Token, DateTime<Utc>), StoreError> {
        let token = Token::generate();
        let expires_at = expiry(now, ttl);
        const INSERT: &str =
            "INSERT INTO sessions (token_digest, account_id, created_at, expires_at)
                              VALUES ($1, $2, $3, $4)";
        match &self.db {
            Database::Postgres(pool) => {
                sqlx::query(INSERT)
                    .bind(&token.digest()[..])
                    .bind(account.into_uuid())
                    .bind(now)
                    .bind(expires_at)
                    .execute(pool)
                    .await?;
            }
            Database::Sqlite(pool) => {
                sqlx::query(INSERT)
                    .bind(&token.digest()[..])
                    .bind(account.to_string())
                    .bind(sqlite_time(now))
                    .bind(sqlite_time(expires_at))
                    .execute(pool)
                    .await?;
            }
        }
        Ok((token, expires_at))
    }

    /// What `token` is worth now.
    pub async fn authenticate(&self, token: &str) -> Result<SessionCheck, StoreError> {
        self.authenticate_at(token, Utc::now()).await
    }

    pub async fn authenticate_at(
        &self,
        token: &str,
        now: DateTime<Utc>,
    ) -> Result<SessionCheck, StoreError> {
        if !well_formed(token) {
            return Ok(SessionCheck::Unknown);
        }
        let digest = digest(token);
        let found = self.finder.find(digest).await?;
        let check = match found {
            None => SessionCheck::Unknown,
            Some((_, _, true, _)) => SessionCheck::Revoked,
            Some((_, expires_at, false, _)) if expires_at <= now => SessionCheck::Expired,
            Some((account, expires_at, false, version)) => SessionCheck::Valid {
                account,
                expires_at,
                account_version: usize::try_from(version).unwrap_or(0),
            },
        };
        match check {
            SessionCheck::Valid {
                account,
                expires_at,
                account_version,
            } => self
                .recent
                .remember(digest, account, expires_at, account_version),
            _ => self.recent.forget(&digest),
        }
        Ok(check)
    }

    /// The session of `token` as this process last read it valid, if it has not expired since:
    /// a write may run under it without reading it, its first append checking it instead
    /// ([`SessionGuard`]). `None` when it was not read lately.
    pub fn recall(&self, token: &str) -> Option<SessionGuard> {
        self.recall_at(token, Utc::now())
    }

    pub fn recall_at(&self, token: &str, now: DateTime<Utc>) -> Option<SessionGuard> {
        if !well_formed(token) {
            return None;
        }
        self.recent.recall(digest(token), now)
    }

    /// Ends the session of `token` (signing out). True if it was not revoked already.
    pub async fn revoke(&self, token: &str) -> Result<bool, StoreError> {
        self.revoke_at(token, Utc::now()).await
    }

    pub async fn revoke_at(&self, token: &str, now: DateTime<Utc>) -> Result<bool, StoreError> {
        if !well_formed(token) {
            return Ok(false);
        }
        let digest = digest(token);
        self.recent.forget(&digest);
        const UPDATE: &str = "UPDATE sessions SET revoked_at = $1
                              WHERE token_digest = $2 AND revoked_at IS NULL";
        let revoked = match &self.db {
            Database::Postgres(pool) => sqlx::query(UPDATE)
                .bind(now)
                .bind(&digest[..])
                .execute(pool)
                .await?
                .rows_affected(),
            Database::Sqlite(pool) => sqlx::query(UPDATE)
                .bind(sqlite_time(now))
                .bind(&digest[..])
                .execute(pool)
                .await?
                .rows_affected(),
        };
        Ok(revoked > 0)
    }

    /// Revokes every live (unrevoked, unexpired) session of `account`; returns how many.
    pub async fn revoke_all(&self, account: AccountId) -> Result<u64, StoreError> {
        self.revoke_all_at(account, Utc::now()).await
    }

    pub async fn revoke_all_at(
        &self,
        account: AccountId,
        now: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        self.recent.forget_account(account);
        const UPDATE: &str = "UPDATE sessions SET revoked_at = $1
                              WHERE account_id = $2 AND revoked_at IS NULL AND expires_at > $1";
        let revoked = match &self.db {
            Database::Postgres(pool) => sqlx::query(UPDATE)
                .bind(now)
                .bind(account.into_uuid())
                .execute(pool)
                .await?
                .rows_affected(),
            Database::Sqlite(pool) => sqlx::query(UPDATE)
                .bind(sqlite_time(now))
                .bind(account.to_string())
                .execute(pool)
                .await?
                .rows_affected(),
        };
        Ok(revoked)
    }

    /// Deletes sessions and setup tokens that expired before `cutoff` (after which a pruned
    /// session's token is [`SessionCheck::Unknown`] rather than `Expired`); returns how many rows
    /// went.
    pub async fn prune_expired(&self, cutoff: DateTime<Utc>) -> Result<u64, StoreError> {
        const SESSIONS: &str = "DELETE FROM sessions WHERE expires_at < $1";
        const SETUP: &str = "DELETE FROM setup_tokens WHERE expires_at < $1";
        let deleted = match &self.db {
            Database::Postgres(pool) => {
                let mut tx = pool.begin().await?;
                let a = sqlx::query(SESSIONS).bind(cutoff).execute(&mut *tx).await?;
                let b = sqlx::query(SETUP).bind(cutoff).execute(&mut *tx).await?;
                tx.commit().await?;
                a.rows_affected() + b.rows_affected()
            }
            Database::Sqlite(pool) => {
                let cutoff = sqlite_time(cutoff);
                let mut tx = pool.begin().await?;
                let a = sqlx::query(SESSIONS)
                    .bind(&cutoff)
                    .execute(&mut *tx)
                    .await?;
                let b = sqlx::query(SETUP).bind(&cutoff).execute(&mut *tx).await?;
                tx.commit().await?;
                a.rows_affected() + b.rows_affected()
            }
        };
        Ok(deleted)
    }

    /// Issues `account`'s one-time setup token, replacing any earlier one.
    pub async fn issue_setup(
        &self,
        account: AccountId,
        ttl: Duration,
    ) -> Result<Token, StoreError> {
        self.issue_setup_at(account, ttl, Utc::now()).await
    }

    pub async fn issue_setup_at(
        &self,
        account: AccountId,
        ttl: Duration,
        now: DateTime<Utc>,
    ) -> Result<Token, StoreError> {
        let token = Token::generate();
        let expires_at = expiry(now, ttl);
        const UPSERT: &str =
            "INSERT INTO setup_tokens (account_id, token_digest, created_at, expires_at)
                              VALUES ($1, $2, $3, $4)
                              ON CONFLICT (account_id) DO UPDATE
                              SET token_digest = excluded.token_digest,
                                  created_at = excluded.created_at,
                                  expires_at = excluded.expires_at";
        match &self.db {
            Database::Postgres(pool) => {
                sqlx::query(UPSERT)
                    .bind(account.into_uuid())
                    .bind(&token.digest()[..])
                    .bind(now)
                    .bind(expires_at)
                    .execute(pool)
                    .await?;
            }
            Database::Sqlite(pool) => {
                sqlx::query(UPSERT)
                    .bind(account.to_string())
                    .bind(&token.digest()[..])
                    .bind(sqlite_time(now))
                    .bind(sqlite_time(expires_at))
                    .execute(pool)
                    .await?;
            }
        }
        Ok(token)
    }

    /// Whether `account` holds a setup token that has not expired at `now` (a sign-up still
    /// waiting for its confirmation link, an invitation not yet used).
    pub async fn setup_pending_at(
        &self,
        account: AccountId,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        const SELECT: &str = "SELECT expires_at FROM setup_tokens WHERE account_id = $1";
        let expires_at = match &self.db {
            Database::Postgres(pool) => {
                sqlx::query_scalar::<_, DateTime<Utc>>(SELECT)
                    .bind(account.into_uuid())
                    .fetch_optional(pool)
                    .await?
            }
            Database::Sqlite(pool) => {
                let text = sqlx::query_scalar::<_, String>(SELECT)
                    .bind(account.to_string())
                    .fetch_optional(pool)
                    .await?;
                text.as_deref().map(parse_sqlite_time).transpose()?
            }
        };
        Ok(expires_at.is_some_and(|at| at > now))
    }

    /// Checks `token` against `account`'s setup token; on a match before expiry the token is used
    /// up (of two concurrent presentations, one is accepted).
    pub async fn consume_setup(
        &self,
        account: AccountId,
        token: &str,
    ) -> Result<SetupCheck, StoreError> {
        self.consume_setup_at(account, token, Utc::now()).await
    }

    pub async fn consume_setup_at(
        &self,
        account: AccountId,
        token: &str,
        now: DateTime<Utc>,
    ) -> Result<SetupCheck, StoreError> {
        if !well_formed(token) {
            return Ok(SetupCheck::Invalid);
        }
        let presented = digest(token);
        const SELECT: &str =
            "SELECT token_digest, expires_at FROM setup_tokens WHERE account_id = $1";
        const DELETE: &str = "DELETE FROM setup_tokens WHERE account_id = $1 AND token_digest = $2";
        match &self.db {
            Database::Postgres(pool) => {
                let row = sqlx::query(SELECT)
                    .bind(account.into_uuid())
                    .fetch_optional(pool)
                    .await?;
                let Some(row) = row else {
                    return Ok(SetupCheck::Invalid);
                };
                let stored: Vec<u8> = row.try_get("token_digest")?;
                let expires_at: DateTime<Utc> = row.try_get("expires_at")?;
                if let Some(check) = setup_verdict(&stored, &presented, expires_at, now) {
                    return Ok(check);
                }
                let deleted = sqlx::query(DELETE)
                    .bind(account.into_uuid())
                    .bind(&presented[..])
                    .execute(pool)
                    .await?
                    .rows_affected();
                Ok(accepted_if(deleted))
            }
            Database::Sqlite(pool) => {
                let row = sqlx::query(SELECT)
                    .bind(account.to_string())
                    .fetch_optional(pool)
                    .await?;
                let Some(row) = row else {
                    return Ok(SetupCheck::Invalid);
                };
                let stored: Vec<u8> = row.try_get("token_digest")?;
                let expires_at = parse_sqlite_time(&row.try_get::<String, _>("expires_at")?)?;
                if let Some(check) = setup_verdict(&stored, &presented, expires_at, now) {
                    return Ok(check);
                }
                let deleted = sqlx::query(DELETE)
                    .bind(account.to_string())
                    .bind(&presented[..])
                    .execute(pool)
                    .await?
                    .rows_affected();
                Ok(accepted_if(deleted))
            }
        }
    }

    /// Withdraws `account`'s setup token. True if there was one.
    pub async fn revoke_setup(&self, account: AccountId) -> Result<bool, StoreError> {
        const DELETE: &str = "DELETE FROM setup_tokens WHERE account_id = $1";
        let deleted = self.db.execute_for_account(DELETE, account).await?;
        Ok(deleted > 0)
    }
}

/// `None` when the presented token matches and is in time (the row is then to be deleted).
fn setup_verdict(
    stored: &[u8],
    presented: &[u8; 32],
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Option<SetupCheck> {
    if !bool::from(stored.ct_eq(presented)) {
        Some(SetupCheck::Invalid)
    } else if expires_at <= now {
        Some(SetupCheck::Expired)
    } else {
        None
    }
}

/// Deleting nothing means a concurrent presentation (or a replacement) got there first.
fn accepted_if(deleted: u64) -> SetupCheck {
    if deleted > 0 {
        SetupCheck::Accepted
    } else {
        SetupCheck::Invalid
    }
}

/// `now + ttl`, kept within 1970..=9999 so that it fits both backends and the SQLite text form
/// keeps its width (a longer ttl means "no practical expiry").
fn expiry(now: DateTime<Utc>, ttl: Duration) -> DateTime<Utc> {
    let earliest = DateTime::<Utc>::UNIX_EPOCH;
    let latest = Utc
        .with_ymd_and_hms(9999, 12, 31, 23, 59, 59)
        .single()
        .expect("a valid date");
    match now.checked_add_signed(ttl) {
        Some(t) => t.clamp(earliest, latest),
        None if ttl < Duration::zero() => earliest,
        None => latest,
    }
}

#[cfg(test)]
mod tests {
    use chrono::Datelike;

    use super::*;

    #[test]
    fn tokens_have_the_documented_shape() {
        let token = Token::generate();
        assert!(token.expose().starts_with("art_"));
        assert_eq!(token.expose().len(), 4 + TOKEN_ENCODED_LEN);
        assert!(well_formed(token.expose()));
        assert_eq!(format!("{token:?}"), "Token(redacted)");
        assert_ne!(token.expose(), Token::generate().expose());
    }

    #[test]
    fn malformed_tokens_are_recognised() {
        let token = Token::generate();
        let body = &token.expose()[4..];
        assert!(!well_formed(""));
        assert!(!well_formed(body));
        assert!(!well_formed(&format!("xyz_{body}")));
        assert!(!well_formed(&format!("art_{body}A")));
        assert!(!well_formed(&format!("art_{}", &body[1..])));
        assert!(!well_formed(&format!("art_{}+", &body[1..])));
    }

    #[test]
    fn expiry_is_clamped_and_sqlite_times_keep_their_width() {
        let now = Utc::now();
        assert_eq!(expiry(now, Duration::hours(1)), now + Duration::hours(1));
        assert_eq!(expiry(now, Duration::MAX).year(), 9999);
        assert_eq!(expiry(now, Duration::MIN), DateTime::<Utc>::UNIX_EPOCH);
        let a = sqlite_time(DateTime::<Utc>::UNIX_EPOCH);
        let b = sqlite_time(expiry(now, Duration::MAX));
        assert_eq!(a.len(), b.len());
        assert!(a < b);
        assert_eq!(parse_sqlite_time(&b).unwrap(), expiry(now, Duration::MAX));
    }
}
