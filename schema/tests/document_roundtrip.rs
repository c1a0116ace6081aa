//! A case survives being written, saved, loaded and read back unchanged.
#![allow(clippy::unwrap_used)] // a test crate: a panic here is a failed test

mod common;

use common::{document, generated_case, template};
use proptest::prelude::*;
use schema::{CaseDocument, Mode, validate};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn any_template_valid_case_survives_save_load_hydrate(case in generated_case()) {
        let report = validate(&case, &template(), Mode::Draft);
        prop_assert!(report.is_valid(), "the generator must make draft-valid cases: {}", report);

        let mut doc = document(&case);
        let bytes = doc.save();
        let loaded = CaseDocument::load(&bytes).unwrap();
        prop_assert_eq!(loaded.hydrate().unwrap(), case);
    }

    #[test]
    fn incremental_saves_concatenate_to_the_same_case(case in generated_case(), title in "[a-z ]{1,20}") {
        let mut doc = document(&case);
        let mut log = doc.save();
        let edited = doc.edit(&common::staff(), 1_763_900_500_000, |c| c.title = title.clone()).unwrap();
        log.extend(doc.save_incremental());
        let loaded = CaseDocument::load(&log).unwrap();
        prop_assert_eq!(loaded.hydrate().unwrap(), edited);
    }
}

#[test]
fn reconciling_an_unchanged_case_adds_no_operations() {
    let case = common::complete_case();
    let mut doc = document(&case);
    let heads = doc.heads();
    doc.update(&case, &common::officer(), 1).unwrap();
    assert_eq!(doc.heads(), heads, "an empty change must not be committed");
}

#[test]
fn another_replicas_changes_apply_as_bytes_and_repeat_harmlessly() {
    let mut tablet = document(&common::complete_case());
    let mut server = CaseDocument::load(&tablet.save()).unwrap();
    let edited = tablet
        .edit(&common::officer(), 20, |c| c.title = "Nachtrag".into())
        .unwrap();
    let changes = tablet.save_incremental();
    server.apply_bytes(&changes).unwrap();
    server.apply_bytes(&changes).unwrap();
    assert_eq!(server.hydrate().unwrap(), edited);
    assert_eq!(server.heads(), tablet.heads());
}
