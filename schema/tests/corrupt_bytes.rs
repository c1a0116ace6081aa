//! Bytes from disk or the network that are not a case document give an error, never a panic.
#![allow(clippy::unwrap_used)] // a test crate: a panic here is a failed test

mod common;

use automerge::transaction::Transactable;
use proptest::prelude::*;
use schema::{CaseDocument, Error};

fn saved_case() -> Vec<u8> {
    common::document(&common::complete_case()).save()
}

#[test]
fn every_truncation_of_a_saved_case_is_an_error_or_a_valid_prefix() {
    let bytes = saved_case();
    for len in 0..bytes.len() {
        match CaseDocument::load(&bytes[..len]) {
            Err(Error::CorruptDocument(_) | Error::NotACaseDocument(_)) => {}
            Err(other) => panic!("truncated to {len} bytes: unexpected error kind {other}"),
            // Automerge may accept a prefix that ends on a chunk boundary; it must still read.
            Ok(doc) => {
                doc.hydrate().ok();
            }
        }
    }
}

#[test]
fn an_automerge_document_that_is_not_a_case_is_named_as_such() {
    let mut doc = automerge::AutoCommit::new();
    doc.put(automerge::ROOT, "einkaufsliste", "Milch").unwrap();
    let err = CaseDocument::load(&doc.save()).unwrap_err();
    assert!(matches!(err, Error::NotACaseDocument(_)), "{err}");
    assert!(err.to_string().contains("not a naper case"), "{err}");
}

#[test]
fn a_case_with_the_wrong_layout_fails_to_hydrate_with_a_message() {
    let mut doc = automerge::AutoCommit::new();
    doc.put(automerge::ROOT, "schema_version", 1_u64).unwrap();
    doc.put(automerge::ROOT, "fields", "not a map").unwrap();
    let loaded = CaseDocument::load(&doc.save()).unwrap();
    let err = loaded.hydrate().unwrap_err();
    assert!(matches!(err, Error::Layout(_)), "{err}");
}

#[test]
fn corrupt_incremental_bytes_leave_the_document_unchanged() {
    let mut doc = common::document(&common::complete_case());
    let before = doc.hydrate().unwrap();
    let heads = doc.heads();
    assert!(doc.apply_bytes(b"\x85\x6f\x4a\x83garbage").is_err());
    assert_eq!(doc.heads(), heads);
    assert_eq!(doc.hydrate().unwrap(), before);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        if let Ok(doc) = CaseDocument::load(&bytes) {
            doc.hydrate().ok();
        }
    }

    #[test]
    fn flipped_bytes_in_a_saved_case_never_panic(flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8)) {
        let mut bytes = saved_case();
        for (index, value) in flips {
            let i = index.index(bytes.len());
            bytes[i] ^= value | 1;
        }
        if let Ok(doc) = CaseDocument::load(&bytes) {
            doc.hydrate().ok();
        }
    }
}
