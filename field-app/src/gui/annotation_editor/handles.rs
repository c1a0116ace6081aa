//! The handles of the selected annotation: the corners of its selection frame resize
//! rectangles, ellipses, redactions and freehand strokes; the lower right corner of a label
//! scales its font size; the two ends of a line or arrow move each end alone.
//!
//! A handle is drawn small but grabbed anywhere in a finger-sized square around it
//! ([`TOUCH_TARGET`]); where squares overlap, the nearest handle wins. The drag is followed in
//! normalized image coordinates (through [`Mapping`], i.e. `annotate::geometry`) and ends as
//! one [`Edit`] — one undo step.

use annotate::{Annotation, AnnotationId, Edit, NormPoint, NormRect, Shape};
use egui::{Color32, Id, Painter, Pos2, Rect, Role, Sense, Stroke, Ui, Vec2, WidgetInfo};

use super::paint::{ink_bounds, selection_rect};
use super::toolbar::TOUCH_TARGET;
use super::view::Mapping;
use crate::gui::i18n::Texts;

/// The drawn handle's radius in points; the hit area is larger.
const DRAWN_RADIUS: f32 = 10.0;

/// A label's box may not shrink below this (normalized) height while it is dragged; the
/// model clamps the font size to its minimum anyway.
const MIN_LABEL_EXTENT: f32 = 1e-3;

/// One handle of the selected annotation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Handle {
    TopLeft,
    TopRight,
    BottomLeft,
    BottomRight,
    /// The `from` end of a line or arrow.
    Start,
    /// The `to` end (an arrow's head).
    End,
}

impl Handle {
    /// The accessible name.
    fn label(self, texts: &Texts) -> &'static str {
        match self {
            Handle::TopLeft => texts.editor_handle_top_left,
            Handle::TopRight => texts.editor_handle_top_right,
            Handle::BottomLeft => texts.editor_handle_bottom_left,
            Handle::BottomRight => texts.editor_handle_bottom_right,
            Handle::Start => texts.editor_handle_start,
            Handle::End => texts.editor_handle_end,
        }
    }
}

/// The finger-sized square in which the handle at `at` is grabbed.
fn hit_area(at: Pos2) -> Rect {
    Rect::from_center_size(at, Vec2::splat(TOUCH_TARGET))
}

/// The handles of `a` and where they are on screen.
fn handles(a: &Annotation, mapping: &Mapping) -> Vec<(Handle, Pos2)> {
    if let Shape::Line { from, to } | Shape::Arrow { from, to } = &a.shape {
        return vec![
            (Handle::Start, mapping.to_screen(*from)),
            (Handle::End, mapping.to_screen(*to)),
        ];
    }
    let Some(frame) = selection_rect(a, mapping) else {
        return Vec::new();
    };
    let bottom_right = (Handle::BottomRight, frame.right_bottom());
    if matches!(a.shape, Shape::Text { .. }) {
        return vec![bottom_right];
    }
    vec![
        (Handle::TopLeft, frame.left_top()),
        (Handle::TopRight, frame.right_top()),
        (Handle::BottomLeft, frame.left_bottom()),
        bottom_right,
    ]
}

/// A handle being dragged.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct HandleDrag {
    /// The annotation it belongs to.
    pub(super) id: AnnotationId,
    handle: Handle,
    /// The annotation's normalized frame when the handle was grabbed (for a label: the box
    /// of its glyphs, which depends on the photo's aspect ratio only).
    frame: NormRect,
    /// Where the finger went down, normalized and not clamped.
    start: NormPoint,
    /// Where the finger is now.
    pub(super) now: NormPoint,
}

impl HandleDrag {
    /// The drag of the handle of `a` under the finger at `pos`, if there is one.
    pub(super) fn grab(a: &Annotation, mapping: &Mapping, pos: Pos2) -> Option<Self> {
        let frame = ink_bounds(a, mapping)?;
        let (handle, _) = handles(a, mapping)
            .into_iter()
            .filter(|(_, at)| hit_area(*at).contains(pos))
            .min_by(|(_, a), (_, b)| a.distance(pos).total_cmp(&b.distance(pos)))?;
        let start = mapping.to_norm(pos);
        Some(Self {
            id: a.id,
            handle,
            frame,
            start,
            now: start,
        })
    }

    /// Whether the finger moved since it grabbed the handle.
    pub(super) fn moved(&self) -> bool {
        self.start != self.now
    }

    /// The edit this drag makes of `a` (the annotation it grabbed): the grabbed point moved
    /// by the finger's offset and kept on the photo; the opposite corner stays.
    pub(super) fn edit(&self, a: &Annotation) -> Option<Edit> {
        let (dx, dy) = (self.now.x - self.start.x, self.now.y - self.start.y);
        let shift =
            |p: NormPoint| NormPoint::new((p.x + dx).clamp(0.0, 1.0), (p.y + dy).clamp(0.0, 1.0));
        let f = self.frame;
        let (corner, opposite) = match self.handle {
            Handle::Start | Handle::End => {
                let index = usize::from(self.handle == Handle::End);
                let point = *a.shape.control_points().get(index)?;
                return Some(Edit::MovePoint {
                    id: self.id,
                    index,
                    to: shift(point),
                });
            }
            Handle::TopLeft => (f.min, f.max),
            Handle::TopRight => (
                NormPoint::new(f.max.x, f.min.y),
                NormPoint::new(f.min.x, f.max.y),
            ),
            Handle::BottomLeft => (
                NormPoint::new(f.min.x, f.max.y),
                NormPoint::new(f.max.x, f.min.y),
            ),
            Handle::BottomRight => (f.max, f.min),
        };
        let mut corner = shift(corner);
        if matches!(a.shape, Shape::Text { .. }) {
            // A label grows and shrinks from its anchor; it does not flip over it.
            corner.x = corner.x.max(opposite.x + MIN_LABEL_EXTENT);
            corner.y = corner.y.max(opposite.y + MIN_LABEL_EXTENT);
        }
        Some(Edit::Resize {
            id: self.id,
            from: f,
            to: NormRect::from_corners(opposite, corner),
        })
    }
}

/// Draws the handles of the selected annotation `a`.
pub(super) fn paint(painter: &Painter, a: &Annotation, mapping: &Mapping) {
    for (_, at) in handles(a, mapping) {
        painter.circle(
            at,
            DRAWN_RADIUS,
            Color32::WHITE,
            Stroke::new(3.0, Color32::BLACK),
        );
    }
}

/// Gives each handle of `a` its hit area as a widget with an accessible name, so that
/// assistive technology (and the tests) know where the handles are. The drag itself is
/// followed through the canvas's contacts, like every other gesture on the photo.
pub(super) fn widgets(ui: &Ui, texts: &Texts, a: &Annotation, mapping: &Mapping) {
    for (handle, at) in handles(a, mapping) {
        let response = ui.interact(
            hit_area(at),
            Id::unique(("naper-annotation-handle", handle)),
            Sense::hover(),
        );
        response.widget_info(|| WidgetInfo::labeled(Role::Unknown, true, handle.label(texts)));
    }
}
