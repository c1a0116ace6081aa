//! The tablet's local store: one SQLite file (plus photo files) under the app's data directory.
//!
//! # Durability
//!
//! The database runs in WAL mode with `synchronous = FULL`: every commit fsyncs the WAL before
//! it returns, so an edit that was reported as saved survives not only a killed process (which
//! `NORMAL` would already survive) but also a power loss or a kernel crash — tablets in the
//! field run out of battery, and "nothing typed may be lost" includes the last edit before
//! that. The cost is one fsync per edit, a few milliseconds on flash storage, which is nothing
//! at the pace of a person typing. Every edit is exactly one transaction; SQLite's journal
//! makes a transaction either fully present or absent after any crash.
//!
//! # Layout
//!
//! - [`enrollment`]: who the tablet belongs to and how it reaches its server.
//! - [`cases`]: case documents as a base snapshot plus append-only incremental saves.
//! - [`sync_state`]: per server and document the Automerge sync state and the heads at the
//!   last successful sync (a document is dirty when its heads moved since).
//! - [`server_rounds`]: per server, the count of this device's rounds it had committed, to
//!   notice a server that lost what it acknowledged and send everything again.
//! - [`templates`]: templates fetched from the server, by id and version.
//! - [`blobs`]: photo bytes as content-addressed files; [`outbox`]: uploads still to do.

pub mod blobs;
pub mod cases;
pub mod enrollment;
pub mod outbox;
mod schema;
pub mod server_rounds;
pub mod sync_state;
pub mod templates;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use crate::error::{FieldAppError, Result};

/// The database file inside the data directory.
pub const DATABASE_FILE: &str = "naper-tablet.sqlite3";

/// How long a writer waits for another connection's transaction before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// The local store of one tablet.
#[derive(Debug)]
pub struct LocalStore {
    conn: Connection,
    dir: PathBuf,
    /// Change rows per case above which the case is compacted into a new snapshot.
    compact_after: u32,
}

impl LocalStore {
    /// Opens (creating if needed) the store in `dir`, brings its layout up to date and removes
    /// leftovers of photo writes a crash interrupted.
    ///
    /// # Errors
    /// [`FieldAppError::Io`] when the directory cannot be created, [`FieldAppError::Store`]
    /// when the database cannot be opened, [`FieldAppError::Invalid`] when it was written
    /// by a newer version of the app, or [`FieldAppError::StoreUpgrade`] when its layout
    /// cannot be brought up to date (it is left as it was).
    pub fn open(dir: impl AsRef<Path>) -> Result<Self> {
        let dir = dir.as_ref().to_path_buf();
        std::fs::create_dir_all(&dir).map_err(|e| FieldAppError::io(&dir, e))?;
        let mut conn = Connection::open_with_flags(
            dir.join(DATABASE_FILE),
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(FieldAppError::Invalid(format!(
                "the local store could not switch to WAL mode (it reports `{mode}`); is the data directory on a network drive?"
            )));
        }
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", true)?;
        schema::migrate(&mut conn, &dir)?;
        let store = Self {
            conn,
            dir,
            compact_after: 64,
        };
        store.remove_interrupted_writes()?;
        Ok(store)
    }

    /// The data directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Sets after how many appended changes a case is compacted (default 64).
    pub fn set_compact_after(&mut self, changes: u32) {
        self.compact_after = changes.max(1);
    }

    /// SQLite's own consistency check: `["ok"]` for a sound database.
    ///
    /// # Errors
    /// [`FieldAppError::Store`].
    pub fn integrity_check(&self) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare("PRAGMA integrity_check")?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// The connection, for the modules of the store.
    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    /// The connection, mutably (transactions), for the modules of the store.
    pub(crate) fn conn_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }
}

/// A byte count as SQLite stores integers.
pub(crate) fn sql_size(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// A byte count read back from SQLite.
pub(crate) fn from_sql_size(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_new_store_is_sound_durable_and_reopens() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalStore::open(dir.path()).unwrap();
        assert_eq!(store.integrity_check().unwrap(), vec!["ok".to_string()]);
        let sync: i64 = store
            .conn()
            .pragma_query_value(None, "synchronous", |r| r.get(0))
            .unwrap();
        assert_eq!(sync, 2, "synchronous = FULL");
        let fk: i64 = store
            .conn()
            .pragma_query_value(None, "foreign_keys", |r| r.get(0))
            .unwrap();
        assert_eq!(fk, 1);
        drop(store);
        let again = LocalStore::open(dir.path()).unwrap();
        assert_eq!(again.integrity_check().unwrap(), vec!["ok".to_string()]);
    }

    #[test]
    fn a_store_from_a_newer_app_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalStore::open(dir.path()).unwrap();
        store
            .conn()
            .pragma_update(None, "user_version", 99)
            .unwrap();
        drop(store);
        let err = LocalStore::open(dir.path()).unwrap_err();
        assert!(err.to_string().contains("update the app"), "{err}");
    }
}
