//! A new password by a mailed link: asked for with the account's address (the answer is the
//! same whether the address has an account), set on the link's page. Setting it ends every
//! session of the account.

use std::sync::Arc;

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use server_core::identity::auth::password_checks;
use server_core::kernel::blocking;
use server_core::kernel::client_addr::ClientAddr;
use server_core::services::AppState;
use server_core::services::citizen_accounts::{self, Reset};
use server_core::store::now_ms;

use super::form::{AccountLimit, AccountPage, Form, Input};
use super::mails::Mails;
use super::register::problem_text;
use crate::page_error::PageError;
use crate::tenant::PortalTenant;

fn forgot_form(tenant: &PortalTenant, email: &str) -> AccountPage {
    let t = tenant.t();
    let form = Form::new(
        format!("{}/konto/passwort-vergessen", tenant.base()),
        t.account_forgot_send,
        vec![Input::new(t.account_email, "email", "email", "email").value(email)],
    );
    let mut page = AccountPage::new(tenant, t.account_forgot, vec![form]);
    page.intro = Some(t.account_forgot_intro.to_string());
    page
}

/// `GET /portal/{tenant}/konto/passwort-vergessen`.
pub async fn forgot_page(
    State(state): State<AppState>,
    tenant: PortalTenant,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    forgot_form(&tenant, "").answer(
        tenant.lang,
        &headers,
        state.config.backoffice.secure_cookies,
        StatusCode::OK,
    )
}

/// `POST /portal/{tenant}/konto/passwort-vergessen`.
pub async fn forgot(
    State(state): State<AppState>,
    tenant: PortalTenant,
    ClientAddr(addr): ClientAddr,
    Extension(limit): Extension<Arc<AccountLimit>>,
    headers: HeaderMap,
    axum::Form(form): axum::Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let lang = tenant.lang;
    let t = tenant.t();
    let secure = state.config.backoffice.secure_cookies;
    let email = super::value(&form, "email").trim().to_string();
    if !crate::form_guard::genuine(&headers, super::value(&form, "csrf")) {
        let mut page = forgot_form(&tenant, &email);
        page.notice = Some(t.error_form_expired.to_string());
        return page.answer(lang, &headers, secure, StatusCode::FORBIDDEN);
    }
    if limit.0.admit(addr).is_err() {
        let mut page = forgot_form(&tenant, &email);
        page.notice = Some(t.too_many.to_string());
        return page.answer(lang, &headers, secure, StatusCode::TOO_MANY_REQUESTS);
    }
    let mails = Mails {
        lang,
        tenant: tenant.name.clone(),
        base: format!("{}{}", state.config.public_base(), tenant.base()),
    };
    let store = state.store.clone();
    let (tenant_id, address) = (tenant.id.clone(), email.clone());
    blocking(move || {
        citizen_accounts::request_reset(store.as_ref(), &tenant_id, &address, now_ms(), &mails)
    })
    .await
    .map_err(|e| PageError::new(e, lang))?;
    state.mail.wake();
    let mut page = AccountPage::new(&tenant, t.account_forgot, Vec::new());
    page.notice = Some(t.account_forgot_sent.replace("{address}", &email));
    page.answer(lang, &headers, secure, StatusCode::OK)
}

fn reset_form(
    tenant: &PortalTenant,
    secret: &str,
    error: Option<String>,
    repeat_error: Option<String>,
) -> AccountPage {
    let t = tenant.t();
    let form = Form::new(
        format!("{}/konto/neues-passwort/{secret}", tenant.base()),
        t.account_save,
        vec![
            Input::new(t.account_password, "password", "password", "new-password")
                .hint(t.account_password_hint)
                .error(error),
            Input::new(
                t.account_password_repeat,
                "password_repeat",
                "password",
                "new-password",
            )
            .error(repeat_error),
        ],
    );
    AccountPage::new(tenant, t.account_new_password, vec![form])
}

fn link_spent(tenant: &PortalTenant) -> AccountPage {
    let t = tenant.t();
    AccountPage::link_spent(
        tenant,
        t.account_new_password,
        ("/konto/passwort-vergessen", t.account_forgot),
    )
}

/// `GET /portal/{tenant}/konto/neues-passwort/{secret}`: the form, while the link works
/// (looking does not use it up).
pub async fn reset_page(
    State(state): State<AppState>,
    tenant: PortalTenant,
    Path((_, secret)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let lang = tenant.lang;
    let secure = state.config.backoffice.secure_cookies;
    let works = crate::form_guard::well_formed(&secret) && {
        let (store, id, key) = (state.store.clone(), tenant.id.clone(), secret.clone());
        blocking(move || citizen_accounts::reset_link_works(store.as_ref(), &id, &key, now_ms()))
            .await
            .map_err(|e| PageError::new(e, lang))?
    };
    if !works {
        return link_spent(&tenant).answer(lang, &headers, secure, StatusCode::GONE);
    }
    reset_form(&tenant, &secret, None, None).answer(lang, &headers, secure, StatusCode::OK)
}

/// `POST /portal/{tenant}/konto/neues-passwort/{secret}`.
pub async fn reset(
    State(state): State<AppState>,
    tenant: PortalTenant,
    Path((_, secret)): Path<(String, String)>,
    headers: HeaderMap,
    axum::Form(form): axum::Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let lang = tenant.lang;
    let t = tenant.t();
    let secure = state.config.backoffice.secure_cookies;
    if !crate::form_guard::well_formed(&secret) {
        return link_spent(&tenant).answer(lang, &headers, secure, StatusCode::GONE);
    }
    if !crate::form_guard::genuine(&headers, super::value(&form, "csrf")) {
        let mut page = reset_form(&tenant, &secret, None, None);
        page.notice = Some(t.error_form_expired.to_string());
        return page.answer(lang, &headers, secure, StatusCode::FORBIDDEN);
    }
    let password = super::value(&form, "password").to_string();
    if password != super::value(&form, "password_repeat") {
        let page = reset_form(
            &tenant,
            &secret,
            None,
            Some(t.account_error_repeat.to_string()),
        );
        return page.answer(lang, &headers, secure, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let store = state.store.clone();
    let cost = state.config.password_cost;
    let (id, key) = (tenant.id.clone(), secret.clone());
    let _slot = password_checks().slot().await;
    let reset = blocking(move || {
        citizen_accounts::reset_password(store.as_ref(), &id, &key, &password, cost, now_ms())
    })
    .await
    .map_err(|e| PageError::new(e, lang))?;
    match reset {
        Reset::Done(account) => {
            let mut page = super::sign_in::form_page(&tenant, &account.email, "", None);
            page.notice = Some(t.account_new_password_done.to_string());
            let mut response = page.answer(lang, &headers, secure, StatusCode::OK)?;
            // Whatever session this browser had is over too.
            super::set_session_cookie(&mut response, &tenant.base(), None, secure);
            Ok(response)
        }
        Reset::LinkSpent => link_spent(&tenant).answer(lang, &headers, secure, StatusCode::GONE),
        Reset::Refused(problem) => reset_form(
            &tenant,
            &secret,
            Some(problem_text(problem, t)),
            None,
        )
        .answer(lang, &headers, secure, StatusCode::UNPROCESSABLE_ENTITY),
    }
}
