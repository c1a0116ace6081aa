//! Property tests: arbitrary annotations and arbitrary bytes never make the decoder, the
//! rasterizer, hit-testing, simplification or the editor panic.

// Test code: a panic here is a failed test (as in clippy.toml's allow-unwrap-in-tests).
#![allow(clippy::unwrap_used)]

mod common;

use annotate::geometry::PixelSize;
use annotate::{
    Annotation, AnnotationId, DecodeLimits, Edit, Editor, ExportFormat, FlattenOptions, NormPoint,
    NormRect, RedactionMethod, RedactionOutline, Rgba, Shape, Style, flatten, hit_test, photo,
    render, simplify_stroke,
};
use proptest::prelude::*;

/// Any f32, weighted towards the interesting ones: in range, slightly out, and non-finite.
fn coordinate() -> BoxedStrategy<f32> {
    prop_oneof![
        6 => 0.0f32..=1.0,
        2 => -2.0f32..3.0,
        1 => Just(f32::NAN),
        1 => Just(f32::INFINITY),
        1 => Just(f32::NEG_INFINITY),
        1 => any::<f32>(),
    ]
    .boxed()
}

fn point() -> BoxedStrategy<NormPoint> {
    (coordinate(), coordinate())
        .prop_map(|(x, y)| NormPoint::new(x, y))
        .boxed()
}

fn rect() -> BoxedStrategy<NormRect> {
    (point(), point())
        .prop_map(|(min, max)| NormRect { min, max })
        .boxed()
}

fn color() -> impl Strategy<Value = Rgba> {
    any::<u32>().prop_map(Rgba::from_u32)
}

fn shape() -> BoxedStrategy<Shape> {
    prop_oneof![
        (
            prop::collection::vec(point(), 0..40),
            prop::collection::vec(coordinate(), 0..40)
        )
            .prop_map(|(points, pressure)| Shape::Freehand { points, pressure }),
        (point(), point()).prop_map(|(from, to)| Shape::Arrow { from, to }),
        (point(), point()).prop_map(|(from, to)| Shape::Line { from, to }),
        rect().prop_map(|bounds| Shape::Ellipse { bounds }),
        rect().prop_map(|bounds| Shape::Rectangle { bounds }),
        (point(), ".{0,40}", coordinate()).prop_map(|(anchor, text, size)| Shape::Text {
            anchor,
            text,
            size
        }),
        (rect(), any::<bool>(), any::<bool>()).prop_map(|(bounds, ellipse, blur)| {
            Shape::Redaction {
                bounds,
                outline: if ellipse {
                    RedactionOutline::Ellipse
                } else {
                    RedactionOutline::Rectangle
                },
                method: if blur {
                    RedactionMethod::Blur
                } else {
                    RedactionMethod::Pixelate
                },
            }
        }),
    ]
    .boxed()
}

fn annotation() -> BoxedStrategy<Annotation> {
    (
        shape(),
        color(),
        coordinate(),
        prop::option::of(color()),
        any::<i64>(),
    )
        .prop_map(|(shape, color, width, fill, z)| Annotation {
            id: AnnotationId::new(),
            shape,
            style: Style { color, width, fill },
            author: "fuzz".into(),
            created_at_ms: 0,
            z,
        })
        .boxed()
}

fn small_jpeg() -> Vec<u8> {
    photo::encode(
        &common::photo_like(40, 30, 9, 8),
        ExportFormat::Jpeg { quality: 80 },
    )
    .unwrap()
}

fn small_png() -> Vec<u8> {
    photo::encode(&common::photo_like(20, 15, 9, 8), ExportFormat::Png).unwrap()
}

fn check_decoders(bytes: &[u8]) {
    let limits = DecodeLimits {
        max_pixels: 4_000_000,
    };
    let _ = photo::inspect(bytes, limits);
    let _ = photo::decode(bytes, limits);
    let _ = photo::downscale(bytes, 16, limits);
    let _ = flatten(
        bytes,
        &[],
        FlattenOptions {
            limits,
            ..Default::default()
        },
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn rasterizer_never_panics(annotations in prop::collection::vec(annotation(), 0..6)) {
        let mut image = common::photo_like(64, 48, 1, 0);
        let before = image.clone();
        let all_valid = annotations.iter().all(|a| a.validate().is_ok());
        match render(&mut image, &annotations) {
            Ok(()) => prop_assert!(all_valid),
            Err(_) => {
                prop_assert!(!all_valid);
                prop_assert_eq!(image, before);
            }
        }
    }

    #[test]
    fn normalizing_is_idempotent(a in annotation()) {
        if let Ok(n) = a.normalized() {
            prop_assert_eq!(n.normalized().unwrap(), n.clone());
        }
    }

    #[test]
    fn hit_testing_and_simplifying_never_panic(
        annotations in prop::collection::vec(annotation(), 0..6),
        at in point(),
        tolerance in coordinate(),
        w in 0u32..5000,
        h in 0u32..5000,
    ) {
        let _ = hit_test(&annotations, at, tolerance, PixelSize::new(w, h));
        for a in &annotations {
            if let Shape::Freehand { points, pressure } = &a.shape {
                let (kept, kept_pressure) = simplify_stroke(points, pressure, tolerance);
                prop_assert!(kept.len() <= points.len());
                prop_assert!(kept_pressure.is_empty() || kept_pressure.len() == kept.len());
            }
        }
    }

    #[test]
    fn editor_never_panics(
        annotations in prop::collection::vec(annotation(), 1..5),
        dx in coordinate(), dy in coordinate(), from in rect(), to in rect(), pick in 0usize..5,
    ) {
        let mut editor = Editor::default();
        for a in annotations {
            let _ = editor.apply(Edit::Add { annotation: a });
        }
        let ids: Vec<_> = editor.annotations().iter().map(|a| a.id).collect();
        let id = ids.get(pick % ids.len().max(1)).copied().unwrap_or_default();
        for edit in [
            Edit::Move { id, dx, dy },
            Edit::Resize { id, from, to },
            Edit::BringToFront { id },
            Edit::Recolor { id, color: Rgba::opaque(1, 2, 3) },
            Edit::Delete { id },
        ] {
            let _ = editor.apply(edit);
        }
        while editor.undo().is_some() {}
        prop_assert!(editor.annotations().is_empty());
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        check_decoders(&bytes);
    }

    #[test]
    fn damaged_photos_never_panic(
        png in any::<bool>(),
        cut in any::<prop::sample::Index>(),
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..8),
    ) {
        let mut bytes = if png { small_png() } else { small_jpeg() };
        for (at, value) in flips {
            let i = at.index(bytes.len());
            bytes[i] = value;
        }
        let len = cut.index(bytes.len() + 1);
        bytes.truncate(len);
        check_decoders(&bytes);
    }
}
