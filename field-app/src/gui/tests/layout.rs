//! The main screens at a portrait and a landscape tablet size: everything the officer needs
//! on a screen is inside the window (after scrolling, for what sits in a scrolled form),
//! not under the sync bar, and at least 48 points on each side.

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{By, NodeT, Queryable};

use super::fixture::*;
use crate::gui::FieldApp;
use crate::gui::theme::MIN_TOUCH;

/// 10" tablets in portrait and landscape, in logical points.
const SIZES: [egui::Vec2; 2] = [egui::vec2(800.0, 1280.0), egui::vec2(1280.0, 800.0)];

fn sized_harness(dir: &std::path::Path, size: egui::Vec2) -> Harness<'static, FieldApp> {
    let mut harness = Harness::builder().with_size(size).build_ui_state(
        |ui, app: &mut FieldApp| app.ui(ui),
        FieldApp::new(dir.into()),
    );
    harness.run_ok();
    harness
}

/// Asserts that the widget named `label` lies wholly in the window, above the sync bar, and
/// is a finger-sized target.
fn assert_reachable(h: &Harness<'_, FieldApp>, label: &str, size: egui::Vec2) {
    let rect = h.get_by_label(label).rect();
    let window = egui::Rect::from_min_size(egui::Pos2::ZERO, size);
    assert!(
        window.contains_rect(rect),
        "{label} at {size:?}: {rect:?} is cut off"
    );
    assert!(
        rect.width() >= MIN_TOUCH && rect.height() >= MIN_TOUCH,
        "{label} at {size:?}: {rect:?} is smaller than {MIN_TOUCH} points"
    );
    let sync = h.get_by_label("Jetzt synchronisieren").rect();
    if label != "Jetzt synchronisieren" {
        assert!(
            rect.bottom() <= sync.top(),
            "{label} at {size:?}: {rect:?} is under the sync bar ({sync:?})"
        );
    }
}

/// Every control on screen (buttons, inputs, checkboxes, choices) that sticks out of the
/// window sideways (nothing scrolls sideways) or is smaller than a finger, described.
fn cramped_controls(h: &Harness<'_, FieldApp>, size: egui::Vec2) -> Vec<String> {
    let controls = By::new().predicate(|n| {
        matches!(
            n.role(),
            Role::Button
                | Role::CheckBox
                | Role::RadioButton
                | Role::TextInput
                | Role::MultilineTextInput
                | Role::ComboBox
                | Role::Tab
        )
    });
    let nodes: Vec<_> = h.query_all(controls).collect();
    assert!(
        nodes.len() >= 5,
        "the check found only {} controls",
        nodes.len()
    );
    nodes
        .into_iter()
        .filter_map(|node| {
            let rect = node.rect();
            let sideways = rect.left() < 0.0 || rect.right() > size.x;
            let small = rect.width() < MIN_TOUCH || rect.height() < MIN_TOUCH;
            (sideways || small).then(|| {
                let name = node.accesskit_node().label().unwrap_or_default();
                format!("{:?} {name:?} {rect:?}", node.accesskit_node().role())
            })
        })
        .collect()
}

/// Asserts [`cramped_controls`] finds none.
fn assert_nothing_cramped(h: &Harness<'_, FieldApp>, size: egui::Vec2, screen: &str) {
    let cramped = cramped_controls(h, size);
    assert!(
        cramped.is_empty(),
        "{screen} at {size:?}:\n{}",
        cramped.join("\n")
    );
}

/// Scrolls the widget named `label` into view, then checks it as [`assert_reachable`].
fn assert_reachable_after_scrolling(h: &mut Harness<'_, FieldApp>, label: &str, size: egui::Vec2) {
    h.get_by_label(label).scroll_to_me();
    h.run_ok();
    assert_reachable(h, label, size);
}

/// A case title as long as officers write them (the address of the scene included).
const LONG_TITLE: &str =
    "Sperrmüll und Altreifen im Hinterhof Hafenstraße 112, Einfahrt neben dem Parkplatz Süd";

/// Stores a draft of [`EVERY_KIND`] titled [`LONG_TITLE`].
fn store_long_titled_case(dir: &std::path::Path) {
    let mut store = crate::store::LocalStore::open(dir).unwrap();
    let template = schema::Template::from_json(EVERY_KIND).unwrap();
    let mut case = schema::InspectionCase::new_draft(&template, "stadt", "a.abel", 0);
    case.title = LONG_TITLE.into();
    let author = schema::ChangeAuthor {
        user: "a.abel".into(),
        device: None,
    };
    let mut doc = schema::CaseDocument::create(&case, &author).unwrap();
    store.insert_case(&mut doc).unwrap();
}

#[test]
fn the_case_list_fits_portrait_and_landscape() {
    for size in SIZES {
        let dir = enrolled_dir();
        store_long_titled_case(dir.path());
        let mut h = sized_harness(dir.path(), size);
        new_every_kind_case(&mut h);
        click(&mut h, "Zurück");
        let long_row = format!("{LONG_TITLE} – Entwurf – wartet auf Sync");
        assert_reachable(&h, &long_row, size);
        let window = egui::Rect::from_min_size(egui::Pos2::ZERO, size);
        let badges: Vec<_> = h
            .query_all_by_label("Entwurf")
            .chain(h.query_all_by_label("wartet auf Sync"))
            .collect();
        assert_eq!(badges.len(), 4, "two rows with two badges each");
        for badge in badges {
            assert!(
                window.contains_rect(badge.rect()),
                "a badge at {size:?} is cut off: {:?}",
                badge.rect()
            );
        }
        for label in [
            "Neuer Fall",
            "Jetzt synchronisieren",
            "Abmelden",
            "Sprache",
            "Meine Entwürfe",
            "Wartet auf Sync",
            "Synchronisiert",
            "Mir zugewiesen",
            "Suche",
            "Alle Feldarten – Entwurf – wartet auf Sync",
        ] {
            assert_reachable(&h, label, size);
        }
        assert_nothing_cramped(&h, size, "case list");
    }
}

#[test]
fn the_form_fits_portrait_and_landscape() {
    for size in SIZES {
        let dir = enrolled_dir();
        let mut h = sized_harness(dir.path(), size);
        new_every_kind_case(&mut h);
        assert_reachable(&h, "Zurück", size);
        assert_reachable(&h, "Jetzt synchronisieren", size);
        assert_nothing_cramped(&h, size, "form");
        for label in [
            "Kontrollkraft",
            "Sachverhalt",
            "Standort: Breite",
            "Standort: Länge",
            "Kennzeichen",
            "Fotos: Foto hinzufügen",
            "Unterschriftsfeld",
            "Unterschrift löschen",
            "Einreichen",
        ] {
            assert_reachable_after_scrolling(&mut h, label, size);
        }
    }
}

#[test]
fn the_annotation_editor_fits_portrait_and_landscape() {
    for size in SIZES {
        let dir = enrolled_dir();
        let mut h = sized_harness(dir.path(), size);
        new_every_kind_case(&mut h);
        h.input_mut().dropped_files.push(dropped(sample_photo()));
        h.run_ok();
        let photo = stored_case(dir.path()).photos[0].id;
        let annotate = format!("Einzeichnen: {photo}");
        h.get_by_label(&annotate).scroll_to_me();
        h.run_ok();
        click(&mut h, &annotate);
        for label in [
            "Stift",
            "Rechteck",
            "Schwärzen",
            "Rot",
            "Dick",
            "Rückgängig",
            "Ganzes Foto",
            "Fertig",
            "Verwerfen",
            "Jetzt synchronisieren",
        ] {
            assert_reachable(&h, label, size);
        }
        assert_nothing_cramped(&h, size, "annotation editor");
        let canvas = h.get_by_label("Foto-Zeichenfläche").rect();
        let sync = h.get_by_label("Jetzt synchronisieren").rect();
        // The photo keeps its aspect ratio, so one side of it is letterboxed.
        assert!(
            canvas.width().max(canvas.height()) >= size.x.min(size.y) * 0.6,
            "the photo gets most of the screen at {size:?}: {canvas:?}"
        );
        let window = egui::Rect::from_min_size(egui::Pos2::ZERO, size);
        assert!(window.contains_rect(canvas), "{canvas:?} at {size:?}");
        assert!(canvas.bottom() <= sync.top(), "{canvas:?} / {sync:?}");
    }
}

/// Caches every bundled template in the store of `dir`; returns their German titles.
fn store_bundled_templates(dir: &std::path::Path) -> Vec<String> {
    let mut store = crate::store::LocalStore::open(dir).unwrap();
    let folder = concat!(env!("CARGO_MANIFEST_DIR"), "/../assets/templates");
    let mut titles = Vec::new();
    for entry in std::fs::read_dir(folder).unwrap() {
        let json = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        let template = store.put_template(&json).unwrap();
        titles.push(template.title.get(schema::Language::De).to_string());
    }
    titles
}

#[test]
fn the_bundled_forms_fit_portrait_and_landscape() {
    for size in SIZES {
        let dir = enrolled_dir();
        let titles = store_bundled_templates(dir.path());
        let mut h = sized_harness(dir.path(), size);
        click(&mut h, "Neuer Fall");
        assert_nothing_cramped(&h, size, "template picker");
        for title in &titles {
            h.get_by_label(title).scroll_to_me();
            h.run_ok();
            click(&mut h, title);
            let heading = h.get_by_label(title).rect();
            let window = egui::Rect::from_min_size(egui::Pos2::ZERO, size);
            assert!(
                window.contains_rect(heading),
                "the title of {title} at {size:?} is cut off: {heading:?}"
            );
            assert_nothing_cramped(&h, size, title);
            assert_reachable_after_scrolling(&mut h, "Einreichen", size);
            click(&mut h, "Zurück");
            click(&mut h, "Neuer Fall");
        }
    }
}
