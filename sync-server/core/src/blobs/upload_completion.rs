//! Finishing an upload whose bytes have all arrived: the hash checked, the photo checked, the
//! file moved into place and the blob recorded for the uploader's tenant.
//!
//! Whoever meets a fully received upload finishes it: the request that carried its last
//! bytes, the next status or upload request for the photo, or the server's start-up
//! ([`complete_received_uploads`]). So no interleaving of crashes — the server killed between
//! the last byte and the rename, a tablet gone right after its last byte — leaves a photo
//! whose bytes are all on the server but which is never called complete.
//!
//! Every path claims the upload first ([`Uploads::acquire`]), as a receiving request does, so
//! two of them never finish (or append to) the same file at once.

use std::sync::Arc;

use annotate::photo::DecodeLimits;
use schema::Sha256;

use crate::blobs::uploads::{PartWriter, Uploads, parse_upload_key};
use crate::blobs::{BlobStore, FinishError};
use crate::kernel::AppError;
use crate::store::{BlobRow, CaseStore, StoreError};
use crate::store::{blobs, uploads};

/// Why a fully received upload could not be finished (it stays as it is, for the next try).
#[derive(Debug, thiserror::Error)]
pub enum CompletionError {
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The bytes are not the photo the address names; the upload was discarded.
    #[error(transparent)]
    Finish(#[from] FinishError),
    /// File access under the data directory failed.
    #[error("file access under the data directory failed: {0}")]
    Io(#[from] std::io::Error),
}

/// What became of an upload when it was asked to finish.
#[derive(Debug)]
pub enum Completion {
    /// Every byte was there and checked: the blob is stored and recorded for the tenant.
    Stored(BlobRow),
    /// Not every declared byte has arrived (or no upload is in progress): nothing to do.
    Incomplete,
    /// A request holds the upload right now; it receives or finishes it itself.
    Busy,
    /// Every byte was there, but they are not the photo the address names (or more bytes than
    /// declared): the upload was discarded and starts over.
    Discarded(String),
}

/// Stores the complete upload `key` of blob `sha256` whose bytes hash to `actual`, for
/// `tenant`: the checks and the move into place ([`BlobStore::finish_upload`]), then the blob
/// recorded, then the upload's row deleted. Blocking; the caller holds the upload's claim.
///
/// # Errors
/// [`CompletionError::Finish`] when the bytes are refused (the upload is gone then); the
/// others leave the upload for the next try.
pub fn store_verified(
    store: &dyn CaseStore,
    blobs: &BlobStore,
    key: &str,
    sha256: &Sha256,
    actual: &Sha256,
    tenant: &str,
) -> Result<BlobRow, CompletionError> {
    let blob = match blobs.finish_upload(key, sha256, actual, DecodeLimits::default()) {
        Ok(blob) => blob,
        Err(e) => {
            if matches!(
                e,
                FinishError::HashMismatch { .. } | FinishError::NotAnImage(_)
            ) {
                store.write(|tx| uploads::delete(tx, key))?;
            }
            return Err(e.into());
        }
    };
    // Recorded and the upload's row gone in one transaction: a crash before it commits
    // leaves the row, by which the next request or the start records the photo in place.
    store.write(|tx| {
        blobs::record_upload(tx, key, &blob, tenant)?;
        uploads::delete(tx, key)
    })?;
    Ok(blob)
}

/// Finishes upload `key` of blob `sha256` for `tenant` if its file holds every declared
/// byte. Blocking.
///
/// # Errors
/// Database and file access failures; the upload is left as it was.
pub fn complete_if_received(
    store: &dyn CaseStore,
    blobs: &BlobStore,
    uploads: &Arc<Uploads>,
    key: &str,
    sha256: &Sha256,
    tenant: &str,
) -> Result<Completion, CompletionError> {
    if blobs.received(key)? == 0 {
        if blobs.has_blob(sha256) {
            return record_moved(store, blobs, uploads, key, sha256, tenant);
        }
        return Ok(Completion::Incomplete);
    }
    let Some(_claim) = uploads.acquire(key) else {
        return Ok(Completion::Busy);
    };
    // Read under the claim: a request may have finished or extended the upload meanwhile.
    let received = blobs.received(key)?;
    let Some(declared) = store.read(|tx| uploads::size(tx, key))? else {
        return Ok(Completion::Incomplete);
    };
    if received == 0 || received < declared {
        return Ok(Completion::Incomplete);
    }
    if received > declared {
        // No request appends past the declared size; such a file cannot become the photo.
        uploads.forget_hash(key);
        blobs.discard_upload(key)?;
        store.write(|tx| uploads::delete(tx, key))?;
        return Ok(Completion::Discarded(format!(
            "the partial upload held {received} bytes, more than the {declared} declared"
        )));
    }
    let hash = PartWriter::open(
        &blobs.upload_path(key),
        received,
        uploads.take_hash(key, received),
    )?
    .finish(true)?;
    match store_verified(store, blobs, key, sha256, &hash.clone().address(), tenant) {
        Ok(blob) => Ok(Completion::Stored(blob)),
        Err(CompletionError::Finish(
            e @ (FinishError::HashMismatch { .. } | FinishError::NotAnImage(_)),
        )) => Ok(Completion::Discarded(e.to_string())),
        Err(e) => {
            // The bytes stay for the next try; so does their hash, so it is not redone.
            uploads.keep_hash(key, hash);
            Err(e)
        }
    }
}

/// An upload moved into place whose blob was never recorded: the server stopped between the
/// move and the record. The original is there, and it was verified before it moved; only
/// the row that says so is missing. It is recorded for `tenant` while its upload row still
/// stands and no tenant has the blob recorded: another tenant's stored photo is not this
/// upload's to claim.
fn record_moved(
    store: &dyn CaseStore,
    blobs: &BlobStore,
    uploads: &Arc<Uploads>,
    key: &str,
    sha256: &Sha256,
    tenant: &str,
) -> Result<Completion, CompletionError> {
    let Some(_claim) = uploads.acquire(key) else {
        return Ok(Completion::Busy);
    };
    if blobs.received(key)? > 0
        || store.read(|tx| uploads::size(tx, key))?.is_none()
        || store.read(|tx| blobs::find(tx, sha256.as_str()))?.is_some()
    {
        return Ok(Completion::Incomplete);
    }
    let blob = blobs.stored_row(sha256, DecodeLimits::default())?;
    store.write(|tx| {
        blobs::record_upload(tx, key, &blob, tenant)?;
        uploads::delete(tx, key)
    })?;
    Ok(Completion::Stored(blob))
}

/// Finishes every upload whose file holds all its bytes, as found at start-up: what a crash
/// left between the last byte and the move into place becomes a stored photo without waiting
/// for the tablet to come back. Returns how many were stored. Blocking; an upload that
/// cannot be finished is logged and left for its tablet's next request.
///
/// # Errors
/// When the upload directory cannot be listed.
pub fn complete_received_uploads(
    store: &dyn CaseStore,
    blobs: &BlobStore,
    uploads: &Arc<Uploads>,
) -> std::io::Result<usize> {
    let mut stored = 0;
    let mut keys: Vec<String> = blobs.upload_files()?.into_iter().map(|(k, _)| k).collect();
    // Uploads whose file already moved into place without being recorded have a row only.
    match store.read(|tx| uploads::idle(tx, i64::MAX)) {
        Ok(rows) => keys.extend(rows),
        Err(e) => tracing::error!("the uploads in progress could not be listed: {e}"),
    }
    keys.sort();
    keys.dedup();
    for key in keys {
        // Uploads from before they were kept per tenant name no tenant to record; their
        // tablets start them over and the sweep removes them.
        let Some((sha256, tenant)) = parse_upload_key(&key) else {
            continue;
        };
        match complete_if_received(store, blobs, uploads, &key, &sha256, &tenant) {
            Ok(Completion::Stored(blob)) => {
                tracing::info!(sha256 = %blob.sha256, size = blob.size, "photo stored at start-up");
                stored += 1;
            }
            Ok(Completion::Discarded(why)) => {
                tracing::warn!(upload = %key, "a fully received upload was discarded: {why}");
            }
            Ok(Completion::Incomplete | Completion::Busy) => {}
            Err(e) => tracing::error!(upload = %key, "a fully received upload was kept: {e}"),
        }
    }
    Ok(stored)
}

impl From<CompletionError> for AppError {
    fn from(e: CompletionError) -> Self {
        match e {
            CompletionError::Store(e) => e.into(),
            CompletionError::Finish(e) => e.into(),
            CompletionError::Io(e) => e.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use sha2::Digest;

    use super::*;
    use crate::access::Visibility;
    use crate::blobs::uploads::upload_key;
    use crate::store::{SqliteStore, tenants};

    fn photo() -> Vec<u8> {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../assets/photos/orientation-1.jpg"
        );
        std::fs::read(path).unwrap()
    }

    struct Server {
        _dir: tempfile::TempDir,
        store: SqliteStore,
        blobs: BlobStore,
        uploads: Arc<Uploads>,
    }

    fn server() -> Server {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("db.sqlite3")).unwrap();
        for tenant in ["stadt-a", "stadt-b"] {
            store
                .write(|tx| tenants::create(tx, tenant, tenant))
                .unwrap();
        }
        Server {
            store,
            blobs: BlobStore::open(dir.path()).unwrap(),
            uploads: Arc::default(),
            _dir: dir,
        }
    }

    /// An upload of `bytes` as a crash leaves it: the row with the declared size and the
    /// first `written` bytes in the file.
    fn left_by_a_crash(server: &Server, tenant: &str, bytes: &[u8], written: usize) -> Sha256 {
        let sha = Sha256::from_digest(sha2::Sha256::digest(bytes).into());
        let key = upload_key(tenant, &sha);
        server
            .store
            .write(|tx| uploads::put(tx, &key, bytes.len() as u64, "device-1"))
            .unwrap();
        std::fs::write(server.blobs.upload_path(&key), &bytes[..written]).unwrap();
        sha
    }

    /// Asks to finish `tenant`'s upload of `sha`, as a status request would.
    fn ask(server: &Server, tenant: &str, sha: &Sha256) -> Completion {
        let key = upload_key(tenant, sha);
        complete_if_received(
            &server.store,
            &server.blobs,
            &server.uploads,
            &key,
            sha,
            tenant,
        )
        .unwrap()
    }

    fn tenant_knows(server: &Server, tenant: &str, sha: &Sha256) -> bool {
        let visibility = Visibility::Tenant {
            tenant: tenant.to_string(),
        };
        server
            .store
            .read(|tx| blobs::facts(tx, &visibility, sha.as_str()))
            .unwrap()
            .tenant_uploaded
    }

    #[test]
    fn a_fully_received_upload_is_finished_by_whoever_asks() {
        let server = server();
        let bytes = photo();
        let sha = left_by_a_crash(&server, "stadt-a", &bytes, bytes.len());
        let key = upload_key("stadt-a", &sha);

        let claim = server.uploads.acquire(&key).unwrap();
        let busy = ask(&server, "stadt-a", &sha);
        assert!(matches!(busy, Completion::Busy), "{busy:?}");
        drop(claim);

        let done = ask(&server, "stadt-a", &sha);
        let Completion::Stored(blob) = done else {
            panic!("not stored: {done:?}");
        };
        assert_eq!(blob.size, bytes.len() as u64);
        assert_eq!(server.blobs.read(&sha).unwrap(), bytes);
        assert!(tenant_knows(&server, "stadt-a", &sha));
        assert!(!tenant_knows(&server, "stadt-b", &sha));
        assert_eq!(
            server.blobs.received(&key).unwrap(),
            0,
            "the part file is gone"
        );
        assert_eq!(
            server.store.read(|tx| uploads::size(tx, &key)).unwrap(),
            None,
            "so is its row"
        );
    }

    #[test]
    fn a_partial_upload_is_left_for_its_tablet() {
        let server = server();
        let bytes = photo();
        let sha = left_by_a_crash(&server, "stadt-a", &bytes, bytes.len() - 1);
        let key = upload_key("stadt-a", &sha);
        let done = ask(&server, "stadt-a", &sha);
        assert!(matches!(done, Completion::Incomplete), "{done:?}");
        assert_eq!(server.blobs.received(&key).unwrap(), bytes.len() as u64 - 1);
        assert!(!server.blobs.has_blob(&sha));
    }

    #[test]
    fn received_bytes_that_are_not_the_photo_are_discarded_so_the_tablet_starts_over() {
        let server = server();
        let bytes = photo();
        let sha = left_by_a_crash(&server, "stadt-a", &bytes, bytes.len());
        let key = upload_key("stadt-a", &sha);
        // The last byte changed on the way.
        let mut damaged = bytes.clone();
        if let Some(last) = damaged.last_mut() {
            *last ^= 0xff;
        }
        std::fs::write(server.blobs.upload_path(&key), &damaged).unwrap();
        let done = ask(&server, "stadt-a", &sha);
        let Completion::Discarded(why) = done else {
            panic!("not discarded: {done:?}");
        };
        assert!(why.contains("SHA-256"), "{why}");
        assert_eq!(server.blobs.received(&key).unwrap(), 0);
        assert_eq!(
            server.store.read(|tx| uploads::size(tx, &key)).unwrap(),
            None
        );
        assert!(!server.blobs.has_blob(&sha));

        // More bytes than declared cannot become the photo either.
        let sha = left_by_a_crash(&server, "stadt-b", &bytes, bytes.len());
        let key = upload_key("stadt-b", &sha);
        let mut longer = bytes.clone();
        longer.push(0);
        std::fs::write(server.blobs.upload_path(&key), &longer).unwrap();
        let done = ask(&server, "stadt-b", &sha);
        assert!(matches!(done, Completion::Discarded(_)), "{done:?}");
        assert_eq!(server.blobs.received(&key).unwrap(), 0);
    }

    /// The file as the move into place leaves it, with the upload's row still there: a crash
    /// between the move and the record.
    fn moved_but_not_recorded(server: &Server, tenant: &str, bytes: &[u8]) -> Sha256 {
        let sha = left_by_a_crash(server, tenant, bytes, 0);
        let target = server.blobs.blob_path(&sha);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(&target, bytes).unwrap();
        std::fs::remove_file(server.blobs.upload_path(&upload_key(tenant, &sha))).unwrap();
        sha
    }

    #[test]
    fn a_photo_moved_into_place_but_never_recorded_is_recorded_by_whoever_asks() {
        let server = server();
        let bytes = photo();
        let sha = moved_but_not_recorded(&server, "stadt-a", &bytes);
        let key = upload_key("stadt-a", &sha);
        assert!(!tenant_knows(&server, "stadt-a", &sha));
        let done = ask(&server, "stadt-a", &sha);
        let Completion::Stored(blob) = done else {
            panic!("not recorded: {done:?}");
        };
        assert_eq!(
            (blob.size, blob.mime.as_str()),
            (bytes.len() as u64, "image/jpeg")
        );
        assert!(tenant_knows(&server, "stadt-a", &sha));
        assert_eq!(
            server.store.read(|tx| uploads::size(tx, &key)).unwrap(),
            None
        );
    }

    #[test]
    fn another_tenants_stored_photo_is_not_claimed_by_a_leftover_upload_row() {
        let server = server();
        let bytes = photo();
        let sha = left_by_a_crash(&server, "stadt-a", &bytes, bytes.len());
        ask(&server, "stadt-a", &sha);
        // Tenant B's upload of the same address left only its row (e.g. refused bytes whose
        // row outlived a crash): the stored photo is tenant A's, not B's to learn of.
        let key_b = upload_key("stadt-b", &sha);
        server
            .store
            .write(|tx| uploads::put(tx, &key_b, bytes.len() as u64, "device-2"))
            .unwrap();
        let done = ask(&server, "stadt-b", &sha);
        assert!(matches!(done, Completion::Incomplete), "{done:?}");
        assert!(!tenant_knows(&server, "stadt-b", &sha));
    }

    #[test]
    fn start_up_finishes_every_fully_received_upload_and_nothing_else() {
        let server = server();
        let bytes = photo();
        let full = left_by_a_crash(&server, "stadt-a", &bytes, bytes.len());
        let mut other = bytes.clone();
        other.extend_from_slice(b"trailing bytes after the JPEG's end");
        let partial = left_by_a_crash(&server, "stadt-b", &other, 500);
        // An upload begun before uploads were kept per tenant: no tenant to record.
        std::fs::write(server.blobs.upload_path(&"ab".repeat(32)), b"12").unwrap();

        let other_photo = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../assets/photos/orientation-6.jpg"
        ))
        .unwrap();
        let moved = moved_but_not_recorded(&server, "stadt-b", &other_photo);

        let stored =
            complete_received_uploads(&server.store, &server.blobs, &server.uploads).unwrap();
        assert_eq!(stored, 2);
        assert!(tenant_knows(&server, "stadt-b", &moved));
        assert!(server.blobs.has_blob(&full));
        assert!(tenant_knows(&server, "stadt-a", &full));
        assert!(!server.blobs.has_blob(&partial));
        assert_eq!(
            server
                .blobs
                .received(&upload_key("stadt-b", &partial))
                .unwrap(),
            500
        );
    }
}
