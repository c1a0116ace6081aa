#![allow(clippy::unwrap_used)]

use automerge::sync::SyncDoc;
use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjType, ROOT, ReadDoc};

use super::*;
use crate::Replica;

/// A document of `n` list items with text, several changes, big enough that Automerge deflates
/// its columns when it saves.
fn document(n: usize) -> AutoCommit {
    let mut doc = AutoCommit::new();
    let list = doc.put_object(ROOT, "items", ObjType::List).unwrap();
    for i in 0..n {
        let item = doc.insert_object(&list, i, ObjType::Map).unwrap();
        doc.put(&item, "label", format!("Eintrag {i}: Müll am Straßenrand"))
            .unwrap();
        doc.put(&item, "count", i as i64).unwrap();
        if i % 10 == 0 {
            doc.commit();
        }
    }
    doc
}

fn first_message(doc: &AutoCommit) -> Vec<u8> {
    let mut sender = Replica::from_parts(doc.clone(), None);
    sender.expect_peer_at_last_sync();
    sender.generate().unwrap()
}

#[test]
fn messages_automerge_writes_pass_and_count_at_least_their_operations() {
    let limits = Limits::default();
    let mut doc = document(300);
    let ops = doc.stats().num_ops as usize;

    // The whole document in one chunk, with deflated columns.
    let whole = first_message(&doc);
    assert!(whole.len() < 3 * ops, "the document should travel deflated");
    let cost = inspect(&whole, &limits).unwrap();
    assert!(cost.cells >= ops, "{cost:?} for {ops} ops");
    assert!(cost.inflated_bytes >= whole.len() - 100, "{cost:?}");

    // Single changes, as a peer that shares the rest sends them.
    let mut peer = doc.fork();
    let before = doc.get_heads();
    for i in 0..5 {
        doc.put(ROOT, "title", format!("Titel {i}")).unwrap();
        doc.commit();
    }
    let changes: Vec<Vec<u8>> = doc
        .get_changes(&before)
        .into_iter()
        .map(|mut c| c.bytes().to_vec())
        .collect();
    let message = crate::testing::hostile::sync_message(&changes);
    let cost = inspect(&message, &limits).unwrap();
    assert!(cost.cells >= 5, "{cost:?}");
    let mut state = automerge::sync::State::new();
    peer.sync()
        .receive_sync_message(
            &mut state,
            automerge::sync::Message::decode(&message).unwrap(),
        )
        .unwrap();
    assert_eq!(
        peer.get_heads(),
        doc.get_heads(),
        "the crafted envelope is real"
    );
}

#[test]
fn a_round_budget_refuses_what_no_longer_fits_and_charges_nothing_for_it() {
    let message = first_message(&document(50));
    let one = inspect(&message, &Limits::default()).unwrap();
    let limits = Limits {
        max_cells_per_round: one.cells * 2 + 1,
        ..Limits::default()
    };
    let mut budget = RoundBudget::new(&limits);
    budget.admit(&message).unwrap();
    budget.admit(&message).unwrap();
    let error = budget.admit(&message).unwrap_err();
    assert_eq!(error.reason(), RejectReason::TooLarge);
    assert!(error.to_string().contains("next sync"), "{error}");
    assert_eq!(budget.spent().cells, one.cells * 2);
}

#[test]
fn random_bytes_are_refused_without_panicking() {
    use proptest::prelude::*;
    let limits = Limits::default();
    proptest!(|(tail in proptest::collection::vec(any::<u8>(), 0..256))| {
        let mut message = vec![0x42, 0, 0, 0, 1];
        message.push(tail.len() as u8);
        message.extend_from_slice(&[0x85, 0x6f, 0x4a, 0x83]);
        message.extend_from_slice(&tail);
        let _ = inspect(&message, &limits);
        let _ = inspect(&tail, &limits);
    });
}
