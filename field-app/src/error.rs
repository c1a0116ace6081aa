//! The one error type at the crate boundary.
//!
//! Every message says what happened and what the officer (or the GUI) should do next. Nothing
//! typed or photographed is lost by any of these errors: local work stays in the store.

use std::path::PathBuf;

/// Everything that can go wrong on the tablet side.
#[derive(Debug, thiserror::Error)]
pub enum FieldAppError {
    /// The server cannot be reached (no network, DNS, timeout, connection dropped).
    #[error(
        "cannot reach the server at {server} ({detail}); your work is kept on this tablet, sync again when the tablet is online"
    )]
    Offline {
        /// The server's URL.
        server: String,
        /// What the network layer reported.
        detail: String,
    },
    /// The server no longer accepts the device's token.
    #[error(
        "the server no longer accepts this tablet (device revoked or token invalid: {detail}); your cases are kept on this tablet — enroll again with `field-app enroll`, then sync"
    )]
    DeviceRevoked {
        /// The server's explanation.
        detail: String,
    },
    /// The tablet has no enrollment yet.
    #[error(
        "this tablet is not enrolled yet; enroll it first with `field-app enroll --server URL --username U --password P`"
    )]
    NotEnrolled,
    /// The server answered with an error status.
    #[error("the server refused the request ({status} {code}): {message}")]
    Server {
        /// HTTP status code.
        status: u16,
        /// The machine-readable code of the error body (`unknown` when there was none).
        code: String,
        /// The server's explanation, or the body as received.
        message: String,
    },
    /// The server refused one case of a sync (another tenant, not the officer's, damaged). The
    /// case is kept on the tablet; the other cases of the run went on.
    #[error(
        "the server refused case {case} ({reason}: {detail}); the case is kept on this tablet — ask the back office to check it"
    )]
    Refused {
        /// The case.
        case: schema::CaseId,
        /// Why, for programs (`forbidden`, `malformed`, `too_large`, `refused`).
        reason: String,
        /// Why, for people.
        detail: String,
    },
    /// The server answered something this build does not understand.
    #[error(
        "the server's answer could not be read ({0}); the app or the server may need an update"
    )]
    Protocol(String),
    /// The local SQLite store failed.
    #[error(
        "the local store failed ({0}); nothing was changed by this action — try again, and if it persists, contact support before reinstalling the app"
    )]
    Store(#[from] Box<rusqlite::Error>),
    /// The local store's layout could not be brought up to this version of the app; the
    /// upgrade was undone, so the store is as the older app left it.
    #[error(
        "the local store in {dir} could not be upgraded to this version of the app ({source}); it was left as it was — try again, and if it persists, contact support before reinstalling the app"
    )]
    StoreUpgrade {
        /// The data directory.
        dir: PathBuf,
        /// What failed, with the layout version whose step it was.
        #[source]
        source: Box<sqlite_migrations::MigrationError<FieldAppError>>,
    },
    /// A file could not be read or written.
    #[error("cannot access {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The domain model refused the operation (corrupt document, workflow, template).
    #[error(transparent)]
    Schema(#[from] Box<schema::Error>),
    /// A photo or annotation was refused.
    #[error(transparent)]
    Photo(#[from] Box<annotate::AnnotateError>),
    /// A case, template, field, photo or blob does not exist here.
    #[error("{0}")]
    NotFound(String),
    /// The input given by the user is not valid.
    #[error("{0}")]
    Invalid(String),
    /// Stored bytes do not match their SHA-256 address.
    #[error(
        "the stored photo {sha256} is damaged (its bytes no longer match their SHA-256); take the photo again or restore it from a backup"
    )]
    CorruptBlob {
        /// The blob's address.
        sha256: String,
    },
    /// The server holds a photo's bytes but did not finish storing it, even when asked to.
    #[error(
        "the server holds {received} of the {size} bytes of photo {sha256} but has not finished storing it; the photo stays queued on this tablet — sync again later"
    )]
    UploadUnfinished {
        /// The photo's address.
        sha256: String,
        /// The bytes the server reports.
        received: u64,
        /// All bytes.
        size: u64,
    },
    /// A sync reached the server, but photos could not be uploaded and stay queued.
    #[error(
        "{count} photo(s) could not be uploaded and stay queued on this tablet (first: {first}); they are kept — sync again, and if it persists, ask the back office"
    )]
    UploadsQueued {
        /// How many photos stay queued.
        count: usize,
        /// The first of them with the reason.
        first: String,
    },
    /// A sync run cannot go on (it resumes with the next attempt).
    #[error(transparent)]
    Sync(#[from] sync_protocol::ProtocolError),
}

impl FieldAppError {
    /// An IO error on `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        FieldAppError::Io {
            path: path.into(),
            source,
        }
    }

    /// Whether the error means "try again later, when online" (nothing is wrong locally).
    pub fn is_offline(&self) -> bool {
        matches!(self, FieldAppError::Offline { .. })
    }
}

impl From<rusqlite::Error> for FieldAppError {
    fn from(e: rusqlite::Error) -> Self {
        FieldAppError::Store(Box::new(e))
    }
}

impl From<schema::Error> for FieldAppError {
    fn from(e: schema::Error) -> Self {
        FieldAppError::Schema(Box::new(e))
    }
}

impl From<annotate::AnnotateError> for FieldAppError {
    fn from(e: annotate::AnnotateError) -> Self {
        FieldAppError::Photo(Box::new(e))
    }
}

/// The crate's result type.
pub type Result<T, E = FieldAppError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_error_stays_small_and_says_what_to_do() {
        assert!(std::mem::size_of::<FieldAppError>() <= 80);
        let revoked = FieldAppError::DeviceRevoked {
            detail: "token revoked".into(),
        };
        assert!(revoked.to_string().contains("enroll again"));
        let offline = FieldAppError::Offline {
            server: "https://x".into(),
            detail: "connection refused".into(),
        };
        assert!(offline.is_offline());
        assert!(offline.to_string().contains("kept on this tablet"));
    }
}
