//! Page layout: a list of [`Block`]s (what a document says, in reading order)
//! broken into A4 pages of positioned [`Op`]s (what each page draws). Text is measured with
//! the embedded font's advance widths and wrapped at word boundaries; a block that does not
//! fit on the rest of a page starts the next one. Kept apart from the PDF writer so the
//! layout is plain data, tested without a PDF.

use ab_glyph::{Font, FontRef};

/// A4 width in PDF points.
pub const PAGE_WIDTH: f32 = 595.28;
/// A4 height in PDF points.
pub const PAGE_HEIGHT: f32 = 841.89;
/// Left and right margin (2 cm).
pub const MARGIN: f32 = 56.7;
const TOP: f32 = 56.7;
/// Where the body ends; the footer sits below.
const BOTTOM: f32 = PAGE_HEIGHT - 70.0;
/// Baseline of the footer line.
pub const FOOTER_BASELINE: f32 = PAGE_HEIGHT - 40.0;
const CONTENT_WIDTH: f32 = PAGE_WIDTH - 2.0 * MARGIN;
/// Width of the label column of a [`Block::Row`].
const LABEL_WIDTH: f32 = 165.0;
const COLUMN_GAP: f32 = 10.0;
const BODY: f32 = 10.0;
const SMALL: f32 = 8.5;
const HEADING: f32 = 13.0;
const TITLE: f32 = 18.0;
/// Line height as a multiple of the font size.
const LEADING: f32 = 1.3;
/// Largest height of a photo on the page.
const PHOTO_MAX_HEIGHT: f32 = 330.0;
/// The box a signature is drawn into (a signature pad is about 2.5 : 1).
const SIGNATURE_WIDTH: f32 = 220.0;
const SIGNATURE_HEIGHT: f32 = 88.0;

/// What a document says, in reading order.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// The document title.
    Title(String),
    /// A section heading.
    Heading(String),
    /// A label with its value beside it.
    Row {
        /// Left column.
        label: String,
        /// Right column (may have several lines).
        value: String,
    },
    /// Text over the whole width.
    Paragraph(String),
    /// Small grey text over the whole width.
    Note(String),
    /// A photo with its caption below.
    Photo {
        /// JPEG bytes.
        jpeg: Vec<u8>,
        /// Pixel width.
        width: u32,
        /// Pixel height.
        height: u32,
        /// Caption.
        caption: String,
    },
    /// A signature drawn from its strokes, in the value column (the row above names the
    /// signer).
    Signature {
        /// Pen strokes, coordinates normalized to the pad (0..1).
        strokes: Vec<Vec<(f32, f32)>>,
    },
}

/// Something a page draws; coordinates in points from the top left corner.
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    /// One line of text at its baseline.
    Text {
        /// Left edge.
        x: f32,
        /// Baseline.
        y: f32,
        /// Font size.
        size: f32,
        /// Grey instead of black.
        grey: bool,
        /// The line.
        text: String,
    },
    /// A horizontal rule.
    Rule {
        /// Left end.
        x: f32,
        /// Height.
        y: f32,
        /// Length.
        width: f32,
    },
    /// A JPEG image.
    Image {
        /// Left edge.
        x: f32,
        /// Top edge.
        y: f32,
        /// Width drawn.
        width: f32,
        /// Height drawn.
        height: f32,
        /// JPEG bytes.
        jpeg: Vec<u8>,
    },
    /// Pen strokes in a framed box.
    Strokes {
        /// Left edge of the box.
        x: f32,
        /// Top edge of the box.
        y: f32,
        /// Box width.
        width: f32,
        /// Box height.
        height: f32,
        /// Strokes, normalized to the box.
        strokes: Vec<Vec<(f32, f32)>>,
    },
}

/// Text widths of the embedded font.
pub struct Metrics {
    font: FontRef<'static>,
    units_per_em: f32,
}

impl Metrics {
    /// Metrics of the font file `bytes`; `None` when it is not a font.
    pub fn new(bytes: &'static [u8]) -> Option<Self> {
        let font = FontRef::try_from_slice(bytes).ok()?;
        let units_per_em = font.units_per_em().filter(|u| *u > 0.0)?;
        Some(Self { font, units_per_em })
    }

    /// The advance width of `text` at `size`.
    pub fn width(&self, text: &str, size: f32) -> f32 {
        let units: f32 = text
            .chars()
            .map(|c| self.font.h_advance_unscaled(self.font.glyph_id(c)))
            .sum();
        units * size / self.units_per_em
    }

    /// `text` broken into lines no wider than `max` at `size`: at line breaks, then at
    /// spaces; a word wider than a line is cut between characters.
    pub fn wrap(&self, text: &str, size: f32, max: f32) -> Vec<String> {
        let mut lines = Vec::new();
        for paragraph in text.lines() {
            let mut line = String::new();
            for word in paragraph.split_whitespace() {
                let candidate = if line.is_empty() {
                    word.to_string()
                } else {
                    format!("{line} {word}")
                };
                if self.width(&candidate, size) <= max {
                    line = candidate;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                for c in word.chars() {
                    line.push(c);
                    if self.width(&line, size) > max && line.chars().count() > 1 {
                        line.pop();
                        lines.push(std::mem::take(&mut line));
                        line.push(c);
                    }
                }
            }
            lines.push(line);
        }
        if lines.is_empty() {
            lines.push(String::new());
        }
        lines
    }
}

/// Lays out blocks onto pages.
struct Pager<'m> {
    metrics: &'m Metrics,
    pages: Vec<Vec<Op>>,
    current: Vec<Op>,
    /// The top of the free space on the current page.
    y: f32,
}

impl Pager<'_> {
    fn break_page(&mut self) {
        self.pages.push(std::mem::take(&mut self.current));
        self.y = TOP;
    }

    /// Starts a new page unless `height` fits below `y` (or the page is still empty: then
    /// the block overflows rather than producing empty pages forever).
    fn reserve(&mut self, height: f32) {
        if self.y + height > BOTTOM && !self.current.is_empty() {
            self.break_page();
        }
    }

    fn lines(&mut self, x: f32, lines: &[String], size: f32, grey: bool) {
        let step = size * LEADING;
        for line in lines {
            self.reserve(step);
            self.y += step;
            self.current.push(Op::Text {
                x,
                y: self.y - size * 0.3,
                size,
                grey,
                text: line.clone(),
            });
        }
    }

    fn block(&mut self, block: Block) {
        let m = self.metrics;
        match block {
            Block::Title(text) => {
                let lines = m.wrap(&text, TITLE, CONTENT_WIDTH);
                self.lines(MARGIN, &lines, TITLE, false);
                self.y += 4.0;
            }
            Block::Heading(text) => {
                // A heading never ends a page: keep room for it and two lines after it.
                self.reserve(HEADING * LEADING + 8.0 + 2.0 * BODY * LEADING);
                self.y += 8.0;
                let lines = m.wrap(&text, HEADING, CONTENT_WIDTH);
                self.lines(MARGIN, &lines, HEADING, false);
                self.y += 2.0;
                self.current.push(Op::Rule {
                    x: MARGIN,
                    y: self.y,
                    width: CONTENT_WIDTH,
                });
                self.y += 4.0;
            }
            Block::Row { label, value } => {
                let value_x = MARGIN + LABEL_WIDTH + COLUMN_GAP;
                let value_width = CONTENT_WIDTH - LABEL_WIDTH - COLUMN_GAP;
                let labels = m.wrap(&label, BODY, LABEL_WIDTH);
                let values = m.wrap(&value, BODY, value_width);
                let step = BODY * LEADING;
                let rows = labels.len().max(values.len());
                // Short rows stay together; long values may run onto the next page.
                if rows <= 6 {
                    self.reserve(step * rows as f32);
                }
                for i in 0..rows {
                    self.reserve(step);
                    self.y += step;
                    let baseline = self.y - BODY * 0.3;
                    if let Some(text) = labels.get(i) {
                        self.current.push(Op::Text {
                            x: MARGIN,
                            y: baseline,
                            size: BODY,
                            grey: true,
                            text: text.clone(),
                        });
                    }
                    if let Some(text) = values.get(i) {
                        self.current.push(Op::Text {
                            x: value_x,
                            y: baseline,
                            size: BODY,
                            grey: false,
                            text: text.clone(),
                        });
                    }
                }
                self.y += 2.0;
            }
            Block::Paragraph(text) => {
                let lines = m.wrap(&text, BODY, CONTENT_WIDTH);
                self.lines(MARGIN, &lines, BODY, false);
                self.y += 2.0;
            }
            Block::Note(text) => {
                let lines = m.wrap(&text, SMALL, CONTENT_WIDTH);
                self.lines(MARGIN, &lines, SMALL, true);
                self.y += 2.0;
            }
            Block::Photo {
                jpeg,
                width,
                height,
                caption,
            } => {
                let (w, h) = fit(width, height, CONTENT_WIDTH, PHOTO_MAX_HEIGHT);
                let captions = m.wrap(&caption, SMALL, CONTENT_WIDTH);
                self.reserve(h + 6.0 + SMALL * LEADING);
                self.y += 6.0;
                self.current.push(Op::Image {
                    x: MARGIN,
                    y: self.y,
                    width: w,
                    height: h,
                    jpeg,
                });
                self.y += h;
                if !caption.is_empty() {
                    self.lines(MARGIN, &captions, SMALL, true);
                }
                self.y += 4.0;
            }
            Block::Signature { strokes } => {
                self.reserve(SIGNATURE_HEIGHT + 6.0);
                self.y += 6.0;
                self.current.push(Op::Strokes {
                    x: MARGIN + LABEL_WIDTH + COLUMN_GAP,
                    y: self.y,
                    width: SIGNATURE_WIDTH,
                    height: SIGNATURE_HEIGHT,
                    strokes,
                });
                self.y += SIGNATURE_HEIGHT + 6.0;
            }
        }
    }
}

/// The largest size of a `width` × `height` image within `max_w` × `max_h`, never enlarged.
fn fit(width: u32, height: u32, max_w: f32, max_h: f32) -> (f32, f32) {
    let (w, h) = (width.max(1) as f32, height.max(1) as f32);
    let scale = (max_w / w).min(max_h / h).min(1.0);
    (w * scale, h * scale)
}

/// The blocks laid out on A4 pages (at least one page).
pub fn paginate(metrics: &Metrics, blocks: Vec<Block>) -> Vec<Vec<Op>> {
    let mut pager = Pager {
        metrics,
        pages: Vec::new(),
        current: Vec::new(),
        y: TOP,
    };
    for block in blocks {
        pager.block(block);
    }
    pager.pages.push(pager.current);
    pager.pages
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn metrics() -> Metrics {
        Metrics::new(annotate::embedded_font()).unwrap()
    }

    fn texts(page: &[Op]) -> Vec<&str> {
        page.iter()
            .filter_map(|op| match op {
                Op::Text { text, .. } => Some(text.as_str()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn long_text_wraps_within_the_column_and_keeps_every_word() {
        let m = metrics();
        let text = "Sperrmüll an der Straßenecke, ".repeat(20);
        let lines = m.wrap(&text, BODY, 200.0);
        assert!(lines.len() > 5);
        for line in &lines {
            assert!(m.width(line, BODY) <= 200.0, "{line}");
        }
        assert_eq!(
            lines.join(" ").split_whitespace().count(),
            text.split_whitespace().count()
        );
        let long_word = "x".repeat(300);
        assert!(m.wrap(&long_word, BODY, 100.0).len() > 1);
    }

    #[test]
    fn many_rows_flow_onto_more_pages_within_the_margins() {
        let m = metrics();
        let blocks: Vec<Block> = (0..150)
            .map(|i| Block::Row {
                label: format!("Feld {i}"),
                value: format!("Wert {i}"),
            })
            .collect();
        let pages = paginate(&m, blocks);
        assert!(pages.len() >= 3, "{} pages", pages.len());
        for page in &pages {
            for op in page {
                if let Op::Text { y, .. } = op {
                    assert!(*y > TOP && *y <= BOTTOM, "{y}");
                }
            }
        }
        let all: Vec<&str> = pages.iter().flat_map(|p| texts(p)).collect();
        assert!(all.contains(&"Feld 0") && all.contains(&"Wert 149"));
    }

    #[test]
    fn a_photo_that_does_not_fit_starts_a_new_page_and_is_never_enlarged() {
        let m = metrics();
        let mut blocks: Vec<Block> = (0..40)
            .map(|i| Block::Paragraph(format!("Zeile {i}")))
            .collect();
        blocks.push(Block::Photo {
            jpeg: vec![1],
            width: 4000,
            height: 3000,
            caption: "Foto".into(),
        });
        let pages = paginate(&m, blocks);
        assert_eq!(pages.len(), 2);
        let Some(Op::Image {
            y, width, height, ..
        }) = pages[1].first()
        else {
            panic!("{:?}", pages[1]);
        };
        assert!(*y < TOP + 10.0);
        assert!(*width <= CONTENT_WIDTH && *height <= PHOTO_MAX_HEIGHT);
        assert_eq!(fit(100, 50, 500.0, 500.0), (100.0, 50.0));
    }
}
