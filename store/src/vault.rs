//! The personal-data vault: per-person keys kept outside the event log (crypto-shredding) and the
//! server secret behind email digests.
//!
//! Personal data enters the log only as [`Sealed`] values: XChaCha20-Poly1305 under the person's
//! key, with the account id and the field name as associated data, so a ciphertext cannot be
//! moved to another person or another field. [`Vault::erase`] deletes the key, which makes every
//! value sealed with it unreadable wherever the log has been copied.
//!
//! Nothing here logs keys, plaintext or secrets, and error messages carry none of them.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use domain::values::{AccountId, EmailDigest, Sealed};
use hmac::{Hmac, Mac};
use rand::rngs::OsRng;
use rand::RngCore;
use serde::de::DeserializeOwned;
use serde::Serialize;
use sha2::Sha256;
use tokio::sync::OnceCell;
use zeroize::{Zeroize, Zeroizing};

use crate::held::{on_kept_or_pool, HeldConnection};
use crate::text_time::decode_error;
use crate::{Database, StoreError};

/// The AEAD every [`Sealed`] value made here names.
pub const SEAL_ALGORITHM: &str = "xchacha20poly1305";

const KEY_LEN: usize = 32;
const NONCE_LEN: usize = 24;
const EMAIL_DIGEST_SECRET: &str = "email_digest";

/// Why a sealed value could not be made or opened. Messages never include keys or plaintext.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VaultError {
    #[error("the value was sealed with `{0}`, which this vault cannot open")]
    UnsupportedAlgorithm(String),
    #[error("the sealed value is malformed: {0}")]
    Malformed(&'static str),
    #[error(
        "the sealed value cannot be opened with this key (another person's key, another \
         person or field, or altered)"
    )]
    Undecryptable,
    #[error("the value cannot be written as JSON")]
    Serialize,
    #[error("the opened value is not the expected JSON ({0})")]
    Deserialize(String),
}

/// One person's 32-byte key. Zeroed when dropped; `Debug` shows no bytes; neither `Clone` nor
/// serializable, so it does not spread.
pub struct PersonKey([u8; KEY_LEN]);

impl PersonKey {
    fn from_stored(mut bytes: Vec<u8>) -> Result<Self, StoreError> {
        let result = <[u8; KEY_LEN]>::try_from(bytes.as_slice())
            .map(Self)
            .map_err(|_| decode_error(format!("a person key has {} bytes, not 32", bytes.len())));
        bytes.zeroize();
        result
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(Key::from_slice(&self.0))
    }
}

impl Drop for PersonKey {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl fmt::Debug for PersonKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PersonKey(..)")
    }
}

fn associated_data(account: AccountId, field: &str) -> String {
    // An account id is always 36 characters, so the split between id and field is unambiguous.
    format!("{account}/{field}")
}

/// Encrypts `plaintext` for `field` of `account`'s personal data.
pub fn seal(key: &PersonKey, account: AccountId, field: &str, plaintext: &[u8]) -> Sealed {
    let mut nonce = [0u8; NONCE_LEN];
    OsRng.fill_bytes(&mut nonce);
    let aad = associated_data(account, field);
    let ciphertext = key
        .cipher()
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: plaintext,
                aad: aad.as_bytes(),
            },
        )
        // The only failure is a plaintext beyond XChaCha20's 256 GiB limit.
        .expect("XChaCha20-Poly1305 encrypts any in-memory plaintext");
    Sealed {
        alg: SEAL_ALGORITHM.to_string(),
        nonce: STANDARD.encode(nonce),
        ciphertext: STANDARD.encode(ciphertext),
    }
}

/// Decrypts a value sealed by [`seal`] with the same key, account and field.
pub fn open(
    key: &PersonKey,
    account: AccountId,
    field: &str,
    sealed: &Sealed,
) -> Result<Vec<u8>, VaultError> {
    if sealed.alg != SEAL_ALGORITHM {
        return Err(VaultError::UnsupportedAlgorithm(sealed.alg.clone()));
    }
    let nonce = STANDARD
        .decode(&sealed.nonce)
        .map_err(|_| VaultError::Malformed("the nonce is not base64"))?;
    if nonce.len() != NONCE_LEN {
        return Err(VaultError::Malformed("the nonce is not 24 bytes"));
    }
    let ciphertext = STANDARD
        .decode(&sealed.ciphertext)
        .map_err(|_| VaultError::Malformed("the ciphertext is not base64"))?;
    let aad = associated_data(account, field);
    key.cipher()
        .decrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: &ciphertext,
                aad: aad.as_bytes(),
            },
        )
        .map_err(|_| VaultError::Undecryptable)
}

/// [`seal`] of a value's JSON form.
pub fn seal_json<T: Serialize + ?Sized>(
    key: &PersonKey,
    account: AccountId,
    field: &str,
    value: &T,
) -> Result<Sealed, VaultError> {
    let json = Zeroizing::new(serde_json::to_vec(value).map_err(|_| VaultError::Serialize)?);
    Ok(seal(key, account, field, &json))
}

/// [`open`] of a value sealed by [`seal_json`].
pub fn open_json<T: DeserializeOwned>(
    key: &PersonKey,
    account: AccountId,
    field: &str,
    sealed: &Sealed,
) -> Result<T, VaultError> {
    let json = Zeroizing::new(open(key, account, field, sealed)?);
    // serde_json's messages can quote the input; only the kind and place are reported.
    serde_json::from_slice(&json).map_err(|e| {
        VaultError::Deserialize(format!(
            "{:?} error at line {} column {}",
            e.classify(),
            e.line(),
            e.column()
        ))
    })
}

/// The keys and server secrets, on the same database as the event log but outside it.
/// Clones share the cached email-digest secret.
#[derive(Clone)]
pub struct Vault {
    db: Database,
    email_secret: Arc<OnceCell<Zeroizing<Vec<u8>>>>,
    /// On PostgreSQL, a connection kept for [`Self::key`] ([`Self::on_own_connection`]).
    kept: Option<Arc<HeldConnection>>,
}

impl fmt::Debug for Vault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Vault")
            .field("backend", &self.db.backend())
            .finish_non_exhaustive()
    }
}

impl Vault {
    pub fn new(db: &Database) -> Self {
        Self {
            db: db.clone(),
            email_secret: Arc::new(OnceCell::new()),
            kept: None,
        }
    }

    /// The vault as a worker that reads keys statement after statement uses it (the mail
    /// sender, the keys of the mails it sends together): on PostgreSQL [`Self::keys`] runs on a
    /// connection it keeps ([`HeldConnection`]), one round trip each instead of two.
    pub fn on_own_connection(&self) -> Self {
        Self {
            kept: HeldConnection::for_worker(&self.db),
            ..self.clone()
        }
    }

    /// Creates `account`'s key, or returns the existing one (two concurrent calls agree).
    pub async fn create_key(&self, account: AccountId) -> Result<PersonKey, StoreError> {
        let mut fresh = Zeroizing::new([0u8; KEY_LEN]);
        OsRng.fill_bytes(fresh.as_mut());
        const INSERT: &str =
            "INSERT INTO person_keys (account_id, key) VALUES ($1, $2) ON CONFLICT (account_id) DO NOTHING";
        match &self.db {
            Database::Postgres(pool) => {
                sqlx::query(INSERT)
                    .bind(account.into_uuid())
                    .bind(&fresh[..])
                    .execute(pool)
                    .await?;
            }
            Database::Sqlite(pool) => {
                sqlx::query(INSERT)
                    .bind(account.to_string())
                    .bind(&fresh[..])
                    .execute(pool)
                    .await?;
            }
        }
        self.key(account).await?.ok_or_else(|| {
            // Only an erase racing with this call gets here.
            decode_error("the person key was erased while it was being created".into())
        })
    }

    /// `account`'s key, if it has one (none before creation and after erasure).
    pub async fn key(&self, account: AccountId) -> Result<Option<PersonKey>, StoreError> {
        Ok(self.keys(&[account]).await?.remove(&account))
    }

    /// The keys of those of `accounts` that have one (erased accounts are left out), in one
    /// read: the mail sender reads the keys of the mails it is about to send at once.
    pub async fn keys(
        &self,
        accounts: &[AccountId],
    ) -> Result<HashMap<AccountId, PersonKey>, StoreError> {
        let stored: Vec<(AccountId, Vec<u8>)> = match &self.db {
            Database::Postgres(pool) => {
                const SELECT: &str =
                    "SELECT account_id, key FROM person_keys WHERE account_id = ANY($1)";
                let ids: Vec<uuid::Uuid> = accounts.iter().map(|a| a.into_uuid()).collect();
                let rows: Vec<(uuid::Uuid, Vec<u8>)> =
                    on_kept_or_pool(self.kept.as_deref(), pool, |connection| {
                        Box::pin(sqlx::query_as(SELECT).bind(ids).fetch_all(connection))
                    })
                    .await?;
                rows.into_iter()
                    .map(|(id, key)| (AccountId::from_uuid(id), key))
                    .collect()
            }
            Database::Sqlite(pool) => {
                const SELECT: &str = "SELECT account_id, key FROM person_keys \
                    WHERE account_id IN (SELECT value FROM json_each(?1))";
                let ids: Vec<String> = accounts.iter().map(ToString::to_string).collect();
                let ids = serde_json::Value::from(ids).to_string();
                let rows: Vec<(String, Vec<u8>)> =
                    sqlx::query_as(SELECT).bind(ids).fetch_all(pool).await?;
                rows.into_iter()
                    .map(|(id, key)| {
                        let id = id
                            .parse()
                            .map_err(|_| decode_error(format!("`{id}` is not an account id")))?;
                        Ok((id, key))
                    })
                    .collect::<Result<_, StoreError>>()?
            }
        };
        stored
            .into_iter()
            .map(|(account, key)| Ok((account, PersonKey::from_stored(key)?)))
            .collect()
    }

    /// Deletes `account`'s key: everything sealed with it becomes unreadable. True if there was
    /// a key.
    pub async fn erase(&self, account: AccountId) -> Result<bool, StoreError> {
        const DELETE: &str = "DELETE FROM person_keys WHERE account_id = $1";
        let deleted = self.db.execute_for_account(DELETE, account).await?;
        Ok(deleted > 0)
    }

    /// HMAC-SHA-256 of an already normalised email address under the server's email-digest
    /// secret (created on first use), in lowercase hex.
    pub async fn email_digest(&self, normalized_email: &str) -> Result<EmailDigest, StoreError> {
        let secret = self
            .email_secret
            .get_or_try_init(|| self.server_secret(EMAIL_DIGEST_SECRET))
            .await?;
        let mut mac =
            <Hmac<Sha256> as Mac>::new_from_slice(secret).expect("HMAC accepts keys of any length");
        mac.update(normalized_email.as_bytes());
        let hex = to_hex(&mac.finalize().into_bytes());
        Ok(EmailDigest::from_hex(hex).expect("an HMAC-SHA-256 is 64 lowercase hex digits"))
    }

    /// The secret called `name`, created (32 random bytes) if missing; concurrent first uses,
    /// in this process or another, all read the one row that won.
    async fn server_secret(&self, name: &str) -> Result<Zeroizing<Vec<u8>>, StoreError> {
        let mut fresh = Zeroizing::new([0u8; 32]);
        OsRng.fill_bytes(fresh.as_mut());
        const INSERT: &str =
            "INSERT INTO server_secrets (name, secret) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING";
        const SELECT: &str = "SELECT secret FROM server_secrets WHERE name = $1";
        let secret: Vec<u8> = match &self.db {
            Database::Postgres(pool) => {
                sqlx::query(INSERT)
                    .bind(name)
                    .bind(&fresh[..])
                    .execute(pool)
                    .await?;
                sqlx::query_scalar(SELECT)
                    .bind(name)
                    .fetch_one(pool)
                    .await?
            }
            Database::Sqlite(pool) => {
                sqlx::query(INSERT)
                    .bind(name)
                    .bind(&fresh[..])
                    .execute(pool)
                    .await?;
                sqlx::query_scalar(SELECT)
                    .bind(name)
                    .fetch_one(pool)
                    .await?
            }
        };
        Ok(Zeroizing::new(secret))
    }
}

fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut hex = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        hex.push(DIGITS[usize::from(b >> 4)] as char);
        hex.push(DIGITS[usize::from(b & 0x0f)] as char);
    }
    hex
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(byte: u8) -> PersonKey {
        PersonKey([byte; KEY_LEN])
    }

    #[test]
    fn debug_shows_no_key_bytes() {
        assert_eq!(format!("{:?}", key(7)), "PersonKey(..)");
    }

    #[test]
    fn nonces_differ_between_seals() {
        let account = AccountId::new();
        let a = seal(&key(1), account, "name", b"Ada");
        let b = seal(&key(1), account, "name", b"Ada");
        assert_ne!(a.nonce, b.nonce);
        assert_ne!(a.ciphertext, b.ciphertext);
        assert_eq!(STANDARD.decode(&a.nonce).unwrap().len(), NONCE_LEN);
    }

    #[test]
    fn malformed_and_foreign_values_are_errors() {
        let account = AccountId::new();
        let sealed = seal(&key(1), account, "name", b"Ada");
        let mut other_alg = sealed.clone();
        other_alg.alg = "aes256gcm".into();
        assert!(matches!(
            open(&key(1), account, "name", &other_alg),
            Err(VaultError::UnsupportedAlgorithm(_))
        ));
        let mut bad_nonce = sealed.clone();
        bad_nonce.nonce = "!!".into();
        assert!(matches!(
            open(&key(1), account, "name", &bad_nonce),
            Err(VaultError::Malformed(_))
        ));
        let mut short_nonce = sealed.clone();
        short_nonce.nonce = STANDARD.encode([0u8; 12]);
        assert!(matches!(
            open(&key(1), account, "name", &short_nonce),
            Err(VaultError::Malformed(_))
        ));
        let mut truncated = sealed.clone();
        truncated.ciphertext = STANDARD.encode([1u8; 3]);
        assert_eq!(
            open(&key(1), account, "name", &truncated),
            Err(VaultError::Undecryptable)
        );
    }

    #[test]
    fn json_errors_do_not_quote_plaintext() {
        let account = AccountId::new();
        let sealed = seal_json(&key(3), account, "name", "secret-name").unwrap();
        let error = open_json::<u32>(&key(3), account, "name", &sealed).unwrap_err();
        assert!(!error.to_string().contains("secret"), "{error}");
    }

    #[test]
    fn hex_is_lowercase() {
        assert_eq!(to_hex(&[0x00, 0xab, 0xff, 0x10]), "00abff10");
    }
}
