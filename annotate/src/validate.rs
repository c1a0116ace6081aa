//! Checking and normalizing annotations before they are drawn or stored.
//!
//! Annotations arrive from other devices through sync, so nothing about them can be trusted.
//! What has an obvious repair (coordinates slightly off the image, a width above the
//! maximum, a rectangle dragged "backwards") is repaired; what has none (NaN, zero size,
//! empty text) is rejected with an [`AnnotationProblem`].

use crate::error::{AnnotateError, AnnotationProblem, Result};
use crate::model::{Annotation, NormPoint, NormRect, Shape, Style};

/// Most points a freehand stroke may have; raw input beyond that must be simplified first.
pub const MAX_FREEHAND_POINTS: usize = 20_000;
/// Most characters a text label may have.
pub const MAX_TEXT_CHARS: usize = 500;
/// Thinnest stroke, as a fraction of the shorter image side; thinner ones are widened.
pub const MIN_STROKE_WIDTH: f32 = 0.0005;
/// Thickest stroke, as a fraction of the shorter image side; thicker ones are narrowed.
pub const MAX_STROKE_WIDTH: f32 = 0.2;
/// Smallest text size, as a fraction of the shorter image side; smaller ones are enlarged.
pub const MIN_TEXT_SIZE: f32 = 0.005;
/// Largest text size, as a fraction of the shorter image side; larger ones are reduced.
pub const MAX_TEXT_SIZE: f32 = 0.5;
/// Extents below this (in normalized units) count as zero size.
const MIN_EXTENT: f32 = 1e-5;

impl Annotation {
    /// A copy with repairable defects repaired: coordinates clamped to the image (0..1),
    /// rectangles sorted, widths, text sizes and pressures clamped to their ranges.
    ///
    /// # Errors
    /// [`AnnotateError::InvalidAnnotation`] for non-finite numbers, zero-size shapes,
    /// strokes without or with too many points, mismatched pressure, non-positive widths or
    /// text sizes, and empty or overlong text.
    pub fn normalized(&self) -> Result<Annotation> {
        let invalid = |problem| AnnotateError::InvalidAnnotation {
            id: self.id,
            problem,
        };
        let shape = normalize_shape(&self.shape).map_err(invalid)?;
        let style = normalize_style(&self.style, &shape).map_err(invalid)?;
        Ok(Annotation {
            shape,
            style,
            ..self.clone()
        })
    }

    /// Whether [`Annotation::normalized`] accepts this annotation.
    ///
    /// # Errors
    /// As [`Annotation::normalized`].
    pub fn validate(&self) -> Result<()> {
        self.normalized().map(|_| ())
    }
}

fn clamp_point(p: NormPoint, what: &'static str) -> Result<NormPoint, AnnotationProblem> {
    if !(p.x.is_finite() && p.y.is_finite()) {
        return Err(AnnotationProblem::NotFinite(what));
    }
    Ok(NormPoint::new(p.x.clamp(0.0, 1.0), p.y.clamp(0.0, 1.0)))
}

fn clamp_rect(r: &NormRect) -> Result<NormRect, AnnotationProblem> {
    let rect = NormRect::from_corners(clamp_point(r.min, "bounds")?, clamp_point(r.max, "bounds")?);
    if rect.width() < MIN_EXTENT || rect.height() < MIN_EXTENT {
        return Err(AnnotationProblem::ZeroSize);
    }
    Ok(rect)
}

fn normalize_shape(shape: &Shape) -> Result<Shape, AnnotationProblem> {
    Ok(match shape {
        Shape::Freehand { points, pressure } => {
            if points.is_empty() {
                return Err(AnnotationProblem::NoPoints);
            }
            if points.len() > MAX_FREEHAND_POINTS {
                return Err(AnnotationProblem::TooManyPoints {
                    count: points.len(),
                    max: MAX_FREEHAND_POINTS,
                });
            }
            if !pressure.is_empty() && pressure.len() != points.len() {
                return Err(AnnotationProblem::PressureMismatch {
                    points: points.len(),
                    pressure: pressure.len(),
                });
            }
            if pressure.iter().any(|p| !p.is_finite()) {
                return Err(AnnotationProblem::NotFinite("pressure"));
            }
            Shape::Freehand {
                points: points
                    .iter()
                    .map(|p| clamp_point(*p, "points"))
                    .collect::<Result<_, _>>()?,
                pressure: pressure.iter().map(|p| p.clamp(0.0, 1.0)).collect(),
            }
        }
        Shape::Arrow { from, to } | Shape::Line { from, to } => {
            let (from, to) = (clamp_point(*from, "start")?, clamp_point(*to, "end")?);
            if (from.x - to.x).hypot(from.y - to.y) < MIN_EXTENT {
                return Err(AnnotationProblem::ZeroSize);
            }
            if matches!(shape, Shape::Arrow { .. }) {
                Shape::Arrow { from, to }
            } else {
                Shape::Line { from, to }
            }
        }
        Shape::Ellipse { bounds } => Shape::Ellipse {
            bounds: clamp_rect(bounds)?,
        },
        Shape::Rectangle { bounds } => Shape::Rectangle {
            bounds: clamp_rect(bounds)?,
        },
        Shape::Redaction {
            bounds,
            outline,
            method,
        } => Shape::Redaction {
            bounds: clamp_rect(bounds)?,
            outline: *outline,
            method: *method,
        },
        Shape::Text { anchor, text, size } => {
            if text.trim().is_empty() {
                return Err(AnnotationProblem::EmptyText);
            }
            let count = text.chars().count();
            if count > MAX_TEXT_CHARS {
                return Err(AnnotationProblem::TextTooLong {
                    count,
                    max: MAX_TEXT_CHARS,
                });
            }
            if !size.is_finite() {
                return Err(AnnotationProblem::NotFinite("text size"));
            }
            if *size <= 0.0 {
                return Err(AnnotationProblem::NonPositiveTextSize(*size));
            }
            Shape::Text {
                anchor: clamp_point(*anchor, "anchor")?,
                text: text.clone(),
                size: size.clamp(MIN_TEXT_SIZE, MAX_TEXT_SIZE),
            }
        }
    })
}

fn normalize_style(style: &Style, shape: &Shape) -> Result<Style, AnnotationProblem> {
    let stroked = !matches!(shape, Shape::Text { .. } | Shape::Redaction { .. });
    if !stroked {
        // The width is unused here, but a NaN would not survive JSON storage, so it is
        // replaced rather than rejected.
        let width = if style.width.is_finite() {
            style.width.clamp(MIN_STROKE_WIDTH, MAX_STROKE_WIDTH)
        } else {
            MIN_STROKE_WIDTH
        };
        return Ok(Style { width, ..*style });
    }
    if !style.width.is_finite() {
        return Err(AnnotationProblem::NotFinite("stroke width"));
    }
    if style.width <= 0.0 {
        return Err(AnnotationProblem::NonPositiveWidth(style.width));
    }
    Ok(Style {
        width: style.width.clamp(MIN_STROKE_WIDTH, MAX_STROKE_WIDTH),
        ..*style
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{RedactionMethod, RedactionOutline, Rgba};

    fn with_shape(shape: Shape) -> Annotation {
        Annotation::new(
            shape,
            Style {
                color: Rgba::opaque(255, 0, 0),
                width: 0.01,
                fill: None,
            },
            "test",
            0,
        )
    }

    fn problem(a: &Annotation) -> AnnotationProblem {
        match a.normalized() {
            Err(AnnotateError::InvalidAnnotation { problem, .. }) => problem,
            other => panic!("expected InvalidAnnotation, got {other:?}"),
        }
    }

    #[test]
    fn out_of_range_coordinates_are_clamped_and_rects_sorted() {
        let a = with_shape(Shape::Rectangle {
            bounds: NormRect {
                min: NormPoint::new(1.5, 0.8),
                max: NormPoint::new(0.2, -3.0),
            },
        });
        let n = a.normalized().unwrap();
        assert_eq!(
            n.shape,
            Shape::Rectangle {
                bounds: NormRect {
                    min: NormPoint::new(0.2, 0.0),
                    max: NormPoint::new(1.0, 0.8)
                }
            }
        );
    }

    #[test]
    fn nan_and_infinite_coordinates_are_rejected() {
        let a = with_shape(Shape::Line {
            from: NormPoint::new(f32::NAN, 0.1),
            to: NormPoint::new(0.5, 0.5),
        });
        assert_eq!(problem(&a), AnnotationProblem::NotFinite("start"));
        let a = with_shape(Shape::Freehand {
            points: vec![NormPoint::new(0.1, f32::INFINITY)],
            pressure: vec![],
        });
        assert_eq!(problem(&a), AnnotationProblem::NotFinite("points"));
    }

    #[test]
    fn zero_size_shapes_are_rejected() {
        let p = NormPoint::new(0.3, 0.3);
        assert_eq!(
            problem(&with_shape(Shape::Arrow { from: p, to: p })),
            AnnotationProblem::ZeroSize
        );
        let flat = NormRect {
            min: p,
            max: NormPoint::new(0.6, 0.3),
        };
        assert_eq!(
            problem(&with_shape(Shape::Redaction {
                bounds: flat,
                outline: RedactionOutline::Rectangle,
                method: RedactionMethod::Pixelate
            })),
            AnnotationProblem::ZeroSize
        );
        // Clamping can collapse a shape that lies entirely off the image.
        let off = NormRect {
            min: NormPoint::new(1.2, 0.1),
            max: NormPoint::new(1.5, 0.4),
        };
        assert_eq!(
            problem(&with_shape(Shape::Ellipse { bounds: off })),
            AnnotationProblem::ZeroSize
        );
    }

    #[test]
    fn text_is_checked() {
        let text = |t: &str, size: f32| {
            with_shape(Shape::Text {
                anchor: NormPoint::new(0.1, 0.1),
                text: t.into(),
                size,
            })
        };
        assert_eq!(problem(&text("  \n", 0.05)), AnnotationProblem::EmptyText);
        assert_eq!(
            problem(&text("Reifenspuren", 0.0)),
            AnnotationProblem::NonPositiveTextSize(0.0)
        );
        let big = text("Straße", 7.0).normalized().unwrap();
        assert!(matches!(big.shape, Shape::Text { size, .. } if size == MAX_TEXT_SIZE));
        assert!(matches!(
            problem(&text(&"x".repeat(MAX_TEXT_CHARS + 1), 0.05)),
            AnnotationProblem::TextTooLong { .. }
        ));
    }

    #[test]
    fn widths_and_pressure_are_checked() {
        let mut a = with_shape(Shape::Freehand {
            points: vec![NormPoint::new(0.1, 0.1), NormPoint::new(0.2, 0.2)],
            pressure: vec![0.5],
        });
        assert!(matches!(
            problem(&a),
            AnnotationProblem::PressureMismatch { .. }
        ));
        a.shape = Shape::Freehand {
            points: vec![NormPoint::new(0.1, 0.1), NormPoint::new(0.2, 0.2)],
            pressure: vec![-1.0, 9.0],
        };
        a.style.width = 5.0;
        let n = a.normalized().unwrap();
        assert_eq!(n.style.width, MAX_STROKE_WIDTH);
        assert!(matches!(n.shape, Shape::Freehand { ref pressure, .. } if pressure == &[0.0, 1.0]));
        a.style.width = -0.1;
        assert_eq!(problem(&a), AnnotationProblem::NonPositiveWidth(-0.1));
        a.style.width = f32::NAN;
        assert_eq!(problem(&a), AnnotationProblem::NotFinite("stroke width"));
        a.shape = Shape::Freehand {
            points: vec![],
            pressure: vec![],
        };
        a.style.width = 0.01;
        assert_eq!(problem(&a), AnnotationProblem::NoPoints);
    }
}
