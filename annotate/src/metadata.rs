//! What the camera wrote into the photo: orientation, capture time, position.
//!
//! Broken or missing EXIF is normal (screenshots, edited files), so every reader here
//! returns `None` instead of failing: the photo is still evidence without it.

use std::io::Cursor;

use exif::{Exif, In, Tag, Value};

/// When a photo was taken, as the camera's clock said (EXIF `DateTimeOriginal`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaptureTime {
    /// Year, e.g. 2024.
    pub year: u16,
    /// Month 1..=12.
    pub month: u8,
    /// Day 1..=31.
    pub day: u8,
    /// Hour 0..=23.
    pub hour: u8,
    /// Minute 0..=59.
    pub minute: u8,
    /// Second 0..=60.
    pub second: u8,
    /// Offset from UTC in minutes (EXIF `OffsetTimeOriginal`), if the camera wrote one;
    /// without it the time is the camera's local time.
    pub utc_offset_minutes: Option<i16>,
}

impl std::fmt::Display for CaptureTime {
    /// ISO 8601, e.g. `2024-05-03T14:22:01+02:00`; without offset when none is known.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )?;
        if let Some(offset) = self.utc_offset_minutes {
            let sign = if offset < 0 { '-' } else { '+' };
            let abs = offset.unsigned_abs();
            write!(f, "{sign}{:02}:{:02}", abs / 60, abs % 60)?;
        }
        Ok(())
    }
}

/// Where a photo was taken (EXIF GPS), WGS 84.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GpsPosition {
    /// Degrees north (negative: south).
    pub latitude: f64,
    /// Degrees east (negative: west).
    pub longitude: f64,
    /// Metres above sea level, if recorded.
    pub altitude_m: Option<f64>,
}

/// Parsed EXIF of a JPEG or PNG, if it has any that parses.
pub(crate) fn read_exif(bytes: &[u8]) -> Option<Exif> {
    exif::Reader::new()
        .read_from_container(&mut Cursor::new(bytes))
        .ok()
}

/// The EXIF orientation 1..=8; 1 (as stored) when missing or out of range.
pub(crate) fn orientation(exif: Option<&Exif>) -> u8 {
    exif.and_then(|e| e.get_field(Tag::Orientation, In::PRIMARY))
        .and_then(|f| f.value.get_uint(0))
        .and_then(|v| u8::try_from(v).ok())
        .filter(|v| (1..=8).contains(v))
        .unwrap_or(1)
}

fn ascii(exif: &Exif, tag: Tag) -> Option<&[u8]> {
    match &exif.get_field(tag, In::PRIMARY)?.value {
        Value::Ascii(parts) => parts.first().map(Vec::as_slice),
        _ => None,
    }
}

/// `DateTimeOriginal` (falling back to `DateTime`) with its offset, if present and sane.
pub(crate) fn capture_time(exif: &Exif) -> Option<CaptureTime> {
    let (raw, offset_tag) = match ascii(exif, Tag::DateTimeOriginal) {
        Some(raw) => (raw, Tag::OffsetTimeOriginal),
        None => (ascii(exif, Tag::DateTime)?, Tag::OffsetTime),
    };
    let mut parsed = exif::DateTime::from_ascii(raw).ok()?;
    if let Some(offset) = ascii(exif, offset_tag) {
        // A malformed offset leaves the local time, which is still worth having.
        let _ = parsed.parse_offset(offset);
    }
    let sane = (1..=12).contains(&parsed.month)
        && (1..=31).contains(&parsed.day)
        && parsed.hour < 24
        && parsed.minute < 60
        && parsed.second <= 60;
    sane.then_some(CaptureTime {
        year: parsed.year,
        month: parsed.month,
        day: parsed.day,
        hour: parsed.hour,
        minute: parsed.minute,
        second: parsed.second,
        utc_offset_minutes: parsed.offset,
    })
}

fn degrees(exif: &Exif, tag: Tag, reference: Tag, negative: u8) -> Option<f64> {
    let Value::Rational(parts) = &exif.get_field(tag, In::PRIMARY)?.value else {
        return None;
    };
    let value = parts
        .iter()
        .take(3)
        .zip([1.0, 60.0, 3600.0])
        .map(|(r, div)| r.to_f64() / div)
        .sum::<f64>();
    let sign = match ascii(exif, reference)?.first() {
        Some(c) if c.eq_ignore_ascii_case(&negative) => -1.0,
        Some(_) => 1.0,
        None => return None,
    };
    (!parts.is_empty() && value.is_finite()).then_some(sign * value)
}

/// The GPS position, if latitude and longitude are present and in range.
pub(crate) fn gps_position(exif: &Exif) -> Option<GpsPosition> {
    let latitude = degrees(exif, Tag::GPSLatitude, Tag::GPSLatitudeRef, b'S')?;
    let longitude = degrees(exif, Tag::GPSLongitude, Tag::GPSLongitudeRef, b'W')?;
    if latitude.abs() > 90.0 || longitude.abs() > 180.0 {
        return None;
    }
    let altitude_m = match exif
        .get_field(Tag::GPSAltitude, In::PRIMARY)
        .map(|f| &f.value)
    {
        Some(Value::Rational(r)) => r.first().map(|r| r.to_f64()).filter(|a| a.is_finite()),
        _ => None,
    }
    .map(|a| {
        let below_sea_level = exif
            .get_field(Tag::GPSAltitudeRef, In::PRIMARY)
            .and_then(|f| f.value.get_uint(0))
            == Some(1);
        if below_sea_level { -a } else { a }
    });
    Some(GpsPosition {
        latitude,
        longitude,
        altitude_m,
    })
}
