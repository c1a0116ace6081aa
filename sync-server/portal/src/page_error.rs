//! [`PageError`]: the portal's errors as citizens see them — an HTML page in the page's
//! language with the status of the [`AppError`] behind it. The portal's own mapping, so the
//! kernel's errors stay free of HTML and the back office's pages stay its own.

use axum::http::HeaderValue;
use axum::http::header::RETRY_AFTER;
use axum::response::{IntoResponse, Response};
use schema::Language;
use server_core::kernel::AppError;

use crate::frame;

/// What a portal handler can fail with: an error shown as a page.
#[derive(Debug, thiserror::Error)]
#[error("{error}")]
pub struct PageError {
    error: AppError,
    lang: Language,
}

impl PageError {
    /// `error`, shown as a page in `lang`.
    pub fn new(error: AppError, lang: Language) -> Self {
        Self { error, lang }
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let (status, _) = self.error.status_and_code();
        let retry_after = match &self.error {
            AppError::TooManyRequests { retry_after, .. } => Some(retry_after.as_secs().max(1)),
            _ => None,
        };
        let mut response = frame::error_page(status, &self.error.public_message(), self.lang);
        if let Some(secs) = retry_after
            && let Ok(value) = HeaderValue::from_str(&secs.to_string())
        {
            response.headers_mut().insert(RETRY_AFTER, value);
        }
        response
    }
}
