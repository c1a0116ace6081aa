//! Every form template naper ships loads, passes its checks, and yields a usable case.
#![allow(clippy::unwrap_used)] // a test crate: a panic here is a failed test

use naper_tests::assets_dir;
use schema::{FieldKind, InspectionCase, Mode, Template, validate};

fn bundled() -> Vec<(String, Template)> {
    let dir = assets_dir().join("templates");
    let mut out = Vec::new();
    let entries =
        std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
    for entry in entries {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            let json = std::fs::read_to_string(&path).unwrap();
            let template = Template::from_json(&json)
                .unwrap_or_else(|e| panic!("{} does not load:\n{e}", path.display()));
            out.push((path.display().to_string(), template));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[test]
fn every_bundled_template_loads() {
    let templates = bundled();
    assert!(
        templates.len() >= 7,
        "expected at least seven bundled templates, found {}",
        templates.len()
    );
    let mut ids: Vec<&str> = templates.iter().map(|(_, t)| t.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), templates.len(), "template ids must be unique");
}

#[test]
fn every_bundled_template_asks_for_photos_and_a_place() {
    for (path, t) in bundled() {
        assert!(
            t.fields()
                .any(|f| matches!(f.kind, FieldKind::Photos { min_count, .. } if min_count >= 1)),
            "{path}: an inspection needs at least one photo field with a minimum count"
        );
        assert!(
            t.fields().any(|f| matches!(
                f.kind,
                FieldKind::GpsPoint { .. } | FieldKind::PostalAddress
            )),
            "{path}: an inspection needs a place (GPS point or address)"
        );
        assert!(
            t.fields().any(|f| f.visible_when.is_some()),
            "{path}: expected a conditional follow-up question"
        );
    }
}

#[test]
fn a_new_draft_from_each_template_is_a_valid_draft_but_not_submittable() {
    for (path, t) in bundled() {
        let case = InspectionCase::new_draft(&t, "demo", "officer", 0);
        let draft = validate(&case, &t, Mode::Draft);
        assert!(draft.is_valid(), "{path}: defaults must be valid: {draft}");
        let submission = validate(&case, &t, Mode::Submission);
        assert!(
            !submission.is_valid(),
            "{path}: an empty case must not be submittable"
        );
    }
}
