//! The tablet's side of a sync run.

use std::collections::{BTreeMap, BTreeSet};

use schema::CaseId;

use crate::error::ProtocolError;
use crate::intake::{IntakeError, RoundBudget};
use crate::replica::{Replica, Replicas};
use crate::wire::{DocMessage, DocRejection, Limits, PROTOCOL_VERSION, SyncRequest, SyncResponse};

/// One sync run of a tablet against the server.
///
/// The session owns the replicas it works on for the whole run: Automerge's sync state keeps
/// what the peer asked for only in memory (a stored state remembers just the shared heads), so
/// the states must live from the first round to the last. The adapter's loop:
///
/// 1. load every document [`SyncSession::to_load`] names (the local copy, or
///    [`Replica::new`] for a case the tablet does not have yet) with [`SyncSession::load`];
/// 2. send [`SyncSession::next_request`] and give the answer to
///    [`SyncSession::handle_response`];
/// 3. load again what `to_load` names now (documents the server sent), then persist every
///    replica of [`SyncSession::replicas`] marked changed, and every sync state;
/// 4. stop when `handle_response` returned `true` (usually after the first round that
///    carried changes; see there).
#[derive(Debug)]
pub struct SyncSession {
    replicas: Replicas,
    syncing: BTreeSet<CaseId>,
    inbox: BTreeMap<CaseId, Vec<u8>>,
    /// Messages generated for a request they did not fit in; sent first in the next one.
    held: BTreeMap<CaseId, Vec<u8>>,
    rounds: u32,
    max_rounds: u32,
    limits: Limits,
    rejected: Vec<DocRejection>,
    last_request_empty: bool,
}

impl SyncSession {
    /// A run that starts with the documents edited locally since their last successful sync.
    pub fn new(dirty: impl IntoIterator<Item = CaseId>, limits: Limits) -> Self {
        Self {
            replicas: Replicas::new(),
            syncing: dirty.into_iter().collect(),
            inbox: BTreeMap::new(),
            held: BTreeMap::new(),
            rounds: 0,
            max_rounds: 64,
            limits,
            rejected: Vec::new(),
            last_request_empty: true,
        }
    }

    /// Documents the session needs and does not hold yet.
    pub fn to_load(&self) -> Vec<CaseId> {
        self.syncing
            .iter()
            .chain(self.inbox.keys())
            .filter(|id| !self.replicas.contains_key(id))
            .copied()
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect()
    }

    /// Hands the session a document it asked for; a message the server sent for it is applied
    /// now.
    pub fn load(&mut self, doc: CaseId, replica: Replica) {
        let replica = self.replicas.entry(doc).or_insert(replica);
        if self.syncing.contains(&doc) {
            replica.expect_peer_at_last_sync();
        }
        // Measured when it arrived (`handle_response`).
        if let Some(message) = self.inbox.remove(&doc)
            && replica
                .apply_inspected(&message, self.limits.max_depth)
                .is_ok()
        {
            self.syncing.insert(doc);
        }
    }

    /// The replicas of this run, to persist those marked changed and every sync state.
    pub fn replicas(&mut self) -> impl Iterator<Item = (&CaseId, &mut Replica)> {
        self.replicas.iter_mut()
    }

    /// The documents the server refused during this run, and those whose message from the
    /// server this device refused (see [`crate::intake`]).
    pub fn rejected(&self) -> &[DocRejection] {
        &self.rejected
    }

    /// The next request: a message for each document that has something to say, at most
    /// `limits.max_documents` and within `limits.max_body_bytes` (what does not fit goes in
    /// a later round). A request without messages asks the server whether it has
    /// changes for the device.
    ///
    /// # Errors
    /// [`ProtocolError::TooManyRounds`] when the run does not settle.
    pub fn next_request(&mut self) -> Result<SyncRequest, ProtocolError> {
        self.rounds += 1;
        if self.rounds > self.max_rounds {
            return Err(ProtocolError::TooManyRounds(self.max_rounds));
        }
        // Room for the messages, leaving a quarter of the body limit for the framing.
        let budget = self.limits.max_body_bytes / 4 * 3;
        let fits = |docs: &[DocMessage], bytes: usize, message: &[u8]| {
            docs.is_empty()
                || (docs.len() < self.limits.max_documents && bytes + message.len() <= budget)
        };
        let mut docs = Vec::new();
        let mut bytes = 0;
        // Messages generated earlier that did not fit go first: their sync states already
        // count them as sent, so they are not generated again.
        while let Some((doc, message)) = self.held.pop_first() {
            if !fits(&docs, bytes, &message) {
                self.held.insert(doc, message);
                break;
            }
            bytes += message.len();
            docs.push(DocMessage { doc, message });
        }
        let mut quiet = Vec::new();
        let candidates: Vec<CaseId> = self.syncing.iter().copied().collect();
        for doc in candidates {
            if !self.held.is_empty() || docs.len() >= self.limits.max_documents {
                break;
            }
            match self.replicas.get_mut(&doc).and_then(Replica::generate) {
                Some(message) if fits(&docs, bytes, &message) => {
                    bytes += message.len();
                    docs.push(DocMessage { doc, message });
                }
                Some(message) => {
                    self.held.insert(doc, message);
                }
                None => quiet.push(doc),
            }
        }
        // A document with nothing to say stays out of later rounds until the server writes.
        for doc in quiet {
            self.syncing.remove(&doc);
        }
        self.last_request_empty = docs.is_empty();
        Ok(SyncRequest {
            protocol: PROTOCOL_VERSION,
            docs,
        })
    }

    /// Applies the server's answer. Returns `true` when the run is settled: nothing is left
    /// to say on either side.
    ///
    /// That is the case after a request without messages that the server answered with
    /// nothing; and also, one round earlier, when the server sent no offers beyond this
    /// response (`more` is false; it offers in every round, so an empty request could only
    /// hear the same), every document it wrote to is loaded and has nothing to answer, and no
    /// other document waits. A typical tablet run, changes up and the acknowledgement back,
    /// so takes one round trip instead of two.
    pub fn handle_response(&mut self, response: SyncResponse) -> bool {
        let settled = self.last_request_empty && response.docs.is_empty() && !response.more;
        let more = response.more;
        let mut answered = BTreeSet::new();
        // The server is measured like a tablet: what one response may make this side hold.
        let mut budget = RoundBudget::new(&self.limits);
        for DocMessage { doc, message } in response.docs {
            match budget.admit(&message) {
                Ok(_) => {}
                // Left for a later round: the server offers what the device did not answer
                // again, and a document of this run answers with what it still lacks.
                Err(IntakeError::RoundFull(_)) => continue,
                Err(refused) => {
                    self.syncing.remove(&doc);
                    self.rejected.push(DocRejection {
                        doc,
                        reason: refused.reason(),
                        detail: format!(
                            "the server's message was refused on this device: {refused}"
                        ),
                    });
                    continue;
                }
            }
            match self.replicas.get_mut(&doc) {
                Some(replica) => {
                    if replica
                        .apply_inspected(&message, self.limits.max_depth)
                        .is_ok()
                    {
                        self.syncing.insert(doc);
                        answered.insert(doc);
                    }
                }
                // Not loaded yet: a case the server offers; the adapter loads it next.
                None => {
                    self.inbox.insert(doc, message);
                }
            }
        }
        for rejection in response.rejected {
            self.syncing.remove(&rejection.doc);
            answered.remove(&rejection.doc);
            self.rejected.push(rejection);
        }
        settled || (!more && self.nothing_left_after(&answered))
    }

    /// Whether, after the server answered `answered`, no document has anything to say: no
    /// offer waits to be loaded, no message is held, and every document still syncing was
    /// answered and generates nothing. A message generated here is held for the next request
    /// (which would generate the same one).
    fn nothing_left_after(&mut self, answered: &BTreeSet<CaseId>) -> bool {
        if !self.inbox.is_empty()
            || !self.held.is_empty()
            || self.syncing.iter().any(|doc| !answered.contains(doc))
        {
            return false;
        }
        let mut quiet = Vec::new();
        for doc in answered {
            match self.replicas.get_mut(doc).and_then(Replica::generate) {
                Some(message) => {
                    self.held.insert(*doc, message);
                }
                None => quiet.push(*doc),
            }
        }
        for doc in quiet {
            self.syncing.remove(&doc);
        }
        self.held.is_empty() && self.syncing.is_empty()
    }
}
