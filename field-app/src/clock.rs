//! The tablet's clock, in one place (the domain crates do no IO and take times as arguments).
//! What people read and type is German time (`texts::time::OFFICE_ZONE`), whatever zone the
//! tablet is set to; only a photo's capture time is read in the tablet's own zone, since
//! that is what its camera's clock showed.

use chrono::{DateTime, FixedOffset, Local, NaiveDate, NaiveTime};

/// Milliseconds since the Unix epoch, now.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Now in German time, with its offset.
pub fn now_office() -> DateTime<FixedOffset> {
    texts::time::office_now(chrono::Utc::now())
}

/// Today's date in Germany.
pub fn today() -> NaiveDate {
    now_office().date_naive()
}

/// The time of day in Germany, to the second.
pub fn time_of_day() -> NaiveTime {
    let now = now_office().time();
    NaiveTime::from_hms_opt(
        chrono::Timelike::hour(&now),
        chrono::Timelike::minute(&now),
        chrono::Timelike::second(&now),
    )
    .unwrap_or(now)
}

/// The milliseconds since the epoch of an EXIF capture time; a time without an offset is read
/// as the tablet's local time (what the camera's clock showed). `None` for impossible dates.
pub fn capture_time_ms(t: &annotate::CaptureTime) -> Option<i64> {
    use chrono::TimeZone;
    let date = NaiveDate::from_ymd_opt(i32::from(t.year), u32::from(t.month), u32::from(t.day))?;
    let time = NaiveTime::from_hms_opt(
        u32::from(t.hour),
        u32::from(t.minute),
        u32::from(t.second.min(59)),
    )?;
    let naive = date.and_time(time);
    match t.utc_offset_minutes {
        Some(minutes) => {
            let offset = FixedOffset::east_opt(i32::from(minutes) * 60)?;
            offset
                .from_local_datetime(&naive)
                .single()
                .map(|d| d.timestamp_millis())
        }
        None => Local
            .from_local_datetime(&naive)
            .earliest()
            .map(|d| d.timestamp_millis()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capture_times_with_an_offset_are_exact() {
        let t = annotate::CaptureTime {
            year: 2024,
            month: 5,
            day: 3,
            hour: 14,
            minute: 22,
            second: 1,
            utc_offset_minutes: Some(120),
        };
        assert_eq!(capture_time_ms(&t), Some(1_714_738_921_000));
        let impossible = annotate::CaptureTime { month: 13, ..t };
        assert_eq!(capture_time_ms(&impossible), None);
    }
}
