//! What can stop a migration.

/// Why [`run_pending`](crate::run_pending) did not bring a database up to date. Whatever it
/// did before the error is undone when the caller drops its transaction.
///
/// `E` is the error of the program's code steps.
#[derive(Debug, thiserror::Error)]
pub enum MigrationError<E> {
    /// The database was written by a newer build: its layout is past the last step this build
    /// knows. Nothing was changed; it needs that newer build.
    #[error(
        "the database has layout version {found}, newer than version {latest}, the newest this \
         build knows; it was written by a newer build — open it with that build or a later one \
         (this one leaves it untouched)"
    )]
    TooNew {
        /// The version found in the database.
        found: u32,
        /// The newest version this build's steps reach.
        latest: u32,
    },
    /// The stored version is negative, which no build writes.
    #[error(
        "the database's layout version is {found}, which no build writes; the file is not this \
         program's database, or it was damaged — restore it from a backup"
    )]
    UnknownVersion {
        /// The version found in the database.
        found: i64,
    },
    /// An SQL step failed.
    #[error("the migration to layout version {version} failed: {source}")]
    Sql {
        /// The version the step leads to (step `version - 1` of the list).
        version: u32,
        /// SQLite's error.
        #[source]
        source: rusqlite::Error,
    },
    /// A code step failed.
    #[error("the migration to layout version {version} failed: {source}")]
    Code {
        /// The version the step leads to (step `version - 1` of the list).
        version: u32,
        /// The step's error.
        #[source]
        source: E,
    },
    /// `PRAGMA user_version` could not be read or written.
    #[error(
        "the database's layout version (PRAGMA user_version) could not be read or written: {0}"
    )]
    Version(#[source] rusqlite::Error),
}
