//! Photos held for a form that came back unsent.
//!
//! A citizen's photo is made fit to keep when its form arrives
//! ([`crate::services::citizen_photos`]), before the form's answers are checked. When the
//! form comes back (a field to correct), the photo waits under `DATA_DIR/held/<sha256>` so
//! the citizen need not choose it again; the form carries a signed reference to it. Sending
//! the form moves it among the originals ([`BlobStore::adopt_held`]); a photo whose form
//! is never sent is deleted a day after it was chosen ([`BlobStore::sweep_held`], run with
//! the upload sweep), so nothing a citizen did not send stays on the server.

use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use schema::Sha256;

use super::{BlobStore, move_into_place};

/// How long a photo of a form that came back is held.
pub const HELD_FOR: Duration = Duration::from_secs(24 * 60 * 60);

impl BlobStore {
    fn held_path(&self, sha256: &Sha256) -> PathBuf {
        self.root.join("held").join(sha256.as_str())
    }

    /// Holds `bytes`, whose address is `sha256`, on the disk: written next to their place,
    /// synced, renamed into it. Blocking.
    ///
    /// # Errors
    /// File access errors.
    pub fn hold(&self, sha256: &Sha256, bytes: &[u8]) -> std::io::Result<()> {
        let target = self.held_path(sha256);
        if self.has_blob(sha256) {
            return Ok(());
        }
        if target.is_file() {
            // Chosen again: the day it is held for starts anew.
            return std::fs::File::options()
                .append(true)
                .open(&target)?
                .set_modified(std::time::SystemTime::now());
        }
        // A name of its own per writer: two forms holding the same photo at once do not
        // write into one file.
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let temp = target.with_extension(format!("{}-{n}.tmp", std::process::id()));
        let mut file = std::fs::File::create(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        move_into_place(&temp, &target)
    }

    /// Whether `sha256` is held (not yet sent, not yet swept).
    pub fn is_held(&self, sha256: &Sha256) -> bool {
        self.held_path(sha256).is_file()
    }

    /// Moves a held photo among the originals (or lets it go when the original is there
    /// already: the same bytes). Blocking.
    ///
    /// # Errors
    /// File access errors; `NotFound` when the photo is neither held nor stored.
    pub fn adopt_held(&self, sha256: &Sha256) -> std::io::Result<()> {
        let held = self.held_path(sha256);
        if self.has_blob(sha256) {
            return match std::fs::remove_file(&held) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
                _ => Ok(()),
            };
        }
        match move_into_place(&held, &self.blob_path(sha256)) {
            // Another request moved it a moment ago: it is among the originals all the same.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && self.has_blob(sha256) => Ok(()),
            other => other,
        }
    }

    /// Whether `sha256` is held or stored already (a photo sent once more).
    pub fn is_held_or_stored(&self, sha256: &Sha256) -> bool {
        self.is_held(sha256) || self.has_blob(sha256)
    }

    /// Deletes the held photos chosen before `cutoff`; returns how many. Blocking.
    ///
    /// # Errors
    /// When the directory cannot be listed.
    pub fn sweep_held(&self, cutoff: SystemTime) -> std::io::Result<usize> {
        let mut removed = 0;
        for entry in std::fs::read_dir(self.root.join("held"))? {
            let entry = entry?;
            let old = entry
                .metadata()
                .and_then(|m| m.modified())
                .is_ok_and(|modified| modified < cutoff);
            if old {
                match std::fs::remove_file(entry.path()) {
                    Ok(()) => removed += 1,
                    Err(e) => tracing::error!(
                        "a held photo could not be deleted ({}): {e}",
                        entry.path().display()
                    ),
                }
            }
        }
        Ok(removed)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    impl BlobStore {
        /// The bytes of a held photo, if it is held.
        fn held(&self, sha256: &Sha256) -> std::io::Result<Option<Vec<u8>>> {
            match std::fs::read(self.held_path(sha256)) {
                Ok(bytes) => Ok(Some(bytes)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(e),
            }
        }
    }

    #[test]
    fn a_held_photo_is_adopted_once_or_swept() {
        let dir = tempfile::tempdir().unwrap();
        let blobs = BlobStore::open(dir.path()).unwrap();
        let bytes = b"photo bytes".to_vec();
        let sha = Sha256::from_digest(annotate::photo::ContentAddress::of(&bytes).0);
        blobs.hold(&sha, &bytes).unwrap();
        assert_eq!(blobs.held(&sha).unwrap(), Some(bytes.clone()));
        blobs.adopt_held(&sha).unwrap();
        assert!(blobs.has_blob(&sha));
        assert_eq!(blobs.held(&sha).unwrap(), None);
        // Held again after it is stored: nothing to hold, adopting again is harmless.
        blobs.hold(&sha, &bytes).unwrap();
        blobs.adopt_held(&sha).unwrap();

        let other: Sha256 = "ab".repeat(32).parse().unwrap();
        blobs.hold(&other, b"never sent").unwrap();
        assert_eq!(blobs.sweep_held(SystemTime::UNIX_EPOCH).unwrap(), 0);
        let later = SystemTime::now() + Duration::from_secs(1);
        assert_eq!(blobs.sweep_held(later).unwrap(), 1);
        assert_eq!(blobs.held(&other).unwrap(), None);
        assert!(blobs.adopt_held(&other).is_err());
    }
}
