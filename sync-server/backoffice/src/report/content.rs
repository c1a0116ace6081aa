//! What the inspection protocol says, as [`Block`]s in reading order: the header, every
//! visible answer with its template label in template order (photos and signatures drawn),
//! the place, the comments (internal ones marked: the report is for the file), and a summary
//! of the history. Pure: everything it needs is gathered by the handler first.

use std::collections::{BTreeSet, HashMap};

use schema::{FieldKind, FieldValue, InspectionCase, Language, PhotoId, Signature, Template};

use crate::i18n::Texts;
use crate::views::HistoryEntry;
use pdf::Block;
use texts::answer::{self, position};
use texts::time::instant_ms;

/// A photo as the report can show it.
#[derive(Debug, Clone)]
pub enum ReportPhoto {
    /// The (annotated) photo, reduced for print, as JPEG.
    Image {
        /// JPEG bytes.
        jpeg: Vec<u8>,
        /// Pixel width.
        width: u32,
        /// Pixel height.
        height: u32,
    },
    /// Its bytes have not reached the server yet.
    Missing,
    /// Its bytes do not decode.
    Unreadable,
}

/// Everything the report shows, gathered by the handler.
#[derive(Debug)]
pub struct ReportInput<'a> {
    /// The case.
    pub case: &'a InspectionCase,
    /// Its template, if stored.
    pub template: Option<&'a Template>,
    /// The service of the citizen's request it began as, if any and stored.
    pub service: Option<&'a Template>,
    /// The tenant's display name.
    pub tenant_name: String,
    /// The photos by id.
    pub photos: HashMap<PhotoId, ReportPhoto>,
    /// The newest changes, newest first, with local times.
    pub history: Vec<HistoryEntry>,
    /// Changes left out of `history`.
    pub history_more: usize,
    /// Who downloads the report (full name and user name).
    pub generated_by: String,
    /// When, ms since the epoch.
    pub generated_at_ms: i64,
}

fn row(label: &str, value: impl Into<String>) -> Block {
    Block::Row {
        label: label.to_string(),
        value: value.into(),
    }
}

fn header(input: &ReportInput<'_>, t: &Texts, lang: Language) -> Vec<Block> {
    let case = input.case;
    let template = match input.template {
        Some(tpl) => format!(
            "{} ({} {})",
            tpl.title.get(lang),
            t.version,
            case.template.version
        ),
        None => format!(
            "{} ({} {})",
            case.template.id, t.version, case.template.version
        ),
    };
    vec![
        Block::Title(format!("{}: {}", t.report_title, case.title)),
        Block::Note(format!(
            "{} {} {} {}. {}",
            t.report_generated,
            instant_ms(input.generated_at_ms, lang),
            t.report_by,
            input.generated_by,
            t.report_times
        )),
        Block::Heading(t.overview.into()),
        row(t.report_office, input.tenant_name.clone()),
        row(t.template, template),
        row(t.case_number, case.id.to_string()),
        row(t.status, t.status(case.status)),
        row(t.officer, case.created.by.clone()),
        row(
            t.assignee,
            case.assigned_officer
                .clone()
                .unwrap_or_else(|| t.not_assigned.into()),
        ),
        row(
            t.created,
            format!(
                "{} ({})",
                instant_ms(case.created.at_ms, lang),
                case.created.by
            ),
        ),
        row(
            t.updated,
            format!(
                "{} ({})",
                instant_ms(case.updated.at_ms, lang),
                case.updated.by
            ),
        ),
    ]
}

fn photo_blocks(input: &ReportInput<'_>, field: &str, t: &Texts) -> Vec<Block> {
    let mut blocks = Vec::new();
    for (index, photo) in input.case.photos_of(field).enumerate() {
        let mut caption = format!("{} {}", t.photo_of, index + 1);
        if !photo.caption.is_empty() {
            caption.push_str(": ");
            caption.push_str(&photo.caption);
        }
        match input.photos.get(&photo.id) {
            Some(ReportPhoto::Image {
                jpeg,
                width,
                height,
            }) => blocks.push(Block::Photo {
                jpeg: jpeg.clone(),
                width: *width,
                height: *height,
                caption,
            }),
            Some(ReportPhoto::Unreadable) => {
                blocks.push(Block::Note(format!(
                    "{caption}: {}",
                    t.report_photo_unreadable
                )));
            }
            Some(ReportPhoto::Missing) | None => {
                blocks.push(Block::Note(format!(
                    "{caption}: {}",
                    t.report_photo_missing
                )));
            }
        }
    }
    blocks
}

fn signature_block(signature: &Signature) -> Block {
    Block::Signature {
        strokes: signature
            .strokes
            .iter()
            .map(|stroke| stroke.iter().map(|p| (p.x, p.y)).collect())
            .collect(),
    }
}

/// One answer (and its photos or drawn signature).
fn answer(
    input: &ReportInput<'_>,
    key: &str,
    label: &str,
    field: Option<&schema::Field>,
    t: &Texts,
    lang: Language,
) -> Vec<Block> {
    let value = input.case.fields.get(key);
    let is_photos = field.is_some_and(|f| matches!(f.kind, FieldKind::Photos { .. }));
    if is_photos {
        let count = input.case.photos_of(key).count();
        let mut blocks = vec![row(
            label,
            if count == 0 {
                t.report_no_photos.to_string()
            } else {
                count.to_string()
            },
        )];
        blocks.extend(photo_blocks(input, key, t));
        return blocks;
    }
    let text = value.map_or_else(
        || t.not_answered.to_string(),
        |v| match v {
            // The signature is drawn below; the row names who signed, when.
            FieldValue::Signature(s) => format!(
                "{} {}, {}",
                t.signed_by,
                s.signer,
                instant_ms(s.signed_at_ms, lang)
            ),
            v => answer::show(v, field, lang),
        },
    );
    let mut blocks = vec![row(label, text)];
    if let Some(FieldValue::Signature(signature)) = value {
        blocks.push(signature_block(signature));
    }
    blocks
}

fn answers(input: &ReportInput<'_>, t: &Texts, lang: Language) -> Vec<Block> {
    let mut blocks = Vec::new();
    if let Some(template) = input.template {
        for section in &template.sections {
            let visible: Vec<_> = section
                .fields
                .iter()
                .filter(|f| schema::is_visible(f, input.case, template))
                .collect();
            if visible.is_empty() {
                continue;
            }
            blocks.push(Block::Heading(section.title.get(lang).to_string()));
            for field in visible {
                blocks.extend(answer(
                    input,
                    &field.key,
                    field.label.get(lang),
                    Some(field),
                    t,
                    lang,
                ));
            }
        }
    } else {
        blocks.push(Block::Note(t.template_missing.into()));
    }
    // Answers and photos the template does not name, by key, so nothing is left out.
    let known = |key: &str| input.template.is_some_and(|tpl| tpl.field(key).is_some());
    let mut other = Vec::new();
    for key in input.case.fields.keys().filter(|k| !known(k)) {
        other.extend(answer(input, key, key, None, t, lang));
    }
    let photo_fields: BTreeSet<&str> = input
        .case
        .photos
        .iter()
        .filter(|p| !p.is_from_request())
        .map(|p| p.field.as_str())
        .filter(|f| !known(f))
        .collect();
    for field in photo_fields {
        other.push(row(field, String::new()));
        other.extend(photo_blocks(input, field, t));
    }
    if !other.is_empty() {
        blocks.push(Block::Heading(t.other_answers.into()));
        blocks.extend(other);
    }
    blocks
}

fn place(case: &InspectionCase, t: &Texts, lang: Language) -> Vec<Block> {
    vec![
        Block::Heading(t.location.into()),
        row(
            t.address,
            case.address
                .as_ref()
                .map(schema::PostalAddress::one_line)
                .unwrap_or_else(|| t.not_answered.into()),
        ),
        row(
            t.gps_position,
            case.location
                .as_ref()
                .map(|p| position(p, lang))
                .unwrap_or_else(|| t.not_answered.into()),
        ),
    ]
}

fn comments(case: &InspectionCase, t: &Texts, lang: Language) -> Vec<Block> {
    let mut blocks = vec![Block::Heading(t.comments.into())];
    if case.comments.is_empty() {
        blocks.push(Block::Paragraph(t.no_comments.into()));
    }
    for comment in &case.comments {
        let mut label = format!(
            "{}\n{}",
            comment.written.by,
            instant_ms(comment.written.at_ms, lang)
        );
        if comment.internal {
            label.push_str(&format!("\n[{}]", t.internal));
        }
        blocks.push(Block::Row {
            label,
            value: comment.text.clone(),
        });
    }
    blocks
}

fn history(input: &ReportInput<'_>, t: &Texts) -> Vec<Block> {
    let mut blocks = vec![Block::Heading(t.report_history.into())];
    for entry in &input.history {
        let what: Vec<String> = entry
            .lines
            .iter()
            .map(|line| match &line.from {
                Some(from) => format!("{}: {from} → {}", line.what, line.to),
                None if line.to.is_empty() => line.what.clone(),
                None => format!("{}: {}", line.what, line.to),
            })
            .collect();
        let what = if what.is_empty() {
            t.no_visible_change.to_string()
        } else {
            what.join("\n")
        };
        let at = match &entry.stated {
            Some(stated) => format!("{}\n({stated})", entry.at),
            None => entry.at.clone(),
        };
        blocks.push(Block::Row {
            label: format!("{at}\n{}", entry.who),
            value: if entry.place.is_empty() {
                what
            } else {
                format!("{what}\n({})", entry.place)
            },
        });
    }
    if input.history_more > 0 {
        blocks.push(Block::Note(format!(
            "… {} {}",
            input.history_more,
            t.report_history_more.pick(input.history_more as u64)
        )));
    }
    blocks
}

/// What the citizen sent, for a case that began as a request: the service, each answer with
/// the service's label (by key when the service is not stored), and the photos.
fn request(input: &ReportInput<'_>, t: &Texts, lang: Language) -> Vec<Block> {
    let Some(request) = &input.case.request else {
        return Vec::new();
    };
    let service = input.service.map_or_else(
        || format!("{} v{}", request.service.id, request.service.version),
        |s| s.title.get(lang).to_string(),
    );
    let mut blocks = vec![
        Block::Heading(format!("{} {}", t.citizen_request, request.number)),
        row(t.citizen_request_service, service),
        row(t.citizen_request_channel, request.channel.clone()),
    ];
    let fields: Vec<(String, String, Option<&schema::Field>)> = match input.service {
        Some(service) => service
            .fields()
            .map(|f| (f.key.clone(), f.label.get(lang).to_string(), Some(f)))
            .collect(),
        None => request
            .answers
            .keys()
            .map(|key| (key.clone(), key.clone(), None))
            .collect(),
    };
    for (key, label, field) in fields {
        let photo_field = schema::request_photo_field(&key);
        if input.case.photos_of(&photo_field).next().is_some() {
            blocks.push(row(&label, String::new()));
            blocks.extend(photo_blocks(input, &photo_field, t));
        } else if let Some(value) = request.answers.get(&key) {
            blocks.push(row(&label, answer::show(value, field, lang)));
        }
    }
    blocks
}

/// The report's blocks.
pub fn blocks(input: &ReportInput<'_>, t: &Texts, lang: Language) -> Vec<Block> {
    let mut blocks = header(input, t, lang);
    blocks.extend(request(input, t, lang));
    blocks.extend(answers(input, t, lang));
    blocks.extend(place(input.case, t, lang));
    blocks.extend(comments(input.case, t, lang));
    blocks.extend(history(input, t));
    blocks
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::i18n::{DE, EN};

    const TEMPLATE: &str = r#"{"id":"r","version":3,"category":"c",
      "title":{"de":"Prüfung","en":"Check"},
      "sections":[{"key":"s","title":{"de":"Befund","en":"Findings"},"fields":[
        {"key":"leak","type":"single_choice","label":{"de":"Zustand","en":"State"},"options":[
          {"value":"dry","label":{"de":"trocken","en":"dry"}},
          {"value":"leaking","label":{"de":"undicht","en":"leaking"}}]},
        {"key":"measures","type":"long_text","label":{"de":"Maßnahmen","en":"Measures"},
         "visible_when":{"field":"leak","any_of":["leaking"]}}]}]}"#;

    fn rows(blocks: &[Block]) -> Vec<(&str, &str)> {
        blocks
            .iter()
            .filter_map(|b| match b {
                Block::Row { label, value } => Some((label.as_str(), value.as_str())),
                _ => None,
            })
            .collect()
    }

    fn report(case: &InspectionCase, template: &Template) -> Vec<Block> {
        report_in(case, template, Language::De)
    }

    fn report_in(case: &InspectionCase, template: &Template, lang: Language) -> Vec<Block> {
        let input = ReportInput {
            case,
            template: Some(template),
            service: None,
            tenant_name: "Stadt".into(),
            photos: HashMap::new(),
            history: Vec::new(),
            history_more: 0,
            generated_by: "S".into(),
            generated_at_ms: 0,
        };
        let t = match lang {
            Language::De => &DE,
            Language::En => &EN,
        };
        blocks(&input, t, lang)
    }

    #[test]
    fn hidden_fields_are_left_out_and_unknown_answers_listed_by_key() {
        let template = Template::from_json(TEMPLATE).unwrap();
        let mut case = InspectionCase::new_draft(&template, "t", "o1", 1_700_000_000_000);
        case.fields
            .insert("leak".into(), FieldValue::Choice("dry".into()));
        case.fields
            .insert("measures".into(), FieldValue::LongText("abdichten".into()));
        case.fields
            .insert("legacy".into(), FieldValue::Text("alt".into()));
        let blocks = report(&case, &template);
        let found = rows(&blocks);
        assert!(found.contains(&("Zustand", "trocken")));
        assert!(found.contains(&("Vorlage", "Prüfung (Version 3)")));
        assert!(
            !found.iter().any(|(label, _)| *label == "Maßnahmen"),
            "hidden"
        );
        assert!(found.contains(&("legacy", "alt")));
        assert!(blocks.contains(&Block::Heading(DE.other_answers.into())));

        case.fields
            .insert("leak".into(), FieldValue::Choice("leaking".into()));
        let blocks = report(&case, &template);
        assert!(rows(&blocks).contains(&("Maßnahmen", "abdichten")), "shown");
    }

    /// A case that began as a citizen's request prints the request first: its number, the
    /// service's labels for the citizen's answers, and its photos — never in "other answers".
    #[test]
    fn a_citizens_request_is_printed_with_its_answers_and_photos() {
        let service = Template::from_json(
            r#"{"id":"meldung","version":1,"category":"c","audience":"citizen",
            "title":{"de":"Meldung","en":"Report"},
            "service":{"keywords":{"de":["Müll"]},
              "office":{"name":{"de":"Amt","en":"Office"},"email":"amt@example.org"}},
            "sections":[{"key":"s","title":{"de":"S","en":"S"},"fields":[
              {"key":"what","type":"long_text","label":{"de":"Was ist los?","en":"What?"}},
              {"key":"pics","type":"photos","label":{"de":"Fotos","en":"Photos"}}]}]}"#,
        )
        .unwrap();
        let template = Template::from_json(TEMPLATE).unwrap();
        let request = schema::CitizenRequest {
            service: service.reference(),
            number: "A-2026-000004".into(),
            channel: "portal".into(),
            answers: [("what".to_string(), FieldValue::LongText("Sofa".into()))].into(),
        };
        let mut case =
            InspectionCase::new_request(&service, &template, "t", "buergerin", request, 5);
        case.photos.push(schema::Photo {
            id: schema::PhotoId::new(),
            field: schema::request_photo_field("pics"),
            sha256: "ab".repeat(32),
            byte_size: 10,
            width: 4,
            height: 3,
            mime_type: "image/jpeg".into(),
            captured_at_ms: None,
            gps: None,
            caption: String::new(),
            added: schema::Stamp {
                by: "buergerin".into(),
                at_ms: 5,
            },
            annotations: Vec::new(),
        });
        let input = ReportInput {
            case: &case,
            template: Some(&template),
            service: Some(&service),
            tenant_name: "Stadt".into(),
            photos: HashMap::new(),
            history: Vec::new(),
            history_more: 0,
            generated_by: "S".into(),
            generated_at_ms: 0,
        };
        let blocks = blocks(&input, &DE, Language::De);
        assert!(blocks.contains(&Block::Heading("Bürgeranliegen A-2026-000004".into())));
        let found = rows(&blocks);
        assert!(found.contains(&("Was ist los?", "Sofa")), "{found:?}");
        assert!(found.contains(&("Leistung", "Meldung")), "{found:?}");
        assert!(
            blocks.contains(&Block::Note(format!(
                "{} 1: {}",
                DE.photo_of, DE.report_photo_missing
            ))),
            "the photo's place is kept while its bytes are missing: {blocks:?}"
        );
        assert!(
            !blocks.contains(&Block::Heading(DE.other_answers.into())),
            "{blocks:?}"
        );
    }

    #[test]
    fn a_date_reads_as_on_every_surface_in_the_reports_language() {
        let template = Template::from_json(TEMPLATE).unwrap();
        let mut case = InspectionCase::new_draft(&template, "t", "o1", 1_700_000_000_000);
        let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        case.fields.insert("found".into(), FieldValue::Date(day));
        let german = report_in(&case, &template, Language::De);
        assert!(
            rows(&german).contains(&("found", "03.12.2026")),
            "{german:?}"
        );
        let english = report_in(&case, &template, Language::En);
        assert!(
            rows(&english).contains(&("found", "2026-12-03")),
            "{english:?}"
        );
    }
}
