//! The HTTP adapter: the router, the state every handler shares, and [`AppError`], the one
//! error type at the server boundary with its one mapping to a status and an
//! [`ErrorBody`] (JSON, for the API) or an HTML page ([`AppError::Page`], for the back office's
//! browsers).
//!
//! Handlers are thin: they extract, ask `access` through the [`Principal`] they get, run the
//! store and the sync core in `spawn_blocking` ([`blocking`]) and turn the outcome into a
//! response.

mod blobs;
mod client_addr;
mod enroll;
mod sync;
mod templates;

use std::any::Any;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use schema::Language;
use serde::Serialize;
use sync_protocol::WireError;
use sync_protocol::http::{BLOBS, ENROLL, ErrorBody, SYNC, TEMPLATES, UploadStatus};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::TraceLayer;

#[cfg(doc)]
use crate::access::Principal;
use crate::auth::AuthError;
use crate::blobs::{BlobStore, FinishError, ThumbnailError};
use crate::config::Config;
use crate::doc_cache::DocCache;
use crate::store::{CaseStore, StoreError};
use crate::throttle::LoginThrottle;
use crate::upload_completion::CompletionError;
use crate::uploads::Uploads;

pub use client_addr::{ClientAddr, client_ip};

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The store.
    pub store: Arc<dyn CaseStore>,
    /// The blob files.
    pub blobs: Arc<BlobStore>,
    /// The configuration the server started with.
    pub config: Arc<Config>,
    /// Photo uploads in progress: requests in flight and running hashes.
    pub uploads: Arc<Uploads>,
    /// Documents kept loaded between sync rounds.
    pub documents: Arc<DocCache>,
    /// Sync rounds working at the same time ([`SyncRounds`]).
    pub sync_rounds: SyncRounds,
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

/// Everything a request can fail with, mapped to HTTP in one place ([`IntoResponse`]).
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// No or an unknown or revoked token, or wrong credentials.
    #[error("{0}")]
    Unauthorized(String),
    /// Authenticated, but not allowed.
    #[error("{0}")]
    Forbidden(String),
    /// Nothing there (or nothing this device may see).
    #[error("{0}")]
    NotFound(String),
    /// A case references the photo, but its bytes have not been uploaded yet.
    #[error(
        "photo {0} is referenced by a case but its upload has not finished; try again after the \
         tablet's next sync"
    )]
    PhotoStillUploading(String),
    /// The request is malformed.
    #[error("{0}")]
    BadRequest(String),
    /// A sync body that cannot be read.
    #[error(transparent)]
    Wire(#[from] WireError),
    /// A body over the limit.
    #[error("{0}")]
    PayloadTooLarge(String),
    /// An upload chunk that does not continue what was received.
    #[error("{message}")]
    UploadConflict {
        /// What went wrong.
        message: String,
        /// What the server has; resume from `received`.
        status: UploadStatus,
    },
    /// The uploaded bytes do not have the announced SHA-256.
    #[error("{0}")]
    HashMismatch(String),
    /// The uploaded bytes are not a photo.
    #[error("{0}")]
    NotAnImage(String),
    /// The request conflicts with the current state (e.g. the case moved on meanwhile).
    #[error("{0}")]
    Conflict(String),
    /// Too many failed attempts (enrollment's sign-in throttle); answered with `Retry-After`.
    #[error("{message}")]
    TooManyRequests {
        /// What happened and when to try again.
        message: String,
        /// How long until the next attempt is checked.
        retry_after: std::time::Duration,
    },
    /// A server-side failure; details are logged, not sent.
    #[error("{0}")]
    Internal(String),
    /// An error for a person in a browser: the same status, shown as an HTML page in
    /// `lang` instead of a JSON body.
    #[error("{error}")]
    Page {
        /// The error.
        error: Box<AppError>,
        /// The page's language.
        lang: Language,
    },
    /// The back office needs a signed-in staff member: a redirect to the login page for a
    /// page (`redirect` is the path to come back to), else a 401 page.
    #[error("sign in to the back office first")]
    LoginRequired {
        /// Where to go after login; `None` answers 401 instead of redirecting.
        redirect: Option<String>,
        /// The page's language.
        lang: Language,
    },
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(m) => AppError::NotFound(m),
            StoreError::Refused(m) => AppError::Conflict(m),
            e @ (StoreError::StillAssigned { .. } | StoreError::TemplateNotNewer { .. }) => {
                AppError::Conflict(e.to_string())
            }
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl From<AuthError> for AppError {
    fn from(e: AuthError) -> Self {
        AppError::Internal(e.to_string())
    }
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

impl From<CompletionError> for AppError {
    fn from(e: CompletionError) -> Self {
        match e {
            CompletionError::Store(e) => e.into(),
            CompletionError::Finish(e) => e.into(),
            CompletionError::Io(e) => e.into(),
        }
    }
}

impl From<ThumbnailError> for AppError {
    fn from(e: ThumbnailError) -> Self {
        AppError::Internal(e.to_string())
    }
}

impl From<std::io::Error> for AppError {
    fn from(e: std::io::Error) -> Self {
        AppError::Internal(format!("file access failed: {e}"))
    }
}

/// An [`ErrorBody`] that also carries an [`UploadStatus`], so a client can read a conflict
/// either way.
#[derive(Serialize)]
struct ConflictBody<'a> {
    error: &'a str,
    message: String,
    received: u64,
    complete: bool,
}

impl AppError {
    /// The status and the stable machine-readable code.
    pub fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            AppError::Unauthorized(_) => (StatusCode::UNAUTHORIZED, "unauthorized"),
            AppError::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
            AppError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            AppError::PhotoStillUploading(_) => (StatusCode::NOT_FOUND, "photo_still_uploading"),
            AppError::BadRequest(_) => (StatusCode::BAD_REQUEST, "bad_request"),
            AppError::Wire(WireError::TooLarge { .. }) | AppError::PayloadTooLarge(_) => {
                (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large")
            }
            AppError::Wire(WireError::Malformed(_)) => (StatusCode::BAD_REQUEST, "malformed_body"),
            AppError::Wire(WireError::Version { .. }) => {
                (StatusCode::BAD_REQUEST, "unsupported_protocol_version")
            }
            AppError::Wire(WireError::TooManyDocuments { .. }) => {
                (StatusCode::PAYLOAD_TOO_LARGE, "too_many_documents")
            }
            AppError::Wire(WireError::DuplicateDocument(_)) => {
                (StatusCode::BAD_REQUEST, "duplicate_document")
            }
            AppError::UploadConflict { .. } => (StatusCode::CONFLICT, "upload_offset_mismatch"),
            AppError::HashMismatch(_) => (StatusCode::UNPROCESSABLE_ENTITY, "hash_mismatch"),
            AppError::NotAnImage(_) => (StatusCode::UNPROCESSABLE_ENTITY, "not_an_image"),
            AppError::Conflict(_) => (StatusCode::CONFLICT, "conflict"),
            AppError::TooManyRequests { .. } => {
                (StatusCode::TOO_MANY_REQUESTS, "too_many_attempts")
            }
            AppError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
            AppError::Page { error, .. } => error.status_and_code(),
            AppError::LoginRequired { .. } => (StatusCode::UNAUTHORIZED, "login_required"),
        }
    }

    /// The message a client may see: internal details are logged, not sent.
    pub fn public_message(&self) -> String {
        match self {
            AppError::Internal(detail) => {
                tracing::error!("internal error: {detail}");
                "the server failed to handle the request; it was logged, try again later".into()
            }
            AppError::Page { error, .. } => error.public_message(),
            other => other.to_string(),
        }
    }

    /// The same error shown as an HTML page in `lang` (for back-office handlers).
    pub fn in_page(self, lang: Language) -> AppError {
        match self {
            AppError::Page { .. } | AppError::LoginRequired { .. } => self,
            error => AppError::Page {
                error: Box::new(error),
                lang,
            },
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        match &self {
            AppError::Page { lang, .. } => {
                return crate::backoffice::error_page(status, &self.public_message(), *lang);
            }
            AppError::LoginRequired { redirect, lang } => {
                return crate::backoffice::login_required(redirect.as_deref(), *lang);
            }
            _ => {}
        }
        let message = self.public_message();
        if let AppError::UploadConflict { status: upload, .. } = &self {
            let body = ConflictBody {
                error: code,
                message,
                received: upload.received,
                complete: upload.complete,
            };
            return (status, axum::Json(body)).into_response();
        }
        let body = ErrorBody {
            error: code.into(),
            message,
        };
        let mut response = (status, axum::Json(body)).into_response();
        if let AppError::TooManyRequests { retry_after, .. } = &self {
            // Whole seconds, rounded up, so a client that waits that long is let in.
            let seconds = retry_after.as_secs().saturating_add(1);
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from(seconds),
            );
        }
        response
    }
}

/// Runs blocking work (the store, the sync core, hashing, image decoding) off the async
/// threads.
///
/// # Errors
/// The work's error, or [`AppError::Internal`] when the task failed.
pub async fn blocking<T, E>(
    work: impl FnOnce() -> Result<T, E> + Send + 'static,
) -> Result<T, AppError>
where
    T: Send + 'static,
    E: Send + 'static,
    AppError: From<E>,
{
    match tokio::task::spawn_blocking(work).await {
        Ok(result) => result.map_err(AppError::from),
        Err(e) => Err(AppError::Internal(format!("a background task failed: {e}"))),
    }
}

fn panic_response(_: Box<dyn Any + Send + 'static>) -> Response {
    AppError::Internal("a handler panicked".into()).into_response()
}

async fn not_found() -> AppError {
    AppError::NotFound("there is no such API path; see sync_protocol::http for the API".into())
}

/// The router with every API path, for the given state.
pub fn router(state: AppState) -> Router {
    let sync_limit = state.config.limits.max_body_bytes;
    Router::new()
        .route(
            ENROLL,
            // One throttle per router, so every server (and every test server) counts its own.
            post(enroll::enroll).layer(axum::Extension(Arc::new(LoginThrottle::default()))),
        )
        .route(
            SYNC,
            post(sync::sync).layer(DefaultBodyLimit::max(sync_limit)),
        )
        .route(TEMPLATES, get(templates::list))
        .route(
            &format!("{TEMPLATES}/{{id}}/{{version}}"),
            get(templates::get_one),
        )
        .route(&format!("{BLOBS}/{{sha}}"), get(blobs::original))
        .route(&format!("{BLOBS}/{{sha}}/thumbnail"), get(blobs::thumbnail))
        .route(
            &format!("{BLOBS}/{{sha}}/upload"),
            get(blobs::status).put(blobs::upload),
        )
        .route("/health", get(|| async { "ok" }))
        .nest(crate::backoffice::BASE, crate::backoffice::router())
        .fallback(not_found)
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
