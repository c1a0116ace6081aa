//! Cases as the projection shows them (a row, a principal's list, what access decisions
//! need), and the edit the back office makes, which a caller combines with other
//! aggregates' writes in one transaction — `store.write(|tx| { let case = cases::edit(tx,
//! …)?; audit::append(tx, &entry)?; Ok(case) })` — so a staff action is never done without
//! being logged, nor logged without being done. The documents themselves are
//! [`super::documents`]; the queue's filtered pages [`super::case_query`].

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, params};
use schema::write_rules::{self, Writer};
use schema::{CaseDocument, CaseId, ChangeAuthor, InspectionCase};

use super::documents::{append, bytes, record_staff_receipt, reproject};
use super::sql::{parse_id, visibility_params, visible};
use super::{CaseAccess, CaseRow, ReadTx, StoreError, StoreResult, Visibility, WriteTx, now_ms};

/// The projection's columns, in the order [`case_row_from`] reads them.
pub(super) const CASE_COLUMNS: &str = "id, tenant, template_id, template_version, status, \
     created_by, assignee, lat, lon, address, title, created_at, updated_at, heads, answers";

/// A row of [`CASE_COLUMNS`], with the case's photos.
pub(super) fn case_row_from(conn: &Connection, r: &rusqlite::Row<'_>) -> StoreResult<CaseRow> {
    let id: String = r.get(0)?;
    let mut stmt =
        conn.prepare_cached("SELECT sha256 FROM case_photos WHERE case_id = ?1 ORDER BY sha256")?;
    let photos = stmt
        .query_map([&id], |p| p.get::<_, String>(0))?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(CaseRow {
        id: parse_id(&id)?,
        tenant: r.get(1)?,
        template_id: r.get(2)?,
        template_version: r.get(3)?,
        status: r.get(4)?,
        created_by: r.get(5)?,
        assignee: r.get(6)?,
        lat: r.get(7)?,
        lon: r.get(8)?,
        address: r.get(9)?,
        title: r.get(10)?,
        created_at: r.get(11)?,
        updated_at: r.get(12)?,
        heads: r.get(13)?,
        answers: r.get(14)?,
        photos,
    })
}

/// Case `id`'s projection, if it is stored.
///
/// # Errors
/// Database failures.
pub fn row(tx: &ReadTx<'_>, id: CaseId) -> StoreResult<Option<CaseRow>> {
    let conn = tx.sql();
    let mut stmt =
        conn.prepare_cached(&format!("SELECT {CASE_COLUMNS} FROM cases WHERE id = ?1"))?;
    let mut rows = stmt.query([id.to_string()])?;
    match rows.next()? {
        Some(r) => Ok(Some(case_row_from(conn, r)?)),
        None => Ok(None),
    }
}

/// The heads ([`sync_protocol::heads_key`] form) the projection records for case `id`: what
/// its document is at, in this snapshot.
///
/// # Errors
/// Database failures.
pub fn heads(tx: &ReadTx<'_>, id: CaseId) -> StoreResult<Option<String>> {
    Ok(tx
        .sql()
        .prepare_cached("SELECT heads FROM cases WHERE id = ?1")?
        .query_row([id.to_string()], |r| r.get(0))
        .optional()?)
}

/// Every case `visibility` sees, most recently changed first.
///
/// # Errors
/// Database failures.
pub fn list(tx: &ReadTx<'_>, visibility: &Visibility) -> StoreResult<Vec<CaseRow>> {
    let (tenant, officer) = visibility_params(visibility);
    let conn = tx.sql();
    let columns = CASE_COLUMNS.replace(", ", ", c.");
    let mut stmt = conn.prepare(&format!(
        "SELECT c.{columns} FROM cases c WHERE {} ORDER BY c.updated_at DESC, c.id",
        visible(visibility)
    ))?;
    let mut rows = stmt.query(params![tenant, officer])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(case_row_from(conn, r)?);
    }
    Ok(out)
}

/// What access decisions need of each stored case among `ids` (unknown ids are left out).
///
/// # Errors
/// Database failures.
pub fn access(tx: &ReadTx<'_>, ids: &[CaseId]) -> StoreResult<HashMap<CaseId, CaseAccess>> {
    let mut stmt = tx
        .sql()
        .prepare_cached("SELECT tenant, created_by, assignee, status FROM cases WHERE id = ?1")?;
    let mut out = HashMap::new();
    for id in ids {
        if let Some(access) = stmt
            .query_row([id.to_string()], |r| {
                Ok(CaseAccess {
                    tenant: r.get(0)?,
                    created_by: r.get(1)?,
                    assignee: r.get(2)?,
                    status: r.get::<_, String>(3)?.parse().ok(),
                })
            })
            .optional()?
        {
            out.insert(*id, access);
        }
    }
    Ok(out)
}

/// Edits case `id` as `author` in one Automerge change: `edit` sees the case as stored and
/// may refuse it, and the change must be one the write rules let `writer` make
/// ([`write_rules::check_change`]). A refusal becomes [`StoreError::Refused`] and nothing is
/// written, since the transaction does not commit; the projection is re-derived in the same
/// transaction.
///
/// # Errors
/// [`StoreError::Refused`] with `edit`'s reason or the broken rule, [`StoreError::NotFound`]
/// for an unknown case, document errors.
pub fn edit(
    tx: &WriteTx<'_>,
    id: CaseId,
    author: &ChangeAuthor,
    writer: &Writer,
    edit: &mut dyn FnMut(&mut InspectionCase) -> Result<(), String>,
) -> StoreResult<InspectionCase> {
    let sql = tx.sql();
    let bytes =
        bytes(sql, id)?.ok_or_else(|| StoreError::NotFound(format!("there is no case {id}")))?;
    let mut doc = CaseDocument::load(&bytes)?;
    let before = doc.heads();
    let mut refused = None;
    let case = doc.edit(author, now_ms(), |case| {
        let stored = case.clone();
        refused = edit(case).err().or_else(|| {
            write_rules::check_change(writer, &stored, case)
                .err()
                .map(|broken| broken.to_string())
        });
    })?;
    if let Some(reason) = refused {
        return Err(StoreError::Refused(reason));
    }
    let changes = doc.automerge_mut().save_after(&before);
    append(sql, id, &changes)?;
    reproject(sql, id)?;
    // The edit is one change: the document's only head now.
    let now = now_ms();
    for hash in doc.heads() {
        record_staff_receipt(sql, id, &hash.to_string(), &writer.username, now)?;
    }
    Ok(case)
}
