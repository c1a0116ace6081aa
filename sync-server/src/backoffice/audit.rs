//! Writing the audit log: one entry per case view and per action, after it succeeded.

use schema::CaseId;

use crate::access::Staff;
use crate::http::{AppError, AppState, blocking};
use crate::store::{AuditEntry, now_ms};

/// What staff do, as written in the log's `action` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Signed in.
    Login,
    /// Signed out.
    Logout,
    /// Opened a case page.
    ViewCase,
    /// Opened a case's history.
    ViewHistory,
    /// Changed a status.
    ChangeStatus,
    /// Changed an answer.
    EditField,
    /// Added a comment.
    Comment,
    /// Assigned a case.
    Assign,
}

impl Action {
    /// The column value.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Login => "login",
            Action::Logout => "logout",
            Action::ViewCase => "view_case",
            Action::ViewHistory => "view_history",
            Action::ChangeStatus => "change_status",
            Action::EditField => "edit_field",
            Action::Comment => "comment",
            Action::Assign => "assign",
        }
    }
}

/// Appends an entry. A failure fails the request: an action that cannot be logged is
/// reported, not silently unlogged.
///
/// # Errors
/// Store errors.
pub async fn record(
    state: &AppState,
    staff: &Staff,
    action: Action,
    case: Option<CaseId>,
    detail: impl Into<String>,
) -> Result<(), AppError> {
    let entry = AuditEntry {
        at_ms: now_ms(),
        tenant: staff.tenant.clone(),
        username: staff.username.clone(),
        action: action.as_str().into(),
        case_id: case,
        detail: detail.into(),
    };
    let store = state.store.clone();
    blocking(move || store.append_audit(&entry)).await
}
