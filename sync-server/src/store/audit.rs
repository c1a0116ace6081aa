//! The audit log, an aggregate of its own: entries are only ever appended, each in the
//! transaction of what it records ([`super::WriteTx`]).

use rusqlite::params;

use super::{AuditEntry, StoreResult, WriteTx};

/// The log's `action` of an opening of a photo's unredacted original, by a staff member or
/// a device: one name for both surfaces that serve originals.
pub const VIEW_ORIGINAL: &str = "view_original";

/// Appends `entry`.
///
/// # Errors
/// Database failures.
pub fn append(tx: &WriteTx<'_>, entry: &AuditEntry) -> StoreResult<()> {
    tx.sql()
        .prepare_cached(
            "INSERT INTO audit_log (at, tenant, username, action, case_id, detail)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(params![
            entry.at_ms,
            entry.tenant,
            entry.username,
            entry.action,
            entry.case_id.map(|id| id.to_string()),
            entry.detail
        ])?;
    Ok(())
}
