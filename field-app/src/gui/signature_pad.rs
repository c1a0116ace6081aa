//! The signature field: a pad to sign on with a finger or pen, and a button to start over.

use annotate::{NormPoint, simplify_stroke};
use egui::{Color32, Pos2, Rect, Response, Role, Sense, Stroke, Ui, WidgetInfo, vec2};
use schema::Signature;

use crate::gui::annotation_editor::TOUCH_TARGET;
use crate::gui::i18n::Texts;
use crate::gui::touch_input::{Contact, ContactTracker};

/// The pad's height in points: room for a signature written with a finger.
const PAD_HEIGHT: f32 = 180.0;
/// Simplification tolerance relative to the pad: a quarter of a point on a 600 pt pad.
const TOLERANCE: f32 = 0.0004;

/// A signature pad; keep it across frames while its form is shown.
#[derive(Debug, Default)]
pub struct SignaturePad {
    contacts: ContactTracker,
    stroke: Vec<NormPoint>,
    signer: String,
}

impl SignaturePad {
    /// An empty pad.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records `signer` as the name of whoever signs on this pad (kept from an existing
    /// signature otherwise).
    #[must_use]
    pub fn with_signer(mut self, signer: impl Into<String>) -> Self {
        self.signer = signer.into();
        self
    }

    /// Shows the pad and its "clear" button. Every finished stroke is added to `value`;
    /// the returned response of the pad reports `changed()` when `value` changed.
    pub fn show(&mut self, ui: &mut Ui, texts: &Texts, value: &mut Option<Signature>) -> Response {
        let width = ui.available_width().clamp(TOUCH_TARGET, 720.0);
        let (rect, mut response) =
            ui.allocate_exact_size(vec2(width, PAD_HEIGHT), Sense::click_and_drag());
        response.widget_info(|| WidgetInfo::labeled(Role::Unknown, true, texts.signature_pad));
        for contact in self.contacts.contacts(ui, rect) {
            if self.contact(contact, rect, value) {
                response.mark_changed();
            }
        }
        self.paint(ui, rect, texts, value.as_ref());
        let clear = ui.add_enabled(
            value.is_some() || !self.stroke.is_empty(),
            egui::Button::new(texts.signature_clear).min_size(vec2(TOUCH_TARGET, TOUCH_TARGET)),
        );
        if clear.clicked() {
            self.stroke.clear();
            if value.take().is_some() {
                response.mark_changed();
            }
        }
        response
    }

    /// Handles one contact; true when `value` changed.
    fn contact(&mut self, contact: Contact, rect: Rect, value: &mut Option<Signature>) -> bool {
        let on_pad = |pos: Pos2| {
            let p = (pos - rect.min) / rect.size();
            NormPoint::new(p.x.clamp(0.0, 1.0), p.y.clamp(0.0, 1.0))
        };
        match contact {
            Contact::Down { pos, .. } => {
                self.stroke = vec![on_pad(pos)];
                false
            }
            Contact::Move { pos, .. } => {
                self.stroke.push(on_pad(pos));
                false
            }
            Contact::Up { pos } => {
                self.stroke.push(on_pad(pos));
                let (points, _) =
                    simplify_stroke(&std::mem::take(&mut self.stroke), &[], TOLERANCE);
                if points.is_empty() {
                    return false;
                }
                let signature = value.get_or_insert_with(|| Signature {
                    strokes: Vec::new(),
                    signer: self.signer.clone(),
                    signed_at_ms: 0,
                });
                signature.strokes.push(points);
                signature.signed_at_ms = now_ms();
                true
            }
            Contact::Cancel => {
                self.stroke.clear();
                false
            }
        }
    }

    fn paint(&self, ui: &Ui, rect: Rect, texts: &Texts, value: Option<&Signature>) {
        let painter = ui.painter_at(rect);
        let visuals = ui.visuals();
        painter.rect_filled(rect, 6.0, visuals.extreme_bg_color);
        painter.rect_stroke(
            rect,
            6.0,
            visuals.widgets.inactive.bg_stroke,
            egui::StrokeKind::Inside,
        );
        let baseline = rect.bottom() - PAD_HEIGHT * 0.25;
        painter.line_segment(
            [
                Pos2::new(rect.left() + 16.0, baseline),
                Pos2::new(rect.right() - 16.0, baseline),
            ],
            Stroke::new(1.0, visuals.weak_text_color()),
        );
        let strokes = value.map(|s| s.strokes.as_slice()).unwrap_or_default();
        if strokes.is_empty() && self.stroke.is_empty() {
            painter.text(
                rect.center(),
                egui::Align2::CENTER_CENTER,
                texts.signature_hint,
                egui::FontId::proportional(18.0),
                visuals.weak_text_color(),
            );
        }
        let ink = Stroke::new(3.0, ink_color(visuals));
        let to_screen = |p: &NormPoint| rect.min + vec2(p.x, p.y) * rect.size();
        for stroke in strokes.iter().chain(std::iter::once(&self.stroke)) {
            let points: Vec<Pos2> = stroke.iter().map(to_screen).collect();
            match points.as_slice() {
                [] => {}
                [dot] => {
                    painter.circle_filled(*dot, ink.width, ink.color);
                }
                _ => {
                    painter.add(egui::Shape::line(points, ink));
                }
            }
        }
    }
}

fn ink_color(visuals: &egui::Visuals) -> Color32 {
    if visuals.dark_mode {
        Color32::WHITE
    } else {
        Color32::from_rgb(10, 30, 110)
    }
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}
