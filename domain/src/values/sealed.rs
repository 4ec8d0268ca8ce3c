//! Personal data as the event log holds it: sealed (encrypted) with a per-person key that lives
//! outside the log, so that deleting the key erases the data everywhere at once
//! (crypto-shredding). The domain only carries these values; sealing and opening are done by
//! the store's vault, so the domain stays free of keys and cryptography.

use serde::{Deserialize, Serialize};
use std::fmt;

/// An encrypted value: the AEAD's name, its nonce and the ciphertext (with tag), both base64.
/// Opaque to everything but the vault; `Debug` shows no bytes.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sealed {
    pub alg: String,
    pub nonce: String,
    pub ciphertext: String,
}

impl fmt::Debug for Sealed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Sealed({}, {} bytes)", self.alg, self.ciphertext.len())
    }
}

/// A keyed digest (HMAC) of a normalised email address, in lowercase hex: it lets the log
/// enforce one account per email without holding the address. The key is a server secret kept
/// outside the log.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EmailDigest(String);

impl TryFrom<String> for EmailDigest {
    type Error = super::ValueError;
    fn try_from(hex: String) -> Result<Self, Self::Error> {
        Self::from_hex(hex)
    }
}

impl From<EmailDigest> for String {
    fn from(digest: EmailDigest) -> String {
        digest.0
    }
}

impl EmailDigest {
    /// Wraps a digest computed by the vault (64 lowercase hex characters).
    pub fn from_hex(hex: impl Into<String>) -> Result<Self, super::ValueError> {
        let hex = hex.into();
        if hex.len() == 64 && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            Ok(Self(hex))
        } else {
            Err(super::ValueError::new(
                "email_digest",
                "must be 64 lowercase hexadecimal characters",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for EmailDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
