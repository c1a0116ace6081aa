//! Bringing a hydrated case up to date after a merge from the merge's patches, instead of
//! hydrating the whole document again.
//!
//! The sync server reads every case a device writes, to refuse one that no longer reads as a
//! case and to project it. Hydrating the typical case takes about 0.9 ms, most of a merge's
//! cost, while a device's change usually touches one answer. Automerge's patches of a merge
//! name the paths that changed (recording them costs a few microseconds); of `fields`,
//! `photos` and `comments` only the entries on those paths are read again, and the small
//! top-level properties always are. Everything else is as the previous hydration left it,
//! which is what a full hydration would read there, since nothing under it changed.

use std::collections::{BTreeMap, BTreeSet};

use automerge::{PatchAction, Prop, ROOT};
use autosurgeon::{HydrateError, Prop as HydrateProp, ReadDoc};

use super::{InspectionCase, keyed, single_pass};

/// What changed under one top-level property.
#[derive(Debug, PartialEq)]
enum Scope {
    /// The property itself, or something the entries cannot name: read it all again.
    Whole,
    /// Only these entries of the map (`fields`, `photos`, `comments`).
    Entries(BTreeSet<String>),
}

/// What a merge touched of `fields`, `photos` and `comments` (the other top-level properties
/// are always read again); `None` when a patch's path cannot be followed, and the case must
/// be read whole.
fn touched(patches: &[automerge::Patch]) -> Option<BTreeMap<String, Scope>> {
    let mut touched: BTreeMap<String, Scope> = BTreeMap::new();
    for patch in patches {
        let action_key = match &patch.action {
            PatchAction::PutMap { key, .. } | PatchAction::DeleteMap { key } => Some(key.as_str()),
            PatchAction::Increment {
                prop: Prop::Map(key),
                ..
            }
            | PatchAction::Conflict {
                prop: Prop::Map(key),
            } => Some(key.as_str()),
            _ => None,
        };
        let mut keys = patch
            .path
            .iter()
            .map(|(_, prop)| match prop {
                Prop::Map(key) => Some(key.as_str()),
                Prop::Seq(_) => None,
            })
            .chain(std::iter::once(action_key));
        // A case's root is a map: every change under it has a top-level key.
        let top = keys.next().flatten()?;
        if !matches!(top, "fields" | "photos" | "comments") {
            continue;
        }
        let second = keys.next().flatten();
        let scope = touched
            .entry(top.to_string())
            .or_insert_with(|| Scope::Entries(BTreeSet::new()));
        match (second, &mut *scope) {
            (Some(entry), Scope::Entries(entries)) => {
                entries.insert(entry.to_string());
            }
            (None, _) => *scope = Scope::Whole,
            (Some(_), Scope::Whole) => {}
        }
    }
    Some(touched)
}

/// The case in `doc` after a merge whose `patches` Automerge recorded, given `previous`, the
/// case hydrated from `doc` just before the merge. The result equals
/// `autosurgeon::hydrate(doc)`, errors included where the merge made the document unreadable.
///
/// # Errors
/// What makes a changed part of the document unreadable as a case.
pub fn rehydrate_case<D: ReadDoc>(
    previous: InspectionCase,
    doc: &D,
    patches: &[automerge::Patch],
) -> Result<InspectionCase, HydrateError> {
    let Some(touched) = touched(patches) else {
        return autosurgeon::hydrate(doc);
    };
    let mut case = previous;
    // Naming every field makes a new one a compile error here until it is read below too.
    let InspectionCase {
        schema_version,
        id,
        tenant,
        template,
        status,
        title,
        created,
        updated,
        assigned_officer,
        location,
        address,
        fields,
        photos,
        comments,
        service_request,
        request,
    } = &mut case;
    // The small top-level properties are always read again, patches or not: that costs a
    // few lookups, and what the server checks a written case by (id, tenant, creator,
    // status, assignee) then never depends on the patches being complete.
    macro_rules! read {
        ($($field:ident),*) => {
            $(*$field = autosurgeon::hydrate_prop(doc, &ROOT, stringify!($field))?;)*
        };
    }
    read!(
        schema_version,
        id,
        tenant,
        template,
        status,
        title,
        created,
        updated,
        assigned_officer,
        location,
        address,
        service_request
    );
    // The citizen's request is checked as unchangeable, so it is read again like the small
    // properties; documents from before citizen requests have none.
    *request = match doc.get(&ROOT, "request")? {
        Some(_) => autosurgeon::hydrate_prop(doc, &ROOT, "request")?,
        None => None,
    };
    for (key, scope) in &touched {
        let prop = || HydrateProp::from(key.as_str());
        match (key.as_str(), scope) {
            ("fields", Scope::Whole) => *fields = single_pass::map(doc, &ROOT, prop())?,
            ("fields", Scope::Entries(keys)) => {
                let map = single_pass::map_at(doc, &ROOT, prop())?;
                for entry in keys {
                    if doc.get(&map, entry.as_str())?.is_some() {
                        let value = autosurgeon::hydrate_prop(doc, &map, entry.as_str())?;
                        fields.insert(entry.clone(), value);
                    } else {
                        fields.remove(entry);
                    }
                }
            }
            ("photos", Scope::Whole) => *photos = keyed::hydrate(doc, &ROOT, prop())?,
            ("photos", Scope::Entries(keys)) => {
                keyed::rehydrate_entries(doc, &ROOT, prop(), photos, keys)?;
            }
            ("comments", Scope::Whole) => *comments = keyed::hydrate(doc, &ROOT, prop())?,
            ("comments", Scope::Entries(keys)) => {
                keyed::rehydrate_entries(doc, &ROOT, prop(), comments, keys)?;
            }
            // `touched` names nothing else.
            _ => {}
        }
    }
    Ok(case)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use annotate::{Annotation, NormPoint, Rgba, Shape, Style};
    use automerge::transaction::Transactable;
    use automerge::{AutoCommit, ObjType};
    use proptest::prelude::*;

    use super::*;
    use crate::{CaseDocument, ChangeAuthor, FieldValue, GpsPoint, Photo, PhotoId, Stamp};
    use crate::{Comment, CommentId, Template};

    /// One edit a device may make; indexes pick among what is there, modulo its count.
    #[derive(Debug, Clone)]
    enum Edit {
        Answer(u8, i64),
        Unanswer(u8),
        Title(u8),
        Assign(Option<u8>),
        Locate(Option<i8>),
        AddPhoto(u8),
        RemovePhoto(u8),
        Caption(u8, u8),
        Retime(u8, i64),
        Draw(u8, i8),
        Erase(u8),
        Comment(u8),
        Uncomment(u8),
    }

    fn edit_strategy() -> impl Strategy<Value = Edit> {
        prop_oneof![
            (0..6u8, any::<i64>()).prop_map(|(k, v)| Edit::Answer(k, v)),
            (0..6u8).prop_map(Edit::Unanswer),
            any::<u8>().prop_map(Edit::Title),
            proptest::option::of(0..3u8).prop_map(Edit::Assign),
            proptest::option::of(any::<i8>()).prop_map(Edit::Locate),
            (0..4u8).prop_map(Edit::AddPhoto),
            any::<u8>().prop_map(Edit::RemovePhoto),
            (any::<u8>(), any::<u8>()).prop_map(|(p, c)| Edit::Caption(p, c)),
            (any::<u8>(), -5..5i64).prop_map(|(p, t)| Edit::Retime(p, t)),
            (any::<u8>(), any::<i8>()).prop_map(|(p, x)| Edit::Draw(p, x)),
            any::<u8>().prop_map(Edit::Erase),
            any::<u8>().prop_map(Edit::Comment),
            any::<u8>().prop_map(Edit::Uncomment),
        ]
    }

    fn pick(len: usize, i: u8) -> Option<usize> {
        (len > 0).then(|| usize::from(i) % len)
    }

    fn apply(case: &mut InspectionCase, edit: &Edit) {
        let stamp = |at_ms| Stamp {
            by: "o".into(),
            at_ms,
        };
        match edit {
            Edit::Answer(k, v) => {
                case.fields.insert(format!("f{k}"), FieldValue::Integer(*v));
            }
            Edit::Unanswer(k) => {
                case.fields.remove(&format!("f{k}"));
            }
            Edit::Title(t) => case.title = format!("Titel {t}"),
            Edit::Assign(who) => case.assigned_officer = who.map(|w| format!("o{w}")),
            Edit::Locate(at) => {
                case.location = at.map(|x| GpsPoint {
                    lat: 52.0 + f64::from(x) / 1000.0,
                    lon: 13.0,
                    accuracy_m: None,
                });
            }
            Edit::AddPhoto(n) => case.photos.push(Photo {
                id: PhotoId::new(),
                field: "scene".into(),
                sha256: "ab".repeat(32),
                byte_size: 10,
                width: 4,
                height: 3,
                mime_type: "image/jpeg".into(),
                captured_at_ms: None,
                gps: None,
                caption: String::new(),
                added: stamp(i64::from(*n)),
                annotations: (0..*n).map(|i| stroke(i64::from(i), 0)).collect(),
            }),
            Edit::RemovePhoto(p) => {
                if let Some(i) = pick(case.photos.len(), *p) {
                    case.photos.remove(i);
                }
            }
            Edit::Caption(p, c) => {
                if let Some(i) = pick(case.photos.len(), *p) {
                    case.photos[i].caption = format!("Ansicht {c}");
                }
            }
            Edit::Retime(p, t) => {
                if let Some(i) = pick(case.photos.len(), *p) {
                    case.photos[i].added.at_ms = *t;
                }
            }
            Edit::Draw(p, x) => {
                if let Some(i) = pick(case.photos.len(), *p) {
                    let z = case.photos[i].annotations.len() as i64;
                    case.photos[i].annotations.push(stroke(z, *x));
                }
            }
            Edit::Erase(p) => {
                if let Some(i) = pick(case.photos.len(), *p) {
                    case.photos[i].annotations.pop();
                }
            }
            Edit::Comment(c) => case.comments.push(Comment {
                id: CommentId::new(),
                written: stamp(i64::from(*c)),
                text: format!("Bemerkung {c}"),
                internal: c % 2 == 0,
            }),
            Edit::Uncomment(c) => {
                if let Some(i) = pick(case.comments.len(), *c) {
                    case.comments.remove(i);
                }
            }
        }
    }

    fn stroke(z: i64, x: i8) -> Annotation {
        let at = f32::from(x).abs() / 200.0;
        Annotation::new(
            Shape::Arrow {
                from: NormPoint::new(at, 0.1),
                to: NormPoint::new(0.5, at),
            },
            Style {
                color: Rgba::opaque(230, 30, 30),
                width: 0.01,
                fill: None,
            },
            "o",
            z,
        )
    }

    fn base() -> CaseDocument {
        let template = Template::from_json(
            r#"{"id":"t","version":1,"category":"c","title":{"de":"T","en":"T"},
            "sections":[{"key":"s","title":{"de":"S","en":"S"},"fields":[
            {"key":"f0","type":"integer","label":{"de":"N","en":"N"}}]}]}"#,
        )
        .unwrap();
        let mut case = InspectionCase::new_draft(&template, "a", "o", 0);
        for edit in [
            Edit::Answer(0, 1),
            Edit::Answer(1, 2),
            Edit::Answer(2, 3),
            Edit::AddPhoto(2),
            Edit::AddPhoto(1),
            Edit::Comment(1),
        ] {
            apply(&mut case, &edit);
        }
        CaseDocument::create(&case, &author("o")).unwrap()
    }

    fn author(user: &str) -> ChangeAuthor {
        ChangeAuthor {
            user: user.into(),
            device: None,
        }
    }

    /// Merges `theirs` into `ours` with patches recorded and checks that rehydrating the case
    /// `ours` had gives exactly what hydrating the merged document gives.
    fn check_merge(ours: &mut AutoCommit, theirs: &mut AutoCommit) {
        let previous: InspectionCase = autosurgeon::hydrate(&*ours).unwrap();
        ours.update_diff_cursor();
        let before = ours.diff_cursor();
        ours.merge(theirs).unwrap();
        let after = ours.get_heads();
        let patches = ours.diff(&before, &after);
        ours.reset_diff_cursor();
        let full: Result<InspectionCase, HydrateError> = autosurgeon::hydrate(&*ours);
        let partial = rehydrate_case(previous, &*ours, &patches);
        match (full, partial) {
            (Ok(full), Ok(partial)) => assert_eq!(partial, full, "patches: {patches:?}"),
            (Err(_), Err(_)) => {}
            (full, partial) => panic!("full {full:?}, partial {partial:?}, {patches:?}"),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn rehydrating_after_a_merge_reads_what_a_full_hydration_reads(
            ours in proptest::collection::vec(edit_strategy(), 0..6),
            theirs in proptest::collection::vec(edit_strategy(), 1..6),
        ) {
            let mut server = base();
            let mut tablet = server.fork();
            for (i, edit) in ours.iter().enumerate() {
                server.edit(&author("s"), 10 + i as i64, |c| apply(c, edit)).unwrap();
            }
            for (i, edit) in theirs.iter().enumerate() {
                tablet.edit(&author("o"), 20 + i as i64, |c| apply(c, edit)).unwrap();
            }
            check_merge(server.automerge_mut(), tablet.automerge_mut());
        }
    }

    /// Changes reconcile never writes: a replaced or deleted map, an item under another key.
    #[test]
    fn raw_changes_are_read_as_a_full_hydration_reads_them() {
        let raw: [fn(&mut AutoCommit); 5] = [
            |doc| {
                doc.put_object(ROOT, "fields", ObjType::Map).unwrap();
            },
            |doc| doc.delete(ROOT, "photos").unwrap(),
            |doc| {
                let fields = single_pass::map_at(doc, &ROOT, "fields".into()).unwrap();
                doc.put(&fields, "f0", 7).unwrap();
            },
            |doc| {
                let photos = single_pass::map_at(doc, &ROOT, "photos".into()).unwrap();
                let (key, _) = doc
                    .map_range(&photos, ..)
                    .next()
                    .map(|e| (e.key.to_string(), ()))
                    .unwrap();
                let copy = doc.put_object(&photos, "elsewhere", ObjType::Map).unwrap();
                doc.put(&copy, "id", key).unwrap();
            },
            |doc| doc.put(ROOT, "from_a_newer_version", "x").unwrap(),
        ];
        for change in raw {
            let mut server = base();
            let mut tablet = server.fork();
            change(tablet.automerge_mut());
            check_merge(server.automerge_mut(), tablet.automerge_mut());
        }
    }

    /// What the server checks a written case by is read from the document, whatever the
    /// patches say: a patch log that missed a change cannot hide a forged tenant or creator.
    #[test]
    fn the_checked_properties_are_read_whatever_the_patches_say() {
        let doc = base();
        let case = doc.hydrate_uncached().unwrap();
        let mut stale = case.clone();
        stale.tenant = "andere".into();
        stale.created.by = "jemand".into();
        stale.assigned_officer = None;
        stale.status = crate::Status::Closed;
        assert_eq!(rehydrate_case(stale, doc.automerge(), &[]).unwrap(), case);
    }

    #[test]
    fn a_patch_without_a_top_level_key_reads_the_whole_case() {
        let doc = base();
        let case = doc.hydrate_uncached().unwrap();
        let odd = automerge::Patch {
            obj: ROOT,
            path: Vec::new(),
            action: PatchAction::DeleteSeq {
                index: 0,
                length: 1,
            },
        };
        assert!(touched(std::slice::from_ref(&odd)).is_none());
        let mut stale = case.clone();
        stale.title = "veraltet".into();
        assert_eq!(
            rehydrate_case(stale, doc.automerge(), &[odd]).unwrap(),
            case
        );
    }
}
