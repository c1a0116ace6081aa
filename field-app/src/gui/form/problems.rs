//! Validation problems in the officer's language. `schema` words them in English for logs and
//! APIs; the tablet shows them from the translation table with the numbers filled in.

use schema::FieldProblem;

use crate::gui::i18n::Texts;

/// The message for `problem`.
pub fn problem_text(problem: &FieldProblem, texts: &Texts) -> String {
    let fill = |template: &str, pairs: &[(&str, String)]| {
        pairs
            .iter()
            .fold(template.to_string(), |s, (k, v)| s.replace(k, v))
    };
    match problem {
        FieldProblem::Required => texts.problem_required.to_string(),
        FieldProblem::WrongKind { .. } => texts.problem_wrong_kind.to_string(),
        FieldProblem::TooLong { max, actual } => fill(
            texts.problem_too_long,
            &[("{max}", max.to_string()), ("{actual}", actual.to_string())],
        ),
        FieldProblem::PatternMismatch { .. } => texts.problem_pattern.to_string(),
        FieldProblem::BelowMin { min, .. } => {
            fill(texts.problem_below_min, &[("{min}", number(*min))])
        }
        FieldProblem::AboveMax { max, .. } => {
            fill(texts.problem_above_max, &[("{max}", number(*max))])
        }
        FieldProblem::NotFinite => texts.problem_not_a_number.to_string(),
        FieldProblem::NotAnOption(_) => texts.problem_not_an_option.to_string(),
        FieldProblem::TooFewSelected { min, .. } => fill(
            texts.problem_too_few_selected,
            &[("{min}", min.to_string())],
        ),
        FieldProblem::TooManySelected { max, .. } => fill(
            texts.problem_too_many_selected,
            &[("{max}", max.to_string())],
        ),
        FieldProblem::TooFewPhotos { min, .. } => fill(
            texts.problem_too_few_photos,
            &[("{photos}", texts.photos_count.fill(u64::from(*min)))],
        ),
        FieldProblem::TooManyPhotos { max, .. } => fill(
            texts.problem_too_many_photos,
            &[("{photos}", texts.photos_count.fill(u64::from(*max)))],
        ),
        FieldProblem::Plate(detail) => format!("{} ({detail})", texts.problem_plate),
        FieldProblem::PositionOutOfRange => texts.problem_position_range.to_string(),
        FieldProblem::PositionTooInaccurate { max, .. } => {
            fill(texts.problem_position_accuracy, &[("{max}", number(*max))])
        }
        FieldProblem::AddressIncomplete(_) => texts.problem_address_incomplete.to_string(),
        FieldProblem::PostalCode(_) => texts.problem_postal_code.to_string(),
    }
}

/// A number as Germans and English readers both accept it: no trailing `.0`.
fn number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{n:.0}")
    } else {
        n.to_string()
    }
}
