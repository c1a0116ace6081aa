//! [`PageError`]: the back office's errors as people see them — an HTML page in the page's
//! language with the status of the [`AppError`] behind it, or the way to the login page. The
//! back office's own mapping, so the kernel's errors stay free of HTML.

use axum::response::{IntoResponse, Response};
use schema::Language;

use super::views::{error_page, login_required};
use server_core::kernel::AppError;

/// What a back-office handler can fail with.
#[derive(Debug, thiserror::Error)]
pub enum PageError {
    /// An error shown as an HTML page in `lang`, with the error's status.
    #[error("{error}")]
    Shown {
        /// The error.
        error: AppError,
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

/// Turns an [`AppError`] into a page in the page's language.
pub trait InPage {
    /// The error shown as a page in `lang`.
    fn in_page(self, lang: Language) -> PageError;
}

impl InPage for AppError {
    fn in_page(self, lang: Language) -> PageError {
        PageError::Shown { error: self, lang }
    }
}

impl InPage for PageError {
    fn in_page(self, _: Language) -> PageError {
        self
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match self {
            PageError::Shown { error, lang } => {
                let (status, _) = error.status_and_code();
                error_page(status, &error.public_message(), lang)
            }
            PageError::LoginRequired { redirect, lang } => {
                login_required(redirect.as_deref(), lang)
            }
        }
    }
}
