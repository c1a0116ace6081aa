//! Citizens' accounts on the portal: registering, confirming the address, signing in and
//! out, a new password, the profile, deleting the account (`server_core::services::
//! citizen_accounts` does the work), and "Mein Rathaus", the timeline of the account's own
//! requests.
//!
//! A citizen's session lives in the `naper_citizen` cookie, scoped to the tenant's portal
//! path (`/portal/tgh`): never sent to the back office, whose `naper_session` never reaches
//! the portal, nor to another tenant's portal. [`crate::tenant::PortalTenant`] reads it on
//! every page, so every page knows who is signed in. Forms of a signed-in citizen carry the
//! session's own token; forms before signing in carry the portal's form token
//! (`form_guard`).

mod form;
mod mails;
mod password;
pub(crate) mod profile;
mod register;
mod sign_in;
pub mod timeline;

use axum::Router;
use axum::http::HeaderValue;
use axum::http::header::SET_COOKIE;
use axum::response::Response;
use axum::routing::{get, post};
use server_core::services::AppState;
use server_core::store::citizen_accounts::AccountRow;
use web::cookies::SetCookie;

pub use self::form::AccountLimit;

/// The session cookie.
pub const SESSION_COOKIE: &str = "naper_citizen";

/// A citizen signed in on the page's portal.
#[derive(Debug, Clone)]
pub struct SignedIn {
    /// The account.
    pub account: AccountRow,
    /// The session's id, from its cookie.
    pub session_id: String,
    /// The token the session's forms carry.
    pub csrf: String,
}

impl SignedIn {
    /// Whether a form sent with token `sent` is the session's own.
    pub fn genuine(&self, sent: &str) -> bool {
        crate::form_guard::same(self.csrf.as_bytes(), sent.as_bytes())
    }

    /// What the header says of who is signed in: the name, else the address.
    pub fn shown_name(&self) -> &str {
        if self.account.profile.name.trim().is_empty() {
            &self.account.email
        } else {
            &self.account.profile.name
        }
    }
}

/// The first value sent for `name`, or `""`.
pub(crate) fn value<'a>(form: &'a [(String, String)], name: &str) -> &'a str {
    form.iter()
        .find(|(key, _)| key == name)
        .map_or("", |(_, value)| value.as_str())
}

/// How a language is stored with an account.
pub(crate) fn language_code(lang: schema::Language) -> &'static str {
    match lang {
        schema::Language::De => "de",
        schema::Language::En => "en",
    }
}

/// Sets (or, with `None`, deletes) the session cookie of `tenant_base`'s portal.
pub fn set_session_cookie(
    response: &mut Response,
    tenant_base: &str,
    session_id: Option<&str>,
    secure: bool,
) {
    let lifetime = server_core::services::citizen_accounts::SESSION_LIFETIME.as_secs();
    let cookie = SetCookie {
        path: tenant_base,
        name: SESSION_COOKIE,
        value: session_id.unwrap_or(""),
        max_age_secs: Some(if session_id.is_some() { lifetime } else { 0 }),
        http_only: true,
        secure,
    };
    if let Ok(value) = HeaderValue::from_str(&cookie.to_string()) {
        response.headers_mut().append(SET_COOKIE, value);
    }
}

/// The account routes, under the tenant's portal.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/{tenant}/konto/registrieren",
            get(register::page).post(register::submit),
        )
        .route(
            "/{tenant}/konto/bestaetigen/{secret}",
            get(register::confirm).post(register::confirm_with_password),
        )
        .route(
            "/{tenant}/konto/anmelden",
            get(sign_in::page).post(sign_in::submit),
        )
        .route("/{tenant}/konto/abmelden", post(sign_in::sign_out))
        .route(
            "/{tenant}/konto/passwort-vergessen",
            get(password::forgot_page).post(password::forgot),
        )
        .route(
            "/{tenant}/konto/neues-passwort/{secret}",
            get(password::reset_page).post(password::reset),
        )
        .route("/{tenant}/konto", get(profile::page).post(profile::save))
        .route("/{tenant}/konto/loeschen", post(profile::delete))
        .route("/{tenant}/mein-rathaus", get(timeline::page))
        .route("/{tenant}/mein-rathaus/{number}", get(timeline::request))
        .route(
            "/{tenant}/mein-rathaus/{number}/{file}",
            get(timeline::receipt).post(crate::messages::from_account),
        )
}
