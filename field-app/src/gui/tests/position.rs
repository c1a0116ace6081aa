//! The device position in the form: the hint of the fix state under a position field, the
//! prefill of a new case from the fix, and taking the current fix into an existing case —
//! against a fake gpsd on a loopback port.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use schema::{FieldValue, GpsPoint};

use super::fixture::*;
use crate::gui::FieldApp;

/// A fake gpsd that answers `?WATCH` with a 3D fix (± 7 m) once a second, as gpsd does,
/// until the test ends. Returns its address.
fn fake_gpsd_with_fix() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap().to_string();
    std::thread::spawn(move || {
        for socket in listener.incoming() {
            let Ok(mut socket) = socket else { return };
            std::thread::spawn(move || {
                let mut watch = [0u8; 128];
                let _ = socket.read(&mut watch);
                let tpv = r#"{"class":"TPV","mode":3,"lat":52.5163,"lon":13.3777,"eph":7.2}"#;
                while socket.write_all(format!("{tpv}\n").as_bytes()).is_ok() {
                    std::thread::sleep(Duration::from_millis(200));
                }
            });
        }
    });
    address
}

fn gps_harness(dir: &std::path::Path, gpsd: &str) -> Harness<'static, FieldApp> {
    let app = FieldApp::new(dir.into()).with_gpsd(gpsd);
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1280.0, 3200.0))
        .build_ui_state(|ui, app: &mut FieldApp| app.ui(ui), app);
    harness.run_ok();
    harness
}

/// Draws frames until `label` is shown (the feed's thread works on its own time).
fn wait_for(h: &mut Harness<'_, FieldApp>, label: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !shows(h, label) {
        assert!(Instant::now() < deadline, "`{label}` never appeared");
        std::thread::sleep(Duration::from_millis(20));
        h.step();
    }
}

const FIX_HINT: &str = "GPS-Position verfügbar (± 7 m).";
const HERE: GpsPoint = GpsPoint {
    lat: 52.5163,
    lon: 13.3777,
    accuracy_m: Some(7.2),
};

/// The position answer of the newest case on disk.
fn newest_position(dir: &std::path::Path) -> Option<FieldValue> {
    let store = crate::store::LocalStore::open(dir).unwrap();
    let newest = *store.case_ids().unwrap().last().unwrap();
    let case = store.load_case(newest).unwrap().hydrate().unwrap();
    case.fields.get("where").cloned()
}

#[test]
fn the_current_fix_fills_the_position_of_open_and_new_cases() {
    let dir = enrolled_dir();
    let gpsd = fake_gpsd_with_fix();
    let mut h = gps_harness(dir.path(), &gpsd);
    new_every_kind_case(&mut h);
    // This case may have been made before gpsd's first report arrived; once the hint shows
    // the fix, the button takes it into the open case.
    wait_for(&mut h, FIX_HINT);
    click(&mut h, "Aktuelle Position übernehmen: Standort");
    assert_eq!(newest_position(dir.path()), Some(FieldValue::Gps(HERE)));
    assert_eq!(
        h.get_by_label("Standort: Breite").value().as_deref(),
        Some("52,5163"),
        "the inputs show the position taken, with the German decimal comma"
    );

    // With a fix known, a new case is prefilled with it.
    click(&mut h, "Zurück");
    new_every_kind_case(&mut h);
    assert_eq!(newest_position(dir.path()), Some(FieldValue::Gps(HERE)));
    assert!(shows(&h, FIX_HINT));
}

#[test]
fn without_a_fix_the_position_is_typed_and_the_hint_says_why() {
    let dir = enrolled_dir();
    // A port nobody listens on.
    let nobody = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().to_string()
    };
    let mut h = gps_harness(dir.path(), &nobody);
    new_every_kind_case(&mut h);
    wait_for(
        &mut h,
        "GPS-Empfänger nicht erreichbar (gpsd) – Position bitte von Hand eingeben.",
    );
    assert!(!shows(&h, "Aktuelle Position übernehmen: Standort"));
    assert_eq!(stored_case(dir.path()).fields.get("where"), None);

    // Without gpsd configured at all (the default harness), the hint says so too.
    let plain = enrolled_dir();
    let mut h = harness(plain.path());
    new_every_kind_case(&mut h);
    assert!(shows(
        &h,
        "Das Gerät liefert keine Position – bitte von Hand eingeben."
    ));
}
