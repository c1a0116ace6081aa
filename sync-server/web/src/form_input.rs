//! Answers typed into a page's forms (the back office's edit forms, the portal's service
//! forms): which fields can be typed there, what the inputs show, and how the submitted form
//! becomes a [`FieldValue`]: read by
//! [`texts::typed`] as on the tablet, so the same text is the same answer on both, then
//! checked with [`schema::check_value`] as on the tablet; what is wrong is a [`Problem`],
//! which the page words in its language.
//!
//! A form sends `value` for one-input kinds, one `choice` per ticked box for a multiple
//! choice, `street`, `house_number`, `postal_code`, `city` for an address and `lat`, `lon`,
//! `accuracy_m` for a GPS point; a form of several fields prefixes each name with the field's
//! key and a dot (`location.street`), read with [`Typed::of_field`]. Dates and times are typed in German local time
//! (Europe/Berlin): a browser's `datetime-local` input carries no offset, and the office
//! works in German time, so the offset is the one Berlin had at that moment.

use chrono::{DateTime, FixedOffset, Timelike};
use schema::{FieldKind, FieldValue, Language, check_value};
use texts::number::decimal;
use texts::problem::Problem;

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

/// How a field of `kind` is typed into a page, `None` when it is not (photos and signatures
/// are not typed).
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

/// The text a one-input field starts with for the current answer, which [`parse`] reads
/// back as the same answer: text, choices and numbers as `texts::typed` shows them in
/// `lang` (a German decimal comma), the select's `yes` and `no`, and the ISO forms a
/// browser's date, time and `datetime-local` inputs take (German wall time).
pub fn current_input(value: Option<&FieldValue>, lang: Language) -> String {
    match value {
        Some(FieldValue::YesNo(true)) => "yes".into(),
        Some(FieldValue::YesNo(false)) => "no".into(),
        Some(FieldValue::Date(d)) => d.format("%Y-%m-%d").to_string(),
        Some(FieldValue::Time(t)) => t.format(time_format(t.second())).to_string(),
        Some(FieldValue::DateTime(at)) => berlin_input(at),
        Some(value) => texts::typed::input(value, lang),
        None => String::new(),
    }
}

/// The options ticked in the current answer of a multiple choice.
pub fn current_choices(value: Option<&FieldValue>) -> Vec<String> {
    match value {
        Some(FieldValue::Choices(set)) => set.iter().cloned().collect(),
        _ => Vec::new(),
    }
}

/// The inputs of an address or GPS point with the current answer, numbers with the
/// language's decimal separator; empty for other kinds.
pub fn parts(kind: &FieldKind, value: Option<&FieldValue>, lang: Language) -> Vec<Part> {
    let label = |de: &'static str, en: &'static str| match lang {
        Language::De => de,
        Language::En => en,
    };
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
                part("street", label("Straße", "Street"), a.street, false),
                part(
                    "house_number",
                    label("Hausnummer", "House number"),
                    a.house_number,
                    false,
                ),
                part(
                    "postal_code",
                    label("Postleitzahl", "Postal code"),
                    a.postal_code,
                    false,
                ),
                part("city", label("Ort", "Town"), a.city, false),
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
                    label("Breitengrad", "Latitude"),
                    p.map(|p| decimal(p.lat, lang)).unwrap_or_default(),
                    true,
                ),
                part(
                    "lon",
                    label("Längengrad", "Longitude"),
                    p.map(|p| decimal(p.lon, lang)).unwrap_or_default(),
                    true,
                ),
                part(
                    "accuracy_m",
                    label(
                        "Genauigkeit in Metern (optional)",
                        "Accuracy in metres (optional)",
                    ),
                    p.and_then(|p| p.accuracy_m)
                        .map(|a| decimal(a, lang))
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

    /// What a form of several fields sent for field `key`: its `key.name` pairs as `name`,
    /// and a pair named `key` alone as `value`.
    pub fn of_field(&self, key: &str) -> Self {
        Self(
            self.0
                .iter()
                .filter_map(|(name, value)| {
                    let part = if name == key {
                        "value"
                    } else {
                        name.strip_prefix(key)?.strip_prefix('.')?
                    };
                    Some((part.to_string(), value.clone()))
                })
                .collect(),
        )
    }

    /// A form that sent only `value`.
    #[cfg(test)]
    pub fn value(raw: &str) -> Self {
        Self(vec![("value".into(), raw.into())])
    }

    /// The first value of `name`, `""` when the form did not send it.
    pub fn one(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(key, _)| key == name)
            .map_or("", |(_, value)| value.as_str())
    }

    /// Every non-empty value of `name`, trimmed.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(key, _)| key == name)
            .map(|(_, value)| value.trim().to_string())
            .filter(|value| !value.is_empty())
            .collect()
    }
}

/// The answer a form sent for a field of `kind`, read in the page's `lang`: `Ok(None)`
/// clears it (nothing typed or ticked).
///
/// # Errors
/// Why the input is not an answer to this field: text that is none of its kind, or an
/// answer the field does not allow.
pub fn parse(
    kind: &FieldKind,
    typed: &Typed,
    lang: Language,
) -> Result<Option<FieldValue>, Problem> {
    let value = match kind {
        FieldKind::MultipleChoice { .. } => {
            let chosen = typed.all("choice");
            (!chosen.is_empty()).then(|| FieldValue::Choices(chosen.into_iter().collect()))
        }
        FieldKind::PostalAddress => {
            let parts = ["street", "house_number", "postal_code", "city"].map(|n| typed.one(n));
            texts::typed::address(parts).map(FieldValue::Address)
        }
        FieldKind::GpsPoint { .. } => {
            let [lat, lon, accuracy] = ["lat", "lon", "accuracy_m"].map(|n| typed.one(n));
            texts::typed::position(lat, lon, accuracy, lang)?.map(FieldValue::Gps)
        }
        _ => texts::typed::answer(kind, typed.one("value"), lang)?,
    };
    match value.as_ref().and_then(|value| check_value(kind, value)) {
        Some(problem) => Err(problem.into()),
        None => Ok(value),
    }
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
            parse(&integer, &Typed::value(" 7 "), Language::De),
            Ok(Some(FieldValue::Integer(7)))
        );
        assert!(parse(&integer, &Typed::value("11"), Language::De).is_err());
        assert!(parse(&integer, &Typed::value("sieben"), Language::De).is_err());
        assert_eq!(parse(&integer, &Typed::value(""), Language::De), Ok(None));
        let decimal = FieldKind::Decimal {
            min: None,
            max: None,
            unit: None,
        };
        assert_eq!(
            parse(&decimal, &Typed::value("2,5"), Language::De),
            Ok(Some(FieldValue::Decimal(2.5)))
        );
        assert!(parse(&decimal, &Typed::value("NaN"), Language::De).is_err());
        assert_eq!(
            parse(&FieldKind::YesNo, &Typed::value("no"), Language::De),
            Ok(Some(FieldValue::YesNo(false)))
        );
        let choice = FieldKind::SingleChoice {
            options: vec![ChoiceOption {
                value: "a".into(),
                label: LocalizedText::new("A", "A"),
            }],
        };
        assert_eq!(
            parse(&choice, &Typed::value("a"), Language::De),
            Ok(Some(FieldValue::Choice("a".into())))
        );
        assert!(parse(&choice, &Typed::value("b"), Language::De).is_err());
        assert_eq!(
            parse(
                &FieldKind::LongText { max_length: None },
                &Typed::value("a\r\nb"),
                Language::De,
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
            parse(&FieldKind::Date, &Typed::value("2026-03-29"), Language::De),
            Ok(Some(FieldValue::Date(
                NaiveDate::from_ymd_opt(2026, 3, 29).unwrap()
            )))
        );
        // Day first with points reads too, as on the tablet (a browser without a date
        // picker sends what was typed).
        assert_eq!(
            parse(&FieldKind::Date, &Typed::value("29.03.2026"), Language::De),
            parse(&FieldKind::Date, &Typed::value("2026-03-29"), Language::De)
        );
        assert!(parse(&FieldKind::Date, &Typed::value("29.02.2026"), Language::De).is_err());
        assert_eq!(
            parse(&FieldKind::Time, &Typed::value("14:05"), Language::De),
            Ok(Some(FieldValue::Time(
                NaiveTime::from_hms_opt(14, 5, 0).unwrap()
            )))
        );
        assert!(parse(&FieldKind::Time, &Typed::value("25:00"), Language::De).is_err());
        let winter = parse(
            &FieldKind::DateTime,
            &Typed::value("2026-01-15T09:30"),
            Language::De,
        )
        .unwrap();
        let summer = parse(
            &FieldKind::DateTime,
            &Typed::value("2026-07-15T09:30"),
            Language::De,
        )
        .unwrap();
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
        assert_eq!(
            current_input(Some(&stored), Language::De),
            "2026-07-15T09:30"
        );
        assert_eq!(
            current_input(summer.as_ref(), Language::En),
            "2026-07-15T09:30"
        );
        // 02:30 on the last Sunday of March does not exist in Germany.
        assert!(
            parse(
                &FieldKind::DateTime,
                &Typed::value("2026-03-29T02:30"),
                Language::De
            )
            .is_err()
        );
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
                &form(&[("choice", "household"), ("choice", "bulky")]),
                Language::De,
            ),
            Ok(Some(FieldValue::Choices(
                ["bulky".to_string(), "household".to_string()].into()
            )))
        );
        assert_eq!(
            parse(&kind, &form(&[]), Language::De),
            Ok(None),
            "nothing ticked clears"
        );
        assert!(parse(&kind, &form(&[("choice", "toxic")]), Language::De).is_err());

        let address = form(&[
            ("street", " Hauptstraße "),
            ("house_number", "12a"),
            ("postal_code", "10115"),
            ("city", "Berlin"),
        ]);
        assert_eq!(
            parse(&FieldKind::PostalAddress, &address, Language::De),
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
                &form(&[("street", ""), ("city", " ")]),
                Language::De,
            ),
            Ok(None)
        );

        let gps = FieldKind::GpsPoint {
            max_accuracy_m: None,
        };
        assert_eq!(
            parse(
                &gps,
                &form(&[("lat", "52,52"), ("lon", "13.405"), ("accuracy_m", "")]),
                Language::De,
            ),
            Ok(Some(FieldValue::Gps(GpsPoint {
                lat: 52.52,
                lon: 13.405,
                accuracy_m: None,
            })))
        );
        assert!(
            parse(&gps, &form(&[("lat", "52.5")]), Language::De).is_err(),
            "no longitude"
        );
        assert!(parse(&gps, &form(&[("lat", "95"), ("lon", "13")]), Language::De).is_err());
        assert!(parse(&gps, &form(&[("lat", "Nord"), ("lon", "13")]), Language::De).is_err());
    }

    #[test]
    fn what_is_wrong_is_said_in_the_pages_language() {
        use Language::{De, En};
        let integer = FieldKind::Integer {
            min: Some(0),
            max: Some(10),
            unit: None,
        };
        let decimal = FieldKind::Decimal {
            min: None,
            max: None,
            unit: None,
        };
        let said = |kind: &FieldKind, typed: Typed, lang| {
            parse(kind, &typed, lang).map_err(|problem| problem.text(lang))
        };
        let refused = |text: &str| Err(text.to_string());
        assert_eq!(
            said(&integer, Typed::value("11"), De),
            refused("Höchstens 10")
        );
        assert_eq!(
            said(&integer, Typed::value("11"), En),
            refused("At most 10")
        );
        assert_eq!(
            said(&integer, Typed::value("sieben"), De),
            refused("Bitte eine ganze Zahl eingeben")
        );
        assert_eq!(
            said(&FieldKind::Date, Typed::value("30.02.2026"), De),
            refused("Diesen Tag gibt es nicht")
        );
        assert_eq!(
            said(&FieldKind::Date, Typed::value("30.02.2026"), En),
            refused("There is no such day")
        );
        assert!(said(&decimal, Typed::value("1.500"), De).is_err_and(|e| e.contains("1,5")));
        assert!(said(&decimal, Typed::value("1,500"), En).is_err_and(|e| e.contains("1.5")));
        assert_eq!(
            said(&decimal, Typed::value("1,500"), De),
            Ok(Some(FieldValue::Decimal(1.5)))
        );
        let gps = FieldKind::GpsPoint {
            max_accuracy_m: None,
        };
        assert_eq!(
            said(&gps, form(&[("lat", "52,5")]), De),
            refused("Eine Position braucht Breite und Länge")
        );
    }

    #[test]
    fn what_an_input_shows_reads_back_as_the_same_answer() {
        let decimal = FieldKind::Decimal {
            min: None,
            max: None,
            unit: None,
        };
        let point = GpsPoint {
            lat: 52.520_008,
            lon: 13.404_954,
            accuracy_m: Some(4.5),
        };
        let answers = [
            (decimal.clone(), FieldValue::Decimal(1234.5)),
            (decimal, FieldValue::Decimal(0.125)),
            (
                FieldKind::Integer {
                    min: None,
                    max: None,
                    unit: None,
                },
                FieldValue::Integer(-1500),
            ),
            (FieldKind::YesNo, FieldValue::YesNo(true)),
            (
                FieldKind::Date,
                FieldValue::Date(NaiveDate::from_ymd_opt(2026, 12, 3).unwrap()),
            ),
            (
                FieldKind::Time,
                FieldValue::Time(NaiveTime::from_hms_opt(7, 45, 30).unwrap()),
            ),
            (
                FieldKind::DateTime,
                FieldValue::DateTime(
                    chrono::DateTime::parse_from_rfc3339("2026-11-23T13:05:00+00:00").unwrap(),
                ),
            ),
            (
                FieldKind::LongText { max_length: None },
                FieldValue::LongText("Zeile 1\nZeile 2".into()),
            ),
            (
                FieldKind::GpsPoint {
                    max_accuracy_m: None,
                },
                FieldValue::Gps(point),
            ),
        ];
        for lang in [Language::De, Language::En] {
            for (kind, value) in &answers {
                let sent = match kind {
                    FieldKind::GpsPoint { .. } => Typed::new(
                        parts(kind, Some(value), lang)
                            .into_iter()
                            .map(|p| (p.name.to_string(), p.current))
                            .collect(),
                    ),
                    _ => Typed::value(&current_input(Some(value), lang)),
                };
                assert_eq!(
                    parse(kind, &sent, lang),
                    Ok(Some(value.clone())),
                    "{lang:?}: {sent:?}"
                );
            }
        }
        let shown = |lang| current_input(Some(&answers[0].1), lang);
        assert_eq!(shown(Language::De), "1234,5");
        assert_eq!(shown(Language::En), "1234.5");
    }

    #[test]
    fn a_form_of_several_fields_is_read_field_by_field() {
        let sent = form(&[
            ("what", "Sofa"),
            ("place.street", "Hauptstraße"),
            ("place.city", "Tegelhausen"),
            ("placement", "x"),
            ("kinds.choice", "a"),
            ("kinds.choice", "b"),
        ]);
        assert_eq!(sent.of_field("what"), Typed::value("Sofa"));
        let place = sent.of_field("place");
        assert_eq!(place.one("street"), "Hauptstraße");
        assert_eq!(place.one("city"), "Tegelhausen");
        assert_eq!(place.one("value"), "");
        assert_eq!(sent.of_field("kinds").all("choice"), ["a", "b"]);
        assert_eq!(sent.of_field("plac"), Typed::default());
    }
}
