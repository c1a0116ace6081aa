//! Enrollment, authentication and sync over real HTTP against a server in this process.
#![allow(clippy::unwrap_used)] // a test crate: a panic here is a failed test

mod common;

use common::{PASSWORD, TestServer, error_body};
use reqwest::StatusCode;
use schema::{CaseId, FieldValue, Status};
use std::time::Duration;

use sync_protocol::http::{ENROLL, EnrollRequest};
use sync_protocol::{
    DocMessage, Limits, PROTOCOL_VERSION, RejectReason, SyncRequest, SyncResponse, SyncSession,
};
use sync_server::store::{accounts, cases, documents};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_case_is_synced_and_projected() {
    let server = TestServer::start().await;
    let mut tablet = server.tablet("officer1").await;
    assert_eq!(tablet.enrolled.tenant, "a");
    assert_eq!(tablet.enrolled.role, "officer");
    assert_eq!(tablet.token().len(), 64);

    let id = tablet.create("Müll Hauptstraße 12");
    let rejected = tablet.sync().await;
    assert!(rejected.is_empty(), "{rejected:?}");
    assert!(tablet.dirty().is_empty(), "a synced case is not dirty");
    assert_eq!(server.case(id).await.unwrap(), tablet.case(id));

    let row = server
        .store()
        .read(|tx| cases::row(tx, id))
        .unwrap()
        .unwrap();
    assert_eq!(row.status, "draft");
    assert_eq!(row.title, "Müll Hauptstraße 12");
    assert_eq!(row.tenant, "a");
    assert_eq!(row.created_by, "officer1");
    assert_eq!(row.template_id, "t");

    // An edit syncs as one message, and the projection follows it.
    tablet.edit(id, |c| {
        c.title = "Sperrmüll Hauptstraße 12".into();
        c.fields.insert("count".into(), FieldValue::Integer(4));
    });
    tablet.sync().await;
    assert_eq!(
        tablet.sent[0], 1,
        "the first round carries only the changed case"
    );
    let row = server
        .store()
        .read(|tx| cases::row(tx, id))
        .unwrap()
        .unwrap();
    assert_eq!(row.title, "Sperrmüll Hauptstraße 12");
    assert_eq!(server.case(id).await.unwrap(), tablet.case(id));

    // Nothing changed: one empty round, nothing offered.
    tablet.sync().await;
    assert_eq!(tablet.sent, vec![0]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_incremental_sync_costs_what_changed() {
    let server = TestServer::start().await;
    let mut tablet = server.tablet("officer1").await;
    let ids: Vec<CaseId> = (0..30)
        .map(|i| tablet.create(&format!("Fall {i}")))
        .collect();
    tablet.sync().await;
    for id in &ids {
        assert!(
            server
                .store()
                .read(|tx| cases::row(tx, *id))
                .unwrap()
                .is_some()
        );
    }
    tablet.edit(ids[7], |c| c.title = "geändert".into());
    tablet.sync().await;
    let total: usize = tablet.sent.iter().sum();
    assert!(
        total <= 3,
        "one changed case costs a few messages: {:?}",
        tablet.sent
    );
    assert_eq!(
        server
            .store()
            .read(|tx| cases::row(tx, ids[7]))
            .unwrap()
            .unwrap()
            .title,
        "geändert"
    );
}

/// From the second sync of a case on, the server reads only what a merge changed (the case
/// it read before, brought up to date from the merge's patches): what it projects and what
/// it refuses must be what reading the whole case gives.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn later_changes_are_projected_and_checked_like_whole_cases() {
    let server = TestServer::start().await;
    let mut tablet = server.tablet("officer1").await;
    let id = tablet.create("Fall");
    tablet.sync().await;
    let edits: [fn(&mut schema::InspectionCase); 4] = [
        |c| {
            c.fields.insert("count".into(), FieldValue::Integer(3));
        },
        |c| {
            c.title = "Sperrmüll".into();
            c.fields.remove("count");
        },
        |c| c.title = "Sperrmüll im Hinterhof".into(),
        |c| {
            c.address = Some(schema::PostalAddress {
                street: "Hauptstraße".into(),
                house_number: "12".into(),
                postal_code: "10115".into(),
                city: "Berlin".into(),
            });
        },
    ];
    for edit in edits {
        tablet.edit(id, edit);
        let rejected = tablet.sync().await;
        assert!(rejected.is_empty(), "{rejected:?}");
        let stored = server.case(id).await.unwrap();
        assert_eq!(stored, tablet.case(id));
        let row = server
            .store()
            .read(|tx| cases::row(tx, id))
            .unwrap()
            .unwrap();
        assert_eq!(row.title, stored.title);
        assert_eq!(row.assignee, stored.assigned_officer);
        assert_eq!(row.address.is_some(), stored.address.is_some());
    }

    // A forged creator in a later change is refused as in a new case.
    tablet.edit(id, |c| c.created.by = "officer2".into());
    let rejected = tablet.sync().await;
    assert_eq!(rejected.len(), 1, "{rejected:?}");
    assert_eq!(rejected[0].reason, RejectReason::Refused);
    assert_eq!(server.case(id).await.unwrap().created.by, "officer1");
}

/// A device changes only what the write rules (`schema::write_rules`) let its user change in
/// the case's stored status. Each crafted change below is a real Automerge change an altered
/// tablet could send: each is refused with the rule it breaks, and neither the stored document
/// nor its projection moves.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changes_the_write_rules_forbid_are_refused_and_nothing_is_stored() {
    let server = TestServer::start().await;
    let mut tablet = server.tablet("officer1").await;
    let approved = tablet.create_with(|c| {
        c.title = "Genehmigt".into();
        c.photos.push(schema::Photo {
            id: schema::PhotoId::new(),
            field: "pictures".into(),
            sha256: "ab".repeat(32),
            byte_size: 10,
            width: 4,
            height: 3,
            mime_type: "image/jpeg".into(),
            captured_at_ms: None,
            gps: None,
            caption: "Beweis".into(),
            added: schema::Stamp {
                by: "officer1".into(),
                at_ms: 1,
            },
            annotations: Vec::new(),
        });
    });
    let draft = tablet.create("Entwurf");
    tablet.edit(approved, |c| c.status = Status::Submitted);
    assert!(tablet.sync().await.is_empty());
    // The office comments twice and approves.
    let office_comment = |text: &str, internal: bool| schema::Comment {
        id: schema::CommentId::new(),
        written: schema::Stamp {
            by: "coordinator".into(),
            at_ms: 1,
        },
        text: text.into(),
        internal,
    };
    let (first, second) = (
        office_comment("Bitte nachbessern", false),
        office_comment("Halter ist bekannt", false),
    );
    server
        .edit(approved, "coordinator", move |c| {
            c.status = Status::InReview;
            c.comments.push(first.clone());
            c.comments.push(second.clone());
        })
        .await;
    server
        .edit(approved, "coordinator", |c| c.status = Status::Approved)
        .await;
    assert!(tablet.sync().await.is_empty());

    type Forge = fn(&mut schema::InspectionCase);
    let attacks: [(&str, CaseId, Forge, &str); 8] = [
        (
            "an answer after approval",
            approved,
            |c| {
                c.fields.insert("count".into(), FieldValue::Integer(99));
            },
            "The answers may be changed",
        ),
        (
            "a photo deleted after approval",
            approved,
            |c| c.photos.clear(),
            "The photos may be changed",
        ),
        (
            "the office's comment edited",
            approved,
            |c| {
                c.comments[0].text = "Alles in Ordnung".into();
            },
            "only `coordinator` may edit",
        ),
        (
            "the office's other comment deleted",
            approved,
            |c| {
                c.comments
                    .retain(|comment| comment.text != "Halter ist bekannt");
            },
            "only `coordinator` may edit",
        ),
        (
            "a comment under another name",
            draft,
            |c| {
                c.comments.push(schema::Comment {
                    id: schema::CommentId::new(),
                    written: schema::Stamp {
                        by: "coordinator".into(),
                        at_ms: 2,
                    },
                    text: "Freigegeben".into(),
                    internal: false,
                });
            },
            "own name",
        ),
        (
            "the assignee set",
            draft,
            |c| {
                c.assigned_officer = Some("officer2".into());
            },
            "The assigned officer may be changed",
        ),
        (
            "a status skipped",
            draft,
            |c| c.status = Status::Approved,
            "may not move a case",
        ),
        (
            "the tenant rewritten",
            draft,
            |c| c.tenant = "stadt-b".into(),
            "tenant",
        ),
    ];
    for (attack, id, forge, rule) in attacks {
        // Each attack from a device of its own that holds what the server has.
        let mut tablet = server.tablet("officer1").await;
        assert!(tablet.sync().await.is_empty());
        let document = server
            .store()
            .read(|tx| documents::document(tx, id))
            .unwrap();
        let row = server.store().read(|tx| cases::row(tx, id)).unwrap();
        let kept = tablet.case(id);
        tablet.edit(id, forge);
        let rejected = tablet.sync().await;
        assert_eq!(rejected.len(), 1, "{attack}: {rejected:?}");
        assert_eq!(rejected[0].reason, RejectReason::Refused, "{attack}");
        assert!(
            rejected[0].detail.contains(rule),
            "{attack}: {}",
            rejected[0].detail
        );
        assert_eq!(
            server
                .store()
                .read(|tx| documents::document(tx, id))
                .unwrap(),
            document,
            "{attack}: stored"
        );
        assert_eq!(
            server.store().read(|tx| cases::row(tx, id)).unwrap(),
            row,
            "{attack}: projection"
        );
        // The tablet keeps its edit: nothing typed is lost.
        assert_ne!(tablet.case(id), kept, "{attack}: the tablet keeps the edit");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_credentials_do_not_tell_whether_the_user_exists() {
    let server = TestServer::start().await;
    let attempt = |username: &str, password: &str| {
        server
            .http
            .post(server.url(ENROLL))
            .json(&EnrollRequest {
                username: username.into(),
                password: password.into(),
                device_name: "x".into(),
            })
            .send()
    };
    let (status, wrong_password) = error_body(attempt("officer1", "falsch").await.unwrap()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong_password.error, "unauthorized");
    let (status, no_user) = error_body(attempt("niemand", PASSWORD).await.unwrap()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(no_user, wrong_password, "the same answer either way");

    let (status, body) = error_body(
        server
            .http
            .post(server.url(ENROLL))
            .body("{not json")
            .header("content-type", "application/json")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body:?}");

    // No token, a made-up token.
    let (status, _) = error_body(
        server
            .http
            .get(server.url("/api/v1/templates"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = error_body(
        server
            .http
            .get(server.url("/api/v1/templates"))
            .bearer_auth("00".repeat(32))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_device_is_refused_at_once() {
    let server = TestServer::start().await;
    let mut tablet = server.tablet("officer1").await;
    let other = server.tablet("officer1").await;
    tablet.create("Fall");
    tablet.sync().await;

    server
        .store()
        .write(|tx| accounts::revoke_device(tx, &tablet.enrolled.device_id))
        .unwrap();
    let empty = SyncRequest {
        protocol: PROTOCOL_VERSION,
        docs: vec![],
    };
    let (status, body) = error_body(tablet.post_sync(empty.encode()).await).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(body.message.contains("revoked"), "{body:?}");
    // The user's other device is unaffected.
    assert_eq!(
        other.post_sync(empty.encode()).await.status(),
        StatusCode::OK
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_tenants_case_is_forbidden_and_never_offered() {
    let server = TestServer::start().await;
    let mut b = server.tablet("b.officer").await;
    let theirs = b.create("Fall in B");
    b.sync().await;
    assert!(
        server
            .store()
            .read(|tx| cases::row(tx, theirs))
            .unwrap()
            .is_some()
    );

    // Devices of tenant a never get it offered.
    for user in ["officer1", "officer2"] {
        let mut a = server.tablet(user).await;
        a.sync().await;
        assert!(
            !a.docs.contains_key(&theirs),
            "{user} got another tenant's case"
        );
    }

    // Asking for it by id (as if the device had it) is refused like any invisible case.
    let mut a = server.tablet("officer1").await;
    let mut session = SyncSession::new([theirs], Limits::default());
    session.load(theirs, sync_protocol::Replica::new());
    let request = session.next_request().unwrap();
    assert_eq!(request.docs.len(), 1);
    let response = a.post_sync(request.encode()).await;
    assert_eq!(response.status(), StatusCode::OK);
    let response =
        SyncResponse::decode(&response.bytes().await.unwrap(), &Limits::default()).unwrap();
    assert_eq!(response.rejected.len(), 1);
    assert_eq!(response.rejected[0].reason, RejectReason::Forbidden);
    assert_eq!(
        response.rejected[0].detail,
        sync_server::access::FORBIDDEN_DETAIL
    );
    assert!(response.docs.is_empty());

    // A case of tenant a with the same id sent by a's device is refused too; B's case stays.
    let before = server.case(theirs).await.unwrap();
    a.docs.clear();
    let forged = a.create_with(|c| c.id = theirs);
    assert_eq!(forged, theirs);
    let rejected = a.sync().await;
    assert_eq!(rejected.len(), 1);
    assert_eq!(rejected[0].reason, RejectReason::Forbidden);
    assert_eq!(server.case(theirs).await.unwrap(), before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_officer_gets_another_officers_case_only_once_assigned() {
    let server = TestServer::start().await;
    let mut o2 = server.tablet("officer2").await;
    let case = o2.create_with(|c| {
        c.title = "Lärm".into();
        c.assigned_officer = None;
    });
    o2.sync().await;

    let mut o1 = server.tablet("officer1").await;
    o1.sync().await;
    assert!(
        !o1.docs.contains_key(&case),
        "an unassigned case of officer2"
    );
    // The back office assigns it to officer1; the next sync brings it.
    server
        .edit(case, "coordinator", |c| {
            c.assigned_officer = Some("officer1".into());
        })
        .await;
    assert_eq!(
        server
            .store()
            .read(|tx| cases::row(tx, case))
            .unwrap()
            .unwrap()
            .assignee
            .as_deref(),
        Some("officer1")
    );
    o1.sync().await;
    assert_eq!(o1.case(case), server.case(case).await.unwrap());
    assert_eq!(o1.case(case).assigned_officer.as_deref(), Some("officer1"));

    // officer1 works on it; the change reaches officer2 (the creator) and the server.
    o1.edit(case, |c| {
        c.fields
            .insert("note".into(), FieldValue::LongText("Vor Ort".into()));
    });
    assert!(o1.sync().await.is_empty());
    o2.sync().await;
    assert_eq!(o2.case(case), server.case(case).await.unwrap());

    // Handing the case over to someone else is not the officer's decision.
    o1.edit(case, |c| c.assigned_officer = Some("officer2".into()));
    let rejected = o1.sync().await;
    assert_eq!(rejected.len(), 1, "{rejected:?}");
    assert_eq!(rejected[0].reason, RejectReason::Refused);
    assert_eq!(
        server.case(case).await.unwrap().assigned_officer.as_deref(),
        Some("officer1")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn foreign_or_forged_new_cases_and_viewer_changes_are_refused() {
    let server = TestServer::start().await;
    let mut o1 = server.tablet("officer1").await;
    let other_tenant = o1.create_with(|c| c.tenant = "b".into());
    let other_author = o1.create_with(|c| {
        c.created.by = "officer2".into();
        c.assigned_officer = Some("officer1".into());
    });
    let good = o1.create("gut");
    let rejected = o1.sync().await;
    let mut refused: Vec<CaseId> = rejected
        .iter()
        .inspect(|r| assert_eq!(r.reason, RejectReason::Refused))
        .map(|r| r.doc)
        .collect();
    refused.sort();
    let mut expected = vec![other_tenant, other_author];
    expected.sort();
    assert_eq!(refused, expected);
    assert!(
        server
            .store()
            .read(|tx| cases::row(tx, other_tenant))
            .unwrap()
            .is_none()
    );
    assert!(
        server
            .store()
            .read(|tx| cases::row(tx, other_author))
            .unwrap()
            .is_none()
    );
    assert!(
        server
            .store()
            .read(|tx| cases::row(tx, good))
            .unwrap()
            .is_some()
    );

    // A viewer has no tablet to change a case with.
    let (status, body) = server.try_enroll("viewer").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{}", body.message);

    // A refused change is not sent again and again within a run (from a tablet that holds
    // nothing else refused).
    let mut tablet = server.tablet("officer1").await;
    assert!(tablet.sync().await.is_empty());
    tablet.edit(good, |c| c.assigned_officer = Some("officer2".into()));
    let rejected = tablet.sync().await;
    assert_eq!(rejected.len(), 1);
    assert_eq!(rejected[0].reason, RejectReason::Refused);
    assert_eq!(
        server.case(good).await.unwrap().assigned_officer.as_deref(),
        Some("officer1")
    );
    assert!(
        tablet.sent.len() <= 4,
        "a refused document is not offered again and again: {:?}",
        tablet.sent
    );
    // The next run tries once more (the tablet still holds the change) and settles.
    assert_eq!(tablet.sync().await.len(), 1);
    assert!(tablet.sent.len() <= 4, "{:?}", tablet.sent);
}

/// Tablets are for officers: staff cannot enroll one, and a staff device enrolled before this
/// rule is refused when it syncs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_officers_enroll_and_sync_tablets() {
    let server = TestServer::start().await;
    for user in ["coordinator", "viewer", "b.coordinator"] {
        let (status, body) = server.try_enroll(user).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{user}");
        assert!(body.message.contains("only officers"), "{}", body.message);
    }
    let token = "a-staff-token-from-before";
    server
        .store()
        .write(|tx| {
            accounts::create_device(
                tx,
                "coordinator",
                "old staff tablet",
                &sync_server::identity::auth::token_hash(token),
            )
        })
        .unwrap();
    let response = server
        .http
        .post(server.url(sync_protocol::http::SYNC))
        .bearer_auth(token)
        .header("content-type", "application/cbor")
        .body(SyncRequest::default().encode())
        .send()
        .await
        .unwrap();
    let (status, body) = error_body(response).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(body.message.contains("back office"), "{}", body.message);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_bodies_are_refused_and_the_server_keeps_serving() {
    let server = TestServer::start_with(|c| {
        c.limits = Limits {
            max_body_bytes: 64 * 1024,
            ..Limits::default()
        };
    })
    .await;
    let mut tablet = server.tablet("officer1").await;

    let (status, body) = error_body(tablet.post_sync(b"\xff\x00 not cbor".to_vec()).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body.error, "malformed_body");

    // The server answers once the limit is passed and closes the connection without reading
    // the rest: the client may see the answer, or — when its write of the rest races the
    // close — a broken connection. Either way nothing past the limit is taken.
    match tablet.try_post_sync(vec![0u8; 200 * 1024]).await {
        Ok(response) => {
            assert_eq!(response.headers()["connection"], "close");
            let (status, body) = error_body(response).await;
            assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
            assert_eq!(body.error, "payload_too_large");
        }
        Err(e) => assert!(e.is_request(), "{e:?}"),
    }

    let future = SyncRequest {
        protocol: PROTOCOL_VERSION + 1,
        docs: vec![],
    };
    let (status, body) = error_body(tablet.post_sync(future.encode()).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body.error, "unsupported_protocol_version");
    assert!(body.message.contains("update the app"), "{body:?}");

    let doc = DocMessage {
        doc: CaseId::new(),
        message: vec![1],
    };
    let twice = SyncRequest {
        protocol: PROTOCOL_VERSION,
        docs: vec![doc.clone(), doc],
    };
    let (status, body) = error_body(tablet.post_sync(twice.encode()).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body.error, "duplicate_document");

    // Still serving.
    let id = tablet.create("danach");
    assert!(tablet.sync().await.is_empty());
    assert!(
        server
            .store()
            .read(|tx| cases::row(tx, id))
            .unwrap()
            .is_some()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hostile_document_message_rejects_only_that_document() {
    let server = TestServer::start().await;
    let mut tablet = server.tablet("officer1").await;
    let good = tablet.create("gut");
    // Two rounds so the good case's changes travel (the first message only says hello).
    tablet.sync().await;
    tablet.edit(good, |c| c.title = "besser".into());

    let mut session = SyncSession::new([good], Limits::default());
    for id in session.to_load() {
        let doc = automerge::AutoCommit::load(&tablet.docs[&id]).unwrap();
        session.load(
            id,
            sync_protocol::Replica::from_parts(doc, tablet.states.get(&id).map(Vec::as_slice)),
        );
    }
    let mut request = session.next_request().unwrap();
    let bad = CaseId::new();
    request.docs.push(DocMessage {
        doc: bad,
        message: b"not automerge at all".to_vec(),
    });
    let response = tablet.post_sync(request.encode()).await;
    assert_eq!(response.status(), StatusCode::OK);
    let response =
        SyncResponse::decode(&response.bytes().await.unwrap(), &Limits::default()).unwrap();
    assert_eq!(response.rejected.len(), 1);
    assert_eq!(response.rejected[0].doc, bad);
    assert_eq!(response.rejected[0].reason, RejectReason::Malformed);
    assert!(
        response.docs.iter().any(|m| m.doc == good),
        "the good case is answered"
    );
    assert!(
        server
            .store()
            .read(|tx| cases::row(tx, bad))
            .unwrap()
            .is_none()
    );
    assert!(
        server
            .store()
            .read(|tx| documents::document(tx, bad))
            .unwrap()
            .is_none()
    );

    // The good case still syncs to the end.
    assert!(tablet.sync().await.is_empty());
    assert_eq!(
        server
            .store()
            .read(|tx| cases::row(tx, good))
            .unwrap()
            .unwrap()
            .title,
        "besser"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn templates_are_listed_and_served() {
    let server = TestServer::start().await;
    let tablet = server.tablet("officer1").await;
    let response = tablet.get("/api/v1/templates").await;
    assert_eq!(response.status(), StatusCode::OK);
    let list: Vec<sync_protocol::http::TemplateSummary> = response.json().await.unwrap();
    // The officers' seven templates and the citizens' seven services, which a tablet needs to
    // label a request's answers (its picker offers the officers' only).
    assert_eq!(list.len(), 14, "{list:?}");
    assert!(list.iter().any(|t| t.id == "illegal-waste-dumping"));
    assert!(list.iter().any(|t| t.id == "maengelmeldung"));
    let first = &list[0];
    let response = tablet
        .get(&format!("/api/v1/templates/{}/{}", first.id, first.version))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let template = schema::Template::from_json(&response.text().await.unwrap()).unwrap();
    assert_eq!(template.id, first.id);

    let (status, body) = error_body(tablet.get("/api/v1/templates/nope/1").await).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body.error, "not_found");
    let (status, _) = error_body(tablet.get("/api/v1/templates/nope/x").await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_changes_from_a_tablet_follow_the_workflow() {
    let server = TestServer::start().await;
    let mut o1 = server.tablet("officer1").await;
    let submitted = o1.create("wird eingereicht");
    let self_approved = o1.create("selbst genehmigt");
    o1.sync().await;

    o1.edit(submitted, |c| c.status = Status::Submitted);
    o1.edit(self_approved, |c| c.status = Status::Approved);
    let rejected = o1.sync().await;
    assert_eq!(rejected.len(), 1, "{rejected:?}");
    assert_eq!(rejected[0].doc, self_approved);
    assert_eq!(rejected[0].reason, RejectReason::Refused);
    assert!(
        rejected[0].detail.contains("from `draft` to `approved`"),
        "{}",
        rejected[0].detail
    );
    assert_eq!(
        server.case(submitted).await.unwrap().status,
        Status::Submitted
    );
    assert_eq!(
        server.case(self_approved).await.unwrap().status,
        Status::Draft
    );

    // A new case cannot arrive already approved either.
    let forged = o1.create_with(|c| c.status = Status::Approved);
    let rejected = o1.sync().await;
    assert!(rejected.iter().any(|r| r.doc == forged), "{rejected:?}");
    assert!(
        server
            .store()
            .read(|tx| cases::row(tx, forged))
            .unwrap()
            .is_none()
    );
}

/// The server records who brought a change; a change naming another author than the device's
/// user, or none, is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_naming_another_author_is_refused() {
    let server = TestServer::start().await;
    let mut tablet = server.tablet("officer1").await;
    let id = tablet.create("Eigener Fall");
    assert!(tablet.sync().await.is_empty());
    let stored = server
        .store()
        .read(|tx| documents::document(tx, id))
        .unwrap();

    let mut doc = schema::CaseDocument::load(&tablet.docs[&id]).unwrap();
    let someone_else = schema::ChangeAuthor {
        user: "coordinator".into(),
        device: None,
    };
    doc.edit(&someone_else, 1_700_000_002_000, |c| {
        c.title = "Vom Amt".into()
    })
    .unwrap();
    tablet.docs.insert(id, doc.save());
    let rejected = tablet.sync().await;
    assert_eq!(rejected.len(), 1, "{rejected:?}");
    assert!(
        rejected[0]
            .detail
            .contains("names `coordinator` as its author"),
        "{}",
        rejected[0].detail
    );
    assert_eq!(
        server
            .store()
            .read(|tx| documents::document(tx, id))
            .unwrap(),
        stored
    );

    // A change without an author.
    let mut fresh = server.tablet("officer1").await;
    assert!(fresh.sync().await.is_empty());
    let mut raw = automerge::AutoCommit::load(&fresh.docs[&id]).unwrap();
    automerge::transaction::Transactable::put(&mut raw, automerge::ROOT, "title", "anonym")
        .unwrap();
    fresh.docs.insert(id, raw.save());
    let rejected = fresh.sync().await;
    assert_eq!(rejected.len(), 1, "{rejected:?}");
    assert!(
        rejected[0].detail.contains("does not name its author"),
        "{}",
        rejected[0].detail
    );
    assert_eq!(
        server
            .store()
            .read(|tx| documents::document(tx, id))
            .unwrap(),
        stored
    );
}

/// A device token unused for longer than the configured idle period is refused: the tablet
/// is told to enroll again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_device_token_expires() {
    let server = TestServer::start_with(|c| c.device_max_idle = Some(Duration::ZERO)).await;
    let tablet = server.tablet("officer1").await;
    tokio::time::sleep(Duration::from_millis(5)).await;
    let response = tablet.post_sync(SyncRequest::default().encode()).await;
    let (status, body) = error_body(response).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(body.message.contains("enroll it again"), "{}", body.message);
}
