//! The tracking page: where a request stands, for whoever holds its link (the citizen who
//! sent it; the link's secret is the only key, compared by its hash). The first visit, right
//! after sending (`?neu=1`), shows the receipt: the number to quote and the link to keep.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::http::header::CACHE_CONTROL;
use axum::response::{IntoResponse, Response};
use schema::{InspectionCase, Language};
use serde::Deserialize;
use server_core::kernel::{AppError, blocking};
use server_core::services::AppState;
use server_core::services::citizen_requests::{self, Tracked};
use server_core::store::{now_ms, templates};

use crate::frame::{Frame, render_with};
use crate::i18n::Texts;
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
struct Answer {
    label: String,
    value: String,
}

#[derive(askama::Template)]
#[template(path = "portal/tracking.html")]
struct TrackingPage {
    page: Frame,
    receipt: bool,
    number: String,
    link: String,
    status: &'static str,
    timeline: Vec<Step>,
    received: String,
    service: String,
    answers: Vec<Answer>,
    mail_notice: Option<String>,
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
}

/// `GET /portal/{tenant}/anliegen/{tracking}`.
pub async fn page(
    State(state): State<AppState>,
    tenant: PortalTenant,
    Path((_, secret)): Path<(String, String)>,
    Query(fresh): Query<Fresh>,
) -> Result<Response, PageError> {
    let lang = tenant.lang;
    let t = tenant.t();
    let fail = |e| PageError::new(e, lang);
    // A secret is 64 hex digits; anything else cannot be one, and is not looked up.
    let plausible = secret.len() == 64 && secret.bytes().all(|b| b.is_ascii_hexdigit());
    let tracked = if plausible {
        let store = state.store.clone();
        let id = tenant.id.clone();
        let key = secret.clone();
        blocking(move || citizen_requests::track(store.as_ref(), &id, &key, now_ms()))
            .await
            .map_err(fail)?
    } else {
        Tracked::Unknown
    };
    let (request, case, history) = match tracked {
        Tracked::Found(request, case, history) => (request, case, history),
        Tracked::Unknown | Tracked::Expired => {
            let (status, message) = if matches!(tracked, Tracked::Expired) {
                (StatusCode::GONE, t.tracking_expired)
            } else {
                (StatusCode::NOT_FOUND, t.tracking_unknown)
            };
            let page = NotTracked {
                page: Frame::of(&tenant, t.error_title),
                message: message.into(),
            };
            return render_with(status, &page).map_err(fail);
        }
    };
    let answers = answers(&state, &tenant, &case).await.map_err(fail)?;
    let service = answers.0;
    let receipt = fresh.neu.is_some();
    let page = TrackingPage {
        page: Frame::of(
            &tenant,
            t.tracking_title.replace("{number}", &request.number),
        ),
        receipt,
        link: format!(
            "{}{}/anliegen/{secret}",
            state.config.public_base(),
            tenant.base()
        ),
        number: request.number,
        status: t.citizen_status(case.status),
        timeline: timeline(&history, t, lang),
        received: texts::time::instant_ms(request.received_at, lang),
        service,
        answers: answers.1,
        mail_notice: request
            .notify_email
            .filter(|_| receipt)
            .map(|address| t.receipt_mail.replace("{address}", &address)),
    };
    let mut response = render_with(StatusCode::OK, &page).map_err(fail)?;
    // The page is the citizen's alone: no shared cache keeps it, and the link in the
    // address bar is not sent on to other sites.
    response.headers_mut().insert(
        CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store, private"),
    );
    Ok(response.into_response())
}

/// The service's title and the citizen's answers as text, labelled by the service the
/// request was sent with.
async fn answers(
    state: &AppState,
    tenant: &PortalTenant,
    case: &InspectionCase,
) -> Result<(String, Vec<Answer>), AppError> {
    let lang: Language = tenant.lang;
    let Some(request) = case.request.clone() else {
        return Ok((String::new(), Vec::new()));
    };
    let store = state.store.clone();
    let id = tenant.id.clone();
    let service = request.service.clone();
    let row =
        blocking(move || store.read(|tx| templates::find(tx, &id, &service.id, service.version)))
            .await?;
    let Some(template) = row.and_then(|row| schema::Template::from_json(&row.json).ok()) else {
        return Ok((request.service.id.clone(), Vec::new()));
    };
    let answers = template
        .fields()
        .filter_map(|field| {
            let value = request.answers.get(&field.key)?;
            Some(Answer {
                label: field.label.get(lang).to_string(),
                value: texts::answer::show(value, Some(field), lang),
            })
        })
        .collect();
    Ok((template.title.get(lang).to_string(), answers))
}
