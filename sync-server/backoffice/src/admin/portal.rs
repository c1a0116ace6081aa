//! `GET /backoffice/admin/portal`: how the tenant's Bürgerportal looks and what it offers,
//! set by an admin — the accent colour (refused below WCAG's 4.5 : 1 against white), the
//! imprint and privacy links and the contact (`POST …/portal/look`), the coat of arms or
//! logo (`POST …/portal/logo`, a file made fit by `services::portal_look::logo_png`: judged
//! by its bytes, scaled, stored as PNG), and which services are offered with the everyday
//! words citizens find them by (`POST …/portal/services`). Every change is audited.

use std::collections::{BTreeMap, BTreeSet};

use axum::extract::rejection::QueryRejection;
use axum::extract::{FromRequest, Multipart, Query, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use server_core::access::OfficeAction;
use server_core::kernel::{AppError, blocking};
use server_core::services::AppState;
use server_core::services::portal_look::{self, LinkKind, LogoProblem, LookProblem};
use server_core::store::portal_looks::{self, PortalLook};
use server_core::store::{offered_services, templates};

use super::views::{PortalPage, ServiceSetting};
use super::{allowed, path};
use crate::audit::{self, Action};
use crate::i18n::{Texts, texts};
use crate::session::{CsrfForm, Session, tokens_match};
use crate::views::{Frame, render, see_other};
use crate::{InPage, PageError};

/// The page's query string: what the last change saved.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Saved {
    saved: String,
}

/// What the page is shown with besides the stored settings.
#[derive(Debug, Default)]
struct Shown {
    look: Option<PortalLook>,
    look_problems: Vec<String>,
    logo_problem: Option<String>,
    saved: Option<String>,
}

async fn show(state: &AppState, session: &Session, shown: Shown) -> Result<Response, AppError> {
    let store = state.store.clone();
    let tenant = session.staff.tenant.clone();
    let (look, services, enabled, words) = blocking(move || {
        store.read(|tx| {
            Ok((
                portal_looks::get(tx, &tenant)?,
                templates::of_tenant(tx, &tenant, Some(schema::Audience::Citizen))?,
                offered_services::enabled(tx, &tenant)?,
                offered_services::synonyms(tx, &tenant)?,
            ))
        })
    })
    .await?;
    let lang = session.lang;
    let enabled: BTreeSet<String> = enabled.into_iter().collect();
    // Rows come by id and version: the last title of an id is the newest's.
    let mut by_id: BTreeMap<String, String> = BTreeMap::new();
    for row in services {
        let title = match lang {
            schema::Language::De => row.title_de,
            schema::Language::En => row.title_en,
        };
        by_id.insert(row.id, title);
    }
    let services = by_id
        .into_iter()
        .map(|(id, title)| ServiceSetting {
            offered: enabled.contains(&id),
            words: words.get(&id).map(|w| w.join(", ")).unwrap_or_default(),
            id,
            title,
        })
        .collect();
    let refused = !shown.look_problems.is_empty() || shown.logo_problem.is_some();
    let page = render(&PortalPage {
        page: Frame::signed_in(session, texts(lang).portal_settings_title),
        csrf: session.csrf_token.clone(),
        tenant: session.staff.tenant.clone(),
        has_logo: look.logo_alt.is_some(),
        look: shown.look.unwrap_or(look),
        look_problems: shown.look_problems,
        logo_problem: shown.logo_problem,
        services,
        saved: shown.saved,
    })?;
    Ok(if refused {
        (StatusCode::UNPROCESSABLE_ENTITY, page).into_response()
    } else {
        page
    })
}

/// `GET /backoffice/admin/portal`.
pub async fn page(
    State(state): State<AppState>,
    session: Session,
    params: Result<Query<Saved>, QueryRejection>,
) -> Result<Response, PageError> {
    let lang = session.lang;
    async {
        allowed(&session, OfficeAction::ManagePortal)?;
        let t = texts(lang);
        let saved = params.ok().and_then(|Query(p)| match p.saved.as_str() {
            "look" => Some(t.portal_saved_look.to_string()),
            "logo" => Some(t.portal_saved_logo.to_string()),
            "services" => Some(t.portal_saved_services.to_string()),
            _ => None,
        });
        show(
            &state,
            &session,
            Shown {
                saved,
                ..Shown::default()
            },
        )
        .await
    }
    .await
    .map_err(|e: AppError| e.in_page(lang))
}

/// The look form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LookForm {
    accent: String,
    imprint_url: String,
    privacy_url: String,
    contact_email: String,
    contact_phone: String,
}

fn given(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}

/// A problem of the look in the page's words.
fn look_problem(problem: &LookProblem, t: &Texts) -> String {
    match problem {
        LookProblem::NotAColour(colour) => t.portal_error_colour.replace("{colour}", colour),
        LookProblem::TooLittleContrast { colour, ratio } => {
            t.portal_error_contrast.replace("{colour}", colour).replace(
                "{ratio}",
                &texts::number::decimal((ratio * 100.0).round() / 100.0, t.lang),
            )
        }
        LookProblem::NotALink { kind, url } => t
            .portal_error_link
            .replace(
                "{link}",
                match kind {
                    LinkKind::Imprint => t.portal_imprint,
                    LinkKind::Privacy => t.portal_privacy,
                },
            )
            .replace("{url}", url),
        LookProblem::NotAnAddress(address) => t.portal_error_email.replace("{address}", address),
        LookProblem::NotAPhone(phone) => t.portal_error_phone.replace("{phone}", phone),
    }
}

/// `POST /backoffice/admin/portal/look`.
pub async fn save_look(
    State(state): State<AppState>,
    CsrfForm { session, form }: CsrfForm<LookForm>,
) -> Result<Response, PageError> {
    let lang = session.lang;
    async {
        allowed(&session, OfficeAction::ManagePortal)?;
        let look = PortalLook {
            accent: given(&form.accent).map(|a| a.to_ascii_lowercase()),
            imprint_url: given(&form.imprint_url),
            privacy_url: given(&form.privacy_url),
            contact_email: given(&form.contact_email),
            contact_phone: given(&form.contact_phone),
            logo_alt: None,
        };
        let problems = portal_look::problems(&look);
        if !problems.is_empty() {
            let t = texts(lang);
            let shown = Shown {
                look_problems: problems.iter().map(|p| look_problem(p, t)).collect(),
                look: Some(look),
                ..Shown::default()
            };
            return show(&state, &session, shown).await;
        }
        let store = state.store.clone();
        let tenant = session.staff.tenant.clone();
        let entry = audit::entry(&session.staff, Action::ChangePortal, None, "look");
        blocking(move || {
            store.write(|tx| {
                portal_looks::set(tx, &tenant, &look)?;
                server_core::store::audit::append(tx, &entry)
            })
        })
        .await?;
        Ok(see_other(&format!("{}?saved=look", path("portal"))))
    }
    .await
    .map_err(|e: AppError| e.in_page(lang))
}

/// The most bytes the logo form may have: the file and a few fields.
const MAX_LOGO_FORM_BYTES: usize = portal_look::MAX_LOGO_BYTES + 64 * 1024;

/// `POST /backoffice/admin/portal/logo` (`multipart/form-data`: `csrf`, `logo` — the file —,
/// `alt`, and `remove` to take the logo away).
pub async fn save_logo(
    State(state): State<AppState>,
    session: Session,
    request: Request,
) -> Result<Response, PageError> {
    let lang = session.lang;
    async {
        allowed(&session, OfficeAction::ManagePortal)?;
        let t = texts(lang);
        let mut parts = Multipart::from_request(request, &())
            .await
            .map_err(|e| AppError::BadRequest(e.body_text()))?;
        let (mut csrf, mut alt, mut remove, mut file) = (String::new(), String::new(), false, None);
        let mut size = 0usize;
        while let Some(part) = parts
            .next_field()
            .await
            .map_err(|e| AppError::BadRequest(e.body_text()))?
        {
            let name = part.name().unwrap_or_default().to_string();
            let bytes = part
                .bytes()
                .await
                .map_err(|e| AppError::BadRequest(e.body_text()))?;
            size = size.saturating_add(bytes.len());
            if size > MAX_LOGO_FORM_BYTES {
                return Err(AppError::PayloadTooLarge(t.portal_error_logo_large.into()));
            }
            match name.as_str() {
                "csrf" => csrf = String::from_utf8_lossy(&bytes).into_owned(),
                "alt" => alt = String::from_utf8_lossy(&bytes).trim().to_string(),
                "remove" => remove = true,
                "logo" if !bytes.is_empty() => file = Some(bytes),
                _ => {}
            }
        }
        if !tokens_match(&session.csrf_token, &csrf) {
            return Err(AppError::Forbidden(t.error_csrf.into()));
        }
        let tenant = session.staff.tenant.clone();
        let logo = if remove {
            None
        } else {
            let Some(file) = file else {
                let shown = Shown {
                    logo_problem: Some(t.portal_error_logo_missing.into()),
                    ..Shown::default()
                };
                return show(&state, &session, shown).await;
            };
            let made = blocking(move || Ok::<_, AppError>(portal_look::logo_png(&file))).await?;
            match made {
                Ok(png) => Some(png),
                Err(problem) => {
                    let message = match problem {
                        LogoProblem::NotAnImage => t.portal_error_logo_kind,
                        LogoProblem::TooLarge => t.portal_error_logo_large,
                        LogoProblem::Unreadable(_) => t.portal_error_logo_unreadable,
                    };
                    let shown = Shown {
                        logo_problem: Some(message.into()),
                        ..Shown::default()
                    };
                    return show(&state, &session, shown).await;
                }
            }
        };
        let alt = if alt.is_empty() {
            t.portal_logo_alt_default.to_string()
        } else {
            alt.chars().take(200).collect()
        };
        let store = state.store.clone();
        let detail = if logo.is_some() {
            "logo"
        } else {
            "logo removed"
        };
        let entry = audit::entry(&session.staff, Action::ChangePortal, None, detail);
        blocking(move || {
            store.write(|tx| {
                portal_looks::set_logo(
                    tx,
                    &tenant,
                    logo.as_deref().map(|png| (png, alt.as_str())),
                )?;
                server_core::store::audit::append(tx, &entry)
            })
        })
        .await?;
        Ok(see_other(&format!("{}?saved=logo", path("portal"))))
    }
    .await
    .map_err(|e: AppError| e.in_page(lang))
}

/// `POST /backoffice/admin/portal/services`: `offered` once per offered service, and
/// `words.{service}` the comma-separated words it is also found by.
pub async fn save_services(
    State(state): State<AppState>,
    CsrfForm { session, form }: CsrfForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let lang = session.lang;
    async {
        allowed(&session, OfficeAction::ManagePortal)?;
        let store = state.store.clone();
        let tenant = session.staff.tenant.clone();
        let offered: BTreeSet<String> = form
            .iter()
            .filter(|(k, _)| k == "offered")
            .map(|(_, v)| v.clone())
            .collect();
        let words: BTreeMap<String, Vec<String>> = form
            .iter()
            .filter_map(|(k, v)| {
                let service = k.strip_prefix("words.")?;
                let words = v
                    .split(',')
                    .map(str::trim)
                    .filter(|w| !w.is_empty())
                    .map(|w| w.chars().take(100).collect())
                    .collect();
                Some((service.to_string(), words))
            })
            .collect();
        let entry = audit::entry(&session.staff, Action::ChangePortal, None, "services");
        blocking(move || {
            store.write(|tx| {
                let installed: BTreeSet<String> =
                    templates::of_tenant(&tx.reading(), &tenant, Some(schema::Audience::Citizen))?
                        .into_iter()
                        .map(|row| row.id)
                        .collect();
                let enabled: BTreeSet<String> = offered_services::enabled(&tx.reading(), &tenant)?
                    .into_iter()
                    .collect();
                let current = offered_services::synonyms(&tx.reading(), &tenant)?;
                for service in &installed {
                    match (offered.contains(service), enabled.contains(service)) {
                        (true, false) => offered_services::enable(tx, &tenant, service)?,
                        (false, true) => offered_services::disable(tx, &tenant, service)?,
                        _ => {}
                    }
                    let Some(wanted) = words.get(service) else {
                        continue;
                    };
                    let had = current.get(service).cloned().unwrap_or_default();
                    for word in had.iter().filter(|w| !wanted.contains(w)) {
                        offered_services::remove_synonym(tx, &tenant, service, word)?;
                    }
                    for word in wanted.iter().filter(|w| !had.contains(w)) {
                        offered_services::add_synonym(tx, &tenant, service, word)?;
                    }
                }
                server_core::store::audit::append(tx, &entry)
            })
        })
        .await?;
        Ok(see_other(&format!("{}?saved=services", path("portal"))))
    }
    .await
    .map_err(|e: AppError| e.in_page(lang))
}
