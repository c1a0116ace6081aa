//! The camera panel inside the form's photo field, on synthetic cameras: the choice between
//! two cameras, the live preview, a photo taken into the case through the photo pipeline, and
//! the "no camera" message with import when a camera fails to open or there is none.

use std::sync::Arc;
use std::time::Duration;

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use nokhwa::utils::FrameFormat;

use super::fake_camera::{FakeCamera, FakeCameras, synthetic_frame};
use super::fixture::*;
use crate::gui::FieldApp;
use crate::gui::camera::PREVIEW_TEXTURE;
use crate::gui::i18n::DE;

const ADD_PHOTO: &str = "Fotos: Foto hinzufügen";
const CLOSE_CAMERA: &str = "Fotos: Kamera schließen";

/// The app on `dir` with `cameras`, on a new case's form with the camera panel of its photo
/// field open.
fn form_with_camera_open(
    dir: &std::path::Path,
    cameras: &Arc<FakeCameras>,
) -> Harness<'static, FieldApp> {
    let app = FieldApp::new(dir.to_path_buf()).with_cameras(Arc::clone(cameras) as _);
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 3200.0))
        .build_ui_state(|ui, app: &mut FieldApp| app.ui(ui), app);
    h.run_ok();
    new_every_kind_case(&mut h);
    click(&mut h, ADD_PHOTO);
    h
}

/// Steps frame by frame until `done` (the camera's threads answer in their own time).
fn wait_for(
    h: &mut Harness<'_, FieldApp>,
    what: &str,
    done: impl Fn(&Harness<'_, FieldApp>) -> bool,
) {
    for _ in 0..1000 {
        h.step();
        if done(h) {
            return;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    panic!("waited in vain for {what}");
}

/// The size of the live preview's texture, if there is one.
fn preview_size(h: &Harness<'_, FieldApp>) -> Option<[usize; 2]> {
    h.ctx
        .tex_manager()
        .read()
        .allocated()
        .find(|(_, meta)| meta.name == PREVIEW_TEXTURE)
        .map(|(_, meta)| meta.size)
}

fn assert_finger_sized(h: &Harness<'_, FieldApp>, label: &str) {
    let size = h.get_by_label(label).rect().size();
    assert!(size.x >= 48.0 && size.y >= 48.0, "{label}: {size:?}");
}

#[test]
fn two_cameras_are_offered_and_the_chosen_one_takes_the_photo_into_the_case() {
    let dir = enrolled_dir();
    let cameras = FakeCameras::new(vec![
        FakeCamera::streaming("Rückkamera", 640, 480, FrameFormat::RAWRGB),
        FakeCamera::streaming("Frontkamera", 320, 240, FrameFormat::YUYV),
    ]);
    let mut h = form_with_camera_open(dir.path(), &cameras);

    // The first camera streams into the preview.
    wait_for(&mut h, "the first camera's preview", |h| {
        preview_size(h) == Some([640, 480])
    });
    assert!(shows(&h, DE.camera_preview));
    assert!(!is_disabled(&h, DE.camera_capture));
    let choice = h.get_by_role_and_label(Role::ComboBox, DE.camera_select);
    assert_eq!(
        choice.accesskit_node().value().as_deref(),
        Some("Rückkamera")
    );
    let size = choice.rect().size();
    assert!(size.x >= 48.0 && size.y >= 48.0, "camera choice: {size:?}");
    for label in [DE.camera_capture, DE.camera_import, CLOSE_CAMERA] {
        assert_finger_sized(&h, label);
    }

    // Switching opens the other camera and closes the first.
    choice.click();
    h.run_ok();
    assert_finger_sized(&h, "Frontkamera");
    click(&mut h, "Frontkamera");
    wait_for(&mut h, "the second camera's preview", |h| {
        preview_size(h) == Some([320, 240]) && cameras.open_now() == 1
    });
    assert_eq!(cameras.opened(), ["Rückkamera", "Frontkamera"]);
    let choice = h.get_by_role_and_label(Role::ComboBox, DE.camera_select);
    assert_eq!(
        choice.accesskit_node().value().as_deref(),
        Some("Frontkamera")
    );
    assert!(stored_case(dir.path()).photos.is_empty());

    // "Take photo" adds the second camera's frame to the case, as a JPEG of its size.
    click(&mut h, DE.camera_capture);
    wait_for(&mut h, "the photo in the store", |_| {
        !stored_case(dir.path()).photos.is_empty()
    });
    let photos = stored_case(dir.path()).photos;
    assert_eq!(photos.len(), 1);
    let photo = &photos[0];
    assert_eq!(photo.field, "photos");
    assert_eq!((photo.width, photo.height), (320, 240));
    assert_eq!(photo.mime_type, "image/jpeg");

    // The panel closed with the photo taken, and the camera with it.
    wait_for(&mut h, "the camera to stop", |_| cameras.open_now() == 0);
    h.run_ok();
    assert!(!shows(&h, DE.camera_preview));
    assert!(shows(
        &h,
        &format!("{}: {}", DE.photo_edit_annotations, photo.id)
    ));
}

#[test]
fn when_the_first_camera_fails_another_can_be_chosen() {
    let dir = enrolled_dir();
    let cameras = FakeCameras::new(vec![
        FakeCamera::failing("Infrarotkamera", "kein Farbformat"),
        FakeCamera::streaming("Rückkamera", 640, 480, FrameFormat::RAWRGB),
    ]);
    let mut h = form_with_camera_open(dir.path(), &cameras);
    wait_for(&mut h, "the message of the failed camera", |h| {
        shows(h, DE.camera_unavailable)
    });
    // The message names the failure, and the choice of camera stays.
    let choice = h.get_by_role_and_label(Role::ComboBox, DE.camera_select);
    assert_eq!(
        choice.accesskit_node().value().as_deref(),
        Some("Infrarotkamera")
    );
    choice.click();
    h.run_ok();
    click(&mut h, "Rückkamera");
    wait_for(&mut h, "the second camera's preview", |h| {
        preview_size(h) == Some([640, 480])
    });
    assert!(!is_disabled(&h, DE.camera_capture));
    assert_eq!(cameras.opened(), ["Infrarotkamera", "Rückkamera"]);
}

#[test]
fn one_camera_is_used_without_a_choice() {
    let dir = enrolled_dir();
    let cameras = FakeCameras::new(vec![FakeCamera::streaming(
        "Kamera 1",
        160,
        120,
        FrameFormat::GRAY,
    )]);
    let mut h = form_with_camera_open(dir.path(), &cameras);
    wait_for(&mut h, "the preview", |h| {
        preview_size(h) == Some([160, 120])
    });
    assert!(
        h.query_by_role_and_label(Role::ComboBox, DE.camera_select)
            .is_none()
    );

    // Closing the panel stops the camera.
    h.get_by_label(CLOSE_CAMERA).scroll_to_me();
    h.run_ok();
    click(&mut h, CLOSE_CAMERA);
    wait_for(&mut h, "the camera to stop", |_| cameras.open_now() == 0);
    assert!(preview_size(&h).is_none());
}

#[test]
fn a_camera_that_fails_to_open_leaves_the_message_and_import() {
    let dir = enrolled_dir();
    let cameras = FakeCameras::new(vec![FakeCamera::failing(
        "Rückkamera",
        "Gerät oder Ressource belegt",
    )]);
    let mut h = form_with_camera_open(dir.path(), &cameras);
    wait_for(&mut h, "the message", |h| shows(h, DE.camera_unavailable));
    assert!(
        shows(&h, "Gerät oder Ressource belegt"),
        "the system's reason"
    );
    assert!(!shows(&h, DE.camera_preview));
    assert!(preview_size(&h).is_none());
    for label in [DE.camera_retry, DE.camera_import, CLOSE_CAMERA] {
        assert_finger_sized(&h, label);
    }

    // "Look again" tries the camera again; it still fails, and says so again.
    click(&mut h, DE.camera_retry);
    wait_for(&mut h, "the second try", |h| {
        cameras.opened().len() == 2 && shows(h, DE.camera_unavailable)
    });
    assert!(shows(&h, DE.camera_import));
    assert_eq!(cameras.open_now(), 0);
}

#[test]
fn without_a_camera_the_panel_says_so_and_offers_import() {
    let none = FakeCameras::new(Vec::new());
    let unlistable = FakeCameras::unlistable("Kein Zugriff auf /dev/video*");
    for (cameras, reason_shown) in [(none, false), (unlistable, true)] {
        let dir = enrolled_dir();
        let mut h = form_with_camera_open(dir.path(), &cameras);
        wait_for(&mut h, "the message", |h| shows(h, DE.camera_unavailable));
        assert_eq!(shows(&h, "Kein Zugriff auf /dev/video*"), reason_shown);
        assert!(!shows(&h, DE.camera_preview));
        assert!(
            h.query_by_role_and_label(Role::ComboBox, DE.camera_select)
                .is_none()
        );
        assert_finger_sized(&h, DE.camera_import);
        assert_finger_sized(&h, DE.camera_retry);
        assert!(cameras.opened().is_empty());
    }
}

#[test]
fn a_camera_jpeg_goes_into_the_case_byte_for_byte() {
    let dir = enrolled_dir();
    let cameras = FakeCameras::new(vec![FakeCamera::streaming(
        "USB",
        1280,
        720,
        FrameFormat::MJPEG,
    )]);
    let mut h = form_with_camera_open(dir.path(), &cameras);
    // The preview is the JPEG reduced while decoding.
    wait_for(&mut h, "the preview", |h| preview_size(h).is_some());
    let [w, h_] = preview_size(&h).unwrap();
    assert!(w <= 960 && w * 720 == h_ * 1280, "preview {w}×{h_}");

    click(&mut h, DE.camera_capture);
    wait_for(&mut h, "the photo in the store", |_| {
        !stored_case(dir.path()).photos.is_empty()
    });
    let photo = &stored_case(dir.path()).photos[0];
    assert_eq!((photo.width, photo.height), (1280, 720));
    let store = crate::store::LocalStore::open(dir.path()).unwrap();
    let stored = store.read_blob(&photo.sha256).unwrap();
    assert_eq!(stored, synthetic_frame(FrameFormat::MJPEG, 1280, 720));
}

#[test]
fn a_camera_that_stops_delivering_frames_leaves_the_message_and_import() {
    for (error, reason_shown) in [(Some("Zeitüberschreitung beim Lesen"), true), (None, false)] {
        let dir = enrolled_dir();
        let cameras = FakeCameras::new(vec![FakeCamera::breaking("USB", 5, error)]);
        let mut h = form_with_camera_open(dir.path(), &cameras);
        wait_for(&mut h, "the message", |h| shows(h, DE.camera_unavailable));
        assert_eq!(shows(&h, "Zeitüberschreitung beim Lesen"), reason_shown);
        assert!(preview_size(&h).is_none(), "no frozen preview");
        assert!(!shows(&h, DE.camera_capture));
        assert_finger_sized(&h, DE.camera_import);
        wait_for(&mut h, "the camera to stop", |_| cameras.open_now() == 0);
    }
}
