//! One side's copy of one document, with its sync state towards one peer.

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};

use automerge::sync::{self, SyncDoc};
use automerge::{AutoCommit, ChangeHash};
use schema::CaseId;

use crate::wire::RejectReason;

/// The replicas a round works on, by document id. The adapter loads them; the core reads and
/// changes them in memory; the adapter persists those marked [`Replica::changed`].
pub type Replicas = BTreeMap<CaseId, Replica>;

/// A document and the Automerge sync state towards one peer.
#[derive(Debug, Clone)]
pub struct Replica {
    /// The document.
    pub doc: AutoCommit,
    /// Sync state towards the peer.
    pub state: sync::State,
    /// The document received changes in this run: persist it.
    pub changed: bool,
    /// Applying a message failed; the replica must not be persisted or used further.
    pub failed: Option<String>,
}

impl Default for Replica {
    fn default() -> Self {
        Self::new()
    }
}

impl Replica {
    /// An empty document (a case the other side will send) with a fresh sync state.
    pub fn new() -> Self {
        Self::from_parts(AutoCommit::new(), None)
    }

    /// A loaded document with the sync state stored at the end of the last run. A stored state
    /// that cannot be decoded is replaced by a fresh one: the protocol then re-establishes what
    /// both sides have, which costs one extra round but loses nothing.
    pub fn from_parts(doc: AutoCommit, stored_state: Option<&[u8]>) -> Self {
        let state = stored_state
            .and_then(|bytes| sync::State::decode(bytes).ok())
            .unwrap_or_default();
        Self {
            doc,
            state,
            changed: false,
            failed: None,
        }
    }

    /// Assumes the peer still has exactly what both sides shared at the end of the last run
    /// (nothing, for a document never synced), so the next message already carries this
    /// side's changes since then instead of only announcing heads: a run that sends changes
    /// takes one round less. If the assumption is wrong (the peer lost data, or its copy moved
    /// on), its reply says what it has and needs, and the protocol fills the gap as usual.
    /// Does nothing once the peer has spoken in this run.
    pub fn expect_peer_at_last_sync(&mut self) {
        if self.state.their_heads.is_some() {
            return;
        }
        let shared = self.state.shared_heads.clone();
        self.state.their_have = Some(vec![sync::Have {
            last_sync: shared.clone(),
            bloom: sync::BloomFilter::default(),
        }]);
        self.state.their_need = Some(Vec::new());
        self.state.their_heads = Some(shared);
        // Both ends are this workspace's Automerge, which reads compressed whole-document
        // messages; the peer's first reply states its real capabilities.
        self.state.their_capabilities = Some(vec![sync::Capability::MessageV2]);
    }

    /// The sync state to store (only what survives a restart: the heads both sides share).
    pub fn encode_state(&self) -> Vec<u8> {
        self.state.encode()
    }

    /// The document's current heads.
    pub fn heads(&mut self) -> Vec<ChangeHash> {
        self.doc.get_heads()
    }

    /// What the peer reported having in a message received during this run; `None` when it
    /// sent nothing for this document in this run (a decoded state does not remember it).
    /// Adapters keep a per-peer summary of these heads and must leave it unchanged on `None`,
    /// or every document looks changed to the peer again.
    pub fn their_heads(&self) -> Option<&[ChangeHash]> {
        self.state.their_heads.as_deref()
    }

    /// Whether both sides are known to share exactly this document's current state.
    pub fn in_sync(&mut self) -> bool {
        let mut heads = self.heads();
        let mut shared = self.state.shared_heads.clone();
        heads.sort_unstable();
        shared.sort_unstable();
        heads == shared
    }

    /// Applies a sync message from the peer. A message that cannot be decoded or applied
    /// marks the replica failed, so it is neither persisted nor used again in this run.
    ///
    /// # Errors
    /// The reason and a plain explanation.
    pub fn receive(
        &mut self,
        message: &[u8],
        max_bytes: usize,
    ) -> Result<(), (RejectReason, String)> {
        if message.len() > max_bytes {
            return Err((
                RejectReason::TooLarge,
                format!(
                    "the sync message has {} bytes, more than the {max_bytes} allowed",
                    message.len()
                ),
            ));
        }
        let before = self.doc.get_heads();
        let outcome = catch_unwind(AssertUnwindSafe(|| -> Result<(), String> {
            let message = sync::Message::decode(message)
                .map_err(|e| format!("not an Automerge sync message: {e}"))?;
            self.doc
                .sync()
                .receive_sync_message(&mut self.state, message)
                .map_err(|e| format!("the changes could not be applied: {e}"))
        }));
        match outcome {
            Ok(Ok(())) => {
                if self.doc.get_heads() != before {
                    self.changed = true;
                }
                Ok(())
            }
            Ok(Err(detail)) => {
                self.failed = Some(detail.clone());
                Err((RejectReason::Malformed, detail))
            }
            Err(_) => {
                let detail = "applying the message failed inside Automerge".to_string();
                self.failed = Some(detail.clone());
                Err((RejectReason::Malformed, detail))
            }
        }
    }

    /// The next message for the peer, if there is anything to say.
    pub fn generate(&mut self) -> Option<Vec<u8>> {
        if self.failed.is_some() {
            return None;
        }
        let doc = &mut self.doc;
        let state = &mut self.state;
        catch_unwind(AssertUnwindSafe(|| {
            doc.sync()
                .generate_sync_message(state)
                .map(sync::Message::encode)
        }))
        .ok()
        .flatten()
    }
}

/// A set of heads as one comparable string (sorted hex hashes joined by `,`), for storing a
/// per-device summary of what each side has and comparing it in a database query.
pub fn heads_key(heads: &[ChangeHash]) -> String {
    let mut hex: Vec<String> = heads.iter().map(ToString::to_string).collect();
    hex.sort_unstable();
    hex.join(",")
}

/// The heads of a [`heads_key`]; unreadable entries are skipped.
pub fn parse_heads_key(key: &str) -> Vec<ChangeHash> {
    key.split(',').filter_map(|h| h.parse().ok()).collect()
}
