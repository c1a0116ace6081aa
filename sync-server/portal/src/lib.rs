//! The Bürgerportal: the pages where citizens, associations and businesses find a service of
//! their municipality, send a request, and follow it. A request is a case in the same store
//! the tablets sync into and the back office works on (`server_core::services::citizen_requests`).
//!
//! # A request, step by step
//!
//! 1. `tenant.rs`: the path names the tenant (`/portal/tgh/…`); an unknown one is a 404 page.
//! 2. `services_page.rs`: the start page lists the services the tenant offers
//!    (`server_core::services::citizen_services`) by subject and searches their names and
//!    everyday words; `guide.rs`, the Wegweiser, leads there in two questions, or to the
//!    people to ask.
//! 3. `service_form.rs`: the form of one service, rendered from its template with
//!    `web::form_input`'s inputs; the form carries a token the `naper_portal_form` cookie must
//!    match (`form_guard.rs`, double-submit against cross-site posts) and a field people
//!    leave empty and robots fill. Photos arrive with the form (`sent_form.rs`) and are made
//!    fit to keep — metadata gone, upright, encoded anew — and held as they arrive
//!    (`photo_intake.rs`). What was typed is read as on the tablet (`texts::typed`),
//!    checked against the service, and on a refusal shown again, 422, with every answer kept
//!    and a summary linking to each field, the photos listed with signed references so they
//!    need not be chosen again. Anonymous submissions are limited per address
//!    (`submissions.rs`).
//! 4. The request is stored with its number, its tracking link and, when the citizen left an
//!    address, its confirmation mail, in one transaction; the browser is sent on (303) to the
//!    tracking page (`tracking.rs`), which shows the receipt the first time; the receipt is
//!    also a PDF (`receipt.rs`).
//!
//! Errors are [`PageError`]s: the kernel's errors as HTML pages in the page's language.
//! The portal's cookies are scoped to [`BASE`], so they never reach the back office, and the
//! back office's never reach the portal.
//!
//! A tenant's portal is also reached by a host name of its own (`host.rs`), which the
//! binary's fallback sends on to its path.
//!
//! `pwa/` makes the portal installable on a phone's home screen (a manifest and icons per
//! tenant) and shows an offline page without a connection (a service worker, registered by
//! the pages' one script): progressive enhancement, nothing needs it.
//!
//! Routes (under [`BASE`]): `GET /static/portal.css`, `GET /static/register.js`,
//! `GET /sw.js`, `GET /offline.html`, `GET /{tenant}/manifest.webmanifest`,
//! `GET /{tenant}/icons/{192,512}.png`, `GET /{tenant}/logo.png`, `GET /{tenant}/`,
//! `GET /{tenant}/leistungen/{service}`, `POST /{tenant}/leistungen/{service}`,
//! `GET /{tenant}/anliegen/{tracking}`, `GET /{tenant}/anliegen/{tracking}/eingangsbestaetigung.pdf`,
//! `POST /{tenant}/anliegen/{tracking}/nachricht`, and the account's pages (`account/`).

mod account;
mod form_guard;
mod frame;
mod guide;
pub mod host;
mod i18n;
mod messages;
mod page_error;
mod photo_intake;
mod pwa;
mod receipt;
mod sent_form;
mod service_form;
mod services_page;
mod status_notice;
mod submissions;
mod tenant;
mod tracking;

use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

pub use page_error::PageError;
pub use photo_intake::PhotoIntake;
pub use status_notice::StatusNotices;
pub use submissions::SubmissionLimit;

use server_core::kernel::AppError;
use server_core::services::AppState;

/// Where the portal lives.
pub const BASE: &str = "/portal";

const STYLE: &str = include_str!("portal.css");

async fn style() -> Response {
    (
        [
            (CONTENT_TYPE, "text/css; charset=utf-8"),
            (CACHE_CONTROL, "public, max-age=3600"),
        ],
        STYLE,
    )
        .into_response()
}

/// The tenant's accent colour (checked for contrast when it was set), over the portal's
/// stylesheet: a stylesheet of its own, since the pages allow no inline styles.
async fn theme(tenant: tenant::PortalTenant) -> Response {
    let css = tenant
        .look
        .accent
        .as_deref()
        .and_then(server_core::services::portal_look::rgb)
        .map(|[r, g, b]| format!(":root {{ --accent: #{r:02x}{g:02x}{b:02x}; }}\n"))
        .unwrap_or_default();
    (
        [
            (CONTENT_TYPE, "text/css; charset=utf-8"),
            (CACHE_CONTROL, "public, max-age=300"),
        ],
        css,
    )
        .into_response()
}

/// The tenant's coat of arms or logo (a PNG the server made of the upload), if it has one.
async fn logo(
    axum::extract::State(state): axum::extract::State<AppState>,
    tenant: tenant::PortalTenant,
) -> Result<Response, PageError> {
    let lang = tenant.lang;
    let store = state.store.clone();
    let id = tenant.id.clone();
    let png = server_core::kernel::blocking(move || {
        Ok::<_, AppError>(store.read(|tx| server_core::store::portal_looks::logo(tx, &id))?)
    })
    .await
    .map_err(|e| PageError::new(e, lang))?;
    match png {
        Some(png) => Ok((
            [
                (CONTENT_TYPE, "image/png"),
                (CACHE_CONTROL, "public, max-age=300"),
            ],
            png,
        )
            .into_response()),
        None => Err(PageError::new(
            AppError::NotFound(tenant.t().error_not_found.into()),
            lang,
        )),
    }
}

async fn not_found(request: Request) -> Response {
    let lang = i18n::language_of(request.uri(), request.headers());
    PageError::new(
        AppError::NotFound(i18n::texts(lang).error_not_found.into()),
        lang,
    )
    .into_response()
}

/// The portal's routes, to nest under [`BASE`], with `limit` counting anonymous
/// submissions per address and `intake` taking in the photos forms bring.
pub fn router(limit: SubmissionLimit, intake: PhotoIntake) -> Router<AppState> {
    Router::new()
        .route("/static/portal.css", get(style))
        .route("/static/register.js", get(pwa::register))
        .route("/sw.js", get(pwa::service_worker))
        .route("/offline.html", get(pwa::offline))
        .route("/{tenant}/manifest.webmanifest", get(pwa::manifest))
        .route("/{tenant}/icons/{file}", get(pwa::icon))
        .route("/{tenant}/theme.css", get(theme))
        .route("/{tenant}/logo.png", get(logo))
        .route("/{tenant}", get(services_page::start))
        .route("/{tenant}/", get(services_page::start))
        .route("/{tenant}/wegweiser", get(guide::start))
        .route("/{tenant}/wegweiser/{subject}", get(guide::step))
        .route(
            "/{tenant}/leistungen/{service}",
            get(service_form::page)
                .post(service_form::submit)
                .layer(DefaultBodyLimit::max(sent_form::MAX_FORM_BYTES)),
        )
        .route("/{tenant}/anliegen/{tracking}", get(tracking::page))
        .route(
            "/{tenant}/anliegen/{tracking}/{file}",
            get(receipt::download).post(messages::from_tracking),
        )
        .merge(account::routes())
        .fallback(not_found)
        .layer(axum::Extension(Arc::new(limit)))
        .layer(axum::Extension(Arc::new(account::AccountLimit::new())))
        .layer(axum::Extension(Arc::new(
            server_core::identity::throttle::LoginThrottle::default(),
        )))
        .layer(axum::Extension(Arc::new(intake)))
        .layer(middleware::from_fn_with_state(
            i18n::LANG,
            web::language::remember,
        ))
        .layer(middleware::from_fn_with_state(
            web::headers::OWN_SCRIPTS,
            web::headers::security_headers,
        ))
}
