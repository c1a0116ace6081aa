//! The drawings on a photo, written as one transaction: the annotation editor replaces the
//! whole list at once, the `annotate` command adds or replaces one. Both go through
//! [`edit_annotations`], so they normalize and attribute the same way.

use annotate::Annotation;
use schema::{CaseId, InspectionCase, PhotoId};

use crate::clock;
use crate::error::{FieldAppError, Result};
use crate::store::LocalStore;
use crate::store::enrollment::Enrollment;

/// Replaces the drawings on a photo with `annotations` (additions, changes and deletions at
/// once, as the annotation editor returns them), each normalized as the library stores
/// annotations. Returns the case as stored. Only what changed is written to the document
/// (annotations are keyed by id), so concurrent drawings of another device survive a merge.
///
/// # Errors
/// [`FieldAppError::Photo`] for an annotation that cannot be repaired,
/// [`FieldAppError::NotFound`] for an unknown case or photo, [`FieldAppError::Store`],
/// [`FieldAppError::Schema`].
pub fn save_annotations(
    store: &mut LocalStore,
    id: CaseId,
    photo: PhotoId,
    annotations: &[Annotation],
    enrollment: &Enrollment,
) -> Result<InspectionCase> {
    let annotations = annotations
        .iter()
        .map(Annotation::normalized)
        .collect::<std::result::Result<Vec<_>, annotate::AnnotateError>>()?;
    edit_annotations(store, id, photo, enrollment, clock::now_ms(), |list| {
        *list = annotations;
    })
}

/// Changes the annotation list of photo `photo` with `change`, as one edit by the enrolled
/// officer at `now_ms`. Returns the case as stored.
///
/// # Errors
/// [`FieldAppError::NotFound`] for an unknown case or a photo the case does not have (a
/// photo deleted meanwhile, say), [`FieldAppError::Store`], [`FieldAppError::Schema`].
pub(super) fn edit_annotations(
    store: &mut LocalStore,
    id: CaseId,
    photo: PhotoId,
    enrollment: &Enrollment,
    now_ms: i64,
    change: impl FnOnce(&mut Vec<Annotation>),
) -> Result<InspectionCase> {
    let author = enrollment.author();
    store.update_case(id, |doc| {
        // Checked inside the transaction: the photo may have gone since the caller looked.
        if !doc.hydrate()?.photos.iter().any(|p| p.id == photo) {
            return Err(FieldAppError::NotFound(format!(
                "case {id} has no photo {photo}"
            )));
        }
        Ok(doc.edit(&author, now_ms, |case| {
            if let Some(p) = case.photos.iter_mut().find(|p| p.id == photo) {
                change(&mut p.annotations);
            }
        })?)
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::actions::tests::enrolled_store;
    use crate::actions::{add_photo, new_case};
    use annotate::Shape;

    /// A rectangle reaching out of the photo (`max_y` > 1), which normalizing clamps.
    fn rectangle(max_y: f32) -> Annotation {
        let json = format!(
            r#"{{"id":"{}","author":"a.abel","created_at_ms":0,"z":1,
                "shape":{{"kind":"rectangle","bounds":{{"min":{{"x":0.6,"y":0.2}},"max":{{"x":0.1,"y":{max_y}}}}}}},
                "style":{{"color":{{"r":255,"g":0,"b":0,"a":255}},"width":0.01,"fill":null}}}}"#,
            uuid::Uuid::now_v7()
        );
        serde_json::from_str(&json).unwrap()
    }

    #[test]
    fn the_editors_list_replaces_the_photos_drawings_normalized() {
        let (_dir, mut store, e) = enrolled_store();
        let template = store.template("check", None).unwrap();
        let id = new_case(&mut store, &template, &e).unwrap();
        let jpeg = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../assets/photos/orientation-1.jpg"
        ))
        .unwrap();
        let photo = add_photo(&mut store, id, "photos", &jpeg, &e).unwrap();

        let (a, b) = (rectangle(1.4), rectangle(0.9));
        let case = save_annotations(&mut store, id, photo.id, &[a.clone(), b.clone()], &e).unwrap();
        let stored = &store.load_case(id).unwrap().hydrate().unwrap().photos[0];
        assert_eq!(stored.annotations, case.photos[0].annotations);
        assert_eq!(stored.annotations.len(), 2);
        let first = stored.annotations.iter().find(|x| x.id == a.id).unwrap();
        assert_eq!(first, &a.normalized().unwrap(), "stored normalized");
        match &first.shape {
            Shape::Rectangle { bounds } => {
                assert!(bounds.min.x <= bounds.max.x && bounds.max.y <= 1.0);
            }
            other => panic!("{other:?}"),
        }

        // Deleting one in the editor deletes it in the store.
        save_annotations(&mut store, id, photo.id, std::slice::from_ref(&b), &e).unwrap();
        let stored = &store.load_case(id).unwrap().hydrate().unwrap().photos[0];
        assert_eq!(stored.annotations, vec![b.normalized().unwrap()]);

        assert!(matches!(
            save_annotations(&mut store, id, PhotoId::new(), &[a], &e),
            Err(FieldAppError::NotFound(_))
        ));
    }
}
