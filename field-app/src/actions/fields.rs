//! Answering a field.

use schema::{CaseId, FieldKind, FieldValue, InspectionCase, Mode, ValidationReport, validate};
use serde_json::Value;

use super::template_of;
use crate::clock;
use crate::error::{FieldAppError, Result};
use crate::store::LocalStore;
use crate::store::enrollment::Enrollment;

/// Reads a value given on the command line: JSON when it parses as JSON, otherwise the text
/// itself (so `Hauptstraße 12` need not be quoted twice).
pub fn parse_value_arg(raw: &str) -> Value {
    serde_json::from_str(raw).unwrap_or_else(|_| Value::String(raw.to_string()))
}

/// Sets the answer of field `key` from its JSON form (`null` removes the answer) and saves
/// it as one transaction. Returns the draft validation report of the whole case: problems are
/// shown, never a reason not to save.
///
/// # Errors
/// [`FieldAppError::NotFound`] for an unknown case, field or uncached template,
/// [`FieldAppError::Invalid`] when the JSON does not have the shape the field takes,
/// [`FieldAppError::Store`].
pub fn set_field(
    store: &mut LocalStore,
    id: CaseId,
    key: &str,
    json: &Value,
    enrollment: &Enrollment,
) -> Result<ValidationReport> {
    let case = store.load_case(id)?.hydrate()?;
    let template = template_of(store, &case)?;
    let field = template.field(key).ok_or_else(|| {
        let keys: Vec<&str> = template.fields().map(|f| f.key.as_str()).collect();
        FieldAppError::NotFound(format!(
            "the template {} has no field `{key}`; its fields are: {}",
            template.id,
            keys.join(", ")
        ))
    })?;
    if matches!(field.kind, FieldKind::Photos { .. }) {
        return Err(FieldAppError::Invalid(format!(
            "`{key}` is a photo field; add photos with `field-app add-photo {id} {key} FILE`"
        )));
    }
    let value = match json {
        Value::Null => None,
        json => Some(FieldValue::from_json(&field.kind, json).map_err(|reason| {
            FieldAppError::Invalid(format!("the answer for `{key}` was not saved: {reason}"))
        })?),
    };
    let case = save_answer(store, id, key, value, enrollment)?;
    Ok(validate(&case, &template, Mode::Draft))
}

/// Sets (or with `None` removes) the answer of field `key`, already a value of the field's
/// kind, as one transaction by the enrolled officer, and returns the case as stored. The
/// form calls this directly (its inputs produce typed values); [`set_field`] after checking
/// the JSON against the template.
///
/// # Errors
/// [`FieldAppError::NotFound`] for an unknown case, [`FieldAppError::Store`],
/// [`FieldAppError::Schema`].
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::actions::new_case;
    use crate::actions::tests::enrolled_store;

    #[test]
    fn answers_are_saved_even_when_a_draft_has_problems() {
        let (_dir, mut store, e) = enrolled_store();
        let template = store.template("check", None).unwrap();
        let id = new_case(&mut store, &template, &e).unwrap();
        let report = set_field(&mut store, id, "count", &parse_value_arg("11"), &e).unwrap();
        assert!(!report.is_valid(), "11 is above the maximum");
        let case = store.load_case(id).unwrap().hydrate().unwrap();
        assert_eq!(case.fields.get("count"), Some(&FieldValue::Integer(11)));

        let report = set_field(
            &mut store,
            id,
            "note",
            &parse_value_arg("Reifen am Straßenrand"),
            &e,
        )
        .unwrap();
        assert_eq!(report.errors.len(), 1);
        set_field(&mut store, id, "count", &Value::Null, &e).unwrap();
        let case = store.load_case(id).unwrap().hydrate().unwrap();
        assert!(!case.fields.contains_key("count"));

        assert!(matches!(
            set_field(&mut store, id, "nope", &Value::Bool(true), &e),
            Err(FieldAppError::NotFound(_))
        ));
        assert!(matches!(
            set_field(&mut store, id, "count", &parse_value_arg("zwölf"), &e),
            Err(FieldAppError::Invalid(_))
        ));
        assert!(matches!(
            set_field(&mut store, id, "photos", &Value::Bool(true), &e),
            Err(FieldAppError::Invalid(_))
        ));
    }

    #[test]
    fn a_typed_answer_is_saved_and_removed_in_one_transaction_each() {
        let (_dir, mut store, e) = enrolled_store();
        let template = store.template("check", None).unwrap();
        let id = new_case(&mut store, &template, &e).unwrap();
        let case = save_answer(&mut store, id, "count", Some(FieldValue::Integer(4)), &e).unwrap();
        assert_eq!(case.fields.get("count"), Some(&FieldValue::Integer(4)));
        let stored = store.load_case(id).unwrap().hydrate().unwrap();
        assert_eq!(stored, case, "what is returned is what is on disk");
        assert_eq!(stored.updated.by, "a.abel");

        let case = save_answer(&mut store, id, "count", None, &e).unwrap();
        assert!(!case.fields.contains_key("count"));
        assert!(
            !store
                .load_case(id)
                .unwrap()
                .hydrate()
                .unwrap()
                .fields
                .contains_key("count")
        );
        assert!(matches!(
            save_answer(&mut store, CaseId::new(), "count", None, &e),
            Err(FieldAppError::NotFound(_))
        ));
    }
}
