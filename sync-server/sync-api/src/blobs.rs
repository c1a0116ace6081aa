//! Photo blobs over the sync API: upload status and upload requests (their flow is
//! [`server_core::blobs::photo_uploads`]), and originals and their thumbnails for the devices of the
//! officer who took the photo (`access::may_open_original`; each opening of an original is
//! audited). Every other device gets the rendering with the redactions through the case
//! (`case_photos`).

use axum::Json;
use axum::body::Body;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use schema::{CaseDocument, CaseId, PhotoId, Sha256};
use serde::Deserialize;
use sync_protocol::http::{CASES, UploadStatus};

use super::ApiError;
use crate::principal::Caller;
use server_core::kernel::{AppError, blocking};
use server_core::services::AppState;

use server_core::access::{self, Device};
use server_core::store::{AuditEntry, BlobRow, PhotoAccess, audit, now_ms};
use server_core::store::{blobs, documents};

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

/// `GET …/upload`: how much of the blob the server has.
pub async fn status(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(sha): Path<String>,
) -> Result<Json<UploadStatus>, ApiError> {
    let sha = address(&sha)?;
    Ok(Json(state.uploads.status(&principal, &sha).await?))
}

/// `PUT …/upload?offset=N&size=S`: appends the body at `N` (the flow is
/// [`server_core::blobs::photo_uploads`]).
/// An empty body at `N = S` asks the server to finish an upload that has every byte.
pub async fn upload(
    State(state): State<AppState>,
    Caller(principal): Caller,
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
    let status = state
        .uploads
        .receive(principal, sha, offset, size, body)
        .await?;
    Ok(Json(status))
}

async fn photo_access(
    state: &AppState,
    principal: &Device,
    sha: &Sha256,
) -> Result<BlobRow, AppError> {
    let store = state.store.clone();
    let visibility = access::visibility(principal);
    let key = sha.to_string();
    match blocking(move || store.read(|tx| blobs::photo_access(tx, &visibility, &key))).await? {
        PhotoAccess::NotVisible => Err(AppError::NotFound(format!(
            "there is no photo {sha} in a case this device may see"
        ))),
        PhotoAccess::Missing => Err(AppError::PhotoStillUploading(sha.to_string())),
        PhotoAccess::Stored(blob) => Ok(blob),
    }
}

/// The photo `sha` for a device that may have its original: its blob row and a case of it
/// the device sees (for the audit entry). Another device is told where the case's rendering
/// is, which is the only time a document is read here.
async fn original_for(
    state: &AppState,
    device: &Device,
    sha: &Sha256,
) -> Result<(BlobRow, CaseId), AppError> {
    let blob = photo_access(state, device, sha).await?;
    let store = state.store.clone();
    let visibility = access::visibility(device);
    let (key, user) = (sha.to_string(), device.username.clone());
    let (case, uploaded_it) = blocking(move || -> Result<_, AppError> {
        let case = store
            .read(|tx| blobs::photo_cases(tx, &visibility, &key, 1))?
            .into_iter()
            .next();
        Ok((case, store.read(|tx| blobs::uploaded_by(tx, &key, &user))?))
    })
    .await?;
    // Visible a moment ago (`photo_access`); a case edited away since is as good as none.
    let Some(case) = case else {
        return Err(AppError::NotFound(format!(
            "there is no photo {sha} in a case this device may see"
        )));
    };
    if access::may_open_original(device, uploaded_it) {
        return Ok((blob, case));
    }
    let store = state.store.clone();
    let key = sha.to_string();
    let photo = blocking(move || -> Result<Option<PhotoId>, AppError> {
        let Some(bytes) = store.read(|tx| documents::document(tx, case))? else {
            return Ok(None);
        };
        Ok(CaseDocument::load(&bytes)
            .and_then(|d| d.hydrate())
            .ok()
            .and_then(|c| c.photos.into_iter().find(|p| p.sha256 == key))
            .map(|p| p.id))
    })
    .await?;
    Err(AppError::Forbidden(match photo {
        Some(photo) => format!(
            "photo {sha} was taken by someone else: this device gets it with its redactions at \
             {CASES}/{case}/photos/{photo}/rendering"
        ),
        None => format!("photo {sha} was taken by someone else"),
    }))
}

/// `GET /api/v1/blobs/{sha256}`: the original bytes, for a device of the officer who took the
/// photo; the opening is audited before the bytes go out.
pub async fn original(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(sha): Path<String>,
) -> Result<Response, ApiError> {
    let sha = address(&sha)?;
    let (blob, case) = original_for(&state, &principal, &sha).await?;
    let entry = AuditEntry {
        at_ms: now_ms(),
        tenant: principal.tenant.clone(),
        username: principal.username.clone(),
        action: audit::VIEW_ORIGINAL.into(),
        case_id: Some(case),
        detail: format!("device {}: {sha}", principal.device_id),
    };
    let store = state.store.clone();
    blocking(move || store.write(|tx| audit::append(tx, &entry))).await?;
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

/// `GET /api/v1/blobs/{sha256}/thumbnail`: a JPEG of at most 320 px made from the original,
/// for a device of the officer who took the photo; cached on disk.
pub async fn thumbnail(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(sha): Path<String>,
) -> Result<Response, ApiError> {
    let sha = address(&sha)?;
    original_for(&state, &principal, &sha).await?;
    let blobs = state.blobs.clone();
    let bytes = blocking(move || blobs.thumbnail(&sha)).await?;
    Ok(jpeg(bytes))
}

/// A JPEG answer, private to the device and never changing at its address.
pub(super) fn jpeg(bytes: Vec<u8>) -> Response {
    (
        [
            (CONTENT_TYPE, "image/jpeg"),
            (CACHE_CONTROL, "private, max-age=31536000, immutable"),
        ],
        bytes,
    )
        .into_response()
}
