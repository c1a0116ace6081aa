//! [`ServerError`]: what stops the server from starting, or an admin command from working.

use crate::identity::auth::AuthError;
use crate::store::StoreError;

/// What can stop the server from starting, or an admin command from working.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// File or network access failed.
    #[error("{0}")]
    Io(String),
    /// A template does not load.
    #[error("{0}")]
    Templates(String),
    /// Passwords or randomness failed.
    #[error(transparent)]
    Auth(#[from] AuthError),
    /// A value given on the command line is not usable.
    #[error("{0}")]
    Invalid(String),
}
