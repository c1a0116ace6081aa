//! Case documents as stored: a snapshot followed by appended change chunks, the projection
//! re-derived from them in the transaction of every write (so a reader never sees the two
//! disagree), compaction of the chunks into a new snapshot, and the server's receipt of each
//! change (who brought it, when) that the history shows.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, Transaction, params};
use schema::CaseId;

use super::sql::{limit, parse_id};
use super::{
    CaseRow, ChangeReceipt, ReadTx, StoreError, StoreResult, WriteTx, load_document, now_ms,
    projection,
};

/// The document's bytes: its snapshot followed by its appended change chunks.
pub(super) fn bytes(conn: &Connection, id: CaseId) -> StoreResult<Option<Vec<u8>>> {
    let id = id.to_string();
    let Some(mut bytes) = conn
        .prepare_cached("SELECT snapshot FROM documents WHERE id = ?1")?
        .query_row([&id], |r| r.get::<_, Vec<u8>>(0))
        .optional()?
    else {
        return Ok(None);
    };
    let mut stmt =
        conn.prepare_cached("SELECT bytes FROM doc_changes WHERE doc_id = ?1 ORDER BY seq")?;
    let mut rows = stmt.query([&id])?;
    while let Some(row) = rows.next()? {
        let chunk: Vec<u8> = row.get(0)?;
        bytes.extend_from_slice(&chunk);
    }
    Ok(Some(bytes))
}

/// Case `id`'s stored document bytes (a snapshot and change chunks), if it is stored.
///
/// # Errors
/// Database failures.
pub fn document(tx: &ReadTx<'_>, id: CaseId) -> StoreResult<Option<Vec<u8>>> {
    bytes(tx.sql(), id)
}

/// Appends `changes` (Automerge change chunks) to document `id`, creating an empty one first
/// if it is new.
pub(super) fn append(tx: &Transaction<'_>, id: CaseId, changes: &[u8]) -> StoreResult<()> {
    let now = now_ms();
    tx.prepare_cached(
        "INSERT OR IGNORE INTO documents (id, snapshot, created_at) VALUES (?1, x'', ?2)",
    )?
    .execute(params![id.to_string(), now])?;
    if !changes.is_empty() {
        tx.prepare_cached(
            "INSERT INTO doc_changes (doc_id, bytes, created_at) VALUES (?1, ?2, ?3)",
        )?
        .execute(params![id.to_string(), changes, now])?;
    }
    Ok(())
}

/// Stores `document` as a new case with its projection.
///
/// # Errors
/// [`StoreError::AlreadyExists`] for a stored case id, document errors.
pub fn insert(tx: &WriteTx<'_>, document: &[u8]) -> StoreResult<CaseRow> {
    let row = projection::project_bytes(document)?;
    let sql = tx.sql();
    let exists: bool = sql
        .prepare_cached("SELECT EXISTS(SELECT 1 FROM documents WHERE id = ?1)")?
        .query_row([row.id.to_string()], |r| r.get(0))?;
    if exists {
        return Err(StoreError::AlreadyExists(format!(
            "case {} exists already",
            row.id
        )));
    }
    sql.prepare_cached("INSERT INTO documents (id, snapshot, created_at) VALUES (?1, ?2, ?3)")?
        .execute(params![row.id.to_string(), document, now_ms()])?;
    write_projection(sql, &row)?;
    Ok(row)
}

/// Writes `row` as its case's projection, with the search text and photo rows when they
/// changed.
pub(super) fn write_projection(tx: &Transaction<'_>, row: &CaseRow) -> StoreResult<()> {
    // Most merges change neither the searchable text nor the photos; rewriting the trigram
    // index and the photo rows anyway was a good part of every merge's write.
    let before: Option<(String, Option<String>, String, String)> = tx
        .prepare_cached("SELECT title, address, answers, status FROM cases WHERE id = ?1")?
        .query_row([row.id.to_string()], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .optional()?;
    if let Some((_, _, _, status)) = &before
        && *status != row.status
    {
        // A citizen's request keeps where it stood, written with the change that moved it.
        super::citizen_requests::status_changed(tx, row.id, &row.status, now_ms())?;
    }
    let text_unchanged = before.is_some_and(|(title, address, answers, _)| {
        title == row.title && address == row.address && answers == row.answers
    });
    let photos_before: Vec<String> = tx
        .prepare_cached("SELECT sha256 FROM case_photos WHERE case_id = ?1 ORDER BY sha256")?
        .query_map([row.id.to_string()], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    tx.prepare_cached(
        "INSERT INTO cases (id, tenant, template_id, template_version, status, created_by,
             assignee, lat, lon, address, title, created_at, updated_at, heads, answers)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
         ON CONFLICT(id) DO UPDATE SET tenant = excluded.tenant,
             template_id = excluded.template_id, template_version = excluded.template_version,
             status = excluded.status, created_by = excluded.created_by,
             assignee = excluded.assignee, lat = excluded.lat, lon = excluded.lon,
             address = excluded.address, title = excluded.title,
             created_at = excluded.created_at, updated_at = excluded.updated_at,
             heads = excluded.heads, answers = excluded.answers",
    )?
    .execute(params![
        row.id.to_string(),
        row.tenant,
        row.template_id,
        row.template_version,
        row.status,
        row.created_by,
        row.assignee,
        row.lat,
        row.lon,
        row.address,
        row.title,
        row.created_at,
        row.updated_at,
        row.heads,
        row.answers,
    ])?;
    if !text_unchanged {
        let search_text = [
            row.title.as_str(),
            row.address.as_deref().unwrap_or(""),
            &row.answers,
        ]
        .join("\n");
        tx.prepare_cached(
            "DELETE FROM cases_search WHERE rowid = (SELECT rowid FROM cases WHERE id = ?1)",
        )?
        .execute([row.id.to_string()])?;
        tx.prepare_cached(
            "INSERT INTO cases_search (rowid, text) SELECT rowid, ?2 FROM cases WHERE id = ?1",
        )?
        .execute(params![row.id.to_string(), search_text])?;
    }
    // `row.photos` is sorted and deduplicated (`projection::from_case`).
    if photos_before != row.photos {
        tx.prepare_cached("DELETE FROM case_photos WHERE case_id = ?1")?
            .execute([row.id.to_string()])?;
        let mut insert = tx.prepare_cached(
            "INSERT OR IGNORE INTO case_photos (case_id, sha256) VALUES (?1, ?2)",
        )?;
        for sha in &row.photos {
            insert.execute(params![row.id.to_string(), sha])?;
        }
    }
    Ok(())
}

/// Reprojects a document from what the transaction sees (including concurrent merges that
/// committed before it), so the projection always matches the stored document.
pub(super) fn reproject(tx: &Transaction<'_>, id: CaseId) -> StoreResult<CaseRow> {
    let bytes =
        bytes(tx, id)?.ok_or_else(|| StoreError::NotFound(format!("case {id} is not stored")))?;
    let row = projection::project_bytes(&bytes)?;
    if row.id != id {
        return Err(StoreError::Invalid(format!(
            "document {id} holds case {}; refusing to project it",
            row.id
        )));
    }
    write_projection(tx, &row)?;
    Ok(row)
}

/// Re-derives every case's projection from its document; returns how many.
///
/// # Errors
/// Database failures, a document that cannot be projected (nothing is written then).
pub fn rebuild_projection(tx: &WriteTx<'_>) -> StoreResult<usize> {
    let sql = tx.sql();
    let ids = sql
        .prepare("SELECT id FROM documents ORDER BY id")?
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<Result<Vec<_>, _>>()?;
    sql.prepare_cached("DELETE FROM cases")?.execute([])?;
    sql.prepare_cached("DELETE FROM cases_search")?
        .execute([])?;
    for id in &ids {
        reproject(sql, parse_id(id)?)?;
    }
    Ok(ids.len())
}

/// The cases with more than `min_rows` appended change chunks.
///
/// # Errors
/// Database failures.
pub fn compaction_candidates(tx: &ReadTx<'_>, min_rows: usize) -> StoreResult<Vec<CaseId>> {
    let ids = tx
        .sql()
        .prepare_cached("SELECT doc_id FROM doc_changes GROUP BY doc_id HAVING count(*) > ?1")?
        .query_map([limit(min_rows)], |r| r.get::<_, String>(0))?
        .collect::<Result<Vec<_>, _>>()?;
    ids.iter().map(|id| parse_id(id)).collect()
}

/// Folds case `id`'s change chunks into a new snapshot; whether there was anything to fold.
///
/// # Errors
/// [`StoreError::Invalid`] when the snapshot would not load to the same heads (the chunks
/// are kept then), document and database failures.
pub fn compact(tx: &WriteTx<'_>, id: CaseId) -> StoreResult<bool> {
    let sql = tx.sql();
    let rows: i64 = sql
        .prepare_cached("SELECT count(*) FROM doc_changes WHERE doc_id = ?1")?
        .query_row([id.to_string()], |r| r.get(0))?;
    if rows == 0 {
        return Ok(false);
    }
    let Some(bytes) = bytes(sql, id)? else {
        return Ok(false);
    };
    let mut doc = load_document(&bytes)?;
    let heads = doc.get_heads();
    let snapshot = doc.save();
    // Never replace what we have by something that does not load to the same state.
    let mut check = load_document(&snapshot)?;
    if check.get_heads() != heads {
        return Err(StoreError::Invalid(format!(
            "compacting case {id} changed its heads; kept the change rows"
        )));
    }
    sql.prepare_cached("UPDATE documents SET snapshot = ?2 WHERE id = ?1")?
        .execute(params![id.to_string(), snapshot])?;
    sql.prepare_cached("DELETE FROM doc_changes WHERE doc_id = ?1")?
        .execute([id.to_string()])?;
    Ok(true)
}

/// Records that staff user `username` made change `hash` of case `id` at `now`.
pub(super) fn record_staff_receipt(
    tx: &Transaction<'_>,
    id: CaseId,
    hash: &str,
    username: &str,
    now: i64,
) -> StoreResult<()> {
    tx.prepare_cached(
        "INSERT OR IGNORE INTO change_receipts
             (case_id, hash, username, device_id, received_at, stated_at)
         VALUES (?1, ?2, ?3, NULL, ?4, NULL)",
    )?
    .execute(params![id.to_string(), hash, username, now])?;
    Ok(())
}

/// The server's receipts of case `id`'s changes, by change hash.
///
/// # Errors
/// Database failures.
pub fn change_receipts(tx: &ReadTx<'_>, id: CaseId) -> StoreResult<HashMap<String, ChangeReceipt>> {
    let mut stmt = tx.sql().prepare_cached(
        "SELECT hash, username, device_id, received_at, stated_at
         FROM change_receipts WHERE case_id = ?1",
    )?;
    let rows = stmt.query_map([id.to_string()], |r| {
        Ok((
            r.get::<_, String>(0)?,
            ChangeReceipt {
                username: r.get(1)?,
                device_id: r.get(2)?,
                received_at_ms: r.get(3)?,
                stated_at_ms: r.get(4)?,
            },
        ))
    })?;
    Ok(rows.collect::<Result<HashMap<_, _>, _>>()?)
}
