//! A case written by a newer naper keeps what this build does not know when this build
//! edits it.
#![allow(clippy::unwrap_used)] // a test crate: a panic here is a failed test

mod common;

use automerge::transaction::Transactable;
use automerge::{ObjType, ROOT, ReadDoc, Value};
use schema::{CaseDocument, FieldValue};

/// A document as a newer build might write it: a new top-level key, an answer of a kind
/// this build does not know, an extra key inside a photo, and a higher layout version.
fn newer_document() -> Vec<u8> {
    let mut doc = common::document(&common::complete_case());
    let am = doc.automerge_mut();
    am.put(ROOT, "schema_version", 5_u64).unwrap();
    am.put(ROOT, "risk_score", 0.7).unwrap();
    let (_, fields) = am.get(ROOT, "fields").unwrap().unwrap();
    let answer = am
        .put_object(&fields, "noise_recording", ObjType::Map)
        .unwrap();
    am.put(&answer, "audio_clip", "sha256:abc").unwrap();
    let (_, photos) = am.get(ROOT, "photos").unwrap().unwrap();
    let (first_key, first_photo) = {
        let item = am.map_range(&photos, ..).next().unwrap();
        (item.key.to_string(), item.id())
    };
    am.put(&first_photo, "blur_hash", "LKO2?U%2Tw=w").unwrap();
    let _ = first_key;
    am.commit();
    doc.save()
}

#[test]
fn an_older_build_edits_a_newer_case_without_losing_its_data() {
    let mut doc = CaseDocument::load(&newer_document()).unwrap();
    assert!(!doc.is_current_layout());
    let case = doc.hydrate().unwrap();
    assert_eq!(case.schema_version, 5);
    assert_eq!(
        case.fields.get("noise_recording"),
        Some(&FieldValue::Unknown {
            kind: "audio_clip".into()
        })
    );

    doc.edit(&common::staff(), 99, |c| {
        c.title = "Geändert im Backoffice".into();
        c.photos[0].caption = "Blick von Norden".into();
        c.fields.insert("count".into(), FieldValue::Integer(3));
    })
    .unwrap();

    let reloaded = CaseDocument::load(&doc.save()).unwrap();
    let am = reloaded.automerge();
    assert_eq!(
        reloaded.schema_version().unwrap(),
        5,
        "the layout version must never be lowered"
    );
    assert!(matches!(
        am.get(ROOT, "risk_score").unwrap(),
        Some((Value::Scalar(_), _))
    ));
    let (_, fields) = am.get(ROOT, "fields").unwrap().unwrap();
    let (_, answer) = am
        .get(&fields, "noise_recording")
        .unwrap()
        .expect("unknown answer kept");
    assert!(am.get(&answer, "audio_clip").unwrap().is_some());
    let (_, photos) = am.get(ROOT, "photos").unwrap().unwrap();
    let kept = am
        .map_range(&photos, ..)
        .any(|item| am.get(item.id(), "blur_hash").unwrap().is_some());
    assert!(kept, "the photo's unknown key must be kept");

    let case = reloaded.hydrate().unwrap();
    assert_eq!(case.title, "Geändert im Backoffice");
    assert_eq!(case.fields.get("count"), Some(&FieldValue::Integer(3)));
}
