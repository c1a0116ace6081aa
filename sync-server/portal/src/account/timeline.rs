//! "Mein Rathaus": every request sent from the citizen's account, newest first, with where
//! it stands in the citizen's words; each request's own page (its status history and what
//! was sent) and its receipt as a PDF. Only the account's own requests are found — another
//! citizen's number is "not found", as no request would be (`access::citizen_may_see`).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::header::CACHE_CONTROL;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use server_core::access::Citizen;
use server_core::kernel::blocking;
use server_core::services::AppState;
use server_core::services::{citizen_accounts, citizen_requests};

use super::profile::sign_in_first;
use crate::frame::{Frame, render_with};
use crate::messages::{MESSAGE_PATH, Thread};
use crate::page_error::PageError;
use crate::tenant::PortalTenant;
use crate::tracking::{self, Fresh, RECEIPT_PDF, Shown};

/// The most requests the timeline lists.
const TIMELINE_LIMIT: usize = 200;

/// A request in the timeline.
#[derive(Debug)]
struct Entry {
    href: String,
    number: String,
    title: String,
    status: &'static str,
    received: String,
}

#[derive(Template)]
#[template(path = "portal/timeline.html")]
struct TimelinePage {
    page: Frame,
    entries: Vec<Entry>,
    new_request: String,
}

/// `GET /portal/{tenant}/mein-rathaus`.
pub async fn page(
    State(state): State<AppState>,
    tenant: PortalTenant,
) -> Result<Response, PageError> {
    let lang = tenant.lang;
    let t = tenant.t();
    let Some(citizen) = &tenant.citizen else {
        return Ok(sign_in_first(
            &tenant,
            &format!("{}/mein-rathaus", tenant.base()),
        ));
    };
    let store = state.store.clone();
    let id = citizen.account.id.clone();
    let own = blocking(move || citizen_accounts::timeline(store.as_ref(), &id, TIMELINE_LIMIT))
        .await
        .map_err(|e| PageError::new(e, lang))?;
    let entries = own
        .into_iter()
        .map(|request| Entry {
            href: format!("{}/mein-rathaus/{}", tenant.base(), request.number),
            status: request
                .status
                .parse()
                .map_or(t.citizen_received, |status| t.citizen_status(status)),
            received: texts::time::instant_ms(request.received_at, lang),
            // The case's title is the service's name and the number.
            title: request
                .title
                .strip_suffix(&request.number)
                .map_or_else(|| request.title.clone(), |s| s.trim().to_string()),
            number: request.number,
        })
        .collect();
    let page = TimelinePage {
        page: Frame::of(&tenant, t.account_my_town_hall),
        entries,
        new_request: format!("{}/", tenant.base()),
    };
    let mut response = render_with(StatusCode::OK, &page).map_err(|e| PageError::new(e, lang))?;
    response.headers_mut().insert(
        CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store, private"),
    );
    Ok(response)
}

/// The signed-in citizen's request numbered `number`, or the answer to give instead.
async fn own(
    state: &AppState,
    tenant: &PortalTenant,
    number: &str,
    path: &str,
) -> Result<Result<tracking::Found, Response>, PageError> {
    let lang = tenant.lang;
    let Some(citizen) = &tenant.citizen else {
        return Ok(Err(sign_in_first(tenant, path)));
    };
    let citizen = Citizen {
        account_id: citizen.account.id.clone(),
        tenant: tenant.id.clone(),
    };
    let store = state.store.clone();
    let number = number.to_string();
    let tracked = blocking(move || citizen_requests::track_own(store.as_ref(), &citizen, &number))
        .await
        .map_err(|e| PageError::new(e, lang))?;
    tracking::shown(tracked, tenant)
}

/// `GET /portal/{tenant}/mein-rathaus/{number}`.
pub async fn request(
    State(state): State<AppState>,
    tenant: PortalTenant,
    Path((_, number)): Path<(String, String)>,
    Query(fresh): Query<Fresh>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let path = format!("{}/mein-rathaus/{number}", tenant.base());
    let found = match own(&state, &tenant, &number, &path).await? {
        Ok(found) => found,
        Err(answer) => return Ok(answer),
    };
    let csrf = tenant.citizen.as_ref().map(|c| c.csrf.clone());
    let shown = Shown {
        receipt: false,
        link: None,
        pdf_link: format!("{path}/{RECEIPT_PDF}"),
        thread: Thread {
            messages: Vec::new(),
            action: format!("{path}/{MESSAGE_PATH}"),
            csrf,
            typed: String::new(),
            error: None,
            sent: fresh.message_sent(),
        },
        status: StatusCode::OK,
    };
    tracking::render(&state, &tenant, found, shown, &headers)
        .await
        .map_err(|e| PageError::new(e, tenant.lang))
}

/// `GET /portal/{tenant}/mein-rathaus/{number}/eingangsbestaetigung.pdf`, and the citizen's
/// own photos beside it (`…/foto-N`).
pub async fn receipt(
    State(state): State<AppState>,
    tenant: PortalTenant,
    Path((_, number, file)): Path<(String, String, String)>,
) -> Result<Response, PageError> {
    let lang = tenant.lang;
    let t = tenant.t();
    let path = format!("{}/mein-rathaus/{number}", tenant.base());
    let found = match own(&state, &tenant, &number, &path).await? {
        Ok(found) => found,
        Err(answer) => return Ok(answer),
    };
    if file != RECEIPT_PDF {
        // The citizen's own photos live beside the receipt.
        return tracking::own_photo(&state, &tenant, &found, &file)
            .await
            .map_err(|e| PageError::new(e, lang));
    }
    let link = format!("{}{path}", state.config.public_base());
    crate::receipt::pdf(&state, &tenant, found, t.receipt_account_link, link)
        .await
        .map_err(|e| PageError::new(e, lang))
}
