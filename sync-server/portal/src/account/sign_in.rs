//! Signing in (e-mail address and password, throttled per address and client like the
//! back office's sign-in) and out. A successful sign-in starts a new session — a session id
//! a browser had before is never taken over — and goes on to where the citizen was headed.

use std::sync::Arc;
use std::time::Instant;

use axum::Extension;
use axum::extract::{Query, State};
use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use serde::Deserialize;
use server_core::identity::auth::password_checks;
use server_core::identity::throttle::LoginThrottle;
use server_core::kernel::client_addr::ClientAddr;
use server_core::kernel::{AppError, blocking};
use server_core::services::AppState;
use server_core::services::citizen_accounts::{self, SignInRefused};
use server_core::store::now_ms;

use super::form::{AccountPage, Form, Input};
use super::set_session_cookie;
use crate::frame::see_other;
use crate::page_error::PageError;
use crate::tenant::PortalTenant;

/// Where to go after signing in.
#[derive(Debug, Default, Deserialize)]
pub struct Next {
    /// A path of the tenant's portal.
    #[serde(default)]
    weiter: Option<String>,
}

/// `next` if it is a path of `tenant`'s portal (never another site or surface), else the
/// citizen's timeline.
fn destination(tenant: &PortalTenant, next: &str) -> String {
    let base = tenant.base();
    let own = next
        .strip_prefix(&base)
        .is_some_and(|rest| rest.starts_with('/') && !rest.starts_with("//"))
        && !next.contains('\\')
        && !next.chars().any(char::is_control);
    if own {
        next.to_string()
    } else {
        format!("{base}/mein-rathaus")
    }
}

/// The sign-in page for `tenant`, going on to `next`.
pub(super) fn form_page(
    tenant: &PortalTenant,
    email: &str,
    next: &str,
    error: Option<String>,
) -> AccountPage {
    let t = tenant.t();
    let mut form = Form::new(
        format!("{}/konto/anmelden", tenant.base()),
        t.account_sign_in,
        vec![
            Input::new(t.account_email, "email", "email", "email")
                .value(email)
                .error(error),
            Input::new(
                t.account_password,
                "password",
                "password",
                "current-password",
            ),
        ],
    );
    if !next.is_empty() {
        form.action = format!("{}?weiter={}", form.action, urlencoded(next));
    }
    let mut page = AccountPage::new(tenant, t.account_sign_in, vec![form]);
    page.links = vec![
        (
            format!("{}/konto/registrieren", tenant.base()),
            format!("{} {}", t.account_no_account, t.account_register),
        ),
        (
            format!("{}/konto/passwort-vergessen", tenant.base()),
            t.account_forgot.to_string(),
        ),
    ];
    page
}

fn urlencoded(text: &str) -> String {
    serde_urlencoded::to_string([("", text)])
        .map(|pair| pair.trim_start_matches('=').to_string())
        .unwrap_or_default()
}

/// `GET /portal/{tenant}/konto/anmelden`.
pub async fn page(
    State(state): State<AppState>,
    tenant: PortalTenant,
    Query(next): Query<Next>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let next = next.weiter.unwrap_or_default();
    if tenant.citizen.is_some() {
        return Ok(see_other(&destination(&tenant, &next)));
    }
    form_page(&tenant, "", &next, None).answer(
        tenant.lang,
        &headers,
        state.config.backoffice.secure_cookies,
        StatusCode::OK,
    )
}

/// `POST /portal/{tenant}/konto/anmelden`.
pub async fn submit(
    State(state): State<AppState>,
    tenant: PortalTenant,
    ClientAddr(addr): ClientAddr,
    Extension(throttle): Extension<Arc<LoginThrottle>>,
    Query(next): Query<Next>,
    headers: HeaderMap,
    axum::Form(form): axum::Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let lang = tenant.lang;
    let t = tenant.t();
    let secure = state.config.backoffice.secure_cookies;
    let next = next.weiter.unwrap_or_default();
    let email = super::value(&form, "email").trim().to_string();
    let password = super::value(&form, "password").to_string();
    let again = |error: Option<String>, notice: Option<&str>, status| {
        let mut page = form_page(&tenant, &email, &next, error);
        page.notice = notice.map(str::to_string);
        page.answer(lang, &headers, secure, status)
    };
    if !crate::form_guard::genuine(&headers, super::value(&form, "csrf")) {
        return again(None, Some(t.error_form_expired), StatusCode::FORBIDDEN);
    }
    if let Some(left) = throttle.locked(&email, addr, Instant::now()) {
        let mut response = again(None, Some(t.account_locked), StatusCode::TOO_MANY_REQUESTS)?;
        if let Ok(value) = HeaderValue::from_str(&left.as_secs().saturating_add(1).to_string()) {
            response.headers_mut().insert(RETRY_AFTER, value);
        }
        return Ok(response);
    }
    let store = state.store.clone();
    let (tenant_id, attempted) = (tenant.id.clone(), email.clone());
    let slot = password_checks().slot().await;
    let checked = blocking(move || {
        match citizen_accounts::check_sign_in(store.as_ref(), &tenant_id, &attempted, &password)? {
            Ok(account) => {
                let (session_id, _) =
                    citizen_accounts::start_session(store.as_ref(), &account.id, now_ms())?;
                Ok::<_, AppError>(Ok(session_id))
            }
            Err(refused) => Ok(Err(refused)),
        }
    })
    .await
    .map_err(|e| PageError::new(e, lang))?;
    drop(slot);
    match checked {
        Ok(session_id) => {
            throttle.succeeded(&email, addr);
            let mut response = see_other(&destination(&tenant, &next));
            set_session_cookie(&mut response, &tenant.base(), Some(&session_id), secure);
            Ok(response)
        }
        Err(SignInRefused::Unconfirmed) => again(
            Some(t.account_unconfirmed.to_string()),
            None,
            StatusCode::FORBIDDEN,
        ),
        Err(SignInRefused::WrongCredentials) => {
            throttle.failed(&email, addr, Instant::now());
            again(
                Some(t.account_wrong.to_string()),
                None,
                StatusCode::UNAUTHORIZED,
            )
        }
    }
}

/// `POST /portal/{tenant}/konto/abmelden`: ends the session (with the session's own token).
pub async fn sign_out(
    State(state): State<AppState>,
    tenant: PortalTenant,
    axum::Form(form): axum::Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let lang = tenant.lang;
    let secure = state.config.backoffice.secure_cookies;
    let home = format!("{}/", tenant.base());
    let Some(citizen) = &tenant.citizen else {
        return Ok(see_other(&home));
    };
    if !citizen.genuine(super::value(&form, "csrf")) {
        return Err(PageError::new(
            AppError::Forbidden(tenant.t().error_form_expired.into()),
            lang,
        ));
    }
    let store = state.store.clone();
    let session_id = citizen.session_id.clone();
    blocking(move || citizen_accounts::end_session(store.as_ref(), &session_id))
        .await
        .map_err(|e| PageError::new(e, lang))?;
    let mut response = see_other(&home);
    set_session_cookie(&mut response, &tenant.base(), None, secure);
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tenant() -> PortalTenant {
        PortalTenant {
            id: "tgh".into(),
            name: "Tegelhausen".into(),
            look: Default::default(),
            lang: schema::Language::De,
            citizen: None,
        }
    }

    #[test]
    fn only_paths_of_the_own_portal_are_gone_on_to() {
        let t = tenant();
        assert_eq!(
            destination(&t, "/portal/tgh/leistungen/maengelmeldung"),
            "/portal/tgh/leistungen/maengelmeldung"
        );
        for elsewhere in [
            "",
            "https://evil.example/",
            "//evil.example/portal/tgh/",
            "/portal/tgh//evil.example",
            "/portal/tghx/",
            "/portal/other/konto",
            "/backoffice/cases",
            "/portal/tgh/\\evil",
            "/portal/tgh/a\r\nSet-Cookie: x=y",
        ] {
            assert_eq!(
                destination(&t, elsewhere),
                "/portal/tgh/mein-rathaus",
                "{elsewhere}"
            );
        }
    }
}
