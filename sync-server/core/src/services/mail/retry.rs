//! What happens to a mail the SMTP server did not take: tried again after a wait that doubles
//! with every attempt, up to a longest wait, until the mail has waited too long in all — or
//! given up at once when the server refused it for good (a 5xx answer: no such mailbox, a
//! message it will never take).

use crate::kernel::config::Mail;
use crate::store::millis;

/// The next step for a mail whose attempt failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterFailure {
    /// Try again at this time, milliseconds since the Unix epoch.
    RetryAt(i64),
    /// Stop trying.
    GiveUp,
}

/// The next step after attempt number `attempts` (1 for the first) of a mail queued at
/// `queued_at` failed at `now`; `permanent` when the SMTP server refused it for good.
pub fn after_failure(
    config: &Mail,
    attempts: u32,
    queued_at: i64,
    now: i64,
    permanent: bool,
) -> AfterFailure {
    if permanent {
        return AfterFailure::GiveUp;
    }
    let first = millis(config.retry_first);
    let wait = first
        .saturating_mul(1_i64 << attempts.saturating_sub(1).min(30))
        .min(millis(config.retry_max).max(first));
    let at = now.saturating_add(wait);
    if at.saturating_sub(queued_at) > millis(config.give_up_after) {
        AfterFailure::GiveUp
    } else {
        AfterFailure::RetryAt(at)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn config() -> Mail {
        Mail {
            retry_first: Duration::from_secs(60),
            retry_max: Duration::from_secs(3_600),
            give_up_after: Duration::from_secs(24 * 3_600),
            ..Mail::default()
        }
    }

    #[test]
    fn the_wait_doubles_up_to_its_longest() {
        let waits: Vec<i64> = (1..=9)
            .map(|n| match after_failure(&config(), n, 0, 1_000, false) {
                AfterFailure::RetryAt(at) => (at - 1_000) / 60_000,
                AfterFailure::GiveUp => -1,
            })
            .collect();
        assert_eq!(waits, [1, 2, 4, 8, 16, 32, 60, 60, 60]);
        assert_eq!(
            after_failure(&config(), u32::MAX, 0, 1_000, false),
            AfterFailure::RetryAt(1_000 + 3_600_000)
        );
    }

    #[test]
    fn a_mail_that_waited_too_long_or_was_refused_for_good_is_given_up() {
        let day = 24 * 3_600_000;
        assert_eq!(
            after_failure(&config(), 30, 0, day - 3_600_000, false),
            AfterFailure::RetryAt(day)
        );
        assert_eq!(
            after_failure(&config(), 30, 0, day - 3_599_999, false),
            AfterFailure::GiveUp
        );
        assert_eq!(
            after_failure(&config(), 1, 0, 0, true),
            AfterFailure::GiveUp
        );
    }
}
