-- naper sync server, SQLite schema version 2: the back office. Applied by
-- `SqliteStore::open` on top of version 1.

-- Back-office sessions. Only the SHA-256 of the session id (a random 256-bit cookie value)
-- is stored, so a copy of the database does not let anyone sign in. `csrf_token` is the
-- synchronizer token every form of the session carries.
CREATE TABLE sessions (
    id_hash     TEXT PRIMARY KEY,
    username    TEXT NOT NULL REFERENCES users(username) ON DELETE CASCADE,
    csrf_token  TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
);
CREATE INDEX sessions_by_expiry ON sessions(expires_at);

-- What staff did in the back office: append-only. No foreign keys, so an entry outlives the
-- user or case it names; the triggers refuse every UPDATE and DELETE.
CREATE TABLE audit_log (
    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
    at        INTEGER NOT NULL,
    tenant    TEXT NOT NULL,
    username  TEXT NOT NULL,
    action    TEXT NOT NULL,
    case_id   TEXT,
    detail    TEXT NOT NULL
);
CREATE INDEX audit_by_case ON audit_log(tenant, case_id, seq);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
