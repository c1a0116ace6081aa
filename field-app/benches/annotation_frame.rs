//! Frame time of the annotation editor while the officer draws a stroke on a 12-megapixel
//! photo (issue 5: at most 16 ms per frame). Results are recorded in BENCHMARKS.md.
//!
//! One measured frame is what the tablet's UI thread does for a frame: `egui::Context::run`
//! with the editor handling one pointer move (the stroke grows by a point), then
//! tessellating the frame's shapes into triangles. The GPU's drawing is not included. The
//! photo is generated here (never committed) and goes through the same preview pipeline as
//! in the app; the stroke is drawn over 27 existing annotations, one point per frame, and
//! restarts every 240 frames (two seconds of drawing at 120 Hz input). The second case
//! measures only frames 1,200 to 2,400 of 20-second strokes, when the stroke in progress
//! has the most points (raw, unsimplified until the finger lifts).

#![allow(missing_docs)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use annotate::{
    Annotation, ExportFormat, NormPoint, NormRect, RedactionMethod, RedactionOutline, Rgba, Shape,
    Style, photo,
};
use criterion::{Criterion, criterion_group, criterion_main};
use egui::{Event, Modifiers, PointerButton, Pos2, RawInput, Rect, pos2, vec2};
use field_app::gui::annotation_editor::{AnnotationEditor, preview_image};
use field_app::gui::i18n::EN;
use image::RgbImage;

const WIDTH: u32 = 4000;
const HEIGHT: u32 = 3000;
const STROKE_FRAMES: u64 = 240;

/// Gradients with texture and noise, so that the JPEG is as large as a real photo's.
fn photo_jpeg() -> Vec<u8> {
    let mut seed = 0x9E37_79B9_7F4A_7C15_u64;
    let image = RgbImage::from_fn(WIDTH, HEIGHT, |x, y| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let (fx, fy) = (x as f32 / WIDTH as f32, y as f32 / HEIGHT as f32);
        let n = (seed % 25) as f32 - 12.0;
        let texture = 25.0 * ((fx * 140.0).sin() * (fy * 90.0).cos());
        let r = 80.0 + 110.0 * fx + texture + n;
        let g = 120.0 + 70.0 * (fx * 5.0 + fy * 3.0).sin() + n;
        let b = 50.0 + 140.0 * fy + n;
        image::Rgb([r, g, b].map(|v| v.clamp(0.0, 255.0) as u8))
    });
    photo::encode(&image, ExportFormat::Jpeg { quality: 90 }).expect("encode bench photo")
}

/// 20 freehand strokes of 60 points, 5 labels and 2 redactions.
fn annotations() -> Vec<Annotation> {
    let style = Style {
        color: Rgba::opaque(230, 25, 25),
        width: 0.006,
        fill: None,
    };
    let mut list = Vec::new();
    for s in 0..20 {
        let y = 0.05 + s as f32 * 0.045;
        let points = (0..60)
            .map(|i| {
                let t = i as f32 / 59.0;
                NormPoint::new(0.1 + 0.8 * t, y + 0.02 * (t * 20.0 + s as f32).sin())
            })
            .collect();
        let shape = Shape::Freehand {
            points,
            pressure: Vec::new(),
        };
        list.push(Annotation::new(shape, style, "bench", s));
    }
    for i in 0..5 {
        let shape = Shape::Text {
            anchor: NormPoint::new(0.1 + 0.15 * i as f32, 0.9),
            text: "Reifenspuren".into(),
            size: 0.04,
        };
        list.push(Annotation::new(shape, style, "bench", 20 + i));
    }
    for i in 0..2 {
        let x = 0.3 + 0.3 * i as f32;
        let shape = Shape::Redaction {
            bounds: NormRect::from_corners(NormPoint::new(x, 0.3), NormPoint::new(x + 0.1, 0.45)),
            outline: RedactionOutline::Ellipse,
            method: RedactionMethod::Blur,
        };
        list.push(Annotation::new(shape, style, "bench", 30 + i));
    }
    list
}

struct Tablet {
    ctx: egui::Context,
    screen: Rect,
}

impl Tablet {
    fn frame(&self, editor: &mut AnnotationEditor, events: Vec<Event>) {
        let input = RawInput {
            screen_rect: Some(self.screen),
            events,
            ..RawInput::default()
        };
        let output = self.ctx.run_ui(input, |ui| {
            egui::CentralPanel::default().show(ui, |ui| {
                black_box(editor.show(ui, &EN));
            });
        });
        black_box(self.ctx.tessellate(output.shapes, output.pixels_per_point));
    }
}

/// Point `step` of a stroke of `len` points: a zigzag across the photo.
fn stroke_point(step: u64, len: u64) -> Pos2 {
    let t = step as f32 / len as f32;
    let waves = 25.0 * len as f32 / STROKE_FRAMES as f32;
    pos2(200.0 + 800.0 * t, 480.0 + 150.0 * (t * waves).sin())
}

fn press(pos: Pos2, pressed: bool) -> Event {
    Event::PointerButton {
        pos,
        button: PointerButton::Primary,
        pressed,
        modifiers: Modifiers::NONE,
    }
}

fn benches(c: &mut Criterion) {
    let bytes = photo_jpeg();
    let (preview, full_size) = preview_image(&bytes).expect("preview of the bench photo");
    let existing = annotations();
    let tablet = Tablet {
        ctx: egui::Context::default(),
        screen: Rect::from_min_size(Pos2::ZERO, vec2(1280.0, 800.0)),
    };
    let fresh_editor = || {
        let mut editor = AnnotationEditor::new(preview.clone(), full_size, existing.clone());
        // The first frames upload the texture and lay out the toolbar; not part of drawing.
        for _ in 0..3 {
            tablet.frame(&mut editor, Vec::new());
        }
        let start = stroke_point(0, STROKE_FRAMES);
        tablet.frame(
            &mut editor,
            vec![Event::PointerMoved(start), press(start, true)],
        );
        editor
    };

    let mut group = c.benchmark_group("annotation_editor");
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(8));
    // (name, first measured point of a stroke, points before the stroke restarts)
    let cases = [
        (
            "frame while drawing a stroke on a 12 MP photo",
            1,
            STROKE_FRAMES,
        ),
        (
            "frame while drawing a stroke on a 12 MP photo, points 1200-2400 of a long stroke",
            10 * STROKE_FRAMES / 2,
            10 * STROKE_FRAMES,
        ),
    ];
    for (name, measured_from, restart_at) in cases {
        group.bench_function(name, |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                let mut editor = fresh_editor();
                let (mut measured, mut step) = (0, 0);
                while measured < iters {
                    step += 1;
                    let pos = stroke_point(step, restart_at);
                    if step == restart_at {
                        tablet.frame(&mut editor, vec![press(pos, false)]);
                        editor = fresh_editor();
                        step = 0;
                        continue;
                    }
                    let started = Instant::now();
                    tablet.frame(&mut editor, vec![Event::PointerMoved(pos)]);
                    if step >= measured_from {
                        total += started.elapsed();
                        measured += 1;
                    }
                }
                total
            });
        });
    }
    group.finish();
}

criterion_group!(frame_time, benches);
criterion_main!(frame_time);
