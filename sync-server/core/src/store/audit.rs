//! The audit log, an aggregate of its own: entries are only ever appended, each in the
//! transaction of what it records ([`super::WriteTx`]), and read newest first, a case's or a
//! page of a filtered log at a time ([`super::ReadTx`]).

use rusqlite::params;
use schema::CaseId;

use super::{AuditEntry, AuditPage, AuditQuery, ReadTx, StoreError, StoreResult, WriteTx};

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

/// The newest `limit` entries of `tenant`, only those of `case` if given.
///
/// # Errors
/// Database failures, a stored case id that is no UUID.
pub fn entries(
    tx: &ReadTx<'_>,
    tenant: &str,
    case: Option<CaseId>,
    limit: usize,
) -> StoreResult<Vec<AuditEntry>> {
    let mut stmt = tx.sql().prepare_cached(&format!(
        "SELECT {COLUMNS} FROM audit_log
         WHERE tenant = ?1 AND (?2 IS NULL OR case_id = ?2)
         ORDER BY seq DESC LIMIT ?3"
    ))?;
    let raw = stmt
        .query_map(
            params![
                tenant,
                case.map(|id| id.to_string()),
                i64::try_from(limit).unwrap_or(i64::MAX)
            ],
            raw_entry,
        )?
        .collect::<Result<Vec<_>, _>>()?;
    raw.into_iter().map(entry).collect()
}

/// A filtered page of a tenant's log, newest first, with the number of matches; page and
/// total describe the same moment (one read).
///
/// # Errors
/// Database failures, a stored case id that is no UUID.
pub fn query(tx: &ReadTx<'_>, query: &AuditQuery) -> StoreResult<AuditPage> {
    let conn = tx.sql();
    let filter = "tenant = ?1 AND (?2 IS NULL OR username = ?2) AND (?3 IS NULL OR case_id = ?3)";
    let case = query.case.map(|id| id.to_string());
    let total: i64 = conn
        .prepare_cached(&format!("SELECT count(*) FROM audit_log WHERE {filter}"))?
        .query_row(params![query.tenant, query.username, case], |r| r.get(0))?;
    let raw = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM audit_log
             WHERE {filter} ORDER BY seq DESC LIMIT ?4 OFFSET ?5"
        ))?
        .query_map(
            params![
                query.tenant,
                query.username,
                case,
                i64::try_from(query.limit).unwrap_or(i64::MAX),
                i64::try_from(query.offset).unwrap_or(i64::MAX)
            ],
            raw_entry,
        )?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(AuditPage {
        entries: raw
            .into_iter()
            .map(entry)
            .collect::<StoreResult<Vec<_>>>()?,
        total: u64::try_from(total).unwrap_or(0),
    })
}

/// The log's columns, in the order [`raw_entry`] reads them.
const COLUMNS: &str = "at, tenant, username, action, case_id, detail";

/// A row as read ([`COLUMNS`]), its case id not yet parsed: rows are collected while the
/// statement borrows the connection, and parsing can fail with a store error.
type RawEntry = (i64, String, String, String, Option<String>, String);

fn raw_entry(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawEntry> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
    ))
}

fn entry((at_ms, tenant, username, action, case_id, detail): RawEntry) -> StoreResult<AuditEntry> {
    let case_id = case_id
        .as_deref()
        .map(|id| {
            id.parse().map_err(|e| {
                StoreError::Invalid(format!("stored case id `{id}` is not a UUID: {e}"))
            })
        })
        .transpose()?;
    Ok(AuditEntry {
        at_ms,
        tenant,
        username,
        action,
        case_id,
        detail,
    })
}
