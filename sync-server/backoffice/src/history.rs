//! `GET /backoffice/cases/{id}/history`: the case's Automerge change history as a timeline.
//!
//! Who made a change and when is the server's receipt (`store::ChangeReceipt`: the device
//! whose sync brought it, or the staff user of a back-office edit, and the time the server
//! received it); the time the change itself states is shown beside it when they differ. A
//! change without a receipt (stored before receipts existed) shows the author and time it
//! states, marked as not confirmed. Changes of one author made one on top of the other are
//! one entry ([`groups`]); `?raw=1` lists every change.
//!
//! What an entry did is found by hydrating the case at its first change's parents (`fork_at`
//! its deps) and at its last change (`fork_at` its hash) and comparing the two field by
//! field, so it is described relative to exactly what its author saw, even when it was made
//! offline concurrently with others.

use automerge::{AutoCommit, Change, ChangeHash};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use std::collections::HashMap;

use schema::{ChangeAuthor, InspectionCase, Language, Template};
use serde::Deserialize;

use super::audit::{self, Action};
use super::i18n::Texts;
use super::load::load_case;
use super::session::Session;
use super::views::{DiffLine, Frame, HistoryEntry, HistoryPage, render};
use crate::{InPage, PageError};
use server_core::access::StaffAction;
use server_core::kernel::{AppError, blocking};
use server_core::services::AppState;
use server_core::store::ChangeReceipt;
use server_core::store::documents;
use texts::answer::{self, position};
use texts::time::instant_ms;

/// Entries per page: each needs two forks and hydrations.
const PAGE_SIZE: usize = 20;

/// Changes of one author that follow each other within this time make one entry: typing a
/// date character by character is one edit for the reader, not five.
const BURST_GAP_MS: i64 = 10 * 60 * 1000;

/// A stated time this far from the server's receipt is shown beside it.
const STATED_TIME_SHOWN_FROM_MS: i64 = 60 * 1000;

/// The history's query string.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct HistoryParams {
    page: String,
    /// Any value: one entry per change instead of one per editing burst.
    raw: String,
}

/// `GET /backoffice/cases/{id}/history?page=N[&raw=1]` (newest first).
pub async fn page(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    params: Result<Query<HistoryParams>, QueryRejection>,
) -> Result<Response, PageError> {
    let lang = session.lang;
    let params = params.map(|Query(p)| p).unwrap_or_default();
    let page_number = params.page.trim().parse::<usize>().unwrap_or(1).max(1);
    let raw = !params.raw.is_empty();
    show(&state, &session, &id, page_number, raw)
        .await
        .map_err(|e| e.in_page(lang))
}

async fn show(
    state: &AppState,
    session: &Session,
    id: &str,
    page_number: usize,
    raw: bool,
) -> Result<Response, AppError> {
    let loaded = load_case(state, session, id, StaffAction::View).await?;
    let lang = session.lang;
    let frame = Frame::signed_in(session, loaded.case.title.clone());
    let t = frame.t;
    let mut doc = loaded.doc.automerge().clone();
    let template = loaded.template.clone();
    let store = state.store.clone();
    let case_id = loaded.case.id;
    let (total, entries, groups) = blocking(move || -> Result<_, AppError> {
        let receipts = store.read(|tx| documents::change_receipts(tx, case_id))?;
        let changes = doc.get_changes(&[]);
        let groups = groups(&changes, &receipts, raw);
        let entries = groups
            .iter()
            .rev()
            .skip((page_number - 1).saturating_mul(PAGE_SIZE))
            .take(PAGE_SIZE)
            .map(|group| {
                entry(
                    &mut doc,
                    &changes,
                    &receipts,
                    group,
                    template.as_ref(),
                    t,
                    lang,
                )
            })
            .collect::<Vec<_>>();
        Ok((changes.len(), entries, groups.len()))
    })
    .await?;
    let pages = groups.div_ceil(PAGE_SIZE).max(1);
    let base = format!("{}/cases/{}/history", super::BASE, loaded.case.id);
    let mode = if raw { "&raw=1" } else { "" };
    let href = |n: usize| format!("{base}?page={n}{mode}");
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
        other_view: if raw {
            (t.history_grouped, base.clone())
        } else {
            (t.history_raw, format!("{base}?raw=1"))
        },
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

/// Who brought a change, and when: the server's receipt, or else what the change states.
struct Origin {
    who: String,
    device: Option<String>,
    at_ms: i64,
    stated_ms: Option<i64>,
    confirmed: bool,
}

fn origin(change: &Change, receipts: &HashMap<String, ChangeReceipt>) -> Origin {
    let stated = change.timestamp().saturating_mul(1000);
    match receipts.get(&change.hash().to_string()) {
        Some(receipt) => Origin {
            who: receipt.username.clone(),
            device: receipt.device_id.clone(),
            at_ms: receipt.received_at_ms,
            stated_ms: receipt.stated_at_ms,
            confirmed: true,
        },
        None => {
            let claimed = change.message().and_then(ChangeAuthor::from_message);
            Origin {
                who: claimed.as_ref().map(|a| a.user.clone()).unwrap_or_default(),
                device: claimed.and_then(|a| a.device),
                at_ms: stated,
                stated_ms: None,
                confirmed: false,
            }
        }
    }
}

/// The changes (indices into `changes`, which are in causal order) grouped into entries, in
/// the order of their last change. One entry is an editing burst: changes of one author
/// (user and device) each made directly on the one before (so nobody else's change lies
/// between them) within [`BURST_GAP_MS`] of it. With `raw`, every change is an entry.
pub(super) fn groups(
    changes: &[Change],
    receipts: &HashMap<String, ChangeReceipt>,
    raw: bool,
) -> Vec<Vec<usize>> {
    let origins: Vec<Origin> = changes.iter().map(|c| origin(c, receipts)).collect();
    let mut groups: Vec<Vec<usize>> = Vec::new();
    // Open bursts by the hash of their last change.
    let mut open: HashMap<ChangeHash, usize> = HashMap::new();
    for (index, change) in changes.iter().enumerate() {
        let here = &origins[index];
        let joins = match change.deps() {
            [previous] if !raw => open.get(previous).copied().filter(|&group| {
                groups[group].last().is_some_and(|&last| {
                    let there = &origins[last];
                    there.who == here.who
                        && there.device == here.device
                        && here.at_ms.saturating_sub(there.at_ms) <= BURST_GAP_MS
                })
            }),
            _ => None,
        };
        let group = match joins {
            Some(group) => {
                open.remove(&changes[groups[group][groups[group].len() - 1]].hash());
                groups[group].push(index);
                group
            }
            None => {
                groups.push(vec![index]);
                groups.len() - 1
            }
        };
        open.insert(change.hash(), group);
    }
    // In the order of each entry's last change.
    groups.sort_by_key(|group| group.last().copied().unwrap_or_default());
    groups
}

/// The case at `heads`; `None` when it cannot be read there (e.g. before the first change).
fn case_at(doc: &mut AutoCommit, heads: &[ChangeHash]) -> Option<InspectionCase> {
    if heads.is_empty() {
        return None;
    }
    let fork = doc.fork_at(heads).ok()?;
    autosurgeon::hydrate(&fork).ok()
}

/// What one entry's changes did, as the timeline (and the report's history summary) shows
/// it: compared from the case its first change was made on to the case after its last.
pub(super) fn entry(
    doc: &mut AutoCommit,
    changes: &[Change],
    receipts: &HashMap<String, ChangeReceipt>,
    group: &[usize],
    template: Option<&Template>,
    t: &Texts,
    lang: Language,
) -> HistoryEntry {
    let (Some(first), Some(last)) = (
        group.first().and_then(|i| changes.get(*i)),
        group.last().and_then(|i| changes.get(*i)),
    ) else {
        return HistoryEntry::default();
    };
    let origin = origin(last, receipts);
    let who = match (origin.who.is_empty(), origin.confirmed) {
        (true, _) => t.unknown_author.to_string(),
        (false, true) => origin.who.clone(),
        (false, false) => format!("{} ({})", origin.who, t.unconfirmed),
    };
    let place = origin.device.as_ref().map_or_else(
        || {
            if origin.confirmed {
                t.back_office.to_string()
            } else {
                String::new()
            }
        },
        |d| format!("{} {d}", t.device),
    );
    let stated = origin
        .stated_ms
        .filter(|stated| (stated - origin.at_ms).abs() >= STATED_TIME_SHOWN_FROM_MS)
        .map(|stated| format!("{}: {}", t.stated_time, instant_ms(stated, lang)));
    let before = case_at(doc, first.deps());
    let after = case_at(doc, &[last.hash()]);
    let lines = match (&before, &after) {
        (_, None) => vec![DiffLine {
            what: t.unreadable.into(),
            from: None,
            to: String::new(),
        }],
        (None, Some(after)) => {
            let mut lines = vec![DiffLine {
                what: t.case_created.into(),
                from: None,
                to: String::new(),
            }];
            // What the creator did after creating it in the same burst.
            if let Some(created) = case_at(doc, &[first.hash()]) {
                lines.extend(diff(&created, after, template, t, lang));
            }
            lines
        }
        (Some(before), Some(after)) => diff(before, after, template, t, lang),
    };
    HistoryEntry {
        at: instant_ms(origin.at_ms, lang),
        stated,
        who,
        place,
        changes: group.len(),
        changes_noun: t.changes_in_entry.pick(group.len() as u64),
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use automerge::transaction::{CommitOptions, Transactable};
    use automerge::{AutoCommit, ROOT};

    use super::*;

    fn commit(doc: &mut AutoCommit, user: &str, at_s: i64) {
        doc.put(ROOT, "n", at_s).unwrap();
        let author = ChangeAuthor {
            user: user.into(),
            device: Some(format!("{user}-tablet")),
        };
        doc.commit_with(
            CommitOptions::default()
                .with_message(serde_json::to_string(&author).unwrap())
                .with_time(at_s),
        );
    }

    #[test]
    fn a_burst_is_one_authors_chain_of_changes_close_in_time() {
        let mut doc = AutoCommit::new();
        commit(&mut doc, "anna", 0);
        commit(&mut doc, "anna", 60);
        // Bernd's change on top, then Anna again: her burst ends, since his change lies
        // between.
        commit(&mut doc, "bernd", 120);
        commit(&mut doc, "anna", 180);
        // Anna again after a long pause: a new entry.
        commit(&mut doc, "anna", 180 + 3600);
        // Two concurrent changes of hers on top of that one, merged: only one of them can
        // continue the burst; the other is an entry of its own.
        let mut other = doc.fork();
        commit(&mut other, "anna", 3800);
        commit(&mut doc, "anna", 3790);
        doc.merge(&mut other).unwrap();

        let changes = doc.get_changes(&[]);
        let receipts = HashMap::new();
        let grouped = groups(&changes, &receipts, false);
        let sizes: Vec<usize> = grouped.iter().map(Vec::len).collect();
        assert_eq!(sizes.iter().sum::<usize>(), changes.len());
        assert_eq!(grouped[0], vec![0, 1], "{grouped:?}");
        assert_eq!(grouped.len(), 5, "{grouped:?}");
        let raw = groups(&changes, &receipts, true);
        assert_eq!(raw.len(), changes.len());
    }
}
