-- naper sync server, SQLite schema version 1. Applied once by `SqliteStore::open`
-- (tracked in `PRAGMA user_version`); later versions append new migration files.

CREATE TABLE tenants (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);

-- User names are unique across the server, so enrollment needs no tenant.
CREATE TABLE users (
    username      TEXT PRIMARY KEY,
    tenant        TEXT NOT NULL REFERENCES tenants(id),
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL,
    password_hash TEXT NOT NULL,   -- argon2id, PHC string
    created_at    INTEGER NOT NULL
);

-- A device holds a bearer token; only its SHA-256 is stored.
CREATE TABLE devices (
    id          TEXT PRIMARY KEY,
    username    TEXT NOT NULL REFERENCES users(username) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    token_hash  TEXT NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL,
    revoked_at  INTEGER
);

-- The source of truth: per document a snapshot (a full `save()`, empty before the first
-- compaction) followed by the appended change chunks in `doc_changes`.
CREATE TABLE documents (
    id          TEXT PRIMARY KEY,
    snapshot    BLOB NOT NULL,
    created_at  INTEGER NOT NULL
);

CREATE TABLE doc_changes (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_id      TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    bytes       BLOB NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX doc_changes_by_doc ON doc_changes(doc_id, seq);

-- The relational projection, derived from the documents (see projection.rs) in the same
-- transaction as every write; `rebuild_projection` recreates it.
CREATE TABLE cases (
    id                TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
    tenant            TEXT NOT NULL,
    template_id       TEXT NOT NULL,
    template_version  INTEGER NOT NULL,
    status            TEXT NOT NULL,
    created_by        TEXT NOT NULL,
    assignee          TEXT,
    lat               REAL,
    lon               REAL,
    address           TEXT,
    title             TEXT NOT NULL,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    heads             TEXT NOT NULL
);
CREATE INDEX cases_by_tenant ON cases(tenant, updated_at);
CREATE INDEX cases_by_creator ON cases(tenant, created_by);
CREATE INDEX cases_by_assignee ON cases(tenant, assignee);

CREATE TABLE case_photos (
    case_id  TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    sha256   TEXT NOT NULL,
    PRIMARY KEY (case_id, sha256)
);
CREATE INDEX case_photos_by_sha ON case_photos(sha256);

-- Per device and document: the encoded Automerge sync state and the heads the device is
-- known to have (`sync_protocol::heads_key`). No foreign key to documents: a state exists
-- from the first round of a new case, before the case is stored.
CREATE TABLE sync_states (
    device_id    TEXT NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
    doc_id       TEXT NOT NULL,
    state        BLOB NOT NULL,
    known_heads  TEXT,
    updated_at   INTEGER NOT NULL,
    PRIMARY KEY (device_id, doc_id)
);

-- Form templates: `tenant` NULL for the ones bundled with naper.
CREATE TABLE templates (
    tenant      TEXT REFERENCES tenants(id),
    id          TEXT NOT NULL,
    version     INTEGER NOT NULL,
    category    TEXT NOT NULL,
    title_de    TEXT NOT NULL,
    title_en    TEXT NOT NULL,
    json        TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE UNIQUE INDEX templates_key ON templates(ifnull(tenant, ''), id, version);

-- Stored, verified photo originals (bytes on disk under blobs/).
CREATE TABLE blobs (
    sha256      TEXT PRIMARY KEY,
    size        INTEGER NOT NULL,
    mime        TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);

-- Uploads in progress (bytes on disk under uploads/; the file length is what was received).
CREATE TABLE uploads (
    sha256      TEXT PRIMARY KEY,
    size        INTEGER NOT NULL,
    device_id   TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
