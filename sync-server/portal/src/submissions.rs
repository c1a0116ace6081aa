//! How many requests one address may send: anonymous submissions are limited per client
//! address (`ClientAddr`, behind a trusted proxy the forwarded one), so a script cannot fill
//! the office's queue. The count lives in memory, per server process.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

/// Addresses remembered before the idle ones are forgotten (bounded memory under a flood).
const MAX_ADDRESSES: usize = 10_000;

/// Requests per address: `per_hour`, of which all may come at once.
#[derive(Debug)]
pub struct SubmissionLimit {
    limiter: DefaultKeyedRateLimiter<IpAddr>,
}

impl SubmissionLimit {
    /// A limit of `per_hour` requests per address and hour.
    pub fn per_hour(per_hour: NonZeroU32) -> Self {
        Self {
            limiter: RateLimiter::keyed(Quota::per_hour(per_hour)),
        }
    }

    /// Counts a request from `addr`: `Err` with how long until the next is taken when the
    /// address has sent its share.
    pub fn admit(&self, addr: IpAddr) -> Result<(), Duration> {
        if self.limiter.len() > MAX_ADDRESSES {
            self.limiter.retain_recent();
        }
        self.limiter
            .check_key(&addr)
            .map_err(|not_until| not_until.wait_time_from(DefaultClock::default().now()))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn an_address_gets_its_share_and_others_theirs() {
        let limit = SubmissionLimit::per_hour(NonZeroU32::new(3).unwrap());
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let b: IpAddr = "192.0.2.2".parse().unwrap();
        for _ in 0..3 {
            limit.admit(a).unwrap();
        }
        let wait = limit.admit(a).unwrap_err();
        assert!(
            wait > Duration::from_secs(60) && wait <= Duration::from_secs(20 * 60),
            "{wait:?}"
        );
        limit.admit(b).unwrap();
    }
}
