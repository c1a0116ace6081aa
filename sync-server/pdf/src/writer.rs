//! Writing laid-out pages as a PDF with krilla: text in the embedded DejaVu Sans (subset into
//! the file, with a Unicode map so umlauts and ß can be searched and copied), photos as JPEG
//! images, signatures as vector paths, and a footer with the page number on every page.

use krilla::Document;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Size, Transform};
use krilla::image::Image;
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, LineCap, LineJoin, Stroke};
use krilla::surface::Surface;
use krilla::text::{Font, TextDirection};

use crate::layout::{FOOTER_BASELINE, MARGIN, Metrics, Op, PAGE_HEIGHT, PAGE_WIDTH};

const GREY: (u8, u8, u8) = (90, 90, 90);
const FOOTER_SIZE: f32 = 8.0;

fn fill(color: (u8, u8, u8)) -> Fill {
    Fill {
        paint: rgb::Color::new(color.0, color.1, color.2).into(),
        opacity: NormalizedF32::ONE,
        rule: Default::default(),
    }
}

fn stroke(width: f32, color: (u8, u8, u8)) -> Stroke {
    Stroke {
        paint: rgb::Color::new(color.0, color.1, color.2).into(),
        width,
        line_cap: LineCap::Round,
        line_join: LineJoin::Round,
        ..Stroke::default()
    }
}

fn line(surface: &mut Surface<'_>, from: (f32, f32), to: (f32, f32), width: f32) {
    let mut path = PathBuilder::new();
    path.move_to(from.0, from.1);
    path.line_to(to.0, to.1);
    if let Some(path) = path.finish() {
        surface.set_fill(None);
        surface.set_stroke(Some(stroke(width, GREY)));
        surface.draw_path(&path);
        surface.set_stroke(None);
    }
}

fn draw(surface: &mut Surface<'_>, font: &Font, op: Op) {
    match op {
        Op::Text {
            x,
            y,
            size,
            grey,
            text,
        } => {
            surface.set_fill(Some(fill(if grey { GREY } else { (0, 0, 0) })));
            surface.draw_text(
                Point::from_xy(x, y),
                font.clone(),
                size,
                &text,
                false,
                TextDirection::Auto,
            );
        }
        Op::Rule { x, y, width } => line(surface, (x, y), (x + width, y), 0.6),
        Op::Image {
            x,
            y,
            width,
            height,
            jpeg,
        } => {
            let (Ok(image), Some(size)) = (
                Image::from_jpeg(jpeg.into(), true),
                Size::from_wh(width, height),
            ) else {
                // Checked when the document was put together; a photo that still fails is
                // left out rather than failing the whole document.
                tracing::warn!("a photo of a printed document could not be embedded");
                return;
            };
            surface.push_transform(&Transform::from_translate(x, y));
            surface.draw_image(image, size);
            surface.pop();
        }
        Op::Strokes {
            x,
            y,
            width,
            height,
            strokes,
        } => {
            line(surface, (x, y + height), (x + width, y + height), 0.6);
            for points in strokes {
                let mut path = PathBuilder::new();
                let at = |(px, py): (f32, f32)| {
                    (
                        x + px.clamp(0.0, 1.0) * width,
                        y + py.clamp(0.0, 1.0) * height,
                    )
                };
                let mut points = points.into_iter().map(at);
                let Some(first) = points.next() else { continue };
                path.move_to(first.0, first.1);
                let mut drawn = false;
                for (px, py) in points {
                    path.line_to(px, py);
                    drawn = true;
                }
                if !drawn {
                    // A single touch is a dot.
                    path.line_to(first.0 + 0.1, first.1);
                }
                if let Some(path) = path.finish() {
                    surface.set_fill(None);
                    surface.set_stroke(Some(stroke(1.4, (0, 0, 60))));
                    surface.draw_path(&path);
                    surface.set_stroke(None);
                }
            }
        }
    }
}

/// Why a PDF could not be written; a fault of the build or the writer, never of the
/// content, so callers answer it as an internal error.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// The embedded font does not load.
    #[error("the embedded font of printed documents does not load")]
    Font,
    /// krilla refused the A4 page size.
    #[error("the A4 page size was refused")]
    PageSize,
    /// krilla failed to write the document.
    #[error("the PDF could not be written: {0}")]
    Write(String),
}

/// The PDF of `pages`, each with `footer` and "page n of N" (`page_of` is the word between
/// the numbers, `page` the word before them).
///
/// # Errors
/// [`PdfError`] when the font does not load or krilla fails.
pub fn write(
    metrics: &Metrics,
    pages: Vec<Vec<Op>>,
    font_bytes: &'static [u8],
    title: &str,
    footer: &str,
    page_word: &str,
    of_word: &str,
) -> Result<Vec<u8>, PdfError> {
    let font = Font::new(font_bytes.into(), 0).ok_or(PdfError::Font)?;
    let settings = PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT).ok_or(PdfError::PageSize)?;
    let mut document = Document::new();
    document.set_metadata(
        Metadata::new()
            .title(title.to_string())
            .creator("naper".into()),
    );
    let total = pages.len();
    for (index, ops) in pages.into_iter().enumerate() {
        let mut page = document.start_page_with(settings.clone());
        let mut surface = page.surface();
        for op in ops {
            draw(&mut surface, &font, op);
        }
        let number = format!("{page_word} {} {of_word} {total}", index + 1);
        let number_width = metrics.width(&number, FOOTER_SIZE);
        line(
            &mut surface,
            (MARGIN, FOOTER_BASELINE - 12.0),
            (PAGE_WIDTH - MARGIN, FOOTER_BASELINE - 12.0),
            0.4,
        );
        surface.set_fill(Some(fill(GREY)));
        surface.draw_text(
            Point::from_xy(MARGIN, FOOTER_BASELINE),
            font.clone(),
            FOOTER_SIZE,
            footer,
            false,
            TextDirection::Auto,
        );
        surface.draw_text(
            Point::from_xy(PAGE_WIDTH - MARGIN - number_width, FOOTER_BASELINE),
            font.clone(),
            FOOTER_SIZE,
            &number,
            false,
            TextDirection::Auto,
        );
        surface.finish();
        page.finish();
    }
    document
        .finish()
        .map_err(|e| PdfError::Write(format!("{e:?}")))
}
