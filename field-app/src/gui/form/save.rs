//! Writing the form's edits to the store, one transaction per edit, the moment they are made:
//! there is no "save" button to forget.

use annotate::Annotation;
use schema::{CaseId, FieldValue, InspectionCase, PhotoId};

use crate::clock;
use crate::error::Result;
use crate::store::LocalStore;
use crate::store::enrollment::Enrollment;

/// Sets (or with `None` removes) the answer of field `key` and returns the case as stored.
/// The form has already turned the officer's input into a value of the field's kind.
///
/// # Errors
/// [`crate::FieldAppError::Store`], [`crate::FieldAppError::Schema`].
pub fn save_answer(
    store: &mut LocalStore,
    id: CaseId,
    key: &str,
    value: Option<FieldValue>,
    enrollment: &Enrollment,
) -> Result<InspectionCase> {
    let author = enrollment.author();
    store.update_case(id, |doc| {
        Ok(doc.edit(&author, clock::now_ms(), |case| match value {
            Some(v) => {
                case.fields.insert(key.to_string(), v);
            }
            None => {
                case.fields.remove(key);
            }
        })?)
    })
}

/// Replaces the drawings on a photo with what the annotation editor returned (additions,
/// changes and deletions at once), each normalized as the library stores annotations.
///
/// # Errors
/// [`crate::FieldAppError::Photo`] for an annotation that cannot be repaired,
/// [`crate::FieldAppError::Store`], [`crate::FieldAppError::Schema`].
pub fn save_annotations(
    store: &mut LocalStore,
    id: CaseId,
    photo: PhotoId,
    annotations: Vec<Annotation>,
    enrollment: &Enrollment,
) -> Result<InspectionCase> {
    let annotations = annotations
        .iter()
        .map(Annotation::normalized)
        .collect::<std::result::Result<Vec<_>, annotate::AnnotateError>>()?;
    let author = enrollment.author();
    store.update_case(id, |doc| {
        Ok(doc.edit(&author, clock::now_ms(), |case| {
            if let Some(p) = case.photos.iter_mut().find(|p| p.id == photo) {
                p.annotations = annotations;
            }
        })?)
    })
}
