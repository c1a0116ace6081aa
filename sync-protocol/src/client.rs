//! The tablet's side of a sync run.

use std::collections::{BTreeMap, BTreeSet};

use schema::CaseId;

use crate::error::ProtocolError;
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
/// 4. stop when `handle_response` returned `true`.
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
        if let Some(message) = self.inbox.remove(&doc)
            && replica
                .receive(&message, self.limits.max_message_bytes)
                .is_ok()
        {
            self.syncing.insert(doc);
        }
    }

    /// The replicas of this run, to persist those marked changed and every sync state.
    pub fn replicas(&mut self) -> impl Iterator<Item = (&CaseId, &mut Replica)> {
        self.replicas.iter_mut()
    }

    /// The documents the server refused during this run.
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

    /// Applies the server's answer. Returns `true` when the run is settled: the last request
    /// carried nothing and the server had nothing to send.
    pub fn handle_response(&mut self, response: SyncResponse) -> bool {
        let settled = self.last_request_empty && response.docs.is_empty() && !response.more;
        for DocMessage { doc, message } in response.docs {
            match self.replicas.get_mut(&doc) {
                Some(replica) => {
                    if replica
                        .receive(&message, self.limits.max_message_bytes)
                        .is_ok()
                    {
                        self.syncing.insert(doc);
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
            self.rejected.push(rejection);
        }
        settled
    }
}
