//! Photos of a case for the back office, authorized by the staff session (not a device
//! token): for everyone who may see the case, the thumbnail and the full-size rendering with
//! the drawings, redactions first (`blobs::renderings`); the unredacted original only for a
//! role its tenant's admins granted it (`access`), each opening audited.

use axum::extract::{Path, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use schema::{CaseId, Sha256};

use super::audit::{self, Action};
use super::i18n::texts;
use super::load::visible_row;
use super::session::Session;
use crate::{InPage, PageError};
use server_core::access::{self, StaffAction};
use server_core::kernel::{AppError, blocking};
use server_core::services::AppState;

use server_core::store::blobs;
use server_core::store::{BlobRow, PhotoAccess};

fn image(mime: String, bytes: Vec<u8>) -> Response {
    (
        [
            (CONTENT_TYPE, mime),
            // Private: staff pages only; never in a shared cache.
            (CACHE_CONTROL, "private, max-age=3600".to_string()),
        ],
        bytes,
    )
        .into_response()
}

/// The address `sha` (from a path or a stored document) and its blob, if a case of the
/// user's tenant references it and its bytes are there. A text that is no address is a
/// photo that is not there.
async fn visible_blob(
    state: &AppState,
    session: &Session,
    sha: &str,
) -> Result<(Sha256, BlobRow), AppError> {
    let not_found = || AppError::NotFound(texts(session.lang).error_not_found.into());
    let address: Sha256 = sha.parse().map_err(|_| not_found())?;
    let store = state.store.clone();
    let visibility = access::staff_visibility(&session.staff);
    let key = sha.to_string();
    match blocking(move || store.read(|tx| blobs::photo_access(tx, &visibility, &key))).await? {
        PhotoAccess::NotVisible => Err(not_found()),
        PhotoAccess::Missing => Err(AppError::PhotoStillUploading(sha.to_string())),
        PhotoAccess::Stored(blob) => Ok((address, blob)),
    }
}

/// The photo `photo_id` of case `id`, for `action`, with its stored address and blob.
async fn case_photo(
    state: &AppState,
    session: &Session,
    id: &str,
    photo_id: &str,
    action: StaffAction,
) -> Result<(CaseId, schema::Photo, Sha256, BlobRow), AppError> {
    let not_found = || AppError::NotFound(texts(session.lang).error_not_found.into());
    let row = visible_row(state, session, id, action).await?;
    // Through the cache of hydrated cases: a case page asks for each photo separately.
    let (store, cache, case_id) = (state.store.clone(), state.cases.clone(), row.id);
    let case = blocking(move || cache.case(store.as_ref(), case_id))
        .await?
        .ok_or_else(not_found)?;
    let photo = case
        .photos
        .iter()
        .find(|p| p.id.to_string() == photo_id)
        .cloned()
        .ok_or_else(not_found)?;
    let (sha, blob) = visible_blob(state, session, &photo.sha256).await?;
    Ok((case.id, photo, sha, blob))
}

/// The rendering of a photo of a case, full size or as a thumbnail, for everyone who may
/// see the case.
async fn rendered(
    state: &AppState,
    session: &Session,
    (id, photo_id): (String, String),
    thumbnail: bool,
) -> Result<Response, PageError> {
    async {
        let (_, photo, sha, _) =
            case_photo(state, session, &id, &photo_id, StaffAction::View).await?;
        let blobs = state.blobs.clone();
        let bytes = blocking(move || {
            if thumbnail {
                blobs.rendering_thumbnail(&sha, &photo.annotations)
            } else {
                blobs.rendering(&sha, &photo.annotations)
            }
        })
        .await?;
        Ok(image("image/jpeg".into(), bytes))
    }
    .await
    .map_err(|e: AppError| e.in_page(session.lang))
}

/// `GET /backoffice/cases/{id}/photos/{photo_id}/thumbnail`: the thumbnail of the rendering
/// with the drawings and redactions.
pub async fn thumbnail(
    State(state): State<AppState>,
    session: Session,
    Path(path): Path<(String, String)>,
) -> Result<Response, PageError> {
    rendered(&state, &session, path, true).await
}

/// `GET /backoffice/cases/{id}/photos/{photo_id}/annotated`: the photo with its drawings
/// (redactions first) at full resolution, as JPEG.
pub async fn annotated(
    State(state): State<AppState>,
    session: Session,
    Path(path): Path<(String, String)>,
) -> Result<Response, PageError> {
    rendered(&state, &session, path, false).await
}

/// `GET /backoffice/cases/{id}/photos/{photo_id}/original`: the unredacted original, for a
/// role granted it; every opening is audited before the bytes go out.
pub async fn original(
    State(state): State<AppState>,
    session: Session,
    Path((id, photo_id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let lang = session.lang;
    async {
        let (case, photo, sha, blob) =
            case_photo(&state, &session, &id, &photo_id, StaffAction::ViewOriginal).await?;
        audit::record(
            &state,
            &session.staff,
            Action::ViewOriginal,
            Some(case),
            format!("{} ({sha})", photo.id),
        )
        .await?;
        let blobs = state.blobs.clone();
        let bytes = blocking(move || blobs.read(&sha)).await?;
        Ok(image(blob.mime, bytes))
    }
    .await
    .map_err(|e: AppError| e.in_page(lang))
}
