-- naper sync server, SQLite schema version 11. Applied by `SqliteStore::open` on top of
-- version 10.

-- The durable e-mail outbox (`store::outbox`): a mail is queued in the transaction of the
-- event that causes it, so it exists exactly when the event does, and `services::mail`
-- sends it later, retrying with backoff until the SMTP server accepts it or refuses it for
-- good. `event_key` names the event (e.g. `request-received:<case id>`): queueing the same
-- event twice queues one mail. `lease_until` is how long the sender that claimed a mail
-- has it to itself; a crashed sender's claims lapse and the mail is sent again.
CREATE TABLE mail_outbox (
    id              INTEGER PRIMARY KEY,
    tenant          TEXT NOT NULL REFERENCES tenants(id),
    event_key       TEXT NOT NULL UNIQUE,
    recipient       TEXT NOT NULL,
    subject         TEXT NOT NULL,
    body_text       TEXT NOT NULL,
    body_html       TEXT,
    queued_at       INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    lease_until     INTEGER,
    last_error      TEXT,
    sent_at         INTEGER,
    failed_at       INTEGER
);
-- What is due: unsent, not given up, in the order of the next attempt.
CREATE INDEX mail_outbox_due ON mail_outbox(next_attempt_at)
    WHERE sent_at IS NULL AND failed_at IS NULL;
