//! Answers typed into the case page's edit forms: which fields can be edited there, what the
//! input shows, and how the typed text becomes a [`FieldValue`] (through
//! [`FieldValue::from_json`], then checked with [`schema::check_value`] like on the tablet).

use schema::{FieldKind, FieldValue, Language, check_value};
use serde_json::Value;

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
}

/// How a field of `kind` is edited in the back office, `None` when it is not (photos,
/// signatures, positions, … are the officer's).
pub fn input_for(kind: &FieldKind, lang: Language) -> Option<Input> {
    Some(match kind {
        FieldKind::ShortText { .. } | FieldKind::VehiclePlate => Input::Text,
        FieldKind::LongText { .. } | FieldKind::OfficerNotes { .. } => Input::LongText,
        FieldKind::Integer { .. } => Input::Integer,
        FieldKind::Decimal { .. } => Input::Decimal,
        FieldKind::YesNo => Input::YesNo,
        FieldKind::SingleChoice { options } => Input::Choice(
            options
                .iter()
                .map(|o| (o.value.clone(), o.label.get(lang).to_string()))
                .collect(),
        ),
        _ => return None,
    })
}

/// The text an input starts with for the current answer.
pub fn current_input(value: Option<&FieldValue>) -> String {
    match value {
        Some(FieldValue::Text(s) | FieldValue::LongText(s) | FieldValue::Plate(s)) => s.clone(),
        Some(FieldValue::Choice(s)) => s.clone(),
        Some(FieldValue::Integer(n)) => n.to_string(),
        Some(FieldValue::Decimal(n)) => n.to_string(),
        Some(FieldValue::YesNo(true)) => "yes".into(),
        Some(FieldValue::YesNo(false)) => "no".into(),
        _ => String::new(),
    }
}

/// The answer typed for a field of `kind`: `Ok(None)` clears it (empty input).
///
/// # Errors
/// Why the input is not an answer to this field, in plain words.
pub fn parse(kind: &FieldKind, raw: &str) -> Result<Option<FieldValue>, String> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Ok(None);
    }
    let json = match kind {
        // Text keeps what was typed (line breaks, inner spaces); browsers send CRLF.
        FieldKind::LongText { .. } | FieldKind::OfficerNotes { .. } => {
            Value::String(raw.replace("\r\n", "\n"))
        }
        FieldKind::ShortText { .. } | FieldKind::VehiclePlate | FieldKind::SingleChoice { .. } => {
            Value::String(trimmed.to_string())
        }
        FieldKind::Integer { .. } => Value::from(
            trimmed
                .parse::<i64>()
                .map_err(|_| format!("`{trimmed}` is not a whole number"))?,
        ),
        FieldKind::Decimal { .. } => {
            // German users type a decimal comma.
            let n = trimmed
                .replace(',', ".")
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite())
                .ok_or_else(|| format!("`{trimmed}` is not a number"))?;
            serde_json::Number::from_f64(n)
                .map(Value::Number)
                .ok_or_else(|| format!("`{trimmed}` is not a number"))?
        }
        FieldKind::YesNo => match trimmed {
            "yes" => Value::Bool(true),
            "no" => Value::Bool(false),
            other => return Err(format!("`{other}` is neither yes nor no")),
        },
        _ => return Err("this field cannot be changed in the back office".into()),
    };
    let value = FieldValue::from_json(kind, &json)?;
    match check_value(kind, &value) {
        Some(problem) => Err(problem.to_string()),
        None => Ok(Some(value)),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use schema::{ChoiceOption, LocalizedText};

    use super::*;

    #[test]
    fn typed_text_becomes_checked_answers() {
        let integer = FieldKind::Integer {
            min: Some(0),
            max: Some(10),
            unit: None,
        };
        assert_eq!(parse(&integer, " 7 "), Ok(Some(FieldValue::Integer(7))));
        assert!(parse(&integer, "11").is_err());
        assert!(parse(&integer, "sieben").is_err());
        assert_eq!(parse(&integer, ""), Ok(None));
        let decimal = FieldKind::Decimal {
            min: None,
            max: None,
            unit: None,
        };
        assert_eq!(parse(&decimal, "2,5"), Ok(Some(FieldValue::Decimal(2.5))));
        assert!(parse(&decimal, "NaN").is_err());
        assert_eq!(
            parse(&FieldKind::YesNo, "no"),
            Ok(Some(FieldValue::YesNo(false)))
        );
        let choice = FieldKind::SingleChoice {
            options: vec![ChoiceOption {
                value: "a".into(),
                label: LocalizedText::new("A", "A"),
            }],
        };
        assert_eq!(
            parse(&choice, "a"),
            Ok(Some(FieldValue::Choice("a".into())))
        );
        assert!(parse(&choice, "b").is_err());
        assert!(parse(&FieldKind::Date, "2026-01-01").is_err());
        assert_eq!(
            parse(&FieldKind::LongText { max_length: None }, "a\r\nb"),
            Ok(Some(FieldValue::LongText("a\nb".into())))
        );
    }
}
