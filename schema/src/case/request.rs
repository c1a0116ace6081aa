//! The citizen's part of a case: what a citizen asked for, kept apart from what officers and
//! staff write.
//!
//! A request that arrives through the portal or Open311 becomes a case whose `request` holds
//! the service the citizen chose and the citizen's answers to it; the server writes it once,
//! on the citizen's behalf, and nobody changes it afterwards (the write rules refuse it).
//! Officers and staff answer in the case's own `fields`, which follow the template the case
//! is worked with. The contact address for updates is not in the document: it stays on the
//! server, so tablets never receive it.

use std::collections::BTreeMap;

use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

use super::{InspectionCase, Stamp, TemplateRef, single_pass};
use crate::Template;
use crate::value::FieldValue;
use crate::workflow::Status;

/// What a citizen sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct CitizenRequest {
    /// The service the citizen chose, in the version the form had.
    pub service: TemplateRef,
    /// The number the citizen quotes, per tenant and year (`TGH-2026-000123`).
    pub number: String,
    /// How the request arrived (`portal`, `open311`).
    pub channel: String,
    /// The citizen's answers, keyed by the service's field keys.
    #[autosurgeon(hydrate = "single_pass::map")]
    pub answers: BTreeMap<String, FieldValue>,
}

impl InspectionCase {
    /// A new case for a citizen's request of `service`, received at `now_ms` and written by
    /// `writer` (the server's name for the citizen or the channel). The case is worked with
    /// `worked_with`: the service's inspection template when it has one, else the service
    /// itself (whose answers are then the request's, and the case's own stay empty).
    pub fn new_request(
        service: &Template,
        worked_with: &Template,
        tenant: impl Into<String>,
        writer: impl Into<String>,
        request: CitizenRequest,
        now_ms: i64,
    ) -> Self {
        let stamp = Stamp {
            by: writer.into(),
            at_ms: now_ms,
        };
        let fields = if worked_with.id == service.id {
            BTreeMap::new()
        } else {
            worked_with
                .fields()
                .filter_map(|f| f.default_value().map(|v| (f.key.clone(), v)))
                .collect()
        };
        InspectionCase {
            schema_version: super::CURRENT_SCHEMA_VERSION,
            id: super::CaseId::new(),
            tenant: tenant.into(),
            template: worked_with.reference(),
            status: Status::Received,
            title: format!("{} {}", service.title.de, request.number),
            created: stamp.clone(),
            updated: stamp,
            assigned_officer: None,
            location: None,
            address: None,
            fields,
            photos: Vec::new(),
            comments: Vec::new(),
            service_request: Some(request.number.clone()),
            request: Some(request),
        }
    }
}

/// What a request's photos are tagged with in the case's photo list: the service's photo
/// field behind this prefix. They travel with the case's other photos (blob, thumbnails,
/// drawings, the tablet's download) but belong to the request: nobody adds one later,
/// removes one or changes its description (the write rules); staff may draw on one, to
/// black out a face.
pub const REQUEST_PHOTO_PREFIX: &str = "request.";

/// The photo field a request's photo of the service's field `key` is tagged with.
pub fn request_photo_field(key: &str) -> String {
    format!("{REQUEST_PHOTO_PREFIX}{key}")
}

impl super::Photo {
    /// Whether the photo came with the citizen's request.
    pub fn is_from_request(&self) -> bool {
        self.field.starts_with(REQUEST_PHOTO_PREFIX)
    }
}

impl InspectionCase {
    /// The photos the citizen sent in the service's photo field `key`.
    pub fn request_photos<'a>(&'a self, key: &str) -> impl Iterator<Item = &'a super::Photo> + 'a {
        let field = request_photo_field(key);
        self.photos.iter().filter(move |p| p.field == field)
    }
}

/// Hydrates `request`, which documents written before citizen requests existed lack.
pub(crate) fn missing() -> Option<CitizenRequest> {
    None
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use automerge::ROOT;
    use automerge::transaction::Transactable;

    use super::*;
    use crate::{CaseDocument, ChangeAuthor};

    fn template(id: &str, extra: &str) -> Template {
        Template::from_json(&format!(
            r#"{{"id":"{id}","version":1,"category":"c",{extra}"title":{{"de":"Titel {id}","en":"T"}},
            "sections":[{{"key":"s","title":{{"de":"S","en":"S"}},"fields":[
              {{"key":"what","type":"long_text","label":{{"de":"Was","en":"What"}}}},
              {{"key":"count","type":"integer","default":1,"label":{{"de":"Anzahl","en":"Count"}}}}]}}]}}"#
        ))
        .unwrap()
    }

    fn service() -> Template {
        template(
            "maengel",
            r#""audience":"citizen","service":{"keywords":{"de":["Müll"]},
            "office":{"name":{"de":"Ordnungsamt","en":"Office"},"email":"oa@example.org"}},"#,
        )
    }

    fn request() -> CitizenRequest {
        CitizenRequest {
            service: service().reference(),
            number: "TGH-2026-000007".into(),
            channel: "portal".into(),
            answers: [(
                "what".to_string(),
                FieldValue::Text("Sofa am Waldrand".into()),
            )]
            .into(),
        }
    }

    fn author() -> ChangeAuthor {
        ChangeAuthor {
            user: "portal".into(),
            device: None,
        }
    }

    #[test]
    fn a_request_is_stored_beside_the_cases_own_answers_and_read_back() {
        let inspection = template("inspektion", "");
        let case =
            InspectionCase::new_request(&service(), &inspection, "tgh", "portal", request(), 5);
        assert_eq!(case.status, Status::Received);
        assert_eq!(case.template, inspection.reference());
        assert_eq!(case.title, "Titel maengel TGH-2026-000007");
        // The inspection's defaults are the case's answers; the citizen's stay in the request.
        assert_eq!(case.fields.get("count"), Some(&FieldValue::Integer(1)));
        assert!(!case.fields.contains_key("what"));
        let mut doc = CaseDocument::create(&case, &author()).unwrap();
        let read = CaseDocument::load(&doc.save()).unwrap().hydrate().unwrap();
        assert_eq!(read, case);
        assert_eq!(read.request.unwrap().answers, request().answers);
    }

    #[test]
    fn a_service_without_an_inspection_keeps_the_cases_own_answers_empty() {
        let case =
            InspectionCase::new_request(&service(), &service(), "tgh", "portal", request(), 5);
        assert_eq!(case.template, service().reference());
        assert!(case.fields.is_empty());
    }

    #[test]
    fn a_document_from_before_requests_existed_reads_as_having_none() {
        let case = InspectionCase::new_draft(&template("inspektion", ""), "tgh", "o1", 5);
        let mut doc = CaseDocument::create(&case, &author()).unwrap();
        doc.automerge_mut().delete(ROOT, "request").unwrap();
        let read = CaseDocument::load(&doc.save()).unwrap().hydrate().unwrap();
        assert_eq!(read.request, None);
        assert_eq!(read, case);
    }
}
