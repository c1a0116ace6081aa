//! `GET /backoffice/cases/{id}`: every answer with the template's labels in template order,
//! photos, comments, and the action forms the user's role allows.

use std::collections::BTreeSet;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use schema::{FieldKind, InspectionCase, Language, Role, Template};

use super::audit::{self, Action};
use super::i18n::Texts;
use super::load::{LoadedCase, load_case};
use super::session::Session;
use super::views::{
    CasePage, CaseView, CommentView, EditView, FieldView, Frame, MessageView, OptionView,
    PhotoView, RefusedView, RequestView, SectionView, render,
};
use crate::{InPage, PageError};
use server_core::access::{self, Permissions, StaffAction};
use server_core::kernel::{AppError, blocking};
use server_core::services::AppState;
use server_core::store::request_messages::Message;
use server_core::store::{accounts, blobs};
use texts::answer::{self, position};
use texts::time::instant_ms;
use web::form_input::{Typed, current_choices, current_input, input_for, parts};

/// `GET /backoffice/cases/{id}`.
pub async fn page(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let lang = session.lang;
    show(&state, &session, &id, None)
        .await
        .map_err(|e| e.in_page(lang))
}

/// An answer the back office refused to save: the field, what was typed, and why.
#[derive(Debug)]
pub struct Refused {
    /// Field key.
    pub key: String,
    /// The edit form as it was sent.
    pub typed: Typed,
    /// What is wrong, naming the field.
    pub message: String,
}

/// The case page again after `refused`, with status 422: what was typed stays in its
/// inputs, the field's form is open with the reason beside it, and a summary at the top
/// links to it — nothing typed is lost to a refusal.
///
/// # Errors
/// As the case page.
pub async fn show_refused(
    state: &AppState,
    session: &Session,
    id: &str,
    refused: Refused,
) -> Result<Response, AppError> {
    let mut response = show(state, session, id, Some(&refused)).await?;
    *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(response)
}

async fn show(
    state: &AppState,
    session: &Session,
    id: &str,
    refused: Option<&Refused>,
) -> Result<Response, AppError> {
    let loaded = load_case(state, session, id, StaffAction::View).await?;
    let perms = access::permissions(&session.staff, loaded.case.status);
    let officers = if perms.assign {
        let store = state.store.clone();
        let tenant = session.staff.tenant.clone();
        blocking(move || store.read(|tx| accounts::tenant_users(tx, &tenant)))
            .await?
            .into_iter()
            .filter(|u| u.role == Role::Officer)
            .map(|u| (u.username, u.display_name))
            .collect()
    } else {
        Vec::new()
    };
    // Which photos' bytes have arrived: one lookup per photo, cases hold few.
    let shas: Vec<String> = loaded
        .case
        .photos
        .iter()
        .map(|p| p.sha256.clone())
        .collect();
    let store = state.store.clone();
    let stored: BTreeSet<String> = blocking(move || -> Result<_, AppError> {
        let mut stored = BTreeSet::new();
        for sha in shas {
            if store.read(|tx| blobs::find(tx, &sha))?.is_some() {
                stored.insert(sha);
            }
        }
        Ok(stored)
    })
    .await?;
    let frame = Frame::signed_in(session, loaded.case.title.clone());
    let view = case_view(&loaded, frame.t, session, perms, officers, &stored, refused);
    let response = render(&CasePage {
        page: frame,
        v: view,
    })?;
    audit::record(
        state,
        &session.staff,
        Action::ViewCase,
        Some(loaded.row.id),
        "",
    )
    .await?;
    Ok(response)
}

fn photos_of(case: &InspectionCase, field: &str, stored: &BTreeSet<String>) -> Vec<PhotoView> {
    case.photos_of(field)
        .map(|p| PhotoView {
            id: p.id.to_string(),
            available: stored.contains(&p.sha256),
            annotated: !p.annotations.is_empty(),
            caption: p.caption.clone(),
        })
        .collect()
}

fn sections(
    case: &InspectionCase,
    template: &Template,
    t: &'static Texts,
    lang: Language,
    edit: bool,
    stored: &BTreeSet<String>,
    refused: Option<&Refused>,
) -> Vec<SectionView> {
    template
        .sections
        .iter()
        .map(|section| SectionView {
            title: section.title.get(lang).to_string(),
            fields: section
                .fields
                .iter()
                .map(|field| {
                    let value = case.fields.get(&field.key);
                    let is_photos = matches!(field.kind, FieldKind::Photos { .. });
                    FieldView {
                        key: field.key.clone(),
                        label: field.label.get(lang).to_string(),
                        value: value.map_or_else(
                            || t.not_answered.to_string(),
                            |v| answer::show(v, Some(field), lang),
                        ),
                        photos: if is_photos {
                            photos_of(case, &field.key, stored)
                        } else {
                            Vec::new()
                        },
                        edit: edit
                            .then(|| input_for(&field.kind, lang))
                            .flatten()
                            .map(|input| {
                                let shown = EditView {
                                    input,
                                    current: current_input(value, lang),
                                    chosen: current_choices(value),
                                    parts: parts(&field.kind, value, t.lang),
                                    error: None,
                                };
                                match refused.filter(|r| r.key == field.key) {
                                    Some(refused) => as_typed(shown, refused),
                                    None => shown,
                                }
                            }),
                    }
                })
                .collect(),
        })
        .collect()
}

/// The edit form of a refused answer, holding what was typed instead of the stored answer.
fn as_typed(mut edit: EditView, refused: &Refused) -> EditView {
    edit.current = refused.typed.one("value").to_string();
    edit.chosen = refused.typed.all("choice");
    for part in &mut edit.parts {
        part.current = refused.typed.one(part.name).to_string();
    }
    edit.error = Some(refused.message.clone());
    edit
}

/// Answers and photos the template does not name (or all of them without a template), by
/// key, so nothing in the document is hidden from the reviewer.
fn other_answers(
    case: &InspectionCase,
    template: Option<&Template>,
    t: &Texts,
    lang: Language,
    stored: &BTreeSet<String>,
) -> Option<SectionView> {
    let known = |key: &str| template.is_some_and(|tpl| tpl.field(key).is_some());
    let mut fields: Vec<FieldView> = case
        .fields
        .iter()
        .filter(|(key, _)| !known(key))
        .map(|(key, value)| FieldView {
            key: key.clone(),
            label: key.clone(),
            value: answer::show(value, None, lang),
            photos: Vec::new(),
            edit: None,
        })
        .collect();
    let photo_fields: BTreeSet<&str> = case
        .photos
        .iter()
        .filter(|p| !p.is_from_request())
        .map(|p| p.field.as_str())
        .filter(|f| !known(f))
        .collect();
    for field in photo_fields {
        fields.push(FieldView {
            key: field.to_string(),
            label: field.to_string(),
            value: String::new(),
            photos: photos_of(case, field, stored),
            edit: None,
        });
    }
    (!fields.is_empty()).then(|| SectionView {
        title: t.other_answers.to_string(),
        fields,
    })
}

/// The citizen's request, read-only: each answer with the service's label, in the service's
/// order (by key when the service is not stored).
fn request_view(
    case: &InspectionCase,
    request: &schema::CitizenRequest,
    service: Option<&Template>,
    (t, lang): (&Texts, Language),
    stored: &BTreeSet<String>,
    messages: &[Message],
) -> RequestView {
    let answer = |key: &str, label: String, field: Option<&schema::Field>| {
        let photos = photos_of(case, &schema::request_photo_field(key), stored);
        FieldView {
            key: format!("request-{key}"),
            label,
            value: match request.answers.get(key) {
                Some(value) => answer::show(value, field, lang),
                None if photos.is_empty() => t.not_answered.to_string(),
                None => String::new(),
            },
            photos,
            edit: None,
        }
    };
    let sent_photos: BTreeSet<String> = case
        .photos
        .iter()
        .filter_map(|p| p.field.strip_prefix(schema::REQUEST_PHOTO_PREFIX))
        .map(str::to_string)
        .collect();
    let sent = |key: &str| request.answers.contains_key(key) || sent_photos.contains(key);
    let answers = match service {
        Some(service) => service
            .fields()
            .filter(|field| sent(&field.key))
            .map(|field| answer(&field.key, field.label.get(lang).to_string(), Some(field)))
            .collect(),
        None => request
            .answers
            .keys()
            .chain(
                sent_photos
                    .iter()
                    .filter(|k| !request.answers.contains_key(*k)),
            )
            .map(|key| answer(key, key.clone(), None))
            .collect(),
    };
    RequestView {
        messages: messages
            .iter()
            .map(|m| MessageView {
                who: if m.from_office {
                    m.author.clone()
                } else {
                    t.message_from_citizen.to_string()
                },
                from_office: m.from_office,
                when: instant_ms(m.sent_at, lang),
                body: m.body.clone(),
            })
            .collect(),
        number: request.number.clone(),
        service: service.map_or_else(
            || format!("{} v{}", request.service.id, request.service.version),
            |s| s.title.get(lang).to_string(),
        ),
        channel: request.channel.clone(),
        answers,
    }
}

fn case_view(
    loaded: &LoadedCase,
    t: &'static Texts,
    session: &Session,
    perms: Permissions,
    officers: Vec<(String, String)>,
    stored: &BTreeSet<String>,
    refused: Option<&Refused>,
) -> CaseView {
    let lang = session.lang;
    let case = &loaded.case;
    // A request worked with its own service has no answers of the office's: the citizen's
    // are shown as the request, not again as empty, editable fields.
    let own_form = case
        .request
        .as_ref()
        .is_none_or(|request| request.service != case.template);
    let mut all_sections = match &loaded.template {
        Some(template) if own_form => {
            sections(case, template, t, lang, perms.edit_fields, stored, refused)
        }
        _ => Vec::new(),
    };
    all_sections.extend(other_answers(
        case,
        loaded.template.as_ref(),
        t,
        lang,
        stored,
    ));
    let current = case.assigned_officer.clone().unwrap_or_default();
    CaseView {
        id: case.id.to_string(),
        title: case.title.clone(),
        status: case.status.as_str().to_string(),
        status_label: t.status(case.status).to_string(),
        template_title: loaded.template.as_ref().map_or_else(
            || format!("{} v{}", case.template.id, case.template.version),
            |tpl| tpl.title.get(lang).to_string(),
        ),
        request: case.request.as_ref().map(|request| {
            request_view(
                case,
                request,
                loaded.service.as_ref(),
                (t, lang),
                stored,
                &loaded.messages,
            )
        }),
        created_by: case.created.by.clone(),
        created_at: instant_ms(case.created.at_ms, lang),
        updated_by: case.updated.by.clone(),
        updated_at: instant_ms(case.updated.at_ms, lang),
        assignee: case.assigned_officer.clone(),
        address: case
            .address
            .as_ref()
            .map(schema::PostalAddress::one_line)
            .unwrap_or_default(),
        location: case
            .location
            .as_ref()
            .map(|p| position(p, lang))
            .unwrap_or_default(),
        sections: all_sections,
        template_missing: loaded.template.is_none(),
        comments: case
            .comments
            .iter()
            .map(|c| CommentView {
                author: c.written.by.clone(),
                at: instant_ms(c.written.at_ms, lang),
                text: c.text.clone(),
                internal: c.internal,
            })
            .collect(),
        transitions: perms
            .transitions
            .iter()
            .map(|s| (s.as_str().to_string(), t.status(*s).to_string()))
            .collect(),
        perms,
        officers: officers
            .into_iter()
            .map(|(username, name)| OptionView {
                selected: username == current,
                label: format!("{name} ({username})"),
                value: username,
            })
            .collect(),
        csrf: session.csrf_token.clone(),
        refused: refused.map(|r| RefusedView {
            key: r.key.clone(),
            message: r.message.clone(),
        }),
    }
}
