//! Answers ([`FieldValue`]) as people read them, in the page's language: option labels and
//! units from the answer's field when it is known.

use schema::{Field, FieldKind, FieldValue, GpsPoint, Language};

use crate::number::decimal;
use crate::terms::terms;

/// A GPS position on one line, the accuracy rounded to whole metres.
pub fn position(point: &GpsPoint, lang: Language) -> String {
    let mut text = format!("{}, {}", decimal(point.lat, lang), decimal(point.lon, lang));
    if let Some(accuracy) = point.accuracy_m {
        text.push_str(&format!(" (± {} m)", decimal(accuracy.round(), lang)));
    }
    text
}

fn option_label(field: Option<&Field>, value: &str, lang: Language) -> String {
    field
        .and_then(|f| f.kind.options().iter().find(|o| o.value == value))
        .map_or_else(|| value.to_string(), |o| o.label.get(lang).to_string())
}

fn unit(field: Option<&Field>) -> String {
    match field.map(|f| &f.kind) {
        Some(
            FieldKind::Integer { unit: Some(u), .. } | FieldKind::Decimal { unit: Some(u), .. },
        ) => {
            format!(" {u}")
        }
        _ => String::new(),
    }
}

/// An answer as text, with option labels and units from its field when known.
pub fn show(value: &FieldValue, field: Option<&Field>, lang: Language) -> String {
    let t = terms(lang);
    match value {
        FieldValue::Text(s) | FieldValue::LongText(s) | FieldValue::Plate(s) => s.clone(),
        FieldValue::Integer(n) => format!("{n}{}", unit(field)),
        FieldValue::Decimal(n) => format!("{}{}", decimal(*n, lang), unit(field)),
        FieldValue::Date(d) => crate::time::date(*d, lang),
        FieldValue::Time(time) => time.format("%H:%M").to_string(),
        FieldValue::DateTime(at) => crate::time::answer(at, lang),
        FieldValue::Choice(v) => option_label(field, v, lang),
        FieldValue::Choices(set) => set
            .iter()
            .map(|v| option_label(field, v, lang))
            .collect::<Vec<_>>()
            .join(", "),
        FieldValue::YesNo(true) => t.yes.into(),
        FieldValue::YesNo(false) => t.no.into(),
        FieldValue::Gps(point) => position(point, lang),
        FieldValue::Address(address) => address.one_line(),
        FieldValue::Signature(signature) => format!("{} {}", t.signed_by, signature.signer),
        FieldValue::Unknown { .. } => t.unknown_kind.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::instant_ms;

    #[test]
    fn values_read_in_the_page_language() {
        assert_eq!(show(&FieldValue::YesNo(true), None, Language::De), "Ja");
        assert_eq!(show(&FieldValue::Decimal(1.5), None, Language::De), "1,5");
        assert_eq!(show(&FieldValue::Decimal(1.5), None, Language::En), "1.5");
        assert_eq!(instant_ms(0, Language::De), "01.01.1970 01:00 CET");
        // 2026-07-01 10:00 UTC is 12:00 summer time; 2026-01-15 10:00 UTC 11:00 winter time.
        assert_eq!(
            instant_ms(1_782_900_000_000, Language::De),
            "01.07.2026 12:00 CEST"
        );
        assert_eq!(
            instant_ms(1_768_471_200_000, Language::En),
            "2026-01-15 11:00 CET"
        );
        let point = GpsPoint {
            lat: 52.52,
            lon: 13.405,
            accuracy_m: Some(4.6),
        };
        assert_eq!(position(&point, Language::De), "52,52, 13,405 (± 5 m)");
    }
}
