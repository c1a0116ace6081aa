//! Signing in and out of the back office.

use std::sync::Arc;
use std::time::Instant;

use axum::Extension;
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::header::{RETRY_AFTER, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use schema::Language;
use serde::Deserialize;

use super::audit::{self, Action};
use super::i18n::texts;
use super::session::{
    self, CsrfForm, LOGIN_COOKIE, csrf_error, csrf_field, new_session, parse_form, return_path,
    session_cookie, tokens_match,
};
use super::views::{Frame, LoginPage, render, see_other};
use crate::InPage;
use server_core::access::{self, Staff};
use server_core::identity::auth::{new_token, password_checks, verify_nobody, verify_password};
use server_core::kernel::client_addr::ClientAddr;
use server_core::kernel::{AppError, blocking};
use server_core::services::AppState;
use server_core::store::grants::Grants;
use server_core::store::{millis, sessions};
use web::cookies::{self, SetCookie};

use server_core::identity::throttle::LoginThrottle;
use server_core::store::accounts;

/// Lifetime of the login form's token.
const LOGIN_FORM_SECS: u64 = 60 * 60;

/// The query of the login page.
#[derive(Debug, Default, Deserialize)]
pub struct LoginQuery {
    /// Where to go after login.
    #[serde(default)]
    next: Option<String>,
}

/// The login form.
#[derive(Debug, Deserialize)]
struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

fn cases_path() -> String {
    format!("{}/cases", super::BASE)
}

/// Renders the login form with a fresh double-submit token in its cookie.
fn login_form(
    state: &AppState,
    headers: &HeaderMap,
    lang: Language,
    status: StatusCode,
    next: String,
    username: String,
    error: Option<&'static str>,
) -> Result<Response, AppError> {
    let token = new_token()?;
    let page = LoginPage {
        page: Frame::anonymous(lang, texts(lang).login_title),
        csrf: token.clone(),
        next,
        username,
        error,
    };
    let mut response = render(&page)?;
    *response.status_mut() = status;
    let cookie = SetCookie {
        path: crate::BASE,
        name: LOGIN_COOKIE,
        value: &token,
        max_age_secs: Some(LOGIN_FORM_SECS),
        http_only: true,
        secure: session::secure(state, headers),
    };
    append_cookie(&mut response, &cookie.to_string());
    Ok(response)
}

fn append_cookie(response: &mut Response, cookie: &str) {
    if let Ok(value) = HeaderValue::from_str(cookie) {
        response.headers_mut().append(SET_COOKIE, value);
    }
}

/// `GET /backoffice/login`.
pub async fn page(
    State(state): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
    query: Result<Query<LoginQuery>, QueryRejection>,
) -> Response {
    let lang = super::i18n::language_of(&uri, &headers);
    let next = query
        .ok()
        .and_then(|Query(q)| q.next)
        .and_then(|n| return_path(&n))
        .unwrap_or_else(cases_path);
    login_form(
        &state,
        &headers,
        lang,
        StatusCode::OK,
        next,
        String::new(),
        None,
    )
    .unwrap_or_else(|e| e.in_page(lang).into_response())
}

/// Why a login attempt failed.
enum Refusal {
    WrongCredentials,
    Officer,
}

/// `POST /backoffice/login`: checks the form token and the login throttle, then the
/// password (argon2id, the same time for unknown users), and starts a session for staff
/// roles.
pub async fn submit(
    State(state): State<AppState>,
    Extension(throttle): Extension<Arc<LoginThrottle>>,
    ClientAddr(ip): ClientAddr,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let lang = super::i18n::language_of(&uri, &headers);
    let outcome = async {
        let expected = cookies::get(&headers, LOGIN_COOKIE).unwrap_or_default();
        let given = csrf_field(&body).unwrap_or_default();
        if !tokens_match(&expected, &given) {
            return Err(csrf_error(lang));
        }
        let form: LoginForm = parse_form(&body, lang)?;
        let next = return_path(&form.next).unwrap_or_else(cases_path);
        let store = state.store.clone();
        let username = form.username.trim().to_string();
        let t = texts(lang);
        if let Some(left) = throttle.locked(&username, ip, Instant::now()) {
            tracing::warn!(user = %username, %ip, "sign-in refused: locked out after failures");
            let mut response = login_form(
                &state,
                &headers,
                lang,
                StatusCode::TOO_MANY_REQUESTS,
                next,
                form.username,
                Some(t.login_locked),
            )?;
            let seconds = left.as_secs().saturating_add(1).to_string();
            if let Ok(value) = HeaderValue::from_str(&seconds) {
                response.headers_mut().insert(RETRY_AFTER, value);
            }
            return Ok(response);
        }
        let attempted = username.clone();
        let password = form.password;
        let _slot = password_checks().slot().await;
        let checked = blocking(move || -> Result<Result<Staff, Refusal>, AppError> {
            let Some(user) = store.read(|tx| accounts::user(tx, &username))? else {
                verify_nobody(&password);
                return Ok(Err(Refusal::WrongCredentials));
            };
            if !verify_password(&password, &user.password_hash) {
                return Ok(Err(Refusal::WrongCredentials));
            }
            if !access::may_use_backoffice(user.role) {
                return Ok(Err(Refusal::Officer));
            }
            Ok(Ok(Staff {
                tenant: user.tenant,
                username: user.username,
                display_name: user.display_name,
                role: user.role,
                // The session being created reads its grants on every request.
                grants: Grants::default(),
            }))
        })
        .await?;
        let staff = match checked {
            Ok(staff) => staff,
            Err(refusal) => {
                let (status, error) = match refusal {
                    Refusal::WrongCredentials => {
                        throttle.failed(&attempted, ip, Instant::now());
                        (StatusCode::UNAUTHORIZED, t.login_failed)
                    }
                    Refusal::Officer => (StatusCode::FORBIDDEN, t.login_officer),
                };
                return login_form(
                    &state,
                    &headers,
                    lang,
                    status,
                    next,
                    form.username,
                    Some(error),
                );
            }
        };
        throttle.succeeded(&attempted, ip);
        let ttl = state.config.backoffice.session_ttl;
        // The first expiry is the idle limit; every request moves it on (`session.rs`).
        let first = ttl.min(state.config.backoffice.session_idle);
        let (id, row) = new_session(&staff.username, millis(first))?;
        let store = state.store.clone();
        blocking(move || store.write(|tx| sessions::create(tx, &row))).await?;
        audit::record(&state, &staff, Action::Login, None, "").await?;
        tracing::info!(user = %staff.username, "signed in to the back office");
        let secure = session::secure(&state, &headers);
        let mut response = see_other(&next);
        append_cookie(
            &mut response,
            &session_cookie(Some(&id), ttl.as_secs(), secure),
        );
        let clear_login = SetCookie {
            path: crate::BASE,
            name: LOGIN_COOKIE,
            value: "",
            max_age_secs: Some(0),
            http_only: true,
            secure,
        };
        append_cookie(&mut response, &clear_login.to_string());
        Ok(response)
    }
    .await;
    outcome.unwrap_or_else(|e| e.in_page(lang).into_response())
}

/// An empty form (only the CSRF token).
#[derive(Debug, Deserialize)]
pub struct NoFields {}

/// `POST /backoffice/logout`: ends the session in the database and deletes the cookie.
pub async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    CsrfForm { session, .. }: CsrfForm<NoFields>,
) -> Response {
    let lang = session.lang;
    let outcome = async {
        let store = state.store.clone();
        let hash = session.id_hash.clone();
        blocking(move || store.write(|tx| sessions::end(tx, &hash))).await?;
        audit::record(&state, &session.staff, Action::Logout, None, "").await?;
        let mut response = see_other(&format!("{}/login", super::BASE));
        append_cookie(
            &mut response,
            &session_cookie(None, 0, session::secure(&state, &headers)),
        );
        Ok::<_, AppError>(response)
    }
    .await;
    outcome.unwrap_or_else(|e| e.in_page(lang).into_response())
}
