//! `GET /backoffice/admin/templates` (the tenant's and the bundled templates with their
//! versions) and `POST /backoffice/admin/templates`: a new version uploaded as JSON. It is
//! stored for the admin's tenant only when `schema::Template::from_json` accepts it and its
//! version is higher than every stored version of the same id; otherwise the form comes back
//! with every problem and its JSON path. Stored versions are never replaced, so every case
//! keeps the version it was made with.

use std::collections::BTreeMap;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use schema::Template;
use serde::Deserialize;

use super::views::{TemplateView, TemplatesPage};
use super::{allowed, path};
use crate::audit::{self, Action};
use crate::i18n::texts;
use crate::session::{CsrfForm, Session};
use crate::views::{Frame, render, see_other};
use crate::{InPage, PageError};
use server_core::access::OfficeAction;
use server_core::kernel::{AppError, blocking};
use server_core::services::AppState;

use server_core::store::{StoreError, TemplateRow};

/// The list's query string: what the last upload stored.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ListParams {
    saved: String,
}

fn grouped(rows: Vec<TemplateRow>, lang: schema::Language) -> Vec<TemplateView> {
    let mut by_id: BTreeMap<String, TemplateView> = BTreeMap::new();
    // Rows come sorted by id and version, so the last title seen is the newest.
    for row in rows {
        let view = by_id.entry(row.id.clone()).or_insert_with(|| TemplateView {
            id: row.id.clone(),
            title: String::new(),
            category: String::new(),
            versions: Vec::new(),
        });
        view.title = match lang {
            schema::Language::De => row.title_de,
            schema::Language::En => row.title_en,
        };
        view.category = row.category;
        view.versions.push((row.version, row.tenant.is_none()));
    }
    by_id.into_values().collect()
}

async fn show(
    state: &AppState,
    session: &Session,
    json: String,
    problems: Vec<(String, String)>,
    saved: Option<String>,
) -> Result<Response, AppError> {
    let store = state.store.clone();
    let tenant = session.staff.tenant.clone();
    let rows = blocking(move || {
        store.read(|tx| server_core::store::templates::of_tenant(tx, &tenant, None))
    })
    .await?;
    let frame = Frame::signed_in(session, texts(session.lang).templates_title);
    let refused = !problems.is_empty();
    let page = render(&TemplatesPage {
        csrf: session.csrf_token.clone(),
        templates: grouped(rows, session.lang),
        json,
        problems,
        saved,
        page: frame,
    })?;
    Ok(if refused {
        (StatusCode::UNPROCESSABLE_ENTITY, page).into_response()
    } else {
        page
    })
}

/// `GET /backoffice/admin/templates`.
pub async fn page(
    State(state): State<AppState>,
    session: Session,
    params: Result<Query<ListParams>, QueryRejection>,
) -> Result<Response, PageError> {
    let lang = session.lang;
    async {
        allowed(&session, OfficeAction::ManageTemplates)?;
        let saved = params
            .ok()
            .map(|Query(p)| p.saved.trim().to_string())
            .filter(|s| !s.is_empty());
        show(&state, &session, String::new(), Vec::new(), saved).await
    }
    .await
    .map_err(|e: AppError| e.in_page(lang))
}

/// The upload form.
#[derive(Debug, Deserialize)]
pub struct UploadForm {
    #[serde(default)]
    json: String,
}

/// Why `json` cannot be stored for `tenant` next to the `stored` templates:
/// `(JSON path, reason)`; empty when it can.
fn problems(
    template: &Result<Template, schema::TemplateError>,
    tenant: &str,
    stored: &[TemplateRow],
    lang: schema::Language,
) -> Vec<(String, String)> {
    let t = texts(lang);
    let template = match template {
        Ok(template) => template,
        Err(e) => {
            return e
                .problems
                .iter()
                .map(|p| (p.path.clone(), p.reason.clone()))
                .collect();
        }
    };
    let mut out = Vec::new();
    if template.tenant.as_deref().is_some_and(|own| own != tenant) {
        out.push(("$.tenant".into(), t.template_other_tenant.into()));
    }
    let current = stored
        .iter()
        .filter(|row| row.id == template.id)
        .map(|row| row.version)
        .max();
    if let Some(current) = current
        && template.version <= current
    {
        out.push((
            "$.version".into(),
            format!("{} ({current})", t.template_not_newer),
        ));
    }
    out
}

/// `POST /backoffice/admin/templates`.
pub async fn upload(
    State(state): State<AppState>,
    CsrfForm { session, form }: CsrfForm<UploadForm>,
) -> Result<Response, PageError> {
    let lang = session.lang;
    async {
        allowed(&session, OfficeAction::ManageTemplates)?;
        let json = form.json.replace("\r\n", "\n");
        let parsed = Template::from_json(&json);
        let store = state.store.clone();
        let tenant = session.staff.tenant.clone();
        let stored = blocking(move || {
            store.read(|tx| server_core::store::templates::of_tenant(tx, &tenant, None))
        })
        .await?;
        let found = problems(&parsed, &session.staff.tenant, &stored, lang);
        let template = match parsed {
            Ok(template) if found.is_empty() => template,
            _ => return show(&state, &session, json, found, None).await,
        };
        let row = TemplateRow {
            tenant: Some(session.staff.tenant.clone()),
            id: template.id.clone(),
            version: template.version,
            category: template.category.clone(),
            title_de: template.title.de.clone(),
            title_en: template.title.en.clone(),
            audience: template.audience,
            json: json.clone(),
        };
        let store = state.store.clone();
        // The check above read the versions in another transaction: an upload of the same
        // version that was stored meanwhile is caught here.
        let published = blocking(move || {
            Ok::<_, AppError>(store.write(|tx| server_core::store::templates::publish(tx, &row)))
        })
        .await?;
        if let Err(StoreError::TemplateNotNewer { current, .. }) = published {
            let found = vec![(
                "$.version".into(),
                format!("{} ({current})", texts(lang).template_not_newer),
            )];
            return show(&state, &session, json, found, None).await;
        }
        published?;
        let saved = format!("{} v{}", template.id, template.version);
        audit::record(
            &state,
            &session.staff,
            Action::UploadTemplate,
            None,
            saved.clone(),
        )
        .await?;
        let query = serde_urlencoded::to_string([("saved", saved)]).unwrap_or_default();
        Ok(see_other(&format!("{}?{query}", path("templates"))))
    }
    .await
    .map_err(|e: AppError| e.in_page(lang))
}
