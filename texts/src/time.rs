//! Times as people read them: in the office's time zone, Europe/Berlin, marked with the zone
//! in effect (CET or CEST), whatever zone the reader's device is set to.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use schema::Language;

/// The zone every time people read is shown in.
pub const OFFICE_ZONE: Tz = chrono_tz::Europe::Berlin;

/// An instant in ms since the epoch in the office's time: `01.07.2026 12:00 CEST` in German,
/// `2026-07-01 12:00 CEST` in English; empty for an instant out of range.
pub fn instant_ms(ms: i64, lang: Language) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms).map_or_else(String::new, |at| office_text(&at, lang))
}

/// A calendar date as people read it, the one rule for every surface (tablet, back office,
/// PDF) and for dates alone as for the date of a time: `03.12.2026` in German,
/// `2026-12-03` in English.
///
/// German readers get the day first with points, as the office's forms and letters write it
/// (DIN 5008 allows both). English readers are clerks in a German office, British, American
/// or neither: `03/12/2026` is 3 December to some and 12 March to others, while ISO 8601
/// reads one way only, is what browsers' date inputs and the office's exports use, sorts as
/// it reads, and is no German habit an English reader has to learn. Both forms are typed
/// back in either language (`crate::typed`).
pub fn date(day: NaiveDate, lang: Language) -> String {
    match lang {
        Language::De => day.format("%d.%m.%Y").to_string(),
        Language::En => day.format("%Y-%m-%d").to_string(),
    }
}

/// Any instant as the office's wall time with its zone, the date as [`date`] writes it.
fn office_text<Z: TimeZone>(at: &DateTime<Z>, lang: Language) -> String {
    let local = at.with_timezone(&OFFICE_ZONE);
    format!(
        "{} {}",
        date(local.date_naive(), lang),
        local.format("%H:%M %Z")
    )
}

/// `utc` as the office's wall time with its offset: what "now" is for a person filling a
/// form, whatever zone the device is set to.
pub fn office_now(utc: DateTime<Utc>) -> DateTime<FixedOffset> {
    utc.with_timezone(&OFFICE_ZONE).fixed_offset()
}

/// A wall time typed by a person, read in the office's zone. At the autumn change, when
/// the hour happens twice, the earlier one; `None` for a wall time that does not exist (the
/// hour skipped in spring).
pub fn office_local(wall: NaiveDateTime) -> Option<DateTime<FixedOffset>> {
    OFFICE_ZONE
        .from_local_datetime(&wall)
        .earliest()
        .map(|at| at.fixed_offset())
}

/// The office's wall time of an instant (for showing it in a form's input).
pub fn office_wall(at: &DateTime<FixedOffset>) -> NaiveDateTime {
    at.with_timezone(&OFFICE_ZONE).naive_local()
}

/// A recorded date-time answer as people read it: the office's wall time of that instant,
/// marked with its zone (`23.11.2026 14:05 CET`), whatever offset it was recorded with.
pub fn answer(at: &DateTime<FixedOffset>, lang: Language) -> String {
    office_text(at, lang)
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

    #[test]
    fn a_date_reads_day_first_in_german_and_iso_in_english() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap_or_default();
        assert_eq!(date(day, Language::De), "03.12.2026");
        assert_eq!(date(day, Language::En), "2026-12-03");
        // A time's date follows the same rule.
        assert_eq!(
            instant_ms(1_796_303_100_000, Language::En),
            "2026-12-03 14:05 CET"
        );
        assert_eq!(
            instant_ms(1_796_303_100_000, Language::De),
            "03.12.2026 14:05 CET"
        );
    }

    #[test]
    fn people_type_and_read_german_wall_time_whatever_the_offset() {
        let wall =
            |text: &str| NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap_or_default();
        let summer = office_local(wall("2026-07-01 12:00")).map(|at| at.to_rfc3339());
        assert_eq!(summer.as_deref(), Some("2026-07-01T12:00:00+02:00"));
        let winter = office_local(wall("2026-01-15 11:00")).map(|at| at.to_rfc3339());
        assert_eq!(winter.as_deref(), Some("2026-01-15T11:00:00+01:00"));
        // Spring: 02:30 does not exist; autumn: 02:30 happens twice, the first one counts.
        assert_eq!(office_local(wall("2026-03-29 02:30")), None);
        let twice = office_local(wall("2026-10-25 02:30")).map(|at| at.to_rfc3339());
        assert_eq!(twice.as_deref(), Some("2026-10-25T02:30:00+02:00"));

        // A date-time recorded at another offset reads in German time.
        let recorded = DateTime::parse_from_rfc3339("2026-11-23T13:05:00+00:00");
        let recorded = recorded.unwrap_or_else(|_| office_now(Utc::now()));
        assert_eq!(answer(&recorded, Language::De), "23.11.2026 14:05 CET");
        assert_eq!(office_wall(&recorded), wall("2026-11-23 14:05"));
        let now = office_now(
            DateTime::<Utc>::from_timestamp_millis(1_782_900_000_000).unwrap_or_default(),
        );
        assert_eq!(now.to_rfc3339(), "2026-07-01T12:00:00+02:00");
    }
}
