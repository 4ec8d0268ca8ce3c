//! Password hashing with argon2id (RustCrypto's `argon2`, OWASP's parameters: 19 MiB, 2
//! iterations, 1 lane). Hashing takes tens of milliseconds on purpose, so it runs on the
//! blocking pool, never on the async workers.

use std::sync::LazyLock;

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;

use crate::app::Refusal;

/// Hashes `password` into a PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`).
pub async fn hash(password: String) -> Result<String, Refusal> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|e| Refusal::internal(format!("cannot hash a password: {e}")))
    })
    .await
    .map_err(Refusal::internal)?
}

/// Whether `password` matches `phc`. The comparison inside argon2 is constant-time.
pub async fn verify(password: String, phc: String) -> Result<bool, Refusal> {
    tokio::task::spawn_blocking(move || {
        let parsed = PasswordHash::new(&phc)
            .map_err(|e| Refusal::internal(format!("a stored password hash is unreadable: {e}")))?;
        Ok(Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok())
    })
    .await
    .map_err(Refusal::internal)?
}

/// A hash of a random password, verified against when the email is unknown, so that a sign-in
/// for an unknown email takes as long as one with a wrong password and does not reveal which.
static DECOY: LazyLock<String> = LazyLock::new(|| {
    let salt = SaltString::generate(&mut OsRng);
    let secret: [u8; 16] = rand::random();
    Argon2::default()
        .hash_password(&secret, &salt)
        .map(|hash| hash.to_string())
        .unwrap_or_default()
});

/// Spends the time of one verification and answers nothing.
pub async fn verify_decoy(password: String) {
    let decoy = tokio::task::spawn_blocking(|| DECOY.clone())
        .await
        .unwrap_or_default();
    let _ = verify(password, decoy).await;
}
