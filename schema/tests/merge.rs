//! Replicas edited concurrently on different devices converge, whatever the merge order, and
//! nothing either device added is lost.
//!
//! The rule for the same answer edited on two devices at once: short texts, numbers, choices,
//! dates, plates and other single values resolve to one of the two values — the same on every
//! replica (Automerge's deterministic winner: the later operation by Lamport clock, ties
//! broken by actor id). Long texts and officer notes merge character by character, so both
//! edits survive. Multiple choices merge as sets. Photos, annotations and comments are keyed
//! by id, so concurrent additions all survive.
#![allow(clippy::unwrap_used)] // a test crate: a panic here is a failed test

mod common;

use common::{circle, complete_case, document, generated_case, officer, photo, staff};
use proptest::prelude::*;
use schema::{CaseDocument, FieldValue, InspectionCase};

/// Merges `a` and `b` both ways and checks that both results agree; returns the merged case.
fn converge(a: &mut CaseDocument, b: &mut CaseDocument) -> InspectionCase {
    let mut ab = a.clone();
    ab.merge(&mut b.clone()).unwrap();
    let mut ba = b.clone();
    ba.merge(&mut a.clone()).unwrap();
    let (ab, ba) = (ab.hydrate().unwrap(), ba.hydrate().unwrap());
    assert_eq!(ab, ba, "merging in either order must give the same case");
    ab
}

fn text(case: &InspectionCase, key: &str) -> String {
    match case.fields.get(key) {
        Some(FieldValue::Text(s) | FieldValue::LongText(s)) => s.clone(),
        other => panic!("{key} is not text: {other:?}"),
    }
}

#[test]
fn edits_of_different_fields_both_survive() {
    let mut a = document(&complete_case());
    let mut b = a.fork();
    a.edit(&officer(), 10, |c| {
        c.fields.insert("count".into(), FieldValue::Integer(7));
    })
    .unwrap();
    b.edit(&staff(), 11, |c| {
        c.fields
            .insert("plate".into(), FieldValue::Plate("B-AB 1234".into()));
    })
    .unwrap();
    let merged = converge(&mut a, &mut b);
    assert_eq!(merged.fields.get("count"), Some(&FieldValue::Integer(7)));
    assert_eq!(
        merged.fields.get("plate"),
        Some(&FieldValue::Plate("B-AB 1234".into()))
    );
}

#[test]
fn the_same_short_text_resolves_to_one_of_the_two_values() {
    let mut a = document(&complete_case());
    let mut b = a.fork();
    a.edit(&officer(), 10, |c| {
        c.fields
            .insert("ref".into(), FieldValue::Text("OA-0001".into()));
    })
    .unwrap();
    b.edit(&staff(), 11, |c| {
        c.fields
            .insert("ref".into(), FieldValue::Text("OA-0002".into()));
    })
    .unwrap();
    let merged = converge(&mut a, &mut b);
    let value = text(&merged, "ref");
    assert!(value == "OA-0001" || value == "OA-0002", "got {value}");
}

#[test]
fn the_same_long_text_merges_character_wise() {
    let mut a = document(&complete_case());
    let mut b = a.fork();
    a.edit(&officer(), 10, |c| {
        c.fields.insert(
            "description".into(),
            FieldValue::LongText("Großer Sperrmüll am Straßenrand, ca. 3 m³.".into()),
        );
    })
    .unwrap();
    b.edit(&staff(), 11, |c| {
        c.fields.insert(
            "description".into(),
            FieldValue::LongText("Sperrmüll am Straßenrand, ca. 3 m³. Anwohner befragt.".into()),
        );
    })
    .unwrap();
    let merged = converge(&mut a, &mut b);
    assert_eq!(
        text(&merged, "description"),
        "Großer Sperrmüll am Straßenrand, ca. 3 m³. Anwohner befragt."
    );
}

#[test]
fn photos_and_annotations_added_on_both_devices_all_survive() {
    let mut start = complete_case();
    start.photos[0].annotations.push(circle("m.mueller", 0));
    let mut a = document(&start);
    let mut b = a.fork();
    a.edit(&officer(), 10, |c| {
        c.photos.push(photo("scene", 3));
        c.photos[0].annotations.push(circle("m.mueller", 1));
    })
    .unwrap();
    b.edit(&staff(), 11, |c| {
        c.photos.push(photo("scene", 4));
        c.photos[0].annotations.push(circle("s.schmidt", 1));
        c.photos[1].annotations.push(circle("s.schmidt", 0));
    })
    .unwrap();
    let merged = converge(&mut a, &mut b);
    assert_eq!(merged.photos.len(), 4);
    assert_eq!(merged.photos[0].annotations.len(), 3);
    assert_eq!(merged.photos[1].annotations.len(), 1);
}

#[test]
fn recolouring_and_moving_the_same_annotation_both_take_effect() {
    let mut start = complete_case();
    start.photos[0].annotations.push(circle("m.mueller", 0));
    let mut a = document(&start);
    let mut b = a.fork();
    a.edit(&officer(), 10, |c| {
        c.photos[0].annotations[0].style.color = annotate::Rgba::opaque(0, 0, 255)
    })
    .unwrap();
    let moved = annotate::Shape::Rectangle {
        bounds: annotate::NormRect {
            min: annotate::NormPoint::new(0.1, 0.1),
            max: annotate::NormPoint::new(0.2, 0.2),
        },
    };
    b.edit(&staff(), 11, |c| {
        c.photos[0].annotations[0].shape = moved.clone()
    })
    .unwrap();
    let merged = converge(&mut a, &mut b);
    let ann = &merged.photos[0].annotations[0];
    assert_eq!(ann.style.color, annotate::Rgba::opaque(0, 0, 255));
    assert_eq!(ann.shape, moved);
}

#[test]
fn selecting_the_same_option_on_two_devices_selects_it_once() {
    let mut a = document(&complete_case());
    let mut b = a.fork();
    let select =
        |values: &[&str]| FieldValue::Choices(values.iter().map(|s| s.to_string()).collect());
    a.edit(&officer(), 10, |c| {
        c.fields.insert("hazards".into(), select(&["leaking"]));
    })
    .unwrap();
    b.edit(&staff(), 11, |c| {
        c.fields
            .insert("hazards".into(), select(&["leaking", "smell"]));
    })
    .unwrap();
    let merged = converge(&mut a, &mut b);
    assert_eq!(
        merged.fields.get("hazards"),
        Some(&select(&["leaking", "smell"]))
    );
}

#[test]
fn comments_written_concurrently_both_appear_in_time_order() {
    let mut a = document(&complete_case());
    let mut b = a.fork();
    let comment = |at_ms, text: &str| schema::Comment {
        id: schema::CommentId::new(),
        written: schema::Stamp {
            by: "x".into(),
            at_ms,
        },
        text: text.into(),
        internal: false,
    };
    a.edit(&officer(), 10, |c| c.comments.push(comment(20, "zweiter")))
        .unwrap();
    b.edit(&staff(), 11, |c| c.comments.push(comment(10, "erster")))
        .unwrap();
    let merged = converge(&mut a, &mut b);
    let texts: Vec<&str> = merged.comments.iter().map(|c| c.text.as_str()).collect();
    assert_eq!(texts, ["erster", "zweiter"]);
}

/// An edit one device might make.
#[derive(Debug, Clone)]
enum Edit {
    SetCount(i64),
    SetRef(String),
    AppendDescription(String),
    AddPhoto,
    Annotate,
    DeleteFirstPhoto,
    Title(String),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (0i64..500).prop_map(Edit::SetCount),
        "[A-Z]{2}-[0-9]{4}".prop_map(Edit::SetRef),
        "[a-zäöü ]{1,10}".prop_map(Edit::AppendDescription),
        Just(Edit::AddPhoto),
        Just(Edit::Annotate),
        Just(Edit::DeleteFirstPhoto),
        "[a-z]{1,10}".prop_map(Edit::Title),
    ]
}

fn apply(doc: &mut CaseDocument, edit: &Edit, n: i64) {
    let edited = doc
        .edit(&officer(), n, |c| match edit {
            Edit::SetCount(v) => {
                c.fields.insert("count".into(), FieldValue::Integer(*v));
            }
            Edit::SetRef(v) => {
                c.fields.insert("ref".into(), FieldValue::Text(v.clone()));
            }
            Edit::AppendDescription(v) => {
                let mut s = match c.fields.get("description") {
                    Some(FieldValue::LongText(s)) => s.clone(),
                    _ => String::new(),
                };
                s.push_str(v);
                c.fields
                    .insert("description".into(), FieldValue::LongText(s));
            }
            Edit::AddPhoto => c.photos.push(photo("scene", (n % 200) as u8)),
            Edit::Annotate => {
                if let Some(p) = c.photos.first_mut() {
                    p.annotations.push(circle("x", n));
                }
            }
            Edit::DeleteFirstPhoto => {
                if !c.photos.is_empty() {
                    c.photos.remove(0);
                }
            }
            Edit::Title(t) => c.title = t.clone(),
        })
        .unwrap();
    // Edits write only what changed; the document must hold exactly the edited case.
    assert_eq!(doc.hydrate_uncached().unwrap(), edited);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn any_concurrent_edits_converge(
        case in generated_case(),
        left in prop::collection::vec(edit(), 0..8),
        right in prop::collection::vec(edit(), 0..8),
    ) {
        let mut a = document(&case);
        let mut b = a.fork();
        for (i, e) in left.iter().enumerate() {
            apply(&mut a, e, i as i64);
        }
        for (i, e) in right.iter().enumerate() {
            apply(&mut b, e, 100 + i as i64);
        }
        let added_left = left.iter().filter(|e| matches!(e, Edit::AddPhoto)).count();
        let added_right = right.iter().filter(|e| matches!(e, Edit::AddPhoto)).count();
        let deleted = left.iter().chain(&right).filter(|e| matches!(e, Edit::DeleteFirstPhoto)).count();
        let merged = converge(&mut a, &mut b);
        // Every addition on either side survives; each deletion removes at most one photo.
        prop_assert!(
            merged.photos.len() + deleted >= case.photos.len() + added_left + added_right,
            "{} photos after merging, started with {}, added {}, deleted at most {}",
            merged.photos.len(), case.photos.len(), added_left + added_right, deleted
        );
    }
}
