//! What is wrong with an answer, in the words of the reader's language: typed text that is
//! no answer of its field's kind ([`Unreadable`], from [`crate::typed`]) and an answer its
//! field does not allow ([`FieldProblem`], from `schema`'s checks, which word them in
//! English for logs and APIs). The tablet shows them under the field, the back office on
//! its error page; both say the same.
//!
//! The messages are short and say what to type (`Bitte eine Zahl eingeben, z. B. 2,5`),
//! numbers in them written as the language writes them. The table also holds the formats
//! an empty input hints at ([`crate::typed::hint`]).

use schema::{FieldProblem, Language, PlateError};

use crate::number::decimal;
pub use crate::typed::Unreadable;

crate::texts! {
    [plural:
        photos: ("{n} Foto", "{n} Fotos"), ("{n} photo", "{n} photos");
    ]
    not_whole_number: "Bitte eine ganze Zahl eingeben", "Please enter a whole number";
    not_number: "Bitte eine Zahl eingeben, z. B. 2,5", "Please enter a number, e.g. 2.5";
    ambiguous: "Bitte ohne Tausenderpunkte und mit Dezimalkomma eingeben, z. B. 1500 oder 1,5",
        "Please enter the number without thousands separators and with a decimal point, e.g. 1500 or 1.5";
    too_large: "Die Zahl ist zu groß", "The number is too large";
    not_date: "Bitte ein Datum wie 23.11.2026 eingeben", "Please enter a date like 2026-11-23";
    no_such_date: "Diesen Tag gibt es nicht", "There is no such day";
    not_time: "Bitte eine Uhrzeit wie 14:05 eingeben", "Please enter a time like 14:05";
    no_such_time: "Diese Uhrzeit gibt es nicht (00:00 bis 23:59)", "There is no such time (00:00 to 23:59)";
    not_date_time: "Bitte Datum und Uhrzeit wie 23.11.2026 14:05 eingeben",
        "Please enter a date and time like 2026-11-23 14:05";
    skipped_hour: "Diese Uhrzeit gibt es in deutscher Zeit nicht: Die Uhren springen über diese Stunde",
        "This time does not exist in German time: the clocks skip that hour";
    zone_not_in_effect: "CET (MEZ) oder CEST (MESZ) passt nicht zu dieser Uhrzeit",
        "CET or CEST does not fit this time";
    not_yes_no: "Bitte Ja oder Nein wählen", "Please choose yes or no";
    not_position: "Breite und Länge als Dezimalgrad eingeben, z. B. 52,52 und 13,405",
        "Enter latitude and longitude in decimal degrees, e.g. 52.52 and 13.405";
    position_incomplete: "Eine Position braucht Breite und Länge", "A position needs both latitude and longitude";
    not_accuracy: "Die Genauigkeit bitte in Metern eingeben, z. B. 5", "Please enter the accuracy in metres, e.g. 5";
    not_typed: "Diese Angabe wird nicht als Text eingegeben", "This answer is not typed as text";
    hint_date: "TT.MM.JJJJ", "YYYY-MM-DD";
    hint_time: "HH:MM", "HH:MM";
    hint_date_time: "TT.MM.JJJJ HH:MM", "YYYY-MM-DD HH:MM";
    required: "Bitte ausfüllen", "Please fill in";
    wrong_kind: "Die Antwort hat nicht die passende Art", "The answer is not of the right kind";
    too_long: "Zu lang: {actual} Zeichen, höchstens {max}", "Too long: {actual} characters, at most {max}";
    pattern: "Hat nicht das verlangte Format", "Does not have the required format";
    below_min: "Mindestens {min}", "At least {min}";
    above_max: "Höchstens {max}", "At most {max}";
    not_finite: "Keine gültige Zahl", "Not a valid number";
    not_an_option: "Keine der Auswahlmöglichkeiten", "Not one of the options";
    too_few_selected: "Mindestens {min} auswählen", "Select at least {min}";
    too_many_selected: "Höchstens {max} auswählen", "Select at most {max}";
    too_few_photos: "Mindestens {photos} nötig", "At least {photos} needed";
    too_many_photos: "Höchstens {photos} erlaubt", "At most {photos} allowed";
    plate: "Kein gültiges Kennzeichen ({detail})", "Not a valid plate ({detail})";
    plate_empty: "leer", "empty";
    plate_no_separator: "Unterscheidungszeichen mit „-“ oder Leerzeichen abtrennen, wie in B-AB 1234",
        "separate the district code with “-” or a space, as in B-AB 1234";
    plate_district: "„{part}“ ist kein Unterscheidungszeichen: 1 bis 3 Buchstaben, z. B. B, HH, LÖ",
        "“{part}” is not a district code: 1 to 3 letters, e.g. B, HH, LÖ";
    plate_letters: "„{part}“: nach dem Unterscheidungszeichen 1 oder 2 Buchstaben A–Z",
        "“{part}”: 1 or 2 letters A–Z after the district code";
    plate_number: "„{part}“: 1 bis 4 Ziffern, nicht mit 0 beginnend",
        "“{part}”: 1 to 4 digits, not starting with 0";
    plate_too_long: "höchstens 8 Buchstaben und Ziffern, „{part}“ hat {count}",
        "at most 8 letters and digits, “{part}” has {count}";
    position_range: "Breite muss zwischen −90 und 90, Länge zwischen −180 und 180 liegen",
        "Latitude must be within −90 and 90, longitude within −180 and 180";
    position_accuracy: "Position zu ungenau (höchstens {max} m)", "Position not accurate enough (at most {max} m)";
    address_incomplete: "Anschrift unvollständig, es fehlt: {parts}", "Address incomplete, missing: {parts}";
    address_street: "Straße", "street";
    address_house_number: "Hausnummer", "house number";
    address_postal_code: "Postleitzahl", "postal code";
    address_city: "Ort", "town";
    postal_code: "Postleitzahl muss fünf Ziffern haben", "Postal code must have five digits";
}

/// A problem with an answer a person gave, of either kind: what a form that reads and
/// checks an answer refuses it with.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    /// The typed text is no answer of the field's kind.
    Unreadable(Unreadable),
    /// The answer is one the field does not allow.
    Field(FieldProblem),
}

impl Problem {
    /// The problem in words of `lang`.
    pub fn text(&self, lang: Language) -> String {
        match self {
            Problem::Unreadable(unreadable) => unreadable.text(lang).to_string(),
            Problem::Field(problem) => field(problem, lang),
        }
    }
}

impl From<Unreadable> for Problem {
    fn from(unreadable: Unreadable) -> Self {
        Problem::Unreadable(unreadable)
    }
}

impl From<FieldProblem> for Problem {
    fn from(problem: FieldProblem) -> Self {
        Problem::Field(problem)
    }
}

impl Unreadable {
    /// Why the text is no answer, and what to type instead, in words of `lang`.
    pub fn text(self, lang: Language) -> &'static str {
        let t = texts(lang);
        match self {
            Unreadable::NotWholeNumber => t.not_whole_number,
            Unreadable::NotNumber => t.not_number,
            Unreadable::Ambiguous => t.ambiguous,
            Unreadable::TooLarge => t.too_large,
            Unreadable::NotDate => t.not_date,
            Unreadable::NoSuchDate => t.no_such_date,
            Unreadable::NotTime => t.not_time,
            Unreadable::NoSuchTime => t.no_such_time,
            Unreadable::NotDateTime => t.not_date_time,
            Unreadable::SkippedHour => t.skipped_hour,
            Unreadable::ZoneNotInEffect => t.zone_not_in_effect,
            Unreadable::NotYesNo => t.not_yes_no,
            Unreadable::NotPosition => t.not_position,
            Unreadable::PositionIncomplete => t.position_incomplete,
            Unreadable::NotAccuracy => t.not_accuracy,
            Unreadable::NotTyped => t.not_typed,
        }
    }
}

/// `template` with each `{name}` of `pairs` filled in.
fn fill(template: &str, pairs: &[(&str, String)]) -> String {
    pairs
        .iter()
        .fold(template.to_string(), |text, (name, value)| {
            text.replace(&format!("{{{name}}}"), value)
        })
}

/// What is wrong with an answer, in words of `lang`.
pub fn field(problem: &FieldProblem, lang: Language) -> String {
    let t = texts(lang);
    match problem {
        FieldProblem::Required => t.required.to_string(),
        FieldProblem::WrongKind { .. } => t.wrong_kind.to_string(),
        FieldProblem::TooLong { max, actual } => fill(
            t.too_long,
            &[("max", max.to_string()), ("actual", actual.to_string())],
        ),
        FieldProblem::PatternMismatch { .. } => t.pattern.to_string(),
        FieldProblem::BelowMin { min, .. } => fill(t.below_min, &[("min", decimal(*min, lang))]),
        FieldProblem::AboveMax { max, .. } => fill(t.above_max, &[("max", decimal(*max, lang))]),
        FieldProblem::NotFinite => t.not_finite.to_string(),
        FieldProblem::NotAnOption(_) => t.not_an_option.to_string(),
        FieldProblem::TooFewSelected { min, .. } => {
            fill(t.too_few_selected, &[("min", min.to_string())])
        }
        FieldProblem::TooManySelected { max, .. } => {
            fill(t.too_many_selected, &[("max", max.to_string())])
        }
        FieldProblem::TooFewPhotos { min, .. } => fill(
            t.too_few_photos,
            &[("photos", t.photos.fill(u64::from(*min)))],
        ),
        FieldProblem::TooManyPhotos { max, .. } => fill(
            t.too_many_photos,
            &[("photos", t.photos.fill(u64::from(*max)))],
        ),
        FieldProblem::Plate(detail) => fill(t.plate, &[("detail", plate(detail, lang))]),
        FieldProblem::PositionOutOfRange => t.position_range.to_string(),
        FieldProblem::PositionTooInaccurate { max, .. } => {
            fill(t.position_accuracy, &[("max", decimal(*max, lang))])
        }
        FieldProblem::AddressIncomplete(missing) => {
            let parts: Vec<&str> = missing.iter().map(|part| address_part(part, t)).collect();
            fill(t.address_incomplete, &[("parts", parts.join(", "))])
        }
        FieldProblem::PostalCode(_) => t.postal_code.to_string(),
    }
}

/// What is wrong with a registration plate, in words of `lang`.
pub fn plate(problem: &PlateError, lang: Language) -> String {
    let t = texts(lang);
    match problem {
        PlateError::Empty => t.plate_empty.to_string(),
        PlateError::NoSeparator => t.plate_no_separator.to_string(),
        PlateError::District(part) => fill(t.plate_district, &[("part", part.clone())]),
        PlateError::Letters(part) => fill(t.plate_letters, &[("part", part.clone())]),
        PlateError::Number(part) => fill(t.plate_number, &[("part", part.clone())]),
        PlateError::TooLong(part, count) => fill(
            t.plate_too_long,
            &[("part", part.clone()), ("count", count.to_string())],
        ),
    }
}

/// The name of a missing part of an address as `schema` names it (`house number`).
fn address_part<'t>(part: &'t str, t: &'static Texts) -> &'t str {
    match part {
        "street" => t.address_street,
        "house number" => t.address_house_number,
        "postal code" => t.address_postal_code,
        "city" => t.address_city,
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::check;

    #[test]
    fn every_unreadable_kind_is_phrased_in_both_languages() {
        for lang in [Language::De, Language::En] {
            let said: HashSet<&str> = Unreadable::ALL.iter().map(|u| u.text(lang)).collect();
            assert_eq!(
                said.len(),
                Unreadable::ALL.len(),
                "{lang:?}: each its own text"
            );
        }
        assert_eq!(
            Unreadable::NotNumber.text(Language::De),
            "Bitte eine Zahl eingeben, z. B. 2,5"
        );
        assert_eq!(
            Unreadable::NotNumber.text(Language::En),
            "Please enter a number, e.g. 2.5"
        );
        assert_eq!(Unreadable::NoSuchDate.to_string(), "There is no such day");
        assert!(check::rows(ROWS).is_empty(), "{:?}", check::rows(ROWS));
    }

    #[test]
    fn every_field_problem_is_phrased_in_both_languages_with_its_numbers() {
        let problems = [
            FieldProblem::Required,
            FieldProblem::WrongKind {
                expected: "integer",
            },
            FieldProblem::TooLong { max: 5, actual: 7 },
            FieldProblem::PatternMismatch {
                pattern: "[0-9]+".into(),
            },
            FieldProblem::BelowMin {
                min: 0.5,
                actual: 0.25,
            },
            FieldProblem::AboveMax {
                max: 10.0,
                actual: 11.0,
            },
            FieldProblem::NotFinite,
            FieldProblem::NotAnOption("x".into()),
            FieldProblem::TooFewSelected { min: 2, actual: 1 },
            FieldProblem::TooManySelected { max: 2, actual: 3 },
            FieldProblem::TooFewPhotos { min: 1, actual: 0 },
            FieldProblem::TooManyPhotos { max: 3, actual: 4 },
            FieldProblem::Plate(PlateError::Number("0123".into())),
            FieldProblem::PositionOutOfRange,
            FieldProblem::PositionTooInaccurate {
                max: 12.5,
                actual: 30.0,
            },
            FieldProblem::AddressIncomplete(vec!["street", "city"]),
            FieldProblem::PostalCode("1096".into()),
        ];
        for lang in [Language::De, Language::En] {
            let said: Vec<String> = problems.iter().map(|p| field(p, lang)).collect();
            assert!(
                said.iter().all(|s| !s.is_empty() && !s.contains('{')),
                "{said:?}"
            );
            let distinct: HashSet<&String> = said.iter().collect();
            assert_eq!(distinct.len(), problems.len(), "{lang:?}: {said:?}");
            assert_eq!(
                Problem::from(problems[0].clone()).text(lang),
                field(&problems[0], lang)
            );
        }
        let de = |p: &FieldProblem| field(p, Language::De);
        let en = |p: &FieldProblem| field(p, Language::En);
        assert_eq!(de(&problems[4]), "Mindestens 0,5");
        assert_eq!(en(&problems[4]), "At least 0.5");
        assert_eq!(de(&problems[5]), "Höchstens 10");
        assert_eq!(de(&problems[10]), "Mindestens 1 Foto nötig");
        assert_eq!(en(&problems[11]), "At most 3 photos allowed");
        assert_eq!(
            de(&problems[12]),
            "Kein gültiges Kennzeichen („0123“: 1 bis 4 Ziffern, nicht mit 0 beginnend)"
        );
        assert_eq!(
            de(&problems[15]),
            "Anschrift unvollständig, es fehlt: Straße, Ort"
        );
        assert_eq!(
            Problem::from(Unreadable::NotDate).text(Language::De),
            "Bitte ein Datum wie 23.11.2026 eingeben"
        );
    }

    #[test]
    fn every_plate_problem_is_phrased_in_both_languages() {
        let problems = [
            PlateError::Empty,
            PlateError::NoSeparator,
            PlateError::District("ABCD".into()),
            PlateError::Letters("XYZ".into()),
            PlateError::Number("12345".into()),
            PlateError::TooLong("ABC-XY 12345".into(), 10),
        ];
        for lang in [Language::De, Language::En] {
            let said: HashSet<String> = problems.iter().map(|p| plate(p, lang)).collect();
            assert_eq!(said.len(), problems.len());
            assert!(said.iter().all(|s| !s.is_empty() && !s.contains('{')));
        }
    }
}
