//! The tracking page: where a request stands, for whoever holds its link (the citizen who
//! sent it; the link's secret is the only key, compared by its hash). The first visit, right
//! after sending (`?neu=1`), shows the receipt: the number to quote and the link to keep,
//! and the way to the receipt as a PDF (`receipt.rs`).

use axum::extract::{Path, Query, State};
use axum::http::header::CACHE_CONTROL;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use schema::{InspectionCase, Language, Template};
use serde::Deserialize;
use server_core::kernel::{AppError, blocking};
use server_core::services::AppState;
use server_core::services::citizen_requests::{self, Tracked};
use server_core::services::request_messages;
use server_core::store::citizen_requests::TrackedRequest;
use server_core::store::{now_ms, templates};

use crate::frame::{Frame, render_with};
use crate::i18n::Texts;
use crate::messages::Thread;
use crate::page_error::PageError;
use crate::tenant::PortalTenant;

/// A step of the request's way, in the citizen's words.
#[derive(Debug)]
struct Step {
    what: &'static str,
    when: String,
}

/// The statuses a request took, as the citizen reads them: steps of the office's that read
/// alike ("in progress" after "in progress") are one step, from its first day.
fn timeline(history: &[(String, i64)], t: &Texts, lang: Language) -> Vec<Step> {
    let mut steps: Vec<Step> = Vec::new();
    for (status, at) in history {
        let Ok(status) = status.parse::<schema::Status>() else {
            continue;
        };
        let what = t.citizen_status(status);
        if steps.last().is_some_and(|last| last.what == what) {
            continue;
        }
        steps.push(Step {
            what,
            when: texts::time::instant_ms(*at, lang),
        });
    }
    steps
}

/// An answer the citizen gave, as text.
#[derive(Debug)]
pub(crate) struct Answer {
    /// The field's label.
    pub label: String,
    /// The answer (for photos, how many).
    pub value: String,
}

/// The receipt's file name under a tracking link.
pub(crate) const RECEIPT_PDF: &str = "eingangsbestaetigung.pdf";

/// What the citizen's own photos are called under a request's path (`foto-1`, `foto-2`).
pub(crate) const PHOTO_PREFIX: &str = "foto-";

/// The photos the citizen sent with the request, in the order they came.
pub(crate) fn own_photos(case: &InspectionCase) -> Vec<&schema::Photo> {
    case.photos.iter().filter(|p| p.is_from_request()).collect()
}

/// The citizen's own photo `file` (`foto-N`) of a found request, as the server keeps it (made
/// fit: pixels only), for download; "not found" for another name or number.
pub(crate) async fn own_photo(
    state: &AppState,
    tenant: &PortalTenant,
    found: &Found,
    file: &str,
) -> Result<Response, AppError> {
    let not_found = || AppError::NotFound(tenant.t().error_not_found.into());
    let Some(n) = file
        .strip_prefix(PHOTO_PREFIX)
        .and_then(|n| n.parse::<usize>().ok())
    else {
        return Err(not_found());
    };
    let photos = own_photos(&found.case);
    let Some(photo) = n.checked_sub(1).and_then(|i| photos.get(i)) else {
        return Err(not_found());
    };
    let Ok(sha) = photo.sha256.parse::<schema::Sha256>() else {
        return Err(not_found());
    };
    let blobs = state.blobs.clone();
    let bytes = blocking(move || Ok::<_, AppError>(blobs.read(&sha)?)).await?;
    let extension = if photo.mime_type == "image/png" {
        "png"
    } else {
        "jpg"
    };
    let mut response = (
        [(axum::http::header::CONTENT_TYPE, photo.mime_type.clone())],
        bytes,
    )
        .into_response();
    let headers = response.headers_mut();
    headers.insert(
        CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store, private"),
    );
    if let Ok(value) = axum::http::HeaderValue::from_str(&format!(
        "attachment; filename=\"Foto-{}-{n}.{extension}\"",
        found
            .request
            .number
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect::<String>()
    )) {
        headers.insert(axum::http::header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

#[derive(askama::Template)]
#[template(path = "portal/tracking.html")]
struct TrackingPage {
    page: Frame,
    receipt: bool,
    number: String,
    link: Option<String>,
    pdf_link: String,
    status: &'static str,
    timeline: Vec<Step>,
    received: String,
    service: String,
    answers: Vec<Answer>,
    mail_notice: Option<String>,
    thread: Thread,
    thread_csrf: String,
    /// The citizen's own photos to download: where, and what.
    own_photos: Vec<(String, String)>,
}

#[derive(askama::Template)]
#[template(path = "portal/error.html")]
struct NotTracked {
    page: Frame,
    message: String,
}

/// The tracking page's query.
#[derive(Debug, Default, Deserialize)]
pub struct Fresh {
    /// Set on the redirect right after sending.
    #[serde(default)]
    neu: Option<String>,
    /// Set on the redirect right after a message was sent.
    #[serde(default)]
    gesendet: Option<String>,
}

impl Fresh {
    /// Whether a message was just sent.
    pub(crate) fn message_sent(&self) -> bool {
        self.gesendet.is_some()
    }
}

/// What a tracking link leads to: the request, its case and its statuses, or the page
/// that says why there is none (an unknown link is 404, an expired one 410).
pub(crate) async fn find(
    state: &AppState,
    tenant: &PortalTenant,
    secret: &str,
) -> Result<Result<Found, Response>, PageError> {
    let lang = tenant.lang;
    let fail = |e| PageError::new(e, lang);
    // A secret is 64 hex digits; anything else cannot be one, and is not looked up.
    let plausible = secret.len() == 64 && secret.bytes().all(|b| b.is_ascii_hexdigit());
    let tracked = if plausible {
        let store = state.store.clone();
        let id = tenant.id.clone();
        let key = secret.to_string();
        blocking(move || citizen_requests::track(store.as_ref(), &id, &key, now_ms()))
            .await
            .map_err(fail)?
    } else {
        Tracked::Unknown
    };
    shown(tracked, tenant)
}

/// A request found, or the page that says why there is none.
pub(crate) fn shown(
    tracked: Tracked,
    tenant: &PortalTenant,
) -> Result<Result<Found, Response>, PageError> {
    let lang = tenant.lang;
    let t = tenant.t();
    match tracked {
        Tracked::Found(request, case, history) => Ok(Ok(Found {
            request,
            case,
            history,
        })),
        Tracked::Unknown | Tracked::Expired => {
            let (status, message) = if matches!(tracked, Tracked::Expired) {
                (StatusCode::GONE, t.tracking_expired)
            } else {
                (StatusCode::NOT_FOUND, t.tracking_unknown)
            };
            let page = NotTracked {
                page: Frame::of(tenant, t.error_title),
                message: message.into(),
            };
            Ok(Err(
                render_with(status, &page).map_err(|e| PageError::new(e, lang))?
            ))
        }
    }
}

/// A request found by its tracking link, or by its citizen's account.
pub(crate) struct Found {
    /// What the server keeps of it.
    pub request: TrackedRequest,
    /// Its case as it is now.
    pub case: Box<InspectionCase>,
    /// The statuses it took, oldest first, with when.
    pub history: Vec<(String, i64)>,
}

/// `GET /portal/{tenant}/anliegen/{tracking}`.
pub async fn page(
    State(state): State<AppState>,
    tenant: PortalTenant,
    Path((_, secret)): Path<(String, String)>,
    Query(fresh): Query<Fresh>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let lang = tenant.lang;
    let fail = |e| PageError::new(e, lang);
    let found = match find(&state, &tenant, &secret).await? {
        Ok(found) => found,
        Err(not_tracked) => return Ok(not_tracked),
    };
    let link = format!(
        "{}{}/anliegen/{secret}",
        state.config.public_base(),
        tenant.base()
    );
    let page = format!("{}/anliegen/{secret}", tenant.base());
    let shown = Shown {
        receipt: fresh.neu.is_some(),
        link: Some(link),
        pdf_link: format!("{page}/{RECEIPT_PDF}"),
        thread: Thread {
            messages: Vec::new(),
            action: format!("{page}/{}", crate::messages::MESSAGE_PATH),
            csrf: None,
            typed: String::new(),
            error: None,
            sent: fresh.message_sent(),
        },
        status: StatusCode::OK,
    };
    render(&state, &tenant, found, shown, &headers)
        .await
        .map_err(fail)
}

/// The page of a found request: the receipt first when `receipt`, the link to keep when
/// it was reached by one, where it stands, the way it went and what the citizen sent.
pub(crate) async fn render(
    state: &AppState,
    tenant: &PortalTenant,
    found: Found,
    mut shown: Shown,
    headers: &HeaderMap,
) -> Result<Response, AppError> {
    let lang = tenant.lang;
    let t = tenant.t();
    let Found {
        request,
        case,
        history,
    } = found;
    let template = service_of(state, tenant, &case).await?;
    let (service, answers) = answers(template.as_ref(), &case, lang);
    let store = state.store.clone();
    let case_id = case.id;
    let messages = blocking(move || request_messages::thread(store.as_ref(), case_id)).await?;
    shown.thread.messages = crate::messages::views(&messages, t, lang);
    let (form_token, cookie) =
        crate::form_guard::token(headers, state.config.backoffice.secure_cookies)?;
    let thread_csrf = shown.thread.csrf.clone().unwrap_or(form_token);
    let photo_base = shown.pdf_link.trim_end_matches(RECEIPT_PDF).to_string();
    let page = TrackingPage {
        page: Frame::of(
            tenant,
            t.tracking_title.replace("{number}", &request.number),
        ),
        receipt: shown.receipt,
        pdf_link: shown.pdf_link,
        link: shown.link,
        number: request.number,
        status: t.citizen_status(case.status),
        timeline: timeline(&history, t, lang),
        received: texts::time::instant_ms(request.received_at, lang),
        service,
        answers,
        mail_notice: request
            .notify_email
            .filter(|_| shown.receipt)
            .map(|address| t.receipt_mail.replace("{address}", &address)),
        thread: shown.thread,
        thread_csrf,
        own_photos: own_photos(&case)
            .iter()
            .enumerate()
            .map(|(i, photo)| {
                let n = i + 1;
                (
                    format!("{photo_base}{PHOTO_PREFIX}{n}"),
                    t.own_photo
                        .replace("{n}", &n.to_string())
                        .replace("{width}", &photo.width.to_string())
                        .replace("{height}", &photo.height.to_string()),
                )
            })
            .collect(),
    };
    let mut response = render_with(shown.status, &page)?;
    crate::form_guard::set(response.headers_mut(), cookie);
    // The page is the citizen's alone: no shared cache keeps it, and the link in the
    // address bar is not sent on to other sites.
    response.headers_mut().insert(
        CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store, private"),
    );
    Ok(response.into_response())
}

/// How a found request's page is shown.
pub(crate) struct Shown {
    /// The receipt first (right after sending).
    pub receipt: bool,
    /// The tracking link to keep, when the page was reached by it.
    pub link: Option<String>,
    /// The receipt PDF.
    pub pdf_link: String,
    /// The message thread's form (its messages are read here).
    pub thread: Thread,
    /// The answer's status.
    pub status: StatusCode,
}

/// The service a request was sent with, in the version it had, if it is stored.
pub(crate) async fn service_of(
    state: &AppState,
    tenant: &PortalTenant,
    case: &InspectionCase,
) -> Result<Option<Template>, AppError> {
    let Some(service) = case.request.as_ref().map(|r| r.service.clone()) else {
        return Ok(None);
    };
    let store = state.store.clone();
    let id = tenant.id.clone();
    let row =
        blocking(move || store.read(|tx| templates::find(tx, &id, &service.id, service.version)))
            .await?;
    Ok(row.and_then(|row| Template::from_json(&row.json).ok()))
}

/// The service's title and the citizen's answers as text, labelled by `service` (the
/// service's id and no answers when it is not stored); photo fields say how many photos.
pub(crate) fn answers(
    service: Option<&Template>,
    case: &InspectionCase,
    lang: Language,
) -> (String, Vec<Answer>) {
    let Some(request) = &case.request else {
        return (String::new(), Vec::new());
    };
    let Some(template) = service else {
        return (request.service.id.clone(), Vec::new());
    };
    let t = crate::i18n::texts(lang);
    let answers = template
        .fields()
        .filter_map(|field| {
            let photos = case.request_photos(&field.key).count();
            let value = if photos > 0 {
                t.photos_sent.fill(photos as u64)
            } else {
                texts::answer::show(request.answers.get(&field.key)?, Some(field), lang)
            };
            Some(Answer {
                label: field.label.get(lang).to_string(),
                value,
            })
        })
        .collect();
    (template.title.get(lang).to_string(), answers)
}
