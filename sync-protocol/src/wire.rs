//! What travels over HTTP: one request and one response per round, CBOR-encoded.

use schema::CaseId;
use serde::{Deserialize, Serialize};

use crate::error::WireError;

/// The protocol version this build speaks.
pub const PROTOCOL_VERSION: u32 = 1;

/// Size limits; a body over them is refused before any document is touched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest request or response body in bytes.
    pub max_body_bytes: usize,
    /// Largest single Automerge sync message in bytes.
    pub max_message_bytes: usize,
    /// Most documents in one body.
    pub max_documents: usize,
    /// Most bytes one message's chunks may inflate to ([`crate::intake`]).
    pub max_inflated_bytes_per_message: usize,
    /// Most column cells (rows after run-length decoding) in one message.
    pub max_cells_per_message: usize,
    /// Most bytes all messages of one round may inflate to together.
    pub max_inflated_bytes_per_round: usize,
    /// Most column cells of all messages of one round together.
    pub max_cells_per_round: usize,
    /// Deepest level below a document's root at which a message may create an object. A case
    /// nests about eight levels deep (an annotation's points in a photo's list).
    pub max_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_body_bytes: 32 * 1024 * 1024,
            max_message_bytes: 8 * 1024 * 1024,
            max_documents: 1000,
            max_inflated_bytes_per_message: 32 * 1024 * 1024,
            // About 250,000 operations; a case with a day of typing and drawing has a few
            // thousand.
            max_cells_per_message: 2_000_000,
            max_inflated_bytes_per_round: 64 * 1024 * 1024,
            max_cells_per_round: 6_000_000,
            max_depth: 32,
        }
    }
}

/// An Automerge sync message for one document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocMessage {
    /// The case (document) id.
    pub doc: CaseId,
    /// The encoded `automerge::sync::Message`.
    #[serde(with = "serde_bytes")]
    pub message: Vec<u8>,
}

/// The tablet's half of a round.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SyncRequest {
    /// [`PROTOCOL_VERSION`] of the sender.
    pub protocol: u32,
    /// At most one message per document.
    pub docs: Vec<DocMessage>,
}

/// Why the server refused one document of a batch; the others go on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RejectReason {
    /// The device may not read or change this case (another tenant, or another officer's
    /// unassigned case). Deliberately the same answer whether or not the case exists.
    Forbidden,
    /// The message could not be decoded or applied.
    Malformed,
    /// The message is larger than allowed.
    TooLarge,
    /// The changes would leave the case in a state the server refuses (e.g. another tenant).
    Refused,
}

/// A document the server did not accept, with a plain explanation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocRejection {
    /// The document.
    pub doc: CaseId,
    /// Why, for programs.
    pub reason: RejectReason,
    /// Why, for people.
    pub detail: String,
}

/// The server's half of a round.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SyncResponse {
    /// [`PROTOCOL_VERSION`] of the server.
    pub protocol: u32,
    /// Replies to the request's messages and offers of documents that changed on the server.
    pub docs: Vec<DocMessage>,
    /// Documents of the request the server refused.
    pub rejected: Vec<DocRejection>,
    /// The server has more changed documents to offer than fit in this response.
    pub more: bool,
    /// How many of this device's rounds the server has committed, this one included. A count
    /// no higher than one the device heard before means the server lost acknowledged rounds
    /// (it was restored from a backup); the device then sends everything again. `None` from
    /// a server that does not count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_round: Option<u64>,
}

fn encode<T: Serialize>(value: &T) -> Vec<u8> {
    let mut out = Vec::new();
    // Writing plain data into a Vec cannot fail.
    let _ = ciborium::into_writer(value, &mut out);
    out
}

fn decode<T: for<'de> Deserialize<'de>>(bytes: &[u8], limits: &Limits) -> Result<T, WireError> {
    if bytes.len() > limits.max_body_bytes {
        return Err(WireError::TooLarge {
            max: limits.max_body_bytes,
            actual: bytes.len(),
        });
    }
    ciborium::from_reader(bytes).map_err(|e| WireError::Malformed(e.to_string()))
}

fn check_docs(docs: &[DocMessage], limits: &Limits) -> Result<(), WireError> {
    if docs.len() > limits.max_documents {
        return Err(WireError::TooManyDocuments {
            max: limits.max_documents,
            actual: docs.len(),
        });
    }
    let mut seen = std::collections::HashSet::new();
    for d in docs {
        if !seen.insert(d.doc) {
            return Err(WireError::DuplicateDocument(d.doc.to_string()));
        }
    }
    Ok(())
}

fn check_version(theirs: u32) -> Result<(), WireError> {
    if theirs == PROTOCOL_VERSION {
        Ok(())
    } else {
        Err(WireError::Version {
            theirs,
            ours: PROTOCOL_VERSION,
        })
    }
}

impl SyncRequest {
    /// The request in its wire form.
    pub fn encode(&self) -> Vec<u8> {
        encode(self)
    }

    /// Reads and checks a request.
    ///
    /// # Errors
    /// A [`WireError`] naming the problem; nothing has been applied then.
    pub fn decode(bytes: &[u8], limits: &Limits) -> Result<Self, WireError> {
        let request: Self = decode(bytes, limits)?;
        check_version(request.protocol)?;
        check_docs(&request.docs, limits)?;
        Ok(request)
    }
}

impl SyncResponse {
    /// The response in its wire form.
    pub fn encode(&self) -> Vec<u8> {
        encode(self)
    }

    /// Reads and checks a response.
    ///
    /// # Errors
    /// A [`WireError`] naming the problem.
    pub fn decode(bytes: &[u8], limits: &Limits) -> Result<Self, WireError> {
        let response: Self = decode(bytes, limits)?;
        check_version(response.protocol)?;
        check_docs(&response.docs, limits)?;
        Ok(response)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_round_trip_and_limits_hold() {
        let request = SyncRequest {
            protocol: PROTOCOL_VERSION,
            docs: vec![DocMessage {
                doc: CaseId::new(),
                message: vec![1, 2, 3],
            }],
        };
        let limits = Limits::default();
        assert_eq!(
            SyncRequest::decode(&request.encode(), &limits).unwrap(),
            request
        );

        let tight = Limits {
            max_body_bytes: 4,
            ..limits
        };
        assert!(matches!(
            SyncRequest::decode(&request.encode(), &tight),
            Err(WireError::TooLarge { .. })
        ));
        assert!(matches!(
            SyncRequest::decode(b"\xff\x00garbage", &limits),
            Err(WireError::Malformed(_))
        ));

        let twice = SyncRequest {
            docs: vec![request.docs[0].clone(), request.docs[0].clone()],
            ..request.clone()
        };
        assert!(matches!(
            SyncRequest::decode(&twice.encode(), &limits),
            Err(WireError::DuplicateDocument(_))
        ));

        let future = SyncRequest {
            protocol: 99,
            ..request
        };
        let err = SyncRequest::decode(&future.encode(), &limits).unwrap_err();
        assert!(err.to_string().contains("update the app"), "{err}");
    }
}
