//! A shape being drawn: the points of one gesture, and the shape they make for each tool.

use annotate::{
    DEFAULT_TOLERANCE, NormPoint, NormRect, RedactionMethod, RedactionOutline, Shape,
    simplify_stroke,
};

use super::tool::Tool;

/// The gesture of a drawing tool between finger down and finger up, in normalized
/// coordinates of the full image.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Draft {
    tool: Tool,
    points: Vec<NormPoint>,
    /// Pen pressure per point; kept only while every point has one.
    pressure: Vec<f32>,
    /// How the redaction tools destroy pixels.
    method: RedactionMethod,
}

impl Draft {
    /// A gesture of `tool` starting at `start`.
    pub(super) fn new(tool: Tool, start: NormPoint, pressure: Option<f32>) -> Self {
        Self {
            tool,
            points: vec![start],
            pressure: pressure.into_iter().collect(),
            method: RedactionMethod::Pixelate,
        }
    }

    /// The same gesture, redacting with `method` (for the redaction tools).
    pub(super) fn redacting_with(self, method: RedactionMethod) -> Self {
        Self { method, ..self }
    }

    /// The finger moved to `p`. Only the pen keeps every point; shapes need the last one.
    pub(super) fn extend(&mut self, p: NormPoint, pressure: Option<f32>) {
        if self.tool != Tool::Pen && self.points.len() >= 2 {
            self.points.truncate(1);
        }
        if self.points.last() == Some(&p) {
            return;
        }
        let has_pressure = self.pressure.len() == self.points.len();
        self.points.push(p);
        match pressure {
            Some(value) if has_pressure => self.pressure.push(value),
            _ => self.pressure.clear(),
        }
    }

    /// The shape the gesture makes so far, `None` while it has no extent (a tap with a shape
    /// tool). Pen strokes are simplified once `finished`, so storage and sync carry only the
    /// points that shape the line.
    pub(super) fn shape(&self, finished: bool) -> Option<Shape> {
        let first = *self.points.first()?;
        let last = *self.points.last()?;
        let bounds = NormRect::from_corners(first, last);
        let has_area = bounds.width() > 0.0 && bounds.height() > 0.0;
        let has_length = first != last;
        match self.tool {
            Tool::Pen => {
                let (points, pressure) = if finished {
                    simplify_stroke(&self.points, &self.pressure, DEFAULT_TOLERANCE)
                } else {
                    (self.points.clone(), self.pressure.clone())
                };
                (!points.is_empty()).then_some(Shape::Freehand { points, pressure })
            }
            Tool::Arrow => has_length.then_some(Shape::Arrow {
                from: first,
                to: last,
            }),
            Tool::Line => has_length.then_some(Shape::Line {
                from: first,
                to: last,
            }),
            Tool::Ellipse => has_area.then_some(Shape::Ellipse { bounds }),
            Tool::Rectangle => has_area.then_some(Shape::Rectangle { bounds }),
            Tool::Redaction => has_area.then_some(Shape::Redaction {
                bounds,
                outline: RedactionOutline::Rectangle,
                method: self.method,
            }),
            Tool::FaceRedaction => has_area.then_some(Shape::Redaction {
                bounds,
                outline: RedactionOutline::Ellipse,
                method: self.method,
            }),
            Tool::Select | Tool::Text => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shape_tools_span_first_to_last_point() {
        let mut draft = Draft::new(Tool::Rectangle, NormPoint::new(0.6, 0.7), None);
        assert_eq!(draft.shape(false), None, "a tap has no area");
        draft.extend(NormPoint::new(0.5, 0.5), None);
        draft.extend(NormPoint::new(0.2, 0.3), None);
        assert_eq!(
            draft.shape(true),
            Some(Shape::Rectangle {
                bounds: NormRect::from_corners(NormPoint::new(0.2, 0.3), NormPoint::new(0.6, 0.7))
            })
        );
    }

    #[test]
    fn redactions_use_the_chosen_method() {
        let mut draft = Draft::new(Tool::FaceRedaction, NormPoint::new(0.1, 0.1), None)
            .redacting_with(RedactionMethod::Blur);
        draft.extend(NormPoint::new(0.3, 0.4), None);
        assert!(matches!(
            draft.shape(true),
            Some(Shape::Redaction {
                method: RedactionMethod::Blur,
                outline: RedactionOutline::Ellipse,
                ..
            })
        ));
    }

    #[test]
    fn pen_keeps_pressure_only_when_every_point_has_it() {
        let mut draft = Draft::new(Tool::Pen, NormPoint::new(0.1, 0.1), Some(0.5));
        draft.extend(NormPoint::new(0.2, 0.3), Some(0.7));
        draft.extend(NormPoint::new(0.3, 0.1), Some(0.9));
        let Some(Shape::Freehand { points, pressure }) = draft.shape(true) else {
            panic!("the pen draws freehand");
        };
        assert_eq!(points.len(), 3);
        assert_eq!(pressure, vec![0.5, 0.7, 0.9]);
        draft.extend(NormPoint::new(0.5, 0.5), None);
        let Some(Shape::Freehand { pressure, .. }) = draft.shape(true) else {
            panic!("the pen draws freehand");
        };
        assert!(pressure.is_empty());
    }
}
