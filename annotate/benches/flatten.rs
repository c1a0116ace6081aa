//! Export and preview speed on a 12-megapixel photo generated here (never committed).
//!
//! Targets from issue 3: flattening 100 strokes + 5 labels + 2 redactions costs at most
//! 1.3× a bare decode + encode of the same photo; a thumbnail takes at most 150 ms.
//! Results are recorded in BENCHMARKS.md.

#![allow(missing_docs)]

use std::hint::black_box;
use std::time::Duration;

use annotate::{
    Annotation, DecodeLimits, ExportFormat, FlattenOptions, NormPoint, NormRect, RedactionMethod,
    RedactionOutline, Rgba, Shape, Style, flatten, photo,
};
use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use image::RgbImage;

const WIDTH: u32 = 4000;
const HEIGHT: u32 = 3000;
const QUALITY: u8 = 90;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn unit(&mut self) -> f32 {
        (self.next() % 1_000_000) as f32 / 1_000_000.0
    }
}

/// Smooth gradients, some larger structures and sensor-like noise, so that the JPEG is as
/// large as a real photo's (several MB), not a trivially compressible flat image.
fn photo_jpeg() -> Vec<u8> {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let image = RgbImage::from_fn(WIDTH, HEIGHT, |x, y| {
        let (fx, fy) = (x as f32 / WIDTH as f32, y as f32 / HEIGHT as f32);
        let n = (rng.next() % 25) as f32 - 12.0;
        let texture = 25.0 * ((fx * 140.0).sin() * (fy * 90.0).cos());
        let r = 80.0 + 110.0 * fx + 30.0 * (fy * 11.0).sin() + texture + n;
        let g = 120.0 + 70.0 * (fx * 5.0 + fy * 3.0).sin() + 0.5 * texture + n;
        let b = 50.0 + 140.0 * fy + 20.0 * (fx * 17.0).cos() + n;
        image::Rgb([r, g, b].map(|v| v.clamp(0.0, 255.0) as u8))
    });
    photo::encode(&image, ExportFormat::Jpeg { quality: QUALITY }).expect("encode bench photo")
}

/// 100 freehand strokes (60 points each, as left after simplification), 5 labels and 2
/// redactions, spread over the photo.
fn annotations() -> Vec<Annotation> {
    let mut rng = Rng(42);
    let style = |color, width| Style {
        color,
        width,
        fill: None,
    };
    let mut out = Vec::new();
    for i in 0..100 {
        let (cx, cy) = (0.1 + 0.8 * rng.unit(), 0.1 + 0.8 * rng.unit());
        let points = (0..60)
            .map(|k| {
                let t = k as f32 / 59.0 * std::f32::consts::TAU;
                NormPoint::new(
                    cx + 0.06 * t.cos() + 0.01 * rng.unit(),
                    cy + 0.04 * (1.5 * t).sin() + 0.01 * rng.unit(),
                )
            })
            .collect();
        out.push(Annotation::new(
            Shape::Freehand {
                points,
                pressure: vec![],
            },
            style(Rgba::opaque(230, 30, 30), 0.004),
            "bench",
            i,
        ));
    }
    for i in 0..5 {
        out.push(Annotation::new(
            Shape::Text {
                anchor: NormPoint::new(0.05 + 0.15 * i as f32, 0.05 + 0.18 * i as f32),
                text: "Reifenspuren – Müll, Straße".into(),
                size: 0.035,
            },
            style(Rgba::opaque(255, 255, 0), 0.004),
            "bench",
            200 + i,
        ));
    }
    for (x, y) in [(0.2, 0.6), (0.7, 0.3)] {
        out.push(Annotation::new(
            Shape::Redaction {
                bounds: NormRect::from_corners(
                    NormPoint::new(x, y),
                    NormPoint::new(x + 0.1, y + 0.12),
                ),
                outline: RedactionOutline::Ellipse,
                method: RedactionMethod::Pixelate,
            },
            style(Rgba::opaque(0, 0, 0), 0.01),
            "bench",
            0,
        ));
    }
    out
}

fn benches(c: &mut Criterion) {
    let jpeg = photo_jpeg();
    eprintln!(
        "bench photo: {WIDTH}×{HEIGHT} JPEG q{QUALITY}, {:.1} MB",
        jpeg.len() as f64 / 1e6
    );
    let annotations = annotations();
    let limits = DecodeLimits::default();
    let options = FlattenOptions {
        format: ExportFormat::Jpeg { quality: QUALITY },
        limits,
    };

    let mut export = c.benchmark_group("export_12mp");
    export
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .measurement_time(Duration::from_secs(20));
    export.bench_function("bare_decode_encode", |b| {
        b.iter(|| {
            let image = photo::decode(black_box(&jpeg), limits).expect("decode");
            photo::encode(&image, options.format).expect("encode")
        });
    });
    export.bench_function("flatten_100_strokes_5_texts_2_redactions", |b| {
        b.iter(|| flatten(black_box(&jpeg), &annotations, options).expect("flatten"));
    });
    export.finish();

    let mut previews = c.benchmark_group("previews_12mp");
    previews
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .measurement_time(Duration::from_secs(5));
    previews.bench_function("thumbnail_320", |b| {
        b.iter(|| photo::thumbnail(black_box(&jpeg), limits).expect("thumbnail"));
    });
    previews.bench_function("preview_2048", |b| {
        b.iter(|| photo::preview(black_box(&jpeg), limits).expect("preview"));
    });
    previews.finish();
}

criterion_group!(flatten_benches, benches);
criterion_main!(flatten_benches);
