//! The citizen's details (name, organisation, address, phone), which fill the services'
//! forms, and deleting the account. Only for a signed-in citizen; the forms carry the
//! session's own token.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use server_core::identity::auth::password_checks;
use server_core::kernel::{AppError, blocking};
use server_core::services::AppState;
use server_core::services::citizen_accounts;
use server_core::store::citizen_accounts::Profile;

use super::SignedIn;
use super::form::{AccountPage, Form, Input};
use crate::frame::see_other;
use crate::page_error::PageError;
use crate::tenant::PortalTenant;

/// The way to the sign-in page, coming back to `path` afterwards.
pub(crate) fn sign_in_first(tenant: &PortalTenant, path: &str) -> Response {
    see_other(&format!(
        "{}/konto/anmelden?weiter={}",
        tenant.base(),
        serde_urlencoded::to_string([("", path)])
            .map(|p| p.trim_start_matches('=').to_string())
            .unwrap_or_default()
    ))
}

fn profile_page(
    tenant: &PortalTenant,
    citizen: &SignedIn,
    delete_error: Option<String>,
) -> AccountPage {
    let t = tenant.t();
    let p = &citizen.account.profile;
    let mut details = Form::new(
        format!("{}/konto", tenant.base()),
        t.account_save,
        vec![
            Input::new(t.account_name, "name", "text", "name").value(&p.name),
            Input::new(
                t.account_organisation,
                "organisation",
                "text",
                "organization",
            )
            .value(&p.organisation),
            Input::new(t.account_street, "street", "text", "address-line1").value(&p.street),
            Input::new(
                t.account_house_number,
                "house_number",
                "text",
                "address-line2",
            )
            .value(&p.house_number),
            Input::new(t.account_postal_code, "postal_code", "text", "postal-code")
                .value(&p.postal_code),
            Input::new(t.account_city, "city", "text", "address-level2").value(&p.city),
            Input::new(t.account_phone, "phone", "tel", "tel").value(&p.phone),
        ],
    );
    details.csrf.clone_from(&citizen.csrf);
    details.intro = Some(t.account_profile_intro.to_string());
    let mut delete = Form::new(
        format!("{}/konto/loeschen", tenant.base()),
        t.account_delete_confirm,
        vec![
            Input::new(
                t.account_password,
                "delete_password",
                "password",
                "current-password",
            )
            .error(delete_error),
        ],
    );
    delete.csrf.clone_from(&citizen.csrf);
    delete.heading = Some(t.account_delete.to_string());
    delete.intro = Some(t.account_delete_intro.to_string());
    delete.danger = true;
    let mut page = AccountPage::new(tenant, t.account_profile, vec![details, delete]);
    page.links = vec![(
        format!("{}/mein-rathaus", tenant.base()),
        t.account_my_town_hall.to_string(),
    )];
    page
}

/// `GET /portal/{tenant}/konto`.
pub async fn page(
    State(state): State<AppState>,
    tenant: PortalTenant,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let Some(citizen) = &tenant.citizen else {
        return Ok(sign_in_first(&tenant, &format!("{}/konto", tenant.base())));
    };
    profile_page(&tenant, citizen, None).answer(
        tenant.lang,
        &headers,
        state.config.backoffice.secure_cookies,
        StatusCode::OK,
    )
}

/// `POST /portal/{tenant}/konto`: saves the details.
pub async fn save(
    State(state): State<AppState>,
    mut tenant: PortalTenant,
    headers: HeaderMap,
    axum::Form(form): axum::Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let lang = tenant.lang;
    let t = tenant.t();
    let Some(mut citizen) = tenant.citizen.clone() else {
        return Ok(sign_in_first(&tenant, &format!("{}/konto", tenant.base())));
    };
    if !citizen.genuine(super::value(&form, "csrf")) {
        return Err(PageError::new(
            AppError::Forbidden(t.error_form_expired.into()),
            lang,
        ));
    }
    // A field keeps at most what a form's line would hold.
    let field = |name: &str| {
        super::value(&form, name)
            .trim()
            .chars()
            .take(200)
            .collect::<String>()
    };
    let profile = Profile {
        name: field("name"),
        organisation: field("organisation"),
        street: field("street"),
        house_number: field("house_number"),
        postal_code: field("postal_code"),
        city: field("city"),
        phone: field("phone"),
    };
    let store = state.store.clone();
    let (id, saved, language) = (
        citizen.account.id.clone(),
        profile.clone(),
        super::language_code(lang),
    );
    blocking(move || citizen_accounts::save_profile(store.as_ref(), &id, &saved, language))
        .await
        .map_err(|e| PageError::new(e, lang))?;
    citizen.account.profile = profile;
    tenant.citizen = Some(citizen.clone());
    let mut page = profile_page(&tenant, &citizen, None);
    page.notice = Some(t.account_saved.to_string());
    page.answer(
        lang,
        &headers,
        state.config.backoffice.secure_cookies,
        StatusCode::OK,
    )
}

/// `POST /portal/{tenant}/konto/loeschen`: deletes the account, with its password.
pub async fn delete(
    State(state): State<AppState>,
    mut tenant: PortalTenant,
    headers: HeaderMap,
    axum::Form(form): axum::Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let lang = tenant.lang;
    let t = tenant.t();
    let secure = state.config.backoffice.secure_cookies;
    let Some(citizen) = tenant.citizen.clone() else {
        return Ok(sign_in_first(&tenant, &format!("{}/konto", tenant.base())));
    };
    if !citizen.genuine(super::value(&form, "csrf")) {
        return Err(PageError::new(
            AppError::Forbidden(t.error_form_expired.into()),
            lang,
        ));
    }
    let password = super::value(&form, "delete_password").to_string();
    let store = state.store.clone();
    let account = citizen.account.clone();
    let _slot = password_checks().slot().await;
    let deleted =
        blocking(move || citizen_accounts::delete_account(store.as_ref(), &account, &password))
            .await
            .map_err(|e| PageError::new(e, lang))?;
    if !deleted {
        return profile_page(&tenant, &citizen, Some(t.account_delete_wrong.to_string())).answer(
            lang,
            &headers,
            secure,
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    tenant.citizen = None;
    let mut page = AccountPage::new(&tenant, t.account_delete, Vec::new());
    page.notice = Some(t.account_deleted.to_string());
    let mut response = page.answer(lang, &headers, secure, StatusCode::OK)?;
    super::set_session_cookie(&mut response, &tenant.base(), None, secure);
    Ok(response)
}
