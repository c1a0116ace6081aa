//! The SQLite backend's layout, version by version: one SQL file per version under
//! `migrations/`, run by the workspace's one migration runner (`sqlite_migrations`) when
//! [`SqliteStore::open`](super::SqliteStore::open) opens the file. Migrations are kept per
//! backend: another backend (PostgreSQL) keeps its own beside its code.
//!
//! A new version appends its file to [`STEPS`]. When it adds something derived from the
//! stored documents (which SQL cannot read), [`migrate`] runs a pass over them after all the
//! steps, in the same transaction, for databases that come from below that version: the pass
//! writes the newest layout, so it cannot run between the steps.

use rusqlite::{Connection, TransactionBehavior};
use sqlite_migrations::{Migrated, MigrationError, Step};

use crate::store::{StoreError, StoreResult};

/// The layout's steps; step `i` brings the database from version `i` to `i + 1`.
const STEPS: &[Step<StoreError>] = &[
    Step::Sql(include_str!("migrations/v01_initial.sql")),
    Step::Sql(include_str!("migrations/v02_sessions_and_audit_log.sql")),
    Step::Sql(include_str!("migrations/v03_review_queue_index.sql")),
    Step::Sql(include_str!("migrations/v04_answers_text.sql")),
    Step::Sql(include_str!("migrations/v05_search_index.sql")),
    Step::Sql(include_str!(
        "migrations/v06_blob_tenants_and_last_sync.sql"
    )),
    Step::Sql(include_str!("migrations/v07_uploads_per_tenant.sql")),
    Step::Sql(include_str!(
        "migrations/v08_device_sync_rounds_and_last_seen.sql"
    )),
    Step::Sql(include_str!("migrations/v09_change_receipts.sql")),
    Step::Sql(include_str!(
        "migrations/v10_role_grants_internal_comments_blob_uploaders.sql"
    )),
    Step::Sql(include_str!("migrations/v11_mail_outbox.sql")),
    Step::Sql(include_str!("migrations/v12_citizen_requests.sql")),
    Step::Sql(include_str!("migrations/v13_citizen_accounts.sql")),
    Step::Sql(include_str!("migrations/v14_request_messages.sql")),
    Step::Sql(include_str!("migrations/v15_portal_logos.sql")),
];

/// What removes each version's additions again, by the version that made them (versions 1
/// to 3 and 7 have none a test needs undone). Tests that need a file an older build wrote
/// take a current one back with [`downgrade_sql`]; a new version that adds something adds
/// its undoing here, and every such test follows.
const UNDO: &[(u32, &str)] = &[
    (4, "ALTER TABLE cases DROP COLUMN answers;"),
    (5, "DROP TABLE cases_search;"),
    (
        6,
        "DROP TABLE blob_tenants; ALTER TABLE devices DROP COLUMN last_sync_at;",
    ),
    (
        8,
        "ALTER TABLE devices DROP COLUMN sync_rounds; ALTER TABLE devices DROP COLUMN last_seen_at;",
    ),
    (9, "DROP TABLE change_receipts;"),
    (
        10,
        "DROP TABLE role_grants; DROP TABLE internal_comments; DROP TABLE blob_uploaders;",
    ),
    (11, "DROP TABLE mail_outbox;"),
    (
        12,
        "DROP TABLE service_synonyms; DROP TABLE portal_looks; DROP TABLE request_status_history;
         DROP TABLE citizen_requests; DROP INDEX tenants_by_portal_host;
         ALTER TABLE tenants DROP COLUMN portal_host;
         DROP TABLE request_numbers; DROP TABLE tenant_services;
         ALTER TABLE tenants DROP COLUMN request_prefix;
         ALTER TABLE templates DROP COLUMN audience;",
    ),
    (
        13,
        "DROP INDEX citizen_requests_by_account; ALTER TABLE citizen_requests DROP COLUMN account_id;
         DROP TABLE citizen_tokens; DROP TABLE citizen_sessions; DROP TABLE citizen_accounts;",
    ),
    (14, "DROP TABLE request_messages;"),
    (15, "DROP TABLE portal_logos;"),
];

/// The layout version this build writes.
pub fn latest_version() -> u32 {
    sqlite_migrations::latest(STEPS)
}

/// SQL that turns a database of this build's layout into one of layout `version`, as an
/// older build wrote it, for upgrade tests. Not for production: it drops data.
pub fn downgrade_sql(version: u32) -> String {
    let mut sql: String = UNDO
        .iter()
        .rev()
        .filter(|(made_by, _)| *made_by > version)
        .map(|(_, undo)| format!("{undo}\n"))
        .collect();
    sql.push_str(&format!("PRAGMA user_version = {version};"));
    sql
}

/// Brings the database up to this build's layout in one immediate transaction: the pending
/// steps, then the passes over the stored documents an upgrade from an older version needs.
/// A failure leaves the database as it was.
///
/// # Errors
/// [`StoreError::Invalid`] for a database written by a newer build, [`StoreError::Migration`]
/// when a step fails, [`StoreError::Sqlite`] when a pass or the transaction fails.
pub(super) fn migrate(conn: &mut Connection) -> StoreResult<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let migrated = sqlite_migrations::run_pending(&tx, STEPS).map_err(store_error)?;
    if let Migrated::Upgraded { from, .. } = migrated {
        // Versions 4 and 5 added projected columns and the search index: fill them once.
        if (1..5).contains(&from) {
            super::reproject_all(&tx)?;
        }
        // Version 10 keeps internal comments out of the documents tablets hold, and credits
        // the photos stored so far to whoever their cases say added them.
        if (1..10).contains(&from) {
            super::upgrade_documents_to_v10(&tx)?;
        }
    }
    tx.commit()?;
    Ok(())
}

/// The runner's error as the operator reads it: a newer database asks for a newer server.
fn store_error(e: MigrationError<StoreError>) -> StoreError {
    match e {
        MigrationError::TooNew { found, latest } => StoreError::Invalid(format!(
            "the database has schema version {found}, newer than this build's {latest}; run a \
             newer sync-server"
        )),
        other => StoreError::Migration(Box::new(other)),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use rusqlite::Connection;

    use super::STEPS;
    use crate::store::sqlite::SqliteStore;

    fn user_version(conn: &Connection) -> i64 {
        conn.pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap()
    }

    #[test]
    fn a_new_database_gets_the_newest_layout() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db.sqlite3");
        drop(SqliteStore::open(&path).unwrap());
        let conn = Connection::open(&path).unwrap();
        assert_eq!(user_version(&conn), 15);
        assert_eq!(sqlite_migrations::latest(STEPS), 15);
    }

    #[test]
    fn a_database_of_a_newer_build_is_refused_and_left_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db.sqlite3");
        drop(SqliteStore::open(&path).unwrap());
        Connection::open(&path)
            .unwrap()
            .pragma_update(None, "user_version", 16)
            .unwrap();

        let err = SqliteStore::open(&path).unwrap_err().to_string();
        assert!(err.contains("run a newer sync-server"), "{err}");
        assert!(err.contains("16") && err.contains("15"), "{err}");
        assert_eq!(user_version(&Connection::open(&path).unwrap()), 16);
    }
}
