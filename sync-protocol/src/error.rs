//! Errors of the sync core.

/// A request or response that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WireError {
    /// The body is larger than allowed.
    #[error(
        "the body has {actual} bytes, more than the {max} allowed; sync fewer documents per request"
    )]
    TooLarge {
        /// Allowed bytes.
        max: usize,
        /// Received bytes.
        actual: usize,
    },
    /// The body is not in the wire format.
    #[error("the body is not a naper sync message: {0}")]
    Malformed(String),
    /// The peer speaks another protocol version.
    #[error("protocol version {theirs} is not supported (this side speaks {ours}); update the app")]
    Version {
        /// The peer's version.
        theirs: u32,
        /// Ours.
        ours: u32,
    },
    /// Too many documents in one body.
    #[error("the body names {actual} documents, more than the {max} allowed")]
    TooManyDocuments {
        /// Allowed.
        max: usize,
        /// Received.
        actual: usize,
    },
    /// One document appears twice.
    #[error("document {0} appears twice in one body")]
    DuplicateDocument(String),
}

/// A sync run that cannot go on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProtocolError {
    /// The run did not settle within the round limit.
    #[error("the sync did not settle after {0} rounds; it will resume on the next attempt")]
    TooManyRounds(u32),
}
