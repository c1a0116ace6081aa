//! Answers typed as text, and the text an input shows for an answer: one reading for the
//! tablet's inputs and the back office's forms, so that what one surface shows, both read.
//!
//! What [`answer`] reads, in either language:
//!
//! - Surrounding whitespace is ignored, and empty text is no answer (`Ok(None)`).
//! - **Numbers**: ASCII digits with an optional sign (`-`, `−`, `+`) and at most one decimal
//!   separator; no digit grouping, no exponent, no `NaN` or `inf`. The language's separator
//!   (a comma in German, a point in English) always separates the decimals; the other one
//!   too where it cannot be a thousands separator, that is unless exactly three digits
//!   follow it: a German `2.5` is 2,5, but `1.500` is refused as [`Unreadable::Ambiguous`]
//!   (1,5 or 1500?) rather than read a thousand times too small. Positions are degrees and
//!   take either separator ([`position`]).
//! - **Dates**: `23.11.2026` (day first, with points) or `2026-11-23` (year first, with
//!   dashes, as a browser's date input sends it); neither order can be mistaken for the
//!   other. A day that does not exist (`30.02.2026`) is [`Unreadable::NoSuchDate`].
//! - **Times**: `14:05`, or `14:05:30`, from 00:00 to 23:59:59; `24:00` is
//!   [`Unreadable::NoSuchTime`].
//! - **Date-times**: a date and a time with a space or a `T` between them, the office's wall
//!   time ([`crate::time::office_local`]); an optional `CET` or `CEST` (`MEZ`, `MESZ`) after
//!   the time picks one of the hour the clocks repeat in autumn, which [`input`] adds there.
//!   An RFC 3339 instant with its offset is taken as it is.
//!
//! [`input`] is the inverse: the text an input shows for an answer, which [`answer`] reads
//! back as the same answer.

use std::fmt;

use chrono::{
    DateTime, FixedOffset, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone,
    Timelike,
};
use schema::{FieldKind, FieldValue, GpsPoint, Language, PostalAddress};

use crate::number::decimal;
use crate::terms::terms;
use crate::time::OFFICE_ZONE;

/// Why typed text is not an answer of its field's kind; [`Unreadable::text`] says it in the
/// reader's language (`crate::problem`), `Display` in English for logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Unreadable {
    /// Not a whole number (`zwölf`, `2,5` in a field of whole numbers).
    NotWholeNumber,
    /// Not a number (`abc`, `NaN`, `1e5`, digits other than 0–9).
    NotNumber,
    /// A separator that may be a thousands separator (`1.500` in German, `1,500` in
    /// English), or several of them.
    Ambiguous,
    /// A number too large to keep.
    TooLarge,
    /// Not a date.
    NotDate,
    /// A date of a day that does not exist (`30.02.2026`, month 13).
    NoSuchDate,
    /// Not a time of day.
    NotTime,
    /// A time that does not exist (`24:00`, `12:60`).
    NoSuchTime,
    /// Not a date and time.
    NotDateTime,
    /// A wall time the clocks skip in spring (`2026-03-29 02:30` in Germany).
    SkippedHour,
    /// `CET` or `CEST` after a time when the other one was in effect.
    ZoneNotInEffect,
    /// Neither yes nor no.
    NotYesNo,
    /// A latitude or longitude that is not a number.
    NotPosition,
    /// A position with only one of latitude and longitude.
    PositionIncomplete,
    /// A position's accuracy that is not a number of metres.
    NotAccuracy,
    /// Answers of this kind are not typed as one text (photos, signatures, several inputs).
    NotTyped,
}

impl Unreadable {
    /// Every kind, for tests that each is phrased.
    pub const ALL: [Unreadable; 16] = [
        Unreadable::NotWholeNumber,
        Unreadable::NotNumber,
        Unreadable::Ambiguous,
        Unreadable::TooLarge,
        Unreadable::NotDate,
        Unreadable::NoSuchDate,
        Unreadable::NotTime,
        Unreadable::NoSuchTime,
        Unreadable::NotDateTime,
        Unreadable::SkippedHour,
        Unreadable::ZoneNotInEffect,
        Unreadable::NotYesNo,
        Unreadable::NotPosition,
        Unreadable::PositionIncomplete,
        Unreadable::NotAccuracy,
        Unreadable::NotTyped,
    ];
}

impl fmt::Display for Unreadable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.text(Language::En))
    }
}

impl std::error::Error for Unreadable {}

/// The answer typed as `text` into the input of a field of `kind`, in the reader's `lang`;
/// `Ok(None)` for nothing typed. Short texts, plates and choices are kept trimmed, long
/// texts as typed (a browser's CRLF line breaks as LF). Whether the answer fits the field
/// (its range, options, pattern) is `schema::check_value`'s to say.
///
/// # Errors
/// Why `text` is not an answer of the kind, [`Unreadable::NotTyped`] for the kinds that
/// are not typed as one text (multiple choices, positions, addresses, photos, signatures).
pub fn answer(
    kind: &FieldKind,
    text: &str,
    lang: Language,
) -> Result<Option<FieldValue>, Unreadable> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Ok(None);
    }
    Ok(Some(match kind {
        FieldKind::ShortText { .. } => FieldValue::Text(trimmed.to_string()),
        FieldKind::VehiclePlate => FieldValue::Plate(trimmed.to_string()),
        FieldKind::LongText { .. } | FieldKind::OfficerNotes { .. } => {
            FieldValue::LongText(text.replace("\r\n", "\n"))
        }
        FieldKind::SingleChoice { .. } => FieldValue::Choice(trimmed.to_string()),
        FieldKind::Integer { .. } => FieldValue::Integer(integer(trimmed)?),
        FieldKind::Decimal { .. } => FieldValue::Decimal(number(trimmed, lang)?),
        FieldKind::Date => FieldValue::Date(date(trimmed)?),
        FieldKind::Time => FieldValue::Time(time(trimmed)?),
        FieldKind::DateTime => FieldValue::DateTime(date_time(trimmed)?),
        FieldKind::YesNo => FieldValue::YesNo(yes_no(trimmed)?),
        FieldKind::MultipleChoice { .. }
        | FieldKind::GpsPoint { .. }
        | FieldKind::PostalAddress
        | FieldKind::Photos { .. }
        | FieldKind::Signature => return Err(Unreadable::NotTyped),
    }))
}

/// The text an input shows for `value`, which [`answer`] reads back as the same answer:
/// numbers with the language's decimal separator and no grouping, dates and date-times as
/// [`crate::time::date`] writes them (`23.11.2026`, `2026-11-23`), seconds only when there
/// are any. Empty for the kinds typed into several inputs or none (a position's parts are
/// [`decimal`]s).
pub fn input(value: &FieldValue, lang: Language) -> String {
    match value {
        FieldValue::Text(s)
        | FieldValue::LongText(s)
        | FieldValue::Plate(s)
        | FieldValue::Choice(s) => s.clone(),
        FieldValue::Integer(n) => n.to_string(),
        FieldValue::Decimal(n) => decimal(*n, lang),
        FieldValue::Date(d) => crate::time::date(*d, lang),
        FieldValue::Time(t) => time_input(t),
        FieldValue::DateTime(at) => date_time_input(at, lang),
        FieldValue::YesNo(true) => terms(lang).yes.to_string(),
        FieldValue::YesNo(false) => terms(lang).no.to_string(),
        _ => String::new(),
    }
}

/// The format an input of `kind` is typed in, as a hint in the empty input
/// (`TT.MM.JJJJ`); `None` for the kinds that need none.
pub fn hint(kind: &FieldKind, lang: Language) -> Option<&'static str> {
    let t = crate::problem::texts(lang);
    match kind {
        FieldKind::Date => Some(t.hint_date),
        FieldKind::Time => Some(t.hint_time),
        FieldKind::DateTime => Some(t.hint_date_time),
        _ => None,
    }
}

/// A position typed as latitude, longitude and (when the input is offered) accuracy in
/// metres; `Ok(None)` when nothing is typed. Latitude and longitude take either decimal
/// separator: degrees have no thousands. Whether the position is on the globe is
/// `schema::check_value`'s to say.
///
/// # Errors
/// [`Unreadable::PositionIncomplete`] for one of latitude and longitude without the
/// other, [`Unreadable::NotPosition`] or [`Unreadable::NotAccuracy`] for text that is no
/// number.
pub fn position(
    lat: &str,
    lon: &str,
    accuracy_m: &str,
    lang: Language,
) -> Result<Option<GpsPoint>, Unreadable> {
    let [lat, lon, accuracy_m] = [lat, lon, accuracy_m].map(str::trim);
    if lat.is_empty() && lon.is_empty() && accuracy_m.is_empty() {
        return Ok(None);
    }
    if lat.is_empty() || lon.is_empty() {
        return Err(Unreadable::PositionIncomplete);
    }
    let degrees = |text: &str| {
        parse_decimal(text, Separators::Either).map_err(|e| match e {
            Unreadable::TooLarge => e,
            _ => Unreadable::NotPosition,
        })
    };
    let accuracy_m = if accuracy_m.is_empty() {
        None
    } else {
        Some(number(accuracy_m, lang).map_err(|e| match e {
            Unreadable::NotNumber => Unreadable::NotAccuracy,
            other => other,
        })?)
    };
    Ok(Some(GpsPoint {
        lat: degrees(lat)?,
        lon: degrees(lon)?,
        accuracy_m,
    }))
}

/// An address typed into its four inputs (street, house number, postal code, town), each
/// trimmed; `None` when all are empty. Whether it is complete is `schema::check_value`'s to
/// say.
pub fn address([street, house_number, postal_code, city]: [&str; 4]) -> Option<PostalAddress> {
    let address = PostalAddress {
        street: street.trim().to_string(),
        house_number: house_number.trim().to_string(),
        postal_code: postal_code.trim().to_string(),
        city: city.trim().to_string(),
    };
    let parts = [
        &address.street,
        &address.house_number,
        &address.postal_code,
        &address.city,
    ];
    (!parts.iter().all(|part| part.is_empty())).then_some(address)
}

/// A whole number: ASCII digits with an optional sign.
///
/// # Errors
/// [`Unreadable::NotWholeNumber`], [`Unreadable::Ambiguous`] (`1.000`) or
/// [`Unreadable::TooLarge`] (beyond ±9 223 372 036 854 775 807).
pub fn integer(text: &str) -> Result<i64, Unreadable> {
    let parts = split_number(text.trim(), Separators::Whole).map_err(|e| match e {
        Unreadable::NotNumber => Unreadable::NotWholeNumber,
        other => other,
    })?;
    if parts.fraction.is_some() || parts.whole.is_empty() {
        return Err(Unreadable::NotWholeNumber);
    }
    let sign = if parts.negative { "-" } else { "" };
    format!("{sign}{}", parts.whole)
        .parse()
        .map_err(|_| Unreadable::TooLarge)
}

/// A decimal number in `lang` (see the module's rules).
///
/// # Errors
/// [`Unreadable::NotNumber`], [`Unreadable::Ambiguous`] or [`Unreadable::TooLarge`].
pub fn number(text: &str, lang: Language) -> Result<f64, Unreadable> {
    parse_decimal(text.trim(), Separators::Of(lang))
}

/// Which separators in a number are decimal ones.
#[derive(Debug, Clone, Copy)]
enum Separators {
    /// A decimal in a language: its separator, and the other where it cannot group
    /// thousands (where not exactly three digits follow it).
    Of(Language),
    /// A whole number: none, and a separator followed by three digits groups thousands.
    Whole,
    /// Degrees: either.
    Either,
}

/// A number's parts as typed, checked to be ASCII digits.
struct NumberParts<'a> {
    negative: bool,
    whole: &'a str,
    fraction: Option<&'a str>,
}

fn split_number(text: &str, separators: Separators) -> Result<NumberParts<'_>, Unreadable> {
    let (negative, rest) = match text.chars().next() {
        Some(sign @ ('-' | '−' | '+')) => (sign != '+', &text[sign.len_utf8()..]),
        _ => (false, text),
    };
    let digit_or_separator = |c: char| c.is_ascii_digit() || c == ',' || c == '.';
    if !rest.chars().all(digit_or_separator) {
        // `1 000`: digits grouped with spaces; anything else is no number.
        let grouped = rest
            .chars()
            .all(|c| digit_or_separator(c) || c.is_whitespace());
        return Err(
            if grouped && rest.starts_with(|c: char| c.is_ascii_digit()) {
                Unreadable::Ambiguous
            } else {
                Unreadable::NotNumber
            },
        );
    }
    let mut found = rest.match_indices([',', '.']);
    let Some((at, separator)) = found.next() else {
        if rest.is_empty() {
            return Err(Unreadable::NotNumber);
        }
        return Ok(NumberParts {
            negative,
            whole: rest,
            fraction: None,
        });
    };
    if found.next().is_some() {
        // `1.000,5`, `1,000,000`: grouped, or not a number at all.
        return Err(Unreadable::Ambiguous);
    }
    let (whole, fraction) = (&rest[..at], &rest[at + 1..]);
    if whole.is_empty() && fraction.is_empty() {
        return Err(Unreadable::NotNumber);
    }
    let own = match separators {
        Separators::Either => true,
        Separators::Of(Language::De) => separator == ",",
        Separators::Of(Language::En) => separator == ".",
        Separators::Whole => false,
    };
    if !own && fraction.len() == 3 {
        return Err(Unreadable::Ambiguous);
    }
    Ok(NumberParts {
        negative,
        whole,
        fraction: Some(fraction),
    })
}

fn parse_decimal(text: &str, separators: Separators) -> Result<f64, Unreadable> {
    let parts = split_number(text, separators)?;
    let sign = if parts.negative { "-" } else { "" };
    let whole = if parts.whole.is_empty() {
        "0"
    } else {
        parts.whole
    };
    let fraction = parts.fraction.filter(|f| !f.is_empty()).unwrap_or("0");
    // Only ASCII digits are left, so Rust's parser reads them exactly; what it cannot hold
    // becomes infinite.
    let n: f64 = format!("{sign}{whole}.{fraction}")
        .parse()
        .map_err(|_| Unreadable::NotNumber)?;
    if n.is_finite() {
        Ok(n)
    } else {
        Err(Unreadable::TooLarge)
    }
}

/// ASCII digits, between `min` and `max` of them, as a number.
fn digits(text: &str, min: usize, max: usize) -> Option<u32> {
    let ok = (min..=max).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit());
    ok.then(|| text.parse().ok()).flatten()
}

/// The three parts of `text` between `separator`s, when there are exactly three.
fn three(text: &str, separator: char) -> Option<[&str; 3]> {
    let mut parts = text.split(separator);
    let found = [parts.next()?, parts.next()?, parts.next()?];
    parts.next().is_none().then_some(found)
}

/// A date, `23.11.2026` or `2026-11-23`.
///
/// # Errors
/// [`Unreadable::NotDate`], or [`Unreadable::NoSuchDate`] for a day that does not exist.
pub fn date(text: &str) -> Result<NaiveDate, Unreadable> {
    let text = text.trim();
    let (day, month, year) = if let Some([d, m, y]) = three(text, '.') {
        (digits(d, 1, 2), digits(m, 1, 2), digits(y, 4, 4))
    } else if let Some([y, m, d]) = three(text, '-') {
        (digits(d, 1, 2), digits(m, 1, 2), digits(y, 4, 4))
    } else {
        return Err(Unreadable::NotDate);
    };
    let (Some(day), Some(month), Some(year)) = (day, month, year) else {
        return Err(Unreadable::NotDate);
    };
    let year = i32::try_from(year).map_err(|_| Unreadable::NotDate)?;
    NaiveDate::from_ymd_opt(year, month, day).ok_or(Unreadable::NoSuchDate)
}

/// A time of day, `14:05`, `14:05:30` (or with a fraction of a second, as stored answers
/// may have it).
///
/// # Errors
/// [`Unreadable::NotTime`], or [`Unreadable::NoSuchTime`] for `24:00` and the like.
pub fn time(text: &str) -> Result<NaiveTime, Unreadable> {
    let mut parts = text.trim().split(':');
    let (Some(h), Some(m), s, None) = (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(Unreadable::NotTime);
    };
    let (second, nano) = match s.map(|s| s.split_once('.')) {
        None => (Some(0), Some(0)),
        Some(None) => (s.and_then(|s| digits(s, 2, 2)), Some(0)),
        Some(Some((s, fraction))) => (
            digits(s, 2, 2),
            // Nanoseconds: the fraction's digits, filled up to nine.
            digits(fraction, 1, 9).map(|n| n * 10u32.pow(9 - fraction.len() as u32)),
        ),
    };
    let (Some(hour), Some(minute), Some(second), Some(nano)) =
        (digits(h, 1, 2), digits(m, 2, 2), second, nano)
    else {
        return Err(Unreadable::NotTime);
    };
    if hour > 23 || minute > 59 || second > 59 {
        return Err(Unreadable::NoSuchTime);
    }
    NaiveTime::from_hms_nano_opt(hour, minute, second, nano).ok_or(Unreadable::NoSuchTime)
}

/// A date and time in the office's zone (see the module's rules).
///
/// # Errors
/// [`Unreadable::NotDateTime`]; [`Unreadable::NoSuchDate`] or
/// [`Unreadable::NoSuchTime`] for a part that does not exist, [`Unreadable::SkippedHour`]
/// for a wall time the clocks skip, [`Unreadable::ZoneNotInEffect`].
pub fn date_time(text: &str) -> Result<DateTime<FixedOffset>, Unreadable> {
    let text = text.trim();
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Ok(at);
    }
    let (text, zone) = match text.rsplit_once(char::is_whitespace) {
        Some((rest, "CET" | "MEZ")) => (rest.trim_end(), Some(1)),
        Some((rest, "CEST" | "MESZ")) => (rest.trim_end(), Some(2)),
        _ => (text, None),
    };
    let Some((day, clock)) = text.split_once(|c: char| c == 'T' || c.is_whitespace()) else {
        return Err(Unreadable::NotDateTime);
    };
    let day = date(day).map_err(|e| match e {
        Unreadable::NotDate => Unreadable::NotDateTime,
        other => other,
    })?;
    let clock = time(clock).map_err(|e| match e {
        Unreadable::NotTime => Unreadable::NotDateTime,
        other => other,
    })?;
    office_time(day.and_time(clock), zone)
}

/// The instant of a wall time in the office's zone; `zone_hours` (1 for CET, 2 for CEST)
/// picks one of the hour repeated in autumn, the earlier without it.
fn office_time(
    wall: NaiveDateTime,
    zone_hours: Option<i32>,
) -> Result<DateTime<FixedOffset>, Unreadable> {
    let fits = |at: &DateTime<chrono_tz::Tz>| {
        zone_hours.is_none_or(|h| at.offset().fix().local_minus_utc() == h * 3600)
    };
    let found = match OFFICE_ZONE.from_local_datetime(&wall) {
        LocalResult::None => return Err(Unreadable::SkippedHour),
        LocalResult::Single(at) => fits(&at).then_some(at),
        LocalResult::Ambiguous(earlier, later) => [earlier, later].into_iter().find(|at| fits(at)),
    };
    found
        .map(|at| at.fixed_offset())
        .ok_or(Unreadable::ZoneNotInEffect)
}

/// Yes or no: the form values `yes` and `no`, or the word in either language, in any case.
fn yes_no(text: &str) -> Result<bool, Unreadable> {
    let said = text.to_lowercase();
    let [de, en] = [Language::De, Language::En].map(terms);
    let one_of = |words: [&str; 3]| words.iter().any(|w| w.to_lowercase() == said);
    if one_of(["yes", de.yes, en.yes]) {
        Ok(true)
    } else if one_of(["no", de.no, en.no]) {
        Ok(false)
    } else {
        Err(Unreadable::NotYesNo)
    }
}

/// `14:05`, with seconds (and their fraction) only when there are any.
fn time_input(t: &NaiveTime) -> String {
    let format = match (t.second(), t.nanosecond()) {
        (0, 0) => "%H:%M",
        (_, 0) => "%H:%M:%S",
        _ => "%H:%M:%S%.f",
    };
    t.format(format).to_string()
}

/// The office's wall time of `at`, the date as [`crate::time::date`] writes it, marked
/// `CET` or `CEST` in the hour the clocks repeat.
fn date_time_input(at: &DateTime<FixedOffset>, lang: Language) -> String {
    let local = at.with_timezone(&OFFICE_ZONE);
    let wall = local.naive_local();
    let day = crate::time::date(wall.date(), lang);
    let mut text = format!("{day} {}", time_input(&wall.time()));
    if let LocalResult::Ambiguous(..) = OFFICE_ZONE.from_local_datetime(&wall) {
        text.push(' ');
        text.push_str(&local.format("%Z").to_string());
    }
    text
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use schema::{ChoiceOption, LocalizedText};

    use super::*;
    use Language::{De, En};
    use Unreadable::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn clock(h: u32, m: u32, s: u32, nano: u32) -> NaiveTime {
        NaiveTime::from_hms_nano_opt(h, m, s, nano).unwrap()
    }

    fn rfc3339(text: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(text).unwrap()
    }

    const DECIMAL: FieldKind = FieldKind::Decimal {
        min: None,
        max: None,
        unit: None,
    };
    const INTEGER: FieldKind = FieldKind::Integer {
        min: None,
        max: None,
        unit: None,
    };

    #[test]
    fn numbers_take_the_languages_separator_and_the_other_where_it_cannot_group() {
        assert_eq!(number("2,5", De), Ok(2.5));
        assert_eq!(number("2.5", De), Ok(2.5), "a point where it cannot group");
        assert_eq!(number("1,500", De), Ok(1.5));
        assert_eq!(number("1.500", De), Err(Ambiguous), "1,5 or 1500?");
        assert_eq!(number("2.5", En), Ok(2.5));
        assert_eq!(number("2,5", En), Ok(2.5));
        assert_eq!(number("1.500", En), Ok(1.5));
        assert_eq!(number("1,500", En), Err(Ambiguous));
        assert_eq!(number("1.000,5", De), Err(Ambiguous));
        assert_eq!(number("1,000,000", En), Err(Ambiguous));
        assert_eq!(number("1 000", De), Err(Ambiguous));
        assert_eq!(number(" -0,25\t", De), Ok(-0.25));
        assert_eq!(number("−3", De), Ok(-3.0), "the typographic minus");
        assert_eq!(number("+3", De), Ok(3.0));
        assert_eq!(number(",5", De), Ok(0.5));
        assert_eq!(number("5,", De), Ok(5.0));

        assert_eq!(integer(" 7 "), Ok(7));
        assert_eq!(integer("-12"), Ok(-12));
        assert_eq!(integer("1.000"), Err(Ambiguous));
        assert_eq!(integer("1,000"), Err(Ambiguous));
        assert_eq!(integer("2,5"), Err(NotWholeNumber));
        assert_eq!(integer("zwölf"), Err(NotWholeNumber));
        assert_eq!(integer("-9223372036854775808"), Ok(i64::MIN));
        assert_eq!(integer("9223372036854775808"), Err(TooLarge));
    }

    #[test]
    fn hostile_numbers_get_a_clear_answer_never_a_panic() {
        for text in [
            "NaN", "nan", "inf", "-inf", "infinity", "1e5", "1E5", "0x10", "1_000", "١٢", "１２",
            "٣,٥", "", " ", "-", "+", ",", ".", "+-1", "--1", "1-", "12a", "2,5 m", "½", "\u{0}",
        ] {
            assert_eq!(number(text, De), Err(NotNumber), "{text:?}");
            assert_eq!(number(text, En), Err(NotNumber), "{text:?}");
            assert_eq!(integer(text), Err(NotWholeNumber), "{text:?}");
        }
        let huge = "9".repeat(400);
        assert_eq!(number(&huge, De), Err(TooLarge));
        assert_eq!(integer(&huge), Err(TooLarge));
        assert_eq!(integer(&"9".repeat(100_000)), Err(TooLarge));
        assert_eq!(number(&format!("0,{}1", "0".repeat(400)), De), Ok(0.0));
        // The empty answer is no answer, not an error.
        assert_eq!(answer(&DECIMAL, " \n ", De), Ok(None));
        assert_eq!(answer(&INTEGER, "", En), Ok(None));
    }

    #[test]
    fn dates_are_day_first_with_points_or_year_first_with_dashes() {
        assert_eq!(date("23.11.2026"), Ok(day(2026, 11, 23)));
        assert_eq!(date("2026-11-23"), Ok(day(2026, 11, 23)));
        assert_eq!(date(" 1.2.2026 "), Ok(day(2026, 2, 1)));
        assert_eq!(date("29.02.2028"), Ok(day(2028, 2, 29)), "a leap year");
        for no_such_day in [
            "30.02.2026",
            "29.02.2026",
            "31.04.2026",
            "00.01.2026",
            "01.13.2026",
            "2026-00-10",
        ] {
            assert_eq!(date(no_such_day), Err(NoSuchDate), "{no_such_day}");
        }
        for not_a_date in [
            "30.02.",
            "23.11.26",
            "2026/11/23",
            "11/23/2026",
            "23.11.2026.",
            "23. 11. 2026",
            "２３.１１.２０２６",
            "+2026-11-23",
            "-2026-11-23",
            "20261123",
            "23.11.99999",
            "morgen",
            "",
        ] {
            assert_eq!(date(not_a_date), Err(NotDate), "{not_a_date}");
        }
    }

    #[test]
    fn times_run_from_midnight_to_a_second_before_the_next() {
        assert_eq!(time("14:05"), Ok(clock(14, 5, 0, 0)));
        assert_eq!(time("7:45"), Ok(clock(7, 45, 0, 0)));
        assert_eq!(time("00:00"), Ok(clock(0, 0, 0, 0)));
        assert_eq!(time("23:59:59"), Ok(clock(23, 59, 59, 0)));
        assert_eq!(time("14:05:30.25"), Ok(clock(14, 5, 30, 250_000_000)));
        for no_such_time in ["24:00", "23:60", "12:00:60", "99:99"] {
            assert_eq!(time(no_such_time), Err(NoSuchTime), "{no_such_time}");
        }
        for not_a_time in [
            "7 Uhr",
            "14:5",
            "14.05",
            "1405",
            "14:05:30.",
            "14:05:3",
            "١٤:٠٥",
            "−1:00",
            "123:00",
            "14:05:30:00",
            "",
        ] {
            assert_eq!(time(not_a_time), Err(NotTime), "{not_a_time}");
        }
    }

    #[test]
    fn date_times_are_german_wall_time_whatever_the_offset() {
        let at = |text| date_time(text).map(|at| at.to_rfc3339());
        let ok = |text: &str| Ok(text.to_string());
        assert_eq!(at("23.11.2026 14:05"), ok("2026-11-23T14:05:00+01:00"));
        assert_eq!(at("2026-07-15T09:30"), ok("2026-07-15T09:30:00+02:00"));
        assert_eq!(at("2026-07-15 09:30:15"), ok("2026-07-15T09:30:15+02:00"));
        assert_eq!(at("23.11.2026   14:05"), ok("2026-11-23T14:05:00+01:00"));
        // An instant with its offset is taken as it is.
        assert_eq!(
            at("2026-11-23T13:05:00+00:00"),
            ok("2026-11-23T13:05:00+00:00")
        );
        // Spring: 02:30 does not exist. Autumn: 02:30 happens twice; the first counts
        // unless a zone says otherwise.
        assert_eq!(at("2026-03-29 02:30"), Err(SkippedHour));
        assert_eq!(at("25.10.2026 02:30"), ok("2026-10-25T02:30:00+02:00"));
        assert_eq!(at("25.10.2026 02:30 CEST"), ok("2026-10-25T02:30:00+02:00"));
        assert_eq!(at("25.10.2026 02:30 CET"), ok("2026-10-25T02:30:00+01:00"));
        assert_eq!(at("25.10.2026 02:30 MEZ"), ok("2026-10-25T02:30:00+01:00"));
        assert_eq!(at("01.07.2026 12:00 CET"), Err(ZoneNotInEffect));
        assert_eq!(at("01.07.2026 12:00 CEST"), ok("2026-07-01T12:00:00+02:00"));
        assert_eq!(at("30.02.2026 12:00"), Err(NoSuchDate));
        assert_eq!(at("23.11.2026 24:00"), Err(NoSuchTime));
        for not_a_date_time in [
            "23.11.2026",
            "14:05",
            "morgen früh",
            "23.11.2026 14",
            "23.11.2026T",
            "2026-11-23T14:05+01:00",
            "23.11.2026 14:05 UTC",
            "",
        ] {
            assert_eq!(at(not_a_date_time), Err(NotDateTime), "{not_a_date_time}");
        }
    }

    #[test]
    fn what_an_input_shows_reads_back_as_the_same_answer() {
        let text = FieldKind::ShortText {
            max_length: None,
            pattern: None,
        };
        let long = FieldKind::LongText { max_length: None };
        let choice = FieldKind::SingleChoice {
            options: vec![ChoiceOption {
                value: "a".into(),
                label: LocalizedText::new("A", "A"),
            }],
        };
        let mut answers: Vec<(FieldKind, FieldValue)> = vec![
            (text, FieldValue::Text("Hauptstraße 1".into())),
            (long, FieldValue::LongText("Zeile 1\nZeile 2\n".into())),
            (
                FieldKind::VehiclePlate,
                FieldValue::Plate("B-AB 1234".into()),
            ),
            (choice, FieldValue::Choice("a".into())),
            (FieldKind::YesNo, FieldValue::YesNo(true)),
            (FieldKind::YesNo, FieldValue::YesNo(false)),
        ];
        for n in [0, -5, 1500, i64::MAX, i64::MIN] {
            answers.push((INTEGER, FieldValue::Integer(n)));
        }
        for n in [
            2.5,
            -0.25,
            0.001,
            1500.0,
            1234.5,
            0.1 + 0.2,
            1e300,
            1e-300,
            f64::MAX,
            f64::MIN_POSITIVE,
        ] {
            answers.push((DECIMAL, FieldValue::Decimal(n)));
        }
        for d in [day(2026, 11, 23), day(1, 1, 1), day(9999, 12, 31)] {
            answers.push((FieldKind::Date, FieldValue::Date(d)));
        }
        for t in [
            clock(14, 5, 0, 0),
            clock(0, 0, 0, 0),
            clock(7, 45, 30, 0),
            clock(23, 59, 59, 123_456_789),
        ] {
            answers.push((FieldKind::Time, FieldValue::Time(t)));
        }
        for at in [
            "2026-11-23T14:05:00+01:00",
            "2026-07-15T09:30:15+02:00",
            "2026-11-23T13:05:00+00:00",
            // The hour the clocks repeat, the first and the second time.
            "2026-10-25T02:30:00+02:00",
            "2026-10-25T02:30:00+01:00",
        ] {
            answers.push((FieldKind::DateTime, FieldValue::DateTime(rfc3339(at))));
        }
        for lang in [De, En] {
            for (kind, value) in &answers {
                let shown = input(value, lang);
                assert_eq!(
                    answer(kind, &shown, lang),
                    Ok(Some(value.clone())),
                    "{value:?} shown in {lang:?} as {shown:?}"
                );
            }
        }
        assert_eq!(input(&FieldValue::Decimal(2.5), De), "2,5");
        assert_eq!(input(&FieldValue::Decimal(2.5), En), "2.5");
        assert_eq!(input(&FieldValue::Date(day(2026, 12, 3)), De), "03.12.2026");
        assert_eq!(input(&FieldValue::Date(day(2026, 12, 3)), En), "2026-12-03");
        assert_eq!(
            input(
                &FieldValue::DateTime(rfc3339("2026-12-03T14:05:00+01:00")),
                En
            ),
            "2026-12-03 14:05"
        );
        assert_eq!(hint(&FieldKind::Date, De), Some("TT.MM.JJJJ"));
        assert_eq!(hint(&FieldKind::DateTime, En), Some("YYYY-MM-DD HH:MM"));
        assert_eq!(
            input(
                &FieldValue::DateTime(rfc3339("2026-10-25T02:30:00+01:00")),
                De
            ),
            "25.10.2026 02:30 CET"
        );
        assert_eq!(
            input(
                &FieldValue::DateTime(rfc3339("2026-11-23T13:05:00+00:00")),
                De
            ),
            "23.11.2026 14:05"
        );
    }

    #[test]
    fn yes_no_takes_the_form_values_and_the_words() {
        for (text, yes) in [("yes", true), ("Ja", true), ("YES", true), ("no", false)] {
            assert_eq!(
                answer(&FieldKind::YesNo, text, De),
                Ok(Some(FieldValue::YesNo(yes)))
            );
        }
        assert_eq!(
            answer(&FieldKind::YesNo, "NEIN", En),
            Ok(Some(FieldValue::YesNo(false)))
        );
        assert_eq!(answer(&FieldKind::YesNo, "vielleicht", De), Err(NotYesNo));
    }

    #[test]
    fn positions_take_either_separator_and_need_both_coordinates() {
        let point = |lat, lon, accuracy_m| {
            Ok(Some(GpsPoint {
                lat,
                lon,
                accuracy_m,
            }))
        };
        assert_eq!(
            position("52,52", "13.405", "", De),
            point(52.52, 13.405, None)
        );
        assert_eq!(
            position("52.520", "13,405", " 5 ", De),
            point(52.52, 13.405, Some(5.0))
        );
        assert_eq!(
            position("-33,9", "18.4", "4,5", En),
            point(-33.9, 18.4, Some(4.5))
        );
        assert_eq!(position(" ", "", "", De), Ok(None));
        assert_eq!(position("52,5", "", "", De), Err(PositionIncomplete));
        assert_eq!(position("", "", "5", De), Err(PositionIncomplete));
        assert_eq!(position("Nord", "13", "", De), Err(NotPosition));
        assert_eq!(position("52,52, 13,405", "13", "", De), Err(NotPosition));
        assert_eq!(position("NaN", "13", "", De), Err(NotPosition));
        assert_eq!(position(&"9".repeat(400), "13", "", De), Err(TooLarge));
        assert_eq!(position("52", "13", "fünf", De), Err(NotAccuracy));
        // A position shown as decimals reads back.
        let shown = [52.520_008, 13.404_954].map(|n| decimal(n, De));
        assert_eq!(
            position(&shown[0], &shown[1], "", De),
            point(52.520_008, 13.404_954, None)
        );
    }

    #[test]
    fn addresses_are_trimmed_and_all_empty_is_none() {
        assert_eq!(
            address([" Hauptstraße ", "12a", "10115", "Berlin"]),
            Some(PostalAddress {
                street: "Hauptstraße".into(),
                house_number: "12a".into(),
                postal_code: "10115".into(),
                city: "Berlin".into(),
            })
        );
        assert_eq!(address(["", " ", "\t", ""]), None);
    }

    #[test]
    fn every_unreadable_kind_has_a_text_that_leads_to_it() {
        let multiple = FieldKind::MultipleChoice {
            options: Vec::new(),
            min_selected: None,
            max_selected: None,
        };
        let found = [
            answer(&INTEGER, "zwölf", De),
            answer(&DECIMAL, "zwölf", De),
            answer(&DECIMAL, "1.500", De),
            answer(&DECIMAL, &"9".repeat(400), De),
            answer(&FieldKind::Date, "morgen", De),
            answer(&FieldKind::Date, "30.02.2026", De),
            answer(&FieldKind::Time, "7 Uhr", De),
            answer(&FieldKind::Time, "24:00", De),
            answer(&FieldKind::DateTime, "morgen", De),
            answer(&FieldKind::DateTime, "29.03.2026 02:30", De),
            answer(&FieldKind::DateTime, "01.07.2026 12:00 CET", De),
            answer(&FieldKind::YesNo, "vielleicht", De),
            position("Nord", "13", "", De).map(|_| None),
            position("52", "", "", De).map(|_| None),
            position("52", "13", "fünf", De).map(|_| None),
            answer(&multiple, "a", De),
        ];
        let found: Vec<Unreadable> = found.into_iter().filter_map(Result::err).collect();
        assert_eq!(found, Unreadable::ALL);
    }
}
