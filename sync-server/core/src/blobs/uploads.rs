//! Photo uploads in progress, each keyed by tenant and blob ([`upload_key`]): which have a
//! request in flight, the running SHA-256 of each partial upload, and the blocking writer
//! that appends a request's bytes to the `.part` file and hashes them as they arrive.
//!
//! Hashing while receiving is what keeps an upload's cost close to a plain upload's: the
//! complete file is never read back to be hashed. A request that resumes an upload continues
//! from the hash state the previous request left ([`Uploads::take_hash`]); after a restart,
//! or when that state was evicted, the writer hashes the bytes already on disk once.

use std::collections::HashSet;
use std::fs::File;
use std::io::{Read, Write};
use std::num::NonZeroUsize;
use std::path::Path;
use std::sync::mpsc::{SyncSender, sync_channel};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;

use bytes::Bytes;

use lru::LruCache;
use schema::Sha256;
use sha2::Digest;

/// The key of one tenant's upload of the blob `sha256`: partial uploads are kept per tenant,
/// so nothing of one office's upload in progress (that it exists, how far it got, that a
/// request is receiving it) reaches a device of another, which must upload its own copy. Two
/// devices of the same tenant share one, and either may resume it. Safe as a file name.
pub fn upload_key(tenant: &str, sha256: &Sha256) -> String {
    format!("{sha256}-{}", hex::encode(tenant))
}

/// The blob address and the tenant of an upload key ([`upload_key`]); `None` for anything
/// else, including the keys of uploads begun before they were kept per tenant, which name no
/// tenant.
pub fn parse_upload_key(key: &str) -> Option<(Sha256, String)> {
    let (sha, tenant_hex) = key.split_once('-')?;
    let sha: Sha256 = sha.parse().ok()?;
    let tenant = String::from_utf8(hex::decode(tenant_hex).ok()?).ok()?;
    (!tenant.is_empty()).then_some((sha, tenant))
}

/// Whether `text` is an upload key ([`upload_key`]), or a blob address alone: the key of
/// uploads begun before they were kept per tenant, still on disk until they are swept.
pub fn is_upload_key(text: &str) -> bool {
    match text.split_once('-') {
        Some((sha, tenant)) => {
            sha.parse::<Sha256>().is_ok()
                && !tenant.is_empty()
                && tenant.bytes().all(|b| b.is_ascii_hexdigit())
        }
        None => text.parse::<Sha256>().is_ok(),
    }
}

/// How many partial uploads keep their running hash in memory. Abandoned uploads age out;
/// a resumed upload whose state was evicted re-hashes its bytes on disk.
const HASH_STATES: NonZeroUsize = NonZeroUsize::MIN.saturating_add(1023);

/// The server's uploads in progress.
#[derive(Debug)]
pub struct Uploads {
    in_flight: Mutex<HashSet<String>>,
    hashes: Mutex<LruCache<String, RunningHash>>,
}

impl Default for Uploads {
    fn default() -> Self {
        Self {
            in_flight: Mutex::default(),
            hashes: Mutex::new(LruCache::new(HASH_STATES)),
        }
    }
}

/// The SHA-256 of the first `len` bytes of an upload.
#[derive(Debug, Clone, Default)]
pub struct RunningHash {
    len: u64,
    hasher: sha2::Sha256,
}

impl RunningHash {
    /// The address of the bytes that went in (their SHA-256).
    pub fn address(self) -> Sha256 {
        Sha256::from_digest(self.hasher.finalize().into())
    }

    /// How many bytes went in.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether no byte went in yet.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn update(&mut self, bytes: &[u8]) {
        self.hasher.update(bytes);
        self.len = self
            .len
            .saturating_add(u64::try_from(bytes.len()).unwrap_or(u64::MAX));
    }
}

/// Marks an upload as having a request in flight until dropped.
#[derive(Debug)]
pub struct InFlight {
    uploads: Arc<Uploads>,
    key: String,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.uploads
            .in_flight
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&self.key);
    }
}

impl Uploads {
    /// Claims the upload `key` for one request; `None` while another request for it is in flight, so two
    /// requests never interleave their bytes in one file.
    pub fn acquire(self: &Arc<Self>, key: &str) -> Option<InFlight> {
        let inserted = self
            .in_flight
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(key.to_string());
        inserted.then(|| InFlight {
            uploads: self.clone(),
            key: key.to_string(),
        })
    }

    /// The running hash of upload `key` if it covers exactly `received` bytes.
    pub fn take_hash(&self, key: &str, received: u64) -> Option<RunningHash> {
        let state = self
            .hashes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop(key)?;
        (state.len == received).then_some(state)
    }

    /// Keeps the running hash of an unfinished upload for its next request.
    pub fn keep_hash(&self, key: &str, hash: RunningHash) {
        self.hashes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .put(key.to_string(), hash);
    }

    /// Forgets `key`'s running hash (the upload finished or was discarded).
    pub fn forget_hash(&self, key: &str) {
        self.hashes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop(key);
    }
}

/// Appends one request's bytes to a `.part` file and hashes them. Blocking: it lives on a
/// blocking-pool thread while the request's body arrives on the runtime, and hashes on a
/// thread of its own, so receiving, writing, hashing and the final flush to the disk
/// overlap. Hashing is the slowest of them (SHA-256 of a 12 MB photo takes about 8 ms here);
/// in line with the writes it made the upload wait for both.
///
/// The bytes go to the disk while they arrive, too: every [`FLUSH_EVERY`] bytes a flusher
/// thread asks for what is written so far to be made durable ([`Flusher`]). Flushed only at
/// the end, the whole file went to the disk after its last byte (about 7 ms for 12 MB here,
/// partly hidden behind the hash); flushed as it arrives, the tablet's upload of a 12 MB
/// photo took about 2 ms less (BENCHMARKS.md).
#[derive(Debug)]
pub struct PartWriter {
    file: File,
    len: u64,
    to_hash: Option<SyncSender<Bytes>>,
    hashing: Option<JoinHandle<RunningHash>>,
    flusher: Option<Flusher>,
    unflushed: u64,
}

/// Frames written but not yet hashed, at most; the writer waits beyond that.
const HASH_QUEUE: usize = 64;

/// Bytes appended between two requests to the flusher (the idea of RocksDB's
/// `bytes_per_sync`): small enough that little is left for the final flush, large enough
/// that a photo costs a handful of flushes, not hundreds.
pub const FLUSH_EVERY: u64 = 2 << 20;

impl PartWriter {
    /// Opens `path` for appending after its `received` bytes. `hash` is the running hash of
    /// those bytes if known; otherwise they are read and hashed now.
    ///
    /// # Errors
    /// File access errors; a file shorter than `received`.
    pub fn open(path: &Path, received: u64, hash: Option<RunningHash>) -> std::io::Result<Self> {
        let mut hash = match hash {
            Some(hash) => hash,
            None => hash_prefix(path, received)?,
        };
        let file = File::options().create(true).append(true).open(path)?;
        let (to_hash, frames) = sync_channel::<Bytes>(HASH_QUEUE);
        let hashing = std::thread::Builder::new()
            .name("upload-hash".into())
            .spawn(move || {
                for frame in frames {
                    hash.update(&frame);
                }
                hash
            })?;
        Ok(Self {
            file,
            len: received,
            to_hash: Some(to_hash),
            hashing: Some(hashing),
            flusher: None,
            unflushed: 0,
        })
    }

    /// Bytes in the file now.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether the file is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Appends `bytes` and hands them to the hashing thread.
    ///
    /// # Errors
    /// File access errors; the hash then no longer matches the file, so the caller drops it.
    pub fn write(&mut self, bytes: Bytes) -> std::io::Result<()> {
        self.file.write_all(&bytes)?;
        let len = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
        self.len = self.len.saturating_add(len);
        self.unflushed = self.unflushed.saturating_add(len);
        if self.unflushed >= FLUSH_EVERY {
            self.unflushed = 0;
            match &self.flusher {
                Some(flusher) => flusher.request(),
                None => self.flusher = Some(Flusher::start(&self.file)?),
            }
        }
        let sent = self.to_hash.as_ref().map(|to_hash| to_hash.send(bytes));
        match sent {
            Some(Ok(())) => Ok(()),
            _ => Err(std::io::Error::other("the upload's hashing thread stopped")),
        }
    }

    /// Flushes the file; with `durable`, also to the disk (done before a complete upload is
    /// moved into place, so a stored blob's bytes survive a power loss) while the hash of the
    /// last bytes is computed. Returns the running hash of everything in the file.
    ///
    /// # Errors
    /// File access errors.
    pub fn finish(mut self, durable: bool) -> std::io::Result<RunningHash> {
        self.file.flush()?;
        drop(self.to_hash.take());
        // Waited for even when not durable: a flush that failed must not go unreported, as
        // the next flush may then succeed without the lost bytes.
        if let Some(flusher) = self.flusher.take() {
            flusher.finish()?;
        }
        if durable {
            self.file.sync_data()?;
        }
        let hash = self
            .hashing
            .take()
            .map(JoinHandle::join)
            .and_then(Result::ok)
            .ok_or_else(|| std::io::Error::other("hashing the upload failed"))?;
        if hash.len != self.len {
            return Err(std::io::Error::other(format!(
                "{} bytes of the upload were hashed, but {} written",
                hash.len, self.len
            )));
        }
        Ok(hash)
    }
}

/// A thread that flushes an upload's file to the disk on request, while the writer goes on
/// appending. Requests made while it flushes collapse into one.
#[derive(Debug)]
struct Flusher {
    requests: SyncSender<()>,
    thread: JoinHandle<std::io::Result<()>>,
}

impl Flusher {
    /// Starts the thread with a first request.
    fn start(file: &File) -> std::io::Result<Self> {
        let file = file.try_clone()?;
        let (requests, received) = sync_channel::<()>(1);
        let thread = std::thread::Builder::new()
            .name("upload-flush".into())
            .spawn(move || {
                file.sync_data()?;
                for () in received {
                    file.sync_data()?;
                }
                Ok(())
            })?;
        Ok(Self { requests, thread })
    }

    fn request(&self) {
        // Full: a flush is queued already and will cover these bytes too. Disconnected: the
        // thread stopped on an error, which `finish` reports.
        let _ = self.requests.try_send(());
    }

    /// Waits for the flush under way; the first error of any flush.
    fn finish(self) -> std::io::Result<()> {
        drop(self.requests);
        self.thread
            .join()
            .map_err(|_| std::io::Error::other("flushing the upload to the disk failed"))?
    }
}

fn hash_prefix(path: &Path, received: u64) -> std::io::Result<RunningHash> {
    let mut hash = RunningHash::default();
    if received == 0 {
        return Ok(hash);
    }
    let mut file = File::open(path)?.take(received);
    let mut buffer = vec![0; 1 << 20];
    loop {
        let read = file.read(&mut buffer)?;
        if read == 0 {
            break;
        }
        hash.update(buffer.get(..read).unwrap_or_default());
    }
    if hash.len != received {
        return Err(std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            format!(
                "the partial upload has {} bytes, not the {received} recorded",
                hash.len
            ),
        ));
    }
    Ok(hash)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn sha_hex(bytes: &[u8]) -> String {
        hex::encode(sha2::Sha256::digest(bytes))
    }

    #[test]
    fn a_resumed_upload_hashes_like_the_whole_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.part");
        let data: Vec<u8> = (0..300_000u32).map(|i| (i * 7 % 251) as u8).collect();

        let mut first = PartWriter::open(&path, 0, None).unwrap();
        first
            .write(Bytes::copy_from_slice(&data[..100_000]))
            .unwrap();
        let kept = first.finish(false).unwrap();
        assert_eq!(kept.len(), 100_000);

        // Resumed with the kept state, and once more after "a restart" (no state).
        let mut second = PartWriter::open(&path, 100_000, Some(kept)).unwrap();
        second
            .write(Bytes::copy_from_slice(&data[100_000..200_000]))
            .unwrap();
        second.finish(false).unwrap();
        let mut third = PartWriter::open(&path, 200_000, None).unwrap();
        third
            .write(Bytes::copy_from_slice(&data[200_000..]))
            .unwrap();
        let whole = third.finish(true).unwrap();

        assert_eq!(whole.len(), 300_000);
        assert_eq!(whole.address().as_str(), sha_hex(&data));
        assert_eq!(std::fs::read(&path).unwrap(), data);
    }

    #[test]
    fn a_large_upload_goes_to_the_disk_while_it_arrives_and_ends_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("z.part");
        let data: Vec<u8> = (0..(5 * FLUSH_EVERY as usize / 2))
            .map(|i| (i * 13 % 241) as u8)
            .collect();
        let mut writer = PartWriter::open(&path, 0, None).unwrap();
        let mut flushing_from = None;
        for (i, frame) in data.chunks(64 * 1024).enumerate() {
            writer.write(Bytes::copy_from_slice(frame)).unwrap();
            if flushing_from.is_none() && writer.flusher.is_some() {
                flushing_from = Some((i + 1) * 64 * 1024);
            }
        }
        assert_eq!(
            flushing_from,
            Some(FLUSH_EVERY as usize),
            "the flusher starts once {FLUSH_EVERY} bytes are written, not before"
        );
        let whole = writer.finish(true).unwrap();
        let written = whole.len();
        assert_eq!(whole.address().as_str(), sha_hex(&data));
        assert_eq!(std::fs::read(&path).unwrap(), data);

        // A small request does not start a thread for flushing.
        let mut small = PartWriter::open(&path, written, None).unwrap();
        small.write(Bytes::from_static(b"tail")).unwrap();
        assert!(small.flusher.is_none());
        small.finish(false).unwrap();
    }

    #[test]
    fn upload_keys_are_per_tenant_file_names_and_old_names_still_count() {
        let address: Sha256 = "ab".repeat(32).parse().unwrap();
        let sha = address.to_string();
        let a = upload_key("stadt-a", &address);
        assert_ne!(a, upload_key("stadt-b", &address));
        assert_eq!(a, upload_key("stadt-a", &address));
        assert!(is_upload_key(&a));
        assert!(
            is_upload_key(&upload_key("../x/", &address)),
            "any tenant id"
        );
        assert!(!upload_key("../x/", &address).contains('/'));
        assert!(
            is_upload_key(&sha),
            "the key before uploads were per tenant"
        );
        assert_eq!(
            parse_upload_key(&a),
            Some((address.clone(), "stadt-a".to_string()))
        );
        assert_eq!(parse_upload_key(&sha), None, "an old key names no tenant");
        assert_eq!(parse_upload_key(&format!("{sha}-zz")), None);
        assert!(!is_upload_key("notes"));
        assert!(!is_upload_key(&format!("{sha}-")));
        assert!(!is_upload_key(&format!("{sha}-../")));
    }

    #[test]
    fn a_file_shorter_than_recorded_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("y.part");
        std::fs::write(&path, b"abc").unwrap();
        let err = PartWriter::open(&path, 10, None).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::UnexpectedEof);
    }

    #[test]
    fn hash_states_are_used_only_at_their_length_and_requests_do_not_overlap() {
        let uploads = Arc::new(Uploads::default());
        let mut hash = RunningHash::default();
        hash.update(b"12345");
        uploads.keep_hash("a", hash.clone());
        assert!(uploads.take_hash("a", 4).is_none());
        uploads.keep_hash("a", hash);
        assert_eq!(uploads.take_hash("a", 5).map(|h| h.len()), Some(5));
        assert!(uploads.take_hash("a", 5).is_none(), "taken once");

        let claim = uploads.acquire("a").unwrap();
        assert!(uploads.acquire("a").is_none());
        drop(claim);
        assert!(uploads.acquire("a").is_some());
    }
}
