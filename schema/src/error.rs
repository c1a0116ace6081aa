//! The one error type of the `schema` crate.

use crate::template::TemplateError;
use crate::validate::ValidationReport;
use crate::workflow::TransitionError;

/// Everything that can go wrong in `schema`.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A template could not be loaded.
    #[error(transparent)]
    Template(#[from] TemplateError),
    /// Bytes that are not an Automerge document at all.
    #[error(
        "the case document is corrupt or truncated ({0}); sync it again from another device or the server"
    )]
    CorruptDocument(String),
    /// An Automerge document that is not a naper case.
    #[error("this Automerge document is not a naper case: {0}")]
    NotACaseDocument(String),
    /// A case document whose content does not have the case layout.
    #[error("the case document does not have the expected layout: {0}")]
    Layout(Box<autosurgeon::HydrateError>),
    /// Writing a case into its document failed.
    #[error("could not write the case into its document: {0}")]
    Write(Box<autosurgeon::ReconcileError>),
    /// An Automerge operation failed.
    #[error("the Automerge operation failed: {0}")]
    Automerge(Box<automerge::AutomergeError>),
    /// An upgrade step failed or is missing.
    #[error("cannot upgrade the case document from layout version {from}: {reason}")]
    Upgrade {
        /// Version the failing step starts from.
        from: u64,
        /// What went wrong.
        reason: String,
    },
    /// A status change that is not allowed.
    #[error(transparent)]
    Transition(#[from] TransitionError),
    /// A case that cannot be submitted yet.
    #[error("the case cannot be submitted yet: {0}")]
    NotValid(ValidationReport),
    /// A case checked against another template than the one it follows.
    #[error(
        "the case follows template {case_template} v{case_version}, not {given_template} v{given_version}; load the right template version"
    )]
    TemplateMismatch {
        /// The case's template id.
        case_template: String,
        /// The case's template version.
        case_version: u32,
        /// The given template's id.
        given_template: String,
        /// The given template's version.
        given_version: u32,
    },
}

// The foreign errors are boxed to keep `Result<_, Error>` small on the happy path.
impl From<autosurgeon::HydrateError> for Error {
    fn from(e: autosurgeon::HydrateError) -> Self {
        Error::Layout(Box::new(e))
    }
}

impl From<autosurgeon::ReconcileError> for Error {
    fn from(e: autosurgeon::ReconcileError) -> Self {
        Error::Write(Box::new(e))
    }
}

impl From<automerge::AutomergeError> for Error {
    fn from(e: automerge::AutomergeError) -> Self {
        Error::Automerge(Box::new(e))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_error_stays_small() {
        assert!(
            std::mem::size_of::<super::Error>() <= 64,
            "{}",
            std::mem::size_of::<super::Error>()
        );
    }
}
