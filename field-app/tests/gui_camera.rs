//! The camera panel on a machine without a camera (as CI machines are): a clear message and
//! the import button instead of a preview.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use egui::vec2;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use field_app::gui::camera::CameraPanel;
use field_app::gui::i18n::EN;

#[test]
fn camera_panel_without_a_camera_offers_import_from_file() {
    let mut harness = Harness::builder()
        .with_size(vec2(800.0, 600.0))
        .build_ui_state(
            |ui, panel: &mut CameraPanel| {
                let photo = panel.show(ui, &EN);
                assert!(photo.is_none(), "nothing was taken or imported");
            },
            CameraPanel::default(),
        );
    // The cameras are listed on a thread; wait for its answer, frame by frame.
    let mut settled = false;
    for _ in 0..500 {
        harness.step();
        if harness.query_by_label(EN.camera_starting).is_none() {
            settled = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(settled, "the camera query never answered");
    if harness.query_by_label(EN.camera_preview).is_some() {
        eprintln!("this machine has a camera: the no-camera path is not what runs here");
        return;
    }
    harness.get_by_label(EN.camera_unavailable);
    harness.get_by_label(EN.camera_retry);
    let import = harness.get_by_label(EN.camera_import);
    assert!(import.rect().height() >= 48.0);
}
