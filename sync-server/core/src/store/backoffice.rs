//! The rows the back office reads and writes: sessions, the audit log, and filtered pages of
//! the case projection.

use schema::{CaseId, Role};

use super::CaseRow;
use crate::store::Visibility;

/// A back-office session to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSession {
    /// SHA-256 (hex) of the session id; the id itself lives only in the browser's cookie.
    pub id_hash: String,
    /// The signed-in user.
    pub username: String,
    /// The synchronizer token the session's forms carry.
    pub csrf_token: String,
    /// Milliseconds since the epoch.
    pub created_at: i64,
    /// When the session ends, milliseconds since the epoch.
    pub expires_at: i64,
}

/// A live session with its user as stored now (role changes count at once).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    /// User name.
    pub username: String,
    /// The user's tenant.
    pub tenant: String,
    /// The user's full name.
    pub display_name: String,
    /// The user's role.
    pub role: Role,
    /// What the role has been granted in the user's tenant.
    pub grants: crate::store::grants::Grants,
    /// The synchronizer token of the session's forms.
    pub csrf_token: String,
    /// When the session ends, milliseconds since the epoch.
    pub expires_at: i64,
}

/// One entry of the append-only audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// Milliseconds since the epoch.
    pub at_ms: i64,
    /// Tenant of the acting user.
    pub tenant: String,
    /// The acting user.
    pub username: String,
    /// What was done (`view_case`, `change_status`, …).
    pub action: String,
    /// The case it concerned, if any.
    pub case_id: Option<CaseId>,
    /// Details (the new status, the field key, …).
    pub detail: String,
}

/// How a page of cases is sorted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CaseSort {
    /// By the last change (the default).
    #[default]
    Updated,
    /// By creation time.
    Created,
    /// By title.
    Title,
    /// By status.
    Status,
}

/// A filtered, sorted page of the projection.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseQuery {
    /// Which cases the user may see at all.
    pub visibility: Visibility,
    /// Only this status (`in_review`, …).
    pub status: Option<String>,
    /// Only this template id.
    pub template_id: Option<String>,
    /// Only cases created by this officer.
    pub created_by: Option<String>,
    /// Only cases assigned to this officer.
    pub assignee: Option<String>,
    /// Only cases created at or after this time (ms since the epoch).
    pub created_from_ms: Option<i64>,
    /// Only cases created before this time (ms since the epoch).
    pub created_before_ms: Option<i64>,
    /// Only cases whose title or address contains this text.
    pub text: Option<String>,
    /// Sort key.
    pub sort: CaseSort,
    /// Largest first.
    pub descending: bool,
    /// Rows to skip.
    pub offset: usize,
    /// Rows to return at most.
    pub limit: usize,
}

impl CaseQuery {
    /// Every case under `visibility`, newest change first, in pages of `limit`.
    pub fn all(visibility: Visibility, limit: usize) -> Self {
        Self {
            visibility,
            status: None,
            template_id: None,
            created_by: None,
            assignee: None,
            created_from_ms: None,
            created_before_ms: None,
            text: None,
            sort: CaseSort::Updated,
            descending: true,
            offset: 0,
            limit,
        }
    }
}

/// A page of cases with the counts the queue shows.
#[derive(Debug, Clone, PartialEq)]
pub struct CasePage {
    /// The rows of the page.
    pub rows: Vec<CaseRow>,
    /// How many cases match the whole query.
    pub total: u64,
    /// How many cases match the query apart from its status filter, per status.
    pub status_counts: Vec<(String, u64)>,
}
