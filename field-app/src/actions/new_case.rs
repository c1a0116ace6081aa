//! A new case from a template, with the answers the tablet can prefill.

use schema::{CaseDocument, CaseId, FieldValue, GpsPoint, InspectionCase, PrefillSource, Template};

use crate::clock;
use crate::error::Result;
use crate::store::LocalStore;
use crate::store::enrollment::Enrollment;

/// The answer `source` gives on this tablet now, if it has one: the device position is
/// `position` (the current fix, when there is one). Sources the tablet cannot know (citizen
/// data, service number) give none.
pub fn prefill(
    source: PrefillSource,
    enrollment: &Enrollment,
    position: Option<GpsPoint>,
) -> Option<FieldValue> {
    match source {
        PrefillSource::OfficerName => Some(FieldValue::Text(enrollment.display_name.clone())),
        PrefillSource::CurrentDate => Some(FieldValue::Date(clock::today())),
        PrefillSource::CurrentTime => Some(FieldValue::Time(clock::time_of_day())),
        PrefillSource::CurrentDateTime => Some(FieldValue::DateTime(clock::now_office())),
        PrefillSource::DevicePosition => position.map(FieldValue::Gps),
        PrefillSource::OfficerServiceNumber
        | PrefillSource::CitizenName
        | PrefillSource::CitizenEmail
        | PrefillSource::CitizenPhone
        | PrefillSource::ReportedAddress
        | PrefillSource::CitizenAddress
        | PrefillSource::CitizenOrganisation => None,
    }
}

/// Creates a draft case for `template` by the enrolled officer, with the template's defaults
/// and the prefills this tablet can give without a position, and stores it. Returns its id.
///
/// # Errors
/// [`crate::FieldAppError::Schema`], [`crate::FieldAppError::Store`].
pub fn new_case(
    store: &mut LocalStore,
    template: &Template,
    enrollment: &Enrollment,
) -> Result<CaseId> {
    new_case_at(store, template, enrollment, None)
}

/// As [`new_case`], with the device position `position` (the current fix, if any) for the
/// fields prefilled from it; without one they stay empty for the officer to type.
///
/// # Errors
/// [`crate::FieldAppError::Schema`], [`crate::FieldAppError::Store`].
pub fn new_case_at(
    store: &mut LocalStore,
    template: &Template,
    enrollment: &Enrollment,
    position: Option<GpsPoint>,
) -> Result<CaseId> {
    if template.audience != schema::Audience::Officer {
        return Err(crate::FieldAppError::Invalid(format!(
            "`{}` is a citizens' service: its cases come from citizens' requests; start an \
             inspection from an officer's template",
            template.id
        )));
    }
    let now = clock::now_ms();
    let mut case =
        InspectionCase::new_draft(template, &enrollment.tenant, &enrollment.username, now);
    for field in template.fields() {
        if case.fields.contains_key(&field.key) {
            continue;
        }
        let Some(source) = field.prefill else {
            continue;
        };
        if !source.fits(&field.kind) {
            continue;
        }
        if let Some(value) = prefill(source, enrollment, position) {
            case.fields.insert(field.key.clone(), value);
        }
    }
    let mut doc = CaseDocument::create(&case, &enrollment.author())?;
    store.insert_case(&mut doc)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::actions::tests::enrolled_store;

    #[test]
    fn a_new_case_is_prefilled_from_the_enrollment_and_the_clock() {
        let (_dir, mut store, e) = enrolled_store();
        let template = store.template("check", None).unwrap();
        let id = new_case(&mut store, &template, &e).unwrap();
        let case = store.load_case(id).unwrap().hydrate().unwrap();
        assert_eq!(
            case.fields.get("officer"),
            Some(&FieldValue::Text("Anna Abel".into()))
        );
        assert!(matches!(case.fields.get("day"), Some(FieldValue::Date(_))));
        assert!(matches!(
            case.fields.get("at"),
            Some(FieldValue::DateTime(_))
        ));
        assert_eq!(case.tenant, "stadt");
        assert_eq!(case.assigned_officer.as_deref(), Some("a.abel"));
    }

    #[test]
    fn the_device_position_is_prefilled_from_the_current_fix_only() {
        let (_dir, mut store, e) = enrolled_store();
        store.put_template(WHERE).unwrap();
        let template = store.template("where", None).unwrap();
        let here = GpsPoint {
            lat: 52.52,
            lon: 13.40,
            accuracy_m: Some(4.0),
        };
        let id = new_case_at(&mut store, &template, &e, Some(here)).unwrap();
        let case = store.load_case(id).unwrap().hydrate().unwrap();
        assert_eq!(case.fields.get("at"), Some(&FieldValue::Gps(here)));

        let id = new_case_at(&mut store, &template, &e, None).unwrap();
        let case = store.load_case(id).unwrap().hydrate().unwrap();
        assert_eq!(case.fields.get("at"), None, "no fix: typed by hand");
    }

    const WHERE: &str = r#"{"id":"where","version":1,"category":"c",
      "title":{"de":"Ort","en":"Place"},
      "sections":[{"key":"s","title":{"de":"S","en":"S"},"fields":[
        {"key":"at","type":"gps_point","label":{"de":"O","en":"P"},"prefill":"device_position"}]}]}"#;

    #[test]
    fn a_citizens_service_starts_no_inspection() {
        let (_dir, mut store, e) = enrolled_store();
        let service = store
            .put_template(
                r#"{"id":"maengel","version":1,"category":"c","audience":"citizen",
                "service":{"keywords":{"de":["Müll"]},
                  "office":{"name":{"de":"Amt","en":"Office"},"email":"oa@example.org"}},
                "title":{"de":"Mängel","en":"Problems"},
                "sections":[{"key":"s","title":{"de":"S","en":"S"},"fields":[
                  {"key":"what","type":"long_text","label":{"de":"Was","en":"What"}}]}]}"#,
            )
            .unwrap();
        let refused = new_case(&mut store, &service, &e).unwrap_err().to_string();
        assert!(refused.contains("citizens' service"), "{refused}");
        assert!(store.list_cases().unwrap().is_empty());
    }
}
