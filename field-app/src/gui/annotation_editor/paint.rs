//! Painting annotations on the canvas with the rasterizer's geometry (`annotate::geometry`):
//! the same stroke widths, pressure factors, arrow heads, text heights and paint order.

use std::sync::OnceLock;

use ab_glyph::Font as _;
use annotate::geometry::{self, pressure_width_factor};
use annotate::{Annotation, NormRect, RedactionOutline, Rgba, Shape, text_bounds};
use egui::epaint::{PathShape, PathStroke};
use egui::{Color32, FontData, FontFamily, FontId, Pos2, Rect, Stroke, StrokeKind};

use super::view::Mapping;

/// The egui font family holding annotate's embedded font, so that labels on the canvas have
/// the glyphs and proportions of the export.
const FONT_NAME: &str = "naper-annotation";

/// The embedded font's (ascent − descent) per em: annotate sizes text by the former, egui by
/// the latter.
fn height_per_em() -> f32 {
    static RATIO: OnceLock<f32> = OnceLock::new();
    *RATIO.get_or_init(|| {
        ab_glyph::FontRef::try_from_slice(annotate::embedded_font())
            .ok()
            .and_then(|font| {
                let em = font.units_per_em()?;
                Some(font.height_unscaled() / em)
            })
            .filter(|r| r.is_finite() && *r > 0.0)
            .unwrap_or(1.0)
    })
}

/// The font family for annotation text; registers annotate's font with egui the first time
/// (it is usable from the next frame on, until then egui's own font stands in).
pub(super) fn annotation_font(ctx: &egui::Context) -> FontFamily {
    let family = FontFamily::Name(FONT_NAME.into());
    let loaded = ctx.fonts(|f| f.families().contains(&family));
    if loaded {
        return family;
    }
    ctx.add_font(egui::epaint::text::FontInsert::new(
        FONT_NAME,
        FontData::from_static(annotate::embedded_font()),
        vec![egui::epaint::text::InsertFontFamily {
            family: family.clone(),
            priority: egui::epaint::text::FontPriority::Highest,
        }],
    ));
    FontFamily::Proportional
}

/// Paints annotations onto one frame of the canvas.
pub(super) struct CanvasPainter<'a> {
    pub(super) painter: &'a egui::Painter,
    pub(super) mapping: Mapping,
    pub(super) font: FontFamily,
}

fn color(c: Rgba) -> Color32 {
    Color32::from_rgba_unmultiplied(c.r, c.g, c.b, c.a)
}

impl CanvasPainter<'_> {
    /// Paints every annotation in the rasterizer's order (redactions first).
    pub(super) fn paint_all(&self, annotations: &[Annotation]) {
        for a in annotate::paint_order(annotations) {
            self.paint(a);
        }
    }

    /// Paints one annotation.
    pub(super) fn paint(&self, a: &Annotation) {
        let m = &self.mapping;
        let width = m.stroke_width(a.style.width);
        let ink = color(a.style.color);
        let stroke = Stroke::new(width, ink);
        match &a.shape {
            Shape::Freehand { points, pressure } => self.freehand(points, pressure, width, ink),
            Shape::Line { from, to } => {
                let (from, to) = (m.to_screen(*from), m.to_screen(*to));
                self.painter.line_segment([from, to], stroke);
                self.round_caps(&[from, to], width, ink);
            }
            Shape::Arrow { from, to } => {
                let (from_px, to_px) = (
                    geometry::to_pixel(*from, m.pixels),
                    geometry::to_pixel(*to, m.pixels),
                );
                let stroke_px = geometry::stroke_width_px(a.style.width, m.pixels);
                match geometry::arrow_head(from_px, to_px, stroke_px) {
                    Some((head, base)) => {
                        let from = m.screen_of_pixel(from_px);
                        let base = m.screen_of_pixel(base);
                        self.painter.line_segment([from, base], stroke);
                        self.round_caps(&[from], width, ink);
                        let head: Vec<Pos2> = head.iter().map(|p| m.screen_of_pixel(*p)).collect();
                        self.painter
                            .add(PathShape::convex_polygon(head, ink, Stroke::NONE));
                    }
                    None => self.round_caps(&[m.screen_of_pixel(from_px)], width, ink),
                }
            }
            Shape::Ellipse { bounds } => {
                let rect = self.screen_rect(bounds);
                if let Some(fill) = a.style.fill {
                    self.painter.add(egui::Shape::ellipse_filled(
                        rect.center(),
                        rect.size() / 2.0,
                        color(fill),
                    ));
                }
                self.painter.add(egui::Shape::ellipse_stroke(
                    rect.center(),
                    rect.size() / 2.0,
                    stroke,
                ));
            }
            Shape::Rectangle { bounds } => {
                let rect = self.screen_rect(bounds);
                if let Some(fill) = a.style.fill {
                    self.painter.rect_filled(rect, 0.0, color(fill));
                }
                self.painter
                    .rect_stroke(rect, 0.0, stroke, StrokeKind::Middle);
            }
            Shape::Text { anchor, text, size } => {
                let em = m.text_height(*size) / height_per_em();
                let galley = self.painter.layout_no_wrap(
                    text.clone(),
                    FontId::new(em.max(1.0), self.font.clone()),
                    ink,
                );
                self.painter.galley(m.to_screen(*anchor), galley, ink);
            }
            Shape::Redaction {
                bounds, outline, ..
            } => self.redaction(bounds, *outline),
        }
    }

    /// What the export will show is destroyed pixels; the canvas shows an opaque block, so
    /// that the officer sees nothing of the region survives.
    fn redaction(&self, bounds: &NormRect, outline: RedactionOutline) {
        let rect = self.screen_rect(bounds);
        let fill = Color32::from_gray(70);
        let edge = Stroke::new(2.0, Color32::from_gray(220));
        match outline {
            RedactionOutline::Rectangle => {
                self.painter.rect_filled(rect, 0.0, fill);
                self.painter
                    .rect_stroke(rect, 0.0, edge, StrokeKind::Inside);
            }
            RedactionOutline::Ellipse => {
                let radius = rect.size() / 2.0;
                self.painter
                    .add(egui::Shape::ellipse_filled(rect.center(), radius, fill));
                self.painter
                    .add(egui::Shape::ellipse_stroke(rect.center(), radius, edge));
            }
        }
    }

    fn freehand(&self, points: &[annotate::NormPoint], pressure: &[f32], width: f32, ink: Color32) {
        let screen: Vec<Pos2> = points.iter().map(|p| self.mapping.to_screen(*p)).collect();
        if pressure.len() != points.len() || pressure.is_empty() {
            if screen.len() >= 2 {
                self.painter
                    .add(PathShape::line(screen.clone(), PathStroke::new(width, ink)));
            }
            if let (Some(first), Some(last)) = (screen.first(), screen.last()) {
                self.round_caps(&[*first, *last], width, ink);
            }
            return;
        }
        let widths: Vec<f32> = pressure
            .iter()
            .map(|p| width * pressure_width_factor(*p))
            .collect();
        for (i, pair) in screen.windows(2).enumerate() {
            let w = (widths[i] + widths[i + 1]) / 2.0;
            self.painter
                .line_segment([pair[0], pair[1]], Stroke::new(w, ink));
        }
        // Round joins, as the rasterizer draws them, so width changes do not show notches.
        for (p, w) in screen.iter().zip(&widths) {
            self.painter.circle_filled(*p, w / 2.0, ink);
        }
    }

    fn round_caps(&self, ends: &[Pos2], width: f32, ink: Color32) {
        for p in ends {
            self.painter.circle_filled(*p, width / 2.0, ink);
        }
    }

    fn screen_rect(&self, bounds: &NormRect) -> Rect {
        Rect::from_two_pos(
            self.mapping.to_screen(bounds.min),
            self.mapping.to_screen(bounds.max),
        )
    }

    /// Marks the selected annotation with a dashed frame around its ink.
    pub(super) fn selection_frame(&self, a: &Annotation) {
        let Some(rect) = selection_rect(a, &self.mapping) else {
            return;
        };
        let corners = [
            rect.left_top(),
            rect.right_top(),
            rect.right_bottom(),
            rect.left_bottom(),
            rect.left_top(),
        ];
        for stroke in [
            Stroke::new(4.0, Color32::BLACK),
            Stroke::new(2.0, Color32::WHITE),
        ] {
            self.painter
                .extend(egui::Shape::dashed_line(&corners, stroke, 10.0, 6.0));
        }
    }
}

/// The selection frame of an annotation on screen: around its ink, with a little room.
pub(super) fn selection_rect(a: &Annotation, mapping: &Mapping) -> Option<Rect> {
    let bounds = ink_bounds(a, mapping)?;
    let margin = mapping.stroke_width(a.style.width) / 2.0 + 6.0;
    let rect = Rect::from_two_pos(mapping.to_screen(bounds.min), mapping.to_screen(bounds.max));
    Some(rect.expand(margin))
}

/// The normalized box around an annotation's defining points (for text: around its glyphs).
pub(super) fn ink_bounds(a: &Annotation, mapping: &Mapping) -> Option<NormRect> {
    match &a.shape {
        Shape::Text { anchor, text, size } => {
            Some(text_bounds(*anchor, text, *size, mapping.pixels))
        }
        shape => NormRect::enclosing(shape.control_points()),
    }
}
