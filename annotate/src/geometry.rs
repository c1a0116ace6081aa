//! The mapping from normalized annotation coordinates to image pixels.
//!
//! This is the contract between the tablet canvas (egui) and the rasterizer: both must use
//! these functions, so that what the officer drew is exactly what the export shows.
//!
//! For an image of `W × H` pixels, **after** EXIF orientation:
//!
//! * A normalized point `(x, y)` maps to the continuous pixel position `(x·W, y·H)`. Pixel
//!   `(i, j)` covers the square `[i, i+1) × [j, j+1)`, so `(0, 0)` is the top-left corner of
//!   the top-left pixel and `(1, 1)` the bottom-right corner of the bottom-right pixel (not a
//!   pixel centre). On a canvas that shows the image scaled into a screen rectangle, use that
//!   rectangle's size as `W × H` and add its origin.
//! * Stroke width in pixels is `style.width × min(W, H)` ([`stroke_width_px`]); strokes are
//!   centred on the path, with round caps and round joins.
//! * A freehand point with pressure `p` is drawn `pressure_width_factor(p)` (=
//!   `0.25 + 0.75·p`) times as wide; without pressure values the factor is 1.
//! * Text: the glyphs are scaled so that ascent − descent of the embedded font equals
//!   `size × min(W, H)` pixels ([`text_height_px`]); the anchor is the top-left corner of
//!   the first line's box; lines advance by that height plus the font's line gap.
//! * Arrow heads are filled triangles whose tip is at `to`: length
//!   `ARROW_HEAD_LENGTH × stroke` and base width `ARROW_HEAD_WIDTH × stroke`, the length
//!   capped at the arrow's length ([`arrow_head`]).
//! * Ellipses are inscribed in their bounds; a fill is painted first, the outline centred on
//!   the border above it.
//! * Colours are straight-alpha sRGB, blended in sRGB space ("source over").
//! * Paint order: redactions first, then by `z`, ties by id ([`crate::paint_order`]).

use crate::model::NormPoint;

/// The size of an image in pixels (after EXIF orientation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PixelSize {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

impl PixelSize {
    /// A size of `width × height` pixels.
    pub const fn new(width: u32, height: u32) -> Self {
        Self { width, height }
    }

    /// The shorter side in pixels, the unit of stroke widths and text sizes.
    pub fn shorter_side(self) -> f32 {
        self.width.min(self.height) as f32
    }
}

/// A position in continuous pixel coordinates (see the module doc).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PixelPoint {
    /// Pixels from the left edge.
    pub x: f32,
    /// Pixels from the top edge.
    pub y: f32,
}

impl PixelPoint {
    /// Distance to `other` in pixels.
    pub fn distance(self, other: PixelPoint) -> f32 {
        (self.x - other.x).hypot(self.y - other.y)
    }
}

/// The pixel position of a normalized point on an image of `size`.
pub fn to_pixel(p: NormPoint, size: PixelSize) -> PixelPoint {
    PixelPoint {
        x: p.x * size.width as f32,
        y: p.y * size.height as f32,
    }
}

/// The normalized point of a pixel position on an image of `size` (the inverse of
/// [`to_pixel`]); the canvas uses it to turn touches into annotation coordinates.
pub fn to_norm(p: PixelPoint, size: PixelSize) -> NormPoint {
    NormPoint::new(
        p.x / size.width.max(1) as f32,
        p.y / size.height.max(1) as f32,
    )
}

/// Stroke width in pixels for a `Style::width` on an image of `size`.
pub fn stroke_width_px(width: f32, size: PixelSize) -> f32 {
    width * size.shorter_side()
}

/// Text height (ascent − descent) in pixels for a `Shape::Text::size` on an image of `size`.
pub fn text_height_px(text_size: f32, size: PixelSize) -> f32 {
    text_size * size.shorter_side()
}

/// How much wider than `Style::width` a freehand point with pen pressure `p` (0..1) is drawn.
/// Light touches stay visible, because the factor never drops below a quarter.
pub fn pressure_width_factor(p: f32) -> f32 {
    0.25 + 0.75 * p.clamp(0.0, 1.0)
}

/// Arrow head length in stroke widths.
pub const ARROW_HEAD_LENGTH: f32 = 4.0;
/// Arrow head base width in stroke widths.
pub const ARROW_HEAD_WIDTH: f32 = 4.0;

/// The arrow head triangle `[tip, left, right]` and the point where the shaft ends (the
/// middle of the head's base, so that the shaft's round cap does not poke through the tip),
/// all in pixels. `None` for a zero-length arrow.
pub fn arrow_head(
    from: PixelPoint,
    to: PixelPoint,
    stroke_px: f32,
) -> Option<([PixelPoint; 3], PixelPoint)> {
    let length = from.distance(to);
    if length.is_nan() || length <= f32::EPSILON {
        return None;
    }
    let (ux, uy) = ((to.x - from.x) / length, (to.y - from.y) / length);
    let head_length = (ARROW_HEAD_LENGTH * stroke_px).min(length);
    let half_width = head_length * ARROW_HEAD_WIDTH / ARROW_HEAD_LENGTH / 2.0;
    let base = PixelPoint {
        x: to.x - ux * head_length,
        y: to.y - uy * head_length,
    };
    let left = PixelPoint {
        x: base.x - uy * half_width,
        y: base.y + ux * half_width,
    };
    let right = PixelPoint {
        x: base.x + uy * half_width,
        y: base.y - ux * half_width,
    };
    Some(([to, left, right], base))
}

/// Distance in pixels from `p` to the segment `a`–`b`.
pub fn distance_to_segment(p: PixelPoint, a: PixelPoint, b: PixelPoint) -> f32 {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 {
        (((p.x - a.x) * dx + (p.y - a.y) * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    p.distance(PixelPoint {
        x: a.x + t * dx,
        y: a.y + t * dy,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corners_map_to_image_corners() {
        let size = PixelSize::new(4000, 3000);
        assert_eq!(
            to_pixel(NormPoint::new(1.0, 1.0), size),
            PixelPoint {
                x: 4000.0,
                y: 3000.0
            }
        );
        assert_eq!(
            to_norm(
                PixelPoint {
                    x: 2000.0,
                    y: 750.0
                },
                size
            ),
            NormPoint::new(0.5, 0.25)
        );
    }

    #[test]
    fn stroke_width_is_relative_to_shorter_side() {
        assert_eq!(stroke_width_px(0.01, PixelSize::new(4000, 3000)), 30.0);
        assert_eq!(stroke_width_px(0.01, PixelSize::new(300, 400)), 3.0);
    }

    #[test]
    fn arrow_head_tip_is_at_target_and_scales_with_stroke() {
        let from = PixelPoint { x: 0.0, y: 0.0 };
        let to = PixelPoint { x: 100.0, y: 0.0 };
        let ([tip, left, right], base) = arrow_head(from, to, 5.0).unwrap();
        assert_eq!(tip, to);
        assert_eq!(base, PixelPoint { x: 80.0, y: 0.0 });
        assert!((left.distance(right) - 20.0).abs() < 1e-4);
        assert!(arrow_head(from, from, 5.0).is_none());
    }
}
