//! Which annotation is under a finger or pen.
//!
//! Distances are measured in image pixels, because a stroke's visible width is defined
//! there; the touch tolerance is, like stroke widths, a fraction of the image's shorter
//! side, so the canvas converts its finger size (say 8 mm on screen) at the current zoom.

use crate::geometry::{
    PixelPoint, PixelSize, distance_to_segment, pressure_width_factor, stroke_width_px, to_pixel,
};
use crate::model::{Annotation, AnnotationId, NormPoint, NormRect, RedactionOutline, Shape};
use crate::text::text_bounds;

/// The topmost annotation under `point` on an image of `image` size, allowing `tolerance`
/// (a fraction of the shorter image side) around thin strokes; `None` if nothing is hit.
/// Closed shapes without fill are hit on their outline only, so that an officer can select
/// what lies inside a circle. Invalid annotations are never hit.
pub fn hit_test(
    annotations: &[Annotation],
    point: NormPoint,
    tolerance: f32,
    image: PixelSize,
) -> Option<AnnotationId> {
    if !(point.x.is_finite() && point.y.is_finite()) {
        return None;
    }
    let tolerance_px = if tolerance.is_finite() {
        stroke_width_px(tolerance.max(0.0), image)
    } else {
        0.0
    };
    let p = to_pixel(point, image);
    crate::model::paint_order(annotations)
        .into_iter()
        .rev()
        .find(|a| {
            a.normalized()
                .is_ok_and(|a| distance(&a, p, image) <= tolerance_px)
        })
        .map(|a| a.id)
}

/// Distance in pixels from `p` to the visible ink of a normalized annotation; 0 inside.
fn distance(a: &Annotation, p: PixelPoint, image: PixelSize) -> f32 {
    let half_width = stroke_width_px(a.style.width, image) / 2.0;
    let px = |q: NormPoint| to_pixel(q, image);
    match &a.shape {
        Shape::Freehand { points, pressure } => {
            let factor = |i: usize| pressure.get(i).map_or(1.0, |&q| pressure_width_factor(q));
            if points.len() == 1 {
                return (p.distance(px(points[0])) - half_width * factor(0)).max(0.0);
            }
            points
                .windows(2)
                .enumerate()
                .map(|(i, w)| {
                    let reach = half_width * factor(i).max(factor(i + 1));
                    (distance_to_segment(p, px(w[0]), px(w[1])) - reach).max(0.0)
                })
                .fold(f32::INFINITY, f32::min)
        }
        Shape::Arrow { from, to } | Shape::Line { from, to } => {
            (distance_to_segment(p, px(*from), px(*to)) - half_width).max(0.0)
        }
        Shape::Rectangle { bounds } => {
            let (min, max) = (px(bounds.min), px(bounds.max));
            let inside = p.x >= min.x && p.x <= max.x && p.y >= min.y && p.y <= max.y;
            if inside && a.style.fill.is_some() {
                return 0.0;
            }
            let corners = [
                min,
                PixelPoint { x: max.x, y: min.y },
                max,
                PixelPoint { x: min.x, y: max.y },
            ];
            let edge = (0..4)
                .map(|i| distance_to_segment(p, corners[i], corners[(i + 1) % 4]))
                .fold(f32::INFINITY, f32::min);
            (edge - half_width).max(0.0)
        }
        Shape::Ellipse { bounds } => {
            let (radius, edge) = ellipse_position(p, bounds, image);
            if radius <= 1.0 && a.style.fill.is_some() {
                return 0.0;
            }
            (edge - half_width).max(0.0)
        }
        Shape::Redaction {
            bounds, outline, ..
        } => match outline {
            RedactionOutline::Rectangle => rect_distance(p, px(bounds.min), px(bounds.max)),
            RedactionOutline::Ellipse => {
                let (radius, edge) = ellipse_position(p, bounds, image);
                if radius <= 1.0 { 0.0 } else { edge }
            }
        },
        Shape::Text { anchor, text, size } => {
            let b = text_bounds(*anchor, text, *size, image);
            rect_distance(p, px(b.min), px(b.max))
        }
    }
}

/// Distance from `p` to the filled rectangle `min`..`max`.
fn rect_distance(p: PixelPoint, min: PixelPoint, max: PixelPoint) -> f32 {
    let dx = (min.x - p.x).max(p.x - max.x).max(0.0);
    let dy = (min.y - p.y).max(p.y - max.y).max(0.0);
    dx.hypot(dy)
}

/// `p`'s "ellipse radius" (1 on the outline, < 1 inside) and its approximate distance to the
/// outline, measured along the ray from the centre; exact for circles, close enough for
/// touch tolerance otherwise.
fn ellipse_position(p: PixelPoint, bounds: &NormRect, image: PixelSize) -> (f32, f32) {
    let c = to_pixel(bounds.center(), image);
    let rx = (bounds.width() * image.width as f32 / 2.0).max(f32::EPSILON);
    let ry = (bounds.height() * image.height as f32 / 2.0).max(f32::EPSILON);
    let (dx, dy) = (p.x - c.x, p.y - c.y);
    let radius = ((dx / rx).powi(2) + (dy / ry).powi(2)).sqrt();
    let from_centre = dx.hypot(dy);
    if radius <= f32::EPSILON {
        return (0.0, rx.min(ry));
    }
    (radius, (from_centre * (1.0 - 1.0 / radius)).abs())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{RedactionMethod, Rgba, Style};

    const IMAGE: PixelSize = PixelSize::new(1000, 1000);

    fn annotation(shape: Shape, fill: Option<Rgba>, z: i64) -> Annotation {
        Annotation::new(
            shape,
            Style {
                color: Rgba::opaque(255, 0, 0),
                width: 0.01,
                fill,
            },
            "test",
            z,
        )
    }

    fn rect(x0: f32, y0: f32, x1: f32, y1: f32) -> NormRect {
        NormRect::from_corners(NormPoint::new(x0, y0), NormPoint::new(x1, y1))
    }

    #[test]
    fn lines_are_hit_within_half_width_plus_tolerance() {
        let line = annotation(
            Shape::Line {
                from: NormPoint::new(0.1, 0.5),
                to: NormPoint::new(0.9, 0.5),
            },
            None,
            0,
        );
        let list = [line.clone()];
        // Half width is 5 px = 0.005; tolerance 0.01 adds 10 px.
        assert_eq!(
            hit_test(&list, NormPoint::new(0.5, 0.514), 0.01, IMAGE),
            Some(line.id)
        );
        assert_eq!(
            hit_test(&list, NormPoint::new(0.5, 0.516), 0.01, IMAGE),
            None
        );
        assert_eq!(
            hit_test(&list, NormPoint::new(0.5, 0.504), 0.0, IMAGE),
            Some(line.id)
        );
    }

    #[test]
    fn topmost_wins_and_unfilled_shapes_are_hollow() {
        let below = annotation(
            Shape::Rectangle {
                bounds: rect(0.2, 0.2, 0.8, 0.8),
            },
            Some(Rgba::opaque(0, 0, 255)),
            0,
        );
        let above = annotation(
            Shape::Ellipse {
                bounds: rect(0.3, 0.3, 0.7, 0.7),
            },
            None,
            5,
        );
        let list = [above.clone(), below.clone()];
        assert_eq!(
            hit_test(&list, NormPoint::new(0.5, 0.5), 0.0, IMAGE),
            Some(below.id),
            "inside the hollow ellipse, the filled rectangle below is hit"
        );
        assert_eq!(
            hit_test(&list, NormPoint::new(0.7, 0.5), 0.0, IMAGE),
            Some(above.id)
        );
        assert_eq!(hit_test(&list, NormPoint::new(0.1, 0.1), 0.0, IMAGE), None);
    }

    #[test]
    fn text_redaction_and_freehand_are_hit() {
        let text = annotation(
            Shape::Text {
                anchor: NormPoint::new(0.1, 0.1),
                text: "Reifenspuren".into(),
                size: 0.05,
            },
            None,
            3,
        );
        let redaction = annotation(
            Shape::Redaction {
                bounds: rect(0.6, 0.6, 0.9, 0.9),
                outline: RedactionOutline::Ellipse,
                method: RedactionMethod::Blur,
            },
            None,
            9,
        );
        let stroke = annotation(
            Shape::Freehand {
                points: vec![NormPoint::new(0.1, 0.9), NormPoint::new(0.3, 0.7)],
                pressure: vec![],
            },
            None,
            1,
        );
        let list = [text.clone(), redaction.clone(), stroke.clone()];
        assert_eq!(
            hit_test(&list, NormPoint::new(0.15, 0.12), 0.0, IMAGE),
            Some(text.id)
        );
        assert_eq!(
            hit_test(&list, NormPoint::new(0.75, 0.75), 0.0, IMAGE),
            Some(redaction.id)
        );
        // The ellipse's bounding-box corner is outside the ellipse.
        assert_eq!(
            hit_test(&list, NormPoint::new(0.61, 0.61), 0.0, IMAGE),
            None
        );
        assert_eq!(
            hit_test(&list, NormPoint::new(0.2, 0.8), 0.0, IMAGE),
            Some(stroke.id)
        );
        assert_eq!(
            hit_test(&list, NormPoint::new(f32::NAN, 0.8), 1.0, IMAGE),
            None
        );
    }
}
