//! The annotation editor's controls for changing what is drawn: resize handles of the
//! selection, retyping a label, and the redaction method. Driven by accessible labels and
//! mouse drags; expected coordinates come from the canvas's on-screen rectangle through
//! `annotate::geometry`, the mapping the export uses.
#![allow(clippy::unwrap_used)]

mod editor_screen;

use editor_screen::*;

use annotate::{Annotation, NormPoint, RedactionMethod, RedactionOutline, Shape};
use egui::{Key, Pos2, Rect, Vec2, pos2, vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use field_app::gui::i18n::EN;

/// The screen position of a normalized point, from the canvas's rectangle.
fn on_screen(canvas: Rect, p: NormPoint) -> Pos2 {
    canvas.min + vec2(p.x, p.y) * canvas.size()
}

/// The options row under the toolbar is always there: picking a tool does not move the photo.
fn assert_same_place(now: Rect, before: Rect) {
    let moved = (now.min - before.min).length() + (now.max - before.max).length();
    assert!(moved < 0.5, "the photo moved from {before:?} to {now:?}");
}

/// Drags the handle named `label` by `by` points, grabbing it off its centre as a finger
/// would, and checks that its hit area is finger-sized.
fn drag_handle(harness: &mut Harness<'_, Screen>, label: &str, by: Vec2) {
    let area = harness.get_by_label(label).rect();
    assert!(
        area.width() >= 48.0 && area.height() >= 48.0,
        "{label} is {area:?}"
    );
    let grab = area.center() + vec2(12.0, -12.0);
    mouse_drag(harness, &[grab, grab + by * 0.5, grab + by]);
}

fn only(harness: &Harness<'_, Screen>) -> Annotation {
    let list = harness.state().editor.annotations();
    assert_eq!(list.len(), 1, "{list:?}");
    list[0].clone()
}

fn bounds(harness: &Harness<'_, Screen>) -> (NormPoint, NormPoint) {
    match only(harness).shape {
        Shape::Rectangle { bounds } => (bounds.min, bounds.max),
        other => panic!("a rectangle was drawn, not {other:?}"),
    }
}

fn label(harness: &Harness<'_, Screen>) -> (NormPoint, String, f32) {
    match only(harness).shape {
        Shape::Text { anchor, text, size } => (anchor, text, size),
        other => panic!("a label was placed, not {other:?}"),
    }
}

#[test]
fn annotation_editor_corner_handles_resize_the_selection_one_undo_step_per_drag() {
    let mut harness = harness();
    let rect = canvas(&harness);
    click(&mut harness, EN.editor_tool_rectangle);
    let (a, b) = (at(rect, 0.2, 0.2), at(rect, 0.4, 0.5));
    mouse_drag(&mut harness, &[a, b]);
    assert!(
        harness
            .query_by_label(EN.editor_handle_bottom_right)
            .is_none(),
        "no handles without a selection"
    );

    click(&mut harness, EN.editor_tool_select);
    assert_same_place(canvas(&harness), rect);
    mouse_drag(&mut harness, &[pos2(a.x + 4.0, (a.y + b.y) / 2.0)]);

    let grow = vec2(120.0, 80.0);
    drag_handle(&mut harness, EN.editor_handle_bottom_right, grow);
    let (min, max) = bounds(&harness);
    assert_near(min, expected(rect, a));
    assert_near(max, expected(rect, b + grow));

    let shift = vec2(-50.0, -30.0);
    drag_handle(&mut harness, EN.editor_handle_top_left, shift);
    let (min, max) = bounds(&harness);
    assert_near(min, expected(rect, a + shift));
    assert_near(max, expected(rect, b + grow));

    // Dragged past the opposite corner, the rectangle is spanned the other way round.
    let top_right = on_screen(rect, NormPoint::new(max.x, min.y));
    let bottom_left = on_screen(rect, NormPoint::new(min.x, max.y));
    let beyond = vec2(-40.0, 30.0);
    drag_handle(
        &mut harness,
        EN.editor_handle_top_right,
        bottom_left + beyond - top_right,
    );
    let (min, max) = bounds(&harness);
    assert_near(min, expected(rect, bottom_left + vec2(beyond.x, 0.0)));
    assert_near(max, expected(rect, bottom_left + vec2(0.0, beyond.y)));

    click(&mut harness, EN.editor_undo);
    let (min, max) = bounds(&harness);
    assert_near(min, expected(rect, a + shift));
    assert_near(max, expected(rect, b + grow));
    click(&mut harness, EN.editor_undo);
    click(&mut harness, EN.editor_undo);
    let (min, max) = bounds(&harness);
    assert_near(min, expected(rect, a));
    assert_near(max, expected(rect, b));
}

#[test]
fn annotation_editor_line_ends_move_alone() {
    let mut harness = harness();
    let rect = canvas(&harness);
    click(&mut harness, EN.editor_tool_arrow);
    let (from, to) = (at(rect, 0.2, 0.5), at(rect, 0.6, 0.5));
    mouse_drag(&mut harness, &[from, to]);
    click(&mut harness, EN.editor_tool_select);
    mouse_drag(&mut harness, &[at(rect, 0.4, 0.5)]);

    // Straight down from a horizontal arrow: only the head moves.
    let down = vec2(0.0, 100.0);
    drag_handle(&mut harness, EN.editor_handle_end, down);
    let Shape::Arrow { from: a, to: b } = only(&harness).shape else {
        panic!("still an arrow");
    };
    assert_near(a, expected(rect, from));
    assert_near(b, expected(rect, to + down));

    let left = vec2(-80.0, -40.0);
    drag_handle(&mut harness, EN.editor_handle_start, left);
    let Shape::Arrow { from: a, to: b } = only(&harness).shape else {
        panic!("still an arrow");
    };
    assert_near(a, expected(rect, from + left));
    assert_near(b, expected(rect, to + down));

    click(&mut harness, EN.editor_undo);
    let Shape::Arrow { from: a, .. } = only(&harness).shape else {
        panic!("still an arrow");
    };
    assert_near(a, expected(rect, from));
}

/// Places the label "Reifenspuren" and selects it; returns the canvas rectangle.
fn placed_and_selected_label(harness: &mut Harness<'_, Screen>) -> Rect {
    click(harness, EN.editor_tool_text);
    let rect = canvas(harness);
    mouse_drag(harness, &[at(rect, 0.3, 0.4)]);
    harness.get_by_label(EN.editor_text_input).focus();
    harness.run();
    harness
        .get_by_label(EN.editor_text_input)
        .type_text("Reifenspuren");
    harness.run();
    click(harness, EN.editor_text_place);
    click(harness, EN.editor_tool_select);
    // The text tool's row is gone: the photo may have moved.
    let rect = canvas(harness);
    let (anchor, _, _) = label(harness);
    mouse_drag(harness, &[on_screen(rect, anchor) + vec2(15.0, 10.0)]);
    rect
}

#[test]
fn annotation_editor_label_handle_scales_the_font_from_its_anchor() {
    let mut harness = harness();
    placed_and_selected_label(&mut harness);
    let (anchor, _, size) = label(&harness);
    assert!(
        harness.query_by_label(EN.editor_handle_top_left).is_none(),
        "a label has one handle"
    );

    drag_handle(
        &mut harness,
        EN.editor_handle_bottom_right,
        vec2(40.0, 60.0),
    );
    let (moved_anchor, _, bigger) = label(&harness);
    assert_near(moved_anchor, anchor);
    assert!(bigger > size * 1.5, "{size} became {bigger}");

    // Dragged up over the anchor, the label shrinks to the smallest size; it does not flip.
    drag_handle(
        &mut harness,
        EN.editor_handle_bottom_right,
        vec2(-300.0, -300.0),
    );
    let (moved_anchor, _, smallest) = label(&harness);
    assert_near(moved_anchor, anchor);
    assert!((smallest - annotate::MIN_TEXT_SIZE).abs() < 1e-6);
}

#[test]
fn annotation_editor_a_label_is_retyped_and_empty_text_is_refused() {
    let mut harness = harness();
    let before = canvas(&harness);
    click(&mut harness, EN.editor_tool_select);
    assert!(
        harness
            .get_by_label(EN.editor_text_edit)
            .accesskit_node()
            .is_disabled(),
        "nothing to retype without a label selected"
    );
    assert_same_place(canvas(&harness), before);
    placed_and_selected_label(&mut harness);

    click(&mut harness, EN.editor_text_edit);
    let field = harness.get_by_label(EN.editor_text_input);
    assert_eq!(field.value().as_deref(), Some("Reifenspuren"), "prefilled");
    for _ in 0.."Reifenspuren".len() {
        harness.key_press(Key::Backspace);
    }
    harness.run();
    click(&mut harness, EN.editor_text_apply);
    assert!(harness.query_by_label(EN.editor_text_empty).is_some());
    assert_eq!(label(&harness).1, "Reifenspuren", "empty text is refused");
    assert!(!harness.state().editor.annotations().is_empty());

    harness.get_by_label(EN.editor_text_input).focus();
    harness.run();
    harness
        .get_by_label(EN.editor_text_input)
        .type_text("Ölspur");
    harness.run();
    assert!(
        harness.query_by_label(EN.editor_text_empty).is_none(),
        "the message goes once there is text"
    );
    click(&mut harness, EN.editor_text_apply);
    assert_eq!(label(&harness).1, "Ölspur");
    assert!(harness.query_by_label(EN.editor_text_input).is_none());

    click(&mut harness, EN.editor_undo);
    assert_eq!(label(&harness).1, "Reifenspuren", "one undo step");
    click(&mut harness, EN.editor_redo);
    assert_eq!(label(&harness).1, "Ölspur");

    // Cancel leaves the label as it is.
    click(&mut harness, EN.editor_text_edit);
    harness
        .get_by_label(EN.editor_text_input)
        .type_text(" am Rand");
    harness.run();
    click(&mut harness, EN.cancel);
    assert_eq!(label(&harness).1, "Ölspur");
}

#[test]
fn annotation_editor_redactions_use_the_method_chosen_on_screen() {
    let mut harness = harness();
    let rect = canvas(&harness);
    let method = |harness: &Harness<'_, Screen>| {
        let mut list = harness.state().editor.annotations().to_vec();
        list.sort_by_key(|a| a.z);
        match list.pop().map(|a| a.shape) {
            Some(Shape::Redaction {
                method, outline, ..
            }) => (method, outline),
            other => panic!("a redaction was drawn, not {other:?}"),
        }
    };
    click(&mut harness, EN.editor_tool_redaction);
    assert_same_place(canvas(&harness), rect);
    for label in [EN.editor_redaction_pixelate, EN.editor_redaction_blur] {
        let size = harness.get_by_label(label).rect().size();
        assert!(size.x >= 48.0 && size.y >= 48.0, "{label} is {size:?}");
    }
    mouse_drag(&mut harness, &[at(rect, 0.1, 0.1), at(rect, 0.2, 0.2)]);
    assert_eq!(
        method(&harness),
        (RedactionMethod::Pixelate, RedactionOutline::Rectangle),
        "pixelate unless chosen otherwise"
    );

    click(&mut harness, EN.editor_redaction_blur);
    mouse_drag(&mut harness, &[at(rect, 0.3, 0.1), at(rect, 0.4, 0.2)]);
    assert_eq!(
        method(&harness),
        (RedactionMethod::Blur, RedactionOutline::Rectangle)
    );

    // The choice holds for faces too.
    click(&mut harness, EN.editor_tool_face_redaction);
    mouse_drag(&mut harness, &[at(rect, 0.5, 0.1), at(rect, 0.6, 0.3)]);
    assert_eq!(
        method(&harness),
        (RedactionMethod::Blur, RedactionOutline::Ellipse)
    );
    click(&mut harness, EN.editor_redaction_pixelate);
    mouse_drag(&mut harness, &[at(rect, 0.7, 0.1), at(rect, 0.8, 0.3)]);
    assert_eq!(
        method(&harness),
        (RedactionMethod::Pixelate, RedactionOutline::Ellipse)
    );
}
