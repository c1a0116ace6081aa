-- naper sync server, SQLite schema version 10. Applied by `SqliteStore::open` on top of
-- version 9.

-- What a staff role may do beyond its fixed rights, per tenant, as the tenant's admins set
-- it (`store::grants`): `view_originals`, the unredacted photo originals; without it a role
-- sees only the redacted rendering. No row: not granted.
CREATE TABLE role_grants (
    tenant     TEXT NOT NULL REFERENCES tenants(id),
    role       TEXT NOT NULL,
    permission TEXT NOT NULL,
    PRIMARY KEY (tenant, role, permission)
);

-- Internal comments of the back office, kept here and never in the case document: a tablet
-- holds the document whole, so what it must not read cannot be in it (`store::internal_comments`).
-- Comments written as internal into documents by earlier versions are moved here when this
-- version opens the database.
CREATE TABLE internal_comments (
    id         TEXT PRIMARY KEY,
    case_id    TEXT NOT NULL,
    author     TEXT NOT NULL,
    written_at INTEGER NOT NULL,
    text       TEXT NOT NULL
);
CREATE INDEX internal_comments_by_case ON internal_comments(case_id, written_at);

-- Who uploaded each photo's bytes: the user of the device that began the upload, recorded
-- when it was verified and stored. Only they hold the original, so only their devices are
-- given it back (`access::may_open_original`); a case that merely names the address proves
-- nothing. Photos stored before version 10 are credited to whoever their cases say added
-- them, the best record there is.
CREATE TABLE blob_uploaders (
    sha256   TEXT NOT NULL,
    username TEXT NOT NULL,
    PRIMARY KEY (sha256, username)
);
