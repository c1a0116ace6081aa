//! [`CaseStore`] on SQLite (bundled): one file `naper.sqlite3` in WAL mode, so readers never
//! wait for the writer; writers take the write lock up front (`BEGIN IMMEDIATE`) and wait up
//! to the busy timeout for each other, also across processes (the admin CLI).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use rusqlite::config::DbConfig;
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};
use schema::write_rules::Writer;
use schema::{CaseId, ChangeAuthor, InspectionCase};

mod admin;
mod backoffice;
mod uploads;

use super::accounts;
use super::tx::{ReadTx, WriteTx};
use super::{
    BlobRow, CaseAccess, CasePage, CaseQuery, CaseRow, CaseStore, ChangeReceipt, DeviceRow,
    DocAppend, NewUser, PhotoAccess, StateWrite, StoreError, StoreResult, StoredReplica, TenantRow,
    UserRow, load_document, now_ms,
};
use crate::store::Visibility;
use crate::store::projection;

/// The schema, applied to a new database.
const SCHEMA_V1: &str = include_str!("schema.sql");
/// Version 2: back-office sessions and the audit log.
const SCHEMA_V2: &str = include_str!("schema_v2.sql");
/// Version 3: the review queue's covering index.
const SCHEMA_V3: &str = include_str!("schema_v3.sql");
/// The schema version this build writes (`PRAGMA user_version`).
const SCHEMA_V4: &str = include_str!("schema_v4.sql");
const SCHEMA_V5: &str = include_str!("schema_v5.sql");
/// Version 6: which tenants uploaded each blob, and a revoked device's last sync.
const SCHEMA_V6: &str = include_str!("schema_v6.sql");
/// Version 7: uploads in progress kept per tenant.
const SCHEMA_V7: &str = include_str!("schema_v7.sql");
/// Version 8: each device's count of committed sync rounds.
const SCHEMA_V8: &str = include_str!("schema_v8.sql");
/// Version 9: the server's receipt of every change (who brought it, when).
const SCHEMA_V9: &str = include_str!("schema_v9.sql");
/// Version 10: permissions an admin grants a role (viewing originals).
const SCHEMA_V10: &str = include_str!("schema_v10.sql");
/// The schema version this build writes.
const SCHEMA_VERSION: i64 = 10;
/// Idle connections kept for reuse. Every API request checks its device token on a
/// connection of its own, so a fleet of tablets syncing at shift end needs dozens at once;
/// opening one (pragmas, an empty statement cache) cost more than the lookup itself.
const MAX_IDLE: usize = 32;

/// The SQLite implementation of [`CaseStore`], with a small pool of connections.
#[derive(Debug)]
pub struct SqliteStore {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
}

impl SqliteStore {
    /// Opens (creating and migrating if needed) the database at `path`.
    ///
    /// # Errors
    /// [`StoreError::Sqlite`] when the file cannot be opened or migrated, or was written by a
    /// newer build.
    pub fn open(path: &Path) -> StoreResult<Self> {
        let mut conn = open_connection(path)?;
        migrate(&mut conn)?;
        Ok(Self {
            path: path.to_path_buf(),
            idle: Mutex::new(vec![conn]),
        })
    }

    fn with_conn<T>(&self, f: impl FnOnce(&mut Connection) -> StoreResult<T>) -> StoreResult<T> {
        let taken = self
            .idle
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .pop();
        let mut conn = match taken {
            Some(conn) => conn,
            None => open_connection(&self.path)?,
        };
        let out = f(&mut conn);
        let mut idle = self
            .idle
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if idle.len() < MAX_IDLE {
            idle.push(conn);
        }
        out
    }

    fn write<T>(&self, f: impl FnOnce(&Transaction<'_>) -> StoreResult<T>) -> StoreResult<T> {
        self.with_conn(|conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let out = f(&tx)?;
            tx.commit()?;
            Ok(out)
        })
    }
}

fn open_connection(path: &Path) -> StoreResult<Connection> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(Duration::from_secs(10))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    // What the server acknowledges must survive a power cut: a tablet clears its outbox and
    // marks cases synced on the answer. FULL fsyncs the WAL on every commit; NORMAL could
    // lose the last commits while the tablets believed them stored.
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // Every statement goes through the cache: parsing them anew each time was about a tenth
    // of the server's work in the 200-tablet benchmark.
    conn.set_prepared_statement_cache_capacity(128);
    // The bundled SQLite (built with STAT4) re-prepares a cached statement whenever a bound
    // value changes, in case the value suggests another plan; that was a sixth of the
    // server's time in the 200-tablet benchmark (every token check and sync offer). The
    // query planner stability guarantee keeps each statement's plan instead; our indexes
    // make one plan right for every value.
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
    Ok(conn)
}

/// Records that staff user `username` made change `hash` of case `id` in the back office.
pub(super) fn record_staff_receipt(
    sql: &Connection,
    id: CaseId,
    hash: &str,
    username: &str,
    now: i64,
) -> StoreResult<()> {
    sql.prepare_cached(
        "INSERT OR IGNORE INTO change_receipts
             (case_id, hash, username, device_id, received_at, stated_at)
         VALUES (?1, ?2, ?3, NULL, ?4, NULL)",
    )?
    .execute(params![id.to_string(), hash, username, now])?;
    Ok(())
}

fn migrate(conn: &mut Connection) -> StoreResult<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let version: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version > SCHEMA_VERSION {
        return Err(StoreError::Invalid(format!(
            "the database has schema version {version}, newer than this build's \
             {SCHEMA_VERSION}; run a newer sync-server"
        )));
    }
    if version < 1 {
        tx.execute_batch(SCHEMA_V1)?;
    }
    if version < 2 {
        tx.execute_batch(SCHEMA_V2)?;
    }
    if version < 3 {
        tx.execute_batch(SCHEMA_V3)?;
    }
    if version < 4 {
        tx.execute_batch(SCHEMA_V4)?;
    }
    if version < 5 {
        tx.execute_batch(SCHEMA_V5)?;
    }
    if version < 6 {
        tx.execute_batch(SCHEMA_V6)?;
    }
    if version < 7 {
        tx.execute_batch(SCHEMA_V7)?;
    }
    if version < 8 {
        tx.execute_batch(SCHEMA_V8)?;
    }
    if version < 9 {
        tx.execute_batch(SCHEMA_V9)?;
    }
    if version < 10 {
        tx.execute_batch(SCHEMA_V10)?;
    }
    // Versions 4 and 5 added projected columns and the search index: fill them once.
    if (1..5).contains(&version) {
        reproject_all(&tx)?;
    }
    // Version 10 keeps internal comments out of the documents tablets hold, and credits
    // the photos stored so far to whoever their cases say added them.
    if (1..10).contains(&version) {
        upgrade_documents_to_v10(&tx)?;
    }
    if version < SCHEMA_VERSION {
        tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
    }
    tx.commit()?;
    Ok(())
}

/// Brings every stored document up to version 10 in one pass: its internal comments move
/// out of it into their table (`internal_comments::move_out_of_document`), and the photos it
/// names are credited to whoever it says added them, as their uploaders (before version 10
/// the server did not record who sent a photo's bytes). A document that cannot be read keeps
/// its comments and credits nobody (and is logged) rather than stopping the start.
fn upgrade_documents_to_v10(tx: &Transaction<'_>) -> StoreResult<()> {
    let ids: Vec<String> = tx
        .prepare("SELECT id FROM documents")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut credit = tx.prepare(
        "INSERT OR IGNORE INTO blob_uploaders (sha256, username)
         SELECT sha256, ?2 FROM blobs WHERE sha256 = ?1",
    )?;
    for id in ids {
        let read = parse_id(&id).and_then(|id| {
            let bytes = document_bytes(tx, id)?.unwrap_or_default();
            let doc = schema::CaseDocument::load(&bytes)?;
            let case = doc.hydrate()?;
            Ok((id, doc, case))
        });
        let (case_id, mut doc, case) = match read {
            Ok(read) => read,
            Err(e) => {
                tracing::warn!(case = %id, "the document cannot be upgraded to version 10: {e}");
                continue;
            }
        };
        for photo in &case.photos {
            credit.execute(params![photo.sha256, photo.added.by])?;
        }
        match super::internal_comments::move_out_of_document(tx, case_id, &mut doc, &case) {
            Ok(0) => {}
            Ok(moved) => {
                tracing::info!(case = %id, moved, "internal comments moved out of the document")
            }
            Err(e) => tracing::warn!(case = %id, "internal comments could not be moved out: {e}"),
        }
    }
    Ok(())
}

/// Re-derives every stored case's projection, after a migration added a column. A document
/// that cannot be projected keeps its old row (and is logged) rather than stopping the start.
fn reproject_all(tx: &Transaction<'_>) -> StoreResult<()> {
    let ids: Vec<String> = tx
        .prepare("SELECT id FROM documents")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for id in ids {
        let outcome = parse_id(&id).and_then(|id| reproject(tx, id));
        if let Err(e) = outcome {
            tracing::warn!(case = %id, "the case cannot be re-projected: {e}");
        }
    }
    Ok(())
}

fn parse_id(text: &str) -> StoreResult<CaseId> {
    text.parse()
        .map_err(|e| StoreError::Invalid(format!("stored case id `{text}` is not a UUID: {e}")))
}

fn to_i64(n: u64) -> StoreResult<i64> {
    i64::try_from(n).map_err(|_| StoreError::Invalid(format!("{n} is too large to store")))
}

fn to_u64(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// The stored blob `sha256`, if any.
fn blob_row(conn: &Connection, sha256: &str) -> StoreResult<Option<BlobRow>> {
    Ok(conn
        .prepare_cached("SELECT sha256, size, mime FROM blobs WHERE sha256 = ?1")?
        .query_row([sha256], |r| {
            Ok(BlobRow {
                sha256: r.get(0)?,
                size: to_u64(r.get(1)?),
                mime: r.get(2)?,
            })
        })
        .optional()?)
}

fn role_of(text: &str) -> StoreResult<schema::Role> {
    text.parse()
        .map_err(|_| StoreError::Invalid(format!("stored role `{text}` is unknown")))
}

/// The document's bytes: its snapshot followed by its appended change chunks.
pub(super) fn document_bytes(conn: &Connection, id: CaseId) -> StoreResult<Option<Vec<u8>>> {
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

pub(super) fn append_change(tx: &Transaction<'_>, id: CaseId, changes: &[u8]) -> StoreResult<()> {
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

fn upsert_projection(tx: &Transaction<'_>, row: &CaseRow) -> StoreResult<()> {
    // Most merges change neither the searchable text nor the photos; rewriting the trigram
    // index and the photo rows anyway was a good part of every merge's write.
    let before: Option<(String, Option<String>, String)> = tx
        .prepare_cached("SELECT title, address, answers FROM cases WHERE id = ?1")?
        .query_row([row.id.to_string()], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    let text_unchanged = before.is_some_and(|(title, address, answers)| {
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
    let bytes = document_bytes(tx, id)?
        .ok_or_else(|| StoreError::NotFound(format!("case {id} is not stored")))?;
    let row = projection::project_bytes(&bytes)?;
    if row.id != id {
        return Err(StoreError::Invalid(format!(
            "document {id} holds case {}; refusing to project it",
            row.id
        )));
    }
    upsert_projection(tx, &row)?;
    Ok(row)
}

const CASE_COLUMNS: &str = "id, tenant, template_id, template_version, status, created_by, \
     assignee, lat, lon, address, title, created_at, updated_at, heads, answers";

fn case_row_from(conn: &Connection, r: &rusqlite::Row<'_>) -> StoreResult<CaseRow> {
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

/// `(tenant, officer)` parameters of the visibility filter
/// `c.tenant = ?1 AND (?2 IS NULL OR c.created_by = ?2 OR c.assignee = ?2)`.
fn visibility_params(visibility: &Visibility) -> (&str, Option<&str>) {
    match visibility {
        Visibility::Tenant { tenant } => (tenant, None),
        Visibility::Officer { tenant, username } => (tenant, Some(username)),
    }
}

/// The condition on `cases c` of what `visibility` sees, over the parameters of
/// [`visibility_params`] (`?1` tenant, `?2` officer or NULL).
///
/// An officer's cases are found through the creator and assignee indexes, so a sync costs
/// what the officer's cases cost, not what the tenant's do: one condition for both kinds,
/// `?2 IS NULL OR created_by = ?2 OR …`, made SQLite walk every case of the tenant.
fn visible(visibility: &Visibility) -> &'static str {
    match visibility {
        // `?2` stays in the text so both variants take the same parameters.
        Visibility::Tenant { .. } => "c.tenant = ?1 AND ?2 IS NULL",
        Visibility::Officer { .. } => {
            // `rowid`, which the two indexes hold, so neither subquery reads the table and
            // the planner does not prefer the queue's covering index (a walk of the tenant);
            // no tenant condition outside, or the planner walks the tenant to sort.
            "c.rowid IN (
                 SELECT rowid FROM cases WHERE tenant = ?1 AND created_by = ?2
                 UNION SELECT rowid FROM cases WHERE tenant = ?1 AND assignee = ?2)"
        }
    }
}

/// What `visibility` sees that device `?3` does not have at the stored heads, newest first,
/// at most `?4`.
fn offers_sql(visibility: &Visibility) -> String {
    format!(
        "SELECT c.id FROM cases c
         LEFT JOIN sync_states s ON s.doc_id = c.id AND s.device_id = ?3
         WHERE {} AND (s.known_heads IS NULL OR s.known_heads <> c.heads)
         ORDER BY c.updated_at DESC, c.id LIMIT ?4",
        visible(visibility)
    )
}

fn device_from(r: &rusqlite::Row<'_>) -> rusqlite::Result<(DeviceRow, String)> {
    let role: String = r.get(3)?;
    Ok((
        DeviceRow {
            id: r.get(0)?,
            username: r.get(1)?,
            tenant: r.get(2)?,
            role: schema::Role::Viewer, // replaced by the caller after parsing `role`
            name: r.get(4)?,
            created_at: r.get(5)?,
            revoked_at: r.get(6)?,
            last_seen_at: r.get(7)?,
        },
        role,
    ))
}

const DEVICE_SELECT: &str = "SELECT d.id, d.username, u.tenant, u.role, d.name, d.created_at, \
     d.revoked_at, d.last_seen_at FROM devices d JOIN users u ON u.username = d.username";

fn finish_device((mut device, role): (DeviceRow, String)) -> StoreResult<DeviceRow> {
    device.role = role_of(&role)?;
    Ok(device)
}

const USER_SELECT: &str = "SELECT tenant, username, display_name, role, password_hash FROM users";

/// A row of [`USER_SELECT`] with its role still as stored; [`finish_user`] parses it.
fn user_from(r: &rusqlite::Row<'_>) -> rusqlite::Result<(UserRow, String)> {
    Ok((
        UserRow {
            tenant: r.get(0)?,
            username: r.get(1)?,
            display_name: r.get(2)?,
            role: schema::Role::Viewer, // replaced by `finish_user`
            password_hash: r.get(4)?,
        },
        r.get(3)?,
    ))
}

fn finish_user((mut user, role): (UserRow, String)) -> StoreResult<UserRow> {
    user.role = role_of(&role)?;
    Ok(user)
}

impl CaseStore for SqliteStore {
    fn create_tenant(&self, id: &str, name: &str) -> StoreResult<()> {
        self.write(|tx| {
            let exists: bool = tx
                .prepare_cached("SELECT EXISTS(SELECT 1 FROM tenants WHERE id = ?1)")?
                .query_row([id], |r| r.get(0))?;
            if exists {
                return Err(StoreError::AlreadyExists(format!(
                    "the tenant `{id}` exists already"
                )));
            }
            tx.prepare_cached("INSERT INTO tenants (id, name, created_at) VALUES (?1, ?2, ?3)")?
                .execute(params![id, name, now_ms()])?;
            Ok(())
        })
    }

    fn tenant(&self, id: &str) -> StoreResult<Option<TenantRow>> {
        self.with_conn(|conn| {
            Ok(conn
                .prepare_cached("SELECT id, name FROM tenants WHERE id = ?1")?
                .query_row([id], |r| {
                    Ok(TenantRow {
                        id: r.get(0)?,
                        name: r.get(1)?,
                    })
                })
                .optional()?)
        })
    }

    fn is_empty(&self) -> StoreResult<bool> {
        self.with_conn(|conn| {
            Ok(conn
                .prepare_cached("SELECT NOT EXISTS(SELECT 1 FROM tenants)")?
                .query_row([], |r| r.get(0))?)
        })
    }

    fn create_user(&self, user: &NewUser) -> StoreResult<()> {
        self.write(|tx| accounts::create_user(&WriteTx::sqlite(tx), user))
    }

    fn user(&self, username: &str) -> StoreResult<Option<UserRow>> {
        self.with_conn(|conn| {
            conn.prepare_cached(&format!("{USER_SELECT} WHERE username = ?1"))?
                .query_row([username], user_from)
                .optional()?
                .map(finish_user)
                .transpose()
        })
    }

    fn write_tx(&self, work: &mut dyn FnMut(&WriteTx<'_>) -> StoreResult<()>) -> StoreResult<()> {
        self.write(|tx| work(&WriteTx::sqlite(tx)))
    }

    fn read_tx(&self, work: &mut dyn FnMut(&ReadTx<'_>) -> StoreResult<()>) -> StoreResult<()> {
        self.with_conn(|conn| {
            // A deferred transaction: every statement of `work` reads the same snapshot.
            let tx = conn.transaction()?;
            work(&ReadTx::sqlite(&tx))?;
            tx.commit()?;
            Ok(())
        })
    }

    fn set_password_hash(&self, username: &str, hash: &str) -> StoreResult<()> {
        self.write(|tx| accounts::set_password_hash(&WriteTx::sqlite(tx), username, hash))
    }

    fn create_device(
        &self,
        username: &str,
        name: &str,
        token_hash: &str,
    ) -> StoreResult<DeviceRow> {
        let id = uuid::Uuid::now_v7().to_string();
        self.write(|tx| {
            let n = tx
                .prepare_cached(
                    "INSERT INTO devices (id, username, name, token_hash, created_at)
                 SELECT ?1, username, ?3, ?4, ?5 FROM users WHERE username = ?2",
                )?
                .execute(params![id, username, name, token_hash, now_ms()])?;
            if n == 0 {
                return Err(StoreError::NotFound(format!(
                    "there is no user `{username}`"
                )));
            }
            let row = tx.query_row(&format!("{DEVICE_SELECT} WHERE d.id = ?1"), [&id], |r| {
                device_from(r)
            })?;
            finish_device(row)
        })
    }

    fn device_by_token_hash(&self, token_hash: &str) -> StoreResult<Option<DeviceRow>> {
        self.with_conn(|conn| {
            // Every API request asks this: a cached statement, not one parsed each time.
            conn.prepare_cached(&format!("{DEVICE_SELECT} WHERE d.token_hash = ?1"))?
                .query_row([token_hash], device_from)
                .optional()?
                .map(finish_device)
                .transpose()
        })
    }

    fn list_devices(&self) -> StoreResult<Vec<DeviceRow>> {
        self.with_conn(|conn| {
            let mut stmt = conn.prepare(&format!(
                "{DEVICE_SELECT} ORDER BY d.created_at DESC, d.id DESC"
            ))?;
            let rows = stmt
                .query_map([], device_from)?
                .collect::<Result<Vec<_>, _>>()?;
            rows.into_iter().map(finish_device).collect()
        })
    }

    fn revoke_device(&self, device_id: &str) -> StoreResult<()> {
        self.write(|tx| accounts::revoke_device(&WriteTx::sqlite(tx), device_id))
    }

    fn case_access(&self, ids: &[CaseId]) -> StoreResult<HashMap<CaseId, CaseAccess>> {
        self.with_conn(|conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT tenant, created_by, assignee, status FROM cases WHERE id = ?1",
            )?;
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
        })
    }

    fn case_row(&self, id: CaseId) -> StoreResult<Option<CaseRow>> {
        self.with_conn(|conn| {
            let mut stmt =
                conn.prepare_cached(&format!("SELECT {CASE_COLUMNS} FROM cases WHERE id = ?1"))?;
            let mut rows = stmt.query([id.to_string()])?;
            match rows.next()? {
                Some(r) => Ok(Some(case_row_from(conn, r)?)),
                None => Ok(None),
            }
        })
    }

    fn list_cases(&self, visibility: &Visibility) -> StoreResult<Vec<CaseRow>> {
        let (tenant, officer) = visibility_params(visibility);
        self.with_conn(|conn| {
            let columns = CASE_COLUMNS.replace(", ", ", c.");
            let visible = visible(visibility);
            let mut stmt = conn.prepare(&format!(
                "SELECT c.{columns} FROM cases c WHERE {visible} ORDER BY c.updated_at DESC, c.id"
            ))?;
            let mut rows = stmt.query(params![tenant, officer])?;
            let mut out = Vec::new();
            while let Some(r) = rows.next()? {
                out.push(case_row_from(conn, r)?);
            }
            Ok(out)
        })
    }

    fn document(&self, id: CaseId) -> StoreResult<Option<Vec<u8>>> {
        self.with_conn(|conn| document_bytes(conn, id))
    }

    fn change_receipts(&self, id: CaseId) -> StoreResult<HashMap<String, ChangeReceipt>> {
        self.with_conn(|conn| {
            let mut stmt = conn.prepare_cached(
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
        })
    }

    fn load_replicas(
        &self,
        device_id: &str,
        ids: &[CaseId],
    ) -> StoreResult<HashMap<CaseId, StoredReplica>> {
        self.with_conn(|conn| {
            // One read transaction, so every document is read at the same point in time.
            let tx = conn.transaction()?;
            let mut out = HashMap::new();
            for id in ids {
                let doc = document_bytes(&tx, *id)?;
                let state = tx
                    .prepare_cached(
                        "SELECT state FROM sync_states WHERE device_id = ?1 AND doc_id = ?2",
                    )?
                    .query_row(params![device_id, id.to_string()], |r| {
                        r.get::<_, Vec<u8>>(0)
                    })
                    .optional()?;
                let heads = tx
                    .prepare_cached("SELECT heads FROM cases WHERE id = ?1")?
                    .query_row([id.to_string()], |r| r.get::<_, String>(0))
                    .optional()?;
                out.insert(*id, StoredReplica { doc, state, heads });
            }
            tx.commit()?;
            Ok(out)
        })
    }

    fn offers(
        &self,
        device_id: &str,
        visibility: &Visibility,
        limit: usize,
    ) -> StoreResult<Vec<CaseId>> {
        let (tenant, officer) = visibility_params(visibility);
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.with_conn(|conn| {
            let mut stmt = conn.prepare_cached(&offers_sql(visibility))?;
            let ids = stmt
                .query_map(params![tenant, officer, device_id, limit], |r| {
                    r.get::<_, String>(0)
                })?
                .collect::<Result<Vec<_>, _>>()?;
            ids.iter().map(|id| parse_id(id)).collect()
        })
    }

    fn commit_sync(
        &self,
        device_id: &str,
        appends: &[DocAppend],
        states: &[StateWrite],
    ) -> StoreResult<u64> {
        self.write(|tx| {
            for append in appends {
                let stored_heads: Option<String> = tx
                    .prepare_cached("SELECT heads FROM cases WHERE id = ?1")?
                    .query_row([append.id.to_string()], |r| r.get(0))
                    .optional()?;
                append_change(tx, append.id, &append.changes)?;
                match &append.row {
                    // Appending to the document the round loaded yields exactly the round's
                    // merged document, so its projection is current.
                    Some(row)
                        if row.id == append.id
                            && stored_heads.unwrap_or_default() == append.base_heads =>
                    {
                        upsert_projection(tx, row)?;
                    }
                    _ => {
                        reproject(tx, append.id)?;
                    }
                }
            }
            let now = now_ms();
            let mut receipt = tx.prepare_cached(
                "INSERT OR IGNORE INTO change_receipts
                     (case_id, hash, username, device_id, received_at, stated_at)
                 SELECT ?1, ?2, d.username, d.id, ?3, ?4 FROM devices d WHERE d.id = ?5",
            )?;
            for append in appends {
                for arrived in &append.receipts {
                    receipt.execute(params![
                        append.id.to_string(),
                        arrived.hash,
                        now,
                        arrived.stated_at_ms,
                        device_id
                    ])?;
                }
            }
            let mut upsert = tx.prepare_cached(
                "INSERT INTO sync_states (device_id, doc_id, state, known_heads, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT(device_id, doc_id) DO UPDATE SET state = excluded.state,
                     known_heads = coalesce(excluded.known_heads, sync_states.known_heads),
                     updated_at = excluded.updated_at",
            )?;
            for state in states {
                upsert.execute(params![
                    device_id,
                    state.id.to_string(),
                    state.state,
                    state.known_heads,
                    now
                ])?;
            }
            let rounds: i64 = tx
                .prepare_cached(
                    "UPDATE devices SET sync_rounds = sync_rounds + 1, last_seen_at = ?2
                     WHERE id = ?1 RETURNING sync_rounds",
                )?
                .query_row(params![device_id, now], |r| r.get(0))
                .optional()?
                .unwrap_or(0);
            Ok(u64::try_from(rounds).unwrap_or(0))
        })
    }

    fn edit_case(
        &self,
        id: CaseId,
        author: &ChangeAuthor,
        writer: &Writer,
        edit: &mut dyn FnMut(&mut InspectionCase),
    ) -> StoreResult<InspectionCase> {
        self.try_edit_case(id, author, writer, &mut |case| {
            edit(case);
            Ok(())
        })
    }

    fn try_edit_case(
        &self,
        id: CaseId,
        author: &ChangeAuthor,
        writer: &Writer,
        edit: &mut dyn FnMut(&mut InspectionCase) -> Result<(), String>,
    ) -> StoreResult<InspectionCase> {
        self.write(|tx| super::cases::edit(&WriteTx::sqlite(tx), id, author, writer, edit))
    }

    fn insert_case(&self, document: &[u8]) -> StoreResult<CaseRow> {
        let row = projection::project_bytes(document)?;
        self.write(|tx| {
            let exists: bool = tx
                .prepare_cached("SELECT EXISTS(SELECT 1 FROM documents WHERE id = ?1)")?
                .query_row([row.id.to_string()], |r| r.get(0))?;
            if exists {
                return Err(StoreError::AlreadyExists(format!(
                    "case {} exists already",
                    row.id
                )));
            }
            tx.prepare_cached(
                "INSERT INTO documents (id, snapshot, created_at) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![row.id.to_string(), document, now_ms()])?;
            upsert_projection(tx, &row)?;
            Ok(row)
        })
    }

    fn rebuild_projection(&self) -> StoreResult<usize> {
        self.write(|tx| {
            let ids = {
                let mut stmt = tx.prepare("SELECT id FROM documents ORDER BY id")?;
                stmt.query_map([], |r| r.get::<_, String>(0))?
                    .collect::<Result<Vec<_>, _>>()?
            };
            tx.prepare_cached("DELETE FROM cases")?.execute([])?;
            tx.prepare_cached("DELETE FROM cases_search")?.execute([])?;
            for id in &ids {
                reproject(tx, parse_id(id)?)?;
            }
            Ok(ids.len())
        })
    }

    fn compaction_candidates(&self, min_rows: usize) -> StoreResult<Vec<CaseId>> {
        let min_rows = i64::try_from(min_rows).unwrap_or(i64::MAX);
        self.with_conn(|conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT doc_id FROM doc_changes GROUP BY doc_id HAVING count(*) > ?1",
            )?;
            let ids = stmt
                .query_map([min_rows], |r| r.get::<_, String>(0))?
                .collect::<Result<Vec<_>, _>>()?;
            ids.iter().map(|id| parse_id(id)).collect()
        })
    }

    fn compact(&self, id: CaseId) -> StoreResult<bool> {
        self.write(|tx| {
            let rows: i64 = tx
                .prepare_cached("SELECT count(*) FROM doc_changes WHERE doc_id = ?1")?
                .query_row([id.to_string()], |r| r.get(0))?;
            if rows == 0 {
                return Ok(false);
            }
            let Some(bytes) = document_bytes(tx, id)? else {
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
            tx.prepare_cached("UPDATE documents SET snapshot = ?2 WHERE id = ?1")?
                .execute(params![id.to_string(), snapshot])?;
            tx.prepare_cached("DELETE FROM doc_changes WHERE doc_id = ?1")?
                .execute([id.to_string()])?;
            Ok(true)
        })
    }

    fn blob(&self, sha256: &str) -> StoreResult<Option<BlobRow>> {
        self.with_conn(|conn| blob_row(conn, sha256))
    }

    fn insert_blob(&self, blob: &BlobRow) -> StoreResult<()> {
        let size = to_i64(blob.size)?;
        self.write(|tx| {
            tx.prepare_cached(
                "INSERT OR IGNORE INTO blobs (sha256, size, mime, created_at)
                 VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![blob.sha256, size, blob.mime, now_ms()])?;
            Ok(())
        })
    }

    fn blob_facts(&self, visibility: &Visibility, sha256: &str) -> StoreResult<super::BlobFacts> {
        self.with_conn(|conn| uploads::blob_facts(conn, visibility, sha256))
    }

    fn record_upload(&self, key: &str, blob: &BlobRow, tenant: &str) -> StoreResult<()> {
        self.write(|tx| uploads::record_upload(tx, key, blob, tenant))
    }

    fn uploaded_by(&self, sha256: &str, username: &str) -> StoreResult<bool> {
        self.with_conn(|conn| uploads::uploaded_by(conn, sha256, username))
    }

    fn idle_uploads(&self, before_ms: i64) -> StoreResult<Vec<String>> {
        self.with_conn(|conn| uploads::idle_uploads(conn, before_ms))
    }

    fn forget_idle_upload(&self, key: &str, before_ms: i64) -> StoreResult<bool> {
        self.write(|tx| uploads::forget_idle_upload(tx, key, before_ms))
    }

    fn upload_size(&self, key: &str) -> StoreResult<Option<u64>> {
        self.with_conn(|conn| {
            Ok(conn
                .prepare_cached("SELECT size FROM uploads WHERE upload_key = ?1")?
                .query_row([key], |r| r.get::<_, i64>(0))
                .optional()?
                .map(to_u64))
        })
    }

    fn put_upload(&self, key: &str, size: u64, device_id: &str) -> StoreResult<()> {
        let size = to_i64(size)?;
        self.write(|tx| {
            let now = now_ms();
            tx.prepare_cached(
                "INSERT INTO uploads (upload_key, size, device_id, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?4)
                 ON CONFLICT(upload_key) DO UPDATE SET size = excluded.size,
                     device_id = excluded.device_id, updated_at = excluded.updated_at",
            )?
            .execute(params![key, size, device_id, now])?;
            Ok(())
        })
    }

    fn delete_upload(&self, key: &str) -> StoreResult<()> {
        self.write(|tx| {
            tx.prepare_cached("DELETE FROM uploads WHERE upload_key = ?1")?
                .execute([key])?;
            Ok(())
        })
    }

    fn photo_access(&self, visibility: &Visibility, sha256: &str) -> StoreResult<PhotoAccess> {
        let (tenant, officer) = visibility_params(visibility);
        let visible = visible(visibility);
        let referenced: bool = self.with_conn(|conn| {
            Ok(conn.query_row(
                &format!(
                    "SELECT EXISTS(SELECT 1 FROM case_photos p JOIN cases c ON c.id = p.case_id
                     WHERE p.sha256 = ?3 AND {visible})"
                ),
                params![tenant, officer, sha256],
                |r| r.get(0),
            )?)
        })?;
        if !referenced {
            return Ok(PhotoAccess::NotVisible);
        }
        Ok(match self.blob(sha256)? {
            Some(blob) => PhotoAccess::Stored(blob),
            None => PhotoAccess::Missing,
        })
    }

    fn photo_cases(
        &self,
        visibility: &Visibility,
        sha256: &str,
        limit: usize,
    ) -> StoreResult<Vec<CaseId>> {
        let (tenant, officer) = visibility_params(visibility);
        let visible = visible(visibility);
        let ids: Vec<String> = self.with_conn(|conn| {
            Ok(conn
                .prepare_cached(&format!(
                    "SELECT p.case_id FROM case_photos p JOIN cases c ON c.id = p.case_id
                     WHERE p.sha256 = ?3 AND {visible} ORDER BY p.case_id LIMIT ?4"
                ))?
                .query_map(
                    params![
                        tenant,
                        officer,
                        sha256,
                        i64::try_from(limit).unwrap_or(i64::MAX)
                    ],
                    |r| r.get(0),
                )?
                .collect::<Result<_, _>>()?)
        })?;
        ids.iter().map(|id| parse_id(id)).collect()
    }

    fn query_cases(&self, query: &CaseQuery) -> StoreResult<CasePage> {
        self.with_conn(|conn| backoffice::query_cases(conn, query))
    }

    fn tenant_users(&self, tenant: &str) -> StoreResult<Vec<UserRow>> {
        self.with_conn(|conn| backoffice::tenant_users(conn, tenant))
    }

    fn set_role(&self, username: &str, role: schema::Role) -> StoreResult<()> {
        self.write(|tx| accounts::set_role(&WriteTx::sqlite(tx), username, role))
    }

    fn end_sessions(&self, username: &str) -> StoreResult<usize> {
        self.write(|tx| accounts::end_sessions(&WriteTx::sqlite(tx), username))
    }

    fn delete_user(&self, username: &str) -> StoreResult<()> {
        self.write(|tx| accounts::delete_user(&WriteTx::sqlite(tx), username))
    }

    fn tenant_devices(&self, tenant: &str) -> StoreResult<Vec<super::DeviceActivity>> {
        self.with_conn(|conn| admin::tenant_devices(conn, tenant))
    }
}

/// An admin editing in the store's tests (the write rules let admins correct undecided cases).
#[cfg(test)]
fn test_writer() -> Writer {
    Writer {
        username: "admin".into(),
        role: schema::Role::Admin,
    }
}

/// A new officer `username` of `tenant` with a dummy password hash, for the store's tests.
#[cfg(test)]
fn test_officer(tenant: &str, username: &str) -> NewUser {
    NewUser {
        tenant: tenant.into(),
        username: username.into(),
        display_name: "X".into(),
        role: schema::Role::Officer,
        password_hash: "h".into(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use schema::{CaseDocument, Role, Template};

    use super::*;
    use crate::store::{AuditEntry, TemplateRow, templates};

    fn store() -> (tempfile::TempDir, SqliteStore) {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("db.sqlite3")).unwrap();
        (dir, store)
    }

    #[test]
    fn writes_of_several_aggregates_commit_together_or_not_at_all() {
        let (_dir, store) = store();
        store.create_tenant("a", "A").unwrap();
        store.create_user(&test_officer("a", "u")).unwrap();
        let store: &dyn CaseStore = &store;
        let entry = |detail: &str| AuditEntry {
            at_ms: 1,
            tenant: "a".into(),
            username: "admin".into(),
            action: "change_role".into(),
            case_id: None,
            detail: detail.into(),
        };

        // The second write fails: the first is not kept either.
        let failed = store.write(|tx| {
            crate::store::accounts::set_role(tx, "u", Role::Viewer)?;
            crate::store::audit::append(tx, &entry("refused"))?;
            crate::store::accounts::set_password_hash(tx, "nobody", "h2")
        });
        assert!(matches!(failed, Err(StoreError::NotFound(_))), "{failed:?}");
        assert_eq!(store.user("u").unwrap().unwrap().role, Role::Officer);
        assert!(
            store
                .read(|tx| crate::store::audit::entries(tx, "a", None, 10))
                .unwrap()
                .is_empty()
        );

        let role = store
            .write(|tx| {
                crate::store::accounts::set_role(tx, "u", Role::Viewer)?;
                crate::store::audit::append(tx, &entry("u: officer -> viewer"))?;
                Ok(Role::Viewer)
            })
            .unwrap();
        assert_eq!(store.user("u").unwrap().unwrap().role, role);
        let logged = store
            .read(|tx| crate::store::audit::entries(tx, "a", None, 10))
            .unwrap();
        assert_eq!(logged.len(), 1);
        assert_eq!(logged[0].detail, "u: officer -> viewer");
    }

    #[test]
    fn tenants_users_and_devices_are_unique_and_revocable() {
        let (_dir, store) = store();
        assert!(store.is_empty().unwrap());
        store.create_tenant("a", "A").unwrap();
        assert!(matches!(
            store.create_tenant("a", "A"),
            Err(StoreError::AlreadyExists(_))
        ));
        assert!(matches!(
            store.create_user(&test_officer("nope", "u")),
            Err(StoreError::NotFound(_))
        ));
        store.create_user(&test_officer("a", "u")).unwrap();
        assert!(matches!(
            store.create_user(&test_officer("a", "u")),
            Err(StoreError::AlreadyExists(_))
        ));
        let device = store.create_device("u", "Tablet", "hash").unwrap();
        assert_eq!(device.tenant, "a");
        assert_eq!(device.role, Role::Officer);
        assert_eq!(
            store.device_by_token_hash("hash").unwrap().unwrap().id,
            device.id
        );
        store.revoke_device(&device.id).unwrap();
        assert!(
            store
                .device_by_token_hash("hash")
                .unwrap()
                .unwrap()
                .revoked_at
                .is_some()
        );
        assert!(matches!(
            store.revoke_device("nope"),
            Err(StoreError::NotFound(_))
        ));
        assert!(store.create_device("nobody", "x", "h2").is_err());
    }

    #[test]
    fn a_published_template_version_is_never_replaced() {
        let (_dir, store) = store();
        store.create_tenant("a", "A").unwrap();
        let row = |tenant: Option<&str>, version: u32, title: &str| TemplateRow {
            tenant: tenant.map(str::to_string),
            id: "check".into(),
            version,
            category: "c".into(),
            title_de: title.into(),
            title_en: title.into(),
            json: "{}".into(),
        };
        let store: &dyn CaseStore = &store;
        let publish = |row: &TemplateRow| store.write(|tx| templates::publish(tx, row));
        store
            .write(|tx| templates::put(tx, &row(None, 2, "bundled")))
            .unwrap();
        assert!(matches!(
            publish(&row(Some("a"), 2, "own")),
            Err(StoreError::TemplateNotNewer { current: 2, .. })
        ));
        publish(&row(Some("a"), 3, "first")).unwrap();
        let again = publish(&row(Some("a"), 3, "second"));
        assert!(
            matches!(
                again,
                Err(StoreError::TemplateNotNewer {
                    version: 3,
                    current: 3,
                    ..
                })
            ),
            "{again:?}"
        );
        assert_eq!(
            store
                .read(|tx| templates::find(tx, "a", "check", 3))
                .unwrap()
                .unwrap()
                .title_de,
            "first"
        );
        store.create_tenant("b", "B").unwrap();
        publish(&row(Some("b"), 3, "theirs")).unwrap();
    }

    /// A store with tenant `a` holding one draft case created by user `u`.
    fn stored_draft() -> (
        tempfile::TempDir,
        SqliteStore,
        InspectionCase,
        ChangeAuthor,
        CaseDocument,
    ) {
        let (dir, store) = store();
        store.create_tenant("a", "A").unwrap();
        let template = Template::from_json(
            r#"{"id":"t","version":1,"category":"c","title":{"de":"T","en":"T"},
            "sections":[{"key":"s","title":{"de":"S","en":"S"},"fields":[
            {"key":"n","type":"integer","label":{"de":"N","en":"N"}}]}]}"#,
        )
        .unwrap();
        let case = InspectionCase::new_draft(&template, "a", "u", 0);
        let author = ChangeAuthor {
            user: "u".into(),
            device: None,
        };
        let mut doc = CaseDocument::create(&case, &author).unwrap();
        store.insert_case(&doc.save()).unwrap();
        (dir, store, case, author, doc)
    }

    #[test]
    fn edits_append_changes_and_the_projection_follows_and_rebuilds() {
        let (_dir, store, case, author, mut doc) = stored_draft();
        assert!(matches!(
            store.insert_case(&doc.save()),
            Err(StoreError::AlreadyExists(_))
        ));
        for i in 0..3 {
            store
                .edit_case(case.id, &author, &test_writer(), &mut |c| {
                    c.title = format!("Titel {i}")
                })
                .unwrap();
        }
        assert_eq!(store.case_row(case.id).unwrap().unwrap().title, "Titel 2");
        assert_eq!(store.compaction_candidates(2).unwrap(), vec![case.id]);
        assert!(store.compact(case.id).unwrap());
        assert!(!store.compact(case.id).unwrap(), "nothing left to compact");
        let visible = Visibility::Officer {
            tenant: "a".into(),
            username: "u".into(),
        };
        assert_eq!(store.list_cases(&visible).unwrap().len(), 1);
        let stranger = Visibility::Officer {
            tenant: "a".into(),
            username: "v".into(),
        };
        assert!(store.list_cases(&stranger).unwrap().is_empty());
        assert_eq!(
            store.offers("nodevice", &visible, 10).unwrap(),
            vec![case.id]
        );

        let row = store.case_row(case.id).unwrap().unwrap();
        assert_eq!(store.rebuild_projection().unwrap(), 1);
        assert_eq!(store.case_row(case.id).unwrap().unwrap(), row);
        assert!(matches!(
            store.edit_case(CaseId::new(), &author, &test_writer(), &mut |_| {}),
            Err(StoreError::NotFound(_))
        ));
    }

    #[test]
    fn a_user_with_open_assigned_cases_is_not_deleted() {
        let (_dir, store, case, author, _doc) = stored_draft();
        store.create_user(&test_officer("a", "u")).unwrap();
        assert!(matches!(
            store.delete_user("u"),
            Err(StoreError::StillAssigned { cases: 1, .. })
        ));
        assert!(store.user("u").unwrap().is_some());
        store
            .edit_case(case.id, &author, &test_writer(), &mut |c| {
                c.status = schema::Status::Closed;
            })
            .unwrap();
        store.delete_user("u").unwrap();
        assert!(store.user("u").unwrap().is_none());
    }

    /// Every API request checks a token and every sync asks for offers with other values;
    /// re-preparing those statements each time was a sixth of the server's work.
    #[test]
    fn cached_statements_keep_their_plan_for_new_values() {
        let (dir, _store) = store();
        let conn = open_connection(&dir.path().join("db.sqlite3")).unwrap();
        let token = format!("{DEVICE_SELECT} WHERE d.token_hash = ?1");
        let officer = |name: String| Visibility::Officer {
            tenant: "a".into(),
            username: name,
        };
        let offers = offers_sql(&officer("u".into()));
        for i in 0..3 {
            let mut stmt = conn.prepare_cached(&token).unwrap();
            stmt.query_row([format!("hash {i}")], |_| Ok(()))
                .optional()
                .unwrap();
            assert_eq!(stmt.get_status(rusqlite::StatementStatus::RePrepare), 0);
            let mut stmt = conn.prepare_cached(&offers).unwrap();
            let rows = stmt
                .query_map(
                    params!["a", format!("u{i}"), format!("d{i}"), 10 + i],
                    |_| Ok(()),
                )
                .unwrap()
                .count();
            assert_eq!(rows, 0);
            assert_eq!(stmt.get_status(rusqlite::StatementStatus::RePrepare), 0);
        }
    }

    #[test]
    fn an_officer_sees_created_and_assigned_cases_through_their_indexes() {
        let (_dir, store, case, author, _doc) = stored_draft();
        store
            .edit_case(case.id, &author, &test_writer(), &mut |c| {
                c.assigned_officer = Some("v".into())
            })
            .unwrap();
        let officer = |name: &str| Visibility::Officer {
            tenant: "a".into(),
            username: name.into(),
        };
        for name in ["u", "v"] {
            assert_eq!(store.list_cases(&officer(name)).unwrap().len(), 1, "{name}");
            assert_eq!(
                store.offers("d", &officer(name), 10).unwrap(),
                vec![case.id],
                "{name}"
            );
        }
        assert!(store.list_cases(&officer("w")).unwrap().is_empty());
        assert!(store.offers("d", &officer("w"), 10).unwrap().is_empty());
        let staff = Visibility::Tenant { tenant: "a".into() };
        assert_eq!(store.offers("d", &staff, 10).unwrap(), vec![case.id]);
        let other = Visibility::Tenant { tenant: "b".into() };
        assert!(store.offers("d", &other, 10).unwrap().is_empty());

        // Every sync asks this; walking the whole tenant would make each officer's sync cost
        // grow with the office's case count.
        let plan: Vec<String> = store
            .with_conn(|conn| {
                let sql = format!("EXPLAIN QUERY PLAN {}", offers_sql(&officer("u")));
                let mut stmt = conn.prepare(&sql)?;
                let rows = stmt.query_map(params!["a", "u", "d", 10], |r| r.get::<_, String>(3))?;
                Ok(rows.collect::<Result<Vec<_>, _>>()?)
            })
            .unwrap();
        let plan = plan.join("\n");
        assert!(plan.contains("cases_by_creator"), "{plan}");
        assert!(plan.contains("cases_by_assignee"), "{plan}");
        assert!(
            plan.contains("SEARCH c USING INTEGER PRIMARY KEY"),
            "{plan}"
        );
        assert!(!plan.contains("SCAN"), "{plan}");
    }

    /// Two rounds that loaded the same state merge concurrently: the second must not project
    /// its own (stale) view over the first one's change.
    #[test]
    fn concurrent_merges_project_the_union_of_their_changes() {
        let (_dir, store, case, author, mut doc) = stored_draft();
        let base = doc.heads();
        let mut merge = |edit: &dyn Fn(&mut InspectionCase)| {
            let mut fork = doc.fork();
            fork.edit(&author, 1, edit).unwrap();
            DocAppend {
                id: case.id,
                changes: fork.automerge_mut().save_after(&base),
                base_heads: sync_protocol::heads_key(&base),
                row: Some(projection::project(&mut fork).unwrap()),
                receipts: Vec::new(),
            }
        };
        let retitled = merge(&|c| c.title = "Neuer Titel".into());
        let assigned = merge(&|c| c.assigned_officer = Some("o2".into()));

        store.commit_sync("d1", &[retitled], &[]).unwrap();
        assert_eq!(
            store.case_row(case.id).unwrap().unwrap().title,
            "Neuer Titel"
        );
        store.commit_sync("d2", &[assigned], &[]).unwrap();
        let row = store.case_row(case.id).unwrap().unwrap();
        assert_eq!(row.title, "Neuer Titel", "the first merge's change is kept");
        assert_eq!(row.assignee.as_deref(), Some("o2"));
        assert_eq!(store.rebuild_projection().unwrap(), 1);
        assert_eq!(store.case_row(case.id).unwrap().unwrap(), row);
    }

    /// The queue's text search finds a case by an answer, case-insensitively, through the
    /// index and (for one or two characters) without it; a database of schema version 3 gets
    /// the answers' text and the index on opening.
    #[test]
    fn the_text_search_finds_answers_also_after_upgrading_from_version_3() {
        let (dir, store, case, author, _doc) = stored_draft();
        store
            .edit_case(case.id, &author, &test_writer(), &mut |c| {
                c.fields.insert(
                    "note".into(),
                    schema::FieldValue::LongText("Sperrmüll vor der Garage".into()),
                );
            })
            .unwrap();
        let search = |store: &SqliteStore, text: &str| {
            let mut query = CaseQuery::all(Visibility::Tenant { tenant: "a".into() }, 10);
            query.text = Some(text.into());
            let page = store.query_cases(&query).unwrap();
            page.rows.iter().map(|row| row.id).collect::<Vec<_>>()
        };
        assert_eq!(search(&store, "vor der Garage"), vec![case.id]);
        assert_eq!(search(&store, "SPERRMÜLL"), vec![case.id]);
        assert_eq!(search(&store, "ü"), vec![case.id]);
        assert!(search(&store, "Carport").is_empty());
        assert!(
            search(&store, "\"Garage").is_empty(),
            "a quote is text, not syntax"
        );
        // An edit that leaves the text alone keeps the index entry (it is not rewritten).
        store
            .edit_case(case.id, &author, &test_writer(), &mut |c| {
                c.status = schema::Status::Submitted
            })
            .unwrap();
        assert_eq!(search(&store, "vor der Garage"), vec![case.id]);
        store
            .edit_case(case.id, &author, &test_writer(), &mut |c| c.fields.clear())
            .unwrap();
        assert!(
            search(&store, "Garage").is_empty(),
            "the index follows edits"
        );
        store
            .edit_case(case.id, &author, &test_writer(), &mut |c| {
                c.fields.insert(
                    "note".into(),
                    schema::FieldValue::LongText("Sperrmüll vor der Garage".into()),
                );
            })
            .unwrap();
        assert_eq!(store.rebuild_projection().unwrap(), 1);
        assert_eq!(search(&store, "Garage"), vec![case.id]);

        let path = dir.path().join("db.sqlite3");
        drop(store);
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(
            "ALTER TABLE cases DROP COLUMN answers; DROP TABLE cases_search;
             DROP TABLE blob_tenants; ALTER TABLE devices DROP COLUMN last_sync_at;
             ALTER TABLE devices DROP COLUMN sync_rounds; ALTER TABLE devices DROP COLUMN last_seen_at;
             DROP TABLE change_receipts; DROP TABLE role_grants; DROP TABLE internal_comments;
             DROP TABLE blob_uploaders;
             PRAGMA user_version = 3;",
        )
        .unwrap();
        drop(conn);
        let store = SqliteStore::open(&path).unwrap();
        assert_eq!(search(&store, "vor der Garage"), vec![case.id]);
    }

    /// A document in which an earlier version kept an internal comment loses it when this
    /// version opens the database: the comment moves to the server's table, and the
    /// document's deletion of it is a change of the server's own, with its receipt. The
    /// photos stored so far are credited to whoever their cases say added them.
    #[test]
    fn opening_a_version_9_database_moves_internal_comments_out_of_the_documents() {
        let (dir, store, case, author, _doc) = stored_draft();
        let sha = "ab".repeat(32);
        store
            .insert_blob(&BlobRow {
                sha256: sha.clone(),
                size: 3,
                mime: "image/jpeg".into(),
            })
            .unwrap();
        let path = dir.path().join("db.sqlite3");
        drop(store);
        let mut conn = Connection::open(&path).unwrap();
        let remark = schema::Comment {
            id: schema::CommentId::new(),
            written: schema::Stamp {
                by: "cw".into(),
                at_ms: 5,
            },
            text: "Halter ist bekannt".into(),
            internal: true,
        };
        {
            // As version 9 wrote it: the internal comment inside the document.
            let tx = conn.transaction().unwrap();
            let mut doc =
                CaseDocument::load(&document_bytes(&tx, case.id).unwrap().unwrap()).unwrap();
            let before = doc.heads();
            let pushed = remark.clone();
            let photo = schema::Photo {
                id: schema::PhotoId::new(),
                field: "n".into(),
                sha256: sha.clone(),
                byte_size: 3,
                width: 1,
                height: 1,
                mime_type: "image/jpeg".into(),
                captured_at_ms: None,
                gps: None,
                caption: String::new(),
                added: schema::Stamp {
                    by: "u".into(),
                    at_ms: 5,
                },
                annotations: Vec::new(),
            };
            doc.edit(&author, 5, |c| {
                c.comments.push(pushed.clone());
                c.photos.push(photo.clone());
            })
            .unwrap();
            let changes = doc.automerge_mut().save_after(&before);
            append_change(&tx, case.id, &changes).unwrap();
            tx.commit().unwrap();
        }
        conn.execute_batch(
            "DROP TABLE role_grants; DROP TABLE internal_comments; DROP TABLE blob_uploaders;
             PRAGMA user_version = 9;",
        )
        .unwrap();
        drop(conn);

        let store = SqliteStore::open(&path).unwrap();
        let kept = |store: &SqliteStore| {
            let store: &dyn CaseStore = store;
            store
                .read(|tx| super::super::internal_comments::of_case(tx, case.id))
                .unwrap()
        };
        assert_eq!(kept(&store), vec![remark]);
        let bytes = store.document(case.id).unwrap().unwrap();
        let stored = CaseDocument::load(&bytes).unwrap().hydrate().unwrap();
        assert!(stored.comments.is_empty(), "{:?}", stored.comments);
        let receipts = store.change_receipts(case.id).unwrap();
        assert!(
            receipts
                .values()
                .any(|r| r.username == super::super::internal_comments::SERVER_AUTHOR),
            "{receipts:?}"
        );
        assert!(store.uploaded_by(&sha, "u").unwrap());
        assert!(!store.uploaded_by(&sha, "someone-else").unwrap());
        // Opening it again moves nothing twice.
        drop(store);
        let store = SqliteStore::open(&path).unwrap();
        assert_eq!(kept(&store).len(), 1);
    }
}
