//! The pages' templates (askama, compiled in, HTML auto-escaped) and their view models:
//! plain data the handlers fill, so templates hold no logic beyond loops and conditions.

use askama::Template;
use axum::http::StatusCode;
use axum::http::header::LOCATION;
use axum::response::{Html, IntoResponse, Response};
use schema::Language;

use super::i18n::{Texts, texts};
use super::session::Session;
use server_core::access::{self, OfficeAction, Permissions};
use server_core::kernel::AppError;
pub use web::form_input::{Input, Part};

/// What every page's frame shows.
#[derive(Debug)]
pub struct Frame {
    /// The texts of the page's language.
    pub t: &'static Texts,
    /// The page title.
    pub title: String,
    /// The signed-in user, for the header and the logout form.
    pub user: Option<UserNav>,
}

/// The signed-in user in the header.
#[derive(Debug)]
pub struct UserNav {
    /// Full name.
    pub display_name: String,
    /// Role label.
    pub role: &'static str,
    /// The session's CSRF token, for the logout form.
    pub csrf: String,
    /// Show the administration links.
    pub admin: bool,
    /// Show the audit log link.
    pub audit: bool,
}

impl Frame {
    /// The frame of a signed-in page.
    pub fn signed_in(session: &Session, title: impl Into<String>) -> Self {
        let t = texts(session.lang);
        Self {
            t,
            title: title.into(),
            user: Some(UserNav {
                display_name: session.staff.display_name.clone(),
                role: t.role(session.staff.role),
                csrf: session.csrf_token.clone(),
                admin: access::office_may(&session.staff, OfficeAction::ManageUsers),
                audit: access::office_may(&session.staff, OfficeAction::ReadAuditLog),
            }),
        }
    }

    /// The frame of a page without a session.
    pub fn anonymous(lang: Language, title: impl Into<String>) -> Self {
        Self {
            t: texts(lang),
            title: title.into(),
            user: None,
        }
    }
}

/// One `<option>`.
#[derive(Debug, Clone)]
pub struct OptionView {
    /// Value sent.
    pub value: String,
    /// Label shown.
    pub label: String,
    /// Preselected.
    pub selected: bool,
}

/// The login page.
#[derive(Template)]
#[template(path = "backoffice/login.html")]
pub struct LoginPage {
    /// Frame.
    pub page: Frame,
    /// The login form's double-submit token.
    pub csrf: String,
    /// Where to go after login.
    pub next: String,
    /// The user name typed before a failed attempt.
    pub username: String,
    /// Why the last attempt failed.
    pub error: Option<&'static str>,
}

/// An error page.
#[derive(Template)]
#[template(path = "backoffice/error.html")]
pub struct ErrorPage {
    /// Frame (the title is the status).
    pub page: Frame,
    /// What went wrong.
    pub message: String,
    /// Offer the login page instead of the case list.
    pub login_link: bool,
}

/// A count in the status bar of the queue.
#[derive(Debug)]
pub struct CountView {
    /// Status label.
    pub label: String,
    /// Cases.
    pub count: u64,
    /// The queue filtered to that status.
    pub href: String,
    /// The current filter.
    pub active: bool,
}

/// A row of the queue.
#[derive(Debug)]
pub struct RowView {
    /// Case id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Stored status (CSS class).
    pub status: String,
    /// Status label.
    pub status_label: String,
    /// Template title.
    pub template: String,
    /// Creator.
    pub created_by: String,
    /// Assignee.
    pub assignee: String,
    /// Address.
    pub address: String,
    /// Creation time.
    pub created: String,
    /// Last change.
    pub updated: String,
}

/// The review queue.
#[derive(Template)]
#[template(path = "backoffice/queue.html")]
pub struct QueuePage {
    /// Frame.
    pub page: Frame,
    /// Counts per status.
    pub counts: Vec<CountView>,
    /// Status filter options.
    pub statuses: Vec<OptionView>,
    /// Template filter options.
    pub templates: Vec<OptionView>,
    /// Officer filter options.
    pub officers: Vec<OptionView>,
    /// Assignee filter options.
    pub assignees: Vec<OptionView>,
    /// Sort options.
    pub sorts: Vec<OptionView>,
    /// Sort directions.
    pub directions: Vec<OptionView>,
    /// Date filter from (`YYYY-MM-DD`).
    pub from: String,
    /// Date filter until.
    pub to: String,
    /// Search text.
    pub q: String,
    /// Matching cases.
    pub total: u64,
    /// The noun after the count ("Treffer", "1 result").
    pub total_noun: &'static str,
    /// The page's rows.
    pub rows: Vec<RowView>,
    /// Current page, from 1.
    pub page_number: usize,
    /// Pages.
    pub pages: usize,
    /// Link to the previous page.
    pub previous: Option<String>,
    /// Link to the next page.
    pub next: Option<String>,
}

/// A photo on the case page.
#[derive(Debug)]
pub struct PhotoView {
    /// Photo id.
    pub id: String,
    /// Whether its bytes have arrived.
    pub available: bool,
    /// Whether it has drawings (then the annotated copy is offered).
    pub annotated: bool,
    /// Caption.
    pub caption: String,
}

/// An edit form of a field.
#[derive(Debug)]
pub struct EditView {
    /// The input.
    pub input: Input,
    /// Its current text (one-input kinds).
    pub current: String,
    /// The ticked options (multiple choice).
    pub chosen: Vec<String>,
    /// The inputs of an address or GPS point, with their current text.
    pub parts: Vec<Part>,
    /// Why what was typed here was not saved; the inputs then hold what was typed.
    pub error: Option<String>,
}

/// A field on the case page.
#[derive(Debug)]
pub struct FieldView {
    /// Field key.
    pub key: String,
    /// Label.
    pub label: String,
    /// The answer as text.
    pub value: String,
    /// Photos of a photo field.
    pub photos: Vec<PhotoView>,
    /// The edit form, when the user may edit and the kind is editable here.
    pub edit: Option<EditView>,
}

/// What a citizen sent, on the case page of a case that began as a request.
#[derive(Debug)]
pub struct RequestView {
    /// The number the citizen quotes.
    pub number: String,
    /// The service's title.
    pub service: String,
    /// How it arrived (`portal`, `open311`).
    pub channel: String,
    /// The citizen's answers, labelled by the service, read-only.
    pub answers: Vec<FieldView>,
    /// The thread with the citizen, oldest first.
    pub messages: Vec<MessageView>,
}

/// A message between the office and the citizen.
#[derive(Debug)]
pub struct MessageView {
    /// Who wrote it: the staff member, or the citizen.
    pub who: String,
    /// Whether the office wrote it.
    pub from_office: bool,
    /// When.
    pub when: String,
    /// The text.
    pub body: String,
}

/// A section on the case page.
#[derive(Debug)]
pub struct SectionView {
    /// Heading.
    pub title: String,
    /// Fields in template order.
    pub fields: Vec<FieldView>,
}

/// A comment on the case page.
#[derive(Debug)]
pub struct CommentView {
    /// Writer.
    pub author: String,
    /// When.
    pub at: String,
    /// Text.
    pub text: String,
    /// Internal remark.
    pub internal: bool,
}

/// Everything the case page shows.
#[derive(Debug)]
pub struct CaseView {
    /// Case id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Stored status.
    pub status: String,
    /// Status label.
    pub status_label: String,
    /// Template title.
    pub template_title: String,
    /// What the citizen sent, when the case began as a request.
    pub request: Option<RequestView>,
    /// Creator.
    pub created_by: String,
    /// Creation time.
    pub created_at: String,
    /// Last editor.
    pub updated_by: String,
    /// Last change.
    pub updated_at: String,
    /// Assigned officer.
    pub assignee: Option<String>,
    /// Address.
    pub address: String,
    /// Position.
    pub location: String,
    /// The template's sections with the answers.
    pub sections: Vec<SectionView>,
    /// The template is not stored.
    pub template_missing: bool,
    /// Comments, oldest first (all, internal ones marked).
    pub comments: Vec<CommentView>,
    /// What the user may do.
    pub perms: Permissions,
    /// Status changes offered: `(status, label)`.
    pub transitions: Vec<(String, String)>,
    /// Officers to assign to.
    pub officers: Vec<OptionView>,
    /// The session's CSRF token.
    pub csrf: String,
    /// The answer just refused, for the summary at the top that links to its field.
    pub refused: Option<RefusedView>,
}

/// An answer the case page refused: which field, and why.
#[derive(Debug)]
pub struct RefusedView {
    /// Field key (the summary links to its input).
    pub key: String,
    /// What is wrong, naming the field.
    pub message: String,
}

/// The case page.
#[derive(Template)]
#[template(path = "backoffice/case.html")]
pub struct CasePage {
    /// Frame.
    pub page: Frame,
    /// The case.
    pub v: CaseView,
}

/// One line of a history entry: `what: from → to`, or `what: to` without `from`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffLine {
    /// What changed (a field label, "Status", …).
    pub what: String,
    /// The value before, if the line shows a change of a value.
    pub from: Option<String>,
    /// The value after.
    pub to: String,
}

/// One entry of the history: a change, or a burst of one author's changes.
#[derive(Debug, Default)]
pub struct HistoryEntry {
    /// When the server received it.
    pub at: String,
    /// The time the change states, when it is not the server's.
    pub stated: Option<String>,
    /// Who.
    pub who: String,
    /// Device or back office.
    pub place: String,
    /// How many changes the entry stands for.
    pub changes: usize,
    /// The word after that count.
    pub changes_noun: &'static str,
    /// What changed.
    pub lines: Vec<DiffLine>,
}

/// The history page.
#[derive(Template)]
#[template(path = "backoffice/history.html")]
pub struct HistoryPage {
    /// Frame.
    pub page: Frame,
    /// Case id.
    pub id: String,
    /// Case title.
    pub title: String,
    /// Changes in the document.
    pub total: usize,
    /// The words after the count.
    pub total_noun: &'static str,
    /// This page's changes, newest first.
    pub entries: Vec<HistoryEntry>,
    /// Current page, from 1.
    pub page_number: usize,
    /// Pages.
    pub pages: usize,
    /// Link to newer changes.
    pub previous: Option<String>,
    /// Link to older changes.
    pub next: Option<String>,
    /// The other way to list the changes (grouped or one by one): its label and link.
    pub other_view: (&'static str, String),
}

/// Renders a page.
///
/// # Errors
/// [`AppError::Internal`] when rendering fails.
pub fn render(page: &impl Template) -> Result<Response, AppError> {
    page.render()
        .map(|html| Html(html).into_response())
        .map_err(|e| AppError::Internal(format!("a page failed to render: {e}")))
}

/// An error page with `status`.
pub fn error_page(status: StatusCode, message: &str, lang: Language) -> Response {
    let t = texts(lang);
    let title = match status {
        StatusCode::NOT_FOUND => t.error_not_found,
        StatusCode::FORBIDDEN => t.error_forbidden,
        StatusCode::UNAUTHORIZED => t.login_required,
        _ => t.error_title,
    };
    let page = ErrorPage {
        page: Frame::anonymous(lang, title),
        message: message.to_string(),
        login_link: status == StatusCode::UNAUTHORIZED,
    };
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!("the error page failed to render: {e}");
            (status, message.to_string()).into_response()
        }
    }
}

/// Not signed in: a redirect to the login page that comes back to `redirect`, or a 401 page.
pub fn login_required(redirect: Option<&str>, lang: Language) -> Response {
    match redirect {
        Some(path) => {
            let query = serde_urlencoded::to_string([("next", path)]).unwrap_or_default();
            let location = format!("{}/login?{query}", super::BASE);
            (StatusCode::SEE_OTHER, [(LOCATION, location)]).into_response()
        }
        None => error_page(StatusCode::UNAUTHORIZED, texts(lang).login_required, lang),
    }
}

/// A 303 redirect after a successful POST.
pub fn see_other(location: &str) -> Response {
    (StatusCode::SEE_OTHER, [(LOCATION, location.to_string())]).into_response()
}
