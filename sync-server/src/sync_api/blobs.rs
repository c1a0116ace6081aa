//! Photo blobs: resumable uploads, originals and thumbnails.
//!
//! Upload semantics (`PUT /api/v1/blobs/{sha256}/upload?offset=N&size=S`):
//!
//! - `S` is the size of the whole file, the same on every request for that blob; `N` must
//!   equal what the server has received (`GET …/upload` tells); otherwise 409 with a body
//!   that is both an `ErrorBody` and an `UploadStatus` (`received` is where to resume).
//! - The body's bytes are appended as they arrive, so after a broken connection the bytes
//!   that got through are kept and the tablet resumes from `received`.
//! - When all `S` bytes are there, the server checks the SHA-256 (mismatch: the upload is
//!   discarded, 422 `hash_mismatch`) and that it is a JPEG or PNG photo (422 `not_an_image`),
//!   then stores it and answers `complete: true`.
//! - A blob the server already has answers `complete: true` at once, without reading the
//!   body, if the device may know it is there (`access::may_know_blob`: its tenant uploaded
//!   it, or it may see a case referencing it). Anyone else uploads the bytes like for a new
//!   blob; they are verified as usual and then dropped, the stored blob kept.
//!   `S` over the configured maximum answers 413 before anything is read.
//! - An upload in progress belongs to the device's tenant (`uploads::upload_key`): devices of
//!   the tenant share and resume it; another tenant's device sees nothing of it and uploads
//!   its own copy.

use std::future::poll_fn;
use std::pin::Pin;

use axum::Json;
use axum::body::{Body, Bytes, HttpBody};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use schema::Sha256;
use serde::Deserialize;
use sync_protocol::http::UploadStatus;

use super::ApiError;
use crate::kernel::{AppError, blocking};
use crate::services::AppState;

use crate::access::{self, Device};
use crate::blobs::upload_completion::{Completion, complete_if_received, store_verified};
use crate::blobs::uploads::{PartWriter, RunningHash, upload_key};
use crate::store::PhotoAccess;

/// Query of an upload request.
#[derive(Debug, Deserialize)]
pub struct UploadQuery {
    /// Where the body's bytes start in the file.
    offset: u64,
    /// Size of the whole file.
    size: u64,
}

/// The address in a request's path, checked once here.
fn address(sha: &str) -> Result<Sha256, AppError> {
    sha.parse().map_err(|_| {
        AppError::BadRequest(format!(
            "`{sha}` is not a SHA-256; blobs are addressed by 64 lower-case hex digits"
        ))
    })
}

/// What the server has of the blob for this device. An upload whose bytes have all arrived
/// but which was never finished (the server stopped, or the request broke off, between its
/// last byte and the move into place) is finished now, so whoever asks next moves it on.
async fn current_status(
    state: &AppState,
    principal: &Device,
    sha: &Sha256,
) -> Result<UploadStatus, AppError> {
    let store = state.store.clone();
    let blobs = state.blobs.clone();
    let uploads = state.uploads.clone();
    let key = upload_key(&principal.tenant, sha);
    let tenant = principal.tenant.clone();
    let sha = sha.clone();
    let visibility = access::visibility(principal);
    blocking(move || -> Result<UploadStatus, AppError> {
        let facts = store.blob_facts(&visibility, sha.as_str())?;
        if let Some(blob) = facts
            .blob
            .as_ref()
            .filter(|_| access::may_know_blob(&facts))
        {
            return Ok(UploadStatus {
                received: blob.size,
                complete: true,
            });
        }
        match complete_if_received(store.as_ref(), &blobs, &uploads, &key, &sha, &tenant)? {
            Completion::Stored(blob) => {
                tracing::info!(sha256 = %sha, size = blob.size, "photo stored on a later request");
                return Ok(UploadStatus {
                    received: blob.size,
                    complete: true,
                });
            }
            Completion::Discarded(why) => {
                tracing::warn!(sha256 = %sha, "a fully received upload was discarded: {why}");
            }
            Completion::Incomplete | Completion::Busy => {}
        }
        Ok(UploadStatus {
            received: blobs.received(&key)?,
            complete: false,
        })
    })
    .await
}

/// `GET …/upload`: how much of the blob the server has.
pub async fn status(
    State(state): State<AppState>,
    principal: Device,
    Path(sha): Path<String>,
) -> Result<Json<UploadStatus>, ApiError> {
    let sha = address(&sha)?;
    Ok(Json(current_status(&state, &principal, &sha).await?))
}

/// `PUT …/upload?offset=N&size=S`: appends the body at `N`; see the module documentation.
/// An empty body at `N = S` asks the server to finish an upload that has every byte.
pub async fn upload(
    State(state): State<AppState>,
    principal: Device,
    Path(sha): Path<String>,
    query: Result<Query<UploadQuery>, QueryRejection>,
    body: Body,
) -> Result<Json<UploadStatus>, ApiError> {
    let sha = address(&sha)?;
    if !access::may_upload(&principal) {
        return Err(AppError::Forbidden(format!(
            "the role `{}` may not upload photos",
            principal.role
        ))
        .into());
    }
    let Query(UploadQuery { offset, size }) = query.map_err(|e| {
        AppError::BadRequest(format!(
            "an upload needs `?offset=N&size=S` (bytes already sent, whole file size): {}",
            e.body_text()
        ))
    })?;
    let max = state.config.max_blob_bytes;
    if size > max {
        return Err(AppError::PayloadTooLarge(format!(
            "the photo has {size} bytes, more than the {max} allowed; reduce its resolution"
        ))
        .into());
    }
    if size == 0 {
        return Err(AppError::BadRequest("an empty file is not a photo".into()).into());
    }
    // A task of its own, not the request's future: when the tablet goes away right after its
    // last byte, the server drops the request's future, and the upload must still be
    // finished rather than left with every byte received and nobody to finish it.
    tokio::spawn(receive(state, principal, sha, offset, size, body))
        .await
        .map_err(|e| AppError::Internal(format!("the upload stopped unexpectedly: {e}")))?
        .map(Json)
        .map_err(ApiError)
}

/// Receives one upload request's body and, when it brings the last byte, finishes the
/// upload.
async fn receive(
    state: AppState,
    principal: Device,
    sha: Sha256,
    offset: u64,
    size: u64,
    body: Body,
) -> Result<UploadStatus, AppError> {
    let status = current_status(&state, &principal, &sha).await?;
    if status.complete {
        return Ok(status); // deduplicated: the server has these bytes already
    }
    let key = upload_key(&principal.tenant, &sha);
    let Some(_in_flight) = state.uploads.acquire(&key) else {
        return Err(AppError::UploadConflict {
            message: "another upload of this photo is in progress; ask for the status and retry"
                .into(),
            status,
        });
    };

    // Register the upload; a different total size than before means the earlier bytes were
    // for some other claim about this blob, so they are dropped and the upload starts over.
    let received = {
        let store = state.store.clone();
        let blobs = state.blobs.clone();
        let (key, device) = (key.clone(), principal.device_id.clone());
        blocking(move || -> Result<u64, AppError> {
            let declared = store.upload_size(&key)?;
            if declared.is_some_and(|d| d != size) {
                blobs.discard_upload(&key)?;
            }
            let received = blobs.received(&key)?;
            if declared != Some(size) || received == 0 {
                store.put_upload(&key, size, &device)?;
            }
            Ok(received)
        })
        .await?
    };
    if offset != received {
        return Err(AppError::UploadConflict {
            message: format!(
                "the server has received {received} bytes of this photo, but the request starts \
                 at {offset}; resume from {received}"
            ),
            status: UploadStatus {
                received,
                complete: false,
            },
        });
    }

    let hash = append_body(&state, &key, body, received, size).await?;
    if hash.len() < size {
        let received = hash.len();
        state.uploads.keep_hash(&key, hash);
        return Ok(UploadStatus {
            received,
            complete: false,
        });
    }

    let store = state.store.clone();
    let blobs = state.blobs.clone();
    let actual = hash.address();
    let tenant = principal.tenant.clone();
    blocking(move || -> Result<(), AppError> {
        let blob = store_verified(store.as_ref(), &blobs, &key, &sha, &actual, &tenant)?;
        // From now on the uploader's tenant is told the blob is here.
        tracing::info!(sha256 = %sha, size = blob.size, "photo stored");
        Ok(())
    })
    .await?;
    Ok(UploadStatus {
        received: size,
        complete: true,
    })
}

/// Frames of a body on their way to the [`PartWriter`]; a few, so the next frames arrive
/// while earlier ones are written and hashed.
const FRAMES_IN_FLIGHT: usize = 16;

/// Appends the body to the file of upload `key` as it arrives, hashing it on the way
/// ([`PartWriter`]); returns the running hash of everything now received. Bytes that arrived
/// before a broken connection are kept, and so is their hash, for the next request.
async fn append_body(
    state: &AppState,
    key: &str,
    mut body: Body,
    received: u64,
    size: u64,
) -> Result<RunningHash, AppError> {
    let path = state.blobs.upload_path(key);
    let known = state.uploads.take_hash(key, received);
    let (frames, mut to_write) = tokio::sync::mpsc::channel::<Bytes>(FRAMES_IN_FLIGHT);
    let writer = tokio::task::spawn_blocking(move || -> std::io::Result<RunningHash> {
        let mut writer = PartWriter::open(&path, received, known)?;
        while let Some(bytes) = to_write.blocking_recv() {
            writer.write(bytes)?;
        }
        let complete = writer.len() >= size;
        writer.finish(complete)
    });

    let mut total = received;
    let outcome = loop {
        let Some(frame) = poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await else {
            break Ok(());
        };
        let data = match frame {
            Ok(frame) => match frame.into_data() {
                Ok(data) => data,
                Err(_) => continue, // trailers
            },
            Err(e) => {
                break Err(AppError::BadRequest(format!(
                    "the upload broke off after {total} bytes ({e}); resume from there"
                )));
            }
        };
        let len = u64::try_from(data.len()).unwrap_or(u64::MAX);
        if total.saturating_add(len) > size {
            break Err(AppError::BadRequest(format!(
                "the body carries more bytes than the declared size {size}; the server keeps the \
                 first {total}"
            )));
        }
        if frames.send(data).await.is_err() {
            break Ok(()); // the writer stopped on an error, which it returns below
        }
        total += len;
    };
    drop(frames);
    let written = writer
        .await
        .map_err(|e| AppError::Internal(format!("the upload writer stopped unexpectedly: {e}")));
    match (outcome, written) {
        (_, Err(e)) => Err(e),
        (_, Ok(Err(e))) => {
            // The file may now hold bytes the hash does not cover: start this photo over.
            state.uploads.forget_hash(key);
            state.blobs.discard_upload(key)?;
            Err(e.into())
        }
        (Ok(()), Ok(Ok(hash))) => Ok(hash),
        // Every byte is here, although the request broke off before its end (the tablet went
        // away right after its last byte): the upload is finished all the same.
        (Err(_), Ok(Ok(hash))) if hash.len() >= size => Ok(hash),
        (Err(e), Ok(Ok(hash))) => {
            state.uploads.keep_hash(key, hash);
            Err(e)
        }
    }
}

async fn photo_access(
    state: &AppState,
    principal: &Device,
    sha: &Sha256,
) -> Result<crate::store::BlobRow, AppError> {
    let store = state.store.clone();
    let visibility = access::visibility(principal);
    let key = sha.to_string();
    match blocking(move || store.photo_access(&visibility, &key)).await? {
        PhotoAccess::NotVisible => Err(AppError::NotFound(format!(
            "there is no photo {sha} in a case this device may see"
        ))),
        PhotoAccess::Missing => Err(AppError::PhotoStillUploading(sha.to_string())),
        PhotoAccess::Stored(blob) => Ok(blob),
    }
}

/// `GET /api/v1/blobs/{sha256}`: the original bytes, for a device that may see a case
/// referencing the photo.
pub async fn original(
    State(state): State<AppState>,
    principal: Device,
    Path(sha): Path<String>,
) -> Result<Response, ApiError> {
    let sha = address(&sha)?;
    let blob = photo_access(&state, &principal, &sha).await?;
    let blobs = state.blobs.clone();
    let bytes = blocking(move || blobs.read(&sha)).await?;
    Ok((
        [
            (CONTENT_TYPE, blob.mime),
            (CACHE_CONTROL, "private, max-age=31536000, immutable".into()),
        ],
        bytes,
    )
        .into_response())
}

/// `GET /api/v1/blobs/{sha256}/thumbnail`: a JPEG of at most 320 px, cached on disk.
pub async fn thumbnail(
    State(state): State<AppState>,
    principal: Device,
    Path(sha): Path<String>,
) -> Result<Response, ApiError> {
    let sha = address(&sha)?;
    photo_access(&state, &principal, &sha).await?;
    let blobs = state.blobs.clone();
    let bytes = blocking(move || blobs.thumbnail(&sha)).await?;
    Ok((
        [
            (CONTENT_TYPE, "image/jpeg"),
            (CACHE_CONTROL, "private, max-age=31536000, immutable"),
        ],
        bytes,
    )
        .into_response())
}
