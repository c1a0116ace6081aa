//! Photo bytes as content-addressed files under the data directory.
//!
//! Photos are several megabytes each. Kept inside SQLite they would be written twice (WAL,
//! then database), make every checkpoint heavy and bloat the file the case edits live in;
//! as files they are written once and can be read chunk by chunk for a resumable upload.
//! Durability is kept by ordering: the bytes go to a temporary file, which is fsynced, renamed
//! to its final name (its SHA-256) and the directory fsynced — only then is the row written
//! that makes the blob known. A crash before the row leaves at most an unreferenced file
//! (adopted again if the same photo is added, since its name is its content) or a temporary
//! file (removed at the next start). No row ever points to a partial file.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

use annotate::ContentAddress;
use rusqlite::{OptionalExtension, Transaction, params};
use schema::Sha256;

use super::{LocalStore, sql_size};
use crate::clock;
use crate::error::{FieldAppError, Result};

const BLOB_DIR: &str = "blobs";
const THUMBNAIL_DIR: &str = "thumbnails";
const TEMP_MARK: &str = ".partial-";

/// `sha256` as a photo address, checked (so it is safe as a file name).
///
/// # Errors
/// [`FieldAppError::Invalid`] naming the text.
pub fn address(sha256: &str) -> Result<Sha256> {
    sha256
        .parse()
        .map_err(|e: schema::InvalidSha256| FieldAppError::Invalid(e.to_string()))
}

fn check_sha(sha256: &str) -> Result<()> {
    address(sha256).map(drop)
}

/// Writes `bytes` to `path` durably: temporary file, fsync, rename, fsync of the directory.
fn write_durably(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .ok_or_else(|| FieldAppError::Invalid(format!("{} has no directory", path.display())))?;
    fs::create_dir_all(dir).map_err(|e| FieldAppError::io(dir, e))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = dir.join(format!("{name}{TEMP_MARK}{}", uuid::Uuid::now_v7()));
    let result = (|| {
        let mut file = File::create(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        fs::rename(&temp, path)?;
        sync_dir(dir)
    })();
    if let Err(e) = result {
        let _ = fs::remove_file(&temp);
        return Err(FieldAppError::io(path, e));
    }
    Ok(())
}

/// Makes a rename in `dir` durable. On Unix the directory is fsynced; Windows cannot open a
/// directory as a file, and NTFS journals the rename itself.
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

impl LocalStore {
    /// Where the original of `sha256` is (or would be) stored.
    pub fn blob_path(&self, sha256: &str) -> PathBuf {
        let fan = sha256.get(..2).unwrap_or("xx");
        self.dir().join(BLOB_DIR).join(fan).join(sha256)
    }

    /// Where the downloaded thumbnail of `sha256` is (or would be) stored.
    pub fn thumbnail_path(&self, sha256: &str) -> PathBuf {
        self.dir().join(THUMBNAIL_DIR).join(format!("{sha256}.jpg"))
    }

    /// Writes a photo's bytes to their content-addressed file, durably, and returns their
    /// SHA-256. The row that makes the blob known is written by the caller's transaction
    /// (`insert_blob_row`) — after this returned.
    ///
    /// # Errors
    /// [`FieldAppError::Io`].
    pub fn write_blob_file(&self, bytes: &[u8]) -> Result<String> {
        let sha = ContentAddress::of(bytes).to_string();
        let path = self.blob_path(&sha);
        // An existing file with the right content (e.g. left by a crash before its row) is
        // adopted; anything else is rewritten.
        let intact = fs::read(&path).is_ok_and(|b| ContentAddress::of(&b).to_string() == sha);
        if !intact {
            write_durably(&path, bytes)?;
        }
        Ok(sha)
    }

    /// Stores a photo original and its row in one go (for downloaded originals).
    ///
    /// # Errors
    /// [`FieldAppError::Io`], [`FieldAppError::Store`].
    pub fn put_blob(&mut self, bytes: &[u8], mime_type: &str) -> Result<String> {
        let sha = self.write_blob_file(bytes)?;
        let tx = self.conn_mut().transaction()?;
        insert_blob_row(&tx, &sha, bytes.len() as u64, mime_type)?;
        tx.commit()?;
        Ok(sha)
    }

    /// Whether the original of `sha256` is on the tablet.
    ///
    /// # Errors
    /// [`FieldAppError::Store`].
    pub fn has_blob(&self, sha256: &str) -> Result<bool> {
        Ok(self
            .conn()
            .query_row(
                "SELECT 1 FROM blobs WHERE sha256 = ?1",
                params![sha256],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
    }

    /// The original bytes of `sha256`, checked against their address.
    ///
    /// # Errors
    /// [`FieldAppError::NotFound`] when the tablet does not have them,
    /// [`FieldAppError::CorruptBlob`] when the file was damaged, [`FieldAppError::Io`].
    pub fn read_blob(&self, sha256: &str) -> Result<Vec<u8>> {
        check_sha(sha256)?;
        if !self.has_blob(sha256)? {
            return Err(FieldAppError::NotFound(format!(
                "the photo {sha256} is not on this tablet; download it with `field-app photo {sha256} --out FILE`"
            )));
        }
        let path = self.blob_path(sha256);
        let bytes = fs::read(&path).map_err(|e| FieldAppError::io(&path, e))?;
        if ContentAddress::of(&bytes).to_string() != sha256 {
            return Err(FieldAppError::CorruptBlob {
                sha256: sha256.to_string(),
            });
        }
        Ok(bytes)
    }

    /// The file of a photo on this tablet and its length, without checking the bytes against
    /// their address, for streaming them to a server that checks them itself;
    /// [`LocalStore::read_blob`] checks.
    ///
    /// # Errors
    /// [`FieldAppError::Invalid`] for a malformed address, [`FieldAppError::NotFound`],
    /// [`FieldAppError::Io`].
    pub fn blob_to_upload(&self, sha256: &str) -> Result<(PathBuf, u64)> {
        check_sha(sha256)?;
        let path = self.blob_path(sha256);
        match fs::metadata(&path) {
            Ok(meta) => Ok((path, meta.len())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(FieldAppError::NotFound(
                format!("the photo {sha256} is not on this tablet; it cannot be uploaded"),
            )),
            Err(e) => Err(FieldAppError::io(&path, e)),
        }
    }

    /// Forgets a photo no case refers to any more: its queued upload, its row and its file
    /// (e.g. after the officer deleted it, so a photo taken by mistake never leaves the
    /// tablet). Returns whether it was forgotten; a photo some case still shows is kept.
    ///
    /// # Errors
    /// [`FieldAppError::Invalid`] for a malformed address, [`FieldAppError::Store`],
    /// [`FieldAppError::Io`].
    pub fn forget_unreferenced_blob(&mut self, sha256: &str) -> Result<bool> {
        check_sha(sha256)?;
        let tx = self.conn_mut().transaction()?;
        let referenced = tx
            .query_row(
                "SELECT 1 FROM cases WHERE instr(' ' || photo_shas || ' ', ' ' || ?1 || ' ') > 0",
                params![sha256],
                |_| Ok(()),
            )
            .optional()?
            .is_some();
        if referenced {
            return Ok(false);
        }
        tx.execute("DELETE FROM outbox WHERE sha256 = ?1", params![sha256])?;
        tx.execute("DELETE FROM blobs WHERE sha256 = ?1", params![sha256])?;
        tx.commit()?;
        // After the commit: a crash before this line leaves only a file no row points to.
        let path = self.blob_path(sha256);
        match fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(FieldAppError::io(&path, e)),
            _ => Ok(true),
        }
    }

    /// Stores a downloaded thumbnail of `sha256`.
    ///
    /// # Errors
    /// [`FieldAppError::Invalid`] for a malformed address, [`FieldAppError::Io`],
    /// [`FieldAppError::Store`].
    pub fn put_thumbnail(&mut self, sha256: &str, bytes: &[u8]) -> Result<PathBuf> {
        check_sha(sha256)?;
        let path = self.thumbnail_path(sha256);
        write_durably(&path, bytes)?;
        self.conn().execute(
            "INSERT OR REPLACE INTO thumbnails (sha256, size, stored_at_ms) VALUES (?1, ?2, ?3)",
            params![sha256, sql_size(bytes.len() as u64), clock::now_ms()],
        )?;
        Ok(path)
    }

    /// The downloaded thumbnail of `sha256`, if the tablet has one.
    ///
    /// # Errors
    /// [`FieldAppError::Store`], [`FieldAppError::Io`].
    pub fn thumbnail(&self, sha256: &str) -> Result<Option<Vec<u8>>> {
        let known = self
            .conn()
            .query_row(
                "SELECT 1 FROM thumbnails WHERE sha256 = ?1",
                params![sha256],
                |_| Ok(()),
            )
            .optional()?
            .is_some();
        if !known {
            return Ok(None);
        }
        let path = self.thumbnail_path(sha256);
        match fs::read(&path) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(FieldAppError::io(path, e)),
        }
    }

    /// Removes temporary files of photo writes a crash interrupted.
    pub(super) fn remove_interrupted_writes(&self) -> Result<()> {
        for top in [self.dir().join(BLOB_DIR), self.dir().join(THUMBNAIL_DIR)] {
            let Ok(entries) = fs::read_dir(&top) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                let files: Vec<PathBuf> = if path.is_dir() {
                    fs::read_dir(&path)
                        .map(|d| d.flatten().map(|e| e.path()).collect())
                        .unwrap_or_default()
                } else {
                    vec![path]
                };
                for file in files {
                    let is_temp = file
                        .file_name()
                        .is_some_and(|n| n.to_string_lossy().contains(TEMP_MARK));
                    if is_temp {
                        fs::remove_file(&file).map_err(|e| FieldAppError::io(&file, e))?;
                    }
                }
            }
        }
        Ok(())
    }
}

/// Records a blob whose file [`LocalStore::write_blob_file`] has written.
pub(crate) fn insert_blob_row(
    tx: &Transaction<'_>,
    sha256: &str,
    size: u64,
    mime_type: &str,
) -> Result<()> {
    tx.execute(
        "INSERT OR IGNORE INTO blobs (sha256, size, mime_type, stored_at_ms)
         VALUES (?1, ?2, ?3, ?4)",
        params![sha256, sql_size(size), mime_type, clock::now_ms()],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn blobs_are_content_addressed_checked_and_leftovers_removed() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = LocalStore::open(dir.path()).unwrap();
        let sha = store.put_blob(b"photo bytes", "image/jpeg").unwrap();
        assert!(address(&sha).is_ok());
        assert_eq!(store.read_blob(&sha).unwrap(), b"photo bytes");
        assert_eq!(store.put_blob(b"photo bytes", "image/jpeg").unwrap(), sha);

        // A damaged file is detected, not uploaded.
        fs::write(store.blob_path(&sha), b"photo bytez").unwrap();
        assert!(matches!(
            store.read_blob(&sha),
            Err(FieldAppError::CorruptBlob { .. })
        ));
        // Writing the same photo again repairs it.
        store.write_blob_file(b"photo bytes").unwrap();
        assert_eq!(store.read_blob(&sha).unwrap(), b"photo bytes");

        // A file without a row is unknown; a temporary file is gone after reopening.
        let other = store.write_blob_file(b"orphan").unwrap();
        assert!(!store.has_blob(&other).unwrap());
        let temp = store
            .blob_path(&sha)
            .with_file_name(format!("x{TEMP_MARK}1"));
        fs::write(&temp, b"half").unwrap();
        drop(store);
        let store = LocalStore::open(dir.path()).unwrap();
        assert!(!temp.exists());
        assert!(matches!(
            store.read_blob("zz"),
            Err(FieldAppError::Invalid(_))
        ));
    }

    #[test]
    fn thumbnails_are_cached() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = LocalStore::open(dir.path()).unwrap();
        let sha = ContentAddress::of(b"x").to_string();
        assert_eq!(store.thumbnail(&sha).unwrap(), None);
        store.put_thumbnail(&sha, b"jpeg").unwrap();
        assert_eq!(store.thumbnail(&sha).unwrap(), Some(b"jpeg".to_vec()));
    }
}
