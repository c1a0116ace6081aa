//! A case is checked against its template: drafts only for wrong answers, submissions also
//! for missing ones; hidden fields are neither required nor checked.
#![allow(clippy::unwrap_used)] // a test crate: a panic here is a failed test

mod common;

use common::{complete_case, document, officer, template};
use schema::{Error, FieldProblem, FieldValue, Mode, PostalAddress, Role, Status, validate};

fn problems(case: &schema::InspectionCase, mode: Mode, key: &str) -> Vec<FieldProblem> {
    validate(case, &template(), mode)
        .for_field(key)
        .cloned()
        .collect()
}

#[test]
fn the_complete_case_is_valid_for_submission() {
    let report = validate(&complete_case(), &template(), Mode::Submission);
    assert!(report.is_valid(), "{report}");
}

#[test]
fn a_draft_may_be_incomplete_but_a_submission_may_not() {
    let mut case = complete_case();
    case.fields.remove("description");
    case.photos.truncate(1);
    assert!(validate(&case, &template(), Mode::Draft).is_valid());
    assert_eq!(
        problems(&case, Mode::Submission, "description"),
        [FieldProblem::Required]
    );
    assert_eq!(
        problems(&case, Mode::Submission, "scene"),
        [FieldProblem::TooFewPhotos { min: 2, actual: 1 }]
    );
}

#[test]
fn wrong_answers_are_reported_even_in_drafts() {
    let mut case = complete_case();
    let f = &mut case.fields;
    f.insert("ref".into(), FieldValue::Text("oa 1".into()));
    f.insert("count".into(), FieldValue::Integer(501));
    f.insert("volume".into(), FieldValue::Decimal(-1.0));
    f.insert("waste".into(), FieldValue::Choice("nuclear".into()));
    f.insert("plate".into(), FieldValue::Plate("BAB1234".into()));
    f.insert("officer".into(), FieldValue::Text("x".repeat(81)));
    f.insert("day".into(), FieldValue::Integer(3));
    let p = |k| problems(&case, Mode::Draft, k);
    assert!(matches!(
        p("ref")[..],
        [FieldProblem::PatternMismatch { .. }]
    ));
    assert_eq!(
        p("count"),
        [FieldProblem::AboveMax {
            max: 500.0,
            actual: 501.0
        }]
    );
    assert_eq!(
        p("volume"),
        [FieldProblem::BelowMin {
            min: 0.0,
            actual: -1.0
        }]
    );
    assert_eq!(p("waste"), [FieldProblem::NotAnOption("nuclear".into())]);
    assert!(matches!(
        p("plate")[..],
        [FieldProblem::Plate(schema::PlateError::NoSeparator)]
    ));
    assert_eq!(
        p("officer"),
        [FieldProblem::TooLong {
            max: 80,
            actual: 81
        }]
    );
    assert_eq!(p("day"), [FieldProblem::WrongKind { expected: "date" }]);
}

#[test]
fn conditional_fields_are_required_only_when_shown() {
    let mut case = complete_case();
    // polluter_known defaults to false: the address is hidden and not required.
    assert!(problems(&case, Mode::Submission, "polluter_address").is_empty());
    case.fields
        .insert("polluter_known".into(), FieldValue::YesNo(true));
    assert_eq!(
        problems(&case, Mode::Submission, "polluter_address"),
        [FieldProblem::Required]
    );
    case.fields.insert(
        "polluter_address".into(),
        FieldValue::Address(PostalAddress {
            street: "Hauptstraße".into(),
            house_number: "12a".into(),
            postal_code: "1011".into(),
            city: "Berlin".into(),
        }),
    );
    assert_eq!(
        problems(&case, Mode::Submission, "polluter_address"),
        [FieldProblem::PostalCode("1011".into())]
    );
}

#[test]
fn visibility_follows_chains_of_conditions() {
    let mut case = complete_case();
    let leaking = FieldValue::Choices(["leaking".to_string()].into());
    case.fields.insert("hazards".into(), leaking);
    // hazards is hidden (waste is not hazardous), so fire_brigade is hidden too.
    assert!(problems(&case, Mode::Submission, "fire_brigade").is_empty());
    case.fields
        .insert("waste".into(), FieldValue::Choice("hazardous".into()));
    assert_eq!(
        problems(&case, Mode::Submission, "fire_brigade"),
        [FieldProblem::Required]
    );
}

#[test]
fn an_inaccurate_position_is_refused_with_advice() {
    let mut case = complete_case();
    case.fields.insert(
        "position".into(),
        FieldValue::Gps(schema::GpsPoint {
            lat: 52.5,
            lon: 13.4,
            accuracy_m: Some(120.0),
        }),
    );
    let p = problems(&case, Mode::Draft, "position");
    assert_eq!(
        p,
        [FieldProblem::PositionTooInaccurate {
            max: 50.0,
            actual: 120.0
        }]
    );
    assert!(p[0].to_string().contains("by hand"));
}

#[test]
fn submission_is_refused_until_the_case_is_valid() {
    let mut case = complete_case();
    case.fields.remove("waste");
    let mut doc = document(&case);
    let err = doc
        .change_status(Status::Submitted, Role::Officer, &template(), &officer(), 5)
        .unwrap_err();
    match err {
        Error::NotValid(report) => assert_eq!(report.for_field("waste").count(), 1),
        other => panic!("expected NotValid, got {other}"),
    }
    assert_eq!(doc.hydrate().unwrap().status, Status::Draft);

    doc.edit(&officer(), 6, |c| {
        c.fields
            .insert("waste".into(), FieldValue::Choice("green".into()));
    })
    .unwrap();
    let submitted = doc
        .change_status(Status::Submitted, Role::Officer, &template(), &officer(), 7)
        .unwrap();
    assert_eq!(submitted.status, Status::Submitted);
}

#[test]
fn a_status_change_by_the_wrong_role_is_refused() {
    let mut doc = document(&complete_case());
    let err = doc
        .change_status(Status::Submitted, Role::Viewer, &template(), &officer(), 5)
        .unwrap_err();
    assert!(matches!(err, Error::Transition(_)), "{err}");
}

#[test]
fn checking_against_another_template_version_is_refused() {
    let mut other = template();
    other.version = 4;
    let mut doc = document(&complete_case());
    let err = doc
        .change_status(Status::Submitted, Role::Officer, &other, &officer(), 5)
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::TemplateMismatch {
                given_version: 4,
                case_version: 3,
                ..
            }
        ),
        "{err}"
    );
}
