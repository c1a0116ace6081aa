//! The form of one service: shown from its template, sent, read, checked and stored as a
//! request. What was typed is never thrown away: a refusal, an expired form or the limit per
//! address bring the form back with every answer in its input.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Extension;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::{Datelike, Utc};
use schema::{
    FieldKind, FieldProblem, FieldValue, InspectionCase, Language, PrefillSource, Template,
};
use server_core::kernel::client_addr::ClientAddr;
use server_core::kernel::{AppError, blocking};
use server_core::services::AppState;
use server_core::services::citizen_photos::{
    MAX_PHOTO_BYTES, MAX_PHOTOS_PER_REQUEST, PhotoRefused, SentPhoto,
};
use server_core::services::citizen_requests::{
    self, Confirmation, NewCitizenRequest, Receipt, Submitted,
};
use server_core::services::{citizen_services, mail};
use server_core::store::now_ms;
use web::form_input::{Input, Part, Typed, current_choices, current_input, input_for, parts};

use crate::account::SignedIn;
use crate::form_guard::{self, HONEYPOT};
use crate::frame::{Frame, render_with, see_other};
use crate::i18n::{Texts, texts};
use crate::page_error::PageError;
use crate::photo_intake::{PhotoIntake, TakenPhoto};
use crate::sent_form::{self, FileProblem, RefusedFile};
use crate::submissions::SubmissionLimit;
use crate::tenant::PortalTenant;
use server_core::store::citizen_accounts::AccountRow;

/// One field of the form as the page shows it.
#[derive(Debug)]
pub struct FieldInput {
    /// The field's key, the name its inputs are sent under.
    pub key: String,
    /// Label.
    pub label: String,
    /// Help text.
    pub help: Option<String>,
    /// Whether it must be answered (when shown).
    pub required: bool,
    /// When it applies, for a field shown only after another answer ("Only for …").
    pub condition: Option<String>,
    /// The input; `None` for photos, which `photos` describes.
    pub input: Option<Input>,
    /// The photo input, with the photos the form brought back.
    pub photos: Option<PhotoInput>,
    /// The text in a one-input field.
    pub current: String,
    /// The ticked options of a multiple choice.
    pub chosen: Vec<String>,
    /// The inputs of an address or position.
    pub parts: Vec<Part>,
    /// The unit after a number.
    pub unit: Option<String>,
    /// What is wrong with what was typed.
    pub error: Option<String>,
}

impl FieldInput {
    /// The id of the input an error summary links to.
    pub fn anchor(&self) -> String {
        match (&self.input, self.parts.first()) {
            (Some(Input::Parts), Some(part)) => format!("f-{}-{}", self.key, part.name),
            (Some(Input::Choices(_)), _) => format!("f-{}-0", self.key),
            _ => format!("f-{}", self.key),
        }
    }

    /// Whether the input has a help text, a condition or an error to be described by.
    pub fn has_notes(&self) -> bool {
        self.help.is_some() || self.condition.is_some() || self.error.is_some()
    }

    /// The ids describing the input: its help, its condition, its error.
    pub fn described_by(&self) -> String {
        let mut ids = Vec::new();
        if self.help.is_some() {
            ids.push(format!("help-{}", self.key));
        }
        if self.condition.is_some() {
            ids.push(format!("when-{}", self.key));
        }
        if self.error.is_some() {
            ids.push(format!("error-{}", self.key));
        }
        ids.join(" ")
    }
}

/// A photo field's input.
#[derive(Debug)]
pub struct PhotoInput {
    /// The photos chosen before, ticked to be sent.
    pub kept: Vec<KeptPhoto>,
    /// Whether this is the form's first photo field, which asks about the place.
    pub first: bool,
}

/// A photo the form brought back.
#[derive(Debug)]
pub struct KeptPhoto {
    /// The signed reference the browser sends again.
    pub reference: String,
    /// What the citizen reads of it.
    pub label: String,
}

/// A section of the form.
#[derive(Debug)]
pub struct SectionInputs {
    /// Heading.
    pub title: String,
    /// Its fields.
    pub fields: Vec<FieldInput>,
}

/// A line of the error summary: the input it links to and what is wrong.
#[derive(Debug)]
pub struct Problem {
    /// The id of the input.
    pub anchor: String,
    /// What is wrong.
    pub message: String,
}

#[derive(askama::Template)]
#[template(path = "portal/form.html")]
struct FormPage {
    page: Frame,
    action: String,
    csrf: String,
    description: Option<String>,
    legal_hint: Option<String>,
    office: Option<Office>,
    sections: Vec<SectionInputs>,
    problems: Vec<Problem>,
    notice: Option<String>,
    notify_email: String,
    notify_error: Option<String>,
    honeypot: &'static str,
    /// Whether the form has photo inputs (and is sent as `multipart/form-data`).
    multipart: bool,
    photo_hint: String,
    share_location: bool,
}

/// Who answers, on the form.
#[derive(Debug)]
struct Office {
    name: String,
    email: String,
    phone: Option<String>,
}

/// What the form brings back: the answers typed, by field, and per field what is wrong.
#[derive(Debug, Default)]
struct Filled {
    typed: Typed,
    errors: BTreeMap<String, String>,
    notify_email: String,
    notify_error: Option<String>,
    notice: Option<String>,
    /// The photos taken in, in every photo field.
    photos: Vec<TakenPhoto>,
    share_location: bool,
}

async fn offered(
    state: &AppState,
    tenant: &PortalTenant,
    service: String,
) -> Result<Template, PageError> {
    let lang = tenant.lang;
    let store = state.store.clone();
    let id = tenant.id.clone();
    blocking(move || citizen_services::find(store.as_ref(), &id, &service))
        .await
        .map_err(|e| PageError::new(e, lang))?
        .ok_or_else(|| PageError::new(AppError::NotFound(tenant.t().error_not_found.into()), lang))
}

/// `GET /portal/{tenant}/leistungen/{service}`.
pub async fn page(
    State(state): State<AppState>,
    tenant: PortalTenant,
    Path((_, service)): Path<(String, String)>,
    Extension(intake): Extension<Arc<PhotoIntake>>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let service = offered(&state, &tenant, service).await?;
    let form = Form {
        state: &state,
        tenant: &tenant,
        service: &service,
        intake: &intake,
        headers: &headers,
    };
    form.show(None, StatusCode::OK)
}

/// A form being shown: what it is shown with.
struct Form<'a> {
    state: &'a AppState,
    tenant: &'a PortalTenant,
    service: &'a Template,
    intake: &'a PhotoIntake,
    headers: &'a HeaderMap,
}

impl Form<'_> {
    /// The form, new or brought back `filled`, answered with `status`.
    fn show(&self, filled: Option<Filled>, status: StatusCode) -> Result<Response, PageError> {
        let lang = self.tenant.lang;
        let fail = |e| PageError::new(e, lang);
        let (csrf, cookie) =
            form_guard::token(self.headers, self.state.config.backoffice.secure_cookies)
                .map_err(fail)?;
        let page = form_page(self.tenant, self.service, self.intake, csrf, filled);
        let mut response = render_with(status, &page).map_err(fail)?;
        form_guard::set(response.headers_mut(), cookie);
        Ok(response)
    }
}

fn form_page(
    tenant: &PortalTenant,
    service: &Template,
    intake: &PhotoIntake,
    csrf: String,
    filled: Option<Filled>,
) -> FormPage {
    let lang = tenant.lang;
    let filled_in = filled.is_some();
    let filled = filled.unwrap_or_default();
    let prefilled = prefilled(service, tenant.citizen.as_ref());
    let mut problems = Vec::new();
    let first_photos = service
        .fields()
        .find(|f| matches!(f.kind, FieldKind::Photos { .. }))
        .map(|f| f.key.clone());
    let sections = service
        .sections
        .iter()
        .map(|section| SectionInputs {
            title: section.title.get(lang).to_string(),
            fields: section
                .fields
                .iter()
                .map(|field| {
                    let typed = filled.typed.of_field(&field.key);
                    let input = input_for(&field.kind, lang);
                    // Shown again as typed after a refusal; else the prefilled answer.
                    let (current, chosen, parts) = if filled_in {
                        let parts = parts(&field.kind, None, lang)
                            .into_iter()
                            .map(|mut part| {
                                part.current = typed.one(part.name).to_string();
                                part
                            })
                            .collect();
                        (typed.one("value").to_string(), typed.all("choice"), parts)
                    } else {
                        let value = prefilled.get(&field.key);
                        (
                            current_input(value, lang),
                            current_choices(value),
                            parts(&field.kind, value, lang),
                        )
                    };
                    let field_input = FieldInput {
                        key: field.key.clone(),
                        label: field.label.get(lang).to_string(),
                        help: field.help.as_ref().map(|h| h.get(lang).to_string()),
                        required: field.required,
                        condition: condition(service, field, lang),
                        input,
                        photos: matches!(field.kind, FieldKind::Photos { .. }).then(|| {
                            PhotoInput {
                                kept: kept_photos(&filled.photos, &field.key, intake, &csrf, lang),
                                first: first_photos.as_deref() == Some(field.key.as_str()),
                            }
                        }),
                        current,
                        chosen,
                        parts,
                        unit: unit(&field.kind),
                        error: filled.errors.get(&field.key).cloned(),
                    };
                    if let Some(message) = &field_input.error {
                        problems.push(Problem {
                            anchor: field_input.anchor(),
                            message: message.clone(),
                        });
                    }
                    field_input
                })
                .collect(),
        })
        .collect();
    if let Some(message) = &filled.notify_error {
        problems.push(Problem {
            anchor: "notify-email".into(),
            message: message.clone(),
        });
    }
    let info = service.service.as_ref();
    FormPage {
        page: Frame::of(tenant, service.title.get(lang)),
        action: format!("{}/leistungen/{}", tenant.base(), service.id),
        csrf,
        description: service
            .description
            .as_ref()
            .map(|d| d.get(lang).to_string()),
        legal_hint: info
            .and_then(|i| i.legal_hint.as_ref())
            .map(|h| h.get(lang).to_string()),
        office: info.map(|i| Office {
            name: i.office.name.get(lang).to_string(),
            email: i.office.email.clone(),
            phone: i.office.phone.clone(),
        }),
        sections,
        problems,
        notice: filled.notice,
        // A signed-in citizen hears of the request at the account's address unless they
        // say otherwise.
        notify_email: if filled_in {
            filled.notify_email
        } else {
            tenant
                .citizen
                .as_ref()
                .map(|c| c.account.email.clone())
                .unwrap_or_default()
        },
        notify_error: filled.notify_error,
        honeypot: HONEYPOT,
        multipart: first_photos.is_some(),
        photo_hint: tenant
            .t()
            .photo_hint
            .replace("{size}", &(MAX_PHOTO_BYTES / (1024 * 1024)).to_string())
            .replace("{max}", &MAX_PHOTOS_PER_REQUEST.to_string()),
        share_location: filled.share_location,
    }
}

/// The photos of `field` the form brings back, each with its reference signed for `csrf`.
fn kept_photos(
    photos: &[TakenPhoto],
    field: &str,
    intake: &PhotoIntake,
    csrf: &str,
    lang: Language,
) -> Vec<KeptPhoto> {
    let t = texts(lang);
    photos
        .iter()
        .filter(|photo| photo.sent.field == field)
        .enumerate()
        .map(|(i, photo)| {
            let mut label = t
                .photo_kept
                .replace("{n}", &(i + 1).to_string())
                .replace("{width}", &photo.sent.width.to_string())
                .replace("{height}", &photo.sent.height.to_string())
                .replace("{size}", &size_text(photo.sent.byte_size, lang));
            if photo.recorded_gps.is_some() {
                label = format!("{label}, {}", t.photo_kept_place);
            }
            KeptPhoto {
                reference: intake.reference(csrf, photo),
                label,
            }
        })
        .collect()
}

/// A file size as people read it: `2,4 MB`, `310 kB`.
fn size_text(bytes: u64, lang: Language) -> String {
    #[allow(clippy::cast_precision_loss)] // sizes of a few MB, shown to a tenth
    let (value, unit) = if bytes >= 1_000_000 {
        ((bytes as f64 / 100_000.0).round() / 10.0, "MB")
    } else {
        ((bytes as f64 / 1_000.0).ceil(), "kB")
    };
    format!("{} {unit}", texts::number::decimal(value, lang))
}

/// The answers a new form starts with: the template's defaults, today's date or time where
/// the template asks for them, and — for a signed-in citizen — the profile's name,
/// organisation, address, phone and the account's e-mail address where the template's
/// prefill sources name them.
fn prefilled(service: &Template, citizen: Option<&SignedIn>) -> BTreeMap<String, FieldValue> {
    let now = Utc::now().fixed_offset();
    let wall = texts::time::office_wall(&now);
    let case = InspectionCase::new_draft(service, "", "", 0);
    let mut answers = case.fields;
    for field in service.fields() {
        let value = match field.prefill {
            Some(PrefillSource::CurrentDate) => Some(FieldValue::Date(wall.date())),
            Some(PrefillSource::CurrentTime) => Some(FieldValue::Time(wall.time())),
            Some(PrefillSource::CurrentDateTime) => Some(FieldValue::DateTime(now)),
            Some(source) => citizen.and_then(|c| from_profile(source, &c.account)),
            None => None,
        };
        if let Some(value) = value {
            answers.insert(field.key.clone(), value);
        }
    }
    answers
}

/// What the account gives for prefill `source`, if the citizen filled it in.
fn from_profile(source: PrefillSource, account: &AccountRow) -> Option<FieldValue> {
    let p = &account.profile;
    let text = |value: &str| {
        let value = value.trim();
        (!value.is_empty()).then(|| FieldValue::Text(value.to_string()))
    };
    match source {
        PrefillSource::CitizenName => text(&p.name),
        PrefillSource::CitizenOrganisation => text(&p.organisation),
        PrefillSource::CitizenPhone => text(&p.phone),
        PrefillSource::CitizenEmail => text(&account.email),
        PrefillSource::CitizenAddress => {
            let address = schema::PostalAddress {
                street: p.street.clone(),
                house_number: p.house_number.clone(),
                postal_code: p.postal_code.clone(),
                city: p.city.clone(),
            };
            (address != schema::PostalAddress::default()).then_some(FieldValue::Address(address))
        }
        _ => None,
    }
}

/// "Only for …": when a field applies, in words, for a form that works without scripts and
/// therefore shows every field.
fn condition(service: &Template, field: &schema::Field, lang: Language) -> Option<String> {
    let condition = field.visible_when.as_ref()?;
    let controller = service.field(&condition.field)?;
    let answers: Vec<String> = condition
        .any_of
        .iter()
        .map(|value| match value {
            schema::ConditionValue::Bool(yes) => {
                let terms = texts::terms::terms(lang);
                (if *yes { terms.yes } else { terms.no }).to_string()
            }
            schema::ConditionValue::Option(option) => controller
                .kind
                .options()
                .iter()
                .find(|o| &o.value == option)
                .map_or_else(|| option.clone(), |o| o.label.get(lang).to_string()),
        })
        .collect();
    let label = controller.label.get(lang);
    Some(match lang {
        Language::De => format!("Nur bei „{label}“: {}", answers.join(" oder ")),
        Language::En => format!("Only if “{label}” is: {}", answers.join(" or ")),
    })
}

fn unit(kind: &FieldKind) -> Option<String> {
    match kind {
        FieldKind::Integer { unit, .. } | FieldKind::Decimal { unit, .. } => unit.clone(),
        _ => None,
    }
}

/// The words of the confirmation mail.
struct ConfirmationMail {
    lang: Language,
    tenant: String,
    base: String,
}

impl Confirmation for ConfirmationMail {
    fn mail(&self, receipt: &Receipt, service: &Template) -> (String, String, Option<String>) {
        let t = texts(self.lang);
        let link = format!("{}/anliegen/{}", self.base, receipt.tracking_secret);
        let title = service.title.get(self.lang);
        let subject = format!("{} {}", t.receipt_title, receipt.number);
        let text = format!(
            "{}\n\n{}: {}\n{}: {}\n\n{}\n{link}\n\n{} {}\n",
            t.receipt_title,
            t.tracking_service,
            title,
            t.receipt_number,
            receipt.number,
            t.receipt_link,
            t.service_of,
            self.tenant,
        );
        let html = server_core::services::mail::html_alternative(
            &text,
            crate::account::language_code(self.lang),
        );
        (subject, text, Some(html))
    }
}

/// `POST /portal/{tenant}/leistungen/{service}`.
#[allow(clippy::too_many_arguments)] // an axum handler: one argument per extractor
pub async fn submit(
    State(state): State<AppState>,
    tenant: PortalTenant,
    Path((_, service)): Path<(String, String)>,
    ClientAddr(addr): ClientAddr,
    Extension(limit): Extension<Arc<SubmissionLimit>>,
    Extension(intake): Extension<Arc<PhotoIntake>>,
    headers: HeaderMap,
    request: Request,
) -> Result<Response, PageError> {
    let lang = tenant.lang;
    let t = tenant.t();
    let service = offered(&state, &tenant, service).await?;
    let photo_fields = service
        .fields()
        .filter(|f| matches!(f.kind, FieldKind::Photos { .. }))
        .map(|f| f.key.clone())
        .collect();
    let take_photos = form_guard::may_be_genuine(&headers);
    let sent = sent_form::read(request, &state.blobs, &intake, &photo_fields, take_photos)
        .await
        .map_err(|e| PageError::new(e, lang))?;
    let csrf = sent.value("csrf").to_string();
    let honeypot_filled = !sent.value(HONEYPOT).is_empty();
    let notify_email = sent.value("notify_email").trim().to_string();
    let share_location = sent.value("share_location") == "yes";
    let form = Form {
        state: &state,
        tenant: &tenant,
        service: &service,
        intake: &intake,
        headers: &headers,
    };
    let mut filled = Filled {
        notify_email: notify_email.clone(),
        share_location,
        ..Filled::default()
    };
    // Only a genuine form's references are read: they are signed for its token.
    let genuine = form_guard::genuine(&headers, &csrf);
    if genuine {
        filled.photos = kept_photos_sent(&sent, &state, &intake, &csrf, &mut filled.errors, t);
    }
    filled.photos.extend(sent.photos);
    // The same photo chosen twice is sent once.
    let mut seen = std::collections::BTreeSet::new();
    filled
        .photos
        .retain(|p| seen.insert((p.sent.field.clone(), p.sent.sha256.clone())));
    // At most so many in all, kept ones and new ones together.
    if filled.photos.len() > MAX_PHOTOS_PER_REQUEST
        && let Some(field) = filled.photos.first().map(|p| p.sent.field.clone())
    {
        filled.errors.insert(
            field,
            t.error_photos_too_many
                .replace("{max}", &MAX_PHOTOS_PER_REQUEST.to_string()),
        );
    }
    for file in &sent.refused {
        let message = file_problem(file, t);
        filled
            .errors
            .entry(file.field.clone())
            .and_modify(|m| {
                m.push(' ');
                m.push_str(&message);
            })
            .or_insert(message);
    }
    filled.typed = Typed::new(sent.pairs);
    if !genuine {
        filled.notice = Some(t.error_form_expired.into());
        return form.show(Some(filled), StatusCode::FORBIDDEN);
    }
    if honeypot_filled {
        tracing::info!("a portal form with the honeypot filled was refused ({addr})");
        return Err(PageError::new(
            AppError::BadRequest(t.error_not_sent.into()),
            lang,
        ));
    }
    let answers = read_answers(&service, &mut filled, lang, t);
    let photos: Vec<SentPhoto> = filled
        .photos
        .iter()
        .map(|photo| photo.shared(share_location))
        .collect();
    refuse(
        &service,
        citizen_requests::check(&service, &answers, &photos),
        &mut filled,
        lang,
        t,
    );
    let notify_email = (!notify_email.is_empty()).then_some(notify_email);
    if let Some(address) = &notify_email
        && !mail::is_address(address)
    {
        filled.notify_error = Some(t.error_email.replace("{address}", address));
    }
    if !filled.errors.is_empty() || filled.notify_error.is_some() {
        return form.show(Some(filled), StatusCode::UNPROCESSABLE_ENTITY);
    }
    // Counted only for a request that is about to be stored: a citizen correcting a typo
    // does not use up the address's share.
    if let Err(wait) = limit.admit(addr) {
        filled.notice = Some(t.too_many.into());
        let mut response = form.show(Some(filled), StatusCode::TOO_MANY_REQUESTS)?;
        if let Ok(value) = wait.as_secs().max(1).to_string().parse() {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, value);
        }
        return Ok(response);
    }
    let now = Utc::now();
    let year = texts::time::office_wall(&now.fixed_offset()).year();
    let request = NewCitizenRequest {
        tenant: tenant.id.clone(),
        service: service.clone(),
        answers,
        photos,
        account_id: tenant.citizen.as_ref().map(|c| c.account.id.clone()),
        notify_email,
        channel: "portal",
        language: lang,
        received_at: now_ms(),
        year,
    };
    let confirmation = ConfirmationMail {
        lang,
        tenant: tenant.name.clone(),
        base: format!("{}{}", state.config.public_base(), tenant.base()),
    };
    let (store, blobs) = (state.store.clone(), state.blobs.clone());
    let submitted =
        blocking(move || citizen_requests::submit(store.as_ref(), &blobs, request, &confirmation))
            .await
            .map_err(|e| PageError::new(e, lang))?;
    match submitted {
        Submitted::Received(receipt) => {
            state.mail.wake();
            Ok(see_other(&format!(
                "{}/anliegen/{}?neu=1",
                tenant.base(),
                receipt.tracking_secret
            )))
        }
        Submitted::Refused(errors) => {
            refuse(&service, errors, &mut filled, lang, t);
            form.show(Some(filled), StatusCode::UNPROCESSABLE_ENTITY)
        }
    }
}

/// The photos chosen before that the form brought back and the citizen left ticked. A
/// reference this process did not sign for this browser's token is ignored; a photo no
/// longer held (a day passed, or the server restarted) is asked for again.
fn kept_photos_sent(
    sent: &sent_form::SentForm,
    state: &AppState,
    intake: &PhotoIntake,
    csrf: &str,
    errors: &mut BTreeMap<String, String>,
    t: &Texts,
) -> Vec<TakenPhoto> {
    let mut kept = Vec::new();
    for reference in sent.values("kept_photo") {
        match intake.referenced(csrf, reference) {
            Some(photo) if state.blobs.is_held_or_stored(&photo.sent.sha256) => kept.push(photo),
            Some(photo) => {
                errors.insert(photo.sent.field.clone(), t.error_photos_gone.into());
            }
            None => {
                tracing::info!("a photo reference that does not verify was ignored");
            }
        }
    }
    kept
}

/// What is wrong with a file, in the citizen's words.
fn file_problem(file: &RefusedFile, t: &Texts) -> String {
    let name = if file.file_name.is_empty() {
        "?"
    } else {
        file.file_name.as_str()
    };
    let size = (MAX_PHOTO_BYTES / (1024 * 1024)).to_string();
    match &file.problem {
        FileProblem::OneTooMany => t
            .error_photo_too_many
            .replace("{max}", &MAX_PHOTOS_PER_REQUEST.to_string()),
        FileProblem::Refused(PhotoRefused::NotAPhoto) => t.error_photo_kind.to_string(),
        FileProblem::Refused(PhotoRefused::TooLarge { .. }) => {
            t.error_photo_large.replace("{size}", &size)
        }
        FileProblem::Refused(PhotoRefused::TooManyPixels { width, height, .. }) => t
            .error_photo_pixels
            .replace("{width}", &width.to_string())
            .replace("{height}", &height.to_string()),
        FileProblem::Refused(PhotoRefused::Unreadable(_)) => t.error_photo_unreadable.to_string(),
    }
    .replace("{file}", name)
}

/// Words each of `errors` for its field, keeping the first problem found per field.
fn refuse(
    service: &Template,
    errors: Vec<schema::FieldError>,
    filled: &mut Filled,
    lang: Language,
    t: &Texts,
) {
    for error in errors {
        let label = service
            .field(&error.field)
            .map_or_else(|| error.field.clone(), |f| f.label.get(lang).to_string());
        let message = match error.problem {
            FieldProblem::Required => t.error_required.replace("{field}", &label),
            other => t
                .error_invalid
                .replace("{field}", &label)
                .replace("{reason}", &texts::problem::field(&other, lang)),
        };
        filled.errors.entry(error.field).or_insert(message);
    }
}

/// Reads every typed field of `service`; what cannot be read goes to `filled.errors`.
fn read_answers(
    service: &Template,
    filled: &mut Filled,
    lang: Language,
    t: &Texts,
) -> BTreeMap<String, FieldValue> {
    let mut answers = BTreeMap::new();
    for field in service.fields() {
        if input_for(&field.kind, lang).is_none() {
            continue;
        }
        match web::form_input::parse(&field.kind, &filled.typed.of_field(&field.key), lang) {
            Ok(Some(value)) => {
                answers.insert(field.key.clone(), value);
            }
            Ok(None) => {}
            Err(problem) => {
                let message = t
                    .error_invalid
                    .replace("{field}", field.label.get(lang))
                    .replace("{reason}", &problem.text(lang));
                filled.errors.insert(field.key.clone(), message);
            }
        }
    }
    // What was typed into a field that does not apply (its condition unmet) is no problem:
    // it is not kept.
    let mut answered = InspectionCase::new_draft(service, "", "", 0);
    answered.fields.clone_from(&answers);
    filled.errors.retain(|key, _| {
        service
            .field(key)
            .is_some_and(|field| schema::is_visible(field, &answered, service))
    });
    answers
}
