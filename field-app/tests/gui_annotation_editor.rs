//! The annotation editor driven like an officer would: by its accessible labels, with mouse
//! drags, finger touches and pinches on the canvas. Expected coordinates come from the
//! canvas's on-screen rectangle through `annotate::geometry`, the mapping the export uses.
#![allow(clippy::unwrap_used)]

mod editor_screen;

use editor_screen::*;

use annotate::{Annotation, Shape};
use egui::{Event, Pos2, TouchDeviceId, TouchId, TouchPhase, Vec2, pos2, vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use field_app::gui::annotation_editor::EditorOutcome;
use field_app::gui::i18n::EN;

fn touch(
    harness: &Harness<'_, Screen>,
    finger: u64,
    phase: TouchPhase,
    pos: Pos2,
    force: Option<f32>,
) {
    harness.event(Event::Touch {
        device_id: TouchDeviceId(7),
        id: TouchId(finger),
        phase,
        pos,
        force,
    });
}

fn annotations(harness: &Harness<'_, Screen>) -> Vec<Annotation> {
    harness.state().editor.annotations().to_vec()
}

fn newest(harness: &Harness<'_, Screen>) -> Annotation {
    let mut list = annotations(harness);
    list.sort_by_key(|a| a.z);
    list.pop().expect("an annotation was drawn")
}

#[test]
fn annotation_editor_pen_strokes_from_mouse_and_touch_land_where_drawn() {
    let mut harness = harness();
    click(&mut harness, EN.editor_tool_pen);
    let rect = canvas(&harness);
    let path: Vec<Pos2> = (0..=20)
        .map(|i| {
            let t = i as f32 / 20.0;
            at(rect, 0.1 + 0.5 * t, 0.3 + 0.2 * (t * 9.0).sin())
        })
        .collect();
    mouse_drag(&mut harness, &path);

    let list = annotations(&harness);
    assert_eq!(list.len(), 1);
    let Shape::Freehand { points, pressure } = &list[0].shape else {
        panic!("the pen draws freehand, got {:?}", list[0].shape);
    };
    assert!(points.len() >= 3, "a wavy stroke keeps its corners");
    assert!(pressure.is_empty(), "a mouse has no pressure");
    assert_near(points[0], expected(rect, path[0]));
    assert_near(points[points.len() - 1], expected(rect, path[20]));
    assert_eq!(list[0].author, "officer1");

    // A finger with pressure, as a pen on a touch screen reports it.
    let stroke = [
        at(rect, 0.7, 0.7),
        at(rect, 0.75, 0.8),
        at(rect, 0.85, 0.75),
    ];
    touch(&harness, 1, TouchPhase::Start, stroke[0], Some(0.2));
    touch(&harness, 1, TouchPhase::Move, stroke[1], Some(0.6));
    touch(&harness, 1, TouchPhase::Move, stroke[2], Some(0.9));
    touch(&harness, 1, TouchPhase::End, stroke[2], Some(0.9));
    harness.run();

    assert_eq!(annotations(&harness).len(), 2);
    let Shape::Freehand { points, pressure } = newest(&harness).shape else {
        panic!("the pen draws freehand");
    };
    assert_eq!(points.len(), 3);
    assert_eq!(pressure.len(), 3);
    for (p, screen) in points.iter().zip(stroke) {
        assert_near(*p, expected(rect, screen));
    }
}

#[test]
fn annotation_editor_shapes_span_the_drag() {
    let mut harness = harness();
    let rect = canvas(&harness);
    let tools = [
        EN.editor_tool_arrow,
        EN.editor_tool_line,
        EN.editor_tool_rectangle,
        EN.editor_tool_ellipse,
        EN.editor_tool_redaction,
        EN.editor_tool_face_redaction,
    ];
    for (i, tool) in tools.into_iter().enumerate() {
        click(&mut harness, tool);
        let offset = 0.13 * i as f32;
        let (from, to) = (at(rect, 0.1 + offset, 0.2), at(rect, 0.2 + offset, 0.6));
        mouse_drag(&mut harness, &[from, pos2((from.x + to.x) / 2.0, to.y), to]);
        let (from, to) = (expected(rect, from), expected(rect, to));
        match newest(&harness).shape {
            Shape::Arrow { from: a, to: b } if tool == EN.editor_tool_arrow => {
                assert_near(a, from);
                assert_near(b, to);
            }
            Shape::Line { from: a, to: b } if tool == EN.editor_tool_line => {
                assert_near(a, from);
                assert_near(b, to);
            }
            Shape::Rectangle { bounds } if tool == EN.editor_tool_rectangle => {
                assert_near(bounds.min, from);
                assert_near(bounds.max, to);
            }
            Shape::Ellipse { bounds } if tool == EN.editor_tool_ellipse => {
                assert_near(bounds.min, from);
                assert_near(bounds.max, to);
            }
            Shape::Redaction {
                bounds, outline, ..
            } if tool == EN.editor_tool_redaction || tool == EN.editor_tool_face_redaction => {
                let face = tool == EN.editor_tool_face_redaction;
                let oval = outline == annotate::RedactionOutline::Ellipse;
                assert_eq!(face, oval, "{tool} drew a {outline:?} redaction");
                assert_near(bounds.min, from);
                assert_near(bounds.max, to);
            }
            other => panic!("{tool} drew {other:?}"),
        }
    }
    assert_eq!(annotations(&harness).len(), tools.len());

    // A tap with a shape tool has no extent and draws nothing.
    click(&mut harness, EN.editor_tool_rectangle);
    let tap = at(rect, 0.5, 0.9);
    mouse_drag(&mut harness, &[tap]);
    assert_eq!(annotations(&harness).len(), tools.len());
}

#[test]
fn annotation_editor_text_label_is_placed_where_tapped() {
    let mut harness = harness();
    click(&mut harness, EN.editor_tool_text);
    let rect = canvas(&harness);
    let tap = at(rect, 0.3, 0.4);
    mouse_drag(&mut harness, &[tap]);
    harness.get_by_label(EN.editor_text_input).focus();
    harness.run();
    harness
        .get_by_label(EN.editor_text_input)
        .type_text("Reifenspuren");
    harness.run();
    click(&mut harness, EN.editor_text_place);

    let Shape::Text { anchor, text, size } = newest(&harness).shape else {
        panic!("the text tool places text");
    };
    assert_eq!(text, "Reifenspuren");
    assert!(size > 0.0);
    // The canvas rectangle may have moved when the text row appeared above it.
    assert_near(anchor, expected(rect, tap));
}

#[test]
fn annotation_editor_undo_and_redo_step_through_the_history() {
    let mut harness = harness();
    let rect = canvas(&harness);
    click(&mut harness, EN.editor_tool_line);
    mouse_drag(&mut harness, &[at(rect, 0.1, 0.1), at(rect, 0.4, 0.4)]);
    click(&mut harness, EN.editor_tool_rectangle);
    mouse_drag(&mut harness, &[at(rect, 0.5, 0.5), at(rect, 0.8, 0.9)]);
    assert_eq!(annotations(&harness).len(), 2);

    click(&mut harness, EN.editor_undo);
    let list = annotations(&harness);
    assert_eq!(list.len(), 1);
    assert!(matches!(list[0].shape, Shape::Line { .. }));
    click(&mut harness, EN.editor_undo);
    assert!(annotations(&harness).is_empty());
    click(&mut harness, EN.editor_redo);
    click(&mut harness, EN.editor_redo);
    let mut kinds: Vec<bool> = annotations(&harness)
        .iter()
        .map(|a| matches!(a.shape, Shape::Rectangle { .. }))
        .collect();
    kinds.sort();
    assert_eq!(kinds, vec![false, true]);
}

#[test]
fn annotation_editor_select_move_and_delete() {
    let mut harness = harness();
    let rect = canvas(&harness);
    click(&mut harness, EN.editor_tool_rectangle);
    let (a, b) = (at(rect, 0.2, 0.2), at(rect, 0.4, 0.5));
    mouse_drag(&mut harness, &[a, b]);
    let id = newest(&harness).id;

    click(&mut harness, EN.editor_tool_select);
    // Grab the left edge a little off the line, as a finger would, and drag it.
    let grab = pos2(a.x + 4.0, (a.y + b.y) / 2.0);
    let shift = vec2(150.0, 60.0);
    mouse_drag(&mut harness, &[grab, grab + shift * 0.5, grab + shift]);

    let moved = newest(&harness);
    assert_eq!(moved.id, id);
    let Shape::Rectangle { bounds } = moved.shape else {
        panic!("still a rectangle");
    };
    let delta = |p: Pos2| expected(rect, p + shift);
    assert_near(bounds.min, delta(a));
    assert_near(bounds.max, delta(b));

    click(&mut harness, EN.editor_delete);
    assert!(annotations(&harness).is_empty());
    click(&mut harness, EN.editor_undo);
    assert_eq!(annotations(&harness).len(), 1, "deleting is undoable");

    // A tap on empty photo selects nothing, so there is nothing to delete.
    mouse_drag(&mut harness, &[at(rect, 0.9, 0.9)]);
    click(&mut harness, EN.editor_delete);
    assert_eq!(annotations(&harness).len(), 1);
}

#[test]
fn annotation_editor_zoom_then_draw_lands_on_the_photo_point_under_the_finger() {
    let mut harness = harness();
    let before = canvas(&harness);
    let focus = at(before, 0.4, 0.5);
    let photo_point = expected(before, focus);
    harness.hover_at(focus);
    harness.event(Event::Zoom(2.0));
    harness.run();

    let after = canvas(&harness);
    assert!(
        (after.width() / before.width() - 2.0).abs() < 0.01,
        "zoomed from {before:?} to {after:?}"
    );
    assert_near(expected(after, focus), photo_point);

    click(&mut harness, EN.editor_tool_line);
    let (from, to) = (focus, focus + vec2(120.0, -80.0));
    mouse_drag(&mut harness, &[from, to]);
    let Shape::Line { from: a, to: b } = newest(&harness).shape else {
        panic!("the line tool draws lines");
    };
    assert_near(a, photo_point);
    assert_near(b, expected(after, to));
    // Zoomed in, the same screen distance covers half the photo distance.
    let unzoomed = expected(before, to);
    assert!((b.x - a.x) < (unzoomed.x - photo_point.x) * 0.6);

    click(&mut harness, EN.editor_zoom_fit);
    assert_eq!(canvas(&harness), before);
}

#[test]
fn annotation_editor_pinch_zooms_and_draws_nothing() {
    let mut harness = harness();
    click(&mut harness, EN.editor_tool_pen);
    let before = canvas(&harness);
    let centre = before.center();
    let spread = |d: f32| (centre - vec2(d, 0.0), centre + vec2(d, 0.0));
    let (a, b) = spread(50.0);
    touch(&harness, 1, TouchPhase::Start, a, None);
    touch(&harness, 2, TouchPhase::Start, b, None);
    for d in [70.0, 90.0, 110.0] {
        let (a, b) = spread(d);
        touch(&harness, 1, TouchPhase::Move, a, None);
        touch(&harness, 2, TouchPhase::Move, b, None);
    }
    let (a, b) = spread(110.0);
    touch(&harness, 1, TouchPhase::End, a, None);
    touch(&harness, 2, TouchPhase::End, b, None);
    harness.run();

    let after = canvas(&harness);
    assert!(
        after.width() > before.width() * 1.5,
        "pinched from {before:?} to {after:?}"
    );
    assert!(annotations(&harness).is_empty(), "a pinch is no stroke");
}

#[test]
fn annotation_editor_done_hands_back_the_annotations_and_cancel_discards() {
    let mut harness = harness();
    let rect = canvas(&harness);
    click(&mut harness, EN.editor_tool_arrow);
    mouse_drag(&mut harness, &[at(rect, 0.2, 0.2), at(rect, 0.6, 0.3)]);
    harness.get_by_label(EN.editor_done).click();
    harness.step();
    let EditorOutcome::Done(list) = &harness.state().outcome else {
        panic!("done was pressed");
    };
    assert_eq!(list.as_slice(), harness.state().editor.annotations());
    assert_eq!(list.len(), 1);

    harness.get_by_label(EN.editor_cancel).click();
    harness.step();
    assert_eq!(harness.state().outcome, EditorOutcome::Cancelled);
}

#[test]
fn annotation_editor_every_control_is_a_finger_sized_labelled_target() {
    let harness = harness();
    for label in [
        EN.editor_tool_select,
        EN.editor_tool_pen,
        EN.editor_tool_redaction,
        EN.editor_color_red,
        EN.editor_color_white,
        EN.editor_width_thick,
        EN.editor_undo,
        EN.editor_redo,
        EN.editor_zoom_in,
        EN.editor_done,
    ] {
        let size: Vec2 = harness.get_by_label(label).rect().size();
        assert!(size.x >= 48.0 && size.y >= 48.0, "{label} is {size:?}");
    }
}

#[test]
fn annotation_editor_on_a_wide_screen_puts_the_tools_beside_a_larger_photo() {
    // A landscape tablet's window below the app's top bar: rows of tools above the photo
    // would leave it about half the height, so they go in a column beside it.
    let mut harness = harness_sized(vec2(1280.0, 720.0));
    harness.run();
    let rect = canvas(&harness);
    let window = egui::Rect::from_min_size(Pos2::ZERO, vec2(1280.0, 720.0));
    for label in [EN.editor_tool_pen, EN.editor_undo, EN.editor_done] {
        let button = harness.get_by_label(label).rect();
        assert!(
            button.max.x <= rect.min.x,
            "{label} is beside the photo: {button:?}, photo {rect:?}"
        );
        assert!(
            window.contains_rect(button),
            "{label} is on screen: {button:?}"
        );
        assert!(
            button.width() >= 48.0 && button.height() >= 48.0,
            "{label}: {button:?}"
        );
    }
    assert!(
        rect.height() >= 600.0,
        "the photo gets the height: {rect:?}"
    );

    // Drawing maps through the same geometry in this layout.
    click(&mut harness, EN.editor_tool_line);
    let (from, to) = (at(rect, 0.2, 0.3), at(rect, 0.8, 0.6));
    mouse_drag(&mut harness, &[from, at(rect, 0.5, 0.45), to]);
    let Shape::Line { from: a, to: b } = newest(&harness).shape else {
        panic!("the line tool draws a line");
    };
    assert_near(a, expected(rect, from));
    assert_near(b, expected(rect, to));
}
