//! The shell: first start, the case list's tabs and search, language, sign-out.

use egui_kittest::kittest::Queryable;

use super::fixture::*;
use crate::store::LocalStore;

#[test]
fn a_new_tablet_asks_for_enrollment_and_an_enrolled_one_does_not() {
    let fresh = tempfile::tempdir().unwrap();
    let mut h = harness(fresh.path());
    assert!(shows(&h, "Tablet anmelden"));
    assert!(is_disabled(&h, "Anmelden"), "nothing typed yet");
    type_into(&mut h, "Serveradresse", "http://127.0.0.1:9");
    type_into(&mut h, "Benutzername", "a.abel");
    type_into(&mut h, "Passwort", "geheim");
    assert!(!is_disabled(&h, "Anmelden"));

    let enrolled = enrolled_dir();
    let h = harness(enrolled.path());
    assert!(!shows(&h, "Tablet anmelden"));
    assert!(shows(&h, "Meine Entwürfe"));
    assert!(shows(&h, "Jetzt synchronisieren"));
}

#[test]
fn the_case_list_sorts_cases_into_tabs_and_searches_them() {
    let dir = enrolled_dir();
    let mut h = harness(dir.path());
    new_every_kind_case(&mut h);
    click(&mut h, "Zurück");
    let row = "Alle Feldarten – Entwurf – wartet auf Sync";
    assert!(shows(&h, row), "a draft is on 'my drafts'");
    click(&mut h, "Synchronisiert");
    assert!(!shows(&h, row), "never synced");
    click(&mut h, "Wartet auf Sync");
    assert!(shows(&h, row));
    type_into(&mut h, "Suche", "Lärm");
    assert!(!shows(&h, row));
    assert!(shows(&h, "Keine Fälle in dieser Ansicht."));
}

#[test]
fn english_is_selectable_and_remembered() {
    let dir = enrolled_dir();
    let mut h = harness(dir.path());
    click(&mut h, "Sprache");
    assert!(shows(&h, "My drafts"));
    assert!(shows(&h, "Sync now"));
    drop(h);
    let h = harness(dir.path());
    assert!(shows(&h, "My drafts"), "the choice survives a restart");
}

#[test]
fn touch_targets_are_at_least_48_points() {
    let dir = enrolled_dir();
    let h = harness(dir.path());
    for label in [
        "Neuer Fall",
        "Jetzt synchronisieren",
        "Abmelden",
        "Meine Entwürfe",
        "Suche",
    ] {
        let rect = h.get_by_label(label).rect();
        assert!(
            rect.height() >= crate::gui::theme::MIN_TOUCH
                && rect.width() >= crate::gui::theme::MIN_TOUCH,
            "{label}: {rect:?}"
        );
    }
}

#[test]
fn sign_out_warns_about_unsynced_work_and_wipes_the_tablet() {
    let dir = enrolled_dir();
    let mut h = harness(dir.path());
    new_every_kind_case(&mut h);
    click(&mut h, "Zurück");
    click(&mut h, "Abmelden");
    assert!(
        h.query_all_by_label_contains("Achtung: 1 Fall und 0 Fotos")
            .next()
            .is_some(),
        "the unsynced case is named"
    );
    click(&mut h, "Abmelden und löschen");
    assert!(shows(&h, "Tablet anmelden"));
    let store = LocalStore::open(dir.path()).unwrap();
    assert!(store.enrollment().unwrap().is_none());
    assert!(store.case_ids().unwrap().is_empty());
}

#[test]
fn the_high_contrast_theme_is_one_tap_away_and_remembered() {
    let dir = enrolled_dir();
    let mut h = harness(dir.path());
    let text_color = |h: &egui_kittest::Harness<'_, crate::gui::FieldApp>| {
        h.ctx.global_style().visuals.override_text_color
    };
    assert_eq!(text_color(&h), None);
    click(&mut h, "Hoher Kontrast");
    assert_eq!(text_color(&h), Some(egui::Color32::BLACK));
    drop(h);
    let h = harness(dir.path());
    assert_eq!(text_color(&h), Some(egui::Color32::BLACK));
}

#[test]
fn the_template_picker_groups_by_category_and_searches() {
    let dir = enrolled_dir();
    {
        let mut store = LocalStore::open(dir.path()).unwrap();
        let waste = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../assets/templates/illegal-waste-dumping.json"
        ))
        .unwrap();
        store.put_template(&waste).unwrap();
    }
    let waste = "Illegale Abfallablagerung (wilder Müll)";
    let mut h = harness(dir.path());
    click(&mut h, "Neuer Fall");
    assert!(shows(&h, "Abfall"), "the category in German");
    assert!(shows(&h, waste) && shows(&h, "Alle Feldarten"));
    type_into(&mut h, "Formular suchen", "abfall");
    assert!(shows(&h, waste));
    assert!(!shows(&h, "Alle Feldarten"));
    click(&mut h, waste);
    assert_eq!(stored_case(dir.path()).template.id, "illegal-waste-dumping");
}
