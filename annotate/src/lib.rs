//! Drawing on inspection photos.
//!
//! Officers circle, point at and label what they saw; bystanders' faces and licence plates are
//! redacted. This crate keeps those drawings as plain vector data ([`Annotation`]) in
//! coordinates normalized to the image (0..1 on both axes, after EXIF orientation), so they
//! are independent of resolution and screen, merge as data, and stay editable. The original
//! photo is never rewritten; a flattened copy is rendered on demand.
//!
//! This crate is a leaf: it knows nothing of templates, cases, the tablet or the server.
//! `schema` embeds [`Annotation`] in the case document, using the crate without its `raster`
//! feature (steps 1 and 2 below), so the domain model pulls in no image decoding; the
//! tablet and the server turn `raster` on for steps 3 and 4.
//!
//! # Workflow
//!
//! 1. **Model** ([`Annotation`], [`Shape`], [`Style`]): what is stored and synced.
//!    [`Annotation::normalized`] repairs what can be repaired (coordinates off the image,
//!    widths out of range) and rejects the rest (NaN, zero size, empty text) — run it on
//!    anything that arrives from another device.
//! 2. **Edit** ([`Editor`], [`Edit`], [`History`]): the canvas turns gestures into edits —
//!    add, move, resize, move one point, retype a label, recolour, delete, bring to front —
//!    and gets back a [`Change`] to mirror into the case document. Undo/redo history is
//!    serde data and survives a restart. [`hit_test`] finds what a finger touched;
//!    [`simplify_stroke`] thins raw pen input before a freehand stroke is added.
//! 3. **Photo** ([`photo`]): [`photo::inspect`] reads size, EXIF orientation, capture time
//!    and GPS without decoding; [`photo::decode`] gives the oriented full-resolution image;
//!    [`photo::thumbnail`] and [`photo::preview`] downscale JPEGs while decoding;
//!    [`ContentAddress`] names the original bytes. Oversized images are refused before any
//!    pixel memory is allocated.
//! 4. **Raster** ([`flatten`], [`render`]): redactions destroy their pixels first, then the
//!    annotations are drawn with the exact mapping documented in [`geometry`], which the
//!    canvas reuses, and the result is encoded as JPEG or PNG.
//!
//! Every failure is an [`AnnotateError`] whose message says what to do; nothing here
//! panics on input from users, files or other devices.

mod edit;
mod error;
pub mod geometry;
#[cfg(feature = "raster")]
mod hit;
#[cfg(feature = "raster")]
mod metadata;
mod model;
#[cfg(feature = "raster")]
pub mod photo;
#[cfg(feature = "raster")]
mod raster;
#[cfg(feature = "raster")]
mod redact;
mod simplify;
#[cfg(feature = "raster")]
mod text;
mod validate;

pub use edit::{Change, Edit, Editor, HISTORY_LIMIT, History};
pub use error::{AnnotateError, AnnotationProblem, Result};
#[cfg(feature = "raster")]
pub use hit::hit_test;
#[cfg(feature = "raster")]
pub use metadata::{CaptureTime, GpsPosition};
pub use model::{
    Annotation, AnnotationId, NormPoint, NormRect, RedactionMethod, RedactionOutline, Rgba, Shape,
    Style, paint_order,
};
#[cfg(feature = "raster")]
pub use photo::{ContentAddress, DecodeLimits, ExportFormat, PhotoFormat, PhotoInfo};
#[cfg(feature = "raster")]
pub use raster::{FlattenOptions, flatten, render};
pub use simplify::{DEFAULT_TOLERANCE, simplify_stroke};
#[cfg(feature = "raster")]
pub use text::{embedded_font, text_bounds};
pub use validate::{
    MAX_FREEHAND_POINTS, MAX_STROKE_WIDTH, MAX_TEXT_CHARS, MAX_TEXT_SIZE, MIN_STROKE_WIDTH,
    MIN_TEXT_SIZE,
};
