//! Editing operations on a photo's annotations and their undo/redo history.
//!
//! Every operation is recorded as a [`Change`]: the affected annotation before and after.
//! Undo puts "before" back, redo puts "after" back. Storing whole annotation states rather
//! than inverse operations keeps undo correct for every operation, including ones added
//! later, and the history is plain serde data, so the tablet can store it with the case and
//! offer undo after a restart.

use serde::{Deserialize, Serialize};

use crate::error::{AnnotateError, Result};
use crate::model::{Annotation, AnnotationId, NormPoint, NormRect, Rgba, Shape};

/// One editing operation, as the canvas issues it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Edit {
    /// Adds a new annotation (normalized first, see [`Annotation::normalized`]).
    Add {
        /// The annotation; its id must be new.
        annotation: Annotation,
    },
    /// Moves an annotation by an offset in normalized units. The offset is reduced so that
    /// the shape stays on the image, as a drag stops at the edge.
    Move {
        /// Which annotation.
        id: AnnotationId,
        /// Horizontal offset.
        dx: f32,
        /// Vertical offset.
        dy: f32,
    },
    /// Resizes an annotation by mapping the frame `from` (usually its bounds, as shown with
    /// handles) onto `to`; every point is mapped, text size scales with the frame's height,
    /// stroke width stays.
    Resize {
        /// Which annotation.
        id: AnnotationId,
        /// The frame before dragging a handle.
        from: NormRect,
        /// The frame after.
        to: NormRect,
    },
    /// Moves one defining point of an annotation to `to`: the end of a line or arrow that
    /// the officer drags by its handle. `index` counts as in [`Shape::control_points`]
    /// (line and arrow: 0 = `from`, 1 = `to`); the point is kept on the image.
    MovePoint {
        /// Which annotation.
        id: AnnotationId,
        /// Which of its control points.
        index: usize,
        /// Where the point goes.
        to: NormPoint,
    },
    /// Replaces the text of a label; empty text is refused like an empty new label.
    SetText {
        /// Which annotation (a text label).
        id: AnnotationId,
        /// The new text.
        text: String,
    },
    /// Changes the stroke and text colour.
    Recolor {
        /// Which annotation.
        id: AnnotationId,
        /// The new colour.
        color: Rgba,
    },
    /// Deletes an annotation.
    Delete {
        /// Which annotation.
        id: AnnotationId,
    },
    /// Puts an annotation on top of all others.
    BringToFront {
        /// Which annotation.
        id: AnnotationId,
    },
}

/// What an edit did to one annotation: `None` before means it was added, `None` after means
/// it was deleted. The caller mirrors this into the case document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// The annotation before the edit.
    pub before: Option<Annotation>,
    /// The annotation after the edit.
    pub after: Option<Annotation>,
}

impl Change {
    /// The change that reverts this one.
    pub fn inverse(&self) -> Change {
        Change {
            before: self.after.clone(),
            after: self.before.clone(),
        }
    }
}

/// The undo and redo stacks; serializable so they survive a restart.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct History {
    /// Changes that can be undone, oldest first.
    pub undo: Vec<Change>,
    /// Changes that were undone and can be redone, most recently undone last.
    pub redo: Vec<Change>,
}

/// How many steps the history keeps; older ones are forgotten to bound the stored size.
pub const HISTORY_LIMIT: usize = 200;

/// A photo's annotations together with their editing history.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Editor {
    annotations: Vec<Annotation>,
    history: History,
}

impl Editor {
    /// An editor over existing annotations, with an empty history.
    pub fn new(annotations: Vec<Annotation>) -> Self {
        Self::with_history(annotations, History::default())
    }

    /// An editor restored from stored annotations and history.
    pub fn with_history(annotations: Vec<Annotation>, history: History) -> Self {
        Self {
            annotations,
            history,
        }
    }

    /// The annotations, in no particular order; use [`crate::paint_order`] to draw them.
    pub fn annotations(&self) -> &[Annotation] {
        &self.annotations
    }

    /// The history, to be stored.
    pub fn history(&self) -> &History {
        &self.history
    }

    /// The annotation with `id`, if present.
    pub fn get(&self, id: AnnotationId) -> Option<&Annotation> {
        self.annotations.iter().find(|a| a.id == id)
    }

    /// Whether [`Editor::undo`] would do something.
    pub fn can_undo(&self) -> bool {
        !self.history.undo.is_empty()
    }

    /// Whether [`Editor::redo`] would do something.
    pub fn can_redo(&self) -> bool {
        !self.history.redo.is_empty()
    }

    /// Applies `edit`, records it for undo (clearing redo) and returns what changed.
    ///
    /// # Errors
    /// [`AnnotateError::UnknownAnnotation`] if the annotation is gone,
    /// [`AnnotateError::DuplicateAnnotation`] when adding an existing id,
    /// [`AnnotateError::InvalidEdit`] for non-finite offsets or a zero-size resize frame,
    /// and [`AnnotateError::InvalidAnnotation`] if the result would be invalid (for example
    /// a resize that collapses a shape). Nothing is changed on error.
    pub fn apply(&mut self, edit: Edit) -> Result<Change> {
        let change = self.plan(edit)?;
        self.commit(&change);
        self.history.undo.push(change.clone());
        if self.history.undo.len() > HISTORY_LIMIT {
            let excess = self.history.undo.len() - HISTORY_LIMIT;
            self.history.undo.drain(..excess);
        }
        self.history.redo.clear();
        Ok(change)
    }

    /// The change `edit` would make, without making it or recording it: the canvas shows a
    /// handle drag as it will end, with the same rules [`Editor::apply`] follows.
    ///
    /// # Errors
    /// As [`Editor::apply`].
    pub fn preview(&self, edit: Edit) -> Result<Change> {
        self.plan(edit)
    }

    /// Reverts the last applied change and returns the change made; `None` if there is
    /// nothing to undo.
    pub fn undo(&mut self) -> Option<Change> {
        let change = self.history.undo.pop()?;
        let inverse = change.inverse();
        self.commit(&inverse);
        self.history.redo.push(change);
        Some(inverse)
    }

    /// Re-applies the last undone change and returns it; `None` if there is nothing to redo.
    pub fn redo(&mut self) -> Option<Change> {
        let change = self.history.redo.pop()?;
        self.commit(&change);
        self.history.undo.push(change.clone());
        Some(change)
    }

    fn existing(&self, id: AnnotationId) -> Result<&Annotation> {
        self.get(id).ok_or(AnnotateError::UnknownAnnotation(id))
    }

    /// Computes the change an edit makes, without making it.
    fn plan(&self, edit: Edit) -> Result<Change> {
        let (before, after) = match edit {
            Edit::Add { annotation } => {
                if self.get(annotation.id).is_some() {
                    return Err(AnnotateError::DuplicateAnnotation(annotation.id));
                }
                (None, Some(annotation.normalized()?))
            }
            Edit::Move { id, dx, dy } => {
                if !(dx.is_finite() && dy.is_finite()) {
                    return Err(AnnotateError::InvalidEdit(format!(
                        "move offset ({dx}, {dy}) is not finite"
                    )));
                }
                let current = self.existing(id)?;
                let moved = moved(current, dx, dy);
                (Some(current.clone()), Some(moved.normalized()?))
            }
            Edit::Resize { id, from, to } => {
                let current = self.existing(id)?;
                let resized = resized(current, from, to)?;
                (Some(current.clone()), Some(resized.normalized()?))
            }
            Edit::MovePoint { id, index, to } => {
                let current = self.existing(id)?;
                let moved = point_moved(current, index, to)?;
                (Some(current.clone()), Some(moved.normalized()?))
            }
            Edit::SetText { id, text } => {
                let current = self.existing(id)?;
                let relabelled = relabelled(current, text)?;
                (Some(current.clone()), Some(relabelled.normalized()?))
            }
            Edit::Recolor { id, color } => {
                let current = self.existing(id)?;
                let mut recolored = current.clone();
                recolored.style.color = color;
                (Some(current.clone()), Some(recolored))
            }
            Edit::Delete { id } => (Some(self.existing(id)?.clone()), None),
            Edit::BringToFront { id } => {
                let current = self.existing(id)?;
                let top = self
                    .annotations
                    .iter()
                    .filter(|a| a.id != id)
                    .map(|a| a.z)
                    .max()
                    .unwrap_or(current.z);
                let mut raised = current.clone();
                raised.z = raised.z.max(top.saturating_add(1));
                (Some(current.clone()), Some(raised))
            }
        };
        Ok(Change { before, after })
    }

    /// Makes the annotations reflect `change.after`. Matching is by id, not by equality with
    /// `change.before`, so that undo still works after another device touched the same
    /// annotation: the officer's undo wins, as they expect.
    fn commit(&mut self, change: &Change) {
        let id = change
            .after
            .as_ref()
            .or(change.before.as_ref())
            .map(|a| a.id);
        let Some(id) = id else { return };
        let position = self.annotations.iter().position(|a| a.id == id);
        match (&change.after, position) {
            (Some(after), Some(i)) => self.annotations[i] = after.clone(),
            (Some(after), None) => self.annotations.push(after.clone()),
            (None, Some(i)) => {
                self.annotations.remove(i);
            }
            (None, None) => {}
        }
    }
}

/// `a` moved by `(dx, dy)`, the offset reduced so that its defining points stay on the image.
fn moved(a: &Annotation, dx: f32, dy: f32) -> Annotation {
    let points = a.shape.control_points();
    let Some(bounds) = NormRect::enclosing(points) else {
        return a.clone();
    };
    let dx = dx.clamp(-bounds.min.x.max(0.0), (1.0 - bounds.max.x).max(0.0));
    let dy = dy.clamp(-bounds.min.y.max(0.0), (1.0 - bounds.max.y).max(0.0));
    Annotation {
        shape: a.shape.map_points(|p| NormPoint::new(p.x + dx, p.y + dy)),
        ..a.clone()
    }
}

/// `a` with the frame `from` mapped onto `to`.
fn resized(a: &Annotation, from: NormRect, to: NormRect) -> Result<Annotation> {
    let finite = [from.min, from.max, to.min, to.max]
        .iter()
        .all(|p| p.x.is_finite() && p.y.is_finite());
    if !finite {
        return Err(AnnotateError::InvalidEdit(
            "resize frame has non-finite corners".into(),
        ));
    }
    let (from, to) = (
        NormRect::from_corners(from.min, from.max),
        NormRect::from_corners(to.min, to.max),
    );
    if from.width() <= 0.0 && from.height() <= 0.0 {
        return Err(AnnotateError::InvalidEdit(
            "resize frame 'from' has zero size; pass the annotation's bounds".into(),
        ));
    }
    // A horizontal line has a zero-height frame: keep that axis' scale at 1.
    let scale = |to_extent: f32, from_extent: f32| {
        if from_extent > 0.0 {
            to_extent / from_extent
        } else {
            1.0
        }
    };
    let (sx, sy) = (
        scale(to.width(), from.width()),
        scale(to.height(), from.height()),
    );
    let mut shape = a.shape.map_points(|p| {
        NormPoint::new(
            to.min.x + (p.x - from.min.x) * sx,
            to.min.y + (p.y - from.min.y) * sy,
        )
    });
    if let Shape::Text { size, .. } = &mut shape {
        *size *= sy;
    }
    Ok(Annotation { shape, ..a.clone() })
}

/// `a` with its control point `index` at `to` (clamped to the image).
fn point_moved(a: &Annotation, index: usize, to: NormPoint) -> Result<Annotation> {
    if !(to.x.is_finite() && to.y.is_finite()) {
        return Err(AnnotateError::InvalidEdit(format!(
            "point ({}, {}) is not finite",
            to.x, to.y
        )));
    }
    let count = a.shape.control_points().len();
    if index >= count {
        return Err(AnnotateError::InvalidEdit(format!(
            "the annotation has {count} control points, there is no point {index}"
        )));
    }
    let to = NormPoint::new(to.x.clamp(0.0, 1.0), to.y.clamp(0.0, 1.0));
    let mut i = 0;
    let shape = a.shape.map_points(|p| {
        let mapped = if i == index { to } else { p };
        i += 1;
        mapped
    });
    Ok(Annotation { shape, ..a.clone() })
}

/// The text label `a` reading `new_text`.
fn relabelled(a: &Annotation, new_text: String) -> Result<Annotation> {
    let Shape::Text { anchor, size, .. } = &a.shape else {
        return Err(AnnotateError::InvalidEdit(format!(
            "annotation {} is no text label; only labels have text",
            a.id
        )));
    };
    let shape = Shape::Text {
        anchor: *anchor,
        text: new_text,
        size: *size,
    };
    Ok(Annotation { shape, ..a.clone() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Style;

    fn style() -> Style {
        Style {
            color: Rgba::opaque(255, 0, 0),
            width: 0.01,
            fill: None,
        }
    }

    fn rect(x0: f32, y0: f32, x1: f32, y1: f32) -> NormRect {
        NormRect::from_corners(NormPoint::new(x0, y0), NormPoint::new(x1, y1))
    }

    fn rectangle(z: i64) -> Annotation {
        Annotation::new(
            Shape::Rectangle {
                bounds: rect(0.2, 0.2, 0.4, 0.4),
            },
            style(),
            "Meier",
            z,
        )
    }

    #[test]
    fn every_operation_applies_and_undoes() {
        let existing = rectangle(0);
        let mut editor = Editor::new(vec![existing.clone()]);
        let added = rectangle(1);
        let id = added.id;
        let start = editor.clone();

        editor.apply(Edit::Add { annotation: added }).unwrap();
        editor
            .apply(Edit::Move {
                id,
                dx: 0.1,
                dy: -0.1,
            })
            .unwrap();
        assert_eq!(
            editor.get(id).unwrap().shape,
            Shape::Rectangle {
                bounds: rect(0.3, 0.1, 0.5, 0.3)
            }
        );
        editor
            .apply(Edit::Resize {
                id,
                from: rect(0.3, 0.1, 0.5, 0.3),
                to: rect(0.3, 0.1, 0.7, 0.2),
            })
            .unwrap();
        let Shape::Rectangle { bounds } = editor.get(id).unwrap().shape else {
            panic!()
        };
        assert!((bounds.max.x - 0.7).abs() < 1e-6 && (bounds.max.y - 0.2).abs() < 1e-6);
        editor
            .apply(Edit::Recolor {
                id,
                color: Rgba::opaque(0, 0, 255),
            })
            .unwrap();
        editor
            .apply(Edit::BringToFront { id: existing.id })
            .unwrap();
        assert!(editor.get(existing.id).unwrap().z > editor.get(id).unwrap().z);
        editor.apply(Edit::Delete { id }).unwrap();
        assert!(editor.get(id).is_none());

        while editor.undo().is_some() {}
        assert_eq!(editor.annotations(), start.annotations());
        while editor.redo().is_some() {}
        assert!(editor.get(id).is_none());
        assert_eq!(editor.get(existing.id).unwrap().z, 2);
    }

    #[test]
    fn history_survives_a_restart() {
        let mut editor = Editor::default();
        let a = rectangle(0);
        let id = a.id;
        editor.apply(Edit::Add { annotation: a }).unwrap();
        editor
            .apply(Edit::Move {
                id,
                dx: 0.05,
                dy: 0.0,
            })
            .unwrap();
        editor.undo();

        let stored = serde_json::to_string(&editor).unwrap();
        let mut restored: Editor = serde_json::from_str(&stored).unwrap();
        assert_eq!(restored, editor);
        assert!(restored.can_redo());
        restored.redo().unwrap();
        let Shape::Rectangle { bounds } = restored.get(id).unwrap().shape else {
            panic!()
        };
        assert!((bounds.min.x - 0.25).abs() < 1e-6);
        restored.undo();
        restored.undo();
        assert!(restored.annotations().is_empty());
        assert!(!restored.can_undo());
    }

    #[test]
    fn new_edit_clears_redo_and_errors_change_nothing() {
        let mut editor = Editor::default();
        let a = rectangle(0);
        let id = a.id;
        editor
            .apply(Edit::Add {
                annotation: a.clone(),
            })
            .unwrap();
        editor
            .apply(Edit::Move {
                id,
                dx: 0.1,
                dy: 0.0,
            })
            .unwrap();
        editor.undo();
        editor
            .apply(Edit::Recolor {
                id,
                color: Rgba::opaque(1, 2, 3),
            })
            .unwrap();
        assert!(!editor.can_redo());

        let snapshot = editor.clone();
        assert!(matches!(
            editor.apply(Edit::Add { annotation: a }),
            Err(AnnotateError::DuplicateAnnotation(_))
        ));
        assert!(matches!(
            editor.apply(Edit::Delete {
                id: AnnotationId::new()
            }),
            Err(AnnotateError::UnknownAnnotation(_))
        ));
        assert!(matches!(
            editor.apply(Edit::Move {
                id,
                dx: f32::NAN,
                dy: 0.0
            }),
            Err(AnnotateError::InvalidEdit(_))
        ));
        assert!(matches!(
            editor.apply(Edit::Resize {
                id,
                from: rect(0.2, 0.2, 0.4, 0.4),
                to: rect(0.3, 0.3, 0.3, 0.3),
            }),
            Err(AnnotateError::InvalidAnnotation { .. })
        ));
        assert_eq!(editor, snapshot);
    }

    #[test]
    fn moves_stop_at_the_image_edge_and_text_resizes() {
        let text = Annotation::new(
            Shape::Text {
                anchor: NormPoint::new(0.5, 0.5),
                text: "Reifenspuren".into(),
                size: 0.05,
            },
            style(),
            "Meier",
            0,
        );
        let id = text.id;
        let mut editor = Editor::new(vec![text]);
        editor
            .apply(Edit::Move {
                id,
                dx: 2.0,
                dy: -2.0,
            })
            .unwrap();
        assert!(matches!(
            editor.get(id).unwrap().shape,
            Shape::Text { anchor, .. } if anchor == NormPoint::new(1.0, 0.0)
        ));
        editor
            .apply(Edit::Resize {
                id,
                from: rect(0.5, 0.0, 1.0, 0.1),
                to: rect(0.5, 0.0, 1.0, 0.2),
            })
            .unwrap();
        assert!(matches!(
            editor.get(id).unwrap().shape,
            Shape::Text { size, .. } if (size - 0.1).abs() < 1e-6
        ));
    }

    #[test]
    fn a_line_end_moves_alone_and_a_label_is_retyped_in_one_step_each() {
        let line = Annotation::new(
            Shape::Line {
                from: NormPoint::new(0.1, 0.5),
                to: NormPoint::new(0.4, 0.5),
            },
            style(),
            "Meier",
            0,
        );
        let label = Annotation::new(
            Shape::Text {
                anchor: NormPoint::new(0.5, 0.5),
                text: "Reifenspuren".into(),
                size: 0.05,
            },
            style(),
            "Meier",
            1,
        );
        let (line_id, label_id) = (line.id, label.id);
        let mut editor = Editor::new(vec![line, label]);

        // A horizontal line's end goes straight down: the frame of a resize could not do it.
        let wanted = Edit::MovePoint {
            id: line_id,
            index: 1,
            to: NormPoint::new(0.4, 1.7),
        };
        let preview = editor.preview(wanted.clone()).unwrap();
        assert!(!editor.can_undo(), "a preview records nothing");
        editor.apply(wanted).unwrap();
        let expected = Shape::Line {
            from: NormPoint::new(0.1, 0.5),
            to: NormPoint::new(0.4, 1.0),
        };
        assert_eq!(editor.get(line_id).unwrap().shape, expected);
        assert_eq!(preview.after.unwrap().shape, expected);

        editor
            .apply(Edit::SetText {
                id: label_id,
                text: "Ölspur".into(),
            })
            .unwrap();
        assert!(matches!(
            &editor.get(label_id).unwrap().shape,
            Shape::Text { text, size, .. } if text == "Ölspur" && (*size - 0.05).abs() < 1e-6
        ));
        assert_eq!(editor.history().undo.len(), 2);

        let snapshot = editor.clone();
        let refused = [
            Edit::SetText {
                id: label_id,
                text: "  ".into(),
            },
            Edit::SetText {
                id: line_id,
                text: "x".into(),
            },
            Edit::MovePoint {
                id: line_id,
                index: 2,
                to: NormPoint::new(0.5, 0.5),
            },
            Edit::MovePoint {
                id: line_id,
                index: 0,
                to: NormPoint::new(f32::NAN, 0.5),
            },
            // Onto the other end: a line of no length.
            Edit::MovePoint {
                id: line_id,
                index: 0,
                to: NormPoint::new(0.4, 1.0),
            },
        ];
        for edit in refused {
            assert!(editor.apply(edit.clone()).is_err(), "{edit:?} was accepted");
        }
        assert_eq!(editor, snapshot);

        editor.undo();
        assert!(matches!(
            &editor.get(label_id).unwrap().shape,
            Shape::Text { text, .. } if text == "Reifenspuren"
        ));
        editor.undo();
        assert_eq!(
            editor.get(line_id).unwrap().shape.control_points()[1],
            NormPoint::new(0.4, 0.5)
        );
    }

    #[test]
    fn history_is_bounded() {
        let a = rectangle(0);
        let id = a.id;
        let mut editor = Editor::new(vec![a]);
        for i in 0..(HISTORY_LIMIT + 10) {
            editor
                .apply(Edit::Recolor {
                    id,
                    color: Rgba::from_u32(i as u32),
                })
                .unwrap();
        }
        assert_eq!(editor.history().undo.len(), HISTORY_LIMIT);
    }
}
