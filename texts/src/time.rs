//! Times as people read them: in the office's time zone, Europe/Berlin, marked with the zone
//! in effect (CET or CEST), whatever zone the reader's device is set to.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use schema::Language;

/// The zone every time people read is shown in.
pub const OFFICE_ZONE: Tz = chrono_tz::Europe::Berlin;

/// An instant in ms since the epoch in the office's time: `01.07.2026 12:00 CEST` in German,
/// `2026-07-01 12:00 CEST` in English; empty for an instant out of range.
pub fn instant_ms(ms: i64, lang: Language) -> String {
    match DateTime::<Utc>::from_timestamp_millis(ms) {
        Some(at) => {
            let local = at.with_timezone(&OFFICE_ZONE);
            match lang {
                Language::De => local.format("%d.%m.%Y %H:%M %Z").to_string(),
                Language::En => local.format("%Y-%m-%d %H:%M %Z").to_string(),
            }
        }
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_clock_change_shows_in_the_zone_and_out_of_range_is_empty() {
        // 2026-03-29 00:59:59 UTC is the last second of winter time, 01:00 UTC summer time.
        assert_eq!(
            instant_ms(1_774_745_999_000, Language::De),
            "29.03.2026 01:59 CET"
        );
        assert_eq!(
            instant_ms(1_774_746_000_000, Language::De),
            "29.03.2026 03:00 CEST"
        );
        assert_eq!(instant_ms(i64::MAX, Language::De), "");
    }
}
