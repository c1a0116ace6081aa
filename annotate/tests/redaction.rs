//! Proof that a redaction destroys the original pixels in every export: a random
//! high-frequency "secret" pattern inside the region must not be recoverable from the
//! flattened JPEG or PNG.

// Test code: a panic here is a failed test (as in clippy.toml's allow-unwrap-in-tests).
#![allow(clippy::unwrap_used)]

mod common;

use annotate::{
    Annotation, ExportFormat, FlattenOptions, NormPoint, NormRect, RedactionMethod,
    RedactionOutline, Rgba, Shape, Style, flatten, photo,
};
use image::RgbImage;

const W: u32 = 640;
const H: u32 = 480;
/// The secret's pixel region: x 200..440, y 160..320.
const REGION: (u32, u32, u32, u32) = (200, 160, 440, 320);

fn secret_bits() -> Vec<i8> {
    let mut noise = common::Noise(0x5EC2E7);
    let (w, h) = (REGION.2 - REGION.0, REGION.3 - REGION.1);
    (0..w * h)
        .map(|_| if noise.next() & 1 == 0 { -1 } else { 1 })
        .collect()
}

fn photo_with_secret() -> Vec<u8> {
    let mut image: RgbImage = common::photo_like(W, H, 3, 4);
    let bits = secret_bits();
    let width = REGION.2 - REGION.0;
    for y in REGION.1..REGION.3 {
        for x in REGION.0..REGION.2 {
            let bit = bits[((y - REGION.1) * width + (x - REGION.0)) as usize];
            let v = (128 + i32::from(bit) * 100) as u8;
            image.put_pixel(x, y, image::Rgb([v, v, v]));
        }
    }
    photo::encode(&image, ExportFormat::Png).unwrap()
}

/// Correlation of the output's luminance with the secret pattern inside the region: about
/// 1 where the pattern survives, about 0 where it is gone.
fn correlation_with_secret(output: &RgbImage) -> f64 {
    let bits = secret_bits();
    let width = REGION.2 - REGION.0;
    let mut values = Vec::new();
    for y in REGION.1..REGION.3 {
        for x in REGION.0..REGION.2 {
            let p = output.get_pixel(x, y).0;
            values.push((f64::from(p[0]) + f64::from(p[1]) + f64::from(p[2])) / 3.0);
        }
    }
    let mean = values.iter().sum::<f64>() / values.len() as f64;
    let (mut cov, mut var) = (0.0, 0.0);
    for (i, v) in values.iter().enumerate() {
        let d = v - mean;
        let _ = width;
        cov += d * f64::from(bits[i]);
        var += d * d;
    }
    if var == 0.0 {
        return 0.0;
    }
    cov / (var.sqrt() * (values.len() as f64).sqrt())
}

fn redaction(outline: RedactionOutline, method: RedactionMethod) -> Annotation {
    // The region in normalized coordinates, exactly covering the secret.
    let bounds = NormRect::from_corners(
        NormPoint::new(REGION.0 as f32 / W as f32, REGION.1 as f32 / H as f32),
        NormPoint::new(REGION.2 as f32 / W as f32, REGION.3 as f32 / H as f32),
    );
    Annotation::new(
        Shape::Redaction {
            bounds,
            outline,
            method,
        },
        Style {
            color: Rgba::opaque(0, 0, 0),
            width: 0.01,
            fill: None,
        },
        "Datenschutz",
        0,
    )
}

#[test]
fn secret_survives_without_redaction() {
    // Guards the test itself: the detector does find the secret when it is there.
    let original = photo_with_secret();
    for format in [ExportFormat::Png, ExportFormat::Jpeg { quality: 90 }] {
        let out = flatten(
            &original,
            &[],
            FlattenOptions {
                format,
                ..Default::default()
            },
        )
        .unwrap();
        let decoded = image::load_from_memory(&out).unwrap().into_rgb8();
        let c = correlation_with_secret(&decoded);
        assert!(c > 0.8, "{format:?}: correlation {c}");
    }
}

#[test]
fn redacted_exports_contain_nothing_of_the_secret() {
    let original = photo_with_secret();
    for method in [RedactionMethod::Pixelate, RedactionMethod::Blur] {
        for format in [ExportFormat::Png, ExportFormat::Jpeg { quality: 100 }] {
            let out = flatten(
                &original,
                &[redaction(RedactionOutline::Rectangle, method)],
                FlattenOptions {
                    format,
                    ..Default::default()
                },
            )
            .unwrap();
            let decoded = image::load_from_memory(&out).unwrap().into_rgb8();
            let c = correlation_with_secret(&decoded);
            assert!(c.abs() < 0.05, "{method:?} {format:?}: correlation {c}");
            // No pixel inside keeps the pattern's extreme values (28 / 228).
            let extremes = (REGION.1..REGION.3)
                .flat_map(|y| (REGION.0..REGION.2).map(move |x| (x, y)))
                .filter(|&(x, y)| {
                    let v = decoded.get_pixel(x, y).0[0];
                    !(60..=200).contains(&v)
                })
                .count();
            assert_eq!(extremes, 0, "{method:?} {format:?}");
        }
    }
}

#[test]
fn strokes_drawn_over_a_redaction_do_not_bring_pixels_back() {
    let original = photo_with_secret();
    let mut over = redaction(RedactionOutline::Rectangle, RedactionMethod::Pixelate);
    over.z = 100;
    let stroke = Annotation::new(
        Shape::Line {
            from: NormPoint::new(0.0, 0.5),
            to: NormPoint::new(1.0, 0.5),
        },
        Style {
            color: Rgba {
                r: 255,
                g: 0,
                b: 0,
                a: 100,
            },
            width: 0.05,
            fill: None,
        },
        "Meier",
        -5,
    );
    let out = flatten(
        &original,
        &[stroke, over],
        FlattenOptions {
            format: ExportFormat::Png,
            ..Default::default()
        },
    )
    .unwrap();
    let decoded = image::load_from_memory(&out).unwrap().into_rgb8();
    assert!(correlation_with_secret(&decoded).abs() < 0.05);
}
