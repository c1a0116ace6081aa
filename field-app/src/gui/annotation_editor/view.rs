//! Where the photo sits on the screen (zoom and pan), and the mapping between screen points
//! and normalized image coordinates.
//!
//! The mapping goes through `annotate::geometry`, the same functions the rasterizer uses: the
//! photo's on-screen rectangle is treated as an image of `W × H` physical pixels, so stroke
//! widths, arrow heads and text sizes come out on screen exactly as in the export, only
//! scaled.

use annotate::NormPoint;
use annotate::geometry::{self, PixelPoint, PixelSize};
use egui::{Pos2, Rect, Vec2, vec2};

/// Most magnification, relative to the whole photo fitted into the canvas.
pub(super) const MAX_ZOOM: f32 = 16.0;
/// The factor of one press of the zoom buttons.
pub(super) const ZOOM_STEP: f32 = 1.5;

/// Zoom and pan of the photo inside the canvas.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct View {
    /// 1 shows the whole photo; larger values magnify.
    zoom: f32,
    /// Offset of the photo's top-left corner from where it sits at zoom 1, in points.
    offset: Vec2,
}

impl Default for View {
    fn default() -> Self {
        Self {
            zoom: 1.0,
            offset: Vec2::ZERO,
        }
    }
}

/// One frame's mapping between the screen and the photo.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Mapping {
    /// The photo's rectangle on screen, in points (may extend beyond the canvas when zoomed).
    pub(super) image_rect: Rect,
    /// The same rectangle's size in physical pixels: the `W × H` of `annotate::geometry`.
    pub(super) pixels: PixelSize,
    pixels_per_point: f32,
}

impl Mapping {
    /// The screen position of a normalized point.
    pub(super) fn to_screen(self, p: NormPoint) -> Pos2 {
        self.screen_of_pixel(geometry::to_pixel(p, self.pixels))
    }

    /// The normalized point under a screen position (not clamped to the photo).
    pub(super) fn to_norm(self, pos: Pos2) -> NormPoint {
        geometry::to_norm(self.pixel_at(pos), self.pixels)
    }

    /// The normalized point under a screen position, kept on the photo.
    pub(super) fn to_norm_clamped(self, pos: Pos2) -> NormPoint {
        let p = self.to_norm(pos);
        NormPoint::new(p.x.clamp(0.0, 1.0), p.y.clamp(0.0, 1.0))
    }

    /// A stroke width (`Style::width`) in screen points.
    pub(super) fn stroke_width(self, width: f32) -> f32 {
        geometry::stroke_width_px(width, self.pixels) / self.pixels_per_point
    }

    /// A text size (`Shape::Text::size`) as ascent − descent in screen points.
    pub(super) fn text_height(self, size: f32) -> f32 {
        geometry::text_height_px(size, self.pixels) / self.pixels_per_point
    }

    /// A length on screen as a fraction of the photo's shorter side (hit-test tolerance).
    pub(super) fn fraction_of_shorter_side(self, points: f32) -> f32 {
        points * self.pixels_per_point / self.pixels.shorter_side().max(1.0)
    }

    /// The position in the image's physical pixels (`annotate::geometry`'s pixel space) of
    /// a screen position.
    fn pixel_at(self, pos: Pos2) -> PixelPoint {
        let d = (pos - self.image_rect.min) * self.pixels_per_point;
        PixelPoint { x: d.x, y: d.y }
    }

    /// The screen position of a position in the image's physical pixels.
    pub(super) fn screen_of_pixel(self, p: PixelPoint) -> Pos2 {
        self.image_rect.min + vec2(p.x, p.y) / self.pixels_per_point
    }
}

impl View {
    /// The current magnification (1 = whole photo).
    pub(super) fn zoom(&self) -> f32 {
        self.zoom
    }

    /// The mapping for a photo of `full_size` pixels shown in `canvas`.
    pub(super) fn mapping(&self, canvas: Rect, full_size: (u32, u32), ppp: f32) -> Mapping {
        let fit = fitted(canvas, full_size);
        let size_px = |points: f32| (points * self.zoom * ppp).round().max(1.0);
        let (w, h) = (size_px(fit.width()), size_px(fit.height()));
        let image_rect = Rect::from_min_size(fit.min + self.offset, vec2(w / ppp, h / ppp));
        Mapping {
            image_rect,
            // Rounded above, so the conversion is exact.
            pixels: PixelSize::new(w as u32, h as u32),
            pixels_per_point: ppp,
        }
    }

    /// Magnifies by `factor` keeping the photo point under `center` where it is.
    pub(super) fn zoom_about(
        &mut self,
        factor: f32,
        center: Pos2,
        canvas: Rect,
        full_size: (u32, u32),
    ) {
        if !(factor.is_finite() && factor > 0.0) {
            return;
        }
        let fit = fitted(canvas, full_size);
        let old_min = fit.min + self.offset;
        let new_zoom = (self.zoom * factor).clamp(1.0, MAX_ZOOM);
        let applied = new_zoom / self.zoom;
        let new_min = center - (center - old_min) * applied;
        self.zoom = new_zoom;
        self.offset = new_min - fit.min;
        self.keep_on_screen(canvas, full_size);
    }

    /// Moves the photo by `delta` points.
    pub(super) fn pan(&mut self, delta: Vec2, canvas: Rect, full_size: (u32, u32)) {
        if delta.is_finite() {
            self.offset += delta;
            self.keep_on_screen(canvas, full_size);
        }
    }

    /// Back to the whole photo.
    pub(super) fn reset(&mut self) {
        *self = Self::default();
    }

    /// A photo larger than the canvas may not leave a gap at an edge; a smaller one stays
    /// centred.
    fn keep_on_screen(&mut self, canvas: Rect, full_size: (u32, u32)) {
        let fit = fitted(canvas, full_size);
        let size = fit.size() * self.zoom;
        let axis = |size: f32, lo: f32, hi: f32, fit_min: f32, offset: f32| -> f32 {
            let min = fit_min + offset;
            let wanted = if size <= hi - lo {
                lo + (hi - lo - size) / 2.0
            } else {
                min.clamp(hi - size, lo)
            };
            wanted - fit_min
        };
        self.offset = vec2(
            axis(size.x, canvas.min.x, canvas.max.x, fit.min.x, self.offset.x),
            axis(size.y, canvas.min.y, canvas.max.y, fit.min.y, self.offset.y),
        );
    }
}

/// The largest rectangle with the photo's aspect ratio centred in `canvas`.
fn fitted(canvas: Rect, (width, height): (u32, u32)) -> Rect {
    let aspect = width.max(1) as f32 / height.max(1) as f32;
    let (cw, ch) = (canvas.width().max(1.0), canvas.height().max(1.0));
    let size = if cw / ch > aspect {
        vec2(ch * aspect, ch)
    } else {
        vec2(cw, cw / aspect)
    };
    Rect::from_center_size(canvas.center(), size)
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui::pos2;

    const CANVAS: Rect = Rect {
        min: pos2(0.0, 100.0),
        max: pos2(800.0, 700.0),
    };
    const PHOTO: (u32, u32) = (4000, 3000);

    #[test]
    fn screen_and_normalized_round_trip_at_any_zoom() {
        let mut view = View::default();
        for (factor, ppp) in [(1.0, 1.0), (2.5, 1.0), (3.0, 2.0)] {
            view.zoom_about(factor, pos2(300.0, 400.0), CANVAS, PHOTO);
            let m = view.mapping(CANVAS, PHOTO, ppp);
            let p = NormPoint::new(0.3, 0.7);
            let back = m.to_norm(m.to_screen(p));
            assert!((back.x - p.x).abs() < 1e-5 && (back.y - p.y).abs() < 1e-5);
        }
    }

    #[test]
    fn zoom_keeps_the_point_under_the_finger() {
        let mut view = View::default();
        let finger = pos2(500.0, 300.0);
        let before = view.mapping(CANVAS, PHOTO, 1.0).to_norm(finger);
        view.zoom_about(2.0, finger, CANVAS, PHOTO);
        let after = view.mapping(CANVAS, PHOTO, 1.0);
        assert!(after.image_rect.width() > 1500.0);
        let under = after.to_norm(finger);
        assert!((under.x - before.x).abs() < 1e-3 && (under.y - before.y).abs() < 1e-3);
    }

    #[test]
    fn zoomed_out_photo_is_centred_and_panning_stops_at_the_edge() {
        let mut view = View::default();
        view.pan(vec2(100.0, 0.0), CANVAS, PHOTO);
        assert_eq!(view, View::default(), "at zoom 1 there is nothing to pan");
        view.zoom_about(2.0, CANVAS.center(), CANVAS, PHOTO);
        view.pan(vec2(10_000.0, 0.0), CANVAS, PHOTO);
        let m = view.mapping(CANVAS, PHOTO, 1.0);
        assert!((m.image_rect.min.x - CANVAS.min.x).abs() < 1.0);
    }
}
