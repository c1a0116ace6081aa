-- naper sync server, SQLite schema version 6. Applied by `SqliteStore::open` on top of
-- version 5.

-- Which tenants uploaded each stored blob. An upload's status answers "complete" only to a
-- device whose tenant uploaded the blob or that may see a case referencing it; anyone else
-- uploads the bytes again (and the stored blob is kept), so a device cannot probe whether a
-- photo exists anywhere on the server, e.g. in another tenant's cases.
CREATE TABLE blob_tenants (
    sha256  TEXT NOT NULL REFERENCES blobs(sha256) ON DELETE CASCADE,
    tenant  TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    PRIMARY KEY (sha256, tenant)
) WITHOUT ROWID;

-- Blobs stored before this version: held for the tenants whose cases reference them (who
-- uploaded them is not recorded). An unreferenced old blob is uploaded once more by the next
-- tenant that needs it.
INSERT OR IGNORE INTO blob_tenants (sha256, tenant)
    SELECT DISTINCT p.sha256, c.tenant FROM case_photos p
    JOIN cases c ON c.id = p.case_id
    JOIN blobs b ON b.sha256 = p.sha256;

-- A revoked device's sync states are deleted with the revocation; the time of its last sync
-- is kept here for the administration's device list.
ALTER TABLE devices ADD COLUMN last_sync_at INTEGER;
