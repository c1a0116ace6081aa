//! Photos for the back office, authorized by the staff session (not a device token):
//! thumbnails and originals of photos referenced by a case of the user's tenant, and the
//! annotated copy of one photo of a case, rendered with `annotate::flatten` on request and
//! cached on disk under `DATA_DIR/annotated/` by the photo's hash and a hash of its
//! annotation list (a changed drawing is a new file; the original is never touched).

use std::io::Write;
use std::path::PathBuf;

use annotate::{DecodeLimits, ExportFormat, FlattenOptions};
use axum::extract::{Path, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use schema::Sha256;
use sha2::Digest;

use super::i18n::texts;
use super::load::load_case;
use super::session::Session;
use crate::access::{self, StaffAction};
use crate::backoffice::{InPage, PageError};
use crate::kernel::{AppError, blocking};
use crate::services::AppState;

use crate::store::{BlobRow, PhotoAccess};

/// Quality of annotated copies.
const ANNOTATED_QUALITY: u8 = 90;

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
    match blocking(move || store.photo_access(&visibility, &key)).await? {
        PhotoAccess::NotVisible => Err(not_found()),
        PhotoAccess::Missing => Err(AppError::PhotoStillUploading(sha.to_string())),
        PhotoAccess::Stored(blob) => Ok((address, blob)),
    }
}

/// `GET /backoffice/photos/{sha256}/thumbnail`.
pub async fn thumbnail(
    State(state): State<AppState>,
    session: Session,
    Path(sha): Path<String>,
) -> Result<Response, PageError> {
    let lang = session.lang;
    async {
        let (sha, _) = visible_blob(&state, &session, &sha).await?;
        let blobs = state.blobs.clone();
        let bytes = blocking(move || blobs.thumbnail(&sha)).await?;
        Ok(image("image/jpeg".into(), bytes))
    }
    .await
    .map_err(|e: AppError| e.in_page(lang))
}

/// `GET /backoffice/photos/{sha256}`: the original.
pub async fn original(
    State(state): State<AppState>,
    session: Session,
    Path(sha): Path<String>,
) -> Result<Response, PageError> {
    let lang = session.lang;
    async {
        let (sha, blob) = visible_blob(&state, &session, &sha).await?;
        let blobs = state.blobs.clone();
        let bytes = blocking(move || blobs.read(&sha)).await?;
        Ok(image(blob.mime, bytes))
    }
    .await
    .map_err(|e: AppError| e.in_page(lang))
}

/// Where the annotated copy of `sha` with annotations hashing to `drawing` is cached.
fn cache_path(state: &AppState, sha: &Sha256, drawing: &str) -> PathBuf {
    let (prefix, rest) = sha.as_str().split_at(2);
    state
        .config
        .data_dir
        .join("annotated")
        .join(prefix)
        .join(format!("{rest}-{drawing}.jpg"))
}

/// `GET /backoffice/cases/{id}/photos/{photo_id}/annotated`: the photo with its drawings
/// (redactions first) at full resolution, as JPEG.
pub async fn annotated(
    State(state): State<AppState>,
    session: Session,
    Path((id, photo_id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let lang = session.lang;
    async {
        let not_found = || AppError::NotFound(texts(lang).error_not_found.into());
        let loaded = load_case(&state, &session, &id, StaffAction::View).await?;
        let photo = loaded
            .case
            .photos
            .iter()
            .find(|p| p.id.to_string() == photo_id)
            .cloned()
            .ok_or_else(not_found)?;
        let (sha, _) = visible_blob(&state, &session, &photo.sha256).await?;
        let bytes = annotated_jpeg(&state, sha, photo.annotations).await?;
        Ok(image("image/jpeg".into(), bytes))
    }
    .await
    .map_err(|e: AppError| e.in_page(lang))
}

/// The annotated copy of the stored photo `sha` with `annotations` (redactions first), from
/// the cache or rendered and cached now. The caller has checked that the user may see it.
///
/// # Errors
/// A photo that does not decode, file access under the data directory.
pub async fn annotated_jpeg(
    state: &AppState,
    sha: Sha256,
    annotations: Vec<annotate::Annotation>,
) -> Result<Vec<u8>, AppError> {
    let drawing = serde_json::to_vec(&annotations)
        .map_err(|e| AppError::Internal(format!("annotations do not serialize: {e}")))?;
    let path = cache_path(state, &sha, &hex::encode(sha2::Sha256::digest(&drawing)));
    let blobs = state.blobs.clone();
    blocking(move || -> Result<Vec<u8>, AppError> {
        if let Ok(bytes) = std::fs::read(&path) {
            return Ok(bytes);
        }
        let original = blobs.read(&sha)?;
        let options = FlattenOptions {
            format: ExportFormat::Jpeg {
                quality: ANNOTATED_QUALITY,
            },
            limits: DecodeLimits::default(),
        };
        let jpeg = annotate::flatten(&original, &annotations, options)
            .map_err(|e| AppError::Internal(format!("photo {sha} does not flatten: {e}")))?;
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        // Write beside the target and rename, so a reader never sees half a file.
        let temp = path.with_extension("jpg.tmp");
        std::fs::File::create(&temp)?.write_all(&jpeg)?;
        std::fs::rename(&temp, &path)?;
        Ok(jpeg)
    })
    .await
}
