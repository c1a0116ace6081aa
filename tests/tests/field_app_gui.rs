//! The officer's whole round in the real tablet app, driven through its accessible labels
//! with egui_kittest, against a real `sync-server` process: enroll, create a case, fill it,
//! import photos, draw on one, submit, sync, and see the case marked synced — then a second
//! tablet of the same officer receives it, drawing included, from the server.
#![allow(clippy::unwrap_used)] // a test crate: a panic here is a failed test

use std::path::Path;
use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use field_app::gui::FieldApp;
use naper_tests::{ServerProcess, Tablet, admin, assets_dir};

const PASSWORD: &str = "geheim-123-Passwort";
const TITLE: &str = "Illegale Abfallablagerung (wilder Müll)";

fn server_with_officer(dir: &Path) -> ServerProcess {
    let server = ServerProcess::start(dir, &[]);
    let out = admin(dir, &["create-tenant", "stadt-a", "Stadt A"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = admin(
        dir,
        &[
            "create-user",
            "--tenant",
            "stadt-a",
            "--username",
            "o1",
            "--display-name",
            "Olga Eins",
            "--role",
            "officer",
            "--password",
            PASSWORD,
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    server
}

fn click(h: &mut Harness<'_, FieldApp>, label: &str) {
    h.get_by_label(label).click();
    h.run_ok();
}

fn type_into(h: &mut Harness<'_, FieldApp>, label: &str, text: &str) {
    h.get_by_label(label).focus();
    h.run_ok();
    h.get_by_label(label).type_text(text);
    h.run_ok();
}

fn shows(h: &Harness<'_, FieldApp>, label: &str) -> bool {
    h.query_all_by_label(label).next().is_some()
}

/// Steps the app until `label` appears: the background sync answers on its own thread.
fn wait_for(h: &mut Harness<'_, FieldApp>, label: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !shows(h, label) {
        assert!(Instant::now() < deadline, "`{label}` did not appear");
        std::thread::sleep(Duration::from_millis(50));
        h.step();
    }
}

/// A one-finger drag with the mouse pointer, frame by frame.
fn drag(h: &mut Harness<'_, FieldApp>, from: egui::Pos2, to: egui::Pos2) {
    let button = |pos, pressed| egui::Event::PointerButton {
        pos,
        button: egui::PointerButton::Primary,
        pressed,
        modifiers: egui::Modifiers::NONE,
    };
    h.event(egui::Event::PointerMoved(from));
    h.step();
    h.event(button(from, true));
    h.step();
    for i in 1..=10 {
        h.event(egui::Event::PointerMoved(from.lerp(to, i as f32 / 10.0)));
        h.step();
    }
    h.event(button(to, false));
    h.run_ok();
}

/// A file dropped on the window, read from its path when the app asks (as eframe's are).
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

fn drop_photo(h: &mut Harness<'_, FieldApp>, file: &str) {
    let path = assets_dir().join("photos").join(file);
    h.input_mut()
        .dropped_files
        .push(std::sync::Arc::new(DroppedPath(path)));
    h.run_ok();
}

#[test]
fn an_officer_does_the_whole_round_in_the_app() {
    let server_dir = tempfile::tempdir().unwrap();
    let server = server_with_officer(server_dir.path());
    let tablet_dir = tempfile::tempdir().unwrap();
    let app = FieldApp::new(tablet_dir.path().to_path_buf());
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 4000.0))
        .build_ui_state(|ui, app: &mut FieldApp| app.ui(ui), app);
    h.run_ok();

    // Enroll.
    type_into(&mut h, "Serveradresse", &server.url);
    type_into(&mut h, "Benutzername", "o1");
    type_into(&mut h, "Passwort", PASSWORD);
    click(&mut h, "Anmelden");
    wait_for(&mut h, "Meine Entwürfe");

    // A new case from the server's template, prefilled with the officer's name.
    click(&mut h, "Neuer Fall");
    click(&mut h, TITLE);
    assert_eq!(
        h.get_by_label("Kontrollkraft").value().as_deref(),
        Some("Olga Eins")
    );
    assert!(shows(&h, "Noch nicht abgebbar:"));

    // Fill the required fields.
    click(&mut h, "Anlass: Eigene Feststellung");
    type_into(&mut h, "Standort (GPS): Breite", "52,5200");
    type_into(&mut h, "Standort (GPS): Länge", "13,4050");
    click(&mut h, "Art der Fläche: Grünanlage, Park, Spielplatz");
    click(
        &mut h,
        "Art der Abfälle: Sperrmüll (Möbel, Matratzen, Teppiche)",
    );
    type_into(&mut h, "Geschätzte Menge", "2,5");
    click(&mut h, "Gefährliche Abfälle oder Gefahrstoffe?: Nein");
    click(&mut h, "Hinweise auf Verursachende?: Nein");
    click(&mut h, "Beseitigung veranlasst?: Nein");

    // Import two photos (the template asks for two).
    drop_photo(&mut h, "orientation-1.jpg");
    drop_photo(&mut h, "orientation-6.jpg");
    assert_eq!(h.query_all_by_label("0 Markierungen").count(), 2);

    // Draw a rectangle on one of them in the annotation editor.
    let photo_button = h
        .query_all_by_label_contains("Einzeichnen: ")
        .next()
        .map(|n| n.accesskit_node().label().unwrap_or_default().to_string())
        .unwrap();
    click(&mut h, &photo_button);
    click(&mut h, "Rechteck");
    let canvas = h.get_by_label("Foto-Zeichenfläche").rect();
    drag(
        &mut h,
        canvas.lerp_inside(egui::vec2(0.3, 0.3)),
        canvas.lerp_inside(egui::vec2(0.6, 0.7)),
    );
    let drawn_before_done: usize = {
        let store = field_app::LocalStore::open(tablet_dir.path()).unwrap();
        let id = store.case_ids().unwrap()[0];
        let case = store.load_case(id).unwrap().hydrate().unwrap();
        case.photos.iter().map(|p| p.annotations.len()).sum()
    };
    assert_eq!(drawn_before_done, 1, "the drawing is saved as it is made");
    click(&mut h, "Fertig");
    assert!(shows(&h, "1 Markierung"), "the drawing is on the photo");

    assert!(!shows(&h, "Noch nicht abgebbar:"), "the case is complete");
    click(&mut h, "Einreichen");
    assert!(shows(
        &h,
        "Der Fall wurde eingereicht und wird synchronisiert."
    ));

    // The submit asked for a sync; the case ends up on the "synced" tab.
    let row = format!("{TITLE} – Eingereicht – synchronisiert");
    click(&mut h, "Synchronisiert");
    let deadline = Instant::now() + Duration::from_secs(60);
    while !shows(&h, &row) {
        assert!(Instant::now() < deadline, "the case was not marked synced");
        std::thread::sleep(Duration::from_millis(100));
        h.step();
    }
    assert!(shows(&h, "Ausstehend: 0 Fälle, 0 Fotos"));

    // The server has it: a second tablet of the same officer receives the submitted case
    // with both photos.
    let other_dir = tempfile::tempdir().unwrap();
    let other = Tablet::new(other_dir.path());
    other.ok(&[
        "enroll",
        "--server",
        &server.url,
        "--username",
        "o1",
        "--password",
        PASSWORD,
    ]);
    other.ok(&["sync"]);
    let list = other.ok(&["list"]);
    let line = list
        .lines()
        .find(|l| l.contains(TITLE))
        .unwrap_or_else(|| panic!("the case did not reach the server: {list}"));
    assert!(line.contains("\tsubmitted\t"), "{line}");
    let id = line.split('\t').next().unwrap();
    let case = other.case(id);
    let photos = case["photos"].as_array().unwrap();
    assert_eq!(photos.len(), 2);
    let drawn: usize = photos
        .iter()
        .map(|p| p["annotations"].as_array().map_or(0, Vec::len))
        .sum();
    assert_eq!(drawn, 1, "the rectangle travelled with its photo");
    assert_eq!(case["fields"]["volume_m3"]["decimal"], 2.5);
}
