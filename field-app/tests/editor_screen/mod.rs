//! The annotation editor on a screen of its own, for the tests that drive it like an officer
//! would: the harness, the canvas's rectangle, and the mapping of expected points through
//! `annotate::geometry`, the one the export uses.

use annotate::NormPoint;
use annotate::geometry::{self, PixelPoint, PixelSize};
use egui::{Pos2, Rect, vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use field_app::gui::annotation_editor::{AnnotationEditor, EditorOutcome};
use field_app::gui::i18n::EN;

/// Close enough for a point that went through simplification and float conversions.
pub const TOLERANCE: f32 = 0.002;
/// The photo's size in pixels; the editor shows a 400 × 300 preview of it.
pub const FULL_SIZE: (u32, u32) = (4000, 3000);

/// The editor and what it last answered.
pub struct Screen {
    pub editor: AnnotationEditor,
    pub outcome: EditorOutcome,
}

/// A 1280 × 900 window showing an editor without annotations, run once.
pub fn harness() -> Harness<'static, Screen> {
    harness_sized(vec2(1280.0, 900.0))
}

/// A window of `size` showing an editor without annotations, run once.
pub fn harness_sized(size: egui::Vec2) -> Harness<'static, Screen> {
    let preview = egui::ColorImage::filled([400, 300], egui::Color32::from_gray(128));
    let screen = Screen {
        editor: AnnotationEditor::new(preview, FULL_SIZE, Vec::new()).with_author("officer1"),
        outcome: EditorOutcome::Editing,
    };
    let mut harness = Harness::builder().with_size(size).build_ui_state(
        |ui, screen: &mut Screen| screen.outcome = screen.editor.show(ui, &EN),
        screen,
    );
    harness.run();
    harness
}

/// The canvas's rectangle on screen.
pub fn canvas(harness: &Harness<'_, Screen>) -> Rect {
    harness.get_by_label(EN.editor_canvas).rect()
}

/// The normalized image point under `pos`, computed from the canvas's rectangle.
pub fn expected(canvas: Rect, pos: Pos2) -> NormPoint {
    let size = PixelSize::new(
        canvas.width().round() as u32,
        canvas.height().round() as u32,
    );
    let d = pos - canvas.min;
    geometry::to_norm(PixelPoint { x: d.x, y: d.y }, size)
}

/// A point at fractions `(fx, fy)` of the canvas.
pub fn at(canvas: Rect, fx: f32, fy: f32) -> Pos2 {
    canvas.min + vec2(fx, fy) * canvas.size()
}

pub fn assert_near(actual: NormPoint, expected: NormPoint) {
    assert!(
        (actual.x - expected.x).abs() < TOLERANCE && (actual.y - expected.y).abs() < TOLERANCE,
        "{actual:?} is not near {expected:?}"
    );
}

/// Clicks the widget labelled `label` and lets the editor react.
pub fn click(harness: &mut Harness<'_, Screen>, label: &str) {
    harness.get_by_label(label).click();
    harness.run();
}

/// A mouse drag along `path`.
pub fn mouse_drag(harness: &mut Harness<'_, Screen>, path: &[Pos2]) {
    let (Some(first), Some(last)) = (path.first(), path.last()) else {
        return;
    };
    harness.hover_at(*first);
    harness.drag_at(*first);
    for p in &path[1..] {
        harness.hover_at(*p);
    }
    harness.drop_at(*last);
    harness.run();
}
