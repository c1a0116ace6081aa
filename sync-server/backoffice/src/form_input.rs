//! Answers typed into the case page's edit forms: which fields can be edited there, what the
//! inputs show, and how the submitted form becomes a [`FieldValue`] (through
//! [`FieldValue::from_json`], then checked with [`schema::check_value`] like on the tablet).
//!
//! A form sends `value` for one-input kinds, one `choice` per ticked box for a multiple
//! choice, `street`, `house_number`, `postal_code`, `city` for an address and `lat`, `lon`,
//! `accuracy_m` for a GPS point. Dates and times are typed in German local time
//! (Europe/Berlin): a browser's `datetime-local` input carries no offset, and the office
//! works in German time, so the offset is the one Berlin had at that moment.

use chrono::{DateTime, FixedOffset, NaiveDateTime, Timelike};
use schema::{FieldKind, FieldValue, Language, check_value};
use serde_json::Value;

use super::i18n::Texts;

/// The kind of input a field is edited with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// One line of text.
    Text,
    /// Several lines.
    LongText,
    /// A whole number.
    Integer,
    /// A decimal number.
    Decimal,
    /// Yes or no.
    YesNo,
    /// One of the options: `(value, label)`.
    Choice(Vec<(String, String)>),
    /// Any of the options (checkboxes): `(value, label)`.
    Choices(Vec<(String, String)>),
    /// A calendar date.
    Date,
    /// A time of day.
    Time,
    /// A date and time in German local time.
    DateTime,
    /// Several labelled inputs ([`Part`]): an address or a GPS point.
    Parts,
}

/// One input of a several-input answer (address, GPS point).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// The form field's name.
    pub name: &'static str,
    /// Its label.
    pub label: &'static str,
    /// Its current text.
    pub current: String,
    /// Whether a number is typed (decimal keyboard on touch devices).
    pub numeric: bool,
}

/// How a field of `kind` is edited in the back office, `None` when it is not (photos and
/// signatures are the officer's).
pub fn input_for(kind: &FieldKind, lang: Language) -> Option<Input> {
    let options = |lang: Language| {
        kind.options()
            .iter()
            .map(|o| (o.value.clone(), o.label.get(lang).to_string()))
            .collect()
    };
    Some(match kind {
        FieldKind::ShortText { .. } | FieldKind::VehiclePlate => Input::Text,
        FieldKind::LongText { .. } | FieldKind::OfficerNotes { .. } => Input::LongText,
        FieldKind::Integer { .. } => Input::Integer,
        FieldKind::Decimal { .. } => Input::Decimal,
        FieldKind::YesNo => Input::YesNo,
        FieldKind::SingleChoice { .. } => Input::Choice(options(lang)),
        FieldKind::MultipleChoice { .. } => Input::Choices(options(lang)),
        FieldKind::Date => Input::Date,
        FieldKind::Time => Input::Time,
        FieldKind::DateTime => Input::DateTime,
        FieldKind::PostalAddress | FieldKind::GpsPoint { .. } => Input::Parts,
        _ => return None,
    })
}

/// Seconds only when there are any, so a value typed to the minute reads as typed.
fn time_format(seconds: u32) -> &'static str {
    if seconds == 0 { "%H:%M" } else { "%H:%M:%S" }
}

/// A point in time as a `datetime-local` input shows it: German local time.
fn berlin_input(at: &DateTime<FixedOffset>) -> String {
    let local = texts::time::office_wall(at);
    let format = format!("%Y-%m-%dT{}", time_format(local.second()));
    local.format(&format).to_string()
}

/// The text a one-input field starts with for the current answer.
pub fn current_input(value: Option<&FieldValue>) -> String {
    match value {
        Some(FieldValue::Text(s) | FieldValue::LongText(s) | FieldValue::Plate(s)) => s.clone(),
        Some(FieldValue::Choice(s)) => s.clone(),
        Some(FieldValue::Integer(n)) => n.to_string(),
        Some(FieldValue::Decimal(n)) => n.to_string(),
        Some(FieldValue::YesNo(true)) => "yes".into(),
        Some(FieldValue::YesNo(false)) => "no".into(),
        Some(FieldValue::Date(d)) => d.format("%Y-%m-%d").to_string(),
        Some(FieldValue::Time(t)) => t.format(time_format(t.second())).to_string(),
        Some(FieldValue::DateTime(at)) => berlin_input(at),
        _ => String::new(),
    }
}

/// The options ticked in the current answer of a multiple choice.
pub fn current_choices(value: Option<&FieldValue>) -> Vec<String> {
    match value {
        Some(FieldValue::Choices(set)) => set.iter().cloned().collect(),
        _ => Vec::new(),
    }
}

/// The inputs of an address or GPS point with the current answer; empty for other kinds.
pub fn parts(kind: &FieldKind, value: Option<&FieldValue>, t: &'static Texts) -> Vec<Part> {
    let part = |name, label, current: String, numeric| Part {
        name,
        label,
        current,
        numeric,
    };
    match kind {
        FieldKind::PostalAddress => {
            let a = match value {
                Some(FieldValue::Address(a)) => a.clone(),
                _ => schema::PostalAddress::default(),
            };
            vec![
                part("street", t.edit_street, a.street, false),
                part("house_number", t.edit_house_number, a.house_number, false),
                part("postal_code", t.edit_postal_code, a.postal_code, false),
                part("city", t.edit_city, a.city, false),
            ]
        }
        FieldKind::GpsPoint { .. } => {
            let p = match value {
                Some(FieldValue::Gps(p)) => Some(*p),
                _ => None,
            };
            vec![
                part(
                    "lat",
                    t.edit_latitude,
                    p.map(|p| p.lat.to_string()).unwrap_or_default(),
                    true,
                ),
                part(
                    "lon",
                    t.edit_longitude,
                    p.map(|p| p.lon.to_string()).unwrap_or_default(),
                    true,
                ),
                part(
                    "accuracy_m",
                    t.edit_accuracy,
                    p.and_then(|p| p.accuracy_m)
                        .map(|a| a.to_string())
                        .unwrap_or_default(),
                    true,
                ),
            ]
        }
        _ => Vec::new(),
    }
}

/// What the edit form of one answer sent: its fields by name, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Typed(Vec<(String, String)>);

impl Typed {
    /// The submitted form's fields.
    pub fn new(pairs: Vec<(String, String)>) -> Self {
        Self(pairs)
    }

    /// A form that sent only `value`.
    #[cfg(test)]
    pub fn value(raw: &str) -> Self {
        Self(vec![("value".into(), raw.into())])
    }

    /// The first value of `name`, `""` when the form did not send it.
    fn one(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(key, _)| key == name)
            .map_or("", |(_, value)| value.as_str())
    }

    /// Every non-empty value of `name`, trimmed.
    fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(key, _)| key == name)
            .map(|(_, value)| value.trim().to_string())
            .filter(|value| !value.is_empty())
            .collect()
    }
}

/// A number as typed; German users type a decimal comma.
fn number(text: &str) -> Result<f64, String> {
    let text = text.trim();
    text.replace(',', ".")
        .parse::<f64>()
        .ok()
        .filter(|n| n.is_finite())
        .ok_or_else(|| format!("`{text}` is not a number"))
}

fn json_number(text: &str) -> Result<Value, String> {
    serde_json::Number::from_f64(number(text)?)
        .map(Value::Number)
        .ok_or_else(|| format!("`{}` is not a number", text.trim()))
}

/// A `datetime-local` text (German local time) or a full RFC 3339 time, as RFC 3339.
fn datetime_json(text: &str) -> Result<Value, String> {
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Ok(Value::String(at.to_rfc3339()));
    }
    let local = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S")
        .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M"))
        .map_err(|_| format!("`{text}` is not a date and time like 2026-11-23T14:05"))?;
    // The hour the clocks go back happens twice; the first is the likelier meaning.
    let at = texts::time::office_local(local).ok_or_else(|| {
        format!("`{text}` does not exist in German time (the clocks skip that hour)")
    })?;
    Ok(Value::String(at.to_rfc3339()))
}

/// The answer a form sent for a field of `kind`: `Ok(None)` clears it (nothing typed or
/// ticked).
///
/// # Errors
/// Why the input is not an answer to this field, in plain words.
pub fn parse(kind: &FieldKind, typed: &Typed) -> Result<Option<FieldValue>, String> {
    let json = match kind {
        FieldKind::MultipleChoice { .. } => {
            let chosen = typed.all("choice");
            if chosen.is_empty() {
                return Ok(None);
            }
            Value::Array(chosen.into_iter().map(Value::String).collect())
        }
        FieldKind::PostalAddress => {
            let [street, house_number, postal_code, city] =
                ["street", "house_number", "postal_code", "city"]
                    .map(|name| typed.one(name).trim().to_string());
            if [&street, &house_number, &postal_code, &city]
                .iter()
                .all(|s| s.is_empty())
            {
                return Ok(None);
            }
            serde_json::json!({
                "street": street,
                "house_number": house_number,
                "postal_code": postal_code,
                "city": city,
            })
        }
        FieldKind::GpsPoint { .. } => {
            let [lat, lon, accuracy] = ["lat", "lon", "accuracy_m"].map(|n| typed.one(n).trim());
            if lat.is_empty() && lon.is_empty() && accuracy.is_empty() {
                return Ok(None);
            }
            if lat.is_empty() || lon.is_empty() {
                return Err("a position needs both latitude and longitude".into());
            }
            let accuracy = if accuracy.is_empty() {
                Value::Null
            } else {
                json_number(accuracy)?
            };
            serde_json::json!({
                "lat": json_number(lat)?,
                "lon": json_number(lon)?,
                "accuracy_m": accuracy,
            })
        }
        _ => match one_input(kind, typed.one("value"))? {
            Some(json) => json,
            None => return Ok(None),
        },
    };
    let value = FieldValue::from_json(kind, &json)?;
    match check_value(kind, &value) {
        Some(problem) => Err(problem.to_string()),
        None => Ok(Some(value)),
    }
}

/// The JSON answer of a one-input field; `None` for an empty input.
fn one_input(kind: &FieldKind, raw: &str) -> Result<Option<Value>, String> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Ok(None);
    }
    Ok(Some(match kind {
        // Text keeps what was typed (line breaks, inner spaces); browsers send CRLF.
        FieldKind::LongText { .. } | FieldKind::OfficerNotes { .. } => {
            Value::String(raw.replace("\r\n", "\n"))
        }
        FieldKind::ShortText { .. }
        | FieldKind::VehiclePlate
        | FieldKind::SingleChoice { .. }
        | FieldKind::Date
        | FieldKind::Time => Value::String(trimmed.to_string()),
        FieldKind::DateTime => datetime_json(trimmed)?,
        FieldKind::Integer { .. } => Value::from(
            trimmed
                .parse::<i64>()
                .map_err(|_| format!("`{trimmed}` is not a whole number"))?,
        ),
        FieldKind::Decimal { .. } => json_number(trimmed)?,
        FieldKind::YesNo => match trimmed {
            "yes" => Value::Bool(true),
            "no" => Value::Bool(false),
            other => return Err(format!("`{other}` is neither yes nor no")),
        },
        _ => return Err("this field cannot be changed in the back office".into()),
    }))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use chrono::{NaiveDate, NaiveTime};
    use schema::{ChoiceOption, GpsPoint, LocalizedText, PostalAddress};

    use super::*;

    #[test]
    fn typed_text_becomes_checked_answers() {
        let integer = FieldKind::Integer {
            min: Some(0),
            max: Some(10),
            unit: None,
        };
        assert_eq!(
            parse(&integer, &Typed::value(" 7 ")),
            Ok(Some(FieldValue::Integer(7)))
        );
        assert!(parse(&integer, &Typed::value("11")).is_err());
        assert!(parse(&integer, &Typed::value("sieben")).is_err());
        assert_eq!(parse(&integer, &Typed::value("")), Ok(None));
        let decimal = FieldKind::Decimal {
            min: None,
            max: None,
            unit: None,
        };
        assert_eq!(
            parse(&decimal, &Typed::value("2,5")),
            Ok(Some(FieldValue::Decimal(2.5)))
        );
        assert!(parse(&decimal, &Typed::value("NaN")).is_err());
        assert_eq!(
            parse(&FieldKind::YesNo, &Typed::value("no")),
            Ok(Some(FieldValue::YesNo(false)))
        );
        let choice = FieldKind::SingleChoice {
            options: vec![ChoiceOption {
                value: "a".into(),
                label: LocalizedText::new("A", "A"),
            }],
        };
        assert_eq!(
            parse(&choice, &Typed::value("a")),
            Ok(Some(FieldValue::Choice("a".into())))
        );
        assert!(parse(&choice, &Typed::value("b")).is_err());
        assert_eq!(
            parse(
                &FieldKind::LongText { max_length: None },
                &Typed::value("a\r\nb")
            ),
            Ok(Some(FieldValue::LongText("a\nb".into())))
        );
    }

    fn form(pairs: &[(&str, &str)]) -> Typed {
        Typed::new(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
                .collect(),
        )
    }

    #[test]
    fn dates_and_times_are_typed_in_german_time() {
        assert_eq!(
            parse(&FieldKind::Date, &Typed::value("2026-03-29")),
            Ok(Some(FieldValue::Date(
                NaiveDate::from_ymd_opt(2026, 3, 29).unwrap()
            )))
        );
        assert!(parse(&FieldKind::Date, &Typed::value("29.03.2026")).is_err());
        assert_eq!(
            parse(&FieldKind::Time, &Typed::value("14:05")),
            Ok(Some(FieldValue::Time(
                NaiveTime::from_hms_opt(14, 5, 0).unwrap()
            )))
        );
        assert!(parse(&FieldKind::Time, &Typed::value("25:00")).is_err());
        let winter = parse(&FieldKind::DateTime, &Typed::value("2026-01-15T09:30")).unwrap();
        let summer = parse(&FieldKind::DateTime, &Typed::value("2026-07-15T09:30")).unwrap();
        match (&winter, &summer) {
            (Some(FieldValue::DateTime(w)), Some(FieldValue::DateTime(s))) => {
                assert_eq!(w.to_rfc3339(), "2026-01-15T09:30:00+01:00");
                assert_eq!(s.to_rfc3339(), "2026-07-15T09:30:00+02:00");
            }
            other => panic!("not date-times: {other:?}"),
        }
        // The input shows what was typed, whatever offset the answer was stored with.
        let stored = FieldValue::DateTime(
            chrono::DateTime::parse_from_rfc3339("2026-07-15T07:30:00+00:00").unwrap(),
        );
        assert_eq!(current_input(Some(&stored)), "2026-07-15T09:30");
        assert_eq!(current_input(summer.as_ref()), "2026-07-15T09:30");
        // 02:30 on the last Sunday of March does not exist in Germany.
        assert!(parse(&FieldKind::DateTime, &Typed::value("2026-03-29T02:30")).is_err());
    }

    #[test]
    fn multiple_choices_addresses_and_positions_come_from_several_inputs() {
        let kind = FieldKind::MultipleChoice {
            options: ["bulky", "household"]
                .map(|v| ChoiceOption {
                    value: v.into(),
                    label: LocalizedText::new(v, v),
                })
                .to_vec(),
            min_selected: None,
            max_selected: None,
        };
        assert_eq!(
            parse(
                &kind,
                &form(&[("choice", "household"), ("choice", "bulky")])
            ),
            Ok(Some(FieldValue::Choices(
                ["bulky".to_string(), "household".to_string()].into()
            )))
        );
        assert_eq!(parse(&kind, &form(&[])), Ok(None), "nothing ticked clears");
        assert!(parse(&kind, &form(&[("choice", "toxic")])).is_err());

        let address = form(&[
            ("street", " Hauptstraße "),
            ("house_number", "12a"),
            ("postal_code", "10115"),
            ("city", "Berlin"),
        ]);
        assert_eq!(
            parse(&FieldKind::PostalAddress, &address),
            Ok(Some(FieldValue::Address(PostalAddress {
                street: "Hauptstraße".into(),
                house_number: "12a".into(),
                postal_code: "10115".into(),
                city: "Berlin".into(),
            })))
        );
        assert_eq!(
            parse(
                &FieldKind::PostalAddress,
                &form(&[("street", ""), ("city", " ")])
            ),
            Ok(None)
        );

        let gps = FieldKind::GpsPoint {
            max_accuracy_m: None,
        };
        assert_eq!(
            parse(
                &gps,
                &form(&[("lat", "52,52"), ("lon", "13.405"), ("accuracy_m", "")])
            ),
            Ok(Some(FieldValue::Gps(GpsPoint {
                lat: 52.52,
                lon: 13.405,
                accuracy_m: None,
            })))
        );
        assert!(
            parse(&gps, &form(&[("lat", "52.5")])).is_err(),
            "no longitude"
        );
        assert!(parse(&gps, &form(&[("lat", "95"), ("lon", "13")])).is_err());
        assert!(parse(&gps, &form(&[("lat", "Nord"), ("lon", "13")])).is_err());
    }
}
