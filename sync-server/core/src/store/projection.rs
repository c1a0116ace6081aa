//! The relational projection of a case: the columns lists and filters need, derived from the
//! Automerge document (the source of truth) and never edited on their own.

use schema::{CaseDocument, FieldValue, InspectionCase};
use sync_protocol::heads_key;

use crate::store::CaseRow;

/// The projection row of the document in `bytes` (a full save, or a snapshot followed by
/// change chunks).
///
/// # Errors
/// [`schema::Error`] when the bytes are not a readable case document.
pub fn project_bytes(bytes: &[u8]) -> Result<CaseRow, schema::Error> {
    let mut doc = CaseDocument::load(bytes)?;
    project(&mut doc)
}

/// The projection row of a loaded document.
///
/// # Errors
/// [`schema::Error::Layout`] when the document does not have the case layout.
pub fn project(doc: &mut CaseDocument) -> Result<CaseRow, schema::Error> {
    let case = doc.hydrate()?;
    let heads = heads_key(&doc.heads());
    Ok(from_case(&case, heads))
}

/// The projection row of a hydrated case at `heads` ([`heads_key`] form).
pub fn from_case(case: &InspectionCase, heads: String) -> CaseRow {
    let mut photos: Vec<String> = case
        .photos
        .iter()
        .map(|p| p.sha256.trim().to_ascii_lowercase())
        .filter(|sha| !sha.is_empty())
        .collect();
    photos.sort_unstable();
    photos.dedup();
    CaseRow {
        id: case.id,
        tenant: case.tenant.clone(),
        template_id: case.template.id.clone(),
        template_version: case.template.version,
        status: case.status.as_str().to_string(),
        created_by: case.created.by.clone(),
        assignee: case.assigned_officer.clone(),
        lat: case.location.as_ref().map(|p| p.lat),
        lon: case.location.as_ref().map(|p| p.lon),
        address: case
            .address
            .as_ref()
            .map(schema::PostalAddress::one_line)
            .filter(|line| !line.is_empty()),
        title: case.title.clone(),
        created_at: case.created.at_ms,
        updated_at: case.updated.at_ms,
        heads,
        answers: answers_text(case),
        photos,
    }
}

/// The case's answers as searchable text, one answer per line: what staff type into the
/// queue's search box (a plate, a name, a street in a note, a chosen option's key). Numbers,
/// yes/no, positions and signatures are left out: nobody searches for them as text.
pub fn answers_text(case: &InspectionCase) -> String {
    let mut lines: Vec<String> = Vec::new();
    for value in case.fields.values() {
        match value {
            FieldValue::Text(s)
            | FieldValue::LongText(s)
            | FieldValue::Plate(s)
            | FieldValue::Choice(s) => lines.push(s.clone()),
            FieldValue::Choices(set) => lines.extend(set.iter().cloned()),
            FieldValue::Address(address) => lines.push(address.one_line()),
            FieldValue::Date(d) => lines.push(d.format("%d.%m.%Y").to_string()),
            _ => {}
        }
    }
    lines.retain(|line| !line.trim().is_empty());
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use schema::{ChangeAuthor, PostalAddress, Template};

    use super::*;

    #[test]
    fn a_case_projects_to_its_columns() {
        let template = Template::from_json(
            r#"{"id":"t","version":2,"category":"c","title":{"de":"Titel","en":"Title"},
            "sections":[{"key":"s","title":{"de":"S","en":"S"},"fields":[
            {"key":"n","type":"integer","label":{"de":"N","en":"N"}}]}]}"#,
        )
        .unwrap();
        let mut case = InspectionCase::new_draft(&template, "demo", "officer1", 1000);
        case.address = Some(PostalAddress {
            street: "Hauptstraße".into(),
            house_number: "12a".into(),
            postal_code: "10115".into(),
            city: "Berlin".into(),
        });
        let author = ChangeAuthor {
            user: "officer1".into(),
            device: None,
        };
        let mut doc = CaseDocument::create(&case, &author).unwrap();
        let row = project_bytes(&doc.save()).unwrap();
        assert_eq!(row.id, case.id);
        assert_eq!(row.status, "draft");
        assert_eq!(row.title, "Titel");
        assert_eq!(row.template_version, 2);
        assert_eq!(row.assignee.as_deref(), Some("officer1"));
        assert_eq!(
            row.address.as_deref(),
            Some("Hauptstraße 12a, 10115 Berlin")
        );
        assert_eq!(row.heads, heads_key(&doc.heads()));
    }
}
