//! Checking a case against its template, field by field.
//!
//! Drafts may be incomplete: in [`Mode::Draft`] only answers that are present and wrong are
//! reported (a plate in the wrong format, a number out of range), so the form can highlight
//! them while the officer types. [`Mode::Submission`] also reports what is missing; a case
//! is submitted only when that report is empty. Fields hidden by their condition are neither
//! required nor checked — their answers are kept, in case the condition flips back.

use std::fmt;

use crate::case::InspectionCase;
use crate::template::{ConditionValue, Field, FieldKind, Template};
use crate::value::{FieldValue, PlateError, VehiclePlate};

/// How strict validation is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// While editing: only wrong answers.
    Draft,
    /// Before submission: wrong and missing answers.
    Submission,
}

/// What is wrong with one field's answer.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FieldProblem {
    /// A required field has no answer.
    #[error("an answer is required")]
    Required,
    /// The answer is of another kind than the field takes.
    #[error("expected an answer of type `{expected}`")]
    WrongKind {
        /// The field's type.
        expected: &'static str,
    },
    /// Text longer than allowed.
    #[error("{actual} characters, at most {max} allowed")]
    TooLong {
        /// Allowed characters.
        max: u32,
        /// Given characters.
        actual: usize,
    },
    /// Text not matching the field's pattern.
    #[error("does not have the required format ({pattern})")]
    PatternMismatch {
        /// The pattern.
        pattern: String,
    },
    /// A number below the minimum.
    #[error("{actual} is less than the minimum {min}")]
    BelowMin {
        /// Minimum.
        min: f64,
        /// Given.
        actual: f64,
    },
    /// A number above the maximum.
    #[error("{actual} is more than the maximum {max}")]
    AboveMax {
        /// Maximum.
        max: f64,
        /// Given.
        actual: f64,
    },
    /// A number that is not finite.
    #[error("not a finite number")]
    NotFinite,
    /// A choice that is not one of the field's options.
    #[error("`{0}` is not one of the options")]
    NotAnOption(String),
    /// Fewer options selected than required.
    #[error("select at least {min} options ({actual} selected)")]
    TooFewSelected {
        /// Minimum.
        min: u32,
        /// Selected.
        actual: usize,
    },
    /// More options selected than allowed.
    #[error("select at most {max} options ({actual} selected)")]
    TooManySelected {
        /// Maximum.
        max: u32,
        /// Selected.
        actual: usize,
    },
    /// Fewer photos than required.
    #[error("at least {min} photos are required ({actual} taken)")]
    TooFewPhotos {
        /// Minimum.
        min: u32,
        /// Taken.
        actual: usize,
    },
    /// More photos than allowed.
    #[error("at most {max} photos are allowed ({actual} taken)")]
    TooManyPhotos {
        /// Maximum.
        max: u32,
        /// Taken.
        actual: usize,
    },
    /// Not a German registration plate.
    #[error("not a valid plate: {0}")]
    Plate(PlateError),
    /// A position outside the globe.
    #[error("latitude must be within ±90° and longitude within ±180°")]
    PositionOutOfRange,
    /// A position less accurate than the field asks.
    #[error(
        "position accuracy {actual} m is worse than the required {max} m; wait for a better fix or enter the position by hand"
    )]
    PositionTooInaccurate {
        /// Required accuracy radius.
        max: f64,
        /// Reported accuracy radius.
        actual: f64,
    },
    /// An address with parts missing.
    #[error("the address lacks: {}", .0.join(", "))]
    AddressIncomplete(Vec<&'static str>),
    /// A postal code that is not five digits.
    #[error("`{0}` is not a German postal code (five digits)")]
    PostalCode(String),
}

/// A problem with one field.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldError {
    /// The field's key.
    pub field: String,
    /// What is wrong.
    pub problem: FieldProblem,
}

/// The result of validating a case: every field problem, in template order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ValidationReport {
    /// The problems; empty when the case is valid.
    pub errors: Vec<FieldError>,
}

impl ValidationReport {
    /// Whether nothing is wrong.
    pub fn is_valid(&self) -> bool {
        self.errors.is_empty()
    }

    /// The problems of one field, for highlighting it in a form.
    pub fn for_field<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a FieldProblem> + 'a {
        self.errors
            .iter()
            .filter(move |e| e.field == key)
            .map(|e| &e.problem)
    }
}

impl fmt::Display for ValidationReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.errors.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{}: {}", e.field, e.problem)?;
        }
        Ok(())
    }
}

/// Validates `case` against `template` (which must be the template the case follows; see
/// [`crate::Error::TemplateMismatch`]).
pub fn validate(case: &InspectionCase, template: &Template, mode: Mode) -> ValidationReport {
    let mut errors = Vec::new();
    for field in template.fields() {
        if !is_visible(field, case, template) {
            continue;
        }
        let problems = check_field(field, case, mode);
        errors.extend(problems.into_iter().map(|problem| FieldError {
            field: field.key.clone(),
            problem,
        }));
    }
    ValidationReport { errors }
}

/// Whether `field` is shown for the answers in `case`: its condition holds, and the field
/// its condition depends on is itself visible.
pub fn is_visible(field: &Field, case: &InspectionCase, template: &Template) -> bool {
    let mut current = field;
    // Conditions only point to earlier fields (checked when loading), so this terminates;
    // the bound guards against a template that bypassed loading.
    for _ in 0..=template.fields().count() {
        let Some(condition) = &current.visible_when else {
            return true;
        };
        let Some(controller) = template.field(&condition.field) else {
            return false;
        };
        let holds = match case.fields.get(&condition.field) {
            Some(FieldValue::YesNo(b)) => condition.any_of.contains(&ConditionValue::Bool(*b)),
            Some(FieldValue::Choice(c)) => condition
                .any_of
                .contains(&ConditionValue::Option(c.clone())),
            Some(FieldValue::Choices(set)) => condition
                .any_of
                .iter()
                .any(|v| matches!(v, ConditionValue::Option(o) if set.contains(o))),
            _ => false,
        };
        if !holds {
            return false;
        }
        current = controller;
    }
    false
}

fn check_field(field: &Field, case: &InspectionCase, mode: Mode) -> Vec<FieldProblem> {
    if let FieldKind::Photos {
        min_count,
        max_count,
    } = &field.kind
    {
        let actual = case.photos_of(&field.key).count();
        let mut problems = Vec::new();
        let min = if field.required {
            (*min_count).max(1)
        } else {
            *min_count
        };
        if mode == Mode::Submission && (actual as u64) < u64::from(min) {
            problems.push(FieldProblem::TooFewPhotos { min, actual });
        }
        if let Some(max) = max_count
            && actual as u64 > u64::from(*max)
        {
            problems.push(FieldProblem::TooManyPhotos { max: *max, actual });
        }
        return problems;
    }
    match case.fields.get(&field.key) {
        Some(value) if value.is_answered() => check_value(&field.kind, value).into_iter().collect(),
        _ if field.required && mode == Mode::Submission => vec![FieldProblem::Required],
        _ => Vec::new(),
    }
}

/// Checks an answer against a field kind's constraints; `None` when it fits. Used for
/// answers in cases and for defaults in templates.
pub fn check_value(kind: &FieldKind, value: &FieldValue) -> Option<FieldProblem> {
    if let FieldValue::Unknown { .. } = value {
        // Written by a newer version; this one cannot judge it.
        return None;
    }
    if !value.fits(kind) {
        return Some(FieldProblem::WrongKind {
            expected: kind.name(),
        });
    }
    match (kind, value) {
        (
            FieldKind::ShortText {
                max_length,
                pattern,
            },
            FieldValue::Text(s),
        ) => {
            check_length(*max_length, s).or_else(|| {
                let pattern = pattern.as_ref()?;
                // Patterns are checked when the template loads; a bad one matches nothing.
                let matches = regex::Regex::new(&format!("^(?:{pattern})$"))
                    .map(|re| re.is_match(s))
                    .unwrap_or(false);
                (!matches).then(|| FieldProblem::PatternMismatch {
                    pattern: pattern.clone(),
                })
            })
        }
        (
            FieldKind::LongText { max_length } | FieldKind::OfficerNotes { max_length },
            FieldValue::LongText(s),
        ) => check_length(*max_length, s),
        (FieldKind::Integer { min, max, .. }, FieldValue::Integer(n)) => {
            check_range(min.map(|m| m as f64), max.map(|m| m as f64), *n as f64)
        }
        (FieldKind::Decimal { min, max, .. }, FieldValue::Decimal(n)) => {
            if n.is_finite() {
                check_range(*min, *max, *n)
            } else {
                Some(FieldProblem::NotFinite)
            }
        }
        (FieldKind::SingleChoice { options }, FieldValue::Choice(c)) => {
            (!options.iter().any(|o| &o.value == c)).then(|| FieldProblem::NotAnOption(c.clone()))
        }
        (
            FieldKind::MultipleChoice {
                options,
                min_selected,
                max_selected,
            },
            FieldValue::Choices(set),
        ) => {
            if let Some(bad) = set.iter().find(|c| !options.iter().any(|o| &o.value == *c)) {
                return Some(FieldProblem::NotAnOption(bad.clone()));
            }
            if let Some(min) = min_selected
                && set.len() < *min as usize
            {
                return Some(FieldProblem::TooFewSelected {
                    min: *min,
                    actual: set.len(),
                });
            }
            max_selected
                .filter(|max| set.len() > *max as usize)
                .map(|max| FieldProblem::TooManySelected {
                    max,
                    actual: set.len(),
                })
        }
        (FieldKind::GpsPoint { max_accuracy_m }, FieldValue::Gps(p)) => {
            if !(p.lat.is_finite()
                && p.lon.is_finite()
                && p.lat.abs() <= 90.0
                && p.lon.abs() <= 180.0)
            {
                return Some(FieldProblem::PositionOutOfRange);
            }
            match (max_accuracy_m, p.accuracy_m) {
                (Some(max), Some(actual)) if actual.is_nan() || actual > *max => {
                    Some(FieldProblem::PositionTooInaccurate { max: *max, actual })
                }
                _ => None,
            }
        }
        (FieldKind::PostalAddress, FieldValue::Address(a)) => {
            let missing: Vec<&'static str> = [
                ("street", &a.street),
                ("house number", &a.house_number),
                ("postal code", &a.postal_code),
                ("city", &a.city),
            ]
            .into_iter()
            .filter(|(_, v)| v.trim().is_empty())
            .map(|(name, _)| name)
            .collect();
            if !missing.is_empty() {
                return Some(FieldProblem::AddressIncomplete(missing));
            }
            let code = a.postal_code.trim();
            (!(code.len() == 5 && code.chars().all(|c| c.is_ascii_digit())))
                .then(|| FieldProblem::PostalCode(code.to_owned()))
        }
        (FieldKind::VehiclePlate, FieldValue::Plate(p)) => {
            VehiclePlate::parse(p).err().map(FieldProblem::Plate)
        }
        _ => None,
    }
}

fn check_length(max: Option<u32>, s: &str) -> Option<FieldProblem> {
    let max = max?;
    let actual = s.chars().count();
    (actual > max as usize).then_some(FieldProblem::TooLong { max, actual })
}

fn check_range(min: Option<f64>, max: Option<f64>, actual: f64) -> Option<FieldProblem> {
    if let Some(min) = min
        && actual < min
    {
        return Some(FieldProblem::BelowMin { min, actual });
    }
    max.filter(|max| actual > *max)
        .map(|max| FieldProblem::AboveMax { max, actual })
}
