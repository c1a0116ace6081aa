//! [`CaseStore`] on SQLite (bundled): one file `naper.sqlite3` in WAL mode, so readers never
//! wait for the writer; writers take the write lock up front (`BEGIN IMMEDIATE`) and wait up
//! to the busy timeout for each other, also across processes (the admin CLI).

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use rusqlite::config::DbConfig;
use rusqlite::{Connection, Transaction, TransactionBehavior, params};

mod migrations;

pub use migrations::{downgrade_sql, latest_version};

use super::documents::{bytes as document_bytes, reproject};
use super::sql::parse_id;
use super::tx::{ReadTx, WriteTx};
use super::{CaseStore, StoreResult};

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
        migrations::migrate(&mut conn)?;
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

    /// `read` of `dyn CaseStore`, for code that holds this store by its type (the admin CLI,
    /// tests).
    ///
    /// # Errors
    /// What `work` fails with, database failures.
    pub fn read<T>(&self, work: impl FnOnce(&ReadTx<'_>) -> StoreResult<T>) -> StoreResult<T> {
        (self as &dyn CaseStore).read(work)
    }

    /// `write` of `dyn CaseStore`, for code that holds this store by its type.
    ///
    /// # Errors
    /// What `work` fails with (nothing is written then), database failures.
    pub fn write<T>(&self, work: impl FnOnce(&WriteTx<'_>) -> StoreResult<T>) -> StoreResult<T> {
        (self as &dyn CaseStore).write(work)
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

impl CaseStore for SqliteStore {
    fn write_tx(&self, work: &mut dyn FnMut(&WriteTx<'_>) -> StoreResult<()>) -> StoreResult<()> {
        self.with_conn(|conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            work(&WriteTx::sqlite(&tx))?;
            tx.commit()?;
            Ok(())
        })
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
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use rusqlite::OptionalExtension;
    use schema::write_rules::Writer;
    use schema::{CaseDocument, CaseId, ChangeAuthor, InspectionCase, Role, Template};

    use super::*;
    use crate::store::StoreError;
    use crate::store::accounts::DEVICE_SELECT;
    use crate::store::sync_states::offers_sql;
    use crate::store::{
        AuditEntry, BlobRow, CaseQuery, DocAppend, NewUser, StateWrite, TemplateRow, Visibility,
        accounts, blobs, case_query, cases, documents, projection, sync_states, templates, tenants,
        uploads,
    };

    /// An admin editing in the store's tests (the write rules let admins correct undecided cases).
    fn test_writer() -> Writer {
        Writer {
            username: "admin".into(),
            role: schema::Role::Admin,
        }
    }

    /// A new officer `username` of `tenant` with a dummy password hash, for the store's tests.
    fn test_officer(tenant: &str, username: &str) -> NewUser {
        NewUser {
            tenant: tenant.into(),
            username: username.into(),
            display_name: "X".into(),
            role: schema::Role::Officer,
            password_hash: "h".into(),
        }
    }

    /// A 3-byte JPEG photo `sha256` in `field`, added by user `u` at `at_ms`.
    fn test_photo(field: &str, sha256: &str, at_ms: i64) -> schema::Photo {
        schema::Photo {
            id: schema::PhotoId::new(),
            field: field.into(),
            sha256: sha256.into(),
            byte_size: 3,
            width: 1,
            height: 1,
            mime_type: "image/jpeg".into(),
            captured_at_ms: None,
            gps: None,
            caption: String::new(),
            added: schema::Stamp {
                by: "u".into(),
                at_ms,
            },
            annotations: Vec::new(),
        }
    }

    /// An edit that cannot refuse, as most of these tests make.
    fn edit_case(
        store: &SqliteStore,
        id: CaseId,
        author: &ChangeAuthor,
        writer: &Writer,
        edit: &mut dyn FnMut(&mut InspectionCase),
    ) -> StoreResult<InspectionCase> {
        store.write(|tx| {
            cases::edit(tx, id, author, writer, &mut |case| {
                edit(case);
                Ok(())
            })
        })
    }

    fn store() -> (tempfile::TempDir, SqliteStore) {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("db.sqlite3")).unwrap();
        (dir, store)
    }

    #[test]
    fn writes_of_several_aggregates_commit_together_or_not_at_all() {
        let (_dir, store) = store();
        store.write(|tx| tenants::create(tx, "a", "A")).unwrap();
        store
            .write(|tx| accounts::create_user(tx, &test_officer("a", "u")))
            .unwrap();
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
        assert_eq!(
            store
                .read(|tx| accounts::user(tx, "u"))
                .unwrap()
                .unwrap()
                .role,
            Role::Officer
        );
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
        assert_eq!(
            store
                .read(|tx| accounts::user(tx, "u"))
                .unwrap()
                .unwrap()
                .role,
            role
        );
        let logged = store
            .read(|tx| crate::store::audit::entries(tx, "a", None, 10))
            .unwrap();
        assert_eq!(logged.len(), 1);
        assert_eq!(logged[0].detail, "u: officer -> viewer");
    }

    #[test]
    fn tenants_users_and_devices_are_unique_and_revocable() {
        let (_dir, store) = store();
        assert!(store.read(tenants::none_yet).unwrap());
        store.write(|tx| tenants::create(tx, "a", "A")).unwrap();
        assert!(matches!(
            store.write(|tx| tenants::create(tx, "a", "A")),
            Err(StoreError::AlreadyExists(_))
        ));
        assert!(matches!(
            store.write(|tx| accounts::create_user(tx, &test_officer("nope", "u"))),
            Err(StoreError::NotFound(_))
        ));
        store
            .write(|tx| accounts::create_user(tx, &test_officer("a", "u")))
            .unwrap();
        assert!(matches!(
            store.write(|tx| accounts::create_user(tx, &test_officer("a", "u"))),
            Err(StoreError::AlreadyExists(_))
        ));
        let device = store
            .write(|tx| accounts::create_device(tx, "u", "Tablet", "hash"))
            .unwrap();
        assert_eq!(device.tenant, "a");
        assert_eq!(device.role, Role::Officer);
        assert_eq!(
            store
                .read(|tx| accounts::device_by_token_hash(tx, "hash"))
                .unwrap()
                .unwrap()
                .id,
            device.id
        );
        store
            .write(|tx| accounts::revoke_device(tx, &device.id))
            .unwrap();
        assert!(
            store
                .read(|tx| accounts::device_by_token_hash(tx, "hash"))
                .unwrap()
                .unwrap()
                .revoked_at
                .is_some()
        );
        assert!(matches!(
            store.write(|tx| accounts::revoke_device(tx, "nope")),
            Err(StoreError::NotFound(_))
        ));
        assert!(
            store
                .write(|tx| accounts::create_device(tx, "nobody", "x", "h2"))
                .is_err()
        );
    }

    #[test]
    fn a_published_template_version_is_never_replaced() {
        let (_dir, store) = store();
        store.write(|tx| tenants::create(tx, "a", "A")).unwrap();
        let row = |tenant: Option<&str>, version: u32, title: &str| TemplateRow {
            tenant: tenant.map(str::to_string),
            id: "check".into(),
            version,
            category: "c".into(),
            title_de: title.into(),
            title_en: title.into(),
            audience: schema::Audience::Officer,
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
        store.write(|tx| tenants::create(tx, "b", "B")).unwrap();
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
        store.write(|tx| tenants::create(tx, "a", "A")).unwrap();
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
        store
            .write(|tx| documents::insert(tx, &doc.save()))
            .unwrap();
        (dir, store, case, author, doc)
    }

    #[test]
    fn edits_append_changes_and_the_projection_follows_and_rebuilds() {
        let (_dir, store, case, author, mut doc) = stored_draft();
        assert!(matches!(
            store.write(|tx| documents::insert(tx, &doc.save())),
            Err(StoreError::AlreadyExists(_))
        ));
        for i in 0..3 {
            edit_case(&store, case.id, &author, &test_writer(), &mut |c| {
                c.title = format!("Titel {i}")
            })
            .unwrap();
        }
        assert_eq!(
            store
                .read(|tx| cases::row(tx, case.id))
                .unwrap()
                .unwrap()
                .title,
            "Titel 2"
        );
        assert_eq!(
            store
                .read(|tx| documents::compaction_candidates(tx, 2))
                .unwrap(),
            vec![case.id]
        );
        assert!(store.write(|tx| documents::compact(tx, case.id)).unwrap());
        assert!(
            !store.write(|tx| documents::compact(tx, case.id)).unwrap(),
            "nothing left to compact"
        );
        let visible = Visibility::Officer {
            tenant: "a".into(),
            username: "u".into(),
        };
        assert_eq!(store.read(|tx| cases::list(tx, &visible)).unwrap().len(), 1);
        let stranger = Visibility::Officer {
            tenant: "a".into(),
            username: "v".into(),
        };
        assert!(
            store
                .read(|tx| cases::list(tx, &stranger))
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            store
                .read(|tx| sync_states::offers(tx, "nodevice", &visible, 10))
                .unwrap(),
            vec![case.id]
        );

        let row = store.read(|tx| cases::row(tx, case.id)).unwrap().unwrap();
        assert_eq!(store.write(documents::rebuild_projection).unwrap(), 1);
        assert_eq!(
            store.read(|tx| cases::row(tx, case.id)).unwrap().unwrap(),
            row
        );
        assert!(matches!(
            edit_case(&store, CaseId::new(), &author, &test_writer(), &mut |_| {}),
            Err(StoreError::NotFound(_))
        ));
    }

    #[test]
    fn a_user_with_open_assigned_cases_is_not_deleted() {
        let (_dir, store, case, author, _doc) = stored_draft();
        store
            .write(|tx| accounts::create_user(tx, &test_officer("a", "u")))
            .unwrap();
        assert!(matches!(
            store.write(|tx| accounts::delete_user(tx, "u")),
            Err(StoreError::StillAssigned { cases: 1, .. })
        ));
        assert!(store.read(|tx| accounts::user(tx, "u")).unwrap().is_some());
        edit_case(&store, case.id, &author, &test_writer(), &mut |c| {
            c.status = schema::Status::Closed;
        })
        .unwrap();
        store.write(|tx| accounts::delete_user(tx, "u")).unwrap();
        assert!(store.read(|tx| accounts::user(tx, "u")).unwrap().is_none());
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
        edit_case(&store, case.id, &author, &test_writer(), &mut |c| {
            c.assigned_officer = Some("v".into())
        })
        .unwrap();
        let officer = |name: &str| Visibility::Officer {
            tenant: "a".into(),
            username: name.into(),
        };
        for name in ["u", "v"] {
            assert_eq!(
                store
                    .read(|tx| cases::list(tx, &officer(name)))
                    .unwrap()
                    .len(),
                1,
                "{name}"
            );
            assert_eq!(
                store
                    .read(|tx| sync_states::offers(tx, "d", &officer(name), 10))
                    .unwrap(),
                vec![case.id],
                "{name}"
            );
        }
        assert!(
            store
                .read(|tx| cases::list(tx, &officer("w")))
                .unwrap()
                .is_empty()
        );
        assert!(
            store
                .read(|tx| sync_states::offers(tx, "d", &officer("w"), 10))
                .unwrap()
                .is_empty()
        );
        let staff = Visibility::Tenant { tenant: "a".into() };
        assert_eq!(
            store
                .read(|tx| sync_states::offers(tx, "d", &staff, 10))
                .unwrap(),
            vec![case.id]
        );
        let other = Visibility::Tenant { tenant: "b".into() };
        assert!(
            store
                .read(|tx| sync_states::offers(tx, "d", &other, 10))
                .unwrap()
                .is_empty()
        );

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

        store
            .write(|tx| sync_states::commit_round(tx, "d1", &[retitled], &[]))
            .unwrap();
        assert_eq!(
            store
                .read(|tx| cases::row(tx, case.id))
                .unwrap()
                .unwrap()
                .title,
            "Neuer Titel"
        );
        store
            .write(|tx| sync_states::commit_round(tx, "d2", &[assigned], &[]))
            .unwrap();
        let row = store.read(|tx| cases::row(tx, case.id)).unwrap().unwrap();
        assert_eq!(row.title, "Neuer Titel", "the first merge's change is kept");
        assert_eq!(row.assignee.as_deref(), Some("o2"));
        assert_eq!(store.write(documents::rebuild_projection).unwrap(), 1);
        assert_eq!(
            store.read(|tx| cases::row(tx, case.id)).unwrap().unwrap(),
            row
        );
    }

    /// The queue's text search finds a case by an answer, case-insensitively, through the
    /// index and (for one or two characters) without it; a database of schema version 3 gets
    /// the answers' text and the index on opening.
    #[test]
    fn the_text_search_finds_answers_also_after_upgrading_from_version_3() {
        let (dir, store, case, author, _doc) = stored_draft();
        edit_case(&store, case.id, &author, &test_writer(), &mut |c| {
            c.fields.insert(
                "note".into(),
                schema::FieldValue::LongText("Sperrmüll vor der Garage".into()),
            );
        })
        .unwrap();
        let search = |store: &SqliteStore, text: &str| {
            let mut query = CaseQuery::all(Visibility::Tenant { tenant: "a".into() }, 10);
            query.text = Some(text.into());
            let page = store.read(|tx| case_query::page(tx, &query)).unwrap();
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
        edit_case(&store, case.id, &author, &test_writer(), &mut |c| {
            c.status = schema::Status::Submitted
        })
        .unwrap();
        assert_eq!(search(&store, "vor der Garage"), vec![case.id]);
        edit_case(&store, case.id, &author, &test_writer(), &mut |c| {
            c.fields.clear()
        })
        .unwrap();
        assert!(
            search(&store, "Garage").is_empty(),
            "the index follows edits"
        );
        edit_case(&store, case.id, &author, &test_writer(), &mut |c| {
            c.fields.insert(
                "note".into(),
                schema::FieldValue::LongText("Sperrmüll vor der Garage".into()),
            );
        })
        .unwrap();
        assert_eq!(store.write(documents::rebuild_projection).unwrap(), 1);
        assert_eq!(search(&store, "Garage"), vec![case.id]);

        let path = dir.path().join("db.sqlite3");
        drop(store);
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(&downgrade_sql(3)).unwrap();
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
            .write(|tx| {
                blobs::insert(
                    tx,
                    &BlobRow {
                        sha256: sha.clone(),
                        size: 3,
                        mime: "image/jpeg".into(),
                    },
                )
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
            let photo = test_photo("n", &sha, 5);
            doc.edit(&author, 5, |c| {
                c.comments.push(pushed.clone());
                c.photos.push(photo.clone());
            })
            .unwrap();
            let changes = doc.automerge_mut().save_after(&before);
            crate::store::documents::append(&tx, case.id, &changes).unwrap();
            tx.commit().unwrap();
        }
        conn.execute_batch(&downgrade_sql(9)).unwrap();
        drop(conn);

        let store = SqliteStore::open(&path).unwrap();
        let kept = |store: &SqliteStore| {
            let store: &dyn CaseStore = store;
            store
                .read(|tx| super::super::internal_comments::of_case(tx, case.id))
                .unwrap()
        };
        assert_eq!(kept(&store), vec![remark]);
        let bytes = store
            .read(|tx| documents::document(tx, case.id))
            .unwrap()
            .unwrap();
        let stored = CaseDocument::load(&bytes).unwrap().hydrate().unwrap();
        assert!(stored.comments.is_empty(), "{:?}", stored.comments);
        let receipts = store
            .read(|tx| documents::change_receipts(tx, case.id))
            .unwrap();
        assert!(
            receipts
                .values()
                .any(|r| r.username == super::super::internal_comments::SERVER_AUTHOR),
            "{receipts:?}"
        );
        assert!(store.read(|tx| blobs::uploaded_by(tx, &sha, "u")).unwrap());
        assert!(
            !store
                .read(|tx| blobs::uploaded_by(tx, &sha, "someone-else"))
                .unwrap()
        );
        // Opening it again moves nothing twice.
        drop(store);
        let store = SqliteStore::open(&path).unwrap();
        assert_eq!(kept(&store).len(), 1);
    }

    #[test]
    fn revoking_a_device_deletes_its_sync_states_but_keeps_its_last_sync() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("db.sqlite3")).unwrap();
        store.write(|tx| tenants::create(tx, "a", "A")).unwrap();
        store
            .write(|tx| accounts::create_user(tx, &test_officer("a", "u")))
            .unwrap();
        let revoked = store
            .write(|tx| accounts::create_device(tx, "u", "Tablet 1", "h1"))
            .unwrap();
        let kept = store
            .write(|tx| accounts::create_device(tx, "u", "Tablet 2", "h2"))
            .unwrap();
        let id = CaseId::new();
        let state = |id| StateWrite {
            id,
            state: vec![1, 2, 3],
            known_heads: Some("heads".into()),
        };
        assert_eq!(
            store
                .write(|tx| sync_states::commit_round(tx, &revoked.id, &[], &[state(id)]))
                .unwrap(),
            1
        );
        assert_eq!(
            store
                .write(|tx| sync_states::commit_round(tx, &kept.id, &[], &[state(id)]))
                .unwrap(),
            1
        );
        assert_eq!(
            store
                .write(|tx| sync_states::commit_round(tx, &kept.id, &[], &[]))
                .unwrap(),
            2,
            "each device counts its own committed rounds"
        );

        store
            .write(|tx| accounts::revoke_device(tx, &revoked.id))
            .unwrap();
        let replicas = store
            .read(|tx| sync_states::load(tx, &revoked.id, &[id]))
            .unwrap();
        assert!(replicas.get(&id).is_none_or(|r| r.state.is_none()));
        let replicas = store
            .read(|tx| sync_states::load(tx, &kept.id, &[id]))
            .unwrap();
        assert!(replicas[&id].state.is_some(), "other devices keep theirs");
        let devices = store.read(|tx| accounts::tenant_devices(tx, "a")).unwrap();
        assert!(
            devices.iter().all(|d| d.last_sync_ms.is_some()),
            "{devices:?}"
        );

        // Revoking again changes nothing and is no error.
        store
            .write(|tx| accounts::revoke_device(tx, &revoked.id))
            .unwrap();
        let devices = store.read(|tx| accounts::tenant_devices(tx, "a")).unwrap();
        assert!(devices.iter().all(|d| d.last_sync_ms.is_some()));
    }

    fn revoked(store: &SqliteStore, id: &str) -> bool {
        store
            .read(accounts::all_devices)
            .unwrap()
            .iter()
            .any(|d| d.id == id && d.revoked_at.is_some())
    }

    #[test]
    fn a_new_password_or_another_role_revokes_the_users_devices() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("db.sqlite3")).unwrap();
        store.write(|tx| tenants::create(tx, "a", "A")).unwrap();
        for user in ["u", "v"] {
            store
                .write(|tx| accounts::create_user(tx, &test_officer("a", user)))
                .unwrap();
        }
        let first = store
            .write(|tx| accounts::create_device(tx, "u", "Tablet 1", "h1"))
            .unwrap();
        let colleague = store
            .write(|tx| accounts::create_device(tx, "v", "Tablet 2", "h2"))
            .unwrap();
        let seen = |id: &str| {
            store
                .read(accounts::all_devices)
                .unwrap()
                .into_iter()
                .find(|d| d.id == id)
                .unwrap()
                .last_seen_at
        };
        assert_eq!(seen(&first.id), None);
        store
            .write(|tx| sync_states::commit_round(tx, &first.id, &[], &[]))
            .unwrap();
        assert!(seen(&first.id).is_some(), "a sync counts as use");

        // The same role again changes nothing.
        store
            .write(|tx| accounts::set_role(tx, "u", Role::Officer))
            .unwrap();
        assert!(!revoked(&store, &first.id));

        store
            .write(|tx| accounts::set_password_hash(tx, "u", "new-hash"))
            .unwrap();
        assert!(revoked(&store, &first.id), "a reset password revokes");
        assert!(!revoked(&store, &colleague.id), "only the user's devices");

        let second = store
            .write(|tx| accounts::create_device(tx, "u", "Tablet 3", "h3"))
            .unwrap();
        store
            .write(|tx| accounts::set_role(tx, "u", Role::CaseWorker))
            .unwrap();
        assert!(revoked(&store, &second.id), "a new role revokes");
        assert!(!revoked(&store, &colleague.id));
    }

    fn blob(sha: &str) -> BlobRow {
        BlobRow {
            sha256: sha.into(),
            size: 3,
            mime: "image/jpeg".into(),
        }
    }

    #[test]
    fn a_blob_is_known_to_the_tenants_that_uploaded_it_only() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("db.sqlite3")).unwrap();
        for tenant in ["a", "b"] {
            store
                .write(|tx| tenants::create(tx, tenant, tenant))
                .unwrap();
        }
        store
            .write(|tx| accounts::create_user(tx, &test_officer("a", "u")))
            .unwrap();
        let a = Visibility::Tenant { tenant: "a".into() };
        let b = Visibility::Tenant { tenant: "b".into() };
        let sha = "ab".repeat(32);

        let facts = store.read(|tx| blobs::facts(tx, &a, &sha)).unwrap();
        assert!(facts.blob.is_none() && !facts.tenant_uploaded && !facts.referenced);

        store
            .write(|tx| blobs::record_upload(tx, "k", &blob(&sha), "a"))
            .unwrap();
        let facts = store.read(|tx| blobs::facts(tx, &a, &sha)).unwrap();
        assert_eq!(facts.blob, Some(blob(&sha)));
        assert!(facts.tenant_uploaded && !facts.referenced);
        let facts = store.read(|tx| blobs::facts(tx, &b, &sha)).unwrap();
        assert!(facts.blob.is_some() && !facts.tenant_uploaded && !facts.referenced);

        // Tenant b uploads the same bytes: the blob row stays as it was, b now knows it.
        let mut again = blob(&sha);
        again.size = 99;
        store
            .write(|tx| blobs::record_upload(tx, "k", &again, "b"))
            .unwrap();
        let facts = store.read(|tx| blobs::facts(tx, &b, &sha)).unwrap();
        assert_eq!(facts.blob, Some(blob(&sha)));
        assert!(facts.tenant_uploaded);
    }

    /// A database of version 5 records for its stored blobs the tenants whose cases reference
    /// them, so their devices keep being told those photos are here.
    #[test]
    fn upgrading_from_version_5_credits_referenced_blobs_to_the_cases_tenants() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db.sqlite3");
        let store = SqliteStore::open(&path).unwrap();
        store.write(|tx| tenants::create(tx, "a", "A")).unwrap();
        let template = schema::Template::from_json(
            r#"{"id":"t","version":1,"category":"c","title":{"de":"T","en":"T"},
            "sections":[{"key":"s","title":{"de":"S","en":"S"},"fields":[
            {"key":"n","type":"integer","label":{"de":"N","en":"N"}}]}]}"#,
        )
        .unwrap();
        let (referenced, unreferenced) = ("ab".repeat(32), "cd".repeat(32));
        let mut case = schema::InspectionCase::new_draft(&template, "a", "u", 0);
        case.photos.push(test_photo("photos", &referenced, 0));
        let author = schema::ChangeAuthor {
            user: "u".into(),
            device: None,
        };
        let mut doc = schema::CaseDocument::create(&case, &author).unwrap();
        store
            .write(|tx| documents::insert(tx, &doc.save()))
            .unwrap();
        store
            .write(|tx| blobs::insert(tx, &blob(&referenced)))
            .unwrap();
        store
            .write(|tx| blobs::insert(tx, &blob(&unreferenced)))
            .unwrap();
        drop(store);
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(&downgrade_sql(5)).unwrap();
        drop(conn);

        let store = SqliteStore::open(&path).unwrap();
        let stranger = Visibility::Officer {
            tenant: "a".into(),
            username: "v".into(),
        };
        assert!(
            store
                .read(|tx| blobs::facts(tx, &stranger, &referenced))
                .unwrap()
                .tenant_uploaded
        );
        assert!(
            !store
                .read(|tx| blobs::facts(tx, &stranger, &unreferenced))
                .unwrap()
                .tenant_uploaded
        );
    }

    #[test]
    fn only_uploads_untouched_since_the_cutoff_are_idle_and_forgotten() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("db.sqlite3")).unwrap();
        let (old, young) = ("aa".repeat(32), "bb".repeat(32));
        store.write(|tx| uploads::put(tx, &old, 10, "d")).unwrap();
        let cutoff = crate::store::now_ms() + 1;
        std::thread::sleep(std::time::Duration::from_millis(5));
        store.write(|tx| uploads::put(tx, &young, 10, "d")).unwrap();

        assert_eq!(
            store.read(|tx| uploads::idle(tx, cutoff)).unwrap(),
            vec![old.clone()]
        );
        assert!(
            !store
                .write(|tx| uploads::forget_idle(tx, &young, cutoff))
                .unwrap(),
            "alive"
        );
        assert!(
            store
                .write(|tx| uploads::forget_idle(tx, &old, cutoff))
                .unwrap()
        );
        assert_eq!(store.read(|tx| uploads::size(tx, &old)).unwrap(), None);
        assert_eq!(
            store.read(|tx| uploads::size(tx, &young)).unwrap(),
            Some(10)
        );
        assert!(
            store
                .write(|tx| uploads::forget_idle(tx, &old, cutoff))
                .unwrap(),
            "no row left: nothing keeps it"
        );
    }
}
