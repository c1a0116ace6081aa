//! Annotation shapes as a tablet's document carries them (JSON here): validated, normalized
//! and drawn onto a small photo with redactions first, as the back office renders them.
#![no_main]

use std::sync::OnceLock;

use annotate::{Annotation, ExportFormat, FlattenOptions};
use libfuzzer_sys::fuzz_target;

/// A small grey PNG to draw on, made once.
fn photo() -> &'static [u8] {
    static PHOTO: OnceLock<Vec<u8>> = OnceLock::new();
    PHOTO.get_or_init(|| {
        let image = image::RgbImage::from_pixel(64, 48, image::Rgb([128, 128, 128]));
        annotate::photo::encode(&image, ExportFormat::Png).unwrap_or_default()
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(annotations) = serde_json::from_slice::<Vec<Annotation>>(data) else {
        return;
    };
    let options = FlattenOptions {
        format: ExportFormat::Png,
        limits: annotate::DecodeLimits::default(),
    };
    let _ = annotate::flatten(photo(), &annotations, options);
});
