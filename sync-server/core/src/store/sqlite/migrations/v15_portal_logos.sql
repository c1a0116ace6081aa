-- naper sync server, SQLite schema version 15. Applied by `SqliteStore::open` on top of
-- version 14.

-- A tenant's coat of arms or logo on its portal (`store::portal_looks`): the PNG the server
-- made of the uploaded file (scaled, nothing but pixels) and the text a screen reader reads
-- for it.
CREATE TABLE portal_logos (
    tenant      TEXT PRIMARY KEY REFERENCES tenants(id),
    png         BLOB NOT NULL,
    alt         TEXT NOT NULL,
    updated_at  INTEGER NOT NULL
);
