//! A case's photos as every device that sees the case gets them: the rendering with the
//! drawings and redactions (`blobs::renderings`), full size and as a thumbnail
//! (`GET /api/v1/cases/{id}/photos/{photo_id}/rendering`, `…/thumbnail`). The unredacted
//! original is only for the officer who took the photo (`blobs.rs`).

use axum::extract::{Path, State};
use axum::response::Response;
use schema::{CaseDocument, CaseId, Photo, Sha256};

use super::ApiError;
use super::blobs::jpeg;
use crate::principal::Caller;
use server_core::access::{self, Device, FORBIDDEN_DETAIL};
use server_core::kernel::{AppError, blocking};
use server_core::services::AppState;
use server_core::store::{blobs, cases, documents};

/// The photo `photo_id` of case `id`, if the device sees the case, with its address; its
/// bytes must be on the server.
async fn case_photo(
    state: &AppState,
    device: &Device,
    id: &str,
    photo_id: &str,
) -> Result<(Sha256, Photo), AppError> {
    let not_found = || AppError::NotFound(FORBIDDEN_DETAIL.into());
    let id: CaseId = id.parse().map_err(|_| not_found())?;
    let store = state.store.clone();
    let device = device.clone();
    let photo_id = photo_id.to_string();
    let photo = blocking(move || -> Result<Photo, AppError> {
        let access = store.read(|tx| cases::access(tx, &[id]))?;
        if !access.get(&id).is_some_and(|c| access::may_see(&device, c)) {
            return Err(not_found());
        }
        let bytes = store
            .read(|tx| documents::document(tx, id))?
            .ok_or_else(not_found)?;
        let case = CaseDocument::load(&bytes)
            .and_then(|d| d.hydrate())
            .map_err(|e| AppError::Internal(format!("case {id} does not load: {e}")))?;
        let photo = case
            .photos
            .into_iter()
            .find(|p| p.id.to_string() == photo_id)
            .ok_or_else(|| AppError::NotFound(format!("case {id} has no photo {photo_id}")))?;
        if store.read(|tx| blobs::find(tx, &photo.sha256))?.is_none() {
            return Err(AppError::PhotoStillUploading(photo.sha256));
        }
        Ok(photo)
    })
    .await?;
    let sha = photo
        .sha256
        .parse()
        .map_err(|_| AppError::PhotoStillUploading(photo.sha256.clone()))?;
    Ok((sha, photo))
}

/// The rendering of the photo, full size or as a thumbnail.
async fn rendered(
    state: &AppState,
    principal: &Device,
    (id, photo_id): (String, String),
    thumbnail: bool,
) -> Result<Response, ApiError> {
    let (sha, photo) = case_photo(state, principal, &id, &photo_id).await?;
    let blobs = state.blobs.clone();
    let bytes = blocking(move || {
        if thumbnail {
            blobs.rendering_thumbnail(&sha, &photo.annotations)
        } else {
            blobs.rendering(&sha, &photo.annotations)
        }
    })
    .await?;
    Ok(jpeg(bytes))
}

/// `GET …/rendering`: the photo with its drawings, redactions first, at full size (JPEG).
pub async fn rendering(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(path): Path<(String, String)>,
) -> Result<Response, ApiError> {
    rendered(&state, &principal, path, false).await
}

/// `GET …/thumbnail`: the rendering reduced to at most 320 px.
pub async fn thumbnail(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(path): Path<(String, String)>,
) -> Result<Response, ApiError> {
    rendered(&state, &principal, path, true).await
}
