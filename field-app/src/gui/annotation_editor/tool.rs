//! The drawing tools, colours and stroke widths the officer picks from, with their labels.

use annotate::Rgba;

use crate::gui::i18n::Texts;

/// What a touch on the canvas does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Tool {
    /// Tap to select, drag to move the selection; a drag on empty photo pans.
    Select,
    /// Freehand strokes.
    Pen,
    /// Drag from tail to head.
    Arrow,
    /// Drag from one end to the other.
    Line,
    /// Drag a bounding box.
    Ellipse,
    /// Drag a rectangle.
    Rectangle,
    /// Tap where the text goes, then type it.
    Text,
    /// Drag over a plate or a sign; its pixels are destroyed in every export.
    Redaction,
    /// Drag over a face: an oval redaction.
    FaceRedaction,
}

impl Tool {
    /// Every tool in toolbar order.
    pub(super) const ALL: [Tool; 9] = [
        Tool::Select,
        Tool::Pen,
        Tool::Arrow,
        Tool::Line,
        Tool::Ellipse,
        Tool::Rectangle,
        Tool::Text,
        Tool::Redaction,
        Tool::FaceRedaction,
    ];

    /// The button's text, which is also its accessible label.
    pub(super) fn label(self, texts: &Texts) -> &'static str {
        match self {
            Tool::Select => texts.editor_tool_select,
            Tool::Pen => texts.editor_tool_pen,
            Tool::Arrow => texts.editor_tool_arrow,
            Tool::Line => texts.editor_tool_line,
            Tool::Ellipse => texts.editor_tool_ellipse,
            Tool::Rectangle => texts.editor_tool_rectangle,
            Tool::Text => texts.editor_tool_text,
            Tool::Redaction => texts.editor_tool_redaction,
            Tool::FaceRedaction => texts.editor_tool_face_redaction,
        }
    }
}

/// The palette: strong colours that stay visible on outdoor photos, plus black and white.
pub(super) const PALETTE: [Rgba; 6] = [
    Rgba::opaque(230, 25, 25),
    Rgba::opaque(255, 214, 0),
    Rgba::opaque(0, 170, 60),
    Rgba::opaque(20, 90, 230),
    Rgba::opaque(0, 0, 0),
    Rgba::opaque(255, 255, 255),
];

/// The accessible name of a palette colour.
pub(super) fn color_label(texts: &Texts, index: usize) -> &'static str {
    [
        texts.editor_color_red,
        texts.editor_color_yellow,
        texts.editor_color_green,
        texts.editor_color_blue,
        texts.editor_color_black,
        texts.editor_color_white,
    ]
    .get(index)
    .copied()
    .unwrap_or(texts.editor_color_red)
}

/// Stroke widths as fractions of the photo's shorter side (`Style::width`): on a 3000 px
/// side, 9, 18 and 36 px.
pub(super) const WIDTHS: [f32; 3] = [0.003, 0.006, 0.012];

/// The accessible name of a stroke width.
pub(super) fn width_label(texts: &Texts, index: usize) -> &'static str {
    [
        texts.editor_width_thin,
        texts.editor_width_medium,
        texts.editor_width_thick,
    ]
    .get(index)
    .copied()
    .unwrap_or(texts.editor_width_medium)
}

/// Text height relative to the stroke width: thick pen, big letters.
pub(super) const TEXT_SIZE_PER_WIDTH: f32 = 7.0;
