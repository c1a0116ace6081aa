//! [`PhotoUploads`]: the one owner of photo uploads — their rows in the store, their part
//! files, the requests in flight with their running hashes — and the flow of one upload
//! request through them, as the sync API offers it
//! (`PUT /api/v1/blobs/{sha256}/upload?offset=N&size=S`):
//!
//! - `S` is the size of the whole file, the same on every request for that blob; `N` must
//!   equal what the server has received (`GET …/upload` tells); otherwise 409 with a body
//!   that is both an `ErrorBody` and an `UploadStatus` (`received` is where to resume).
//! - The body's bytes are appended as they arrive, so after a broken connection the bytes
//!   that got through are kept and the tablet resumes from `received`.
//! - When all `S` bytes are there, the server checks the SHA-256 (mismatch: the upload is
//!   discarded, 422 `hash_mismatch`) and that it is a JPEG or PNG photo (422 `not_an_image`),
//!   then stores it and answers `complete: true`.
//! - A blob the server already has answers `complete: true` at once, without reading the
//!   body, if the device may know it is there (`access::may_know_blob`: its tenant uploaded
//!   it, or it may see a case referencing it). Anyone else uploads the bytes like for a new
//!   blob; they are verified as usual and then dropped, the stored blob kept.
//!   `S` over the configured maximum answers 413 before anything is read.
//! - An upload in progress belongs to the device's tenant (`uploads::upload_key`): devices of
//!   the tenant share and resume it; another tenant's device sees nothing of it and uploads
//!   its own copy.
//! - A request that brings bytes takes one of the server's upload slots and one of its
//!   device's (`kernel::admission`: 503 or 429 with `Retry-After` when none is free), and its
//!   body must keep the server's pace (`kernel::body_pace`: 408 when it stalls or trickles;
//!   what arrived is kept, so the tablet resumes from there).
//! - Whoever meets an upload with every byte received finishes it
//!   ([`super::upload_completion`]), and receiving runs as a task of its own, so a request
//!   cut off after its last byte still ends in a stored photo.

use std::sync::Arc;
use std::time::Duration;

use axum::body::{Bytes, HttpBody};
use schema::Sha256;
use sync_protocol::http::UploadStatus;

use super::BlobStore;
use super::upload_completion::{
    Completion, complete_if_received, complete_received_uploads, store_verified,
};
use super::upload_sweep::UploadSweep;
use super::uploads::{PartWriter, RunningHash, Uploads, upload_key};
use crate::access::{self, Device};
use crate::kernel::admission::Admission;
use crate::kernel::body_pace::{BodyPace, PacedBody};
use crate::kernel::config::Traffic;
use crate::kernel::{AppError, blocking};
use crate::store::CaseStore;
use crate::store::{blobs, uploads};

/// Frames of a body on their way to the [`PartWriter`]; a few, so the next frames arrive
/// while earlier ones are written and hashed.
const FRAMES_IN_FLIGHT: usize = 16;

/// The server's photo uploads: see the module documentation.
#[derive(Clone)]
pub struct PhotoUploads {
    store: Arc<dyn CaseStore>,
    blobs: Arc<BlobStore>,
    in_progress: Arc<Uploads>,
    slots: Admission,
    pace: BodyPace,
}

impl PhotoUploads {
    /// The uploads kept in `store` and `blobs`, with none in flight yet, receiving within
    /// the bounds of `traffic`.
    pub fn new(store: Arc<dyn CaseStore>, blobs: Arc<BlobStore>, traffic: &Traffic) -> Self {
        Self {
            store,
            blobs,
            in_progress: Arc::default(),
            slots: Admission::new("photo uploads", traffic.upload_slots, traffic.per_device),
            pace: traffic.body_pace,
        }
    }

    /// What the server has of the blob for this device. An upload whose bytes have all arrived
    /// but which was never finished (the server stopped, or the request broke off, between its
    /// last byte and the move into place) is finished now, so whoever asks next moves it on.
    pub async fn status(&self, principal: &Device, sha: &Sha256) -> Result<UploadStatus, AppError> {
        let store = self.store.clone();
        let blobs = self.blobs.clone();
        let uploads = self.in_progress.clone();
        let key = upload_key(&principal.tenant, sha);
        let tenant = principal.tenant.clone();
        let sha = sha.clone();
        let visibility = access::visibility(principal);
        blocking(move || -> Result<UploadStatus, AppError> {
        let facts = store.read(|tx| blobs::facts(tx, &visibility, sha.as_str()))?;
        if let Some(blob) = facts
            .blob
            .as_ref()
            .filter(|_| access::may_know_blob(&facts))
        {
            return Ok(UploadStatus {
                received: blob.size,
                complete: true,
            });
        }
        match complete_if_received(store.as_ref(), &blobs, &uploads, &key, &sha, &tenant)? {
            Completion::Stored(blob) => {
                tracing::info!(sha256 = %sha, size = blob.size, "photo stored on a later request");
                return Ok(UploadStatus {
                    received: blob.size,
                    complete: true,
                });
            }
            Completion::Discarded(why) => {
                tracing::warn!(sha256 = %sha, "a fully received upload was discarded: {why}");
            }
            Completion::Incomplete | Completion::Busy => {}
        }
        Ok(UploadStatus {
            received: blobs.received(&key)?,
            complete: false,
        })
    })
    .await
    }

    /// Receives one upload request's body from `offset` on, for a photo of `size` bytes in
    /// all, and finishes the upload when it brings the last byte. Runs as a task of its own,
    /// not in the request's future: when the tablet goes away right after its last byte, the
    /// server drops that future, and the upload must still be finished rather than left with
    /// every byte received and nobody to finish it.
    ///
    /// # Errors
    /// [`AppError::UploadConflict`] when another request holds the upload or `offset` is not
    /// what the server has; [`AppError::ServerBusy`] and [`AppError::ClientBusy`] when no
    /// upload slot is free; [`AppError::BadRequest`] for a body that breaks off or is longer
    /// than `size`; [`AppError::BodyTooSlow`] for one that does not keep the pace; [`AppError::HashMismatch`] and [`AppError::NotAnImage`] for refused bytes.
    pub async fn receive<B>(
        &self,
        device: Device,
        sha: Sha256,
        offset: u64,
        size: u64,
        body: B,
    ) -> Result<UploadStatus, AppError>
    where
        B: HttpBody<Data = Bytes> + Unpin + Send + 'static,
        B::Error: std::fmt::Display + Send,
    {
        tokio::spawn(self.clone().receive_now(device, sha, offset, size, body))
            .await
            .map_err(|e| AppError::Internal(format!("the upload stopped unexpectedly: {e}")))?
    }

    /// Finishes what a crash left complete ([`complete_received_uploads`]). Blocking.
    ///
    /// # Errors
    /// When the upload directory cannot be listed.
    pub fn complete_received_at_start(&self) -> std::io::Result<usize> {
        complete_received_uploads(self.store.as_ref(), &self.blobs, &self.in_progress)
    }

    /// The sweep of uploads idle longer than `max_idle`, for the maintenance task.
    pub fn sweep(&self, max_idle: Duration) -> UploadSweep {
        UploadSweep {
            blobs: self.blobs.clone(),
            uploads: self.in_progress.clone(),
            max_idle,
        }
    }

    /// Receives one upload request's body and, when it brings the last byte, finishes the
    /// upload.
    async fn receive_now<B>(
        self,
        principal: Device,
        sha: Sha256,
        offset: u64,
        size: u64,
        body: B,
    ) -> Result<UploadStatus, AppError>
    where
        B: HttpBody<Data = Bytes> + Unpin + Send,
        B::Error: std::fmt::Display + Send,
    {
        let status = self.status(&principal, &sha).await?;
        if status.complete {
            return Ok(status); // deduplicated: the server has these bytes already
        }
        let _slot = self.slots.admit(&principal.device_id)?;
        let key = upload_key(&principal.tenant, &sha);
        let Some(_in_flight) = self.in_progress.acquire(&key) else {
            return Err(AppError::UploadConflict {
                message:
                    "another upload of this photo is in progress; ask for the status and retry"
                        .into(),
                status,
            });
        };

        // Register the upload; a different total size than before means the earlier bytes were
        // for some other claim about this blob, so they are dropped and the upload starts over.
        let received = {
            let store = self.store.clone();
            let blobs = self.blobs.clone();
            let (key, device) = (key.clone(), principal.device_id.clone());
            blocking(move || -> Result<u64, AppError> {
                let declared = store.read(|tx| uploads::size(tx, &key))?;
                if declared.is_some_and(|d| d != size) {
                    blobs.discard_upload(&key)?;
                }
                let received = blobs.received(&key)?;
                if declared != Some(size) || received == 0 {
                    store.write(|tx| uploads::put(tx, &key, size, &device))?;
                }
                Ok(received)
            })
            .await?
        };
        if offset != received {
            return Err(AppError::UploadConflict {
                message: format!(
                    "the server has received {received} bytes of this photo, but the request starts \
                     at {offset}; resume from {received}"
                ),
                status: UploadStatus {
                    received,
                    complete: false,
                },
            });
        }

        let hash = self.append_body(&key, body, received, size).await?;
        if hash.len() < size {
            let received = hash.len();
            self.in_progress.keep_hash(&key, hash);
            return Ok(UploadStatus {
                received,
                complete: false,
            });
        }

        let store = self.store.clone();
        let blobs = self.blobs.clone();
        let actual = hash.address();
        let tenant = principal.tenant.clone();
        blocking(move || -> Result<(), AppError> {
            let blob = store_verified(store.as_ref(), &blobs, &key, &sha, &actual, &tenant)?;
            // From now on the uploader's tenant is told the blob is here.
            tracing::info!(sha256 = %sha, size = blob.size, "photo stored");
            Ok(())
        })
        .await?;
        Ok(UploadStatus {
            received: size,
            complete: true,
        })
    }

    /// Appends the body to the file of upload `key` as it arrives, hashing it on the way
    /// ([`PartWriter`]); returns the running hash of everything now received. Bytes that arrived
    /// before a broken connection are kept, and so is their hash, for the next request.
    async fn append_body<B>(
        &self,
        key: &str,
        body: B,
        received: u64,
        size: u64,
    ) -> Result<RunningHash, AppError>
    where
        B: HttpBody<Data = Bytes> + Unpin + Send,
        B::Error: std::fmt::Display + Send,
    {
        let path = self.blobs.upload_path(key);
        let known = self.in_progress.take_hash(key, received);
        let (frames, mut to_write) = tokio::sync::mpsc::channel::<Bytes>(FRAMES_IN_FLIGHT);
        let writer = tokio::task::spawn_blocking(move || -> std::io::Result<RunningHash> {
            let mut writer = PartWriter::open(&path, received, known)?;
            while let Some(bytes) = to_write.blocking_recv() {
                writer.write(bytes)?;
            }
            let complete = writer.len() >= size;
            writer.finish(complete)
        });

        let mut body = PacedBody::new(body, self.pace);
        let mut total = received;
        let outcome = loop {
            let data = match body.next_data().await {
                Ok(Some(data)) => data,
                Ok(None) => break Ok(()),
                Err(e) => break Err(e),
            };
            let len = u64::try_from(data.len()).unwrap_or(u64::MAX);
            if total.saturating_add(len) > size {
                break Err(AppError::BadRequest(format!(
                    "the body carries more bytes than the declared size {size}; the server keeps the \
                     first {total}"
                )));
            }
            if frames.send(data).await.is_err() {
                break Ok(()); // the writer stopped on an error, which it returns below
            }
            total += len;
        };
        drop(frames);
        let written = writer.await.map_err(|e| {
            AppError::Internal(format!("the upload writer stopped unexpectedly: {e}"))
        });
        match (outcome, written) {
            (_, Err(e)) => Err(e),
            (_, Ok(Err(e))) => {
                // The file may now hold bytes the hash does not cover: start this photo over.
                self.in_progress.forget_hash(key);
                self.blobs.discard_upload(key)?;
                Err(e.into())
            }
            (Ok(()), Ok(Ok(hash))) => Ok(hash),
            // Every byte is here, although the request broke off before its end (the tablet went
            // away right after its last byte): the upload is finished all the same.
            (Err(_), Ok(Ok(hash))) if hash.len() >= size => Ok(hash),
            (Err(e), Ok(Ok(hash))) => {
                self.in_progress.keep_hash(key, hash);
                Err(e)
            }
        }
    }
}
