//! Cases, written over the store's transaction primitive ([`super::WriteTx`]): so far the
//! edit the back office makes, which a caller combines with other aggregates' writes in one
//! transaction — `store.write(|tx| { let case = cases::edit(tx, …)?; audit::append(tx, &entry)?;
//! Ok(case) })` — so a staff action is never done without being logged, nor logged without
//! being done.

use schema::write_rules::{self, Writer};
use schema::{CaseDocument, CaseId, ChangeAuthor, InspectionCase};

use super::sqlite::{append_change, document_bytes, record_staff_receipt, reproject};
use super::{StoreError, StoreResult, WriteTx, now_ms};

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
    let bytes = document_bytes(sql, id)?
        .ok_or_else(|| StoreError::NotFound(format!("there is no case {id}")))?;
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
    append_change(sql, id, &changes)?;
    reproject(sql, id)?;
    // The edit is one change: the document's only head now.
    let now = now_ms();
    for hash in doc.heads() {
        record_staff_receipt(sql, id, &hash.to_string(), &writer.username, now)?;
    }
    Ok(case)
}
