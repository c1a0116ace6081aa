//! The case list's "assigned to me" tab, on cases prepared in the store.

use egui_kittest::kittest::Queryable;
use schema::{CaseDocument, InspectionCase, Status, Template};

use super::fixture::*;
use crate::store::LocalStore;

/// Stores a case of [`EVERY_KIND`] created by the back office, titled `title` with `status`,
/// assigned to `assignee`.
fn store_case(dir: &std::path::Path, title: &str, status: Status, assignee: &str) {
    store_case_by(dir, "office", title, status, assignee);
}

fn store_case_by(
    dir: &std::path::Path,
    creator: &str,
    title: &str,
    status: Status,
    assignee: &str,
) {
    let mut store = LocalStore::open(dir).unwrap();
    let template = Template::from_json(EVERY_KIND).unwrap();
    let mut case = InspectionCase::new_draft(&template, "stadt", creator, 0);
    case.title = title.into();
    case.status = status;
    case.assigned_officer = Some(assignee.into());
    let author = schema::ChangeAuthor {
        user: creator.into(),
        device: None,
    };
    store
        .insert_case(&mut CaseDocument::create(&case, &author).unwrap())
        .unwrap();
}

#[test]
fn assigned_to_me_lists_the_cases_others_assigned_to_the_enrolled_officer() {
    let dir = enrolled_dir();
    store_case(
        dir.path(),
        "Sperrmüll Hafenstraße",
        Status::Assigned,
        "a.abel",
    );
    store_case(dir.path(), "Altöl Marktplatz", Status::Assigned, "b.bauer");
    store_case(dir.path(), "Bauschutt Ring", Status::Submitted, "a.abel");
    store_case_by(
        dir.path(),
        "a.abel",
        "Eigener Entwurf Parkstraße",
        Status::Draft,
        "a.abel",
    );
    let mut h = harness(dir.path());
    click(&mut h, "Mir zugewiesen");
    let listed = |h: &egui_kittest::Harness<'_, crate::gui::FieldApp>, title: &str| {
        h.query_all_by_label_contains(title).next().is_some()
    };
    assert!(listed(&h, "Sperrmüll Hafenstraße"), "assigned to a.abel");
    assert!(listed(&h, "Bauschutt Ring"), "whatever the status");
    assert!(!listed(&h, "Altöl Marktplatz"), "assigned to someone else");
    assert!(
        !listed(&h, "Eigener Entwurf Parkstraße"),
        "the officer's own case, assigned to them from the start"
    );
}
