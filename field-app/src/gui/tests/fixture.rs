//! The prepared tablet and the harness around the real [`FieldApp`].

use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};

use crate::gui::FieldApp;
use crate::store::LocalStore;
use crate::store::enrollment::Enrollment;

/// A template with one field of every kind the form renders, a help text, a condition and
/// required fields.
pub const EVERY_KIND: &str = r#"{"id":"every-kind","version":1,"category":"test",
  "title":{"de":"Alle Feldarten","en":"Every field kind"},
  "sections":[{"key":"s","title":{"de":"Angaben","en":"Details"},"fields":[
    {"key":"officer","type":"short_text","label":{"de":"Kontrollkraft","en":"Officer"},"prefill":"officer_name","required":true},
    {"key":"story","type":"long_text","label":{"de":"Sachverhalt","en":"Facts"},"help":{"de":"Was ist passiert?","en":"What happened?"}},
    {"key":"count","type":"integer","label":{"de":"Anzahl","en":"Count"},"min":1,"max":10,"unit":"Stück","required":true},
    {"key":"volume","type":"decimal","label":{"de":"Menge","en":"Volume"},"unit":"m³"},
    {"key":"day","type":"date","label":{"de":"Tag","en":"Day"}},
    {"key":"time","type":"time","label":{"de":"Uhrzeit","en":"Time"}},
    {"key":"at","type":"date_time","label":{"de":"Zeitpunkt","en":"Moment"}},
    {"key":"kind","type":"single_choice","label":{"de":"Art","en":"Kind"},"required":true,"options":[
      {"value":"bulky","label":{"de":"Sperrmüll","en":"Bulky waste"}},
      {"value":"other","label":{"de":"Sonstiges","en":"Other"}}]},
    {"key":"other","type":"short_text","label":{"de":"Was sonst?","en":"What else?"},"required":true,
     "visible_when":{"field":"kind","any_of":["other"]}},
    {"key":"flags","type":"multiple_choice","label":{"de":"Merkmale","en":"Features"},"options":[
      {"value":"smell","label":{"de":"Geruch","en":"Smell"}},
      {"value":"leak","label":{"de":"Auslaufend","en":"Leaking"}}]},
    {"key":"danger","type":"yes_no","label":{"de":"Gefahr?","en":"Danger?"}},
    {"key":"where","type":"gps_point","label":{"de":"Standort","en":"Position"},"prefill":"device_position"},
    {"key":"address","type":"postal_address","label":{"de":"Anschrift","en":"Address"}},
    {"key":"plate","type":"vehicle_plate","label":{"de":"Kennzeichen","en":"Plate"}},
    {"key":"photos","type":"photos","label":{"de":"Fotos","en":"Photos"},"min_count":1},
    {"key":"signed","type":"signature","label":{"de":"Unterschrift","en":"Signature"}},
    {"key":"notes","type":"officer_notes","label":{"de":"Interne Notizen","en":"Internal notes"}}]}]}"#;

/// A data directory with an enrolled store holding [`EVERY_KIND`].
pub fn enrolled_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut store = LocalStore::open(dir.path()).unwrap();
    store
        .save_enrollment(&Enrollment {
            // Nothing listens on the discard port: the tablet is offline.
            server_url: "http://127.0.0.1:9".into(),
            device_id: "dev-1".into(),
            token: "t".into(),
            username: "a.abel".into(),
            display_name: "Anna Abel".into(),
            tenant: "stadt".into(),
            role: "officer".into(),
            enrolled_at_ms: 0,
        })
        .unwrap();
    store.put_template(EVERY_KIND).unwrap();
    dir
}

/// The app on `dir` in a window tall enough that the whole form is on screen (with a photo,
/// "Abgeben" ends near y = 3175 with egui 0.37, above a sync bar about 105 points high).
pub fn harness(dir: &std::path::Path) -> Harness<'static, FieldApp> {
    let app = FieldApp::new(dir.to_path_buf());
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1280.0, 3400.0))
        .build_ui_state(|ui, app: &mut FieldApp| app.ui(ui), app);
    harness.run_ok();
    harness
}

/// Clicks the widget named `label` and lets the app react.
pub fn click(harness: &mut Harness<'_, FieldApp>, label: &str) {
    harness.get_by_label(label).click();
    harness.run_ok();
}

/// Types `text` into the input named `label`, replacing nothing (the input starts empty).
pub fn type_into(harness: &mut Harness<'_, FieldApp>, label: &str, text: &str) {
    harness.get_by_label(label).focus();
    harness.run_ok();
    harness.get_by_label(label).type_text(text);
    harness.run_ok();
}

/// Whether the widget named `label` is shown disabled.
pub fn is_disabled(harness: &Harness<'_, FieldApp>, label: &str) -> bool {
    harness.get_by_label(label).accesskit_node().is_disabled()
}

/// Whether some widget or text is named exactly `label`.
pub fn shows(harness: &Harness<'_, FieldApp>, label: &str) -> bool {
    harness.query_all_by_label(label).next().is_some()
}

/// Opens the case list's "new case" and creates a case of [`EVERY_KIND`].
pub fn new_every_kind_case(harness: &mut Harness<'_, FieldApp>) {
    click(harness, "Neuer Fall");
    click(harness, "Alle Feldarten");
}

/// The only case in the store of `dir`, read through a connection of its own (what is on
/// disk, not what the UI holds).
pub fn stored_case(dir: &std::path::Path) -> schema::InspectionCase {
    let store = LocalStore::open(dir).unwrap();
    let ids = store.case_ids().unwrap();
    assert_eq!(ids.len(), 1, "one case expected");
    store.load_case(ids[0]).unwrap().hydrate().unwrap()
}

/// A JPEG from the repository's sample photos.
pub fn sample_photo() -> std::path::PathBuf {
    std::path::PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../assets/photos/orientation-1.jpg"
    ))
}

/// A file dropped on the window, read from `path` when the app asks for its bytes (as eframe's
/// own dropped files are).
#[derive(Debug)]
struct DroppedPath(std::path::PathBuf);

impl egui::DroppedFile for DroppedPath {
    fn path(&self) -> &std::path::Path {
        &self.0
    }

    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

/// The file at `path`, as dropped on the window.
pub fn dropped(path: std::path::PathBuf) -> egui::DroppedFileHandle {
    std::sync::Arc::new(DroppedPath(path))
}

/// A one-finger drag with the primary pointer button, frame by frame.
pub fn drag(harness: &mut Harness<'_, FieldApp>, from: egui::Pos2, to: egui::Pos2) {
    let button = |pos, pressed| egui::Event::PointerButton {
        pos,
        button: egui::PointerButton::Primary,
        pressed,
        modifiers: egui::Modifiers::NONE,
    };
    harness.event(egui::Event::PointerMoved(from));
    harness.step();
    harness.event(button(from, true));
    harness.step();
    for i in 1..=10 {
        harness.event(egui::Event::PointerMoved(from.lerp(to, i as f32 / 10.0)));
        harness.step();
    }
    harness.event(button(to, false));
    harness.run_ok();
}
