//! Back-office sessions and CSRF protection.
//!
//! - A session id is 256 random bits (hex) in the `naper_session` cookie: `HttpOnly`,
//!   `SameSite=Strict`, `Path=/backoffice`, and `Secure` when the configuration says so or the
//!   request came over https ([`secure`]). The database stores only its SHA-256, with the user
//!   and an absolute expiry; every request looks the session and the user up again, so a
//!   changed role or a deleted user counts at once.
//! - Every session has a random **synchronizer token**; every form carries it in the hidden
//!   field `csrf`, and [`CsrfForm`] refuses a POST whose token is missing or wrong (403)
//!   before the handler runs, so no action can forget the check.
//! - The login form, which has no session yet, carries a token that must equal the
//!   `naper_login` cookie set with the form (double submit), so another site cannot sign a
//!   victim in to the attacker's account.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, OriginalUri, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method};
use schema::Language;
use serde::de::DeserializeOwned;

use super::i18n::texts;
use crate::{InPage, PageError};
use server_core::access::{self, Staff};
use server_core::identity::auth::{new_token, token_hash};
use server_core::kernel::{AppError, blocking};
use server_core::services::AppState;
use web::cookies::{self, SetCookie};

use server_core::store::{NewSession, millis, now_ms, sessions};

/// The session cookie.
pub const SESSION_COOKIE: &str = "naper_session";
/// The login form's double-submit cookie.
pub const LOGIN_COOKIE: &str = "naper_login";
/// The hidden form field carrying the CSRF token.
pub const CSRF_FIELD: &str = "csrf";
/// Largest form body read.
const MAX_FORM_BYTES: usize = 256 * 1024;

/// A signed-in staff member's request: who, the session's CSRF token, and the page language.
#[derive(Debug, Clone)]
pub struct Session {
    /// The signed-in user.
    pub staff: Staff,
    /// The token every form of this session carries.
    pub csrf_token: String,
    /// SHA-256 of the session id (to end the session).
    pub id_hash: String,
    /// The language of the pages.
    pub lang: Language,
}

/// Whether cookies get `Secure`: when configured, or when the request arrived over https at
/// the TLS-terminating proxy. (A forged header can only add `Secure`, never remove it.)
pub fn secure(state: &AppState, headers: &HeaderMap) -> bool {
    state.config.backoffice.secure_cookies
        || headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("https"))
}

/// Compares two tokens in time independent of where they differ.
pub fn tokens_match(expected: &str, given: &str) -> bool {
    expected.len() == given.len()
        && !expected.is_empty()
        && expected
            .bytes()
            .zip(given.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

/// Whether a session expiring at `expires_at` should be moved on to `now + idle_ms`: once
/// it has lost more than a minute (or half the idle time, if shorter), so an active user
/// costs one write a minute, not one per request.
fn needs_extension(expires_at: i64, now: i64, idle_ms: i64) -> bool {
    let slack = (idle_ms / 2).min(60_000);
    expires_at.saturating_sub(now) < idle_ms.saturating_sub(slack)
}

/// A new session for `username`: the cookie value (the only copy of the id) and the row,
/// expiring `ttl_ms` from now.
///
/// # Errors
/// [`AppError::Internal`] when randomness fails.
pub fn new_session(username: &str, ttl_ms: i64) -> Result<(String, NewSession), AppError> {
    let id = new_token()?;
    let now = now_ms();
    let row = NewSession {
        id_hash: token_hash(&id),
        username: username.to_string(),
        csrf_token: new_token()?,
        created_at: now,
        expires_at: now.saturating_add(ttl_ms),
    };
    Ok((id, row))
}

/// The `Set-Cookie` value of a session cookie (`None` value: delete it).
pub fn session_cookie(id: Option<&str>, ttl_secs: u64, secure: bool) -> String {
    SetCookie {
        path: crate::BASE,
        name: SESSION_COOKIE,
        value: id.unwrap_or(""),
        max_age_secs: Some(if id.is_some() { ttl_secs } else { 0 }),
        http_only: true,
        secure,
    }
    .to_string()
}

/// Where a page asked for while signed out should return after login: its path and query,
/// kept only when it is a back-office path (no open redirect).
pub fn return_path(candidate: &str) -> Option<String> {
    let ok = candidate.starts_with(super::BASE)
        && !candidate.contains("//")
        && !candidate.contains('\\')
        && !candidate.chars().any(char::is_control);
    ok.then(|| candidate.to_string())
}

impl FromRequestParts<AppState> for Session {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PageError> {
        let lang = super::i18n::language_of(&parts.uri, &parts.headers);
        let login_required = || PageError::LoginRequired {
            // Pages come back after login; a form post cannot be replayed, so it gets a 401.
            // Nesting strips `/backoffice` from `parts.uri`; the original URI has it.
            redirect: (parts.method == Method::GET)
                .then(|| {
                    parts
                        .extensions
                        .get::<OriginalUri>()
                        .map_or(&parts.uri, |original| &original.0)
                        .path_and_query()
                        .map(ToString::to_string)
                })
                .flatten()
                .and_then(|p| return_path(&p)),
            lang,
        };
        let Some(id) = cookies::get(&parts.headers, SESSION_COOKIE).filter(|v| !v.is_empty())
        else {
            return Err(login_required());
        };
        let hash = token_hash(&id);
        let store = state.store.clone();
        let key = hash.clone();
        let config = state.config.backoffice;
        let (idle_ms, ttl_ms) = (millis(config.session_idle), millis(config.session_ttl));
        let row = blocking(move || -> Result<_, AppError> {
            let now = now_ms();
            let row = store.read(|tx| sessions::find(tx, &key, now))?;
            // Activity keeps the session alive up to its absolute lifetime.
            if let Some(row) = &row
                && needs_extension(row.expires_at, now, idle_ms)
            {
                store.write(|tx| sessions::extend(tx, &key, now, idle_ms, ttl_ms))?;
            }
            Ok(row)
        })
        .await
        .map_err(|e| e.in_page(lang))?;
        match row {
            Some(row) if access::may_use_backoffice(row.role) => Ok(Session {
                staff: Staff {
                    tenant: row.tenant,
                    username: row.username,
                    display_name: row.display_name,
                    role: row.role,
                    grants: row.grants,
                },
                csrf_token: row.csrf_token,
                id_hash: hash,
                lang,
            }),
            _ => Err(login_required()),
        }
    }
}

/// Parses a form body.
///
/// # Errors
/// [`AppError::BadRequest`] with the page's words.
pub fn parse_form<T: DeserializeOwned>(body: &[u8], lang: Language) -> Result<T, AppError> {
    serde_urlencoded::from_bytes(body).map_err(|e| {
        tracing::debug!("unreadable form: {e}");
        AppError::BadRequest(texts(lang).error_bad_form.into())
    })
}

/// The value of the `csrf` field of a form body.
pub fn csrf_field(body: &[u8]) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .ok()?
        .into_iter()
        .find(|(key, _)| key == CSRF_FIELD)
        .map(|(_, value)| value)
}

/// The refusal of a form without the right token.
pub fn csrf_refused(lang: Language) -> PageError {
    csrf_error(lang).in_page(lang)
}

/// [`csrf_refused`] before it is shown as a page.
pub fn csrf_error(lang: Language) -> AppError {
    AppError::Forbidden(texts(lang).error_csrf.into())
}

/// A POSTed form of a signed-in session whose CSRF token was checked: the extractor every
/// back-office action takes. Signed out: 401; token missing or wrong: 403; otherwise the body
/// parsed as `T` (400 when it does not fit).
#[derive(Debug)]
pub struct CsrfForm<T> {
    /// The session.
    pub session: Session,
    /// The form's fields.
    pub form: T,
}

impl<T: DeserializeOwned> FromRequest<AppState> for CsrfForm<T> {
    type Rejection = PageError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, PageError> {
        let (mut parts, body) = request.into_parts();
        let session = Session::from_request_parts(&mut parts, state).await?;
        let lang = session.lang;
        let request = Request::from_parts(parts, body);
        let bytes = axum::body::to_bytes(request.into_body(), MAX_FORM_BYTES)
            .await
            .map_err(|_| AppError::PayloadTooLarge(texts(lang).error_bad_form.into()))
            .map_err(|e| e.in_page(lang))?;
        check_csrf(&session, &bytes)?;
        let form = parse_form(&bytes, lang).map_err(|e| e.in_page(lang))?;
        Ok(CsrfForm { session, form })
    }
}

fn check_csrf(session: &Session, body: &Bytes) -> Result<(), PageError> {
    match csrf_field(body) {
        Some(token) if tokens_match(&session.csrf_token, &token) => Ok(()),
        _ => {
            tracing::warn!(user = %session.staff.username, "form with a missing or wrong CSRF token");
            Err(csrf_refused(session.lang))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_active_session_is_extended_about_once_a_minute() {
        let idle = 30 * 60_000;
        let now = 1_000_000;
        assert!(!needs_extension(now + idle, now, idle), "just extended");
        assert!(!needs_extension(now + idle - 59_000, now, idle));
        assert!(needs_extension(now + idle - 61_000, now, idle));
        // A short idle time (tests) extends once half of it has passed.
        assert!(!needs_extension(now + 700, now, 1_000));
        assert!(needs_extension(now + 400, now, 1_000));
    }

    #[test]
    fn tokens_compare_exactly() {
        assert!(tokens_match("abc", "abc"));
        assert!(!tokens_match("abc", "abd"));
        assert!(!tokens_match("abc", "ab"));
        assert!(!tokens_match("", ""));
    }

    #[test]
    fn only_back_office_paths_are_returned_to() {
        assert!(return_path("/backoffice/cases?status=draft").is_some());
        assert!(return_path("//evil.example/backoffice").is_none());
        assert!(return_path("/backoffice//evil.example").is_none());
        assert!(return_path("https://evil.example/").is_none());
        assert!(return_path("/api/v1/sync").is_none());
    }
}
