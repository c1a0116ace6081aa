-- naper sync server, SQLite schema version 14. Applied by `SqliteStore::open` on top of
-- version 13.

-- The thread between a citizen and the office about one request (`store::request_messages`):
-- kept beside the case, never in its document, so tablets never receive what a citizen
-- wrote to the office. `noticed` turns 1 once the other side's e-mail notice is queued
-- (a citizen's message is noticed in the transaction that stores it; the office's by the
-- notice task, in the citizen's words).
CREATE TABLE request_messages (
    id          INTEGER PRIMARY KEY,
    case_id     TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    from_office INTEGER NOT NULL CHECK (from_office IN (0, 1)),
    author      TEXT NOT NULL,
    body        TEXT NOT NULL,
    sent_at     INTEGER NOT NULL,
    noticed     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX request_messages_by_case ON request_messages(case_id, id);
CREATE INDEX request_messages_owed ON request_messages(id) WHERE noticed = 0;
