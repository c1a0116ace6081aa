//! [`AppState`], what every handler of every surface shares, and [`SyncRounds`].

use std::sync::Arc;

use axum::extract::FromRef;

use crate::blobs::BlobStore;
use crate::blobs::photo_uploads::PhotoUploads;
use crate::kernel::AppError;
use crate::kernel::config::Config;
use crate::services::case_cache::CaseCache;
use crate::services::doc_cache::DocCache;
use crate::services::mail::Outbox;
use crate::services::sync_bodies::SyncBodies;
use crate::store::CaseStore;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The store.
    pub store: Arc<dyn CaseStore>,
    /// The blob files.
    pub blobs: Arc<BlobStore>,
    /// The configuration the server started with.
    pub config: Arc<Config>,
    /// Photo uploads: their one owner.
    pub uploads: PhotoUploads,
    /// Documents kept loaded between sync rounds.
    pub documents: Arc<DocCache>,
    /// Sync bodies on their way in ([`SyncBodies`]).
    pub sync_bodies: SyncBodies,
    /// Sync rounds working at the same time ([`SyncRounds`]).
    pub sync_rounds: SyncRounds,
    /// The e-mail outbox's sender, to wake after queueing a mail.
    pub mail: Outbox,
    /// Hydrated cases by heads, for pages that read one case many times.
    pub cases: Arc<CaseCache>,
}

impl FromRef<AppState> for Arc<Config> {
    fn from_ref(state: &AppState) -> Self {
        state.config.clone()
    }
}

/// Bounds the sync rounds that work at the same time to about the number of cores.
///
/// Rounds are CPU-bound; running hundreds at once (a fleet of tablets syncing at shift end)
/// only adds blocking-pool threads, SQLite connections beyond the pool and memory, and makes
/// every round wait for all the others. Queued rounds wait here, cheaply, in arrival order.
#[derive(Clone, Debug)]
pub struct SyncRounds(Arc<tokio::sync::Semaphore>);

impl Default for SyncRounds {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        // One more than the cores, so a round's SQLite commit overlaps another's CPU work.
        Self(Arc::new(tokio::sync::Semaphore::new(cores + 1)))
    }
}

impl SyncRounds {
    /// Waits for a turn; the round works while the returned permit lives.
    ///
    /// # Errors
    /// [`AppError::Internal`] if the server is shutting down.
    pub async fn turn(&self) -> Result<tokio::sync::SemaphorePermit<'_>, AppError> {
        self.0
            .acquire()
            .await
            .map_err(|_| AppError::Internal("the server is shutting down; sync again".into()))
    }
}
