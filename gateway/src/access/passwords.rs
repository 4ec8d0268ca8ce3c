//! Password hashing with argon2id (RustCrypto's `argon2`, OWASP's parameters: 19 MiB, 2
//! iterations, 1 lane). Hashing takes tens of milliseconds on purpose, so it runs on the
//! blocking pool, never on the async workers.
//!
//! **The 19 MiB each hash works in are kept and reused** ([`Memory`]). Allocated afresh for
//! every hash (as `Argon2::hash_password` does), glibc serves the first from a mapping of its
//! own and, once it is freed, raises its threshold for such mappings, so every later one comes
//! from the arena of the blocking thread that hashes and stays resident there after it is freed:
//! loading the seed's accounts left two arenas of 57 MB each, a server serving the seed stood at
//! 170 MB instead of 50 MB. Kept, the memory is allocated once per hash running at a time, and
//! at most as many hashes run at once as the machine has cores (more would only wait for CPU).

use std::sync::{LazyLock, Mutex, PoisonError};

use argon2::password_hash::{
    rand_core::OsRng, Output, ParamsString, PasswordHash, Salt, SaltString,
};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use tokio::sync::Semaphore;

use crate::app::Refusal;

/// Hashes `password` into a PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`).
pub async fn hash(password: String) -> Result<String, Refusal> {
    let _turn = HASHING.acquire().await.map_err(Refusal::internal)?;
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        let defaults = (Algorithm::default(), Version::default(), Params::default());
        compute(defaults, password.as_bytes(), salt.as_salt())
            .map(|hash| hash.to_string())
            .map_err(|e| Refusal::internal(format!("cannot hash a password: {e}")))
    })
    .await
    .map_err(Refusal::internal)?
}

/// Whether `password` matches `phc`. The comparison of the outputs is constant-time
/// (`password_hash::Output`'s equality).
pub async fn verify(password: String, phc: String) -> Result<bool, Refusal> {
    let _turn = HASHING.acquire().await.map_err(Refusal::internal)?;
    tokio::task::spawn_blocking(move || {
        let parsed = PasswordHash::new(&phc)
            .map_err(|e| Refusal::internal(format!("a stored password hash is unreadable: {e}")))?;
        Ok(matches_hash(password.as_bytes(), &parsed))
    })
    .await
    .map_err(Refusal::internal)?
}

/// Whether `password` gives `stored`'s output under `stored`'s algorithm, version and
/// parameters (as `PasswordVerifier::verify_password` decides, with kept memory).
fn matches_hash(password: &[u8], stored: &PasswordHash<'_>) -> bool {
    let (Some(salt), Some(expected)) = (stored.salt, stored.hash) else {
        return false;
    };
    let setting = (|| {
        let algorithm = Algorithm::try_from(stored.algorithm).ok()?;
        let version = match stored.version {
            Some(version) => Version::try_from(version).ok()?,
            None => Version::default(),
        };
        Some((algorithm, version, Params::try_from(stored).ok()?))
    })();
    setting
        .and_then(|setting| compute(setting, password, salt).ok())
        .and_then(|computed| computed.hash)
        .is_some_and(|computed| computed == expected)
}

/// The hash of `password` with `salt` under `(algorithm, version, params)`, as
/// `PasswordHasher::hash_password` makes it, working in kept memory.
fn compute<'a>(
    (algorithm, version, params): (Algorithm, Version, Params),
    password: &[u8],
    salt: Salt<'a>,
) -> argon2::password_hash::Result<PasswordHash<'a>> {
    let mut salt_bytes = [0u8; 64];
    let salt_bytes = salt.decode_b64(&mut salt_bytes)?;
    let output_len = params.output_len().unwrap_or(Params::DEFAULT_OUTPUT_LEN);
    let hasher = Argon2::new(algorithm, version, params.clone());
    let mut memory = Memory::take(params.block_count());
    let output = Output::init_with(output_len, |out| {
        hasher
            .hash_password_into_with_memory(password, salt_bytes, out, &mut memory.blocks[..])
            .map_err(Into::into)
    });
    memory.give_back();
    Ok(PasswordHash {
        algorithm: algorithm.ident(),
        version: Some(version.into()),
        params: ParamsString::try_from(&params)?,
        salt: Some(salt),
        hash: Some(output?),
    })
}

/// At most as many hashes at once as the machine has cores.
static HASHING: LazyLock<Semaphore> = LazyLock::new(|| Semaphore::new(store::cores()));

/// The working memory of finished hashes, for the next ones.
static KEPT: Mutex<Vec<Vec<Block>>> = Mutex::new(Vec::new());

/// The blocks one hash works in.
struct Memory {
    blocks: Vec<Block>,
}

impl Memory {
    /// Kept blocks if there are enough (their contents are overwritten before they are read:
    /// argon2 fills every block from the password before using it), else new ones.
    fn take(count: usize) -> Self {
        let kept = KEPT
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop()
            .filter(|blocks| blocks.capacity() >= count);
        let mut blocks = kept.unwrap_or_default();
        blocks.resize(count, Block::default());
        Self { blocks }
    }

    /// Returns the blocks, cleared: what a hash leaves in them derives from a password.
    fn give_back(mut self) {
        self.blocks.fill(Block::default());
        KEPT.lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(self.blocks);
    }
}

/// A hash of a random password, verified against when the email is unknown, so that a sign-in
/// for an unknown email takes as long as one with a wrong password and does not reveal which.
static DECOY: LazyLock<String> = LazyLock::new(|| {
    let salt = SaltString::generate(&mut OsRng);
    let secret: [u8; 16] = rand::random();
    let defaults = (Algorithm::default(), Version::default(), Params::default());
    compute(defaults, &secret, salt.as_salt())
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

#[cfg(test)]
mod tests {
    use argon2::password_hash::{PasswordHasher, PasswordVerifier};

    use super::*;

    #[tokio::test]
    async fn hashes_made_here_and_by_argon2_itself_verify_both_ways() {
        // Hashes stored before the memory was kept were made by `Argon2::hash_password`.
        let salt = SaltString::generate(&mut OsRng);
        let theirs = Argon2::default()
            .hash_password(b"contrasena larga 1", &salt)
            .unwrap()
            .to_string();
        assert!(verify("contrasena larga 1".into(), theirs.clone())
            .await
            .unwrap());
        assert!(!verify("contrasena larga 2".into(), theirs).await.unwrap());

        let ours = hash("contraseña larga 3".into()).await.unwrap();
        assert!(
            ours.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{ours}"
        );
        let parsed = PasswordHash::new(&ours).unwrap();
        assert!(Argon2::default()
            .verify_password("contraseña larga 3".as_bytes(), &parsed)
            .is_ok());
        assert!(verify("contraseña larga 3".into(), ours.clone())
            .await
            .unwrap());
        assert!(!verify("contraseña larga 4".into(), ours).await.unwrap());
    }

    #[tokio::test]
    async fn other_parameters_are_verified_with_their_own_and_kept_memory_is_reused() {
        // A hash with smaller parameters (as an older configuration might have stored), then
        // the defaults again: each is computed with the parameters its string names.
        let small = Params::new(1024, 1, 1, None).unwrap();
        let salt = SaltString::generate(&mut OsRng);
        let stored = Argon2::new(Algorithm::Argon2id, Version::V0x13, small)
            .hash_password(b"otra clave", &salt)
            .unwrap()
            .to_string();
        for _ in 0..3 {
            assert!(verify("otra clave".into(), stored.clone()).await.unwrap());
            let ours = hash("clave de siempre".into()).await.unwrap();
            assert!(verify("clave de siempre".into(), ours).await.unwrap());
        }
        assert!(!verify("x".into(), "$argon2id$not-a-hash".into())
            .await
            .is_ok_and(|ok| ok));
        let kept = KEPT.lock().unwrap_or_else(PoisonError::into_inner).len();
        assert!(kept >= 1, "finished hashes leave their memory for the next");
    }
}
