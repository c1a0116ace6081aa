-- naper sync server, SQLite schema version 13. Applied by `SqliteStore::open` on top of
-- version 12.

-- Citizens' accounts on a tenant's portal (`store::citizen_accounts`): the e-mail address
-- (lower-cased, one account per address and tenant), the argon2id hash of the password,
-- when the address was confirmed (an unconfirmed account cannot sign in), and the profile
-- whose values fill the services' forms. Deleting an account deletes its sessions and
-- tokens; its requests stay with the office, no longer linked to it.
CREATE TABLE citizen_accounts (
    id              TEXT PRIMARY KEY,
    tenant          TEXT NOT NULL REFERENCES tenants(id),
    email           TEXT NOT NULL,
    password_hash   TEXT NOT NULL,
    verified_at     INTEGER,
    name            TEXT NOT NULL DEFAULT '',
    organisation    TEXT NOT NULL DEFAULT '',
    street          TEXT NOT NULL DEFAULT '',
    house_number    TEXT NOT NULL DEFAULT '',
    postal_code     TEXT NOT NULL DEFAULT '',
    city            TEXT NOT NULL DEFAULT '',
    phone           TEXT NOT NULL DEFAULT '',
    language        TEXT NOT NULL DEFAULT 'de',
    created_at      INTEGER NOT NULL,
    UNIQUE (tenant, email)
);

-- Citizens' sessions, apart from the staff's `sessions`: only the SHA-256 of the id is
-- stored, with the form token of the session's forms.
CREATE TABLE citizen_sessions (
    id_hash     TEXT PRIMARY KEY,
    account_id  TEXT NOT NULL REFERENCES citizen_accounts(id) ON DELETE CASCADE,
    csrf_token  TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
);
CREATE INDEX citizen_sessions_by_account ON citizen_sessions(account_id);

-- One-time links sent by e-mail: confirming the address (`verify`) and setting a new
-- password (`reset`); only the SHA-256 of the link's secret is stored.
CREATE TABLE citizen_tokens (
    hash        TEXT PRIMARY KEY,
    account_id  TEXT NOT NULL REFERENCES citizen_accounts(id) ON DELETE CASCADE,
    purpose     TEXT NOT NULL CHECK (purpose IN ('verify', 'reset')),
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER
);
CREATE INDEX citizen_tokens_by_account ON citizen_tokens(account_id);

-- The account a request was sent from, if any: its citizen's timeline lists it.
ALTER TABLE citizen_requests ADD COLUMN account_id TEXT
    REFERENCES citizen_accounts(id) ON DELETE SET NULL;
CREATE INDEX citizen_requests_by_account ON citizen_requests(account_id)
    WHERE account_id IS NOT NULL;
