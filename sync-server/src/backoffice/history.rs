//! `GET /backoffice/cases/{id}/history`: the case's Automerge change history as a timeline.
//!
//! Every change carries its author as the commit message (`ChangeAuthor` JSON) and a time.
//! What a change did is found by hydrating the case at the change's parents (`fork_at` its
//! deps) and at the change itself (`fork_at` its hash) and comparing the two field by field,
//! so a change is described relative to exactly what its author saw, even when it was made
//! offline concurrently with others.

use automerge::{AutoCommit, Change, ChangeHash};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use schema::{ChangeAuthor, InspectionCase, Language, Template};
use serde::Deserialize;

use super::audit::{self, Action};
use super::i18n::Texts;
use super::load::load_case;
use super::session::Session;
use super::views::{DiffLine, Frame, HistoryEntry, HistoryPage, render};
use crate::access::StaffAction;
use crate::backoffice::{InPage, PageError};
use crate::kernel::{AppError, blocking};
use crate::services::AppState;
use texts::answer::{self, position};
use texts::time::instant_ms;

/// Changes per page: each needs two forks and hydrations.
const PAGE_SIZE: usize = 20;

/// The history's query string.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct HistoryParams {
    page: String,
}

/// `GET /backoffice/cases/{id}/history?page=N` (newest changes first).
pub async fn page(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    params: Result<Query<HistoryParams>, QueryRejection>,
) -> Result<Response, PageError> {
    let lang = session.lang;
    let page_number = params
        .ok()
        .and_then(|Query(p)| p.page.trim().parse::<usize>().ok())
        .unwrap_or(1)
        .max(1);
    show(&state, &session, &id, page_number)
        .await
        .map_err(|e| e.in_page(lang))
}

async fn show(
    state: &AppState,
    session: &Session,
    id: &str,
    page_number: usize,
) -> Result<Response, AppError> {
    let loaded = load_case(state, session, id, StaffAction::View).await?;
    let lang = session.lang;
    let frame = Frame::signed_in(session, loaded.case.title.clone());
    let t = frame.t;
    let mut doc = loaded.doc.automerge().clone();
    let template = loaded.template.clone();
    let (total, entries) = blocking(move || -> Result<_, AppError> {
        Ok(timeline(&mut doc, template.as_ref(), page_number, t, lang))
    })
    .await?;
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let href = |n: usize| format!("{}/cases/{}/history?page={n}", super::BASE, loaded.case.id);
    let view = HistoryPage {
        page: frame,
        id: loaded.case.id.to_string(),
        title: loaded.case.title.clone(),
        total_noun: t.changes_total.pick(total as u64),
        total,
        entries,
        page_number,
        pages,
        previous: (page_number > 1).then(|| href(page_number - 1)),
        next: (page_number < pages).then(|| href(page_number + 1)),
    };
    let response = render(&view)?;
    audit::record(
        state,
        &session.staff,
        Action::ViewHistory,
        Some(loaded.row.id),
        format!("page {page_number}"),
    )
    .await?;
    Ok(response)
}

/// The number of changes and the entries of page `page_number` (from 1), newest first.
fn timeline(
    doc: &mut AutoCommit,
    template: Option<&Template>,
    page_number: usize,
    t: &Texts,
    lang: Language,
) -> (usize, Vec<HistoryEntry>) {
    let changes = doc.get_changes(&[]);
    let total = changes.len();
    let entries = changes
        .iter()
        .rev()
        .skip((page_number - 1).saturating_mul(PAGE_SIZE))
        .take(PAGE_SIZE)
        .map(|change| entry(doc, change, template, t, lang))
        .collect();
    (total, entries)
}

/// The case at `heads`; `None` when it cannot be read there (e.g. before the first change).
fn case_at(doc: &mut AutoCommit, heads: &[ChangeHash]) -> Option<InspectionCase> {
    if heads.is_empty() {
        return None;
    }
    let fork = doc.fork_at(heads).ok()?;
    autosurgeon::hydrate(&fork).ok()
}

/// What one change did, as the timeline (and the report's history summary) shows it.
pub(super) fn entry(
    doc: &mut AutoCommit,
    change: &Change,
    template: Option<&Template>,
    t: &Texts,
    lang: Language,
) -> HistoryEntry {
    let author = change.message().and_then(ChangeAuthor::from_message);
    let (who, place) = match &author {
        Some(a) => (
            a.user.clone(),
            a.device.as_ref().map_or_else(
                || t.back_office.to_string(),
                |d| format!("{} {d}", t.device),
            ),
        ),
        None => (t.unknown_author.to_string(), String::new()),
    };
    let before = case_at(doc, change.deps());
    let after = case_at(doc, &[change.hash()]);
    let lines = match (&before, &after) {
        (_, None) => vec![DiffLine {
            what: t.unreadable.into(),
            from: None,
            to: String::new(),
        }],
        (None, Some(_)) => vec![DiffLine {
            what: t.case_created.into(),
            from: None,
            to: String::new(),
        }],
        (Some(before), Some(after)) => diff(before, after, template, t, lang),
    };
    HistoryEntry {
        at: instant_ms(change.timestamp().saturating_mul(1000), lang),
        who,
        place,
        lines,
    }
}

fn line(what: &str, from: String, to: String, empty: &str) -> DiffLine {
    let or_empty = |s: String| if s.is_empty() { empty.to_string() } else { s };
    DiffLine {
        what: what.to_string(),
        from: Some(or_empty(from)),
        to: or_empty(to),
    }
}

/// What differs between two states of a case, as the reviewer reads it.
pub fn diff(
    before: &InspectionCase,
    after: &InspectionCase,
    template: Option<&Template>,
    t: &Texts,
    lang: Language,
) -> Vec<DiffLine> {
    let none = t.not_answered;
    let mut lines = Vec::new();
    if before.status != after.status {
        lines.push(line(
            t.status,
            t.status(before.status).into(),
            t.status(after.status).into(),
            none,
        ));
    }
    if before.title != after.title {
        lines.push(line(
            t.title,
            before.title.clone(),
            after.title.clone(),
            none,
        ));
    }
    if before.assigned_officer != after.assigned_officer {
        lines.push(line(
            t.assignee,
            before.assigned_officer.clone().unwrap_or_default(),
            after.assigned_officer.clone().unwrap_or_default(),
            none,
        ));
    }
    if before.address != after.address {
        let text =
            |c: &InspectionCase| c.address.as_ref().map(|a| a.one_line()).unwrap_or_default();
        lines.push(line(t.address, text(before), text(after), none));
    }
    if before.location != after.location {
        let text = |c: &InspectionCase| {
            c.location
                .as_ref()
                .map(|p| position(p, lang))
                .unwrap_or_default()
        };
        lines.push(line(t.location, text(before), text(after), none));
    }
    // Answers in template order, then keys the template does not name.
    let mut keys: Vec<&String> = before.fields.keys().chain(after.fields.keys()).collect();
    let order = |key: &str| {
        template
            .and_then(|tpl| tpl.fields().position(|f| f.key == key))
            .unwrap_or(usize::MAX)
    };
    keys.sort_by(|a, b| order(a).cmp(&order(b)).then(a.cmp(b)));
    keys.dedup();
    for key in keys {
        let (old, new) = (before.fields.get(key), after.fields.get(key));
        if old == new {
            continue;
        }
        let field = template.and_then(|tpl| tpl.field(key));
        let label = field.map_or_else(|| key.clone(), |f| f.label.get(lang).to_string());
        let text = |v: Option<&schema::FieldValue>| {
            v.map(|v| answer::show(v, field, lang)).unwrap_or_default()
        };
        lines.push(line(&label, text(old), text(new), none));
    }
    for comment in &after.comments {
        if !before.comments.iter().any(|c| c.id == comment.id) {
            lines.push(DiffLine {
                what: t.comment_added.into(),
                from: None,
                to: comment.text.clone(),
            });
        }
    }
    for photo in &after.photos {
        match before.photos.iter().find(|p| p.id == photo.id) {
            None => lines.push(DiffLine {
                what: t.photo_added.into(),
                from: None,
                to: photo.caption.clone(),
            }),
            Some(old) if old.annotations != photo.annotations => lines.push(DiffLine {
                what: t.annotations_changed.into(),
                from: None,
                to: photo.caption.clone(),
            }),
            Some(_) => {}
        }
    }
    for photo in &before.photos {
        if !after.photos.iter().any(|p| p.id == photo.id) {
            lines.push(DiffLine {
                what: t.photo_removed.into(),
                from: None,
                to: photo.caption.clone(),
            });
        }
    }
    lines
}
