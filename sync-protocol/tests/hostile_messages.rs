//! Sync messages an attacker crafts, against both ends of the protocol: each is refused with
//! a reason, before it can take the memory it asks for, and nothing of it is kept.

#![allow(clippy::unwrap_used)]

use std::io::Read;

use automerge::AutoCommit;
use automerge::transaction::Transactable;
use automerge::{ObjType, ROOT, ReadDoc};
use schema::{CaseDocument, CaseId, ChangeAuthor, InspectionCase, Template};
use sync_protocol::intake::{IntakeError, inspect};
use sync_protocol::testing::MemoryServer;
use sync_protocol::testing::hostile::{
    BOMB_SEGMENT_BYTES, bomb_segment, bundle_chunk, compressed_change_chunk, deflate_bomb,
    document_chunk_with_deflated_column, first_message, nested_lists_change_chunk,
    nested_lists_message, run_length_change_chunk, segments_within, sync_message,
};
use sync_protocol::{
    DocMessage, Limits, PROTOCOL_VERSION, RejectReason, Replica, SyncRequest, SyncResponse,
    SyncSession,
};

const TEMPLATE: &str = r#"{"id":"t","version":1,"category":"c","title":{"de":"T","en":"T"},
  "sections":[{"key":"s","title":{"de":"S","en":"S"},"fields":[
    {"key":"note","type":"long_text","label":{"de":"N","en":"N"}}]}]}"#;

const MIB: usize = 1024 * 1024;
const GIB: u64 = 1024 * 1024 * 1024;

#[test]
fn a_bomb_segment_really_inflates_to_what_it_claims() {
    let segment = bomb_segment();
    assert!(
        segment.len() < 2048,
        "1 MiB of zeros should deflate to about 1 KiB, got {}",
        segment.len()
    );
    let bomb = deflate_bomb(&segment, 3);
    let mut inflated = Vec::new();
    flate2::read::DeflateDecoder::new(&bomb[..])
        .read_to_end(&mut inflated)
        .unwrap();
    assert_eq!(inflated.len() as u64, 3 * BOMB_SEGMENT_BYTES);
    assert!(inflated.iter().all(|b| *b == 0));
}

#[test]
fn compressed_chunks_of_1_to_8_mib_that_inflate_to_gigabytes_are_refused() {
    let limits = Limits::default();
    let segment = bomb_segment();
    for message_mib in [1, 2, 4, 8] {
        let segments = segments_within(&segment, message_mib * MIB);
        let chunk = compressed_change_chunk(&deflate_bomb(&segment, segments));
        let message = sync_message(&[chunk]);
        assert!(message.len() <= limits.max_message_bytes);
        let inflates_to = segments * BOMB_SEGMENT_BYTES;
        assert!(
            inflates_to >= (message_mib as u64) * GIB * 9 / 10,
            "{message_mib} MiB inflate to only {inflates_to} bytes"
        );

        let error = inspect(&message, &limits).unwrap_err();
        assert!(
            matches!(error, IntakeError::InflatesTooMuch { .. }),
            "{message_mib} MiB: {error}"
        );
        let mut replica = Replica::new();
        let (reason, detail) = replica.receive(&message, &limits).unwrap_err();
        assert_eq!(reason, RejectReason::TooLarge, "{detail}");
        assert!(detail.contains("inflates to more than"), "{detail}");
        assert!(!replica.changed);
    }
}

#[test]
fn a_deflated_document_column_that_inflates_to_a_gigabyte_is_refused() {
    let limits = Limits::default();
    let segment = bomb_segment();
    let column = deflate_bomb(&segment, 1024);
    let message = sync_message(&[document_chunk_with_deflated_column(&column)]);
    let error = inspect(&message, &limits).unwrap_err();
    assert!(
        matches!(error, IntakeError::InflatesTooMuch { .. }),
        "{error}"
    );
}

#[test]
fn a_run_length_column_of_a_billion_operations_is_refused() {
    let limits = Limits::default();
    for rows in [5_000_000, 1_000_000_000, i64::MAX] {
        let message = sync_message(&[run_length_change_chunk(rows)]);
        assert!(message.len() < 64, "a few bytes: {}", message.len());
        let error = inspect(&message, &limits).unwrap_err();
        assert!(matches!(error, IntakeError::TooManyCells { .. }), "{error}");
    }
    // Small runs are what real columns hold.
    let message = sync_message(&[run_length_change_chunk(3)]);
    assert_eq!(inspect(&message, &limits).unwrap().cells, 3);
}

#[test]
fn bundles_and_unknown_chunks_are_refused_as_malformed() {
    let limits = Limits::default();
    let error = inspect(&sync_message(&[bundle_chunk()]), &limits).unwrap_err();
    assert!(matches!(error, IntakeError::Unsupported(_)), "{error}");
    let mut replica = Replica::new();
    let (reason, _) = replica
        .receive(&sync_message(&[bundle_chunk()]), &limits)
        .unwrap_err();
    assert_eq!(reason, RejectReason::Malformed);

    let mut unknown = bundle_chunk();
    unknown[8] = 9;
    let error = inspect(&sync_message(&[unknown]), &limits).unwrap_err();
    assert!(
        error.to_string().contains("unknown chunk type 9"),
        "{error}"
    );

    let cut = sync_message(&[run_length_change_chunk(3)]);
    let error = inspect(&cut[..cut.len() - 2], &limits).unwrap_err();
    assert!(matches!(error, IntakeError::Malformed(_)), "{error}");
}

#[test]
fn a_crafted_nesting_message_is_what_automerge_reads_as_nested_lists() {
    let mut replica = Replica::new();
    replica
        .receive(
            &sync_message(&[nested_lists_change_chunk(3)]),
            &Limits::default(),
        )
        .unwrap();
    let doc = &replica.doc;
    let (_, first) = doc.get(ROOT, "nest").unwrap().unwrap();
    let (_, second) = doc.get(&first, 0).unwrap().unwrap();
    let (_, third) = doc.get(&second, 0).unwrap().unwrap();
    assert_eq!(doc.object_type(&third).unwrap(), ObjType::List);
    assert_eq!(doc.length(&third), 0);
}

#[test]
fn nesting_deeper_than_a_case_is_refused_at_every_depth_a_message_can_carry() {
    let limits = Limits::default();
    // Right at the limit is fine, whether Automerge or an attacker wrote the message.
    for message in [
        nested_lists_message(limits.max_depth),
        sync_message(&[nested_lists_change_chunk(limits.max_depth as u64)]),
    ] {
        let mut replica = Replica::new();
        replica.receive(&message, &limits).unwrap();
        assert!(replica.changed);
    }

    // 7,000 levels took the server 23 s and 4 GB before this check. Up to about 250,000
    // levels fit the cell limit of one message; those are applied (in time linear in the
    // depth) and refused before any patch or case is read.
    let automerge_written = nested_lists_message(7_000);
    let crafted = [limits.max_depth as u64 + 1, 7_000, 100_000, 200_000]
        .map(|depth| sync_message(&[nested_lists_change_chunk(depth)]));
    for message in crafted.iter().chain([&automerge_written]) {
        let mut replica = Replica::new();
        replica.record_patches = true;
        let (reason, detail) = replica.receive(message, &limits).unwrap_err();
        assert_eq!(reason, RejectReason::TooLarge, "{detail}");
        assert!(detail.contains("levels deep"), "{detail}");
        assert!(
            replica.failed.is_some(),
            "a refused replica is never persisted"
        );
    }
    // Deeper ones, up to the 8 MiB a message may have, break the cell limit before Automerge
    // reads them.
    for depth in [300_000, 1_000_000, 2_500_000] {
        let message = sync_message(&[nested_lists_change_chunk(depth)]);
        assert!(
            message.len() <= limits.max_message_bytes,
            "{}",
            message.len()
        );
        let error = inspect(&message, &limits).unwrap_err();
        assert!(matches!(error, IntakeError::TooManyCells { .. }), "{error}");
    }
}

#[test]
fn nesting_is_counted_from_the_root_across_messages() {
    let limits = Limits::default();
    let mut author = AutoCommit::new();
    let mut parent = author.put_object(ROOT, "nest", ObjType::List).unwrap();
    for _ in 1..limits.max_depth - 1 {
        parent = author.insert_object(&parent, 0, ObjType::List).unwrap();
    }
    let mut server = Replica::new();
    server
        .receive(&first_message(author.clone()), &limits)
        .unwrap();

    // Two more levels on top of what the server already has, sent as a change.
    let mut shared = Replica::from_parts(author.clone(), None);
    shared.state.shared_heads = author.get_heads();
    let inner = author.insert_object(&parent, 0, ObjType::List).unwrap();
    author.insert_object(&inner, 0, ObjType::Map).unwrap();
    shared.doc = author;
    shared.expect_peer_at_last_sync();
    let message = shared.generate().unwrap();
    server.record_patches = true;
    let (reason, detail) = server.receive(&message, &limits).unwrap_err();
    assert_eq!(reason, RejectReason::TooLarge, "{detail}");
}

#[test]
fn the_server_refuses_a_bomb_for_its_document_and_serves_the_others() {
    let mut server = MemoryServer::default();
    let template = Template::from_json(TEMPLATE).unwrap();
    let case = InspectionCase::new_draft(&template, "stadt", "officer", 0);
    let author = ChangeAuthor {
        user: "officer".into(),
        device: None,
    };
    let doc = CaseDocument::create(&case, &author).unwrap();
    let good = case.id;
    let bomb = CaseId::new();
    let deep = CaseId::new();
    let segment = bomb_segment();
    let request = SyncRequest {
        protocol: PROTOCOL_VERSION,
        docs: vec![
            DocMessage {
                doc: bomb,
                message: sync_message(&[compressed_change_chunk(&deflate_bomb(&segment, 4096))]),
            },
            DocMessage {
                doc: deep,
                message: sync_message(&[nested_lists_change_chunk(7_000)]),
            },
            DocMessage {
                doc: good,
                message: first_message(doc.automerge().clone()),
            },
        ],
    };
    let response = server.handle("tablet-1", &request);
    let refused: Vec<_> = response
        .rejected
        .iter()
        .map(|r| (r.doc, r.reason.clone()))
        .collect();
    assert_eq!(
        refused,
        vec![
            (bomb, RejectReason::TooLarge),
            (deep, RejectReason::TooLarge)
        ]
    );
    assert!(server.docs.contains_key(&good));
    assert!(!server.docs.contains_key(&bomb));
    assert!(!server.docs.contains_key(&deep));
}

#[test]
fn a_tablet_refuses_a_hostile_servers_bombs_and_keeps_nothing_of_them() {
    let limits = Limits::default();
    let mut session = SyncSession::new([], limits);
    let _ = session.next_request().unwrap();
    let segment = bomb_segment();
    let bomb = CaseId::new();
    let deep = CaseId::new();
    let response = SyncResponse {
        protocol: PROTOCOL_VERSION,
        docs: vec![
            DocMessage {
                doc: bomb,
                message: sync_message(&[compressed_change_chunk(&deflate_bomb(&segment, 2048))]),
            },
            DocMessage {
                doc: deep,
                message: sync_message(&[nested_lists_change_chunk(7_000)]),
            },
        ],
        rejected: Vec::new(),
        more: false,
        device_round: None,
    };
    session.handle_response(response);
    // The bomb never reaches a replica; the deep one is offered, loaded and refused.
    assert_eq!(session.to_load(), vec![deep]);
    session.load(deep, Replica::new());
    let rejected: Vec<_> = session.rejected().iter().map(|r| r.doc).collect();
    assert_eq!(rejected, vec![bomb]);
    let (_, replica) = session.replicas().find(|(id, _)| **id == deep).unwrap();
    assert!(replica.failed.is_some(), "{:?}", replica.failed);
}
