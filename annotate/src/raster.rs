//! Flattening annotations onto the full-resolution photo for export.
//!
//! The geometry follows [`crate::geometry`] exactly, so the export matches the canvas.
//! Each annotation is rasterized by `tiny-skia` into an anti-aliased coverage mask the size
//! of its own bounding box, and its colour is blended through that mask. Working per
//! bounding box keeps a 12 MP export cheap (no full-size RGBA copy of the photo), and
//! drawing a whole annotation into one mask before blending keeps translucent strokes
//! even where the path overlaps itself (joins, arrow shaft under the head).
//!
//! Redactions are applied before anything else is drawn, whatever their `z`, so no
//! annotation can be drawn under a redaction and nothing of the original region survives.

use image::RgbImage;
use tiny_skia::{FillRule, LineCap, LineJoin, Mask, Path, PathBuilder, Stroke, Transform};

use crate::error::Result;
use crate::geometry::{
    PixelPoint, PixelSize, arrow_head, pressure_width_factor, stroke_width_px, text_height_px,
    to_pixel,
};
use crate::model::{Annotation, NormPoint, NormRect, Rgba, Shape};
use crate::photo::{self, DecodeLimits, ExportFormat};
use crate::redact::redact;
use crate::text::layout;

/// How to produce a flattened export.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FlattenOptions {
    /// JPEG (with quality) or PNG.
    pub format: ExportFormat,
    /// Size limits for decoding the original.
    pub limits: DecodeLimits,
}

/// Decodes the original photo (EXIF orientation applied), draws `annotations` onto it at
/// full resolution and encodes the result. The original bytes are not modified.
///
/// # Errors
/// Decoding errors as in [`photo::decode`], [`crate::AnnotateError::InvalidAnnotation`] if
/// any annotation is invalid (nothing is exported then: silently skipping a broken
/// redaction would leak what it should hide), and encoding errors.
pub fn flatten(
    photo_bytes: &[u8],
    annotations: &[Annotation],
    options: FlattenOptions,
) -> Result<Vec<u8>> {
    // Validate before the expensive decode, so a bad annotation fails fast.
    let normalized = normalized_in_paint_order(annotations)?;
    let mut image = photo::decode(photo_bytes, options.limits)?;
    render_normalized(&mut image, &normalized);
    photo::encode(&image, options.format)
}

/// Draws `annotations` onto `image` (already oriented), redactions first.
///
/// # Errors
/// [`crate::AnnotateError::InvalidAnnotation`] if any annotation is invalid; `image` is
/// untouched then.
pub fn render(image: &mut RgbImage, annotations: &[Annotation]) -> Result<()> {
    let normalized = normalized_in_paint_order(annotations)?;
    render_normalized(image, &normalized);
    Ok(())
}

fn normalized_in_paint_order(annotations: &[Annotation]) -> Result<Vec<Annotation>> {
    let mut normalized = annotations
        .iter()
        .map(Annotation::normalized)
        .collect::<Result<Vec<_>>>()?;
    normalized.sort_by_key(Annotation::paint_key);
    Ok(normalized)
}

fn render_normalized(image: &mut RgbImage, annotations: &[Annotation]) {
    if image.width() == 0 || image.height() == 0 {
        return;
    }
    for annotation in annotations {
        draw(image, annotation);
    }
}

fn draw(image: &mut RgbImage, a: &Annotation) {
    let size = PixelSize::new(image.width(), image.height());
    let stroke_px = stroke_width_px(a.style.width, size);
    let px = |p: NormPoint| to_pixel(p, size);
    match &a.shape {
        Shape::Redaction {
            bounds,
            outline,
            method,
        } => redact(image, bounds, *outline, *method),
        Shape::Freehand { points, pressure } => {
            let pixels: Vec<PixelPoint> = points.iter().map(|p| px(*p)).collect();
            let bounds = padded_bounds(&pixels, stroke_px / 2.0);
            paint(image, a.style.color, bounds, |mask, t| {
                if pressure.is_empty() {
                    fill_stroked(mask, t, &pixels, stroke_px);
                } else {
                    let radii: Vec<f32> = pressure
                        .iter()
                        .map(|p| stroke_px * pressure_width_factor(*p) / 2.0)
                        .collect();
                    fill_pressure_stroke(mask, t, &pixels, &radii);
                }
            });
        }
        Shape::Line { from, to } => {
            let pixels = [px(*from), px(*to)];
            paint(
                image,
                a.style.color,
                padded_bounds(&pixels, stroke_px / 2.0),
                |mask, t| fill_stroked(mask, t, &pixels, stroke_px),
            );
        }
        Shape::Arrow { from, to } => {
            let (from, to) = (px(*from), px(*to));
            let Some((head, shaft_end)) = arrow_head(from, to, stroke_px) else {
                return;
            };
            let reach = stroke_px / 2.0 + stroke_px * crate::geometry::ARROW_HEAD_WIDTH / 2.0;
            paint(
                image,
                a.style.color,
                padded_bounds(&[from, to], reach),
                |mask, t| {
                    if from.distance(shaft_end) > 0.0 {
                        fill_stroked(mask, t, &[from, shaft_end], stroke_px);
                    }
                    let mut pb = PathBuilder::new();
                    pb.move_to(head[0].x, head[0].y);
                    pb.line_to(head[1].x, head[1].y);
                    pb.line_to(head[2].x, head[2].y);
                    pb.close();
                    fill(mask, t, pb.finish());
                },
            );
        }
        Shape::Rectangle { bounds } | Shape::Ellipse { bounds } => {
            let is_ellipse = matches!(a.shape, Shape::Ellipse { .. });
            let (min, max) = (px(bounds.min), px(bounds.max));
            let outline = closed_shape(min, max, is_ellipse);
            if let Some(fill_color) = a.style.fill {
                paint(
                    image,
                    fill_color,
                    padded_bounds(&[min, max], 0.0),
                    |mask, t| {
                        fill(mask, t, outline.clone());
                    },
                );
            }
            paint(
                image,
                a.style.color,
                padded_bounds(&[min, max], stroke_px / 2.0),
                |mask, t| {
                    if let Some(path) = &outline {
                        fill(mask, t, path.stroke(&round_stroke(stroke_px), 1.0));
                    }
                },
            );
        }
        Shape::Text { anchor, text, size } => {
            let laid = layout(text, px(*anchor), text_height_px(*size, size_of(image)));
            let Some(ink) =
                laid.glyphs
                    .iter()
                    .map(|g| g.px_bounds())
                    .reduce(|a, b| ab_glyph::Rect {
                        min: ab_glyph::point(a.min.x.min(b.min.x), a.min.y.min(b.min.y)),
                        max: ab_glyph::point(a.max.x.max(b.max.x), a.max.y.max(b.max.y)),
                    })
            else {
                return;
            };
            let bounds = [ink.min.x, ink.min.y, ink.max.x, ink.max.y];
            paint(image, a.style.color, bounds, |mask, t| {
                let (ox, oy) = (-t.tx, -t.ty);
                let (mw, mh) = (mask.width() as i64, mask.height() as i64);
                let data = mask.data_mut();
                for glyph in &laid.glyphs {
                    let gb = glyph.px_bounds();
                    glyph.draw(|x, y, coverage| {
                        let mx = gb.min.x as i64 + i64::from(x) - ox as i64;
                        let my = gb.min.y as i64 + i64::from(y) - oy as i64;
                        if (0..mw).contains(&mx) && (0..mh).contains(&my) {
                            let cell = &mut data[(my * mw + mx) as usize];
                            let c = (coverage.clamp(0.0, 1.0) * 255.0).round() as u16;
                            // "Source over" on coverage, as tiny-skia does for paths.
                            *cell = (u16::from(*cell) + c * (255 - u16::from(*cell)) / 255) as u8;
                        }
                    });
                }
            });
        }
    }
}

fn size_of(image: &RgbImage) -> PixelSize {
    PixelSize::new(image.width(), image.height())
}

/// Left, top, right, bottom of `points` grown by `pad` pixels.
fn padded_bounds(points: &[PixelPoint], pad: f32) -> [f32; 4] {
    let norm: Vec<NormPoint> = points.iter().map(|p| NormPoint::new(p.x, p.y)).collect();
    match NormRect::enclosing(norm) {
        Some(r) => [r.min.x - pad, r.min.y - pad, r.max.x + pad, r.max.y + pad],
        None => [0.0, 0.0, 0.0, 0.0],
    }
}

fn round_stroke(width: f32) -> Stroke {
    Stroke {
        width,
        line_cap: LineCap::Round,
        line_join: LineJoin::Round,
        ..Stroke::default()
    }
}

fn closed_shape(min: PixelPoint, max: PixelPoint, ellipse: bool) -> Option<Path> {
    let rect = tiny_skia::Rect::from_ltrb(min.x, min.y, max.x, max.y)?;
    if ellipse {
        PathBuilder::from_oval(rect)
    } else {
        Some(PathBuilder::from_rect(rect))
    }
}

fn fill(mask: &mut Mask, transform: Transform, path: Option<Path>) {
    if let Some(path) = path {
        mask.fill_path(&path, FillRule::Winding, true, transform);
    }
}

/// A polyline with round caps and joins; a single point becomes a dot.
fn fill_stroked(mask: &mut Mask, t: Transform, points: &[PixelPoint], width: f32) {
    let distinct = points.windows(2).any(|w| w[0] != w[1]);
    if !distinct {
        if let Some(p) = points.first() {
            fill(mask, t, circle(*p, width / 2.0));
        }
        return;
    }
    let mut pb = PathBuilder::new();
    for (i, p) in points.iter().enumerate() {
        if i == 0 {
            pb.move_to(p.x, p.y);
        } else {
            pb.line_to(p.x, p.y);
        }
    }
    if let Some(path) = pb.finish() {
        fill(mask, t, path.stroke(&round_stroke(width), 1.0));
    }
}

/// A circle as four cubic arcs, always in the same winding direction, so that unions of
/// circles and quads (see [`fill_pressure_stroke`]) fill without holes.
fn push_circle(pb: &mut PathBuilder, c: PixelPoint, r: f32) {
    const K: f32 = 0.552_284_8;
    let k = K * r;
    pb.move_to(c.x + r, c.y);
    pb.cubic_to(c.x + r, c.y + k, c.x + k, c.y + r, c.x, c.y + r);
    pb.cubic_to(c.x - k, c.y + r, c.x - r, c.y + k, c.x - r, c.y);
    pb.cubic_to(c.x - r, c.y - k, c.x - k, c.y - r, c.x, c.y - r);
    pb.cubic_to(c.x + k, c.y - r, c.x + r, c.y - k, c.x + r, c.y);
    pb.close();
}

fn circle(c: PixelPoint, r: f32) -> Option<Path> {
    let mut pb = PathBuilder::new();
    push_circle(&mut pb, c, r.max(0.5));
    pb.finish()
}

/// A stroke whose width varies with pen pressure: the union of a disc at every point and a
/// quad joining consecutive discs, all wound the same way and filled with the non-zero
/// rule, so the union has no seams or double coverage.
fn fill_pressure_stroke(mask: &mut Mask, t: Transform, points: &[PixelPoint], radii: &[f32]) {
    let mut pb = PathBuilder::new();
    for (p, r) in points.iter().zip(radii) {
        push_circle(&mut pb, *p, r.max(0.5));
    }
    for (w, r) in points.windows(2).zip(radii.windows(2)) {
        let (a, b) = (w[0], w[1]);
        let length = a.distance(b);
        if length <= f32::EPSILON {
            continue;
        }
        let (nx, ny) = (-(b.y - a.y) / length, (b.x - a.x) / length);
        let mut quad = [
            (a.x + nx * r[0], a.y + ny * r[0]),
            (b.x + nx * r[1], b.y + ny * r[1]),
            (b.x - nx * r[1], b.y - ny * r[1]),
            (a.x - nx * r[0], a.y - ny * r[0]),
        ];
        let signed_area: f32 = (0..4)
            .map(|i| {
                let (p, q) = (quad[i], quad[(i + 1) % 4]);
                p.0 * q.1 - q.0 * p.1
            })
            .sum();
        // Same orientation as push_circle (positive shoelace area in y-down coordinates).
        if signed_area < 0.0 {
            quad.reverse();
        }
        pb.move_to(quad[0].0, quad[0].1);
        for q in &quad[1..] {
            pb.line_to(q.0, q.1);
        }
        pb.close();
    }
    fill(mask, t, pb.finish());
}

/// Rasterizes into a coverage mask covering `bounds` (pixels: left, top, right, bottom,
/// clipped to the image) and blends `color` through it. `draw_mask` receives the transform
/// from image pixel coordinates to mask coordinates.
fn paint(
    image: &mut RgbImage,
    color: Rgba,
    bounds: [f32; 4],
    draw_mask: impl FnOnce(&mut Mask, Transform),
) {
    if color.a == 0 || !bounds.iter().all(|v| v.is_finite()) {
        return;
    }
    let (w, h) = image.dimensions();
    // One extra pixel on each side for anti-aliasing.
    let clamp = |v: f32, max: u32| (v.max(0.0) as u32).min(max);
    let x0 = clamp(bounds[0].floor() - 1.0, w);
    let y0 = clamp(bounds[1].floor() - 1.0, h);
    let x1 = clamp(bounds[2].ceil() + 1.0, w);
    let y1 = clamp(bounds[3].ceil() + 1.0, h);
    let Some(mut mask) = Mask::new(x1.saturating_sub(x0), y1.saturating_sub(y0)) else {
        return;
    };
    draw_mask(
        &mut mask,
        Transform::from_translate(-(x0 as f32), -(y0 as f32)),
    );
    blend(image, &mask, x0, y0, color);
}

/// "Source over" of `color` through `mask` at `(x0, y0)`, in straight-alpha sRGB.
fn blend(image: &mut RgbImage, mask: &Mask, x0: u32, y0: u32, color: Rgba) {
    let (mw, stride) = (mask.width() as usize, image.width() as usize * 3);
    let source = [u32::from(color.r), u32::from(color.g), u32::from(color.b)];
    let alpha = u32::from(color.a);
    let pixels: &mut [u8] = image;
    for (row, coverage) in mask.data().chunks_exact(mw).enumerate() {
        let start = (y0 as usize + row) * stride + x0 as usize * 3;
        let Some(line) = pixels.get_mut(start..start + mw * 3) else {
            return;
        };
        for (pixel, &m) in line.chunks_exact_mut(3).zip(coverage) {
            if m == 0 {
                continue;
            }
            let a = u32::from(m) * alpha; // 0..=255²
            for (channel, s) in pixel.iter_mut().zip(source) {
                let d = u32::from(*channel);
                *channel = ((d * (65_025 - a) + s * a + 32_512) / 65_025) as u8;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{RedactionMethod, RedactionOutline, Style};

    fn red(width: f32) -> Style {
        Style {
            color: Rgba::opaque(255, 0, 0),
            width,
            fill: None,
        }
    }

    fn white(w: u32, h: u32) -> RgbImage {
        RgbImage::from_pixel(w, h, image::Rgb([255, 255, 255]))
    }

    #[test]
    fn line_width_matches_the_mapping() {
        // 200×100 image: width 0.1 × 100 px = 10 px, centred on y = 50.
        let mut image = white(200, 100);
        let line = Annotation::new(
            Shape::Line {
                from: NormPoint::new(0.25, 0.5),
                to: NormPoint::new(0.75, 0.5),
            },
            red(0.1),
            "t",
            0,
        );
        render(&mut image, &[line]).unwrap();
        let column: Vec<bool> = (0..100)
            .map(|y| image.get_pixel(100, y).0 == [255, 0, 0])
            .collect();
        assert_eq!(column.iter().filter(|c| **c).count(), 10);
        assert!(column[45] && column[54] && !column[44] && !column[55]);
        // Round caps reach 5 px beyond the ends (x = 50 - 5).
        assert_eq!(image.get_pixel(46, 50).0, [255, 0, 0]);
        assert_eq!(image.get_pixel(43, 50).0, [255, 255, 255]);
    }

    #[test]
    fn translucent_overlaps_are_even() {
        let mut image = white(100, 100);
        let mut style = red(0.1);
        style.color.a = 128;
        let zigzag = Annotation::new(
            Shape::Freehand {
                points: vec![
                    NormPoint::new(0.1, 0.5),
                    NormPoint::new(0.9, 0.5),
                    NormPoint::new(0.1, 0.52),
                ],
                pressure: vec![],
            },
            style,
            "t",
            0,
        );
        render(&mut image, &[zigzag]).unwrap();
        assert_eq!(image.get_pixel(50, 51), image.get_pixel(30, 51));
        assert_eq!(image.get_pixel(50, 51).0[1], 127);
    }

    #[test]
    fn redaction_goes_below_later_strokes_regardless_of_z() {
        let mut image = RgbImage::from_fn(100, 100, |x, _| {
            image::Rgb(if x % 2 == 0 {
                [0, 0, 0]
            } else {
                [255, 255, 255]
            })
        });
        let line = Annotation::new(
            Shape::Line {
                from: NormPoint::new(0.0, 0.5),
                to: NormPoint::new(1.0, 0.5),
            },
            red(0.04),
            "t",
            0,
        );
        let redaction = Annotation::new(
            Shape::Redaction {
                bounds: NormRect::from_corners(NormPoint::new(0.2, 0.2), NormPoint::new(0.8, 0.8)),
                outline: RedactionOutline::Rectangle,
                method: RedactionMethod::Pixelate,
            },
            red(0.01),
            "t",
            10,
        );
        render(&mut image, &[redaction, line]).unwrap();
        assert_eq!(image.get_pixel(50, 50).0, [255, 0, 0]);
        assert_ne!(image.get_pixel(50, 30).0, [0, 0, 0]);
    }

    #[test]
    fn invalid_annotations_leave_the_image_untouched() {
        let mut image = white(10, 10);
        let bad = Annotation::new(
            Shape::Text {
                anchor: NormPoint::new(0.1, 0.1),
                text: String::new(),
                size: 0.1,
            },
            red(0.1),
            "t",
            0,
        );
        let good = Annotation::new(
            Shape::Line {
                from: NormPoint::new(0.0, 0.5),
                to: NormPoint::new(1.0, 0.5),
            },
            red(0.2),
            "t",
            0,
        );
        assert!(render(&mut image, &[good, bad]).is_err());
        assert_eq!(image, white(10, 10));
    }

    #[test]
    fn pressure_strokes_vary_in_width() {
        let mut image = white(200, 100);
        let stroke = Annotation::new(
            Shape::Freehand {
                points: vec![NormPoint::new(0.1, 0.5), NormPoint::new(0.9, 0.5)],
                pressure: vec![0.0, 1.0],
            },
            red(0.2),
            "t",
            0,
        );
        render(&mut image, &[stroke]).unwrap();
        let thickness = |x: u32| {
            (0..100)
                .filter(|&y| image.get_pixel(x, y).0[1] < 128)
                .count()
        };
        assert!(
            thickness(170) > thickness(30) * 2,
            "{} vs {}",
            thickness(170),
            thickness(30)
        );
        assert!((18..=22).contains(&thickness(180)), "{}", thickness(180));
    }
}
