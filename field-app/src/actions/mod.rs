//! What an officer does to a case, each as one store transaction: the operations both the
//! CLI and the GUI run (the GUI holds no store logic of its own).
//!
//! Drafts may be incomplete and nothing typed is lost: answers are saved even when draft
//! validation finds problems (the report is returned for showing). Only submission is refused
//! for an incomplete case.

mod annotations;
mod fields;
mod new_case;
mod photos;
mod submit;

pub use annotations::save_annotations;
pub use fields::{parse_value_arg, save_answer, set_field};
pub use new_case::{new_case, new_case_at, prefill};
pub use photos::{add_photo, annotate_photo, delete_photo};
pub use submit::submit;

use schema::{InspectionCase, Template};

use crate::error::Result;
use crate::store::LocalStore;

/// The template a case follows, from the cache.
///
/// # Errors
/// [`crate::FieldAppError::NotFound`] when the tablet does not have that template version.
pub fn template_of(store: &LocalStore, case: &InspectionCase) -> Result<Template> {
    store.template(&case.template.id, Some(case.template.version))
}

/// The service a citizen's request in `case` was sent with, if the case began as one and the
/// tablet has the service (it is cached with the tenant's templates at sync).
pub fn service_of(store: &LocalStore, case: &InspectionCase) -> Option<Template> {
    let request = case.request.as_ref()?;
    store
        .template(&request.service.id, Some(request.service.version))
        .ok()
}

#[cfg(test)]
pub(crate) mod tests {
    #![allow(clippy::unwrap_used)]
    use crate::store::LocalStore;
    use crate::store::enrollment::Enrollment;

    /// A template with every kind the actions treat specially.
    pub(crate) const TEMPLATE: &str = r#"{"id":"check","version":2,"category":"c",
      "title":{"de":"Kontrolle","en":"Check"},
      "sections":[{"key":"s","title":{"de":"S","en":"S"},"fields":[
        {"key":"officer","type":"short_text","label":{"de":"O","en":"O"},"prefill":"officer_name"},
        {"key":"day","type":"date","label":{"de":"D","en":"D"},"prefill":"current_date"},
        {"key":"at","type":"date_time","label":{"de":"A","en":"A"},"prefill":"current_date_time"},
        {"key":"count","type":"integer","label":{"de":"C","en":"C"},"required":true,"max":10},
        {"key":"note","type":"long_text","label":{"de":"N","en":"N"}},
        {"key":"photos","type":"photos","label":{"de":"P","en":"P"},"min_count":1}]}]}"#;

    pub(crate) fn enrolled_store() -> (tempfile::TempDir, LocalStore, Enrollment) {
        let dir = tempfile::tempdir().unwrap();
        let mut store = LocalStore::open(dir.path()).unwrap();
        let e = Enrollment {
            server_url: "http://127.0.0.1:9".into(),
            device_id: "dev-1".into(),
            token: "t".into(),
            username: "a.abel".into(),
            display_name: "Anna Abel".into(),
            tenant: "stadt".into(),
            role: "officer".into(),
            enrolled_at_ms: 0,
        };
        store.save_enrollment(&e).unwrap();
        store.put_template(TEMPLATE).unwrap();
        (dir, store, e)
    }
}
