//! Moving what is not in the event log but is needed to read it: the personal-data keys
//! (`person_keys`, without which sealed names, emails and phones cannot be opened) and the server
//! secrets (`server_secrets`, e.g. the key of email digests, without which nobody can sign in with
//! their email). Sessions, setup tokens and idempotency keys are not moved: people sign in again.
//!
//! The file holds key material in base64: whoever reads it can read every person's data.

use std::collections::HashSet;
use std::fmt;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sqlx::Row;
use uuid::Uuid;
pub use zeroize::Zeroizing;

use super::TransferError;
use crate::chain::read::{parse_sqlite_time, sqlite_time};
use crate::{Database, StoreError};

pub const SECRETS_FORMAT: &str = "articula-secrets";
pub const SECRETS_VERSION: u32 = 1;

/// The whole secrets file.
#[derive(Debug, Serialize, Deserialize)]
pub struct SecretsFile {
    pub format: String,
    pub version: u32,
    pub exported_at: DateTime<Utc>,
    pub backend: String,
    pub person_keys: Vec<PersonKeyRow>,
    pub server_secrets: Vec<ServerSecretRow>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct PersonKeyRow {
    pub account_id: Uuid,
    pub key: KeyBytes,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct ServerSecretRow {
    pub name: String,
    pub secret: KeyBytes,
    pub created_at: DateTime<Utc>,
}

impl SecretsFile {
    /// The file's text (pretty JSON), zeroed when dropped.
    pub fn to_json(&self) -> Result<Zeroizing<String>, TransferError> {
        serde_json::to_string_pretty(self)
            .map(Zeroizing::new)
            .map_err(|e| TransferError::File(format!("cannot write the secrets as JSON: {e}")))
    }

    /// Reads a secrets file's text. Errors name the place, never key material.
    pub fn from_json(text: &str) -> Result<Self, TransferError> {
        serde_json::from_str(text).map_err(|e| {
            TransferError::File(format!(
                "this is not an Articula secrets file ({:?} error at line {} column {})",
                e.classify(),
                e.line(),
                e.column()
            ))
        })
    }
}

/// Key material: base64 in the file, zeroed when dropped, never shown by `Debug`.
pub struct KeyBytes(pub Zeroizing<Vec<u8>>);

impl fmt::Debug for KeyBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyBytes({} bytes)", self.0.len())
    }
}

impl Serialize for KeyBytes {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&Zeroizing::new(STANDARD.encode(&*self.0)))
    }
}

impl<'de> Deserialize<'de> for KeyBytes {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = Zeroizing::new(String::deserialize(deserializer)?);
        STANDARD
            .decode(text.as_bytes())
            .map(|bytes| Self(Zeroizing::new(bytes)))
            .map_err(|_| serde::de::Error::custom("key material is not base64"))
    }
}

/// How many rows of each kind were moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SecretsSummary {
    pub person_keys: usize,
    pub server_secrets: usize,
}

/// Reads every person key and server secret.
pub async fn export_secrets(db: &Database) -> Result<SecretsFile, StoreError> {
    const KEYS: &str = "SELECT account_id, key, created_at FROM person_keys ORDER BY account_id";
    const SECRETS: &str = "SELECT name, secret, created_at FROM server_secrets ORDER BY name";
    let (person_keys, server_secrets) = match db {
        Database::Postgres(pool) => {
            let keys = sqlx::query(KEYS).fetch_all(pool).await?;
            let secrets = sqlx::query(SECRETS).fetch_all(pool).await?;
            let keys = keys
                .iter()
                .map(|row| {
                    Ok(PersonKeyRow {
                        account_id: row.try_get("account_id")?,
                        key: KeyBytes(Zeroizing::new(row.try_get("key")?)),
                        created_at: row.try_get("created_at")?,
                    })
                })
                .collect::<Result<Vec<_>, sqlx::Error>>()?;
            let secrets = secrets
                .iter()
                .map(|row| {
                    Ok(ServerSecretRow {
                        name: row.try_get("name")?,
                        secret: KeyBytes(Zeroizing::new(row.try_get("secret")?)),
                        created_at: row.try_get("created_at")?,
                    })
                })
                .collect::<Result<Vec<_>, sqlx::Error>>()?;
            (keys, secrets)
        }
        Database::Sqlite(pool) => {
            let keys = sqlx::query(KEYS).fetch_all(pool).await?;
            let secrets = sqlx::query(SECRETS).fetch_all(pool).await?;
            let keys = keys
                .iter()
                .map(|row| {
                    let id: String = row.try_get("account_id")?;
                    let created: String = row.try_get("created_at")?;
                    Ok(PersonKeyRow {
                        account_id: Uuid::parse_str(&id)
                            .map_err(|_| decode(format!("person key `{id}`: not a UUID")))?,
                        key: KeyBytes(Zeroizing::new(row.try_get("key")?)),
                        created_at: parse_sqlite_time(&created).map_err(decode)?,
                    })
                })
                .collect::<Result<Vec<_>, sqlx::Error>>()?;
            let secrets = secrets
                .iter()
                .map(|row| {
                    let created: String = row.try_get("created_at")?;
                    Ok(ServerSecretRow {
                        name: row.try_get("name")?,
                        secret: KeyBytes(Zeroizing::new(row.try_get("secret")?)),
                        created_at: parse_sqlite_time(&created).map_err(decode)?,
                    })
                })
                .collect::<Result<Vec<_>, sqlx::Error>>()?;
            (keys, secrets)
        }
    };
    Ok(SecretsFile {
        format: SECRETS_FORMAT.into(),
        version: SECRETS_VERSION,
        exported_at: Utc::now(),
        backend: db.backend().name().into(),
        person_keys,
        server_secrets,
    })
}

/// Loads `file` into a store that has no person keys and no server secrets yet, in one
/// transaction: on any error nothing is written.
pub async fn import_secrets(
    db: &Database,
    file: &SecretsFile,
) -> Result<SecretsSummary, TransferError> {
    validate(file)?;
    match db {
        Database::Postgres(pool) => {
            let mut tx = pool.begin().await?;
            sqlx::query("LOCK TABLE person_keys, server_secrets IN EXCLUSIVE MODE")
                .execute(&mut *tx)
                .await?;
            refuse_unless_empty(sqlx::query_as(HELD).fetch_one(&mut *tx).await?)?;
            for row in &file.person_keys {
                sqlx::query(
                    "INSERT INTO person_keys (account_id, key, created_at) VALUES ($1, $2, $3)",
                )
                .bind(row.account_id)
                .bind(&row.key.0[..])
                .bind(row.created_at)
                .execute(&mut *tx)
                .await?;
            }
            for row in &file.server_secrets {
                sqlx::query(
                    "INSERT INTO server_secrets (name, secret, created_at) VALUES ($1, $2, $3)",
                )
                .bind(&row.name)
                .bind(&row.secret.0[..])
                .bind(row.created_at)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
        }
        Database::Sqlite(pool) => {
            let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
            refuse_unless_empty(sqlx::query_as(HELD).fetch_one(&mut *tx).await?)?;
            for row in &file.person_keys {
                sqlx::query(
                    "INSERT INTO person_keys (account_id, key, created_at) VALUES (?1, ?2, ?3)",
                )
                .bind(row.account_id.hyphenated().to_string())
                .bind(&row.key.0[..])
                .bind(sqlite_time(row.created_at))
                .execute(&mut *tx)
                .await?;
            }
            for row in &file.server_secrets {
                sqlx::query(
                    "INSERT INTO server_secrets (name, secret, created_at) VALUES (?1, ?2, ?3)",
                )
                .bind(&row.name)
                .bind(&row.secret.0[..])
                .bind(sqlite_time(row.created_at))
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
        }
    }
    Ok(SecretsSummary {
        person_keys: file.person_keys.len(),
        server_secrets: file.server_secrets.len(),
    })
}

const HELD: &str =
    "SELECT (SELECT count(*) FROM person_keys), (SELECT count(*) FROM server_secrets)";

fn refuse_unless_empty((keys, secrets): (i64, i64)) -> Result<(), TransferError> {
    if keys == 0 && secrets == 0 {
        return Ok(());
    }
    Err(TransferError::Refused(format!(
        "the store already has {keys} person key(s) and {secrets} server secret(s): secrets \
         import only loads into a store that has none"
    )))
}

/// Everything the database would refuse, said before it is asked.
fn validate(file: &SecretsFile) -> Result<(), TransferError> {
    let refuse = |reason: String| Err(TransferError::File(reason));
    if file.format != SECRETS_FORMAT {
        return refuse(format!(
            "this is not an Articula secrets file (its format is `{}`, not `{SECRETS_FORMAT}`)",
            file.format
        ));
    }
    if file.version != SECRETS_VERSION {
        return refuse(format!(
            "the secrets file is in format version {}; this articula reads version \
             {SECRETS_VERSION}",
            file.version
        ));
    }
    let mut accounts = HashSet::new();
    for row in &file.person_keys {
        if row.key.0.len() != 32 {
            return refuse(format!(
                "the key of account {} has {} bytes, not 32",
                row.account_id,
                row.key.0.len()
            ));
        }
        if !accounts.insert(row.account_id) {
            return refuse(format!("account {} has two keys", row.account_id));
        }
    }
    let mut names = HashSet::new();
    for row in &file.server_secrets {
        if row.secret.0.len() < 32 {
            return refuse(format!(
                "the server secret `{}` has {} bytes, fewer than 32",
                row.name,
                row.secret.0.len()
            ));
        }
        if !names.insert(row.name.as_str()) {
            return refuse(format!("the server secret `{}` appears twice", row.name));
        }
    }
    Ok(())
}

fn decode(message: String) -> sqlx::Error {
    sqlx::Error::Decode(message.into())
}
