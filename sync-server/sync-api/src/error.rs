//! [`ApiError`]: the sync API's answer to an [`AppError`] — a JSON
//! [`ErrorBody`](sync_protocol::http::ErrorBody) with the error's status and stable code, a
//! conflict that also reads as an `UploadStatus`, and `Retry-After` on a throttled
//! enrollment or a busy server.

use std::any::Any;

use axum::response::{IntoResponse, Response};
use serde::Serialize;
use sync_protocol::http::ErrorBody;

use server_core::kernel::AppError;

/// What a sync API handler fails with.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        ApiError(e)
    }
}

/// An [`ErrorBody`] that also carries an `UploadStatus`, so a client can read a conflict
/// either way.
#[derive(Serialize)]
struct ConflictBody<'a> {
    error: &'a str,
    message: String,
    received: u64,
    complete: bool,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let ApiError(error) = self;
        let (status, code) = error.status_and_code();
        let message = error.public_message();
        if let AppError::UploadConflict { status: upload, .. } = &error {
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
        if matches!(
            error,
            AppError::PayloadTooLarge(_)
                | AppError::Wire(sync_protocol::WireError::TooLarge { .. })
                | AppError::BodyTooSlow(_)
        ) {
            // The rest of the body was not read, so the connection cannot carry another
            // request: saying so keeps a client from sending its next one down it (it would
            // meet a closed socket).
            response.headers_mut().insert(
                axum::http::header::CONNECTION,
                axum::http::HeaderValue::from_static("close"),
            );
        }
        if let Some(retry_after) = error.retry_after() {
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

/// A panic in an API handler, answered like any internal error (details logged).
pub fn panic_response(_: Box<dyn Any + Send + 'static>) -> Response {
    ApiError(AppError::Internal("a handler panicked".into())).into_response()
}
