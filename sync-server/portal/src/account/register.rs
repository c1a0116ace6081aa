//! Registering: an e-mail address and a password; the account works once the address is
//! confirmed by the mailed link. Whether the address had an account already is not told
//! here (its owner is told by mail).

use std::sync::Arc;

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use server_core::identity::auth::password_checks;
use server_core::kernel::blocking;
use server_core::kernel::client_addr::ClientAddr;
use server_core::services::AppState;
use server_core::services::citizen_accounts::{self, AccountProblem, Confirmed, Registration};
use server_core::store::now_ms;

use super::form::{AccountLimit, AccountPage, Form, Input};
use super::mails::Mails;
use crate::frame::see_other;
use crate::i18n::Texts;
use crate::page_error::PageError;
use crate::tenant::PortalTenant;

/// The words of a problem.
pub(super) fn problem_text(problem: AccountProblem, t: &Texts) -> String {
    match problem {
        AccountProblem::NotAnAddress => t.account_error_email,
        AccountProblem::PasswordTooShort => t.account_error_short,
        AccountProblem::PasswordTooLong => t.account_error_long,
    }
    .to_string()
}

fn form_page(
    tenant: &PortalTenant,
    email: &str,
    email_error: Option<String>,
    password_error: Option<String>,
    repeat_error: Option<String>,
) -> AccountPage {
    let t = tenant.t();
    let form = Form::new(
        format!("{}/konto/registrieren", tenant.base()),
        t.account_register,
        vec![
            Input::new(t.account_email, "email", "email", "email")
                .value(email)
                .error(email_error),
            Input::new(t.account_password, "password", "password", "new-password")
                .hint(t.account_password_hint)
                .error(password_error),
            Input::new(
                t.account_password_repeat,
                "password_repeat",
                "password",
                "new-password",
            )
            .error(repeat_error),
        ],
    );
    let mut page = AccountPage::new(tenant, t.account_register, vec![form]);
    page.intro = Some(t.account_register_intro.to_string());
    page.links = vec![(
        format!("{}/konto/anmelden", tenant.base()),
        t.account_sign_in.to_string(),
    )];
    page
}

/// `GET /portal/{tenant}/konto/registrieren`.
pub async fn page(
    State(state): State<AppState>,
    tenant: PortalTenant,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    if tenant.citizen.is_some() {
        return Ok(see_other(&format!("{}/mein-rathaus", tenant.base())));
    }
    form_page(&tenant, "", None, None, None).answer(
        tenant.lang,
        &headers,
        state.config.backoffice.secure_cookies,
        StatusCode::OK,
    )
}

/// `POST /portal/{tenant}/konto/registrieren`.
pub async fn submit(
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
    let sent = |name: &str| super::value(&form, name);
    let email = sent("email").trim().to_string();
    let password = sent("password").to_string();
    if !crate::form_guard::genuine(&headers, sent("csrf")) {
        let mut page = form_page(&tenant, &email, None, None, None);
        page.notice = Some(t.error_form_expired.to_string());
        return page.answer(lang, &headers, secure, StatusCode::FORBIDDEN);
    }
    if password != sent("password_repeat") {
        let page = form_page(
            &tenant,
            &email,
            None,
            None,
            Some(t.account_error_repeat.to_string()),
        );
        return page.answer(lang, &headers, secure, StatusCode::UNPROCESSABLE_ENTITY);
    }
    if let Err(wait) = limit.0.admit(addr) {
        let mut page = form_page(&tenant, &email, None, None, None);
        page.notice = Some(t.too_many.to_string());
        tracing::info!(
            "registration refused for {addr}: limit, {}s left",
            wait.as_secs()
        );
        return page.answer(lang, &headers, secure, StatusCode::TOO_MANY_REQUESTS);
    }
    let registration = Registration {
        tenant: tenant.id.clone(),
        email: email.clone(),
        password,
        language: super::language_code(lang).to_string(),
        now: now_ms(),
    };
    let mails = Mails {
        lang,
        tenant: tenant.name.clone(),
        base: format!("{}{}", state.config.public_base(), tenant.base()),
    };
    let store = state.store.clone();
    let cost = state.config.password_cost;
    let _slot = password_checks().slot().await;
    let registered =
        blocking(move || citizen_accounts::register(store.as_ref(), &registration, cost, &mails))
            .await
            .map_err(|e| PageError::new(e, lang))?;
    match registered {
        Ok(()) => {
            state.mail.wake();
            let mut page = AccountPage::new(&tenant, t.account_register, Vec::new());
            page.notice = Some(t.account_register_sent.replace("{address}", &email));
            page.answer(lang, &headers, secure, StatusCode::OK)
        }
        Err(problem) => {
            let (email_error, password_error) = match problem {
                AccountProblem::NotAnAddress => (Some(problem_text(problem, t)), None),
                _ => (None, Some(problem_text(problem, t))),
            };
            form_page(&tenant, &email, email_error, password_error, None).answer(
                lang,
                &headers,
                secure,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
    }
}

fn confirm_form(tenant: &PortalTenant, secret: &str, error: Option<String>) -> AccountPage {
    let t = tenant.t();
    let form = Form::new(
        format!("{}/konto/bestaetigen/{secret}", tenant.base()),
        t.account_confirm,
        vec![
            Input::new(
                t.account_password,
                "password",
                "password",
                "current-password",
            )
            .error(error),
        ],
    );
    let mut page = AccountPage::new(tenant, t.account_confirm, vec![form]);
    page.intro = Some(t.account_confirm_intro.to_string());
    page
}

fn link_spent(tenant: &PortalTenant) -> AccountPage {
    let t = tenant.t();
    AccountPage::link_spent(
        tenant,
        t.account_confirm,
        ("/konto/anmelden", t.account_sign_in),
    )
}

/// `GET /portal/{tenant}/konto/bestaetigen/{secret}`: the mailed link asks for the
/// account's password. Opening it confirms nothing — a mail scanner that opens it gains
/// nothing, and an account somebody else registered with another's address stays
/// unconfirmed.
pub async fn confirm(
    State(state): State<AppState>,
    tenant: PortalTenant,
    Path((_, secret)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let lang = tenant.lang;
    let secure = state.config.backoffice.secure_cookies;
    let works = crate::form_guard::well_formed(&secret) && {
        let (store, id, key) = (state.store.clone(), tenant.id.clone(), secret.clone());
        blocking(move || citizen_accounts::confirm_link_works(store.as_ref(), &id, &key, now_ms()))
            .await
            .map_err(|e| PageError::new(e, lang))?
    };
    if !works {
        return link_spent(&tenant).answer(lang, &headers, secure, StatusCode::GONE);
    }
    confirm_form(&tenant, &secret, None).answer(lang, &headers, secure, StatusCode::OK)
}

/// `POST /portal/{tenant}/konto/bestaetigen/{secret}`: with the account's password the
/// address is confirmed and the citizen signed in.
pub async fn confirm_with_password(
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
        let mut page = confirm_form(&tenant, &secret, None);
        page.notice = Some(t.error_form_expired.to_string());
        return page.answer(lang, &headers, secure, StatusCode::FORBIDDEN);
    }
    let password = super::value(&form, "password").to_string();
    let (store, id, key) = (state.store.clone(), tenant.id.clone(), secret.clone());
    let _slot = password_checks().slot().await;
    let confirmed = blocking(move || {
        let confirmed = citizen_accounts::confirm(store.as_ref(), &id, &key, &password, now_ms())?;
        let session = match &confirmed {
            Confirmed::Done(account) => {
                Some(citizen_accounts::start_session(store.as_ref(), &account.id, now_ms())?.0)
            }
            _ => None,
        };
        Ok::<_, server_core::kernel::AppError>((confirmed, session))
    })
    .await
    .map_err(|e| PageError::new(e, lang))?;
    match confirmed {
        (Confirmed::Done(_), Some(session)) => {
            let mut response = see_other(&format!("{}/mein-rathaus", tenant.base()));
            super::set_session_cookie(&mut response, &tenant.base(), Some(&session), secure);
            Ok(response)
        }
        (Confirmed::WrongPassword, _) => confirm_form(
            &tenant,
            &secret,
            Some(t.account_wrong_password.to_string()),
        )
        .answer(lang, &headers, secure, StatusCode::UNAUTHORIZED),
        _ => link_spent(&tenant).answer(lang, &headers, secure, StatusCode::GONE),
    }
}
