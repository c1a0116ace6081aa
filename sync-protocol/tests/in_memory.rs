//! Tablets and a server run the protocol against each other in memory, persisting documents
//! and sync states between rounds as the real adapters do (by encoding and decoding them).
#![allow(clippy::unwrap_used)] // a test crate: a panic here is a failed test

use automerge::AutoCommit;
use schema::{CaseDocument, CaseId, ChangeAuthor, FieldValue, InspectionCase, Template};
use sync_protocol::testing::{MemoryServer, MemoryTablet};
use sync_protocol::{Limits, RejectReason, SyncResponse, SyncSession};

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

fn template() -> Template {
    Template::from_json(TEMPLATE).unwrap()
}

/// Creates a case on `tablet` as `user`; returns its id.
fn create(tablet: &mut MemoryTablet, user: &str, count: i64) -> CaseId {
    let mut case = InspectionCase::new_draft(&template(), "stadt", user, 0);
    case.fields
        .insert("count".into(), FieldValue::Integer(count));
    let mut doc = CaseDocument::create(&case, &author(user)).unwrap();
    tablet.docs.insert(case.id, doc.save());
    case.id
}

/// Edits a case on `tablet` offline.
fn edit(tablet: &mut MemoryTablet, id: CaseId, f: impl FnOnce(&mut InspectionCase)) {
    let mut doc = CaseDocument::load(&tablet.docs[&id]).unwrap();
    doc.edit(&author("officer"), 1, f).unwrap();
    tablet.docs.insert(id, doc.save());
}

/// A sync run of `tablet` (as device `name`) against `server`; `cut_after` drops the
/// connection after that many rounds.
fn sync(
    tablet: &mut MemoryTablet,
    name: &str,
    server: &mut MemoryServer,
    cut_after: Option<usize>,
) -> SyncSession {
    let mut rounds = 0;
    tablet.sync(|body| {
        rounds += 1;
        if cut_after.is_some_and(|cut| rounds > cut) {
            return None;
        }
        Some(server.handle_bytes(name, body).unwrap())
    })
}

#[test]
fn a_new_case_reaches_the_server() {
    let mut server = MemoryServer::default();
    let mut tablet = MemoryTablet::default();
    let id = create(&mut tablet, "tablet", 3);
    sync(&mut tablet, "tablet", &mut server, None);
    assert_eq!(server.case(id), tablet.case(id));
    assert!(tablet.dirty().is_empty(), "a synced case is not dirty");
    assert_eq!(
        tablet.sent,
        vec![1],
        "one round trip: the case up, the acknowledgement back"
    );
}

#[test]
fn three_replicas_converge_after_concurrent_offline_edits() {
    let mut server = MemoryServer::default();
    let mut a = MemoryTablet::default();
    let mut b = MemoryTablet::default();
    let id = create(&mut a, "a", 1);
    sync(&mut a, "a", &mut server, None);
    sync(&mut b, "b", &mut server, None); // the server offers the case to b
    assert_eq!(b.case(id), a.case(id));

    edit(&mut a, id, |c| {
        c.fields
            .insert("note".into(), FieldValue::LongText("Erster Befund.".into()));
    });
    edit(&mut b, id, |c| {
        c.fields.insert("count".into(), FieldValue::Integer(9));
    });
    sync(&mut a, "a", &mut server, None);
    sync(&mut b, "b", &mut server, None);
    sync(&mut a, "a", &mut server, None);
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
    let mut server = MemoryServer::default();
    let mut tablet = MemoryTablet::default();
    let ids: Vec<CaseId> = (0..200).map(|i| create(&mut tablet, "tablet", i)).collect();
    sync(&mut tablet, "tablet", &mut server, None);
    assert!(tablet.dirty().is_empty());

    edit(&mut tablet, ids[17], |c| c.title = "geändert".into());
    sync(&mut tablet, "tablet", &mut server, None);
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
    assert_eq!(tablet.sent, vec![1], "and one round trip");
    assert_eq!(server.case(ids[17]).title, "geändert");
}

#[test]
fn a_server_side_edit_reaches_the_tablet_and_merges_with_its_own() {
    let mut server = MemoryServer::default();
    let mut tablet = MemoryTablet::default();
    let id = create(&mut tablet, "tablet", 1);
    sync(&mut tablet, "tablet", &mut server, None);

    // The back office edits its copy on the server; the officer edits offline meanwhile.
    let mut staff = CaseDocument::load(&server.docs[&id]).unwrap();
    staff
        .edit(&author("s.schmidt"), 5, |c| {
            c.assigned_officer = Some("b.becker".into())
        })
        .unwrap();
    server.docs.insert(id, staff.save());
    edit(&mut tablet, id, |c| {
        c.fields
            .insert("note".into(), FieldValue::LongText("Vor Ort".into()));
    });

    sync(&mut tablet, "tablet", &mut server, None);
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
    let mut server = MemoryServer::default();
    let mut tablet = MemoryTablet::default();
    let id = create(&mut tablet, "tablet", 1);
    server.forbidden.insert(id);
    let session = sync(&mut tablet, "tablet", &mut server, None);
    assert!(!server.docs.contains_key(&id));
    assert_eq!(session.rejected()[0].reason, RejectReason::Forbidden);
}

#[test]
fn a_malformed_message_rejects_only_its_document() {
    let mut server = MemoryServer::default();
    let mut tablet = MemoryTablet::default();
    let good = create(&mut tablet, "tablet", 1);
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
    let body = server.handle_bytes("a", &request.encode()).unwrap();
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
    let mut server = MemoryServer::default();
    let mut tablet = MemoryTablet::default();
    let ids: Vec<CaseId> = (0..5).map(|i| create(&mut tablet, "tablet", i)).collect();
    sync(&mut tablet, "tablet", &mut server, Some(1)); // the connection drops after the first round
    sync(&mut tablet, "tablet", &mut server, None);
    for id in &ids {
        assert_eq!(server.case(*id), tablet.case(*id));
    }

    // Every request of a run delivered again, in reverse and then in order (retries after
    // lost responses, reordered by a proxy), changes nothing on the server.
    edit(&mut tablet, ids[0], |c| c.title = "neu".into());
    sync(&mut tablet, "tablet", &mut server, None);
    let settled: Vec<Vec<u8>> = ids.iter().map(|id| server.docs[id].clone()).collect();
    let log = std::mem::take(&mut tablet.log);
    assert!(!log.is_empty());
    for body in log.iter().rev().chain(log.iter()) {
        server.handle_bytes("a", body).unwrap();
    }
    for (id, before) in ids.iter().zip(&settled) {
        let mut now = AutoCommit::load(&server.docs[id]).unwrap();
        assert_eq!(
            now.get_heads(),
            AutoCommit::load(before).unwrap().get_heads()
        );
    }
    sync(&mut tablet, "tablet", &mut server, None);
    assert_eq!(server.case(ids[0]).title, "neu");
}

/// A request large enough to be cut into pieces for several threads answers in request order
/// and keeps one document's rejection to that document.
#[test]
fn a_large_request_is_answered_in_order_with_rejections_in_place() {
    let mut server = MemoryServer {
        pieces: 4,
        ..MemoryServer::default()
    };
    let mut tablet = MemoryTablet::default();
    let ids: Vec<CaseId> = (0..100).map(|i| create(&mut tablet, "tablet", i)).collect();
    let forbidden = ids[37];
    server.forbidden.insert(forbidden);
    let mut session = SyncSession::new(ids.clone(), Limits::default());
    for id in &ids {
        session.load(*id, tablet.replica(*id));
    }
    let mut request = session.next_request().unwrap();
    assert_eq!(
        request.docs.len(),
        ids.len(),
        "one request carries every case"
    );
    // A garbled message in the middle, for a case the server would accept.
    request.docs[60].message = b"not automerge".to_vec();
    let garbled = request.docs[60].doc;
    // Not in id order, so the answer's order shows the request's order was kept.
    request.docs.reverse();
    let body = server.handle_bytes("tablet", &request.encode()).unwrap();
    let response = SyncResponse::decode(&body, &Limits::default()).unwrap();

    let rejected: Vec<(CaseId, RejectReason)> = response
        .rejected
        .iter()
        .map(|r| (r.doc, r.reason.clone()))
        .collect();
    assert_eq!(
        rejected,
        vec![
            (garbled, RejectReason::Malformed),
            (forbidden, RejectReason::Forbidden)
        ]
    );
    let answered: Vec<CaseId> = response.docs.iter().map(|m| m.doc).collect();
    let expected: Vec<CaseId> = request
        .docs
        .iter()
        .map(|m| m.doc)
        .filter(|id| *id != forbidden && *id != garbled)
        .collect();
    assert_eq!(answered, expected, "replies come in request order");

    // The rest of the run completes: every other case reaches the server intact.
    sync(&mut tablet, "tablet", &mut server, None);
    for id in ids.iter().filter(|id| **id != forbidden) {
        assert_eq!(server.case(*id), tablet.case(*id));
    }
    assert!(!server.docs.contains_key(&forbidden));
}

/// More changed cases than one request body holds: the run splits them over several
/// requests, each within the limit, and every case arrives.
#[test]
fn a_run_larger_than_one_body_is_split_over_requests_within_the_limit() {
    let mut server = MemoryServer::default();
    let mut tablet = MemoryTablet::default();
    let ids: Vec<CaseId> = (0..40).map(|i| create(&mut tablet, "tablet", i)).collect();
    let one_case = tablet.docs[&ids[0]].len();
    tablet.limits.max_body_bytes = one_case * 8;
    sync(&mut tablet, "tablet", &mut server, None);
    for body in &tablet.log {
        assert!(
            body.len() <= tablet.limits.max_body_bytes,
            "a request of {} bytes exceeds the limit of {}",
            body.len(),
            tablet.limits.max_body_bytes
        );
    }
    assert!(
        tablet.sent.iter().filter(|n| **n > 0).count() >= 4,
        "the cases went in several requests: {:?}",
        tablet.sent
    );
    for id in &ids {
        assert_eq!(server.case(*id), tablet.case(*id));
    }
    assert!(tablet.dirty().is_empty());
}
