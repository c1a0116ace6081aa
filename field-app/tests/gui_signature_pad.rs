//! The signature pad driven by its accessible labels: drawing produces a signature whose
//! strokes lie where the finger went; "clear" empties it.
#![allow(clippy::unwrap_used)]

use egui::{Event, Pos2, Rect, TouchDeviceId, TouchId, TouchPhase, vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use field_app::gui::i18n::EN;
use field_app::gui::signature_pad::SignaturePad;
use schema::Signature;

struct Form {
    pad: SignaturePad,
    value: Option<Signature>,
    changes: usize,
}

fn harness() -> Harness<'static, Form> {
    let form = Form {
        pad: SignaturePad::new().with_signer("Erika Mustermann"),
        value: None,
        changes: 0,
    };
    let mut harness = Harness::builder()
        .with_size(vec2(800.0, 400.0))
        .build_ui_state(
            |ui, form: &mut Form| {
                if form.pad.show(ui, &EN, &mut form.value).changed() {
                    form.changes += 1;
                }
            },
            form,
        );
    harness.run();
    harness
}

fn pad(harness: &Harness<'_, Form>) -> Rect {
    harness.get_by_label(EN.signature_pad).rect()
}

fn on_pad(rect: Rect, fx: f32, fy: f32) -> Pos2 {
    rect.min + vec2(fx, fy) * rect.size()
}

#[test]
fn signature_pad_drawing_signs_and_clear_empties() {
    let mut harness = harness();
    let rect = pad(&harness);
    let path: Vec<Pos2> = (0..=12)
        .map(|i| {
            let t = i as f32 / 12.0;
            on_pad(rect, 0.1 + 0.6 * t, 0.5 + 0.2 * (t * 12.0).sin())
        })
        .collect();
    harness.drag_at(path[0]);
    for p in &path[1..] {
        harness.hover_at(*p);
    }
    harness.drop_at(path[12]);
    harness.run();

    let form = harness.state();
    let signature = form.value.as_ref().expect("drawing on the pad signs");
    assert_eq!(form.changes, 1);
    assert_eq!(signature.signer, "Erika Mustermann");
    assert!(signature.signed_at_ms > 0);
    assert_eq!(signature.strokes.len(), 1);
    let stroke = &signature.strokes[0];
    assert!(stroke.len() >= 3);
    let first = stroke[0];
    let expected = (path[0] - rect.min) / rect.size();
    assert!((first.x - expected.x).abs() < 0.01 && (first.y - expected.y).abs() < 0.01);

    // A second stroke by finger.
    let touch = |phase, pos| Event::Touch {
        device_id: TouchDeviceId(1),
        id: TouchId(3),
        phase,
        pos,
        force: None,
    };
    harness.event(touch(TouchPhase::Start, on_pad(rect, 0.75, 0.3)));
    harness.event(touch(TouchPhase::Move, on_pad(rect, 0.8, 0.6)));
    harness.event(touch(TouchPhase::End, on_pad(rect, 0.85, 0.4)));
    harness.run();
    assert_eq!(harness.state().value.as_ref().unwrap().strokes.len(), 2);
    assert_eq!(harness.state().changes, 2);

    harness.get_by_label(EN.signature_clear).click();
    harness.run();
    assert_eq!(harness.state().value, None);
    assert_eq!(harness.state().changes, 3);
}

#[test]
fn signature_pad_ignores_strokes_that_start_off_the_pad() {
    let mut harness = harness();
    let rect = pad(&harness);
    let outside = rect.left_bottom() + vec2(10.0, 60.0);
    harness.drag_at(outside);
    harness.hover_at(rect.center());
    harness.drop_at(rect.center());
    harness.run();
    assert_eq!(harness.state().value, None);
    assert_eq!(harness.state().changes, 0);
}
