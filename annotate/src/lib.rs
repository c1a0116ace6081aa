//! Drawing on inspection photos.
//!
//! Officers circle, point at and label what they saw; bystanders' faces and licence plates are
//! redacted. This crate keeps those drawings as plain vector data ([`Annotation`]) in
//! coordinates normalized to the image (0..1 on both axes, after EXIF orientation), so they
//! are independent of resolution and screen, merge as data, and stay editable. The original
//! photo is never rewritten; a flattened copy is rendered on demand.
//!
//! This crate is a leaf: it knows nothing of templates, cases, the tablet or the server.
//! `schema` embeds [`Annotation`] in the case document.

mod model;

pub use model::{
    Annotation, AnnotationId, NormPoint, NormRect, RedactionMethod, RedactionOutline, Rgba,
    Shape, Style,
};
