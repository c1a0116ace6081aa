//! One side's copy of one document, with its sync state towards one peer.

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};

use automerge::sync::{self, SyncDoc};
use automerge::{AutoCommit, ChangeHash};
use schema::CaseId;

use crate::intake;
use crate::wire::{Limits, RejectReason};

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
    /// Record what each received message changes ([`Replica::received`]), for an adapter
    /// that keeps the document's hydrated case and brings it up to date instead of reading
    /// it whole. Off by default: recording costs a little on every message.
    pub record_patches: bool,
    /// What the last message that changed the document changed, when recording.
    pub received: Option<Received>,
    /// The changes the last applied message added to the document, in causal order.
    pub arrived: Vec<Arrival>,
}

/// A change a message added, as its author stated it. Only the hash is the change's own;
/// the author and the time are whatever the sender wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arrival {
    /// The change's hash.
    pub hash: ChangeHash,
    /// Its commit message (naper writes the author there).
    pub message: Option<String>,
    /// The time it states, in seconds since the Unix epoch.
    pub stated_time_s: i64,
}

/// What one received message changed in a document.
#[derive(Debug, Clone)]
pub struct Received {
    /// The document's heads before the message.
    pub before: Vec<ChangeHash>,
    /// Automerge's patches from `before` to the heads after the message.
    pub patches: Vec<automerge::Patch>,
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
            record_patches: false,
            received: None,
            arrived: Vec::new(),
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

    /// Applies a sync message from the peer, after measuring it against `limits`
    /// ([`crate::intake`]). A message over the limits is refused untouched; one that cannot be
    /// decoded or applied, or that nests objects too deeply, marks the replica failed, so it is
    /// neither persisted nor used again in this run.
    ///
    /// # Errors
    /// The reason and a plain explanation.
    pub fn receive(
        &mut self,
        message: &[u8],
        limits: &Limits,
    ) -> Result<(), (RejectReason, String)> {
        intake::inspect(message, limits).map_err(|e| (e.reason(), e.to_string()))?;
        self.apply_inspected(message, limits.max_depth)
    }

    /// [`Replica::receive`] for a message already measured (by a [`crate::intake::RoundBudget`]).
    pub(crate) fn apply_inspected(
        &mut self,
        message: &[u8],
        max_depth: usize,
    ) -> Result<(), (RejectReason, String)> {
        let before = self.doc.get_heads();
        self.received = None;
        self.arrived.clear();
        // An empty document has no earlier case to bring up to date.
        let record = self.record_patches && !before.is_empty();
        let malformed = |detail: String| (RejectReason::Malformed, detail);
        let outcome = catch_unwind(AssertUnwindSafe(
            || -> Result<Option<Received>, (RejectReason, String)> {
                let message = sync::Message::decode(message)
                    .map_err(|e| malformed(format!("not an Automerge sync message: {e}")))?;
                if record {
                    // Logs the patches of what the message applies, from `before` on.
                    self.doc.update_diff_cursor();
                }
                self.doc
                    .sync()
                    .receive_sync_message(&mut self.state, message)
                    .map_err(|e| malformed(format!("the changes could not be applied: {e}")))?;
                // Before anything walks the document or its patches.
                let arrived = self.doc.get_changes(&before);
                intake::depth::check(&self.doc, &arrived, max_depth)
                    .map_err(|e| (e.reason(), e.to_string()))?;
                self.arrived = arrived
                    .iter()
                    .map(|change| Arrival {
                        hash: change.hash(),
                        message: change.message().map(str::to_owned),
                        stated_time_s: change.timestamp(),
                    })
                    .collect();
                if !record {
                    return Ok(None);
                }
                let after = self.doc.get_heads();
                let patches = self.doc.diff(&before, &after);
                self.doc.reset_diff_cursor();
                Ok(Some(Received {
                    before: before.clone(),
                    patches,
                }))
            },
        ));
        match outcome {
            Ok(Ok(received)) => {
                if self.doc.get_heads() != before {
                    self.changed = true;
                    self.received = received;
                }
                Ok(())
            }
            Ok(Err((reason, detail))) => Err(self.fail(reason, detail)),
            Err(_) => Err(self.fail(
                RejectReason::Malformed,
                "applying the message failed inside Automerge".to_string(),
            )),
        }
    }

    /// Marks the replica failed and lets go of its document at once: it is never persisted or
    /// used again, and a round may hold many replicas until it ends.
    fn fail(&mut self, reason: RejectReason, detail: String) -> (RejectReason, String) {
        self.failed = Some(detail.clone());
        self.doc = AutoCommit::new();
        self.received = None;
        self.arrived.clear();
        (reason, detail)
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use automerge::transaction::Transactable;
    use automerge::{PatchAction, ROOT};

    use super::*;

    /// A first message from `from` that carries all its changes.
    fn message(from: &mut AutoCommit) -> Vec<u8> {
        let mut sender = Replica::from_parts(from.clone(), None);
        sender.expect_peer_at_last_sync();
        sender.generate().unwrap()
    }

    #[test]
    fn a_recording_replica_reports_what_a_message_changed_from_where() {
        let mut server = AutoCommit::new();
        server.put(ROOT, "title", "alt").unwrap();
        let mut tablet = server.fork();
        tablet.put(ROOT, "title", "neu").unwrap();
        let before = server.get_heads();

        let mut quiet = Replica::from_parts(server.clone(), None);
        quiet
            .receive(&message(&mut tablet), &Limits::default())
            .unwrap();
        assert!(quiet.changed);
        assert!(quiet.received.is_none(), "recording is off by default");

        let mut recording = Replica::from_parts(server, None);
        recording.record_patches = true;
        recording
            .receive(&message(&mut tablet), &Limits::default())
            .unwrap();
        let received = recording.received.clone().unwrap();
        assert_eq!(received.before, before);
        assert!(
            received.patches.iter().any(|p| matches!(
                &p.action,
                PatchAction::PutMap { key, .. } if key == "title"
            )),
            "{:?}",
            received.patches
        );

        // The same changes again change nothing, and report nothing.
        recording
            .receive(&message(&mut tablet), &Limits::default())
            .unwrap();
        assert!(recording.received.is_none());

        // Recording stops with the message: later local edits are not logged.
        recording.doc.put(ROOT, "title", "später").unwrap();
        assert!(recording.received.is_none());

        let mut empty = Replica::new();
        empty.record_patches = true;
        empty
            .receive(&message(&mut tablet), &Limits::default())
            .unwrap();
        assert!(empty.changed);
        assert!(empty.received.is_none(), "no earlier state to compare with");
    }
}
