//! Golden-image tests: every annotation kind rendered onto a fixed photo and compared with
//! `tests/golden/<name>.png` within a tolerance (anti-aliasing may differ slightly between
//! library versions). `NAPER_BLESS=1` rewrites the golden files; look at them before
//! committing.

// Test code: a panic here is a failed test (as in clippy.toml's allow-unwrap-in-tests).
#![allow(clippy::unwrap_used)]

mod common;

use annotate::{
    Annotation, NormPoint, NormRect, RedactionMethod, RedactionOutline, Rgba, Shape, Style, render,
};
use image::RgbImage;

const W: u32 = 240;
const H: u32 = 160;

fn base() -> RgbImage {
    let mut image = common::photo_like(W, H, 7, 0);
    // A fine checkerboard in the middle, to show that redactions remove detail.
    for y in 50..110 {
        for x in 80..160 {
            if (x + y) % 2 == 0 {
                image.put_pixel(x, y, image::Rgb([250, 250, 250]));
            } else {
                image.put_pixel(x, y, image::Rgb([10, 10, 10]));
            }
        }
    }
    image
}

fn p(x: f32, y: f32) -> NormPoint {
    NormPoint::new(x, y)
}

fn style(color: Rgba, width: f32, fill: Option<Rgba>) -> Style {
    Style { color, width, fill }
}

const RED: Rgba = Rgba::opaque(220, 20, 20);

/// `(name, annotation, a normalized point that must be covered by ink)`.
fn cases() -> Vec<(&'static str, Annotation, NormPoint)> {
    let at = |shape, style| Annotation::new(shape, style, "golden", 0);
    let region = NormRect::from_corners(p(0.35, 0.32), p(0.65, 0.68));
    vec![
        (
            "freehand",
            at(
                Shape::Freehand {
                    points: vec![
                        p(0.1, 0.8),
                        p(0.3, 0.2),
                        p(0.5, 0.7),
                        p(0.7, 0.25),
                        p(0.9, 0.6),
                    ],
                    pressure: vec![],
                },
                style(RED, 0.03, None),
            ),
            p(0.3, 0.22),
        ),
        (
            "freehand_pressure",
            at(
                Shape::Freehand {
                    points: vec![p(0.1, 0.5), p(0.4, 0.3), p(0.6, 0.7), p(0.9, 0.5)],
                    pressure: vec![0.1, 0.5, 0.9, 0.3],
                },
                style(Rgba::opaque(20, 20, 200), 0.06, None),
            ),
            p(0.6, 0.7),
        ),
        (
            "arrow",
            at(
                Shape::Arrow {
                    from: p(0.1, 0.9),
                    to: p(0.8, 0.2),
                },
                style(Rgba::opaque(250, 200, 0), 0.025, None),
            ),
            p(0.78, 0.23),
        ),
        (
            "line_translucent",
            at(
                Shape::Line {
                    from: p(0.05, 0.5),
                    to: p(0.95, 0.45),
                },
                style(
                    Rgba {
                        r: 0,
                        g: 0,
                        b: 0,
                        a: 140,
                    },
                    0.05,
                    None,
                ),
            ),
            p(0.5, 0.475),
        ),
        (
            "ellipse_filled",
            at(
                Shape::Ellipse {
                    bounds: NormRect::from_corners(p(0.2, 0.2), p(0.8, 0.8)),
                },
                style(
                    RED,
                    0.02,
                    Some(Rgba {
                        r: 255,
                        g: 255,
                        b: 0,
                        a: 90,
                    }),
                ),
            ),
            p(0.2, 0.5),
        ),
        (
            "rectangle",
            at(
                Shape::Rectangle {
                    bounds: NormRect::from_corners(p(0.15, 0.25), p(0.85, 0.75)),
                },
                style(Rgba::opaque(0, 160, 60), 0.03, None),
            ),
            p(0.15, 0.5),
        ),
        (
            "text",
            at(
                Shape::Text {
                    anchor: p(0.05, 0.05),
                    text: "Reifenspuren\nÄÖÜ äöü ß".into(),
                    size: 0.14,
                },
                style(Rgba::opaque(255, 255, 255), 0.01, None),
            ),
            p(0.06, 0.12),
        ),
        (
            "redaction_pixelate",
            at(
                Shape::Redaction {
                    bounds: region,
                    outline: RedactionOutline::Rectangle,
                    method: RedactionMethod::Pixelate,
                },
                style(RED, 0.01, None),
            ),
            p(0.5, 0.5),
        ),
        (
            "redaction_blur_ellipse",
            at(
                Shape::Redaction {
                    bounds: region,
                    outline: RedactionOutline::Ellipse,
                    method: RedactionMethod::Blur,
                },
                style(RED, 0.01, None),
            ),
            p(0.5, 0.5),
        ),
    ]
}

/// Pixels whose channels may differ from the golden file by more than `SMALL`.
const SMALL: u8 = 6;
/// How many such pixels are tolerated (anti-aliasing differences on edges).
const MAX_DIFFERENT_FRACTION: f64 = 0.005;

#[test]
fn every_annotation_kind_matches_its_golden_image() {
    let base = base();
    let mut failures = Vec::new();
    for (name, annotation, inked) in cases() {
        let mut image = base.clone();
        render(&mut image, std::slice::from_ref(&annotation)).unwrap();

        // Rendering must have done something where the shape is, whatever the golden says.
        let (ix, iy) = ((inked.x * W as f32) as u32, (inked.y * H as f32) as u32);
        assert_ne!(
            image.get_pixel(ix, iy),
            base.get_pixel(ix, iy),
            "{name}: nothing drawn at ({ix},{iy})"
        );
        let changed = image
            .pixels()
            .zip(base.pixels())
            .filter(|(a, b)| a != b)
            .count();
        assert!(changed > 200, "{name}: only {changed} pixels changed");

        let path = common::golden_dir().join(format!("{name}.png"));
        if common::blessing() {
            save_small_png(&image, &path);
            continue;
        }
        let golden = image::open(&path)
            .unwrap_or_else(|e| panic!("{}: {e}; run with NAPER_BLESS=1", path.display()))
            .into_rgb8();
        assert_eq!(golden.dimensions(), image.dimensions(), "{name}");
        let different = image
            .pixels()
            .zip(golden.pixels())
            .filter(|(a, b)| a.0.iter().zip(b.0).any(|(x, y)| x.abs_diff(y) > SMALL))
            .count();
        let fraction = different as f64 / (W * H) as f64;
        if fraction > MAX_DIFFERENT_FRACTION {
            let actual = path.with_extension("actual.png");
            image.save(&actual).unwrap();
            failures.push(format!(
                "{name}: {different} pixels differ (see {})",
                actual.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

fn save_small_png(image: &RgbImage, path: &std::path::Path) {
    use image::ImageEncoder;
    use image::codecs::png::{CompressionType, FilterType, PngEncoder};
    let file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    PngEncoder::new_with_quality(file, CompressionType::Best, FilterType::Adaptive)
        .write_image(
            image.as_raw(),
            image.width(),
            image.height(),
            image::ExtendedColorType::Rgb8,
        )
        .unwrap();
}

#[test]
fn the_comparison_would_catch_a_shifted_shape() {
    // Guard against a tolerance so loose that broken rendering passes.
    let (_, annotation, _) = cases().remove(5);
    let mut shifted = annotation.clone();
    shifted.shape = shifted
        .shape
        .map_points(|q| NormPoint::new(q.x + 0.02, q.y));
    let (mut a, mut b) = (base(), base());
    render(&mut a, &[annotation]).unwrap();
    render(&mut b, &[shifted]).unwrap();
    let different = a
        .pixels()
        .zip(b.pixels())
        .filter(|(x, y)| x.0.iter().zip(y.0).any(|(p, q)| p.abs_diff(q) > SMALL))
        .count();
    assert!(different as f64 / (W * H) as f64 > MAX_DIFFERENT_FRACTION);
}
