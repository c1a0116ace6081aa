-- naper sync server, SQLite schema version 9. Applied by `SqliteStore::open` on top of
-- version 8.

-- Who brought each change of a case to the server, and when, as the server saw it: the
-- device (and its user) whose sync round contained it, or the staff user of a back-office
-- edit. A change's own author and time are whatever the writing client put in it; the
-- history and the PDF show this record first. Changes stored before version 9 have none.
CREATE TABLE change_receipts (
    case_id     TEXT NOT NULL,
    hash        TEXT NOT NULL,
    username    TEXT NOT NULL,
    device_id   TEXT,
    received_at INTEGER NOT NULL,
    stated_at   INTEGER,
    PRIMARY KEY (case_id, hash)
);
