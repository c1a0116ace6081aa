//! `GET /backoffice/audit?user=&case=&page=`: the tenant's append-only audit log, newest
//! first, in pages, filtered by user and case. For admins and coordinators
//! ([`OfficeAction::ReadAuditLog`]). Each opening is itself logged, with its filters.

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::response::Response;
use schema::CaseId;
use serde::Deserialize;

use super::audit::{self, Action};
use super::i18n::texts;
use super::load::denied;
use super::session::Session;
use super::views::{Frame, render};
use crate::{InPage, PageError};
use server_core::access::{self, OfficeAction};
use server_core::kernel::{AppError, blocking};
use server_core::services::AppState;
use texts::time::instant_ms;

use server_core::store::AuditQuery;

/// Entries per page.
const PAGE_SIZE: usize = 50;

/// The query string; all optional text.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AuditParams {
    user: String,
    case: String,
    page: String,
}

/// One entry on the page.
#[derive(Debug)]
pub struct EntryView {
    /// When.
    pub at: String,
    /// Who.
    pub user: String,
    /// What, as stored (`delete_user`).
    pub action: String,
    /// What, in the page's language.
    pub action_label: String,
    /// The case, if any.
    pub case_id: Option<String>,
    /// Details.
    pub detail: String,
}

/// The audit log page.
#[derive(Template)]
#[template(path = "backoffice/audit.html")]
pub struct AuditLogPage {
    /// Frame.
    pub page: Frame,
    /// The user filter as typed.
    pub user: String,
    /// The case filter as typed.
    pub case: String,
    /// Matching entries.
    pub total: u64,
    /// The noun after the count.
    pub total_noun: &'static str,
    /// This page's entries, newest first.
    pub entries: Vec<EntryView>,
    /// Current page, from 1.
    pub page_number: usize,
    /// Pages.
    pub pages: usize,
    /// Link to newer entries.
    pub previous: Option<String>,
    /// Link to older entries.
    pub next: Option<String>,
}

/// `GET /backoffice/audit`.
pub async fn page(
    State(state): State<AppState>,
    session: Session,
    params: Result<Query<AuditParams>, QueryRejection>,
) -> Result<Response, PageError> {
    let lang = session.lang;
    let params = params.map(|Query(p)| p).unwrap_or_default();
    show(&state, &session, params)
        .await
        .map_err(|e| e.in_page(lang))
}

async fn show(
    state: &AppState,
    session: &Session,
    params: AuditParams,
) -> Result<Response, AppError> {
    access::check_office(&session.staff, OfficeAction::ReadAuditLog)
        .map_err(|d| denied(session, d))?;
    let lang = session.lang;
    let user = params.user.trim().to_string();
    let case_text = params.case.trim().to_string();
    let case = match case_text.as_str() {
        "" => None,
        text => Some(
            text.parse::<CaseId>()
                .map_err(|_| AppError::BadRequest(texts(lang).error_case_filter.into()))?,
        ),
    };
    let page_number = params.page.trim().parse::<usize>().unwrap_or(1).max(1);
    let query = AuditQuery {
        tenant: session.staff.tenant.clone(),
        username: (!user.is_empty()).then(|| user.clone()),
        case,
        offset: (page_number - 1).saturating_mul(PAGE_SIZE),
        limit: PAGE_SIZE,
    };
    let store = state.store.clone();
    let found =
        blocking(move || store.read(|tx| server_core::store::audit::query(tx, &query))).await?;
    // Written after the query, so a page never lists its own opening.
    let filters = [("user", user.as_str()), ("case", case_text.as_str())]
        .into_iter()
        .filter(|(_, value)| !value.is_empty())
        .map(|(name, value)| format!("{name}={value}"))
        .chain(std::iter::once(format!("page={page_number}")))
        .collect::<Vec<_>>()
        .join(" ");
    audit::record(state, &session.staff, Action::ViewAuditLog, None, filters).await?;
    let pages = usize::try_from(found.total)
        .unwrap_or(usize::MAX)
        .div_ceil(PAGE_SIZE)
        .max(1);
    let href = |n: usize| {
        let query = serde_urlencoded::to_string([
            ("user", user.as_str()),
            ("case", case_text.as_str()),
            ("page", &n.to_string()),
        ])
        .unwrap_or_default();
        format!("{}/audit?{query}", super::BASE)
    };
    render(&AuditLogPage {
        page: Frame::signed_in(session, texts(lang).audit_title),
        total: found.total,
        total_noun: texts(lang).entries.pick(found.total),
        entries: found
            .entries
            .into_iter()
            .map(|e| EntryView {
                at: instant_ms(e.at_ms, lang),
                user: e.username,
                action_label: texts(lang).action_str(&e.action).to_string(),
                action: e.action,
                case_id: e.case_id.map(|id| id.to_string()),
                detail: e.detail,
            })
            .collect(),
        page_number,
        pages,
        previous: (page_number > 1).then(|| href(page_number - 1)),
        next: (page_number < pages).then(|| href(page_number + 1)),
        user,
        case: case_text,
    })
}
