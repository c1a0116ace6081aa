//! Writing the audit log: one entry per view of personal data (a case, the office's users
//! or devices, the audit log itself) and per action; an action's entry is written in the
//! same transaction as its change.

use schema::CaseId;

use server_core::access::Staff;
use server_core::kernel::{AppError, blocking};
use server_core::services::AppState;

use server_core::store::{AuditEntry, now_ms};

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
    /// Downloaded a case's PDF report.
    DownloadReport,
    /// Created a user.
    CreateUser,
    /// Changed a user's role.
    ChangeRole,
    /// Set a new password for a user.
    ResetPassword,
    /// Deleted a user.
    DeleteUser,
    /// Revoked a device.
    RevokeDevice,
    /// Stored a new template version.
    UploadTemplate,
    /// Opened the list of the office's users (names and roles).
    ViewUsers,
    /// Opened the list of the office's devices (whose, and when they last synced).
    ViewDevices,
    /// Opened the audit log (what staff did, when); the detail holds its filters.
    ViewAuditLog,
    /// Opened a photo's unredacted original; the detail names the photo.
    ViewOriginal,
    /// Granted a role a permission, or withdrew it; the detail says which.
    ChangeGrants,
    /// Wrote to the citizen whose request a case is.
    MessageCitizen,
    /// Changed the portal's look, logo or services; the detail says which.
    ChangePortal,
}

impl Action {
    /// Every action.
    pub const ALL: [Action; 22] = [
        Action::Login,
        Action::Logout,
        Action::ViewCase,
        Action::ViewHistory,
        Action::ChangeStatus,
        Action::EditField,
        Action::Comment,
        Action::Assign,
        Action::DownloadReport,
        Action::CreateUser,
        Action::ChangeRole,
        Action::ResetPassword,
        Action::DeleteUser,
        Action::RevokeDevice,
        Action::UploadTemplate,
        Action::ViewUsers,
        Action::ViewDevices,
        Action::ViewAuditLog,
        Action::ViewOriginal,
        Action::ChangeGrants,
        Action::MessageCitizen,
        Action::ChangePortal,
    ];

    /// The action written as `text` in the log's column.
    pub fn parse(text: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.as_str() == text)
    }

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
            Action::DownloadReport => "download_report",
            Action::CreateUser => "create_user",
            Action::ChangeRole => "change_role",
            Action::ResetPassword => "reset_password",
            Action::DeleteUser => "delete_user",
            Action::RevokeDevice => "revoke_device",
            Action::UploadTemplate => "upload_template",
            Action::ViewUsers => "view_users",
            Action::ViewDevices => "view_devices",
            Action::ViewAuditLog => "view_audit_log",
            Action::ViewOriginal => server_core::store::audit::VIEW_ORIGINAL,
            Action::ChangeGrants => "change_grants",
            Action::MessageCitizen => "message_citizen",
            Action::ChangePortal => "change_portal",
        }
    }
}

/// The entry of `staff` doing `action`, now.
pub fn entry(
    staff: &Staff,
    action: Action,
    case: Option<CaseId>,
    detail: impl Into<String>,
) -> AuditEntry {
    AuditEntry {
        at_ms: now_ms(),
        tenant: staff.tenant.clone(),
        username: staff.username.clone(),
        action: action.as_str().into(),
        case_id: case,
        detail: detail.into(),
    }
}

/// Appends an entry of something that changed nothing (a view, a sign-in). A failure fails
/// the request: what cannot be logged is reported, not silently unlogged. Changes to a case
/// write their entry in the same transaction instead
/// (`store.write` with `store::cases::edit` and `store::audit::append`).
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
    let entry = entry(staff, action, case, detail);
    let store = state.store.clone();
    blocking(move || store.write(|tx| server_core::store::audit::append(tx, &entry))).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{DE, EN};

    #[test]
    fn every_action_reads_back_and_has_its_own_label_in_both_languages() {
        let mut seen = std::collections::HashSet::new();
        for action in Action::ALL {
            assert_eq!(Action::parse(action.as_str()), Some(action));
            for t in [&DE, &EN] {
                let label = t.action_str(action.as_str());
                assert_ne!(label, action.as_str(), "{action:?} untranslated");
                assert!(seen.insert(label), "{label} used twice");
            }
        }
        assert_eq!(
            DE.action_str("from_a_newer_version"),
            "from_a_newer_version"
        );
    }
}
