//! The SQL layout of the local store and its migrations (`PRAGMA user_version`), run by the
//! workspace's one migration runner, `sqlite_migrations`.

use std::path::Path;

use rusqlite::{Connection, Transaction, TransactionBehavior};
use sqlite_migrations::{MigrationError, Step};

use crate::error::{FieldAppError, Result};

/// Layout version 1.
const V1: &str = "
CREATE TABLE enrollment (
    id             INTEGER PRIMARY KEY CHECK (id = 1),
    server_url     TEXT NOT NULL,
    device_id      TEXT NOT NULL,
    token          TEXT NOT NULL,
    username       TEXT NOT NULL,
    display_name   TEXT NOT NULL,
    tenant         TEXT NOT NULL,
    role           TEXT NOT NULL,
    enrolled_at_ms INTEGER NOT NULL
);

-- A case document: a base snapshot plus append-only incremental saves (case_changes).
-- heads is the sync_protocol::heads_key of snapshot || changes; the other columns are a
-- projection for lists, rewritten with every change.
CREATE TABLE cases (
    id               TEXT PRIMARY KEY,
    snapshot         BLOB NOT NULL,
    heads            TEXT NOT NULL,
    change_count     INTEGER NOT NULL DEFAULT 0,
    status           TEXT NOT NULL,
    title            TEXT NOT NULL,
    template_id      TEXT NOT NULL,
    template_version INTEGER NOT NULL,
    updated_at_ms    INTEGER NOT NULL
);

CREATE TABLE case_changes (
    seq     INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    bytes   BLOB NOT NULL
);
CREATE INDEX case_changes_by_case ON case_changes(case_id, seq);

-- Per peer (server URL and device id) and document: the encoded automerge sync state, the
-- heads at the last successful sync, and the server's last refusal.
CREATE TABLE sync_states (
    peer         TEXT NOT NULL,
    case_id      TEXT NOT NULL,
    state        BLOB NOT NULL,
    synced_heads TEXT,
    rejected     TEXT,
    PRIMARY KEY (peer, case_id)
);

CREATE TABLE templates (
    id            TEXT NOT NULL,
    version       INTEGER NOT NULL,
    json          TEXT NOT NULL,
    title_de      TEXT NOT NULL,
    category      TEXT NOT NULL,
    fetched_at_ms INTEGER NOT NULL,
    PRIMARY KEY (id, version)
);

-- Photo originals; the bytes are files under blobs/, this row is written only after the file
-- is complete and fsynced.
CREATE TABLE blobs (
    sha256       TEXT PRIMARY KEY,
    size         INTEGER NOT NULL,
    mime_type    TEXT NOT NULL,
    stored_at_ms INTEGER NOT NULL
);

-- Thumbnails of photos downloaded from the server (files under thumbnails/).
CREATE TABLE thumbnails (
    sha256       TEXT PRIMARY KEY,
    size         INTEGER NOT NULL,
    stored_at_ms INTEGER NOT NULL
);

-- Photos still to upload; a row is deleted when the server has the complete blob.
CREATE TABLE outbox (
    sha256         TEXT PRIMARY KEY REFERENCES blobs(sha256),
    case_id        TEXT,
    size           INTEGER NOT NULL,
    uploaded       INTEGER NOT NULL DEFAULT 0,
    enqueued_at_ms INTEGER NOT NULL,
    last_error     TEXT
);
";

/// Layout version 2: the officer a case is assigned to and who created it (for the "assigned
/// to me" tab) and its photos' addresses (so a deleted photo's bytes can be dropped when no
/// case refers to them any more), projected like status and title. Rows stored before it get
/// theirs from their documents.
fn v2_assignment(tx: &Transaction<'_>) -> Result<()> {
    tx.execute_batch(
        "ALTER TABLE cases ADD COLUMN assigned_officer TEXT;
         ALTER TABLE cases ADD COLUMN created_by TEXT NOT NULL DEFAULT '';
         ALTER TABLE cases ADD COLUMN photo_shas TEXT NOT NULL DEFAULT '';",
    )?;
    super::cases::fill_assignment(tx)
}

/// Layout version 3: per server, how many of this device's sync rounds it had committed at
/// the last answer (`SyncResponse::device_round`), to notice a server restored from a backup.
const V3_SERVER_ROUNDS: &str = "
CREATE TABLE server_rounds (
    peer  TEXT PRIMARY KEY,
    round INTEGER NOT NULL
);
";

/// The migrations, in order; index `i` brings the layout from version `i` to `i + 1`. A step
/// is plain SQL, or code where a new column is derived from the stored documents (which SQL
/// cannot read).
const MIGRATIONS: &[Step<FieldAppError>] = &[
    Step::Sql(V1),
    Step::Code(v2_assignment),
    Step::Sql(V3_SERVER_ROUNDS),
];

/// Brings the layout of the store in `dir` up to date: every pending step in one
/// transaction, so an upgrade cut short by a failing step or a flat battery leaves the store
/// as the older app left it, and the older app can still open it.
///
/// # Errors
/// [`FieldAppError::Invalid`] for a store written by a newer version of the app,
/// [`FieldAppError::StoreUpgrade`] when a step fails, [`FieldAppError::Store`] when the
/// transaction cannot begin or commit.
pub(super) fn migrate(conn: &mut Connection, dir: &Path) -> Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    sqlite_migrations::run_pending(&tx, MIGRATIONS).map_err(|e| upgrade_error(e, dir))?;
    tx.commit()?;
    Ok(())
}

/// The runner's error as the officer reads it: a newer store asks for an update of the app.
fn upgrade_error(e: MigrationError<FieldAppError>, dir: &Path) -> FieldAppError {
    match e {
        MigrationError::TooNew { found, latest } => FieldAppError::Invalid(format!(
            "the local store in {} was written by a newer version of the app (layout {found}, \
             this version knows up to {latest}); update the app",
            dir.display()
        )),
        other => FieldAppError::StoreUpgrade {
            dir: dir.to_path_buf(),
            source: Box::new(other),
        },
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use crate::store::LocalStore;
    use crate::store::cases::tests::new_case;

    #[test]
    fn upgrading_to_layout_2_projects_the_assignee_of_stored_cases() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = LocalStore::open(dir.path()).unwrap();
        new_case(&mut store);
        // Back to layout 1, as an app from before the column left it.
        store
            .conn()
            .execute_batch(
                "ALTER TABLE cases DROP COLUMN assigned_officer;
                 ALTER TABLE cases DROP COLUMN created_by;
                 ALTER TABLE cases DROP COLUMN photo_shas;
                 DROP TABLE server_rounds; PRAGMA user_version = 1;",
            )
            .unwrap();
        drop(store);

        let store = LocalStore::open(dir.path()).unwrap();
        let version: i64 = store
            .conn()
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(
            version,
            i64::from(sqlite_migrations::latest(super::MIGRATIONS))
        );
        let listed = &store.list_cases().unwrap()[0];
        assert_eq!(listed.assignee.as_deref(), Some("a.abel"));
        assert_eq!(listed.created_by, "a.abel");
    }

    /// The steps of one upgrade are kept together or not at all: a failing step 3 takes
    /// step 2's columns with it, and the store stays at layout 1.
    #[test]
    fn a_failed_upgrade_leaves_the_store_as_the_older_app_left_it() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = LocalStore::open(dir.path()).unwrap();
        new_case(&mut store);
        // Layout 1, with a table in the way of step 3.
        store
            .conn()
            .execute_batch(
                "ALTER TABLE cases DROP COLUMN assigned_officer;
                 ALTER TABLE cases DROP COLUMN created_by;
                 ALTER TABLE cases DROP COLUMN photo_shas;
                 PRAGMA user_version = 1;",
            )
            .unwrap();
        drop(store);

        let err = LocalStore::open(dir.path()).unwrap_err();
        assert!(
            matches!(err, crate::FieldAppError::StoreUpgrade { .. }),
            "{err:?}"
        );
        assert!(err.to_string().contains("layout version 3"), "{err}");
        let conn =
            rusqlite::Connection::open(dir.path().join(crate::store::DATABASE_FILE)).unwrap();
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(version, 1);
        let step_2_columns: i64 = conn
            .query_row(
                "SELECT count(*) FROM pragma_table_info('cases') WHERE name = 'assigned_officer'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(step_2_columns, 0, "step 2 was undone with step 3");
    }
}
