//! Photos of the scene and the drawings on them.

use annotate::{Annotation, AnnotationId, DecodeLimits, PhotoFormat, photo};
use schema::{CaseId, FieldKind, GpsPoint, InspectionCase, Photo, PhotoId, Stamp};
use serde_json::Value;

use super::annotations::edit_annotations;
use super::template_of;
use crate::clock;
use crate::error::{FieldAppError, Result};
use crate::store::LocalStore;
use crate::store::enrollment::Enrollment;
use crate::store::{blobs, outbox};

/// Adds a photo to photo field `field` of a case: reads its size, orientation, capture time
/// and position, stores the bytes content-addressed (the file is durable before anything
/// refers to it), and in one transaction records the blob, queues its upload and adds the
/// [`Photo`] to the case. Returns the photo as added.
///
/// # Errors
/// [`FieldAppError::Photo`] for something that is not a JPEG or PNG (or is too large),
/// [`FieldAppError::NotFound`] / [`FieldAppError::Invalid`] for an unknown or non-photo
/// field, [`FieldAppError::Io`], [`FieldAppError::Store`].
pub fn add_photo(
    store: &mut LocalStore,
    id: CaseId,
    field: &str,
    bytes: &[u8],
    enrollment: &Enrollment,
) -> Result<Photo> {
    let case = store.load_case(id)?.hydrate()?;
    let template = template_of(store, &case)?;
    match template.field(field).map(|f| &f.kind) {
        Some(FieldKind::Photos { .. }) => {}
        Some(_) => {
            return Err(FieldAppError::Invalid(format!(
                "`{field}` is not a photo field of template {}",
                template.id
            )));
        }
        None => {
            return Err(FieldAppError::NotFound(format!(
                "the template {} has no field `{field}`",
                template.id
            )));
        }
    }
    let info = photo::inspect(bytes, DecodeLimits::default())?;
    let size = info.display_size();
    let mime = match info.format {
        PhotoFormat::Jpeg => "image/jpeg",
        PhotoFormat::Png => "image/png",
    };
    let now = clock::now_ms();
    let sha256 = store.write_blob_file(bytes)?;
    let byte_size = bytes.len() as u64;
    let photo = Photo {
        id: PhotoId::new(),
        field: field.to_string(),
        sha256: sha256.clone(),
        byte_size,
        width: size.width,
        height: size.height,
        mime_type: mime.to_string(),
        captured_at_ms: info.captured_at.as_ref().and_then(clock::capture_time_ms),
        gps: info.gps.map(|g| GpsPoint {
            lat: g.latitude,
            lon: g.longitude,
            accuracy_m: None,
        }),
        caption: String::new(),
        added: Stamp {
            by: enrollment.username.clone(),
            at_ms: now,
        },
        annotations: Vec::new(),
    };
    let author = enrollment.author();
    store.update_case_with(id, |doc, tx| {
        blobs::insert_blob_row(tx, &sha256, byte_size, mime)?;
        outbox::enqueue(tx, &sha256, Some(id), byte_size)?;
        doc.edit(&author, now, |case| case.photos.push(photo.clone()))?;
        Ok(photo)
    })
}

/// Adds a drawing to a photo of a case. `json` is an [`Annotation`] in its JSON form; `id`,
/// `author`, `created_at_ms` and `z` may be left out (a new id, the officer, now, on top).
/// The annotation is normalized ([`Annotation::normalized`]) before it is stored. Returns it.
///
/// # Errors
/// [`FieldAppError::Invalid`] for JSON that is not an annotation,
/// [`FieldAppError::Photo`] for one that cannot be repaired, [`FieldAppError::NotFound`] for
/// an unknown case or photo, [`FieldAppError::Store`].
pub fn annotate_photo(
    store: &mut LocalStore,
    id: CaseId,
    photo_id: PhotoId,
    json: &Value,
    enrollment: &Enrollment,
) -> Result<Annotation> {
    let case = store.load_case(id)?.hydrate()?;
    let existing = case
        .photos
        .iter()
        .find(|p| p.id == photo_id)
        .ok_or_else(|| FieldAppError::NotFound(format!("case {id} has no photo {photo_id}")))?;
    let top = existing.annotations.iter().map(|a| a.z).max().unwrap_or(0);
    let Value::Object(mut object) = json.clone() else {
        return Err(FieldAppError::Invalid(
            "an annotation is a JSON object with at least `shape` and `style`".into(),
        ));
    };
    let now = clock::now_ms();
    object
        .entry("id")
        .or_insert_with(|| Value::String(AnnotationId::new().to_string()));
    object
        .entry("author")
        .or_insert_with(|| Value::String(enrollment.username.clone()));
    object
        .entry("created_at_ms")
        .or_insert_with(|| Value::from(now));
    object.entry("z").or_insert_with(|| Value::from(top + 1));
    let annotation: Annotation = serde_json::from_value(Value::Object(object))
        .map_err(|e| FieldAppError::Invalid(format!("not an annotation: {e}")))?;
    let annotation = annotation.normalized()?;
    let stored = annotation.clone();
    edit_annotations(store, id, photo_id, enrollment, now, |list| {
        list.retain(|a| a.id != stored.id);
        list.push(stored);
    })?;
    Ok(annotation)
}

/// Deletes a photo from a case together with its drawings, in one store transaction, and
/// returns the case as stored. The GUI asks for confirmation first; the deletion is an
/// Automerge change like any other, so the case history records it.
///
/// When no case on the tablet refers to the bytes any more, they are forgotten too: the
/// queued upload, so a photo taken by mistake (a bystander, say) never reaches the server,
/// and the file. The same bytes may be another photo of this or another case (photos are
/// content-addressed); then they stay. The bytes go in a second step after the case's
/// transaction: a crash between the two leaves an upload that goes out, nothing lost.
///
/// # Errors
/// [`FieldAppError::NotFound`] for an unknown case or a photo the case does not have,
/// [`FieldAppError::Store`], [`FieldAppError::Schema`], [`FieldAppError::Io`].
pub fn delete_photo(
    store: &mut LocalStore,
    id: CaseId,
    photo_id: PhotoId,
    enrollment: &Enrollment,
) -> Result<InspectionCase> {
    let author = enrollment.author();
    let mut sha256 = None;
    let case = store.update_case(id, |doc| {
        // Checked inside the transaction, so the photo cannot vanish between check and edit.
        let Some(photo) = doc.hydrate()?.photos.into_iter().find(|p| p.id == photo_id) else {
            return Err(FieldAppError::NotFound(format!(
                "case {id} has no photo {photo_id}"
            )));
        };
        sha256 = Some(photo.sha256);
        Ok(doc.edit(&author, clock::now_ms(), |case| {
            case.photos.retain(|p| p.id != photo_id);
        })?)
    })?;
    if let Some(sha256) = sha256.filter(|sha| !sha.is_empty()) {
        store.forget_unreferenced_blob(&sha256)?;
    }
    Ok(case)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::actions::new_case;
    use crate::actions::tests::enrolled_store;

    fn jpeg(n: u8) -> Vec<u8> {
        std::fs::read(format!(
            "{}/../assets/photos/orientation-{n}.jpg",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
    }

    #[test]
    fn a_photo_is_stored_queued_and_added_in_one_go() {
        let (_dir, mut store, e) = enrolled_store();
        let template = store.template("check", None).unwrap();
        let id = new_case(&mut store, &template, &e).unwrap();
        let bytes = jpeg(6);
        let photo = add_photo(&mut store, id, "photos", &bytes, &e).unwrap();
        let info = photo::inspect(&bytes, DecodeLimits::default()).unwrap();
        assert_eq!(photo.width, info.display_size().width);
        assert_eq!(store.read_blob(&photo.sha256).unwrap(), bytes);
        let pending = store.pending_uploads().unwrap();
        assert_eq!(pending.len(), 1);
        assert_eq!(pending[0].case_id, Some(id));
        assert_eq!(store.list_cases().unwrap()[0].pending_uploads, 1);
        let case = store.load_case(id).unwrap().hydrate().unwrap();
        assert_eq!(case.photos, vec![photo.clone()]);

        assert!(matches!(
            add_photo(&mut store, id, "photos", b"not a photo", &e),
            Err(FieldAppError::Photo(_))
        ));
        assert!(matches!(
            add_photo(&mut store, id, "count", &bytes, &e),
            Err(FieldAppError::Invalid(_))
        ));

        let json: Value = serde_json::from_str(
            r#"{"shape":{"kind":"rectangle","bounds":{"min":{"x":0.6,"y":0.2},"max":{"x":0.1,"y":1.4}}},
                "style":{"color":{"r":255,"g":0,"b":0,"a":255},"width":0.01,"fill":null}}"#,
        )
        .unwrap();
        let a = annotate_photo(&mut store, id, photo.id, &json, &e).unwrap();
        assert_eq!(a.author, "a.abel");
        assert_eq!(a.z, 1);
        let case = store.load_case(id).unwrap().hydrate().unwrap();
        let stored = &case.photos[0].annotations[0];
        assert_eq!(stored, &a);
        match &stored.shape {
            annotate::Shape::Rectangle { bounds } => {
                assert!(bounds.min.x <= bounds.max.x && bounds.max.y <= 1.0);
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            annotate_photo(&mut store, id, PhotoId::new(), &json, &e),
            Err(FieldAppError::NotFound(_))
        ));
        assert!(annotate_photo(&mut store, id, photo.id, &Value::Bool(true), &e).is_err());
    }

    #[test]
    fn deleting_a_photo_removes_it_and_its_drawings_and_forgets_bytes_nothing_shows() {
        let (_dir, mut store, e) = enrolled_store();
        let template = store.template("check", None).unwrap();
        let id = new_case(&mut store, &template, &e).unwrap();
        let kept = add_photo(&mut store, id, "photos", &jpeg(1), &e).unwrap();
        let gone = add_photo(&mut store, id, "photos", &jpeg(6), &e).unwrap();
        let json: Value = serde_json::from_str(
            r#"{"shape":{"kind":"line","from":{"x":0.1,"y":0.1},"to":{"x":0.5,"y":0.5}},
                "style":{"color":{"r":255,"g":0,"b":0,"a":255},"width":0.01,"fill":null}}"#,
        )
        .unwrap();
        annotate_photo(&mut store, id, gone.id, &json, &e).unwrap();
        let changes_before = store.pending_changes(id).unwrap();

        let case = delete_photo(&mut store, id, gone.id, &e).unwrap();
        assert_eq!(case.photos, vec![kept.clone()]);
        let stored = store.load_case(id).unwrap().hydrate().unwrap();
        assert_eq!(stored.photos, vec![kept.clone()]);
        assert_eq!(
            store.pending_changes(id).unwrap(),
            changes_before + 1,
            "one change, one transaction"
        );
        // No case shows these bytes any more: they never leave the tablet.
        assert!(matches!(
            store.read_blob(&gone.sha256),
            Err(FieldAppError::NotFound(_))
        ));
        assert!(!store.blob_path(&gone.sha256).exists());
        let pending: Vec<String> = store
            .pending_uploads()
            .unwrap()
            .into_iter()
            .map(|p| p.sha256)
            .collect();
        assert_eq!(pending, vec![kept.sha256.clone()]);
        // Bytes that another photo still shows stay, with their upload.
        let twin = add_photo(&mut store, id, "photos", &jpeg(1), &e).unwrap();
        assert_eq!(twin.sha256, kept.sha256);
        delete_photo(&mut store, id, twin.id, &e).unwrap();
        assert_eq!(store.read_blob(&kept.sha256).unwrap(), jpeg(1));
        assert_eq!(store.pending_uploads().unwrap().len(), 1);

        assert!(matches!(
            delete_photo(&mut store, id, gone.id, &e),
            Err(FieldAppError::NotFound(_))
        ));
        assert!(matches!(
            delete_photo(&mut store, CaseId::new(), gone.id, &e),
            Err(FieldAppError::NotFound(_))
        ));
    }
}
