//! Abandoned photo uploads: a partial upload (its `uploads` row and `.part` file) that has
//! received no bytes for `Config::upload_max_idle` is deleted, with its running hash, by the
//! background task that also compacts (the services' compaction task). A tablet that comes
//! back later asks for the status, gets `received: 0` and uploads the photo from the start.
//!
//! The same run deletes the photos held for citizens' forms that were never sent
//! ([`crate::blobs::held`]).
//!
//! An upload with a request in flight is never touched: the sweep claims each upload through
//! [`Uploads::acquire`] first, exactly like a request does, so the two never overlap.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::blobs::BlobStore;
use crate::blobs::uploads::Uploads;
use crate::store::uploads;
use crate::store::{CaseStore, StoreResult, millis};

/// What the sweep needs besides the store.
#[derive(Debug, Clone)]
pub struct UploadSweep {
    /// The blob files.
    pub blobs: Arc<BlobStore>,
    /// The uploads in progress (requests in flight, running hashes).
    pub uploads: Arc<Uploads>,
    /// How long an upload may go without progress.
    pub max_idle: Duration,
}

impl UploadSweep {
    /// Deletes every upload that made no progress since `now - max_idle`; returns how many.
    /// An upload that fails to be deleted is logged and left for the next run. Blocking.
    ///
    /// # Errors
    /// When the candidates cannot be listed.
    pub fn run(&self, store: &dyn CaseStore, now: SystemTime) -> StoreResult<usize> {
        // Photos held for a form that never came back go on the same rounds.
        if let Some(held_cutoff) = now.checked_sub(crate::blobs::held::HELD_FOR) {
            match self.blobs.sweep_held(held_cutoff) {
                Ok(0) => {}
                Ok(n) => tracing::info!(photos = n, "deleted photos of forms never sent"),
                Err(e) => tracing::error!("looking for held photos failed: {e}"),
            }
        }
        let Some(cutoff) = now.checked_sub(self.max_idle) else {
            return Ok(0);
        };
        let cutoff_ms = cutoff.duration_since(UNIX_EPOCH).map_or(0, millis);
        // Rows untouched since the cutoff, and files without fresh bytes (also files whose
        // row is gone, e.g. after a crash between deleting the two).
        let mut candidates: BTreeSet<String> = store
            .read(|tx| uploads::idle(tx, cutoff_ms))?
            .into_iter()
            .collect();
        candidates.extend(
            self.blobs
                .upload_files()?
                .into_iter()
                .filter(|(_, modified)| *modified < cutoff)
                .map(|(key, _)| key),
        );
        let mut removed = 0;
        for key in candidates {
            match self.remove_if_idle(store, &key, cutoff, cutoff_ms) {
                Ok(true) => removed += 1,
                Ok(false) => {}
                Err(e) => tracing::error!(upload = %key, "an abandoned upload was kept: {e}"),
            }
        }
        Ok(removed)
    }

    fn remove_if_idle(
        &self,
        store: &dyn CaseStore,
        key: &str,
        cutoff: SystemTime,
        cutoff_ms: i64,
    ) -> StoreResult<bool> {
        // Held until the upload is gone, so no request can start on it meanwhile.
        let Some(_claim) = self.uploads.acquire(key) else {
            return Ok(false); // a request is receiving its bytes right now
        };
        // Checked again under the claim: bytes may have arrived since the listing.
        if self
            .blobs
            .upload_modified(key)?
            .is_some_and(|modified| modified >= cutoff)
        {
            return Ok(false);
        }
        if !store.write(|tx| uploads::forget_idle(tx, key, cutoff_ms))? {
            return Ok(false); // the row was touched since: a request started it anew
        }
        self.uploads.forget_hash(key);
        self.blobs.discard_upload(key)?;
        tracing::info!(upload = %key, "deleted an abandoned partial upload");
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::store::SqliteStore;

    const DAY: Duration = Duration::from_secs(24 * 60 * 60);

    #[test]
    fn only_idle_uploads_without_a_request_in_flight_are_deleted() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("db.sqlite3")).unwrap();
        let sweep = UploadSweep {
            blobs: Arc::new(BlobStore::open(dir.path()).unwrap()),
            uploads: Arc::default(),
            max_idle: 7 * DAY,
        };
        let idle = crate::blobs::uploads::upload_key("a", &"aa".repeat(32).parse().unwrap());
        let busy = crate::blobs::uploads::upload_key("b", &"bb".repeat(32).parse().unwrap());
        // A file without a row, named as uploads were before they were kept per tenant.
        let orphan = "cc".repeat(32);
        for key in [&idle, &busy] {
            store.write(|tx| uploads::put(tx, key, 10, "d")).unwrap();
            std::fs::write(sweep.blobs.upload_path(key), b"12345").unwrap();
        }
        std::fs::write(sweep.blobs.upload_path(&orphan), b"12").unwrap();
        std::fs::write(dir.path().join("uploads").join("notes.txt"), b"x").unwrap();
        let now = SystemTime::now();
        assert_eq!(sweep.run(&store, now).unwrap(), 0, "nothing is old yet");

        let in_flight = sweep.uploads.acquire(&busy).unwrap();
        sweep
            .uploads
            .keep_hash(&idle, crate::blobs::uploads::RunningHash::default());
        let later = now + 8 * DAY;
        assert_eq!(sweep.run(&store, later).unwrap(), 2);
        assert_eq!(sweep.blobs.received(&idle).unwrap(), 0);
        assert_eq!(store.read(|tx| uploads::size(tx, &idle)).unwrap(), None);
        assert!(
            sweep.uploads.take_hash(&idle, 0).is_none(),
            "hash forgotten"
        );
        assert_eq!(sweep.blobs.received(&orphan).unwrap(), 0);
        assert_eq!(sweep.blobs.received(&busy).unwrap(), 5, "in flight: kept");
        assert_eq!(store.read(|tx| uploads::size(tx, &busy)).unwrap(), Some(10));
        assert!(dir.path().join("uploads").join("notes.txt").exists());

        drop(in_flight);
        assert_eq!(sweep.run(&store, later).unwrap(), 1);
        assert_eq!(sweep.blobs.received(&busy).unwrap(), 0);
    }
}
