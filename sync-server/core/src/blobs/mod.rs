//! The on-disk blob store: photo originals addressed by their SHA-256 under
//! `DATA_DIR/blobs/ab/cdef…` (first two hex digits as directory), uploads in progress under
//! `DATA_DIR/uploads/<upload key>.part` (per tenant and blob, [`uploads::upload_key`]; the
//! file length is what was received), cached
//! thumbnails under `DATA_DIR/thumbs/ab/cdef….jpg`, citizens' photos of a form that came
//! back unsent under `DATA_DIR/held/` ([`held`]), and cached renderings with the drawings
//! and redactions ([`renderings`]) under `DATA_DIR/annotated/`.
//!
//! Originals are never rewritten: a blob file appears once, by renaming a verified upload into
//! place, and is only ever read afterwards.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use annotate::photo::{self, DecodeLimits, ExportFormat, PhotoFormat};
use schema::Sha256;

use crate::kernel::AppError;
use crate::store::BlobRow;

pub mod held;
pub mod photo_uploads;
pub mod renderings;
pub mod upload_completion;
pub mod upload_sweep;
pub mod uploads;

/// Quality of cached thumbnails.
const THUMBNAIL_QUALITY: u8 = 80;

/// Why a completed upload was not stored.
#[derive(Debug, thiserror::Error)]
pub enum FinishError {
    /// The bytes do not have the announced SHA-256.
    #[error("the uploaded bytes have SHA-256 {actual}, not {expected}; upload the file again")]
    HashMismatch {
        /// The address the upload was for.
        expected: String,
        /// The hash of what arrived.
        actual: String,
    },
    /// The bytes are not a JPEG or PNG photo (or not a readable one).
    #[error("the uploaded file is not a usable photo: {0}")]
    NotAnImage(String),
    /// File access failed.
    #[error("file access under the data directory failed: {0}")]
    Io(#[from] std::io::Error),
}

/// The blob directories of one data directory.
#[derive(Debug, Clone)]
pub struct BlobStore {
    root: PathBuf,
}

impl BlobStore {
    /// The blob store under `data_dir`, creating its directories.
    ///
    /// # Errors
    /// When the directories cannot be created.
    pub fn open(data_dir: &Path) -> std::io::Result<Self> {
        for dir in ["blobs", "uploads", "thumbs", "held"] {
            std::fs::create_dir_all(data_dir.join(dir))?;
        }
        Ok(Self {
            root: data_dir.to_path_buf(),
        })
    }

    fn sharded(&self, dir: &str, sha256: &Sha256, suffix: &str) -> PathBuf {
        let (prefix, rest) = sha256.as_str().split_at(2);
        self.root
            .join(dir)
            .join(prefix)
            .join(format!("{rest}{suffix}"))
    }

    /// Where the original of `sha256` lives.
    pub fn blob_path(&self, sha256: &Sha256) -> PathBuf {
        self.sharded("blobs", sha256, "")
    }

    /// Where the upload in progress `key` ([`crate::blobs::uploads::upload_key`]) collects its
    /// bytes.
    pub fn upload_path(&self, key: &str) -> PathBuf {
        self.root.join("uploads").join(format!("{key}.part"))
    }

    fn thumbnail_path(&self, sha256: &Sha256) -> PathBuf {
        self.sharded("thumbs", sha256, ".jpg")
    }

    /// Bytes received so far for upload `key` (0 when none is in progress).
    ///
    /// # Errors
    /// File access errors other than "not found".
    pub fn received(&self, key: &str) -> std::io::Result<u64> {
        match std::fs::metadata(self.upload_path(key)) {
            Ok(meta) => Ok(meta.len()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(0),
            Err(e) => Err(e),
        }
    }

    /// When bytes were last appended to an upload in progress (`None` when it has no file).
    ///
    /// # Errors
    /// File access errors other than "not found".
    pub fn upload_modified(&self, key: &str) -> std::io::Result<Option<SystemTime>> {
        match std::fs::metadata(self.upload_path(key)) {
            Ok(meta) => Ok(Some(meta.modified()?)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The key of every upload file (`<key>.part`) with the time bytes were last appended to
    /// it. Other files in the directory are left out.
    ///
    /// # Errors
    /// File access errors reading the directory.
    pub fn upload_files(&self) -> std::io::Result<Vec<(String, SystemTime)>> {
        let mut out = Vec::new();
        for entry in std::fs::read_dir(self.root.join("uploads"))? {
            let entry = entry?;
            let name = entry.file_name();
            let Some(key) = name.to_str().and_then(|n| n.strip_suffix(".part")) else {
                continue;
            };
            if !crate::blobs::uploads::is_upload_key(key) {
                continue;
            }
            // A file deleted meanwhile (its upload finished) is simply not listed.
            if let Ok(modified) = entry.metadata().and_then(|m| m.modified()) {
                out.push((key.to_string(), modified));
            }
        }
        Ok(out)
    }

    /// Deletes the upload in progress `key`.
    ///
    /// # Errors
    /// File access errors other than "not found".
    pub fn discard_upload(&self, key: &str) -> std::io::Result<()> {
        match std::fs::remove_file(self.upload_path(key)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    /// Checks the complete upload `key` of blob `sha256` and moves it into place: `actual` is
    /// the SHA-256 of its bytes,
    /// hashed while they arrived ([`crate::blobs::uploads::PartWriter`]), and the file must be a
    /// photo. A failed check discards the upload; so does a passed one when the blob is stored
    /// already (uploaded again by a device that may not know it is here): the stored original
    /// is never rewritten. Blocking: call it from `spawn_blocking`.
    ///
    /// # Errors
    /// [`FinishError`]; nothing is stored then.
    pub fn finish_upload(
        &self,
        key: &str,
        sha256: &Sha256,
        actual: &Sha256,
        limits: DecodeLimits,
    ) -> Result<BlobRow, FinishError> {
        let path = self.upload_path(key);
        if actual != sha256 {
            self.discard_upload(key)?;
            return Err(FinishError::HashMismatch {
                expected: sha256.to_string(),
                actual: actual.to_string(),
            });
        }
        let info = match inspect_file(&path, limits) {
            Ok(info) => info,
            Err(e) => {
                self.discard_upload(key)?;
                return Err(FinishError::NotAnImage(e));
            }
        };
        let size = std::fs::metadata(&path)?.len();
        let target = self.blob_path(sha256);
        if target.is_file() {
            // The same verified bytes are stored already: keep those.
            self.discard_upload(key)?;
        } else {
            move_into_place(&path, &target)?;
        }
        Ok(BlobRow {
            sha256: sha256.to_string(),
            size,
            mime: mime_of(info.format).to_string(),
        })
    }

    /// The row of the original stored under `sha256`, read from its file (size, and the
    /// format from its head). Blocking.
    ///
    /// # Errors
    /// [`FinishError::Io`] when the file cannot be read, [`FinishError::NotAnImage`] when it
    /// is no photo.
    pub fn stored_row(
        &self,
        sha256: &Sha256,
        limits: DecodeLimits,
    ) -> Result<BlobRow, FinishError> {
        let path = self.blob_path(sha256);
        let info = inspect_file(&path, limits).map_err(FinishError::NotAnImage)?;
        Ok(BlobRow {
            sha256: sha256.to_string(),
            size: std::fs::metadata(&path)?.len(),
            mime: mime_of(info.format).to_string(),
        })
    }

    /// The original bytes. Blocking.
    ///
    /// # Errors
    /// File access errors.
    pub fn read(&self, sha256: &Sha256) -> std::io::Result<Vec<u8>> {
        std::fs::read(self.blob_path(sha256))
    }

    /// Whether the original's file is present.
    pub fn has_blob(&self, sha256: &Sha256) -> bool {
        self.blob_path(sha256).is_file()
    }

    /// A JPEG thumbnail (long side at most 320 px), made once and cached. Blocking.
    ///
    /// # Errors
    /// File access errors, or a description of why the photo cannot be reduced.
    pub fn thumbnail(&self, sha256: &Sha256) -> Result<Vec<u8>, ThumbnailError> {
        let cached = self.thumbnail_path(sha256);
        if let Ok(bytes) = std::fs::read(&cached) {
            return Ok(bytes);
        }
        let original = self.read(sha256)?;
        let image = photo::thumbnail(&original, DecodeLimits::default())
            .map_err(|e| ThumbnailError::Image(e.to_string()))?;
        let jpeg = photo::encode(
            &image,
            ExportFormat::Jpeg {
                quality: THUMBNAIL_QUALITY,
            },
        )
        .map_err(|e| ThumbnailError::Image(e.to_string()))?;
        if let Some(parent) = cached.parent() {
            std::fs::create_dir_all(parent)?;
        }
        // Write next to the target and rename, so a reader never sees half a thumbnail.
        let temp = cached.with_extension("jpg.tmp");
        std::fs::File::create(&temp)?.write_all(&jpeg)?;
        std::fs::rename(&temp, &cached)?;
        Ok(jpeg)
    }
}

/// The MIME type of a stored photo.
fn mime_of(format: PhotoFormat) -> &'static str {
    match format {
        PhotoFormat::Jpeg => "image/jpeg",
        PhotoFormat::Png => "image/png",
    }
}

/// Renames a verified upload to its blob path, durably.
fn move_into_place(path: &Path, target: &Path) -> std::io::Result<()> {
    if let Some(parent) = target.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::rename(path, target)?;
    // The rename itself must survive a power loss too: once the server answers
    // "complete", the tablet stops offering these bytes.
    if let Some(parent) = target.parent() {
        std::fs::File::open(parent)?.sync_all()?;
    }
    Ok(())
}

/// How much of a file's head is read to check that it is a photo. Header, EXIF (at most
/// 64 KiB) and the other segments before the frame header fit in it for any camera seen so far;
/// a file whose head does not suffice is read whole.
const PHOTO_HEAD_BYTES: u64 = 1 << 20;

/// Checks that the file at `path` is a photo within `limits` without reading all of it; the
/// error says why it is not one.
fn inspect_file(path: &Path, limits: DecodeLimits) -> Result<photo::PhotoInfo, String> {
    let mut head = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(PHOTO_HEAD_BYTES).read_to_end(&mut head))
        .map_err(|e| e.to_string())?;
    match photo::inspect(&head, limits) {
        Ok(info) => Ok(info),
        Err(_) if u64::try_from(head.len()).unwrap_or(u64::MAX) == PHOTO_HEAD_BYTES => {
            let whole = std::fs::read(path).map_err(|e| e.to_string())?;
            photo::inspect(&whole, limits).map_err(|e| e.to_string())
        }
        Err(e) => Err(e.to_string()),
    }
}

/// Why a thumbnail could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ThumbnailError {
    /// File access failed.
    #[error("file access under the data directory failed: {0}")]
    Io(#[from] std::io::Error),
    /// The stored photo cannot be decoded or the thumbnail encoded.
    #[error("the photo cannot be reduced to a thumbnail: {0}")]
    Image(String),
}

impl From<FinishError> for AppError {
    fn from(e: FinishError) -> Self {
        match e {
            FinishError::HashMismatch { .. } => AppError::HashMismatch(e.to_string()),
            FinishError::NotAnImage(_) => AppError::NotAnImage(e.to_string()),
            FinishError::Io(_) => AppError::Internal(e.to_string()),
        }
    }
}

impl From<ThumbnailError> for AppError {
    fn from(e: ThumbnailError) -> Self {
        AppError::Internal(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use sha2::Digest;

    use super::*;

    #[test]
    fn addresses_are_checked_and_sharded() {
        let sha = "ab".repeat(32);
        assert!(sha.parse::<Sha256>().is_ok());
        assert!(sha.to_uppercase().parse::<Sha256>().is_err());
        assert!("../etc/passwd".parse::<Sha256>().is_err());
        let dir = tempfile::tempdir().unwrap();
        let store = BlobStore::open(dir.path()).unwrap();
        let path = store.blob_path(&sha.parse().unwrap());
        assert!(path.ends_with(format!("blobs/ab/{}", &sha[2..])));
    }

    #[test]
    fn a_mismatching_upload_is_discarded() {
        let dir = tempfile::tempdir().unwrap();
        let store = BlobStore::open(dir.path()).unwrap();
        let sha: Sha256 = "00".repeat(32).parse().unwrap();
        let key = crate::blobs::uploads::upload_key("a", &sha);
        std::fs::write(store.upload_path(&key), b"hello").unwrap();
        let actual = Sha256::from_digest(sha2::Sha256::digest(b"hello").into());
        let err = store
            .finish_upload(&key, &sha, &actual, DecodeLimits::default())
            .unwrap_err();
        assert!(matches!(err, FinishError::HashMismatch { .. }));
        assert_eq!(store.received(&key).unwrap(), 0);
        assert!(!store.has_blob(&sha));
    }
}
