//! The app's two start-up figures of issue 5, measured through the real app in an
//! egui_kittest harness (the UI's CPU work, store and thumbnails; no GPU upload):
//!
//! - start to a usable case list with 5,000 cases in the local store (target ≤ 1 s): open the
//!   store, start the sync worker, lay out the first frames until case rows are on screen;
//! - opening a case with 10 photos until their thumbnails are visible (target ≤ 300 ms).
//!
//! The 12-megapixel photos are generated here and added through the app itself (dropped on
//! the form), so their thumbnails are cached the way an officer's photos are.
#![allow(clippy::unwrap_used, missing_docs)] // a benchmark: a panic is a failed run

use std::path::{Path, PathBuf};

use annotate::{ExportFormat, photo};
use criterion::{Criterion, criterion_group, criterion_main};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use field_app::LocalStore;
use field_app::actions;
use field_app::gui::FieldApp;
use field_app::store::enrollment::Enrollment;
use image::RgbImage;

const CASES: usize = 5_000;
const PHOTOS: usize = 10;
const TEMPLATE: &str = "illegal-waste-dumping";
const ROW: &str = "Illegale Abfallablagerung (wilder Müll) – Entwurf – wartet auf Sync";

fn assets() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../assets")
}

/// An enrolled store with the bundled waste template; nothing listens at its server.
fn enrolled_store(dir: &Path) -> (LocalStore, Enrollment) {
    let mut store = LocalStore::open(dir).unwrap();
    let e = Enrollment {
        server_url: "http://127.0.0.1:9".into(),
        device_id: "bench".into(),
        token: "t".into(),
        username: "o1".into(),
        display_name: "Olga Eins".into(),
        tenant: "stadt-a".into(),
        role: "officer".into(),
        enrolled_at_ms: 0,
    };
    store.save_enrollment(&e).unwrap();
    let json =
        std::fs::read_to_string(assets().join(format!("templates/{TEMPLATE}.json"))).unwrap();
    store.put_template(&json).unwrap();
    (store, e)
}

/// A file dropped on the window, read from its path when the app asks (as eframe's are).
#[derive(Debug)]
struct DroppedPath(std::path::PathBuf);

impl egui::DroppedFile for DroppedPath {
    fn path(&self) -> &Path {
        &self.0
    }

    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

fn harness(dir: &Path) -> Harness<'static, FieldApp> {
    Harness::builder()
        .with_size(egui::vec2(1280.0, 4000.0))
        .build_ui_state(
            |ui, app: &mut FieldApp| app.ui(ui),
            FieldApp::new(dir.to_path_buf()),
        )
}

/// A 4000 × 3000 photo-like JPEG (gradients, texture, noise; 4 MB like a camera's), different
/// for each `seed` so every photo has its own content address.
fn photo_jpeg(seed: u64) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let image = RgbImage::from_fn(4000, 3000, |x, y| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let n = (state % 25) as f32 - 12.0;
        let (fx, fy) = (x as f32 / 4000.0, y as f32 / 3000.0);
        let texture = 25.0 * ((fx * 140.0 + seed as f32).sin() * (fy * 90.0).cos());
        let r = 80.0 + 110.0 * fx + texture + n;
        let g = 120.0 + 70.0 * (fx * 5.0 + fy * 3.0).sin() + 0.5 * texture + n;
        let b = 50.0 + 140.0 * fy + n;
        image::Rgb([r, g, b].map(|v| v.clamp(0.0, 255.0) as u8))
    });
    photo::encode(&image, ExportFormat::Jpeg { quality: 90 }).unwrap()
}

fn start_with_many_cases(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, e) = enrolled_store(dir.path());
    let template = store.template(TEMPLATE, None).unwrap();
    for _ in 0..CASES {
        actions::new_case(&mut store, &template, &e).unwrap();
    }
    drop(store);
    let mut group = c.benchmark_group("field_app_gui");
    group.sample_size(10);
    group.bench_function("start_to_case_list_5000_cases", |b| {
        b.iter_with_large_drop(|| {
            let mut h = harness(dir.path());
            h.run_ok();
            assert!(h.query_all_by_label(ROW).next().is_some());
            h
        });
    });
    group.finish();
}

fn open_case_with_photos(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, e) = enrolled_store(dir.path());
    let template = store.template(TEMPLATE, None).unwrap();
    actions::new_case(&mut store, &template, &e).unwrap();
    drop(store);
    let photo_dir = tempfile::tempdir().unwrap();
    {
        let mut h = harness(dir.path());
        h.run_ok();
        h.get_by_label(ROW).click();
        h.run_ok();
        for seed in 0..PHOTOS {
            let path = photo_dir.path().join(format!("{seed}.jpg"));
            std::fs::write(&path, photo_jpeg(seed as u64 + 1)).unwrap();
            h.input_mut()
                .dropped_files
                .push(std::sync::Arc::new(DroppedPath(path)));
            h.run_ok();
        }
        assert_eq!(h.query_all_by_label("0 Markierungen").count(), PHOTOS);
    }
    let mut group = c.benchmark_group("field_app_gui");
    group.sample_size(10);
    group.bench_function("open_case_with_10_photos", |b| {
        b.iter_batched(
            || {
                let mut h = harness(dir.path());
                // Tap once the worker's first sync attempt found the tablet offline, so
                // every sample opens the case in the same state.
                while h.query_all_by_label("Offline").next().is_none() {
                    std::thread::sleep(std::time::Duration::from_millis(10));
                    h.step();
                }
                h.run_ok();
                h
            },
            |mut h| {
                h.get_by_label(ROW).click();
                h.run_ok();
                let shown = h.query_all_by_label_contains("Foto: ").count();
                assert_eq!(shown, PHOTOS, "every thumbnail is on screen");
                h
            },
            criterion::BatchSize::PerIteration,
        );
    });
    group.finish();
}

criterion_group!(benches, start_with_many_cases, open_case_with_photos);
criterion_main!(benches);
