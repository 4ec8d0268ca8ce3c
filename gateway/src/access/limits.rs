//! Abuse limits: sign-in attempts per client address, per (account, address) and, more slowly,
//! per account; sign-ups per client address and per email; writes per account. Each is a keyed
//! GCRA limiter (governor): a burst of the allowance, then one more every period/n. A refusal is
//! a 429 with `Retry-After`.

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
    sign_in_by_account_and_address: Keyed<(EmailDigest, IpAddr)>,
    sign_in_by_account: Keyed<EmailDigest>,
    sign_ups_by_address: Keyed<IpAddr>,
    sign_ups_by_email: Keyed<EmailDigest>,
    writes_by_account: Keyed<AccountId>,
}

struct Keyed<K: Hash + Eq + Clone> {
    limiter: DefaultKeyedRateLimiter<K>,
    checks: AtomicU32,
}

impl<K: Hash + Eq + Clone> Keyed<K> {
    fn per(quota: fn(NonZeroU32) -> Quota, n: u32) -> Self {
        let n = NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN);
        Self {
            limiter: RateLimiter::keyed(quota(n)),
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
            sign_in_by_address: Keyed::per(
                Quota::per_minute,
                settings.sign_in_per_address_per_minute,
            ),
            sign_in_by_account_and_address: Keyed::per(
                Quota::per_hour,
                settings.sign_in_per_account_and_address_per_hour,
            ),
            sign_in_by_account: Keyed::per(Quota::per_hour, settings.sign_in_per_account_per_hour),
            sign_ups_by_address: Keyed::per(
                Quota::per_hour,
                settings.sign_ups_per_address_per_hour,
            ),
            sign_ups_by_email: Keyed::per(Quota::per_hour, settings.sign_ups_per_email_per_hour),
            writes_by_account: Keyed::per(
                Quota::per_minute,
                settings.writes_per_account_per_minute,
            ),
        }
    }

    /// A sign-in attempt from `address` for the account of `email`. Checked from the narrowest
    /// key to the widest, and a refusal stops there: attempts that one address is refused do
    /// not count against the account's overall cap, so a single address cannot lock the holder
    /// out, who signs in from an address of their own.
    pub fn check_sign_in(&self, address: IpAddr, email: &EmailDigest) -> Result<(), Refusal> {
        self.sign_in_by_address.check(
            &address,
            "too many sign-in attempts from this address; wait and try again",
        )?;
        self.sign_in_by_account_and_address.check(
            &(email.clone(), address),
            "too many sign-in attempts for this account from this address; wait and try again",
        )?;
        self.sign_in_by_account.check(
            email,
            "too many sign-in attempts for this account from many addresses; wait and try again",
        )
    }

    /// An attempt to confirm a new account's address from `address` (it checks a password, so it
    /// counts like a sign-in attempt from that address).
    pub fn check_confirmation(&self, address: IpAddr) -> Result<(), Refusal> {
        self.sign_in_by_address.check(
            &address,
            "too many attempts from this address; wait and try again",
        )
    }

    /// A sign-up from `address` for `email` (whether or not it has an account: the answer must
    /// not tell).
    pub fn check_sign_up(&self, address: IpAddr, email: &EmailDigest) -> Result<(), Refusal> {
        self.sign_ups_by_address.check(
            &address,
            "too many sign-ups from this address; wait and try again",
        )?;
        self.sign_ups_by_email.check(
            email,
            "too many sign-ups for this email address in a short time; wait and try again",
        )
    }

    pub fn check_write(&self, account: AccountId) -> Result<(), Refusal> {
        self.writes_by_account.check(
            &account,
            "too many changes from this account in a short time; wait and try again",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn address(n: u8) -> IpAddr {
        IpAddr::from([10, 0, 0, n])
    }

    fn digest(n: u8) -> EmailDigest {
        EmailDigest::from_hex(format!("{n:02x}").repeat(32)).unwrap()
    }

    fn limits() -> Limits {
        Limits::new(&Settings {
            sign_in_per_address_per_minute: 100,
            sign_in_per_account_and_address_per_hour: 3,
            sign_in_per_account_per_hour: 10,
            sign_ups_per_address_per_hour: 2,
            sign_ups_per_email_per_hour: 2,
            ..Settings::default()
        })
    }

    #[test]
    fn one_address_guessing_cannot_lock_the_holder_out() {
        let limits = limits();
        let (victim, attacker, holder) = (digest(1), address(1), address(2));
        for _ in 0..3 {
            assert!(limits.check_sign_in(attacker, &victim).is_ok());
        }
        for _ in 0..50 {
            let refused = limits.check_sign_in(attacker, &victim).unwrap_err();
            assert!(
                refused.to_string().contains("from this address"),
                "{refused}"
            );
        }
        // The refused attempts did not count against the account's overall cap.
        assert!(limits.check_sign_in(holder, &victim).is_ok());
        // Other accounts from the attacker's address are their own pairs.
        assert!(limits.check_sign_in(attacker, &digest(2)).is_ok());
    }

    #[test]
    fn guessing_spread_over_many_addresses_meets_the_account_cap() {
        let limits = limits();
        let victim = digest(1);
        let mut allowed = 0;
        for n in 1..=20 {
            for _ in 0..3 {
                if limits.check_sign_in(address(n), &victim).is_ok() {
                    allowed += 1;
                }
            }
        }
        assert_eq!(allowed, 10, "the overall cap per account");
        let refused = limits.check_sign_in(address(99), &victim).unwrap_err();
        assert!(refused.to_string().contains("many addresses"), "{refused}");
    }

    #[test]
    fn sign_ups_are_limited_per_address_and_per_email() {
        let limits = limits();
        assert!(limits.check_sign_up(address(1), &digest(1)).is_ok());
        assert!(limits.check_sign_up(address(1), &digest(2)).is_ok());
        let refused = limits.check_sign_up(address(1), &digest(3)).unwrap_err();
        assert!(matches!(refused, Refusal::TooMany { .. }));
        // The same email from two other addresses: its own limit.
        assert!(limits.check_sign_up(address(2), &digest(4)).is_ok());
        assert!(limits.check_sign_up(address(3), &digest(4)).is_ok());
        assert!(limits.check_sign_up(address(4), &digest(4)).is_err());
    }
}
