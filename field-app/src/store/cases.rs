//! Case documents: a base snapshot plus append-only incremental saves.
//!
//! Every edit is one SQLite transaction that appends the edit's Automerge changes (the bytes
//! `CaseDocument::save_incremental` would give for a document kept open since its last save,
//! computed as the changes after the stored heads) and rewrites the list projection. Loading
//! concatenates the snapshot and the changes in order. A case with many change rows is
//! compacted: the snapshot is rewritten from the loaded document and the rows are deleted, in
//! the same transaction.

use automerge::{AutoCommit, ChangeHash};
use rusqlite::{OptionalExtension, Transaction, TransactionBehavior, params};
use schema::{CaseDocument, CaseId};
use sync_protocol::{heads_key, parse_heads_key};

use super::LocalStore;
use crate::error::{FieldAppError, Result};

/// Whether a case is on the server as it is here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncMark {
    /// The server has exactly this state.
    Synced,
    /// Edited since the last successful sync (or never synced).
    Dirty,
    /// The server refused the case at the last sync; it is kept here. The server's reason.
    Rejected(String),
}

impl SyncMark {
    /// `synced`, `dirty` or `rejected`.
    pub fn as_str(&self) -> &'static str {
        match self {
            SyncMark::Synced => "synced",
            SyncMark::Dirty => "dirty",
            SyncMark::Rejected(_) => "rejected",
        }
    }
}

/// A case as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseSummary {
    /// The case id.
    pub id: CaseId,
    /// Its status (`draft`, …), or `unknown` when the document cannot be read.
    pub status: String,
    /// Its title.
    pub title: String,
    /// Template id.
    pub template_id: String,
    /// Template version.
    pub template_version: u32,
    /// Last change, ms since the epoch.
    pub updated_at_ms: i64,
    /// Sync state towards the enrolled server.
    pub sync: SyncMark,
    /// Photos of the case still to upload.
    pub pending_uploads: u32,
    /// User name of the officer the case is assigned to, if any.
    pub assignee: Option<String>,
    /// User name of who created the case.
    pub created_by: String,
}

/// The list columns of a case, read from its document.
struct Projection {
    status: String,
    title: String,
    template_id: String,
    template_version: u32,
    updated_at_ms: i64,
    assignee: Option<String>,
    created_by: String,
    /// The SHA-256 addresses of the case's photos, space-separated: which blobs a case still
    /// refers to, without reading every document.
    photo_shas: String,
}

impl Projection {
    fn of(doc: &CaseDocument) -> Self {
        match doc.hydrate() {
            Ok(case) => Projection {
                status: case.status.as_str().to_string(),
                title: case.title,
                template_id: case.template.id,
                template_version: case.template.version,
                updated_at_ms: case.updated.at_ms,
                assignee: case.assigned_officer,
                created_by: case.created.by,
                photo_shas: case
                    .photos
                    .iter()
                    .map(|p| p.sha256.as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
            },
            // A document this build cannot read (e.g. from a newer app) is kept untouched.
            Err(_) => Projection {
                status: "unknown".into(),
                title: "(cannot be shown by this version of the app)".into(),
                template_id: String::new(),
                template_version: 0,
                updated_at_ms: 0,
                assignee: None,
                created_by: String::new(),
                photo_shas: String::new(),
            },
        }
    }

    fn of_bytes(bytes: &[u8]) -> Self {
        match CaseDocument::load(bytes) {
            Ok(doc) => Self::of(&doc),
            Err(_) => Projection {
                status: "unknown".into(),
                title: "(cannot be shown by this version of the app)".into(),
                template_id: String::new(),
                template_version: 0,
                updated_at_ms: 0,
                assignee: None,
                created_by: String::new(),
                photo_shas: String::new(),
            },
        }
    }
}

/// The stored bytes of a case: snapshot followed by every change row, in order.
pub(crate) fn read_bytes(conn: &rusqlite::Connection, id: CaseId) -> Result<Option<Vec<u8>>> {
    let Some(mut bytes) = conn
        .query_row(
            "SELECT snapshot FROM cases WHERE id = ?1",
            params![id.to_string()],
            |r| r.get::<_, Vec<u8>>(0),
        )
        .optional()?
    else {
        return Ok(None);
    };
    let mut stmt =
        conn.prepare_cached("SELECT bytes FROM case_changes WHERE case_id = ?1 ORDER BY seq")?;
    let mut rows = stmt.query(params![id.to_string()])?;
    while let Some(row) = rows.next()? {
        let change: Vec<u8> = row.get(0)?;
        bytes.extend_from_slice(&change);
    }
    Ok(Some(bytes))
}

/// The stored heads of a case.
pub(crate) fn stored_heads(tx: &rusqlite::Connection, id: CaseId) -> Result<Option<String>> {
    Ok(tx
        .query_row(
            "SELECT heads FROM cases WHERE id = ?1",
            params![id.to_string()],
            |r| r.get(0),
        )
        .optional()?)
}

/// Inserts a new case row from a whole saved document.
pub(crate) fn insert_row(
    tx: &Transaction<'_>,
    id: CaseId,
    snapshot: &[u8],
    heads: &str,
) -> Result<()> {
    let p = Projection::of_bytes(snapshot);
    tx.execute(
        "INSERT INTO cases (id, snapshot, heads, change_count, status, title, template_id,
                            template_version, updated_at_ms, assigned_officer, created_by,
                            photo_shas)
         VALUES (?1, ?2, ?3, 0, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            id.to_string(),
            snapshot,
            heads,
            p.status,
            p.title,
            p.template_id,
            p.template_version,
            p.updated_at_ms,
            p.assignee,
            p.created_by,
            p.photo_shas
        ],
    )?;
    Ok(())
}

/// Appends changes to a case and records its new heads and projection; compacts when the
/// case has more than `compact_after` change rows.
pub(crate) fn append(
    tx: &Transaction<'_>,
    id: CaseId,
    changes: &[u8],
    heads: &str,
    projection_from: Option<&CaseDocument>,
    compact_after: u32,
) -> Result<()> {
    tx.execute(
        "INSERT INTO case_changes (case_id, bytes) VALUES (?1, ?2)",
        params![id.to_string(), changes],
    )?;
    let p = match projection_from {
        Some(doc) => Projection::of(doc),
        None => {
            let bytes = read_bytes(tx, id)?.unwrap_or_default();
            Projection::of_bytes(&bytes)
        }
    };
    tx.execute(
        "UPDATE cases SET heads = ?2, change_count = change_count + 1, status = ?3, title = ?4,
                template_id = ?5, template_version = ?6, updated_at_ms = ?7,
                assigned_officer = ?8, created_by = ?9, photo_shas = ?10
         WHERE id = ?1",
        params![
            id.to_string(),
            heads,
            p.status,
            p.title,
            p.template_id,
            p.template_version,
            p.updated_at_ms,
            p.assignee,
            p.created_by,
            p.photo_shas
        ],
    )?;
    let count: u32 = tx.query_row(
        "SELECT change_count FROM cases WHERE id = ?1",
        params![id.to_string()],
        |r| r.get(0),
    )?;
    if count > compact_after {
        compact_in(tx, id)?;
    }
    Ok(())
}

/// Fills the projected assignee, creator and photo addresses of every stored case from its
/// document (the migration that added the columns; later writes keep them current).
pub(super) fn fill_assignment(tx: &Transaction<'_>) -> Result<()> {
    let ids: Vec<String> = {
        let mut stmt = tx.prepare("SELECT id FROM cases")?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        rows.collect::<std::result::Result<_, _>>()?
    };
    for raw in ids {
        let Ok(id) = raw.parse::<CaseId>() else {
            continue;
        };
        let bytes = read_bytes(tx, id)?.unwrap_or_default();
        let p = Projection::of_bytes(&bytes);
        tx.execute(
            "UPDATE cases SET assigned_officer = ?2, created_by = ?3, photo_shas = ?4
             WHERE id = ?1",
            params![raw, p.assignee, p.created_by, p.photo_shas],
        )?;
    }
    Ok(())
}

/// Rewrites the snapshot of a case from snapshot + changes and deletes the change rows.
fn compact_in(tx: &Transaction<'_>, id: CaseId) -> Result<()> {
    let Some(bytes) = read_bytes(tx, id)? else {
        return Ok(());
    };
    // The raw document, not upgraded: compaction keeps exactly the stored changes.
    let mut doc = AutoCommit::load(&bytes).map_err(|e| {
        FieldAppError::from(schema::Error::CorruptDocument(format!(
            "case {id} cannot be compacted: {e}"
        )))
    })?;
    let snapshot = doc.save();
    tx.execute(
        "UPDATE cases SET snapshot = ?2, change_count = 0 WHERE id = ?1",
        params![id.to_string(), snapshot],
    )?;
    tx.execute(
        "DELETE FROM case_changes WHERE case_id = ?1",
        params![id.to_string()],
    )?;
    Ok(())
}

/// The heads of a document as stored (without upgrades applied in memory).
pub(crate) fn raw_heads(bytes: &[u8]) -> Result<Vec<ChangeHash>> {
    let mut doc = AutoCommit::load(bytes)
        .map_err(|e| FieldAppError::from(schema::Error::CorruptDocument(e.to_string())))?;
    Ok(doc.get_heads())
}

impl LocalStore {
    /// Stores a newly created case document (one transaction). Returns its id.
    ///
    /// # Errors
    /// [`FieldAppError::Invalid`] when a case with the id exists, [`FieldAppError::Store`],
    /// [`FieldAppError::Schema`].
    pub fn insert_case(&mut self, doc: &mut CaseDocument) -> Result<CaseId> {
        let id = doc.hydrate()?.id;
        let heads = heads_key(&doc.heads());
        let snapshot = doc.save();
        let tx = self
            .conn_mut()
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        if stored_heads(&tx, id)?.is_some() {
            return Err(FieldAppError::Invalid(format!("case {id} already exists")));
        }
        insert_row(&tx, id, &snapshot, &heads)?;
        tx.commit()?;
        Ok(id)
    }

    /// Loads a case document (upgraded to this build's layout in memory).
    ///
    /// # Errors
    /// [`FieldAppError::NotFound`], [`FieldAppError::Store`], [`FieldAppError::Schema`].
    pub fn load_case(&self, id: CaseId) -> Result<CaseDocument> {
        let bytes = read_bytes(self.conn(), id)?.ok_or_else(|| not_found(id))?;
        Ok(CaseDocument::load(&bytes)?)
    }

    /// The stored bytes of a case (snapshot and changes), loadable with `CaseDocument::load`.
    ///
    /// # Errors
    /// [`FieldAppError::Store`].
    pub fn case_bytes(&self, id: CaseId) -> Result<Option<Vec<u8>>> {
        read_bytes(self.conn(), id)
    }

    /// Changes a case as one transaction: loads it, lets `change` edit it (e.g. with
    /// `CaseDocument::edit` or `change_status`), appends the resulting Automerge changes and
    /// commits. When `change` fails, nothing is written. Returns what `change` returned.
    ///
    /// # Errors
    /// [`FieldAppError::NotFound`], the error of `change`, [`FieldAppError::Store`].
    pub fn update_case<T>(
        &mut self,
        id: CaseId,
        change: impl FnOnce(&mut CaseDocument) -> Result<T>,
    ) -> Result<T> {
        self.update_case_with(id, |doc, _| change(doc))
    }

    /// As [`LocalStore::update_case`], and `change` may write further rows in the same
    /// transaction (a photo's blob row and upload, for instance).
    pub(crate) fn update_case_with<T>(
        &mut self,
        id: CaseId,
        change: impl FnOnce(&mut CaseDocument, &Transaction<'_>) -> Result<T>,
    ) -> Result<T> {
        let compact_after = self.compact_after;
        // IMMEDIATE: the write lock is taken before reading, so no other connection appends
        // between our read and our write and the stored heads stay exact.
        let tx = self
            .conn_mut()
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let before = stored_heads(&tx, id)?.ok_or_else(|| not_found(id))?;
        let bytes = read_bytes(&tx, id)?.ok_or_else(|| not_found(id))?;
        let mut doc = CaseDocument::load(&bytes)?;
        let out = change(&mut doc, &tx)?;
        let after = heads_key(&doc.heads());
        if after != before {
            // Everything the stored bytes lack: the edit, and any upgrade applied on load.
            let changes = doc.automerge_mut().save_after(&parse_heads_key(&before));
            append(&tx, id, &changes, &after, Some(&doc), compact_after)?;
        }
        tx.commit()?;
        Ok(out)
    }

    /// Rewrites a case's snapshot from its changes (normally automatic).
    ///
    /// # Errors
    /// [`FieldAppError::Store`], [`FieldAppError::Schema`].
    pub fn compact_case(&mut self, id: CaseId) -> Result<()> {
        let tx = self
            .conn_mut()
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        compact_in(&tx, id)?;
        tx.commit()?;
        Ok(())
    }

    /// Number of change rows of a case not yet folded into its snapshot.
    ///
    /// # Errors
    /// [`FieldAppError::Store`].
    pub fn pending_changes(&self, id: CaseId) -> Result<u32> {
        Ok(self.conn().query_row(
            "SELECT count(*) FROM case_changes WHERE case_id = ?1",
            params![id.to_string()],
            |r| r.get(0),
        )?)
    }

    /// Every case id, oldest first (ids are UUIDv7).
    ///
    /// # Errors
    /// [`FieldAppError::Store`].
    pub fn case_ids(&self) -> Result<Vec<CaseId>> {
        let mut stmt = self.conn().prepare("SELECT id FROM cases ORDER BY id")?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        let mut ids = Vec::new();
        for row in rows {
            if let Ok(id) = row?.parse() {
                ids.push(id);
            }
        }
        Ok(ids)
    }

    /// Every case with its sync mark towards the enrolled server and its pending uploads.
    ///
    /// # Errors
    /// [`FieldAppError::Store`].
    pub fn list_cases(&self) -> Result<Vec<CaseSummary>> {
        let peer = self.enrollment()?.map(|e| e.peer()).unwrap_or_default();
        let mut stmt = self.conn().prepare(
            "SELECT c.id, c.status, c.title, c.template_id, c.template_version, c.updated_at_ms,
                    s.synced_heads IS c.heads, s.rejected,
                    (SELECT count(*) FROM outbox o WHERE o.case_id = c.id), c.assigned_officer,
                    c.created_by
             FROM cases c LEFT JOIN sync_states s ON s.case_id = c.id AND s.peer = ?1
             ORDER BY c.id",
        )?;
        let rows = stmt.query_map(params![peer], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, u32>(4)?,
                r.get::<_, i64>(5)?,
                r.get::<_, bool>(6)?,
                r.get::<_, Option<String>>(7)?,
                r.get::<_, u32>(8)?,
                r.get::<_, Option<String>>(9)?,
                r.get::<_, String>(10)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (
                id,
                status,
                title,
                template_id,
                template_version,
                updated,
                synced,
                rejected,
                n,
                assignee,
                created_by,
            ) = row?;
            let Ok(id) = id.parse() else { continue };
            let sync = match (synced, rejected) {
                (true, _) => SyncMark::Synced,
                (false, Some(reason)) => SyncMark::Rejected(reason),
                (false, None) => SyncMark::Dirty,
            };
            out.push(CaseSummary {
                id,
                status,
                title,
                template_id,
                template_version,
                updated_at_ms: updated,
                sync,
                pending_uploads: n,
                assignee,
                created_by,
            });
        }
        Ok(out)
    }
}

fn not_found(id: CaseId) -> FieldAppError {
    FieldAppError::NotFound(format!(
        "there is no case {id} on this tablet; `field-app list` shows the cases here"
    ))
}

#[cfg(test)]
pub(crate) mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use schema::{ChangeAuthor, FieldValue, InspectionCase, Template};

    pub(crate) const TEMPLATE: &str = r#"{"id":"t","version":1,"category":"c","title":{"de":"T","en":"T"},
      "sections":[{"key":"s","title":{"de":"S","en":"S"},"fields":[
        {"key":"note","type":"long_text","label":{"de":"N","en":"N"}},
        {"key":"count","type":"integer","label":{"de":"C","en":"C"}}]}]}"#;

    pub(crate) fn author() -> ChangeAuthor {
        ChangeAuthor {
            user: "a.abel".into(),
            device: Some("dev-1".into()),
        }
    }

    pub(crate) fn new_case(store: &mut LocalStore) -> CaseId {
        let template = Template::from_json(TEMPLATE).unwrap();
        let case = InspectionCase::new_draft(&template, "stadt", "a.abel", 0);
        let mut doc = CaseDocument::create(&case, &author()).unwrap();
        store.insert_case(&mut doc).unwrap()
    }

    #[test]
    fn edits_append_and_compaction_keeps_everything() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = LocalStore::open(dir.path()).unwrap();
        store.set_compact_after(5);
        let id = new_case(&mut store);
        for i in 0..12 {
            store
                .update_case(id, |doc| {
                    Ok(doc.edit(&author(), i, |c| {
                        c.fields.insert("count".into(), FieldValue::Integer(i));
                    })?)
                })
                .unwrap();
        }
        // 12 appends with compaction after more than 5: 12 = 6 (compacted) + 6 (compacted) + 0.
        assert!(store.pending_changes(id).unwrap() <= 5);
        let case = store.load_case(id).unwrap().hydrate().unwrap();
        assert_eq!(case.fields.get("count"), Some(&FieldValue::Integer(11)));
        // The stored heads are the document's heads.
        let bytes = store.case_bytes(id).unwrap().unwrap();
        let heads = heads_key(&raw_heads(&bytes).unwrap());
        assert_eq!(stored_heads(store.conn(), id).unwrap().unwrap(), heads);
        let listed = store.list_cases().unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].status, "draft");
        assert_eq!(listed[0].sync, SyncMark::Dirty);
    }

    #[test]
    fn a_failed_edit_writes_nothing_and_a_no_op_appends_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = LocalStore::open(dir.path()).unwrap();
        let id = new_case(&mut store);
        let before = store.case_bytes(id).unwrap();
        let err = store
            .update_case(id, |doc| {
                doc.edit(&author(), 1, |c| c.title = "x".into())?;
                Err::<(), _>(FieldAppError::Invalid("no".into()))
            })
            .unwrap_err();
        assert!(matches!(err, FieldAppError::Invalid(_)));
        assert_eq!(store.case_bytes(id).unwrap(), before);
        store.update_case(id, |_| Ok(())).unwrap();
        assert_eq!(store.pending_changes(id).unwrap(), 0);
        assert!(matches!(
            store.update_case(CaseId::new(), |_| Ok(())),
            Err(FieldAppError::NotFound(_))
        ));
    }

    #[test]
    fn each_edit_stores_only_its_own_changes() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = LocalStore::open(dir.path()).unwrap();
        let id = new_case(&mut store);
        let snapshot_len = store.case_bytes(id).unwrap().unwrap().len();
        store
            .update_case(id, |doc| {
                Ok(doc.edit(&author(), 1, |c| c.title = "a".into())?)
            })
            .unwrap();
        let first = store.case_bytes(id).unwrap().unwrap().len() - snapshot_len;
        store
            .update_case(id, |doc| {
                Ok(doc.edit(&author(), 2, |c| c.title = "b".into())?)
            })
            .unwrap();
        let second = store.case_bytes(id).unwrap().unwrap().len() - snapshot_len - first;
        assert!(
            second < snapshot_len,
            "an edit appends its change, not the document ({second} vs {snapshot_len})"
        );
    }
}
