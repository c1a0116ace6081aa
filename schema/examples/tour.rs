//! A tour of naper's domain model, run by `cargo xtask demo` until the sync server exists:
//! loads the bundled templates, fills a case on a "tablet" replica while the "back office"
//! edits its own replica, merges both, and walks the case through the workflow. The case
//! document is saved under the data directory.
//!
//! Usage: `tour <templates-dir> <data-dir>`

use std::error::Error;
use std::path::PathBuf;

use schema::{
    CaseDocument, ChangeAuthor, Comment, CommentId, FieldKind, FieldValue, GpsPoint,
    InspectionCase, Mode, Photo, PhotoId, PostalAddress, Role, Stamp, Status, Template, is_visible,
    validate,
};

fn main() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(templates_dir), Some(data_dir)) = (args.next(), args.next()) else {
        return Err("usage: tour <templates-dir> <data-dir>".into());
    };
    let templates = load_templates(&PathBuf::from(templates_dir))?;
    println!("Bundled templates ({}):", templates.len());
    for t in &templates {
        println!(
            "  {:<28} v{}  {:>2} fields  {}",
            t.id,
            t.version,
            t.fields().count(),
            t.title.de
        );
    }

    let template = templates
        .iter()
        .find(|t| t.id == "illegal-waste-dumping")
        .or(templates.first())
        .ok_or("no templates found")?;
    let now = chrono::Utc::now().timestamp_millis();
    let officer = ChangeAuthor {
        user: "m.mueller".into(),
        device: Some("tablet-7".into()),
    };
    let staff = ChangeAuthor {
        user: "s.schmidt".into(),
        device: None,
    };

    println!(
        "\nThe officer starts a case from „{}“ on the tablet.",
        template.title.de
    );
    let case = InspectionCase::new_draft(template, "demo-stadt", &officer.user, now);
    let mut tablet = CaseDocument::create(&case, &officer)?;
    let report = validate(&case, template, Mode::Submission);
    println!(
        "  Submitting the empty draft would fail on {} fields, e.g.:",
        report.errors.len()
    );
    for e in report.errors.iter().take(3) {
        println!("    {}: {}", e.field, e.problem);
    }
    match tablet.change_status(Status::Submitted, Role::Officer, template, &officer, now) {
        Err(e) => println!("  Submission refused: {}", truncate(&e.to_string(), 100)),
        Ok(_) => return Err("an empty case must not be submittable".into()),
    }

    println!("\nThe back office works on its own replica at the same time; the tablet is offline.");
    let mut back_office = tablet.fork();
    back_office.edit(&staff, now + 1, |c| {
        c.comments.push(Comment {
            id: CommentId::new(),
            written: Stamp {
                by: staff.user.clone(),
                at_ms: now + 1,
            },
            text: "Bitte Hausnummer des Nachbargrundstücks ergänzen.".into(),
            internal: false,
        });
        c.title = format!("{} – Hauptstraße 12", template.title.de);
    })?;
    tablet.edit(&officer, now + 2, |c| answer_everything(c, template, now))?;
    println!(
        "  Tablet: {} answers, {} photos.",
        tablet.hydrate()?.fields.len(),
        tablet.hydrate()?.photos.len()
    );

    println!("\nThe tablet meets the network; both replicas merge without conflict dialogs.");
    tablet.merge(&mut back_office)?;
    back_office.merge(&mut tablet)?;
    let merged = tablet.hydrate()?;
    if merged != back_office.hydrate()? {
        return Err("the replicas did not converge".into());
    }
    println!("  Title from the back office: {}", merged.title);
    println!(
        "  Comment from the back office: {}",
        merged
            .comments
            .first()
            .map(|c| c.text.as_str())
            .unwrap_or("-")
    );
    println!("  Answers from the tablet: {}", merged.fields.len());

    tablet.change_status(
        Status::Submitted,
        Role::Officer,
        template,
        &officer,
        now + 3,
    )?;
    back_office.merge(&mut tablet)?;
    back_office.change_status(
        Status::InReview,
        Role::CaseWorker,
        template,
        &staff,
        now + 4,
    )?;
    if let Err(e) =
        back_office.change_status(Status::Approved, Role::Viewer, template, &staff, now + 5)
    {
        println!("\nA viewer trying to approve: {e}");
    }
    let approved = back_office.change_status(
        Status::Approved,
        Role::CaseWorker,
        template,
        &staff,
        now + 6,
    )?;
    println!("Status after review: {}", approved.status);

    let dir = PathBuf::from(data_dir).join("tour");
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let path = dir.join(format!("{}.automerge", approved.id));
    let bytes = back_office.save();
    std::fs::write(&path, &bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    let reloaded = CaseDocument::load(&std::fs::read(&path)?)?.hydrate()?;
    if reloaded != approved {
        return Err("the saved case did not load back unchanged".into());
    }
    println!(
        "\nSaved the case document ({} bytes) to {} and loaded it back unchanged.",
        bytes.len(),
        path.display()
    );
    println!("The sync server and the tablet app are the next milestones; see README.md.");
    Ok(())
}

fn load_templates(dir: &PathBuf) -> Result<Vec<Template>, Box<dyn Error>> {
    let mut templates = Vec::new();
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    for entry in entries {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "json") {
            let json = std::fs::read_to_string(&path)?;
            templates
                .push(Template::from_json(&json).map_err(|e| format!("{}: {e}", path.display()))?);
        }
    }
    templates.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(templates)
}

/// Gives every visible field a plausible answer, as an officer would on site.
fn answer_everything(case: &mut InspectionCase, template: &Template, now: i64) {
    // Answering a controlling field can reveal more fields, so repeat until nothing changes.
    for _ in 0..template.fields().count() {
        let before = case.fields.len() + case.photos.len();
        for field in template.fields() {
            if !is_visible(field, case, template) || case.fields.contains_key(&field.key) {
                continue;
            }
            if let FieldKind::Photos { min_count, .. } = field.kind {
                let have = case.photos_of(&field.key).count() as u32;
                for n in have..min_count.max(1) {
                    case.photos.push(sample_photo(&field.key, n, now));
                }
                continue;
            }
            if let Some(value) = sample_answer(&field.kind, now) {
                case.fields.insert(field.key.clone(), value);
            }
        }
        if case.fields.len() + case.photos.len() == before {
            break;
        }
    }
}

fn sample_answer(kind: &FieldKind, now: i64) -> Option<FieldValue> {
    let today = chrono::DateTime::from_timestamp_millis(now)?.fixed_offset();
    Some(match kind {
        FieldKind::ShortText { pattern: None, .. } => FieldValue::Text("Beispielangabe".into()),
        FieldKind::ShortText {
            pattern: Some(_), ..
        } => return None,
        FieldKind::LongText { .. } | FieldKind::OfficerNotes { .. } => {
            FieldValue::LongText("Vor Ort festgestellt und fotografiert.".into())
        }
        FieldKind::Integer { min, .. } => FieldValue::Integer(min.unwrap_or(0).max(1)),
        FieldKind::Decimal { min, .. } => FieldValue::Decimal(min.unwrap_or(0.0).max(1.0)),
        FieldKind::Date => FieldValue::Date(today.date_naive()),
        FieldKind::Time => FieldValue::Time(today.time()),
        FieldKind::DateTime => FieldValue::DateTime(today),
        FieldKind::SingleChoice { options } => FieldValue::Choice(options.first()?.value.clone()),
        FieldKind::MultipleChoice { options, .. } => {
            FieldValue::Choices([options.first()?.value.clone()].into_iter().collect())
        }
        FieldKind::YesNo => FieldValue::YesNo(false),
        FieldKind::GpsPoint { .. } => FieldValue::Gps(GpsPoint {
            lat: 52.5163,
            lon: 13.3777,
            accuracy_m: Some(5.0),
        }),
        FieldKind::PostalAddress => FieldValue::Address(PostalAddress {
            street: "Hauptstraße".into(),
            house_number: "12".into(),
            postal_code: "10115".into(),
            city: "Berlin".into(),
        }),
        FieldKind::VehiclePlate => FieldValue::Plate("B-AB 1234".into()),
        FieldKind::Photos { .. } | FieldKind::Signature => return None,
    })
}

fn sample_photo(field: &str, n: u32, now: i64) -> Photo {
    Photo {
        id: PhotoId::new(),
        field: field.into(),
        sha256: format!("{n:02x}").repeat(32),
        byte_size: 3_500_000,
        width: 4000,
        height: 3000,
        mime_type: "image/jpeg".into(),
        captured_at_ms: Some(now),
        gps: None,
        caption: format!("Foto {}", n + 1),
        added: Stamp {
            by: "m.mueller".into(),
            at_ms: now + i64::from(n),
        },
        annotations: Vec::new(),
    }
}

fn truncate(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_owned(),
    }
}
