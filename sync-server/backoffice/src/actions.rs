//! The case page's POST actions: status changes, answer edits, comments, assignment. Each
//! checks the session's CSRF token ([`CsrfForm`]) and the access rules ([`visible_row`] with
//! its [`StaffAction`]), writes one Automerge change attributed to the staff user through
//! the store (so it merges into the officers' copies at their next sync) together with its
//! audit log entry in one transaction, and redirects back to the case (post/redirect/get).

use axum::extract::{Path, State};
use axum::response::Response;
use schema::write_rules::Writer;
use schema::{ChangeAuthor, Comment, CommentId, InspectionCase, Stamp, Status, Template};
use serde::Deserialize;

use super::audit::{self, Action};
use super::case_page::{Refused, show_refused};
use super::i18n::texts;
use super::load::visible_row;
use super::session::{CsrfForm, Session};
use super::views::see_other;
use crate::{InPage, PageError};
use server_core::access::{self, Principal, StaffAction};
use server_core::kernel::{AppError, blocking};
use server_core::services::AppState;

use server_core::services::request_messages::{self, MessageProblem};
use server_core::store::accounts;
use server_core::store::{audit as audit_log, cases, internal_comments, now_ms, templates};

fn author(session: &Session) -> ChangeAuthor {
    Principal::Staff(session.staff.clone()).change_author()
}

fn case_path(id: impl std::fmt::Display) -> String {
    format!("{}/cases/{id}", super::BASE)
}

/// A comment by the session's user, now.
fn comment(session: &Session, text: &str, internal: bool) -> Comment {
    Comment {
        id: CommentId::new(),
        written: Stamp {
            by: session.staff.username.clone(),
            at_ms: now_ms(),
        },
        text: text.replace("\r\n", "\n").trim().to_string(),
        internal,
    }
}

/// Runs a checked edit of the case as the session's user, with its audit entry in the same
/// transaction: if the entry cannot be written, the change is not either (and the answer is
/// an error), so the log never misses a change that happened.
async fn edit(
    state: &AppState,
    session: &Session,
    id: schema::CaseId,
    (action, detail): (Action, String),
    mut change: impl FnMut(&mut InspectionCase) -> Result<(), String> + Send + 'static,
) -> Result<InspectionCase, AppError> {
    let store = state.store.clone();
    let author = author(session);
    let writer = Writer {
        username: session.staff.username.clone(),
        role: session.staff.role,
    };
    let entry = audit::entry(&session.staff, action, Some(id), detail);
    blocking(move || {
        store.write(|tx| {
            let case = cases::edit(tx, id, &author, &writer, &mut change)?;
            audit_log::append(tx, &entry)?;
            Ok(case)
        })
    })
    .await
}

/// The status form.
#[derive(Debug, Deserialize)]
pub struct StatusForm {
    #[serde(default)]
    to: String,
    #[serde(default)]
    comment: String,
}

/// `POST /backoffice/cases/{id}/status`: moves the case on, as the workflow allows the
/// user's role. "Needs changes" requires a comment, which goes to the officer's tablet as a
/// non-internal comment in the same change.
pub async fn change_status(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm { session, form }: CsrfForm<StatusForm>,
) -> Result<Response, PageError> {
    let lang = session.lang;
    async {
        let t = texts(lang);
        let row = visible_row(&state, &session, &id, StaffAction::ChangeStatus).await?;
        let to: Status = form
            .to
            .parse::<Status>()
            .map_err(|_| AppError::BadRequest(t.error_bad_form.into()))?;
        let text = form.comment.trim().to_string();
        if to == Status::NeedsChanges && text.is_empty() {
            return Err(AppError::BadRequest(t.error_needs_comment.into()));
        }
        let note = (!text.is_empty()).then(|| comment(&session, &text, false));
        let staff = session.staff.clone();
        // `row.status` is what the reviewer saw; the edit checks the status as stored.
        let detail = format!("{} -> {}", row.status, to);
        let case = edit(
            &state,
            &session,
            row.id,
            (Action::ChangeStatus, detail),
            move |case| {
                // Checked against the case as stored now, inside the write transaction.
                access::check_status_change(&staff, case.status, to)?;
                case.status = to;
                case.comments.extend(note.clone());
                Ok(())
            },
        )
        .await?;
        Ok(see_other(&case_path(case.id)))
    }
    .await
    .map_err(|e: AppError| e.in_page(lang))
}

/// `POST /backoffice/cases/{id}/fields/{key}`: sets (or, when empty, clears) one answer of
/// an editable kind, checked against the template like on the tablet. The form's fields
/// are kept as pairs: a multiple choice sends one `choice` per ticked box. An answer that
/// does not fit the field is not saved: the case page comes back (422) with what was typed.
pub async fn edit_field(
    State(state): State<AppState>,
    Path((id, key)): Path<(String, String)>,
    CsrfForm { session, form }: CsrfForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let lang = session.lang;
    async {
        let t = texts(lang);
        let row = visible_row(&state, &session, &id, StaffAction::EditField).await?;
        let store = state.store.clone();
        let tenant = row.tenant.clone();
        let (template_id, version) = (row.template_id.clone(), row.template_version);
        let template =
            blocking(move || store.read(|tx| templates::find(tx, &tenant, &template_id, version)))
                .await?
                .and_then(|stored| Template::from_json(&stored.json).ok());
        let not_editable = || AppError::BadRequest(t.error_field_not_editable.into());
        let field = template
            .as_ref()
            .and_then(|tpl| tpl.field(&key))
            .ok_or_else(not_editable)?;
        web::form_input::input_for(&field.kind, lang).ok_or_else(not_editable)?;
        let typed = web::form_input::Typed::new(form);
        let value = match web::form_input::parse(&field.kind, &typed, lang) {
            Ok(value) => value,
            Err(problem) => {
                let message = t
                    .error_invalid_value
                    .replace("{field}", field.label.get(lang))
                    .replace("{reason}", &problem.text(lang));
                let refused = Refused {
                    key,
                    typed,
                    message,
                };
                return show_refused(&state, &session, &id, refused).await;
            }
        };
        let field_key = key.clone();
        let case = edit(
            &state,
            &session,
            row.id,
            (Action::EditField, key),
            move |case| {
                match &value {
                    Some(value) => case.fields.insert(field_key.clone(), value.clone()),
                    None => case.fields.remove(&field_key),
                };
                Ok(())
            },
        )
        .await?;
        Ok(see_other(&case_path(case.id)))
    }
    .await
    .map_err(|e: AppError| e.in_page(lang))
}

/// The comment form.
#[derive(Debug, Deserialize)]
pub struct CommentForm {
    #[serde(default)]
    text: String,
    /// A checkbox: present (`on`) when ticked.
    #[serde(default)]
    internal: Option<String>,
}

/// `POST /backoffice/cases/{id}/comments`: adds a comment. A public one is a change of the
/// case document and reaches the officer's tablet at the next sync; an internal one is kept
/// by the server only (`store::internal_comments`), with its audit entry in the same
/// transaction.
pub async fn add_comment(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm { session, form }: CsrfForm<CommentForm>,
) -> Result<Response, PageError> {
    let lang = session.lang;
    async {
        let row = visible_row(&state, &session, &id, StaffAction::Comment).await?;
        if form.text.trim().is_empty() {
            return Err(AppError::BadRequest(texts(lang).error_comment_empty.into()));
        }
        let internal = form.internal.is_some();
        let note = comment(&session, &form.text, internal);
        if internal {
            let entry = audit::entry(&session.staff, Action::Comment, Some(row.id), "internal");
            let store = state.store.clone();
            blocking(move || {
                store.write(|tx| {
                    internal_comments::add(tx, row.id, &note)?;
                    audit_log::append(tx, &entry)
                })
            })
            .await?;
            return Ok(see_other(&case_path(row.id)));
        }
        let case = edit(
            &state,
            &session,
            row.id,
            (Action::Comment, "public".into()),
            move |case| {
                case.comments.push(note.clone());
                Ok(())
            },
        )
        .await?;
        Ok(see_other(&case_path(case.id)))
    }
    .await
    .map_err(|e: AppError| e.in_page(lang))
}

/// The form of a message to the citizen.
#[derive(Debug, Deserialize)]
pub struct MessageForm {
    #[serde(default)]
    message: String,
}

/// `POST /backoffice/cases/{id}/messages`: writes to the citizen whose request the case is.
/// Whoever may comment on the case may answer; the citizen is told by e-mail that there is
/// a message (the notice task), never what it says. Stored with its audit entry in one
/// transaction.
pub async fn send_message(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm { session, form }: CsrfForm<MessageForm>,
) -> Result<Response, PageError> {
    let lang = session.lang;
    async {
        let row = visible_row(&state, &session, &id, StaffAction::Comment).await?;
        let t = texts(lang);
        let entry = audit::entry(&session.staff, Action::MessageCitizen, Some(row.id), "");
        let store = state.store.clone();
        let body = form.message;
        let sent =
            blocking(move || request_messages::from_office(store.as_ref(), row.id, &body, &entry))
                .await?;
        match sent {
            Ok(_) => Ok(see_other(&format!("{}#messages", case_path(row.id)))),
            Err(MessageProblem::Empty) => Err(AppError::BadRequest(t.message_empty.into())),
            Err(MessageProblem::TooLong) => Err(AppError::BadRequest(t.message_too_long.into())),
        }
    }
    .await
    .map_err(|e: AppError| e.in_page(lang))
}

/// The assignment form.
#[derive(Debug, Deserialize)]
pub struct AssignForm {
    #[serde(default)]
    officer: String,
}

/// `POST /backoffice/cases/{id}/assign`: sets the assigned officer, so the case is offered
/// to that officer's tablet at its next sync.
pub async fn assign(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm { session, form }: CsrfForm<AssignForm>,
) -> Result<Response, PageError> {
    let lang = session.lang;
    async {
        let row = visible_row(&state, &session, &id, StaffAction::Assign).await?;
        let store = state.store.clone();
        let name = form.officer.trim().to_string();
        let user = blocking(move || store.read(|tx| accounts::user(tx, &name))).await?;
        access::check_assignee(&session.staff, user.as_ref()).map_err(AppError::BadRequest)?;
        let officer = form.officer.trim().to_string();
        let assigned = officer.clone();
        let case = edit(
            &state,
            &session,
            row.id,
            (Action::Assign, officer),
            move |case| {
                case.assigned_officer = Some(assigned.clone());
                Ok(())
            },
        )
        .await?;
        Ok(see_other(&case_path(case.id)))
    }
    .await
    .map_err(|e: AppError| e.in_page(lang))
}
