//! Sign-in rate limiting, for the back office's login form and for device enrollment (each
//! with its own [`LoginThrottle`]): after [`MAX_FAILURES`] failed sign-ins for one user name
//! from one address within [`WINDOW`], that pair is locked out for [`LOCKOUT`]. While locked,
//! the sign-in answers 429 without checking the password, so guessing goes no faster and the
//! answer says nothing about whether a guess was right.
//!
//! Keyed by user name *and* address, so an attacker elsewhere cannot lock a colleague out of
//! their own desk, and guessing one password from many addresses is still slowed per
//! address. Trying one password against many user names (password spraying) is slowed per
//! address too: after [`MAX_ADDRESS_FAILURES`] failures from one address within [`WINDOW`],
//! whatever the names, the address is locked out for [`LOCKOUT`]. The state lives in memory,
//! per server process: a restart forgets it, which costs an attacker a restart they cannot
//! cause. Time is passed in, so tests need no clock.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failed sign-ins allowed within [`WINDOW`] before a lockout.
pub const MAX_FAILURES: u32 = 5;
/// Failed sign-ins from one address, for any user names, allowed within [`WINDOW`] before the
/// address is locked out: an office behind one address mistypes now and then, a sprayer
/// tries hundreds of names.
pub const MAX_ADDRESS_FAILURES: u32 = 30;
/// How far back failures count.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
/// How long a lockout lasts.
pub const LOCKOUT: Duration = Duration::from_secs(5 * 60);
/// Entries kept at most; beyond, stale ones are forgotten (bounded memory under a flood).
const MAX_ENTRIES: usize = 10_000;

#[derive(Debug, Clone, Copy)]
struct Attempts {
    failures: u32,
    first_failure: Instant,
    locked_until: Option<Instant>,
}

/// Failed sign-ins per user name and address, and per address.
#[derive(Debug, Default)]
pub struct LoginThrottle {
    entries: Mutex<HashMap<(String, IpAddr), Attempts>>,
    addresses: Mutex<HashMap<IpAddr, Attempts>>,
}

fn key(username: &str, ip: IpAddr) -> (String, IpAddr) {
    (username.trim().to_lowercase(), ip)
}

impl LoginThrottle {
    /// How much longer `username` from `ip` is locked out (the pair, or the whole address),
    /// if it is.
    pub fn locked(&self, username: &str, ip: IpAddr, now: Instant) -> Option<Duration> {
        let left = |a: &Attempts| {
            a.locked_until
                .and_then(|until| until.checked_duration_since(now))
                .filter(|left| !left.is_zero())
        };
        let pair = {
            let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
            entries.get(&key(username, ip)).and_then(left)
        };
        let address = {
            let addresses = self.addresses.lock().unwrap_or_else(|e| e.into_inner());
            addresses.get(&ip).and_then(left)
        };
        pair.max(address)
    }

    /// Counts a failed sign-in for the pair and for the address; the one that reaches
    /// [`MAX_FAILURES`] (or [`MAX_ADDRESS_FAILURES`]) starts a lockout.
    pub fn failed(&self, username: &str, ip: IpAddr, now: Instant) {
        {
            let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
            count(&mut entries, key(username, ip), MAX_FAILURES, now);
        }
        let mut addresses = self.addresses.lock().unwrap_or_else(|e| e.into_inner());
        count(&mut addresses, ip, MAX_ADDRESS_FAILURES, now);
    }

    /// Forgets the failures of `username` from `ip` after a successful sign-in.
    pub fn succeeded(&self, username: &str, ip: IpAddr) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.remove(&key(username, ip));
    }
}

/// Counts one failure for `key`; the one that reaches `max` starts a lockout.
fn count<K: std::hash::Hash + Eq>(
    entries: &mut HashMap<K, Attempts>,
    key: K,
    max: u32,
    now: Instant,
) {
    if entries.len() >= MAX_ENTRIES {
        entries.retain(|_, a| !stale(a, now));
    }
    let fresh = Attempts {
        failures: 0,
        first_failure: now,
        locked_until: None,
    };
    let attempts = entries.entry(key).or_insert(fresh);
    if stale(attempts, now) {
        *attempts = fresh;
    }
    attempts.failures = attempts.failures.saturating_add(1);
    if attempts.failures >= max {
        attempts.locked_until = Some(now + LOCKOUT);
    }
}

/// Whether an entry no longer counts: its window has passed and no lockout is running.
fn stale(attempts: &Attempts, now: Instant) -> bool {
    let window_over = now.saturating_duration_since(attempts.first_failure) >= WINDOW;
    let lock_over = attempts.locked_until.is_none_or(|until| now >= until);
    window_over && lock_over
}

#[cfg(test)]
mod tests {
    use std::net::Ipv4Addr;

    use super::*;

    const HOME: IpAddr = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1));
    const ELSEWHERE: IpAddr = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2));

    #[test]
    fn five_failures_lock_the_name_at_that_address_for_a_while() {
        let throttle = LoginThrottle::default();
        let t0 = Instant::now();
        for i in 0..MAX_FAILURES - 1 {
            throttle.failed("Anna", HOME, t0 + Duration::from_secs(u64::from(i)));
            assert_eq!(
                throttle.locked("anna", HOME, t0),
                None,
                "after {} failures",
                i + 1
            );
        }
        let fifth = t0 + Duration::from_secs(10);
        throttle.failed("anna ", HOME, fifth);
        assert_eq!(throttle.locked("ANNA", HOME, fifth), Some(LOCKOUT));
        assert_eq!(throttle.locked("anna", ELSEWHERE, fifth), None);
        assert_eq!(throttle.locked("bert", HOME, fifth), None);
        let later = fifth + LOCKOUT - Duration::from_secs(1);
        assert_eq!(
            throttle.locked("anna", HOME, later),
            Some(Duration::from_secs(1))
        );
        assert_eq!(throttle.locked("anna", HOME, fifth + LOCKOUT), None);
    }

    #[test]
    fn spraying_one_password_over_many_names_locks_the_address() {
        let throttle = LoginThrottle::default();
        let t0 = Instant::now();
        for i in 0..MAX_ADDRESS_FAILURES - 1 {
            let name = format!("user{i}");
            throttle.failed(&name, HOME, t0);
            assert_eq!(throttle.locked(&name, HOME, t0), None, "{name}");
        }
        throttle.failed("last", HOME, t0);
        assert_eq!(throttle.locked("never-tried", HOME, t0), Some(LOCKOUT));
        assert_eq!(throttle.locked("never-tried", ELSEWHERE, t0), None);
        // A success of one name does not lift the address's lockout.
        throttle.succeeded("user1", HOME);
        assert_eq!(throttle.locked("user1", HOME, t0), Some(LOCKOUT));
        assert_eq!(throttle.locked("user1", HOME, t0 + LOCKOUT), None);
    }

    #[test]
    fn failures_outside_the_window_and_before_a_success_do_not_count() {
        let throttle = LoginThrottle::default();
        let t0 = Instant::now();
        for _ in 0..MAX_FAILURES - 1 {
            throttle.failed("anna", HOME, t0);
        }
        let after_window = t0 + WINDOW;
        throttle.failed("anna", HOME, after_window);
        assert_eq!(throttle.locked("anna", HOME, after_window), None);

        for _ in 0..MAX_FAILURES - 2 {
            throttle.failed("anna", HOME, after_window);
        }
        throttle.succeeded("anna", HOME);
        throttle.failed("anna", HOME, after_window);
        assert_eq!(throttle.locked("anna", HOME, after_window), None);
    }
}
