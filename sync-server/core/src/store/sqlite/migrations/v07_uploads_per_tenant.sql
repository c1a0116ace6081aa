-- naper sync server, SQLite schema version 7. Applied by `SqliteStore::open` on top of
-- version 6.

-- Uploads in progress belong to one tenant: their key (`uploads::upload_key`) is the blob's
-- SHA-256 and the tenant, and so are the names of their `.part` files. A device of another
-- tenant then learns nothing of an upload in progress (that it exists, how far it got) and
-- uploads its own copy. Rows of uploads begun under the old key (the SHA-256 alone) are
-- dropped: those uploads start over, and their files are deleted as abandoned by the sweep.
DROP TABLE uploads;
CREATE TABLE uploads (
    upload_key  TEXT PRIMARY KEY,
    size        INTEGER NOT NULL,
    device_id   TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
