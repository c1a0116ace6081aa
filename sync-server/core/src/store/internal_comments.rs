//! Internal comments of the back office, an aggregate of its own: kept in the server's
//! table and never in the case document, which every tablet of the case holds whole. The
//! back office writes one with its audit entry in one transaction; the case as staff see it
//! (page, PDF) is the document's case with these merged in.

use rusqlite::{Connection, params};
use schema::{CaseDocument, CaseId, ChangeAuthor, Comment, InspectionCase, Stamp};

use super::documents::{append, record_staff_receipt, reproject};
use super::{ReadTx, StoreError, StoreResult, WriteTx, now_ms};

/// The name the server's own changes to a document carry (here: moving internal comments
/// out of it).
pub const SERVER_AUTHOR: &str = "naper-server";

/// Keeps `comment` (internal) for case `case`.
///
/// # Errors
/// [`StoreError::AlreadyExists`] for a comment id already kept, database errors.
pub fn add(tx: &WriteTx<'_>, case: CaseId, comment: &Comment) -> StoreResult<()> {
    insert(tx.sql(), case, comment)
}

fn insert(conn: &Connection, case: CaseId, comment: &Comment) -> StoreResult<()> {
    let added = conn
        .prepare_cached(
            "INSERT OR IGNORE INTO internal_comments (id, case_id, author, written_at, text)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![
            comment.id.to_string(),
            case.to_string(),
            comment.written.by,
            comment.written.at_ms,
            comment.text
        ])?;
    if added == 0 {
        return Err(StoreError::AlreadyExists(format!(
            "the internal comment {} is kept already",
            comment.id
        )));
    }
    Ok(())
}

/// The internal comments of case `case`, oldest first.
///
/// # Errors
/// Database errors, a stored id that is no UUID.
pub fn of_case(tx: &ReadTx<'_>, case: CaseId) -> StoreResult<Vec<Comment>> {
    let mut statement = tx.sql().prepare_cached(
        "SELECT id, author, written_at, text FROM internal_comments
         WHERE case_id = ?1 ORDER BY written_at, id",
    )?;
    let rows = statement.query_map([case.to_string()], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, String>(3)?,
        ))
    })?;
    let mut comments = Vec::new();
    for row in rows {
        let (id, by, at_ms, text) = row?;
        let id = id.parse().map_err(|_| {
            StoreError::Invalid(format!("stored internal comment id `{id}` is not a UUID"))
        })?;
        comments.push(Comment {
            id,
            written: Stamp { by, at_ms },
            text,
            internal: true,
        });
    }
    Ok(comments)
}

/// Moves the internal comments that earlier versions wrote into case `id`'s document into
/// the table, and deletes them from the document in one change of the server's own (with its
/// receipt), so tablets lose them at their next sync. Returns how many moved. Earlier
/// changes of the document still hold their text: a device that syncs the document whole
/// receives that history, though the case it reads no longer shows them.
///
/// # Errors
/// Document and database errors.
pub(super) fn move_out_of_document(
    conn: &rusqlite::Transaction<'_>,
    id: CaseId,
    doc: &mut CaseDocument,
    case: &InspectionCase,
) -> StoreResult<usize> {
    let internal: Vec<&Comment> = case.comments.iter().filter(|c| c.internal).collect();
    if internal.is_empty() {
        return Ok(0);
    }
    for comment in &internal {
        match insert(conn, id, comment) {
            Ok(()) | Err(StoreError::AlreadyExists(_)) => {}
            Err(e) => return Err(e),
        }
    }
    let before = doc.heads();
    let author = ChangeAuthor {
        user: SERVER_AUTHOR.into(),
        device: None,
    };
    doc.edit(&author, now_ms(), |case| {
        case.comments.retain(|c| !c.internal)
    })?;
    let changes = doc.automerge_mut().save_after(&before);
    append(conn, id, &changes)?;
    reproject(conn, id)?;
    let now = now_ms();
    for hash in doc.heads() {
        record_staff_receipt(conn, id, &hash.to_string(), SERVER_AUTHOR, now)?;
    }
    Ok(internal.len())
}
