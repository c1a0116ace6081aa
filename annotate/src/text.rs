//! Text labels: the embedded font and the layout shared by rasterizer and hit-testing.

use std::sync::OnceLock;

use ab_glyph::{Font, FontRef, OutlinedGlyph, PxScale, ScaleFont, point};

use crate::geometry::{PixelPoint, PixelSize, text_height_px, to_pixel};
use crate::model::{NormPoint, NormRect};

/// DejaVu Sans (Bitstream Vera licence, see `assets/fonts/DejaVuSans-LICENSE.txt`): free,
/// and it covers German umlauts and ß, so labels like "Müllablagerung, Straße" render.
static FONT_BYTES: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// The embedded font file (TrueType), for the canvas to render labels with the same glyphs.
pub fn embedded_font() -> &'static [u8] {
    FONT_BYTES
}

fn font() -> &'static FontRef<'static> {
    static FONT: OnceLock<FontRef<'static>> = OnceLock::new();
    FONT.get_or_init(|| {
        // The file is compiled in and checked by a unit test; it is not user input.
        #[allow(clippy::expect_used)]
        FontRef::try_from_slice(FONT_BYTES).expect("embedded DejaVu Sans parses")
    })
}

/// A laid-out label in pixel coordinates.
pub(crate) struct TextLayout {
    /// The glyphs with ink (spaces have none).
    pub glyphs: Vec<OutlinedGlyph>,
    /// Left, top, right, bottom of the label's line boxes.
    pub bounds: [f32; 4],
}

/// Lays out `text` with its top-left corner at `anchor` (see the mapping in
/// [`crate::geometry`]). `\n` starts a new line; other control characters are skipped.
pub(crate) fn layout(text: &str, anchor: PixelPoint, height_px: f32) -> TextLayout {
    let font = font();
    let scaled = font.as_scaled(PxScale::from(height_px.max(1.0)));
    let line_advance = scaled.height() + scaled.line_gap();
    let mut glyphs = Vec::new();
    let mut right = anchor.x;
    let mut line_count = 0usize;
    for (line_index, line) in text.split('\n').enumerate() {
        line_count = line_index + 1;
        let baseline = anchor.y + line_index as f32 * line_advance + scaled.ascent();
        let mut x = anchor.x;
        let mut previous = None;
        for c in line.chars() {
            let c = if c == '\t' { ' ' } else { c };
            if c.is_control() {
                continue;
            }
            let id = font.glyph_id(c);
            if let Some(prev) = previous {
                x += scaled.kern(prev, id);
            }
            let glyph = id.with_scale_and_position(scaled.scale(), point(x, baseline));
            x += scaled.h_advance(id);
            previous = Some(id);
            if let Some(outlined) = font.outline_glyph(glyph) {
                glyphs.push(outlined);
            }
        }
        right = right.max(x);
    }
    let bottom = anchor.y + line_count as f32 * line_advance - scaled.line_gap();
    TextLayout {
        glyphs,
        bounds: [anchor.x, anchor.y, right, bottom],
    }
}

/// The box a text label occupies on an image of `image` size, in normalized coordinates,
/// for selection handles and hit-testing. Text widths depend on the image's aspect ratio,
/// which is why the size is needed.
pub fn text_bounds(anchor: NormPoint, text: &str, size: f32, image: PixelSize) -> NormRect {
    let laid = layout(text, to_pixel(anchor, image), text_height_px(size, image));
    let (w, h) = (image.width.max(1) as f32, image.height.max(1) as f32);
    NormRect {
        min: NormPoint::new(laid.bounds[0] / w, laid.bounds[1] / h),
        max: NormPoint::new(laid.bounds[2] / w, laid.bounds[3] / h),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_font_has_german_letters() {
        let font = font();
        for c in "äöüÄÖÜß€".chars() {
            assert_ne!(font.glyph_id(c).0, 0, "no glyph for {c}");
        }
    }

    #[test]
    fn bounds_grow_with_text_and_lines() {
        let image = PixelSize::new(1000, 500);
        let a = text_bounds(NormPoint::new(0.1, 0.1), "Reifen", 0.1, image);
        let b = text_bounds(NormPoint::new(0.1, 0.1), "Reifenspuren", 0.1, image);
        let c = text_bounds(NormPoint::new(0.1, 0.1), "Reifen\nspuren", 0.1, image);
        assert_eq!(a.min, NormPoint::new(0.1, 0.1));
        assert!(b.max.x > a.max.x);
        assert!(c.max.y > 1.9 * a.max.y - 0.1 * 0.9);
        // Height is 10 % of the shorter side (500 px) = 50 px = 0.1 of the height.
        assert!((a.height() - 0.1).abs() < 0.01, "{}", a.height());
    }
}
