//! Tablets and a server run the protocol against each other in memory, persisting documents
//! and sync states between rounds as the real adapters do (by encoding and decoding them).
#![allow(clippy::unwrap_used)] // a test crate: a panic here is a failed test

use std::collections::{BTreeMap, BTreeSet, HashMap};

use automerge::AutoCommit;
use schema::{CaseDocument, CaseId, ChangeAuthor, FieldValue, InspectionCase, Template};
use sync_protocol::{
    Limits, Policy, RejectReason, Replica, Replicas, SyncRequest, SyncResponse, SyncSession,
    heads_key, serve,
};

const TEMPLATE: &str = r#"{"id":"t","version":1,"category":"c","title":{"de":"T","en":"T"},
  "sections":[{"key":"s","title":{"de":"S","en":"S"},"fields":[
    {"key":"note","type":"long_text","label":{"de":"N","en":"N"}},
    {"key":"count","type":"integer","label":{"de":"C","en":"C"}}]}]}"#;

fn author(user: &str) -> ChangeAuthor {
    ChangeAuthor {
        user: user.into(),
        device: None,
    }
}

/// The server as its adapter keeps it: saved documents, and per device the encoded sync state
/// and the heads the device is known to have.
#[derive(Default)]
struct Server {
    docs: BTreeMap<CaseId, Vec<u8>>,
    states: HashMap<(String, CaseId), (Vec<u8>, String)>,
    forbidden: BTreeSet<CaseId>,
}

struct Admit<'a>(&'a BTreeSet<CaseId>);

impl Policy for Admit<'_> {
    fn admit(&self, doc: CaseId) -> Option<String> {
        self.0.contains(&doc).then(|| "not yours".into())
    }
    fn accept(&self, _doc: CaseId, after: &AutoCommit) -> Option<String> {
        let case: Result<InspectionCase, _> = autosurgeon::hydrate(after);
        case.err().map(|e| format!("not a case: {e}"))
    }
}

impl Server {
    fn handle(&mut self, device: &str, body: &[u8]) -> Vec<u8> {
        let limits = Limits::default();
        let request = SyncRequest::decode(body, &limits).unwrap();
        let mut replicas = Replicas::new();
        for m in &request.docs {
            if self.forbidden.contains(&m.doc) {
                continue;
            }
            replicas.insert(m.doc, self.load(device, m.doc));
        }
        // The per-device summary: documents whose heads differ from what the device has.
        let offers: Vec<CaseId> = self
            .docs
            .keys()
            .copied()
            .filter(|id| !self.forbidden.contains(id))
            .filter(|id| {
                let mut doc = AutoCommit::load(&self.docs[id]).unwrap();
                let current = heads_key(&doc.get_heads());
                self.states
                    .get(&(device.to_string(), *id))
                    .map(|(_, known)| known)
                    != Some(&current)
            })
            .collect();
        for id in &offers {
            replicas
                .entry(*id)
                .or_insert_with(|| self.load(device, *id));
        }
        let response = serve(
            &request,
            &mut replicas,
            &offers,
            &Admit(&self.forbidden),
            &limits,
        );
        for (id, mut replica) in replicas {
            if replica.failed.is_some() {
                continue;
            }
            if replica.changed {
                self.docs.insert(id, replica.doc.save());
            }
            let key = (device.to_string(), id);
            let previous = self
                .states
                .get(&key)
                .map(|(_, known)| known.clone())
                .unwrap_or_default();
            let known = replica.their_heads().map(heads_key).unwrap_or(previous);
            self.states.insert(key, (replica.encode_state(), known));
        }
        response.encode()
    }

    fn load(&self, device: &str, id: CaseId) -> Replica {
        let doc = self
            .docs
            .get(&id)
            .map(|b| AutoCommit::load(b).unwrap())
            .unwrap_or_default();
        let state = self
            .states
            .get(&(device.to_string(), id))
            .map(|(s, _)| s.as_slice());
        Replica::from_parts(doc, state)
    }

    fn case(&self, id: CaseId) -> InspectionCase {
        CaseDocument::load(&self.docs[&id])
            .unwrap()
            .hydrate()
            .unwrap()
    }
}

/// A tablet as its local store keeps it: saved documents, encoded sync states and the heads
/// at the last successful sync of each document.
#[derive(Default)]
struct Tablet {
    name: String,
    docs: BTreeMap<CaseId, Vec<u8>>,
    states: BTreeMap<CaseId, Vec<u8>>,
    synced: BTreeMap<CaseId, String>,
    /// Messages sent per round, for checking that cost follows what changed.
    sent: Vec<usize>,
    /// Every request body sent, for replaying them.
    log: Vec<Vec<u8>>,
}

impl Tablet {
    fn new(name: &str) -> Self {
        Self {
            name: name.into(),
            ..Self::default()
        }
    }

    fn create(&mut self, count: i64) -> CaseId {
        let template = Template::from_json(TEMPLATE).unwrap();
        let mut case = InspectionCase::new_draft(&template, "stadt", &self.name, 0);
        case.fields
            .insert("count".into(), FieldValue::Integer(count));
        let mut doc = CaseDocument::create(&case, &author(&self.name)).unwrap();
        self.docs.insert(case.id, doc.save());
        case.id
    }

    fn edit(&mut self, id: CaseId, f: impl FnOnce(&mut InspectionCase)) {
        let mut doc = CaseDocument::load(&self.docs[&id]).unwrap();
        doc.edit(&author(&self.name), 1, f).unwrap();
        self.docs.insert(id, doc.save());
    }

    fn case(&self, id: CaseId) -> InspectionCase {
        CaseDocument::load(&self.docs[&id])
            .unwrap()
            .hydrate()
            .unwrap()
    }

    fn dirty(&self) -> Vec<CaseId> {
        self.docs
            .iter()
            .filter(|(id, bytes)| {
                let mut doc = AutoCommit::load(bytes).unwrap();
                self.synced.get(id) != Some(&heads_key(&doc.get_heads()))
            })
            .map(|(id, _)| *id)
            .collect()
    }

    fn replica(&self, id: CaseId) -> Replica {
        let doc = self
            .docs
            .get(&id)
            .map(|b| AutoCommit::load(b).unwrap())
            .unwrap_or_default();
        Replica::from_parts(doc, self.states.get(&id).map(Vec::as_slice))
    }

    /// One sync run; `cut_after` drops the connection after that many rounds.
    fn sync(&mut self, server: &mut Server, cut_after: Option<usize>) -> SyncSession {
        let limits = Limits::default();
        let mut session = SyncSession::new(self.dirty(), limits);
        self.sent.clear();
        for round in 0.. {
            if cut_after == Some(round) {
                break;
            }
            for id in session.to_load() {
                session.load(id, self.replica(id));
            }
            let request = session.next_request().unwrap();
            self.sent.push(request.docs.len());
            self.log.push(request.encode());
            let body = server.handle(&self.name, &request.encode());
            let response = SyncResponse::decode(&body, &limits).unwrap();
            let settled = session.handle_response(response);
            for id in session.to_load() {
                session.load(id, self.replica(id));
            }
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
            if settled {
                break;
            }
        }
        session
    }
}

#[test]
fn a_new_case_reaches_the_server() {
    let mut server = Server::default();
    let mut tablet = Tablet::new("a");
    let id = tablet.create(3);
    tablet.sync(&mut server, None);
    assert_eq!(server.case(id), tablet.case(id));
    assert!(tablet.dirty().is_empty(), "a synced case is not dirty");
}

#[test]
fn three_replicas_converge_after_concurrent_offline_edits() {
    let mut server = Server::default();
    let mut a = Tablet::new("a");
    let mut b = Tablet::new("b");
    let id = a.create(1);
    a.sync(&mut server, None);
    b.sync(&mut server, None); // the server offers the case to b
    assert_eq!(b.case(id), a.case(id));

    a.edit(id, |c| {
        c.fields
            .insert("note".into(), FieldValue::LongText("Erster Befund.".into()));
    });
    b.edit(id, |c| {
        c.fields.insert("count".into(), FieldValue::Integer(9));
    });
    a.sync(&mut server, None);
    b.sync(&mut server, None);
    a.sync(&mut server, None);
    let (ca, cb, cs) = (a.case(id), b.case(id), server.case(id));
    assert_eq!(ca, cs);
    assert_eq!(cb, cs);
    assert_eq!(cs.fields.get("count"), Some(&FieldValue::Integer(9)));
    assert_eq!(
        cs.fields.get("note"),
        Some(&FieldValue::LongText("Erster Befund.".into()))
    );
}

#[test]
fn an_incremental_sync_sends_only_what_changed() {
    let mut server = Server::default();
    let mut tablet = Tablet::new("a");
    let ids: Vec<CaseId> = (0..200).map(|i| tablet.create(i)).collect();
    tablet.sync(&mut server, None);
    assert!(tablet.dirty().is_empty());

    tablet.edit(ids[17], |c| c.title = "geändert".into());
    tablet.sync(&mut server, None);
    let total: usize = tablet.sent.iter().sum();
    assert_eq!(
        tablet.sent[0], 1,
        "the first round carries only the changed case"
    );
    assert!(
        total <= 3,
        "a one-case change costs a few messages, not one per case: {:?}",
        tablet.sent
    );
    assert_eq!(server.case(ids[17]).title, "geändert");
}

#[test]
fn a_server_side_edit_reaches_the_tablet_and_merges_with_its_own() {
    let mut server = Server::default();
    let mut tablet = Tablet::new("a");
    let id = tablet.create(1);
    tablet.sync(&mut server, None);

    // The back office edits its copy on the server; the officer edits offline meanwhile.
    let mut staff = CaseDocument::load(&server.docs[&id]).unwrap();
    staff
        .edit(&author("s.schmidt"), 5, |c| {
            c.assigned_officer = Some("b.becker".into())
        })
        .unwrap();
    server.docs.insert(id, staff.save());
    tablet.edit(id, |c| {
        c.fields
            .insert("note".into(), FieldValue::LongText("Vor Ort".into()));
    });

    tablet.sync(&mut server, None);
    let case = tablet.case(id);
    assert_eq!(case.assigned_officer.as_deref(), Some("b.becker"));
    assert_eq!(
        case.fields.get("note"),
        Some(&FieldValue::LongText("Vor Ort".into()))
    );
    assert_eq!(server.case(id), case);
}

#[test]
fn a_forbidden_case_is_refused_and_never_stored() {
    let mut server = Server::default();
    let mut tablet = Tablet::new("a");
    let id = tablet.create(1);
    server.forbidden.insert(id);
    let session = tablet.sync(&mut server, None);
    assert!(!server.docs.contains_key(&id));
    assert_eq!(session.rejected()[0].reason, RejectReason::Forbidden);
}

#[test]
fn a_malformed_message_rejects_only_its_document() {
    let mut server = Server::default();
    let mut tablet = Tablet::new("a");
    let good = tablet.create(1);
    let bad = CaseId::new();
    let mut session = SyncSession::new([good], Limits::default());
    session.load(good, tablet.replica(good));
    let mut request = session.next_request().unwrap();
    request.docs.push(sync_protocol::DocMessage {
        doc: bad,
        message: b"not automerge".to_vec(),
    });
    // The bad document has an (empty) replica on the server, as a new case would.
    server.docs.insert(bad, AutoCommit::new().save());
    let body = server.handle("a", &request.encode());
    let response = SyncResponse::decode(&body, &Limits::default()).unwrap();
    assert_eq!(response.rejected.len(), 1);
    assert_eq!(response.rejected[0].doc, bad);
    assert_eq!(response.rejected[0].reason, RejectReason::Malformed);
    assert!(
        response.docs.iter().any(|m| m.doc == good),
        "the good document is answered"
    );
}

#[test]
fn an_interrupted_run_resumes_and_repeated_requests_are_harmless() {
    let mut server = Server::default();
    let mut tablet = Tablet::new("a");
    let ids: Vec<CaseId> = (0..5).map(|i| tablet.create(i)).collect();
    tablet.sync(&mut server, Some(1)); // the connection drops after the first round
    tablet.sync(&mut server, None);
    for id in &ids {
        assert_eq!(server.case(*id), tablet.case(*id));
    }

    // Every request of a run delivered again, in reverse and then in order (retries after
    // lost responses, reordered by a proxy), changes nothing on the server.
    tablet.edit(ids[0], |c| c.title = "neu".into());
    tablet.sync(&mut server, None);
    let settled: Vec<Vec<u8>> = ids.iter().map(|id| server.docs[id].clone()).collect();
    let log = std::mem::take(&mut tablet.log);
    assert!(!log.is_empty());
    for body in log.iter().rev().chain(log.iter()) {
        server.handle("a", body);
    }
    for (id, before) in ids.iter().zip(&settled) {
        let mut now = AutoCommit::load(&server.docs[id]).unwrap();
        assert_eq!(
            now.get_heads(),
            AutoCommit::load(before).unwrap().get_heads()
        );
    }
    tablet.sync(&mut server, None);
    assert_eq!(server.case(ids[0]).title, "neu");
}
