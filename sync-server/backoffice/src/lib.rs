//! The back office: server-rendered pages where staff review, correct, decide and assign
//! the cases officers sync from their tablets.
//!
//! # A request, step by step
//!
//! 1. `session.rs`: the `naper_session` cookie's SHA-256 is looked up with its user (every
//!    request); no or an expired session (30 minutes idle, or past its lifetime) redirects a
//!    page to the login page, and answers a form post with 401. Every POST form is a
//!    `CsrfForm`, which refuses a missing or wrong synchronizer token with 403 before the
//!    handler runs. Sign-ins are throttled per user name and address (`server_core::identity::throttle`).
//! 2. `load.rs`: the case is looked up and [`server_core::access::check_staff`] decides — another
//!    tenant's case is a 404 like a missing one, a viewer's action a 403.
//! 3. The handler reads the projection or the document, or writes one Automerge change
//!    attributed to the staff user through
//!    `store.write(|tx| …)` with [`server_core::store::cases::edit`], with its audit entry in the same
//!    transaction; the change reaches the officer's tablet at its next sync.
//! 4. `audit.rs` appends what was viewed; `views.rs` renders the page (askama,
//!    auto-escaped), in German or English (`i18n.rs`).
//!
//! Errors are [`PageError`]s: the kernel's [`AppError`]s shown as HTML pages
//! ([`InPage::in_page`]), or the way to the login page; the JSON API keeps its JSON bodies.
//!
//! Routes (under [`BASE`]): `GET /login`, `POST /login`, `POST /logout`, `GET /cases`,
//! `GET /cases/{id}`, `GET /cases/{id}/history`, `POST /cases/{id}/status`,
//! `POST /cases/{id}/fields/{key}`, `POST /cases/{id}/comments`, `POST /cases/{id}/assign`,
//! `GET /cases/{id}/photos/{photo_id}/annotated`, `GET /photos/{sha256}`,
//! `GET /photos/{sha256}/thumbnail`, `GET /static/style.css`; the PDF report
//! `GET /cases/{id}/report.pdf` (`report/`); the administration (`admin/`): `GET /admin/users`,
//! `POST /admin/users`, `POST /admin/users/{name}/role`, `POST /admin/users/{name}/password`,
//! `POST /admin/users/{name}/delete`, `GET /admin/devices`, `POST /admin/devices/{id}/revoke`,
//! `GET /admin/templates`, `POST /admin/templates`; and the audit log `GET /audit`.

mod actions;
mod admin;
mod audit;
mod audit_page;
mod case_page;
mod history;
mod i18n;
mod load;
mod login;
mod page_error;
mod photos;
mod queue;
mod report;
mod session;
mod views;

use axum::Router;
use axum::http::Uri;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

pub use page_error::{InPage, PageError};

use server_core::kernel::AppError;
use server_core::services::AppState;

/// Where the back office lives.
pub const BASE: &str = "/backoffice";

const STYLE: &str = include_str!("style.css");

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

async fn home() -> Response {
    views::see_other(&format!("{BASE}/cases"))
}

async fn not_found(uri: Uri, headers: axum::http::HeaderMap) -> Response {
    let lang = i18n::language_of(&uri, &headers);
    AppError::NotFound(i18n::texts(lang).error_not_found.into())
        .in_page(lang)
        .into_response()
}

/// The back office's routes, to nest under [`BASE`].
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/static/style.css", get(style))
        .route("/login", get(login::page).post(login::submit))
        .route("/logout", post(login::logout))
        .route("/cases", get(queue::page))
        .route("/cases/{id}", get(case_page::page))
        .route("/cases/{id}/history", get(history::page))
        .route("/cases/{id}/report.pdf", get(report::download))
        .route("/cases/{id}/status", post(actions::change_status))
        .route("/cases/{id}/fields/{key}", post(actions::edit_field))
        .route("/cases/{id}/comments", post(actions::add_comment))
        .route("/cases/{id}/messages", post(actions::send_message))
        .route("/cases/{id}/assign", post(actions::assign))
        .route(
            "/cases/{id}/photos/{photo_id}/annotated",
            get(photos::annotated),
        )
        .route(
            "/cases/{id}/photos/{photo_id}/thumbnail",
            get(photos::thumbnail),
        )
        .route(
            "/cases/{id}/photos/{photo_id}/original",
            get(photos::original),
        )
        .route("/admin/users", get(admin::users_page).post(admin::create))
        .route("/admin/users/{name}/role", post(admin::change_role))
        .route("/admin/users/{name}/password", post(admin::reset_password))
        .route("/admin/users/{name}/delete", post(admin::delete))
        .route("/admin/roles", post(admin::change_grants))
        .route("/admin/devices", get(admin::devices_page))
        .route("/admin/portal", get(admin::portal_page))
        .route("/admin/portal/look", post(admin::save_look))
        .route(
            "/admin/portal/logo",
            post(admin::save_logo).layer(axum::extract::DefaultBodyLimit::max(
                server_core::services::portal_look::MAX_LOGO_BYTES + 64 * 1024,
            )),
        )
        .route("/admin/portal/services", post(admin::save_services))
        .route("/admin/devices/{id}/revoke", post(admin::revoke))
        .route(
            "/admin/templates",
            get(admin::templates_page).post(admin::upload),
        )
        .route("/audit", get(audit_page::page))
        .fallback(not_found)
        // One throttle per router, so every server (and every test server) counts its own.
        .layer(axum::Extension(std::sync::Arc::new(
            server_core::identity::throttle::LoginThrottle::default(),
        )))
        .layer(middleware::from_fn_with_state(
            i18n::LANG,
            web::language::remember,
        ))
        .layer(middleware::from_fn_with_state(
            web::headers::NO_SCRIPTS,
            web::headers::security_headers,
        ))
}
