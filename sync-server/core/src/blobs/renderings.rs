//! Renderings of a photo with its drawings — redactions first (`annotate::flatten`) — full
//! size and as a thumbnail: what everyone sees of a photo who is not allowed its original
//! (`access`). Made on request and cached under `DATA_DIR/annotated/ab/cdef…-<drawing>.jpg`
//! by the photo's address and a hash of its annotation list, so a changed drawing is a new
//! file and the original is never touched.

use std::io::Write;
use std::path::{Path, PathBuf};

use annotate::photo::{self, DecodeLimits, ExportFormat};
use annotate::{Annotation, FlattenOptions};
use schema::Sha256;
use sha2::Digest;

use super::{BlobStore, THUMBNAIL_QUALITY, ThumbnailError};

/// Quality of full-size renderings.
const RENDERING_QUALITY: u8 = 90;

impl BlobStore {
    /// The photo `sha256` with `annotations` drawn on it, redactions first, at full
    /// resolution as JPEG. Blocking.
    ///
    /// # Errors
    /// File access, a photo that does not decode, annotations that do not validate.
    pub fn rendering(
        &self,
        sha256: &Sha256,
        annotations: &[Annotation],
    ) -> Result<Vec<u8>, ThumbnailError> {
        let path = self.rendering_path(sha256, annotations, "")?;
        cached(&path, || {
            let original = self.read(sha256)?;
            let options = FlattenOptions {
                format: ExportFormat::Jpeg {
                    quality: RENDERING_QUALITY,
                },
                limits: DecodeLimits::default(),
            };
            annotate::flatten(&original, annotations, options)
                .map_err(|e| ThumbnailError::Image(e.to_string()))
        })
    }

    /// [`BlobStore::rendering`] reduced to a thumbnail (long side at most 320 px); without
    /// drawings, the photo's own thumbnail ([`BlobStore::thumbnail`], the same pixels).
    /// Blocking.
    ///
    /// # Errors
    /// As [`BlobStore::rendering`].
    pub fn rendering_thumbnail(
        &self,
        sha256: &Sha256,
        annotations: &[Annotation],
    ) -> Result<Vec<u8>, ThumbnailError> {
        if annotations.is_empty() {
            return self.thumbnail(sha256);
        }
        let path = self.rendering_path(sha256, annotations, "-thumb")?;
        cached(&path, || {
            let full = self.rendering(sha256, annotations)?;
            let image = photo::thumbnail(&full, DecodeLimits::default())
                .map_err(|e| ThumbnailError::Image(e.to_string()))?;
            photo::encode(
                &image,
                ExportFormat::Jpeg {
                    quality: THUMBNAIL_QUALITY,
                },
            )
            .map_err(|e| ThumbnailError::Image(e.to_string()))
        })
    }

    fn rendering_path(
        &self,
        sha256: &Sha256,
        annotations: &[Annotation],
        suffix: &str,
    ) -> Result<PathBuf, ThumbnailError> {
        let drawing = serde_json::to_vec(annotations)
            .map_err(|e| ThumbnailError::Image(format!("annotations do not serialize: {e}")))?;
        let drawing = hex::encode(sha2::Sha256::digest(&drawing));
        Ok(self.sharded("annotated", sha256, &format!("-{drawing}{suffix}.jpg")))
    }
}

/// The file at `path`, or what `make` makes, written there first.
fn cached(
    path: &Path,
    make: impl FnOnce() -> Result<Vec<u8>, ThumbnailError>,
) -> Result<Vec<u8>, ThumbnailError> {
    if let Ok(bytes) = std::fs::read(path) {
        return Ok(bytes);
    }
    let bytes = make()?;
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    // Write beside the target and rename, so a reader never sees half a file.
    let temp = path.with_extension("jpg.tmp");
    std::fs::File::create(&temp)?.write_all(&bytes)?;
    std::fs::rename(&temp, path)?;
    Ok(bytes)
}
