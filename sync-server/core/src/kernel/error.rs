//! [`AppError`]: what a request can fail with, as a status, a stable code and a message. The
//! kernel maps it to no body at all: each surface answers it its own way (the sync API as a
//! JSON `ErrorBody`, the back office as an HTML page), so a new surface (Open311, the portal)
//! brings its own format instead of inheriting another's.

use std::any::Any;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use sync_protocol::WireError;
use sync_protocol::http::UploadStatus;

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
    /// The body is in a format the endpoint does not read.
    #[error("{0}")]
    UnsupportedMediaType(String),
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
    /// A request body that did not keep the server's pace (`kernel::body_pace`).
    #[error("{0}")]
    BodyTooSlow(String),
    /// Every place for such requests is taken (`kernel::admission`); answered with
    /// `Retry-After`.
    #[error("{message}")]
    ServerBusy {
        /// What is busy.
        message: String,
        /// When to try again.
        retry_after: std::time::Duration,
    },
    /// The client has as many such requests in progress as it may; answered with
    /// `Retry-After`.
    #[error("{message}")]
    ClientBusy {
        /// What the client has in progress.
        message: String,
        /// When to try again.
        retry_after: std::time::Duration,
    },
    /// A server-side failure; details are logged, not sent.
    #[error("{0}")]
    Internal(String),
}

impl From<std::io::Error> for AppError {
    fn from(e: std::io::Error) -> Self {
        AppError::Internal(format!("file access failed: {e}"))
    }
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
            AppError::UnsupportedMediaType(_) => {
                (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
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
            AppError::BodyTooSlow(_) => (StatusCode::REQUEST_TIMEOUT, "body_too_slow"),
            AppError::ServerBusy { .. } => (StatusCode::SERVICE_UNAVAILABLE, "server_busy"),
            AppError::ClientBusy { .. } => (StatusCode::TOO_MANY_REQUESTS, "client_busy"),
            AppError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }

    /// How long the client should wait before it tries again, for the errors that say so
    /// (answered as `Retry-After`).
    pub fn retry_after(&self) -> Option<std::time::Duration> {
        match self {
            AppError::TooManyRequests { retry_after, .. }
            | AppError::ServerBusy { retry_after, .. }
            | AppError::ClientBusy { retry_after, .. } => Some(*retry_after),
            _ => None,
        }
    }

    /// The message a client may see: internal details are logged, not sent.
    pub fn public_message(&self) -> String {
        match self {
            AppError::Internal(detail) => {
                tracing::error!("internal error: {detail}");
                "the server failed to handle the request; it was logged, try again later".into()
            }
            other => other.to_string(),
        }
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

/// The answer when a handler panicked (for `CatchPanicLayer`), the last resort behind each
/// surface's own: a plain 500, details logged.
pub fn panic_response(_: Box<dyn Any + Send + 'static>) -> Response {
    tracing::error!("a handler panicked");
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        "the server failed to handle the request; it was logged, try again later",
    )
        .into_response()
}
