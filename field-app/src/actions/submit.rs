//! Handing a case in.

use schema::{CaseId, InspectionCase, Status};

use super::template_of;
use crate::clock;
use crate::error::Result;
use crate::store::LocalStore;
use crate::store::enrollment::Enrollment;

/// Moves the case to `submitted` as the enrolled officer, checked against its template. An
/// incomplete case is refused with `schema::Error::NotValid` and its report; nothing changes
/// then.
///
/// # Errors
/// [`crate::FieldAppError::Schema`] (not valid, not allowed by the workflow),
/// [`crate::FieldAppError::NotFound`], [`crate::FieldAppError::Store`].
pub fn submit(
    store: &mut LocalStore,
    id: CaseId,
    enrollment: &Enrollment,
) -> Result<InspectionCase> {
    let case = store.load_case(id)?.hydrate()?;
    let template = template_of(store, &case)?;
    let role = enrollment.role()?;
    let author = enrollment.author();
    store.update_case(id, |doc| {
        Ok(doc.change_status(Status::Submitted, role, &template, &author, clock::now_ms())?)
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::FieldAppError;
    use crate::actions::tests::enrolled_store;
    use crate::actions::{add_photo, new_case, parse_value_arg, set_field};

    #[test]
    fn an_incomplete_case_is_refused_and_a_complete_one_submitted() {
        let (_dir, mut store, e) = enrolled_store();
        let template = store.template("check", None).unwrap();
        let id = new_case(&mut store, &template, &e).unwrap();
        let err = submit(&mut store, id, &e).unwrap_err();
        match &err {
            FieldAppError::Schema(inner) => {
                assert!(matches!(**inner, schema::Error::NotValid(_)), "{err}");
            }
            other => panic!("{other}"),
        }
        assert_eq!(store.list_cases().unwrap()[0].status, "draft");

        set_field(&mut store, id, "count", &parse_value_arg("3"), &e).unwrap();
        let jpeg = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../assets/photos/orientation-1.jpg"
        ))
        .unwrap();
        add_photo(&mut store, id, "photos", &jpeg, &e).unwrap();
        let case = submit(&mut store, id, &e).unwrap();
        assert_eq!(case.status, Status::Submitted);
        assert_eq!(store.list_cases().unwrap()[0].status, "submitted");
    }
}
