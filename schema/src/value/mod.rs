//! Answers to form fields.

mod plate;
mod stored;

use std::collections::BTreeSet;

use annotate::NormPoint;
use autosurgeon::{Hydrate, Reconcile};
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::template::FieldKind;

pub use plate::{PlateError, VehiclePlate};

/// The answer to one field. Which variant fits a field follows from its [`FieldKind`]; photo
/// fields have no value here, their photos are in the case's photo list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldValue {
    /// Short text; concurrent edits resolve to one of the versions (see `ARCHITECTURE.md`).
    Text(String),
    /// Long text or officer notes; concurrent edits merge character by character.
    LongText(String),
    /// A whole number.
    Integer(i64),
    /// A decimal number.
    Decimal(f64),
    /// A calendar date.
    Date(NaiveDate),
    /// A time of day.
    Time(NaiveTime),
    /// A point in time with the offset it was recorded in.
    DateTime(DateTime<FixedOffset>),
    /// The value of the selected option.
    Choice(String),
    /// The values of the selected options. Stored as a set, so two devices selecting the same
    /// option at once select it once.
    Choices(BTreeSet<String>),
    /// Yes (`true`) or no.
    YesNo(bool),
    /// A GPS position.
    Gps(GpsPoint),
    /// A postal address.
    Address(PostalAddress),
    /// A vehicle registration plate as typed; validation checks the German format, and a
    /// draft keeps whatever the officer typed.
    Plate(String),
    /// A handwritten signature.
    Signature(Signature),
    /// A value of a kind this version of naper does not know, written by a newer version.
    /// It is kept untouched in the document when this version edits the case.
    Unknown {
        /// The kind's name as stored.
        kind: String,
    },
}

/// A GPS position in WGS 84.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct GpsPoint {
    /// Latitude in degrees, −90..90.
    pub lat: f64,
    /// Longitude in degrees, −180..180.
    pub lon: f64,
    /// Radius of the 68 % confidence circle in metres, when the device reports it.
    pub accuracy_m: Option<f64>,
}

/// A German postal address.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct PostalAddress {
    /// Street name.
    pub street: String,
    /// House number with any suffix (`12a`).
    pub house_number: String,
    /// Five-digit postal code.
    pub postal_code: String,
    /// Town or city.
    pub city: String,
}

impl PostalAddress {
    /// One line, as printed in lists: `Hauptstraße 12a, 10115 Berlin`.
    pub fn one_line(&self) -> String {
        let street = format!("{} {}", self.street.trim(), self.house_number.trim());
        let place = format!("{} {}", self.postal_code.trim(), self.city.trim());
        [street.trim(), place.trim()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// A handwritten signature, drawn with a finger or pen on a pad.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Signature {
    /// Pen strokes in coordinates normalized to the pad (0..1 on both axes).
    pub strokes: Vec<Vec<NormPoint>>,
    /// Name of the person who signed.
    pub signer: String,
    /// When it was signed, milliseconds since the Unix epoch.
    pub signed_at_ms: i64,
}

impl FieldValue {
    /// Reads the JSON form of an answer to a field of `kind`, as templates write defaults and
    /// the web forms and APIs send answers: a string for text, date (`2026-11-23`), time
    /// (`14:05`), date-time (RFC 3339), choice and plate; a number for integer and decimal; a
    /// boolean for yes/no; an array of strings for multiple choice; an object for GPS point,
    /// address and signature.
    ///
    /// # Errors
    /// A plain reason when the JSON does not have the shape `kind` takes.
    pub fn from_json(kind: &FieldKind, json: &Value) -> Result<FieldValue, String> {
        let expected = |what: &str| {
            format!(
                "expected {what} for a field of type `{}`, got {json}",
                kind.name()
            )
        };
        let string = || {
            json.as_str()
                .map(str::to_owned)
                .ok_or_else(|| expected("a string"))
        };
        Ok(match kind {
            FieldKind::ShortText { .. } => FieldValue::Text(string()?),
            FieldKind::LongText { .. } | FieldKind::OfficerNotes { .. } => {
                FieldValue::LongText(string()?)
            }
            FieldKind::Integer { .. } => {
                FieldValue::Integer(json.as_i64().ok_or_else(|| expected("a whole number"))?)
            }
            FieldKind::Decimal { .. } => {
                let n = json.as_f64().ok_or_else(|| expected("a number"))?;
                FieldValue::Decimal(n)
            }
            FieldKind::Date => {
                let s = string()?;
                FieldValue::Date(
                    NaiveDate::parse_from_str(&s, "%Y-%m-%d")
                        .map_err(|_| format!("`{s}` is not a date like 2026-11-23"))?,
                )
            }
            FieldKind::Time => {
                let s = string()?;
                let t = NaiveTime::parse_from_str(&s, "%H:%M:%S%.f")
                    .or_else(|_| NaiveTime::parse_from_str(&s, "%H:%M"))
                    .map_err(|_| format!("`{s}` is not a time like 14:05"))?;
                FieldValue::Time(t)
            }
            FieldKind::DateTime => {
                let s = string()?;
                FieldValue::DateTime(DateTime::parse_from_rfc3339(&s).map_err(|_| {
                    format!("`{s}` is not a date and time like 2026-11-23T14:05:00+01:00")
                })?)
            }
            FieldKind::SingleChoice { .. } => FieldValue::Choice(string()?),
            FieldKind::MultipleChoice { .. } => {
                let items = json
                    .as_array()
                    .ok_or_else(|| expected("an array of option values"))?;
                let mut set = BTreeSet::new();
                for item in items {
                    set.insert(
                        item.as_str()
                            .ok_or_else(|| expected("an array of option values"))?
                            .to_owned(),
                    );
                }
                FieldValue::Choices(set)
            }
            FieldKind::YesNo => {
                FieldValue::YesNo(json.as_bool().ok_or_else(|| expected("true or false"))?)
            }
            FieldKind::GpsPoint { .. } => FieldValue::Gps(
                serde_json::from_value(json.clone())
                    .map_err(|e| format!("expected {{\"lat\", \"lon\", \"accuracy_m\"}}: {e}"))?,
            ),
            FieldKind::PostalAddress => {
                FieldValue::Address(serde_json::from_value(json.clone()).map_err(|e| {
                    format!(
                        "expected {{\"street\", \"house_number\", \"postal_code\", \"city\"}}: {e}"
                    )
                })?)
            }
            FieldKind::VehiclePlate => FieldValue::Plate(string()?),
            FieldKind::Signature => {
                FieldValue::Signature(serde_json::from_value(json.clone()).map_err(|e| {
                    format!("expected {{\"strokes\", \"signer\", \"signed_at_ms\"}}: {e}")
                })?)
            }
            FieldKind::Photos { .. } => {
                return Err("photo fields take no value; add photos to the case instead".into());
            }
        })
    }

    /// Whether this answer counts as given (an empty text or selection does not).
    pub fn is_answered(&self) -> bool {
        match self {
            FieldValue::Text(s)
            | FieldValue::LongText(s)
            | FieldValue::Plate(s)
            | FieldValue::Choice(s) => !s.trim().is_empty(),
            FieldValue::Choices(set) => !set.is_empty(),
            FieldValue::Signature(sig) => sig.strokes.iter().any(|s| !s.is_empty()),
            _ => true,
        }
    }

    /// Whether this answer is of the shape a field of `kind` takes.
    pub fn fits(&self, kind: &FieldKind) -> bool {
        matches!(
            (self, kind),
            (FieldValue::Text(_), FieldKind::ShortText { .. })
                | (
                    FieldValue::LongText(_),
                    FieldKind::LongText { .. } | FieldKind::OfficerNotes { .. }
                )
                | (FieldValue::Integer(_), FieldKind::Integer { .. })
                | (FieldValue::Decimal(_), FieldKind::Decimal { .. })
                | (FieldValue::Date(_), FieldKind::Date)
                | (FieldValue::Time(_), FieldKind::Time)
                | (FieldValue::DateTime(_), FieldKind::DateTime)
                | (FieldValue::Choice(_), FieldKind::SingleChoice { .. })
                | (FieldValue::Choices(_), FieldKind::MultipleChoice { .. })
                | (FieldValue::YesNo(_), FieldKind::YesNo)
                | (FieldValue::Gps(_), FieldKind::GpsPoint { .. })
                | (FieldValue::Address(_), FieldKind::PostalAddress)
                | (FieldValue::Plate(_), FieldKind::VehiclePlate)
                | (FieldValue::Signature(_), FieldKind::Signature)
        )
    }
}
