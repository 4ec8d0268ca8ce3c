//! Abuse limits: sign-in attempts per client address and per account, and writes per account.
//! Each is a keyed GCRA limiter (governor): a burst of the per-minute allowance, then one more
//! every 60/n seconds. A refusal is a 429 with `Retry-After`.

use std::hash::Hash;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU32, Ordering};

use domain::values::{AccountId, EmailDigest};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::app::Refusal;
use crate::Settings;

/// Keyed limiters keep one small cell per key; every this many checks the idle ones are dropped.
const PRUNE_EVERY: u32 = 4096;

pub struct Limits {
    sign_in_by_address: Keyed<IpAddr>,
    sign_in_by_account: Keyed<EmailDigest>,
    writes_by_account: Keyed<AccountId>,
}

struct Keyed<K: Hash + Eq + Clone> {
    limiter: DefaultKeyedRateLimiter<K>,
    checks: AtomicU32,
}

impl<K: Hash + Eq + Clone> Keyed<K> {
    fn per_minute(n: u32) -> Self {
        let n = NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN);
        Self {
            limiter: RateLimiter::keyed(Quota::per_minute(n)),
            checks: AtomicU32::new(0),
        }
    }

    fn check(&self, key: &K, message: &str) -> Result<(), Refusal> {
        if self.checks.fetch_add(1, Ordering::Relaxed) % PRUNE_EVERY == PRUNE_EVERY - 1 {
            self.limiter.retain_recent();
        }
        self.limiter
            .check_key(key)
            .map_err(|not_until| Refusal::TooMany {
                message: message.to_string(),
                retry_after: not_until.wait_time_from(DefaultClock::default().now()),
            })
    }
}

impl Limits {
    pub fn new(settings: &Settings) -> Self {
        Self {
            sign_in_by_address: Keyed::per_minute(settings.sign_in_per_address_per_minute),
            sign_in_by_account: Keyed::per_minute(settings.sign_in_per_account_per_minute),
            writes_by_account: Keyed::per_minute(settings.writes_per_account_per_minute),
        }
    }

    pub fn check_sign_in_address(&self, address: IpAddr) -> Result<(), Refusal> {
        self.sign_in_by_address.check(
            &address,
            "too many sign-in attempts from this address; wait and try again",
        )
    }

    pub fn check_sign_in_account(&self, email: &EmailDigest) -> Result<(), Refusal> {
        self.sign_in_by_account.check(
            email,
            "too many sign-in attempts for this account; wait and try again",
        )
    }

    pub fn check_write(&self, account: AccountId) -> Result<(), Refusal> {
        self.writes_by_account.check(
            &account,
            "too many changes from this account in a short time; wait and try again",
        )
    }
}
