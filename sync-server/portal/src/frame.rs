//! What every portal page has around its content (the tenant's name, the language switch, the
//! skip link), rendering, and the error page.

use askama::Template;
use axum::http::StatusCode;
use axum::http::header::LOCATION;
use axum::response::{Html, IntoResponse, Response};
use schema::Language;
use server_core::kernel::AppError;

use crate::i18n::{Texts, texts};
use crate::tenant::PortalTenant;

/// The frame of a page.
#[derive(Debug)]
pub struct Frame {
    /// The page's texts.
    pub t: &'static Texts,
    /// The page's title (also the `<h1>`).
    pub title: String,
    /// The municipality, when the page is one of its portal's.
    pub tenant: Option<String>,
    /// Its portal's start page.
    pub home: Option<String>,
    /// Its stylesheet with its accent colour, when it chose one.
    pub theme: Option<String>,
    /// Its coat of arms or logo: where it is, and what it shows in words.
    pub logo: Option<(String, String)>,
    /// The colour a phone gives the browser's bar.
    pub theme_color: String,
    /// What its footer links to.
    pub footer: Footer,
    /// Who is signed in, with the account's links; `None` before signing in.
    pub account: Option<AccountNav>,
    /// The sign-in page of the tenant's portal, when nobody is signed in.
    pub sign_in: Option<String>,
}

/// The header's links for a signed-in citizen.
#[derive(Debug)]
pub struct AccountNav {
    /// "Signed in as …".
    pub signed_in_as: String,
    /// Mein Rathaus.
    pub town_hall: String,
    /// The profile page.
    pub profile: String,
    /// Where the sign-out form is sent.
    pub sign_out: String,
    /// The session's form token.
    pub csrf: String,
}

/// The tenant's imprint, privacy policy and contact, in every page's footer.
#[derive(Debug, Default)]
pub struct Footer {
    /// The imprint (Impressum).
    pub imprint: Option<String>,
    /// The privacy policy.
    pub privacy: Option<String>,
    /// The contact address.
    pub email: Option<String>,
    /// The contact phone number.
    pub phone: Option<String>,
}

impl Frame {
    /// The frame of a page of `tenant`'s portal.
    pub fn of(tenant: &PortalTenant, title: impl Into<String>) -> Self {
        Self {
            t: tenant.t(),
            title: title.into(),
            tenant: Some(tenant.name.clone()),
            home: Some(format!("{}/", tenant.base())),
            theme: tenant
                .look
                .accent
                .as_ref()
                .map(|_| format!("{}/theme.css", tenant.base())),
            theme_color: tenant
                .look
                .accent
                .clone()
                .unwrap_or_else(|| crate::pwa::DEFAULT_ACCENT.into()),
            logo: tenant
                .look
                .logo_alt
                .as_ref()
                .map(|alt| (format!("{}/logo.png", tenant.base()), alt.clone())),
            footer: Footer {
                imprint: tenant.look.imprint_url.clone(),
                privacy: tenant.look.privacy_url.clone(),
                email: tenant.look.contact_email.clone(),
                phone: tenant.look.contact_phone.clone(),
            },
            account: tenant.citizen.as_ref().map(|citizen| AccountNav {
                signed_in_as: tenant
                    .t()
                    .account_signed_in_as
                    .replace("{name}", citizen.shown_name()),
                town_hall: format!("{}/mein-rathaus", tenant.base()),
                profile: format!("{}/konto", tenant.base()),
                sign_out: format!("{}/konto/abmelden", tenant.base()),
                csrf: citizen.csrf.clone(),
            }),
            sign_in: tenant
                .citizen
                .is_none()
                .then(|| format!("{}/konto/anmelden", tenant.base())),
        }
    }
}

/// Renders `page` as a 200 HTML response.
///
/// # Errors
/// [`AppError::Internal`] when the template fails.
pub fn render(page: &impl Template) -> Result<Response, AppError> {
    render_with(StatusCode::OK, page)
}

/// Renders `page` as an HTML response with `status`.
///
/// # Errors
/// [`AppError::Internal`] when the template fails.
pub fn render_with(status: StatusCode, page: &impl Template) -> Result<Response, AppError> {
    page.render()
        .map(|html| (status, Html(html)).into_response())
        .map_err(|e| AppError::Internal(format!("a portal page failed to render: {e}")))
}

/// A redirect that turns the method into GET (after a form was sent).
pub fn see_other(location: &str) -> Response {
    (StatusCode::SEE_OTHER, [(LOCATION, location.to_string())]).into_response()
}

#[derive(Template)]
#[template(path = "portal/error.html")]
struct ErrorPage {
    page: Frame,
    message: String,
}

/// An error page with `status`.
pub fn error_page(status: StatusCode, message: &str, lang: Language) -> Response {
    let t = texts(lang);
    let title = match status {
        StatusCode::NOT_FOUND => t.error_not_found,
        _ => t.error_title,
    };
    let page = ErrorPage {
        page: Frame {
            t,
            title: title.into(),
            tenant: None,
            home: None,
            theme: None,
            logo: None,
            theme_color: crate::pwa::DEFAULT_ACCENT.into(),
            footer: Footer::default(),
            account: None,
            sign_in: None,
        },
        message: message.to_string(),
    };
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!("the portal's error page failed to render: {e}");
            (status, message.to_string()).into_response()
        }
    }
}
