//! A form as it was sent: its fields as pairs, and — from a form with photo inputs, which
//! browsers send as `multipart/form-data` — the photos, each taken in as it arrives
//! (`photo_intake.rs`), so that a form holds at most one photo's bytes at a time.
//!
//! A photo input is named `{field}.photos`. A file larger than a photo may be is read to its
//! end and dropped, and so is every file past the most a request may bring: the form's
//! other fields after it still arrive, and the form comes back with what is wrong.

use std::collections::BTreeSet;
use std::sync::Arc;

use axum::extract::{FromRequest, Multipart, Request};
use axum::http::header::CONTENT_TYPE;
use server_core::blobs::BlobStore;
use server_core::kernel::AppError;
use server_core::services::citizen_photos::{
    MAX_PHOTO_BYTES, MAX_PHOTOS_PER_REQUEST, PhotoRefused,
};

use crate::photo_intake::{PhotoIntake, TakenPhoto};

/// The most text one field of a form may hold, in bytes (a long description is a few KiB).
const MAX_TEXT_BYTES: usize = 64 * 1024;

/// The most fields (inputs) a form may send.
const MAX_FIELDS: usize = 1_000;

/// The largest body a form with photos may have: every photo at its largest, and room for
/// the text.
pub const MAX_FORM_BYTES: usize = MAX_PHOTOS_PER_REQUEST * MAX_PHOTO_BYTES + 1024 * 1024;

/// The largest body a form without files may have.
const MAX_PLAIN_FORM_BYTES: usize = 1024 * 1024;

/// The suffix of a photo input's name.
pub const PHOTO_INPUT: &str = ".photos";

/// What went wrong with one file.
#[derive(Debug, Clone, PartialEq)]
pub enum FileProblem {
    /// It is no photo that can be kept.
    Refused(PhotoRefused),
    /// It came after the most photos one request may bring.
    OneTooMany,
}

/// A file that was not taken, with the field it was sent for.
#[derive(Debug, Clone, PartialEq)]
pub struct RefusedFile {
    /// The service's field.
    pub field: String,
    /// The name the browser gave the file (shown to the citizen only).
    pub file_name: String,
    /// Why.
    pub problem: FileProblem,
}

/// A form as sent.
#[derive(Debug, Default)]
pub struct SentForm {
    /// The text fields, in order.
    pub pairs: Vec<(String, String)>,
    /// The photos taken in, in order.
    pub photos: Vec<TakenPhoto>,
    /// The files that were not.
    pub refused: Vec<RefusedFile>,
}

impl SentForm {
    /// The first value sent for `name`, or `""`.
    pub fn value(&self, name: &str) -> &str {
        self.pairs
            .iter()
            .find(|(key, _)| key == name)
            .map_or("", |(_, value)| value.as_str())
    }

    /// Every value sent for `name`.
    pub fn values(&self, name: &str) -> impl Iterator<Item = &str> {
        self.pairs
            .iter()
            .filter(move |(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

/// Reads `request`'s form, taking in the photos of `photo_fields` with `intake` — unless
/// `take_photos` is false (a post that cannot be the portal's own form), whose files are
/// read past and dropped.
///
/// # Errors
/// [`AppError::UnsupportedMediaType`] for a body of another type, [`AppError::BadRequest`]
/// for a body that is no form, [`AppError::PayloadTooLarge`] past
/// [`MAX_FORM_BYTES`], and the intake's failures.
pub async fn read(
    request: Request,
    blobs: &Arc<BlobStore>,
    intake: &PhotoIntake,
    photo_fields: &BTreeSet<String>,
    take_photos: bool,
) -> Result<SentForm, AppError> {
    let content_type = request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let multipart = content_type.starts_with("multipart/form-data");
    if !multipart && !content_type.starts_with("application/x-www-form-urlencoded") {
        return Err(AppError::UnsupportedMediaType(
            "a form is sent as application/x-www-form-urlencoded or multipart/form-data".into(),
        ));
    }
    if !multipart {
        // A form without files is small: read under a limit of its own, not the one that
        // leaves room for photos.
        let body = axum::body::to_bytes(request.into_body(), MAX_PLAIN_FORM_BYTES)
            .await
            .map_err(|_| {
                AppError::PayloadTooLarge(format!(
                    "the form is larger than {} KiB",
                    MAX_PLAIN_FORM_BYTES / 1024
                ))
            })?;
        let pairs = serde_urlencoded::from_bytes(&body)
            .map_err(|e| AppError::BadRequest(format!("the form could not be read: {e}")))?;
        return Ok(SentForm {
            pairs,
            ..SentForm::default()
        });
    }
    let mut parts = Multipart::from_request(request, &()).await.map_err(|e| {
        AppError::BadRequest(format!("the form could not be read: {}", e.body_text()))
    })?;
    let mut form = SentForm::default();
    let mut files = 0usize;
    while let Some(mut part) = parts.next_field().await.map_err(unreadable)? {
        if form.pairs.len() + files >= MAX_FIELDS {
            return Err(AppError::BadRequest(format!(
                "the form has more than {MAX_FIELDS} fields"
            )));
        }
        let name = part.name().unwrap_or_default().to_string();
        let Some(file_name) = part.file_name().map(str::to_string) else {
            let text = read_text(&mut part).await?;
            form.pairs.push((name, text));
            continue;
        };
        let field = name
            .strip_suffix(PHOTO_INPUT)
            .unwrap_or_default()
            .to_string();
        if !take_photos || !photo_fields.contains(&field) {
            drain(&mut part).await?;
            continue;
        }
        let bytes = read_file(&mut part).await?;
        match bytes {
            // A photo input with no file chosen.
            Ok(bytes) if bytes.is_empty() && file_name.is_empty() => continue,
            Ok(_) if files >= MAX_PHOTOS_PER_REQUEST => form.refused.push(RefusedFile {
                field,
                file_name,
                problem: FileProblem::OneTooMany,
            }),
            Ok(bytes) => {
                files += 1;
                match intake.take(blobs, &field, bytes).await? {
                    Ok(photo) => form.photos.push(photo),
                    Err(refused) => form.refused.push(RefusedFile {
                        field,
                        file_name,
                        problem: FileProblem::Refused(refused),
                    }),
                }
            }
            Err(refused) => form.refused.push(RefusedFile {
                field,
                file_name,
                problem: FileProblem::Refused(refused),
            }),
        }
    }
    Ok(form)
}

fn unreadable(e: axum::extract::multipart::MultipartError) -> AppError {
    match e.status() {
        axum::http::StatusCode::PAYLOAD_TOO_LARGE => AppError::PayloadTooLarge(format!(
            "the form is larger than {} MB; send fewer or smaller photos",
            MAX_FORM_BYTES / (1024 * 1024)
        )),
        _ => AppError::BadRequest(format!("the form could not be read: {}", e.body_text())),
    }
}

async fn read_text(part: &mut axum::extract::multipart::Field<'_>) -> Result<String, AppError> {
    let mut text = Vec::new();
    while let Some(chunk) = part.chunk().await.map_err(unreadable)? {
        if text.len() + chunk.len() > MAX_TEXT_BYTES {
            return Err(AppError::PayloadTooLarge(format!(
                "a field of the form holds more than {} KiB of text",
                MAX_TEXT_BYTES / 1024
            )));
        }
        text.extend_from_slice(&chunk);
    }
    String::from_utf8(text)
        .map_err(|_| AppError::BadRequest("a field of the form is not UTF-8 text".into()))
}

/// A file's bytes, or — past [`MAX_PHOTO_BYTES`] — its size, the rest read and dropped.
async fn read_file(
    part: &mut axum::extract::multipart::Field<'_>,
) -> Result<Result<Vec<u8>, PhotoRefused>, AppError> {
    let mut bytes = Vec::new();
    let mut size = 0usize;
    while let Some(chunk) = part.chunk().await.map_err(unreadable)? {
        size = size.saturating_add(chunk.len());
        if size > MAX_PHOTO_BYTES {
            bytes = Vec::new();
        } else {
            bytes.extend_from_slice(&chunk);
        }
    }
    if size > MAX_PHOTO_BYTES {
        return Ok(Err(PhotoRefused::TooLarge {
            bytes: size,
            max: MAX_PHOTO_BYTES,
        }));
    }
    Ok(Ok(bytes))
}

async fn drain(part: &mut axum::extract::multipart::Field<'_>) -> Result<(), AppError> {
    while part.chunk().await.map_err(unreadable)?.is_some() {}
    Ok(())
}
