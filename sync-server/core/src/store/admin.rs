//! The rows of the administration pages and the audit log page: devices with their last
//! sync, and filtered pages of the audit log.

use schema::CaseId;

use super::{AuditEntry, DeviceRow};

/// An enrolled device with the time it last synced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceActivity {
    /// The device.
    pub device: DeviceRow,
    /// The last time one of its sync states was written (ms since the epoch; for a revoked
    /// device, whose states are deleted, as recorded at the revocation); `None` when it never
    /// synced a case.
    pub last_sync_ms: Option<i64>,
}

/// A filtered page of a tenant's audit log, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditQuery {
    /// The tenant whose log is read.
    pub tenant: String,
    /// Only entries of this user.
    pub username: Option<String>,
    /// Only entries about this case.
    pub case: Option<CaseId>,
    /// Entries to skip.
    pub offset: usize,
    /// Entries to return at most.
    pub limit: usize,
}

/// A page of the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditPage {
    /// The entries, newest first.
    pub entries: Vec<AuditEntry>,
    /// How many entries match the filter.
    pub total: u64,
}
