//! `GET /backoffice/cases`: the review queue, a filtered, sorted, paged query of the
//! projection (so newly synced reports appear at once).

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::response::Response;
use chrono::{Duration, NaiveDate};
use schema::{Language, Role, Status};
use serde::Deserialize;

use super::i18n::Texts;
use super::session::Session;
use super::views::{CountView, Frame, OptionView, QueuePage, RowView, render};
use crate::{InPage, PageError};
use server_core::access;
use server_core::kernel::{AppError, blocking};
use server_core::services::AppState;
use server_core::services::citizen_requests::CITIZEN_WRITER;
use texts::time::{instant_ms, office_local};

use server_core::store::{CaseQuery, CaseSort, templates};
use server_core::store::{accounts, case_query};

/// Cases per page.
const PAGE_SIZE: usize = 25;

/// The queue's query string. Everything is optional text, so a hand-edited URL with a bad
/// value shows the unfiltered list instead of an error.
#[derive(Debug, Default, Deserialize, Clone)]
#[serde(default)]
pub struct QueueParams {
    status: String,
    template: String,
    officer: String,
    assignee: String,
    from: String,
    to: String,
    q: String,
    sort: String,
    dir: String,
    page: String,
}

fn some(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}

/// The start of a `YYYY-MM-DD` day in the office's time (midnight in Berlin: a case created
/// at 00:30 German time belongs to that day, not the one before), in ms; `days_later` moves
/// it by whole days.
fn day_start_ms(text: &str, days_later: i64) -> Option<i64> {
    let date = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()?;
    let day = date.checked_add_signed(Duration::days(days_later))?;
    let start = office_local(day.and_hms_opt(0, 0, 0)?)?;
    Some(start.timestamp_millis())
}

fn sort_of(text: &str) -> CaseSort {
    match text {
        "created" => CaseSort::Created,
        "title" => CaseSort::Title,
        "status" => CaseSort::Status,
        _ => CaseSort::Updated,
    }
}

impl QueueParams {
    fn page_number(&self) -> usize {
        self.page.trim().parse::<usize>().unwrap_or(1).max(1)
    }

    fn query(&self, session: &Session) -> CaseQuery {
        CaseQuery {
            status: some(&self.status),
            template_id: some(&self.template),
            created_by: some(&self.officer),
            assignee: some(&self.assignee),
            created_from_ms: day_start_ms(&self.from, 0),
            created_before_ms: day_start_ms(&self.to, 1),
            text: some(&self.q),
            sort: sort_of(&self.sort),
            descending: self.dir != "asc",
            offset: (self.page_number() - 1).saturating_mul(PAGE_SIZE),
            ..CaseQuery::all(access::staff_visibility(&session.staff), PAGE_SIZE)
        }
    }

    /// The queue's URL with these parameters (empty ones left out).
    fn href(&self) -> String {
        let pairs: Vec<(&str, &str)> = [
            ("status", &self.status),
            ("template", &self.template),
            ("officer", &self.officer),
            ("assignee", &self.assignee),
            ("from", &self.from),
            ("to", &self.to),
            ("q", &self.q),
            ("sort", &self.sort),
            ("dir", &self.dir),
            ("page", &self.page),
        ]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| (k, v.as_str()))
        .collect();
        let query = serde_urlencoded::to_string(pairs).unwrap_or_default();
        if query.is_empty() {
            format!("{}/cases", super::BASE)
        } else {
            format!("{}/cases?{query}", super::BASE)
        }
    }

    fn with_page(&self, page: usize) -> String {
        Self {
            page: page.to_string(),
            ..self.clone()
        }
        .href()
    }
}

fn options(items: Vec<(String, String)>, selected: &str) -> Vec<OptionView> {
    items
        .into_iter()
        .map(|(value, label)| OptionView {
            selected: value == selected,
            value,
            label,
        })
        .collect()
}

fn sort_options(t: &Texts, params: &QueueParams) -> (Vec<OptionView>, Vec<OptionView>) {
    let sorts = [
        ("updated", t.updated),
        ("created", t.created),
        ("title", t.title),
        ("status", t.status),
    ]
    .into_iter()
    .map(|(v, l)| (v.to_string(), l.to_string()))
    .collect();
    let dir = if params.dir == "asc" { "asc" } else { "desc" };
    let directions = [("desc", t.descending), ("asc", t.ascending)]
        .into_iter()
        .map(|(v, l)| (v.to_string(), l.to_string()))
        .collect();
    let sort = if params.sort.is_empty() {
        "updated"
    } else {
        &params.sort
    };
    (options(sorts, sort), options(directions, dir))
}

/// `GET /backoffice/cases`.
pub async fn page(
    State(state): State<AppState>,
    session: Session,
    params: Result<Query<QueueParams>, QueryRejection>,
) -> Result<Response, PageError> {
    let lang = session.lang;
    show(
        &state,
        &session,
        params.map(|Query(p)| p).unwrap_or_default(),
    )
    .await
    .map_err(|e| e.in_page(lang))
}

async fn show(
    state: &AppState,
    session: &Session,
    params: QueueParams,
) -> Result<Response, AppError> {
    let lang = session.lang;
    let frame = Frame::signed_in(session, "");
    let t = frame.t;
    let query = params.query(session);
    let store = state.store.clone();
    let tenant = session.staff.tenant.clone();
    let (page, templates, users) = blocking(move || -> Result<_, AppError> {
        Ok((
            store.read(|tx| case_query::page(tx, &query))?,
            store.read(|tx| templates::of_tenant(tx, &tenant, None))?,
            store.read(|tx| accounts::tenant_users(tx, &tenant))?,
        ))
    })
    .await?;

    let template_title = |id: &str| {
        templates.iter().find(|tpl| tpl.id == id).map_or_else(
            || id.to_string(),
            |tpl| localized(lang, &tpl.title_de, &tpl.title_en),
        )
    };
    let mut template_options: Vec<(String, String)> = Vec::new();
    for tpl in &templates {
        if !template_options.iter().any(|(id, _)| *id == tpl.id) {
            template_options.push((
                tpl.id.clone(),
                localized(lang, &tpl.title_de, &tpl.title_en),
            ));
        }
    }
    let officers: Vec<(String, String)> = users
        .iter()
        .filter(|u| u.role == Role::Officer)
        .map(|u| {
            (
                u.username.clone(),
                format!("{} ({})", u.display_name, u.username),
            )
        })
        .collect();

    // Cases are created by officers on their tablets, or by citizens' requests (written
    // under one name): "created by" filters either.
    let mut creators = vec![(CITIZEN_WRITER.to_string(), t.citizen_requests.to_string())];
    creators.extend(officers.iter().cloned());

    let counts = Status::ALL
        .into_iter()
        .map(|status| {
            let count = page
                .status_counts
                .iter()
                .find(|(s, _)| s == status.as_str())
                .map_or(0, |(_, n)| *n);
            CountView {
                label: t.status(status).to_string(),
                count,
                href: QueueParams {
                    status: status.as_str().into(),
                    page: String::new(),
                    ..params.clone()
                }
                .href(),
                active: params.status == status.as_str(),
            }
        })
        .collect();
    let rows = page
        .rows
        .iter()
        .map(|row| RowView {
            id: row.id.to_string(),
            title: row.title.clone(),
            status: row.status.clone(),
            status_label: t.status_str(&row.status).to_string(),
            template: template_title(&row.template_id),
            created_by: row.created_by.clone(),
            assignee: row.assignee.clone().unwrap_or_default(),
            address: row.address.clone().unwrap_or_default(),
            created: instant_ms(row.created_at, lang),
            updated: instant_ms(row.updated_at, lang),
        })
        .collect();
    let page_number = params.page_number();
    let total = usize::try_from(page.total).unwrap_or(usize::MAX);
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let statuses = Status::ALL
        .into_iter()
        .map(|s| (s.as_str().to_string(), t.status(s).to_string()))
        .collect();
    let (sorts, directions) = sort_options(t, &params);
    let view = QueuePage {
        page: Frame {
            title: t.queue_title.into(),
            ..frame
        },
        counts,
        statuses: options(
            statuses,
            params.status.parse::<Status>().map_or("", |s| s.as_str()),
        ),
        templates: options(template_options, &params.template),
        officers: options(creators, &params.officer),
        assignees: options(officers, &params.assignee),
        sorts,
        directions,
        from: params.from.clone(),
        to: params.to.clone(),
        q: params.q.clone(),
        total: page.total,
        total_noun: t.results.pick(page.total),
        rows,
        page_number,
        pages,
        previous: (page_number > 1).then(|| params.with_page(page_number - 1)),
        next: (page_number < pages).then(|| params.with_page(page_number + 1)),
    };
    render(&view)
}

fn localized(lang: Language, de: &str, en: &str) -> String {
    match lang {
        Language::De => de.to_string(),
        Language::En => en.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::day_start_ms;

    #[test]
    fn a_day_of_the_date_filter_begins_at_midnight_in_german_time() {
        // Summer (CEST, UTC+2) and winter (CET, UTC+1).
        assert_eq!(day_start_ms("2026-07-01", 0), Some(1_782_856_800_000));
        assert_eq!(day_start_ms("2026-12-03", 0), Some(1_796_252_400_000));
        // The day after the spring change is 23 hours after its start.
        let spring = day_start_ms("2026-03-29", 0).zip(day_start_ms("2026-03-29", 1));
        assert_eq!(spring.map(|(a, b)| b - a), Some(23 * 3_600_000));
        assert_eq!(day_start_ms("gestern", 0), None);
        assert_eq!(day_start_ms("2026-02-30", 0), None);
    }
}
