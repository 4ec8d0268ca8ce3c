//! Writes under a recalled session, checked by the append itself.
//!
//! Every signed-in request reads its session, and its account's version, before it does
//! anything (`find`). For a write, that read can instead travel with the write: a session this
//! process found valid a moment ago is *recalled* (no query), the request runs as the account it
//! named, and its first append checks, with the events (in their statement on PostgreSQL, in
//! their transaction on SQLite), that the session is still live and the account still at the
//! version recalled. If it is not, nothing is written
//! and the guard says so; the gateway then reads the session as every other request does, and
//! refuses the request or runs it again as the account now is (`gateway::access::recalled`).
//!
//! So nothing is written, and no answer given, by a session that was not valid when it was
//! checked, as before; the check moves from before the command to its append, one round trip
//! fewer per write (docs/benchmarks.md, "twentieth session").

use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use domain::values::AccountId;
use lru::LruCache;

/// How many sessions a process remembers as valid.
const REMEMBERED: usize = 10_000;

/// What a request running under a recalled session has learnt of it so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GuardState {
    /// Nothing yet: the next append checks it.
    Unchecked,
    /// An append (or the gateway) found the session live and the account at the version
    /// recalled; later appends need not check again.
    Verified,
    /// The session or the account had changed: the append that found it wrote nothing, and so
    /// does every later one.
    Refused,
}

const UNCHECKED: u8 = 0;
const VERIFIED: u8 = 1;
const REFUSED: u8 = 2;

/// A recalled session, shared by everything one request writes. `Debug` shows no digest.
#[derive(Clone)]
pub struct SessionGuard(Arc<Guarded>);

struct Guarded {
    digest: [u8; 32],
    account: AccountId,
    account_version: usize,
    state: AtomicU8,
}

impl SessionGuard {
    pub(crate) fn new(digest: [u8; 32], account: AccountId, account_version: usize) -> Self {
        Self(Arc::new(Guarded {
            digest,
            account,
            account_version,
            state: AtomicU8::new(UNCHECKED),
        }))
    }

    /// The account the session belongs to.
    pub fn account(&self) -> AccountId {
        self.0.account
    }

    /// The account stream's version when the session was last read.
    pub fn account_version(&self) -> usize {
        self.0.account_version
    }

    pub fn state(&self) -> GuardState {
        match self.0.state.load(Ordering::Acquire) {
            UNCHECKED => GuardState::Unchecked,
            VERIFIED => GuardState::Verified,
            _ => GuardState::Refused,
        }
    }

    /// Records what a check found: an append's, or the gateway's reading the session for a
    /// handler that asked who calls. Only an unchecked guard changes: one refused stays refused.
    pub fn settle(&self, verified: bool) {
        let to = if verified { VERIFIED } else { REFUSED };
        let _ = self
            .0
            .state
            .compare_exchange(UNCHECKED, to, Ordering::AcqRel, Ordering::Acquire);
    }

    /// What an append must check in its statement: `None` once verified.
    pub(crate) fn to_check(&self) -> Option<(&[u8; 32], usize)> {
        (self.state() != GuardState::Verified).then_some((&self.0.digest, self.0.account_version))
    }
}

impl std::fmt::Debug for SessionGuard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionGuard")
            .field("account", &self.0.account)
            .field("account_version", &self.0.account_version)
            .field("state", &self.state())
            .finish()
    }
}

/// Two guards are equal when they are the same request's.
impl PartialEq for SessionGuard {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for SessionGuard {}

/// The append found the session ended or its account changed, and wrote nothing.
#[derive(Debug, thiserror::Error)]
#[error("the session was signed out, expired or its account changed; nothing was written")]
pub(crate) struct SessionRefused;

/// A session as last read valid.
#[derive(Clone, Copy)]
struct Remembered {
    account: AccountId,
    expires_at: DateTime<Utc>,
    account_version: usize,
}

/// The sessions this process read valid lately, by digest.
#[derive(Clone)]
pub(super) struct Recent(Arc<Mutex<LruCache<[u8; 32], Remembered>>>);

impl Recent {
    pub(super) fn new() -> Self {
        let capacity = NonZeroUsize::new(REMEMBERED).unwrap_or(NonZeroUsize::MIN);
        Self(Arc::new(Mutex::new(LruCache::new(capacity))))
    }

    fn locked(&self) -> std::sync::MutexGuard<'_, LruCache<[u8; 32], Remembered>> {
        // A panic elsewhere while holding it leaves only a cache: carry on with it.
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(super) fn remember(
        &self,
        digest: [u8; 32],
        account: AccountId,
        expires_at: DateTime<Utc>,
        account_version: usize,
    ) {
        self.locked().put(
            digest,
            Remembered {
                account,
                expires_at,
                account_version,
            },
        );
    }

    pub(super) fn forget(&self, digest: &[u8; 32]) {
        self.locked().pop(digest);
    }

    pub(super) fn forget_account(&self, account: AccountId) {
        let mut recent = self.locked();
        let gone: Vec<[u8; 32]> = recent
            .iter()
            .filter(|(_, remembered)| remembered.account == account)
            .map(|(digest, _)| *digest)
            .collect();
        for digest in gone {
            recent.pop(&digest);
        }
    }

    /// A guard for `digest` if it was read valid and has not expired by `now`.
    pub(super) fn recall(&self, digest: [u8; 32], now: DateTime<Utc>) -> Option<SessionGuard> {
        let remembered = *self.locked().get(&digest)?;
        (remembered.expires_at > now)
            .then(|| SessionGuard::new(digest, remembered.account, remembered.account_version))
    }
}
