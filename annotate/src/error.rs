//! The crate's one error type.
//!
//! Every message says what went wrong and what the officer or the calling code can do about
//! it, because these errors end up in front of people on a tablet in the field.

use crate::model::AnnotationId;

/// Everything that can go wrong in this crate.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AnnotateError {
    /// The bytes are neither a JPEG nor a PNG image.
    #[error(
        "the file is not a JPEG or PNG photo (or its first bytes are damaged); import the photo again from the camera"
    )]
    UnsupportedFormat,

    /// The image is truncated or corrupt.
    #[error(
        "the photo could not be decoded ({reason}); the file is probably truncated or corrupt, import it again from the camera"
    )]
    CorruptImage {
        /// What the decoder reported.
        reason: String,
    },

    /// The image header announces more pixels than allowed (decompression bomb protection).
    #[error(
        "the photo is {width}×{height} pixels, more than the allowed {max_pixels} pixels; reduce the camera resolution or raise DecodeLimits::max_pixels"
    )]
    ImageTooLarge {
        /// Width announced by the header.
        width: u32,
        /// Height announced by the header.
        height: u32,
        /// The configured limit.
        max_pixels: u64,
    },

    /// The image has no pixels.
    #[error("the photo has zero width or height; import it again from the camera")]
    EmptyImage,

    /// An annotation cannot be drawn as it is.
    #[error("annotation {id} is invalid: {problem}")]
    InvalidAnnotation {
        /// Which annotation.
        id: AnnotationId,
        /// What is wrong with it.
        problem: AnnotationProblem,
    },

    /// An edit refers to an annotation that is not there.
    #[error(
        "there is no annotation {0}; it may have been deleted on another device, refresh the drawing"
    )]
    UnknownAnnotation(AnnotationId),

    /// An added annotation's id is already taken.
    #[error("annotation {0} already exists; give the new annotation a fresh AnnotationId::new()")]
    DuplicateAnnotation(AnnotationId),

    /// An edit's parameters are unusable (NaN offsets, a zero-size resize frame, ...).
    #[error("invalid edit: {0}")]
    InvalidEdit(String),

    /// Encoding the flattened image failed.
    #[error(
        "the flattened image could not be encoded ({0}); try PNG instead of JPEG or free memory"
    )]
    Encode(String),
}

/// Why an annotation was rejected by [`Annotation::normalized`](crate::Annotation::normalized).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum AnnotationProblem {
    /// A coordinate, width, size or pressure is NaN or infinite.
    #[error("its {0} is not a finite number; redraw it")]
    NotFinite(&'static str),
    /// A line, arrow, rectangle, ellipse or redaction has no extent.
    #[error("it has zero size; drag further when drawing it, or delete it")]
    ZeroSize,
    /// A freehand stroke without points.
    #[error("the stroke has no points; delete it")]
    NoPoints,
    /// A freehand stroke with more points than the rasterizer accepts.
    #[error("the stroke has {count} points, more than {max}; simplify it with simplify_stroke")]
    TooManyPoints {
        /// Points in the stroke.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// `pressure` is neither empty nor as long as `points`.
    #[error("it has {pressure} pressure values for {points} points; drop the pressure values")]
    PressureMismatch {
        /// Points in the stroke.
        points: usize,
        /// Pressure values.
        pressure: usize,
    },
    /// A stroke width of zero or less.
    #[error("its stroke width {0} is not positive; pick a pen width")]
    NonPositiveWidth(f32),
    /// A text label without visible characters.
    #[error("the text is empty; type a label or delete it")]
    EmptyText,
    /// A text label longer than the limit.
    #[error("the text has {count} characters, more than {max}; shorten it")]
    TextTooLong {
        /// Characters in the text.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// A text size of zero or less.
    #[error("its text size {0} is not positive; pick a text size")]
    NonPositiveTextSize(f32),
}

/// Shorthand for results of this crate.
pub type Result<T, E = AnnotateError> = std::result::Result<T, E>;
