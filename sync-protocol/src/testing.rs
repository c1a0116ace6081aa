//! In-memory models of both adapters, for tests (feature `testing`).
//!
//! [`MemoryServer`] and [`MemoryTablet`] persist exactly what the real adapters persist —
//! saved documents, encoded sync states, the per-device summary of known heads, the heads of
//! each document's last successful sync — but in maps, so tests of the protocol, of a fake
//! server, or of a tablet need no database and no network. A panic here is a failed test.

pub mod hostile;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use automerge::AutoCommit;
use schema::{CaseDocument, CaseId, InspectionCase};

use crate::{
    Arrival, Job, Limits, Policy, Received, Replica, Replicas, SyncRequest, SyncResponse,
    SyncSession, WireError, Workers, heads_key, serve,
};

/// The server's storage and round handling, in memory.
#[derive(Debug, Default)]
pub struct MemoryServer {
    /// Saved documents.
    pub docs: BTreeMap<CaseId, Vec<u8>>,
    /// Per device and document: the encoded sync state and the heads the device is known to
    /// have.
    pub states: HashMap<(String, CaseId), (Vec<u8>, String)>,
    /// Documents no device may sync.
    pub forbidden: BTreeSet<CaseId>,
    /// Into how many pieces a large request is cut ([`Workers`]); the pieces run last first,
    /// so a test sees that the answer does not depend on the order they finish in. 0 or 1:
    /// everything in order in one piece.
    pub pieces: usize,
}

/// Runs the pieces of a round last first, and returns their results in the pieces' order.
struct LastFirst(usize);

impl Workers for LastFirst {
    fn count(&self) -> usize {
        self.0
    }

    fn run<'a, T: Send + 'a>(&self, jobs: Vec<Job<'a, T>>) -> Vec<T> {
        let mut results: Vec<T> = jobs.into_iter().rev().map(|job| job()).collect();
        results.reverse();
        results
    }
}

/// Admits everything not forbidden; accepts any document that hydrates as a case.
struct Admit<'a>(&'a BTreeSet<CaseId>);

impl Policy for Admit<'_> {
    fn admit(&self, doc: CaseId) -> Option<String> {
        self.0
            .contains(&doc)
            .then(|| "this case is not available to this device".into())
    }

    fn accept(
        &self,
        _doc: CaseId,
        after: &AutoCommit,
        _received: Option<&Received>,
        _arrived: &[Arrival],
    ) -> Option<String> {
        let case: Result<InspectionCase, _> = autosurgeon::hydrate(after);
        case.err().map(|e| format!("not a case: {e}"))
    }
}

impl MemoryServer {
    /// One round for `device`, on encoded bodies as they travel over HTTP.
    ///
    /// # Errors
    /// The request's [`WireError`].
    pub fn handle_bytes(&mut self, device: &str, body: &[u8]) -> Result<Vec<u8>, WireError> {
        let request = SyncRequest::decode(body, &Limits::default())?;
        Ok(self.handle(device, &request).encode())
    }

    /// One round for `device`: load, serve, persist — what the real server's handler does.
    pub fn handle(&mut self, device: &str, request: &SyncRequest) -> SyncResponse {
        let mut replicas = Replicas::new();
        for m in &request.docs {
            if !self.forbidden.contains(&m.doc) {
                replicas.insert(m.doc, self.load(device, m.doc));
            }
        }
        // The per-device summary: documents whose heads differ from what the device has.
        let offers: Vec<CaseId> = self
            .docs
            .iter()
            .filter(|(id, _)| !self.forbidden.contains(id))
            .filter(|(id, bytes)| {
                let current = heads_key(&load(bytes).get_heads());
                self.known(device, **id) != Some(&current)
            })
            .map(|(id, _)| *id)
            .collect();
        for id in &offers {
            if !replicas.contains_key(id) {
                replicas.insert(*id, self.load(device, *id));
            }
        }
        let response = serve(
            request,
            &mut replicas,
            &offers,
            &Admit(&self.forbidden),
            &Limits::default(),
            &LastFirst(self.pieces),
        );
        for (id, mut replica) in replicas {
            if replica.failed.is_some() {
                continue;
            }
            if replica.changed {
                self.docs.insert(id, replica.doc.save());
            }
            // The summary moves only when the device reported its heads (see `their_heads`).
            let previous = self.known(device, id).cloned().unwrap_or_default();
            let known = replica.their_heads().map(heads_key).unwrap_or(previous);
            self.states
                .insert((device.to_string(), id), (replica.encode_state(), known));
        }
        response
    }

    fn known(&self, device: &str, id: CaseId) -> Option<&String> {
        self.states
            .get(&(device.to_string(), id))
            .map(|(_, known)| known)
    }

    fn load(&self, device: &str, id: CaseId) -> Replica {
        let doc = self.docs.get(&id).map(|b| load(b)).unwrap_or_default();
        let state = self
            .states
            .get(&(device.to_string(), id))
            .map(|(s, _)| s.as_slice());
        Replica::from_parts(doc, state)
    }

    /// The case as the server holds it.
    pub fn case(&self, id: CaseId) -> InspectionCase {
        hydrate(&self.docs[&id])
    }
}

/// A tablet's storage and sync loop, in memory.
#[derive(Debug, Default)]
pub struct MemoryTablet {
    /// Saved documents.
    pub docs: BTreeMap<CaseId, Vec<u8>>,
    /// Encoded sync states towards the server.
    pub states: BTreeMap<CaseId, Vec<u8>>,
    /// Heads at each document's last successful sync.
    pub synced: BTreeMap<CaseId, String>,
    /// Documents sent per round in the last run.
    pub sent: Vec<usize>,
    /// Every request body sent, for replaying them.
    pub log: Vec<Vec<u8>>,
    /// The limits the tablet's requests keep to.
    pub limits: Limits,
}

impl MemoryTablet {
    /// Documents edited since their last successful sync.
    pub fn dirty(&self) -> Vec<CaseId> {
        self.docs
            .iter()
            .filter(|(id, bytes)| self.synced.get(id) != Some(&heads_key(&load(bytes).get_heads())))
            .map(|(id, _)| *id)
            .collect()
    }

    /// The stored replica of `id`, or an empty one for a case the tablet does not have.
    pub fn replica(&self, id: CaseId) -> Replica {
        let doc = self.docs.get(&id).map(|b| load(b)).unwrap_or_default();
        Replica::from_parts(doc, self.states.get(&id).map(Vec::as_slice))
    }

    /// The case as the tablet holds it.
    pub fn case(&self, id: CaseId) -> InspectionCase {
        hydrate(&self.docs[&id])
    }

    /// Hands `session` every document it asks for, from this tablet's storage.
    pub fn load_into(&self, session: &mut SyncSession) {
        for id in session.to_load() {
            session.load(id, self.replica(id));
        }
    }

    /// Persists what a round changed: documents, sync states, and the heads of documents now
    /// in sync — what the real tablet does after every round.
    pub fn persist(&mut self, session: &mut SyncSession) {
        for (id, replica) in session.replicas() {
            if replica.failed.is_some() {
                continue;
            }
            if replica.changed || !self.docs.contains_key(id) {
                self.docs.insert(*id, replica.doc.save());
            }
            if replica.in_sync() {
                self.synced.insert(*id, heads_key(&replica.heads()));
            }
            self.states.insert(*id, replica.encode_state());
        }
    }

    /// One sync run over `transport`, which carries a request body to the server and returns
    /// the response body, or `None` when the connection drops (the run ends there, as it
    /// would on a tablet). Persists after every round, as the real adapter does.
    pub fn sync(&mut self, mut transport: impl FnMut(&[u8]) -> Option<Vec<u8>>) -> SyncSession {
        let limits = self.limits;
        let mut session = SyncSession::new(self.dirty(), limits);
        self.sent.clear();
        loop {
            self.load_into(&mut session);
            let request = session.next_request().expect("the run settles");
            self.sent.push(request.docs.len());
            let body = request.encode();
            self.log.push(body.clone());
            let Some(answer) = transport(&body) else {
                break;
            };
            let response = SyncResponse::decode(&answer, &limits).expect("a readable response");
            let settled = session.handle_response(response);
            self.load_into(&mut session);
            self.persist(&mut session);
            if settled {
                break;
            }
        }
        session
    }
}

fn load(bytes: &[u8]) -> AutoCommit {
    AutoCommit::load(bytes).expect("stored documents load")
}

fn hydrate(bytes: &[u8]) -> InspectionCase {
    CaseDocument::load(bytes)
        .and_then(|d| d.hydrate())
        .expect("stored documents are cases")
}
