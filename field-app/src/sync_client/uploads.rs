//! Photo uploads from the outbox: chunked and resumable.
//!
//! A photo never tried before is sent at once from its first byte
//! (`PUT …/upload?offset=0&size=S`), in one streamed request unless
//! [`SyncClient::with_chunk_bytes`] asks for smaller ones: asking first would cost every photo
//! a round trip (on a mobile network, tens of milliseconds) to learn what is almost always
//! "nothing yet", and the PUT's answer says it anyway when the server has more (`complete`,
//! or a 409 with where to resume). A photo tried before asks first how much the server has
//! (`GET …/upload`) and sends only the rest. After a dropped connection it asks again and
//! continues from what the server confirms; a 409 (the server's offset differs from ours) is
//! answered the same way, and so is a 408 (the server cut off a body that came too slowly).
//! A server without room for another upload (503, or 429) leaves this and the remaining
//! photos queued for the next sync. When the server has every byte but has not finished the
//! upload (it stopped, or the connection broke, right after the last byte), an empty request
//! at the end
//! asks it to finish. Every confirmed request is recorded in
//! the outbox; the progress callback, which the GUI shows, hears of every piece handed to the
//! connection.
//!
//! The tablet does not hash a photo again before sending it: the server hashes what arrives,
//! and only when it answers `hash_mismatch` does the tablet check its own copy, to tell a
//! damaged file on the tablet from damage on the way. Nor does it read the photo into memory
//! first: a request streams the file, so reading overlaps sending.

use std::io::SeekFrom;
use std::path::PathBuf;

use bytes::{Bytes, BytesMut};
use sync_protocol::http::{BLOBS, UploadStatus};
use tokio::io::{AsyncReadExt, AsyncSeekExt};

use super::SyncClient;
use crate::error::{FieldAppError, Result};
use crate::store::LocalStore;
use crate::store::outbox::PendingUpload;

/// Whether the server refused for want of room (503, or 429 for this device's requests in
/// progress): the other photos would be refused alike.
fn server_busy(e: &FieldAppError) -> bool {
    matches!(
        e,
        FieldAppError::Server {
            status: 429 | 503,
            ..
        }
    )
}

/// How often one photo's upload is resumed after a dropped connection within one run.
const MAX_RESUMES: u32 = 3;

/// The pause before asking again after a 409, once per 409 of the same photo so far.
const CONFLICT_PAUSE: std::time::Duration = std::time::Duration::from_millis(150);

/// How many bytes of a request body go to the connection at a time, and so how often
/// progress is reported while a request is under way.
const PIECE_BYTES: usize = 256 * 1024;

/// Progress of one photo's upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadProgress {
    /// The photo's address.
    pub sha256: String,
    /// Bytes sent (during a request) or confirmed by the server (after it).
    pub received: u64,
    /// All bytes.
    pub size: u64,
}

/// What the upload part of a sync did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UploadReport {
    /// Photos now complete on the server.
    pub completed: Vec<String>,
    /// Bytes the server confirmed in this run.
    pub bytes_uploaded: u64,
    /// Photos that failed for a reason other than the network, with the reason; they stay
    /// queued.
    pub failed: Vec<(String, String)>,
}

impl SyncClient {
    /// Uploads every queued photo. Stops at the first network or authorization failure (the
    /// rest waits for the next sync); other failures are reported per photo and the others
    /// go on.
    ///
    /// # Errors
    /// [`FieldAppError::Offline`], [`FieldAppError::DeviceRevoked`], [`FieldAppError::Store`].
    pub async fn upload_pending(
        &self,
        store: &mut LocalStore,
        progress: &mut (dyn FnMut(&UploadProgress) + Send),
    ) -> Result<UploadReport> {
        let mut report = UploadReport::default();
        for item in store.pending_uploads()? {
            match self.upload_one(store, &item, progress, &mut report).await {
                Ok(()) => {
                    store.complete_upload(&item.sha256)?;
                    report.completed.push(item.sha256.clone());
                }
                Err(e @ (FieldAppError::Offline { .. } | FieldAppError::DeviceRevoked { .. })) => {
                    store.record_upload_error(&item.sha256, &e.to_string())?;
                    return Err(e);
                }
                Err(e @ FieldAppError::Store(_)) => return Err(e),
                Err(e) => {
                    tracing::warn!(sha256 = %item.sha256, error = %e, "a photo upload failed; it stays queued");
                    store.record_upload_error(&item.sha256, &e.to_string())?;
                    report.failed.push((item.sha256.clone(), e.to_string()));
                    if server_busy(&e) {
                        // The rest would be refused alike: they wait for the next sync.
                        break;
                    }
                }
            }
        }
        Ok(report)
    }

    async fn upload_one(
        &self,
        store: &mut LocalStore,
        item: &PendingUpload,
        progress: &mut (dyn FnMut(&UploadProgress) + Send),
        report: &mut UploadReport,
    ) -> Result<()> {
        let (path, size) = store.blob_to_upload(&item.sha256)?;
        let never_tried = item.uploaded == 0 && item.last_error.is_none();
        let mut status = if never_tried {
            UploadStatus {
                received: 0,
                complete: false,
            }
        } else {
            self.upload_status(&item.sha256).await?
        };
        let mut resumes = 0;
        let mut conflicts = 0;
        let mut asked_to_finish = false;
        loop {
            if status.complete {
                progress(&UploadProgress {
                    sha256: item.sha256.clone(),
                    received: size,
                    size,
                });
                return Ok(());
            }
            let offset = status.received;
            if offset > size || (offset == size && asked_to_finish) {
                return Err(FieldAppError::UploadUnfinished {
                    sha256: item.sha256.clone(),
                    received: offset,
                    size,
                });
            }
            // The server has every byte but did not finish the upload: it stopped, or the
            // connection broke, right after the last byte. An empty request at the end asks it
            // to finish now (a server of this version also does so when asked for the status).
            asked_to_finish |= offset == size;
            let chunk = size
                .saturating_sub(offset)
                .min(u64::try_from(self.chunk_bytes).unwrap_or(u64::MAX));
            let body = FileRange {
                path: path.clone(),
                offset,
                len: chunk,
            };
            match self
                .put_body(&item.sha256, offset, size, body, progress)
                .await
            {
                Ok(next) if chunk > 0 && !next.complete && next.received <= offset => {
                    // Nothing arrived although the request succeeded: the file is shorter
                    // than it was when the upload began.
                    return Err(FieldAppError::CorruptBlob {
                        sha256: item.sha256.clone(),
                    });
                }
                Ok(next) => {
                    report.bytes_uploaded += next.received.saturating_sub(offset);
                    if !next.complete {
                        // A complete one leaves the outbox right after; no need to write twice.
                        store.record_upload_progress(&item.sha256, next.received)?;
                    }
                    progress(&UploadProgress {
                        sha256: item.sha256.clone(),
                        received: next.received,
                        size,
                    });
                    status = next;
                }
                Err(FieldAppError::Server { status: 409, .. }) if conflicts < MAX_RESUMES => {
                    conflicts += 1;
                    // Another request holds the upload, often one that is finishing it (the
                    // tablet's own, cut off a moment ago): give it time before asking again,
                    // and ask it to finish once more if it still has not.
                    tokio::time::sleep(CONFLICT_PAUSE * conflicts).await;
                    asked_to_finish = false;
                    status = self.upload_status(&item.sha256).await?;
                }
                Err(FieldAppError::Offline { .. } | FieldAppError::Server { status: 408, .. })
                    if resumes < MAX_RESUMES =>
                {
                    // The connection dropped mid-request, or the server cut off a body that
                    // came too slowly: ask what arrived, send only the rest.
                    resumes += 1;
                    let before = offset;
                    status = self.upload_status(&item.sha256).await?;
                    report.bytes_uploaded += status.received.saturating_sub(before);
                    store.record_upload_progress(&item.sha256, status.received)?;
                }
                Err(e @ FieldAppError::Server { status: 422, .. }) => {
                    // The server hashed something else than the address says: if the tablet's
                    // own copy is damaged, say so, since sending it again cannot help.
                    store.read_blob(&item.sha256)?;
                    return Err(e);
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// How much of a blob the server has.
    ///
    /// # Errors
    /// [`FieldAppError::Offline`], [`FieldAppError::DeviceRevoked`], [`FieldAppError::Server`],
    /// [`FieldAppError::Protocol`].
    pub async fn upload_status(&self, sha256: &str) -> Result<UploadStatus> {
        let url = self.url(&format!("{BLOBS}/{sha256}/upload"));
        let response = self.send(self.authorized(self.http.get(url))?).await?;
        self.json(response, "upload status").await
    }

    /// Streams `body` as the bytes from `offset` on, reporting each piece handed to the
    /// connection, and returns what the server then has.
    async fn put_body(
        &self,
        sha256: &str,
        offset: u64,
        size: u64,
        body: FileRange,
        progress: &mut (dyn FnMut(&UploadProgress) + Send),
    ) -> Result<UploadStatus> {
        let url = self.url(&format!(
            "{BLOBS}/{sha256}/upload?offset={offset}&size={size}"
        ));
        let (sent_tx, mut sent_rx) = tokio::sync::mpsc::unbounded_channel::<u64>();
        let reader = body.open().await?;
        let pieces = futures_util::stream::try_unfold(reader, move |mut reader| {
            let sent_tx = sent_tx.clone();
            async move {
                let piece = read_piece(&mut reader).await?;
                if piece.is_empty() {
                    return Ok(None);
                }
                // The receiver is gone only once the request finished; nothing to report then.
                let _ = sent_tx.send(piece.len() as u64);
                Ok::<_, std::io::Error>(Some((piece, reader)))
            }
        });
        let request = self
            .authorized(self.http.put(url))?
            .header(reqwest::header::CONTENT_TYPE, "application/octet-stream")
            .body(reqwest::Body::wrap_stream(pieces));
        let response = self.send(request);
        tokio::pin!(response);
        let mut sent = offset;
        let response = loop {
            tokio::select! {
                response = &mut response => break response?,
                Some(piece) = sent_rx.recv() => {
                    sent += piece;
                    progress(&UploadProgress { sha256: sha256.to_string(), received: sent, size });
                }
            }
        };
        self.json(response, "upload status").await
    }
}

/// The bytes `offset..offset + len` of a photo's file, the body of one request.
#[derive(Debug)]
struct FileRange {
    path: PathBuf,
    offset: u64,
    len: u64,
}

impl FileRange {
    async fn open(&self) -> Result<tokio::io::Take<tokio::fs::File>> {
        let io = |e| FieldAppError::io(&self.path, e);
        let mut file = tokio::fs::File::open(&self.path).await.map_err(io)?;
        file.seek(SeekFrom::Start(self.offset)).await.map_err(io)?;
        Ok(file.take(self.len))
    }
}

/// The next piece of up to [`PIECE_BYTES`]; empty at the end.
async fn read_piece(reader: &mut tokio::io::Take<tokio::fs::File>) -> std::io::Result<Bytes> {
    let mut piece = BytesMut::with_capacity(PIECE_BYTES);
    while piece.len() < PIECE_BYTES {
        if reader.read_buf(&mut piece).await? == 0 {
            break;
        }
    }
    Ok(piece.freeze())
}
