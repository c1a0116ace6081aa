//! The SQL layout of the local store and its migrations (`PRAGMA user_version`).

use rusqlite::Connection;

use crate::error::Result;

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

/// The migrations, in order; index `i` brings the layout from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[V1];

/// Brings the store's layout up to date, each step in its own transaction.
pub(super) fn migrate(conn: &mut Connection) -> Result<()> {
    let current: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let current = usize::try_from(current).unwrap_or(0);
    for (i, step) in MIGRATIONS.iter().enumerate().skip(current) {
        let tx = conn.transaction()?;
        tx.execute_batch(step)?;
        tx.pragma_update(
            None,
            "user_version",
            i64::try_from(i + 1).unwrap_or(i64::MAX),
        )?;
        tx.commit()?;
    }
    Ok(())
}

/// The layout version this build writes.
pub(super) fn latest() -> i64 {
    i64::try_from(MIGRATIONS.len()).unwrap_or(i64::MAX)
}
