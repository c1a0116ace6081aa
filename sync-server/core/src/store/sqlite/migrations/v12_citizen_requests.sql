-- naper sync server, SQLite schema version 12. Applied by `SqliteStore::open` on top of
-- version 11.

-- Citizen requests (`store::citizen_requests`). A request is a case like any other; this is
-- what the server keeps of it outside the document: the number the citizen quotes, the
-- tracking link's SHA-256 (the link itself is shown once, on the receipt, and never
-- stored), when the link stops working, and the address for updates — personal data the
-- tablets never receive, so it is not in the document.
CREATE TABLE citizen_requests (
    case_id             TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
    tenant              TEXT NOT NULL REFERENCES tenants(id),
    number              TEXT NOT NULL,
    tracking_hash       TEXT NOT NULL UNIQUE,
    tracking_expires_at INTEGER NOT NULL,
    notify_email        TEXT,
    language            TEXT NOT NULL DEFAULT 'de',
    received_at         INTEGER NOT NULL,
    UNIQUE (tenant, number)
);

-- Where each request has stood: a row per status its case took, written in the transaction
-- that changed it (whoever did: a tablet's sync, the back office), so the citizen's
-- timeline is complete and the notice of a change is owed from that moment. `noticed` turns
-- 1 once the notice is queued in the outbox (or when none is due).
CREATE TABLE request_status_history (
    id          INTEGER PRIMARY KEY,
    case_id     TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    status      TEXT NOT NULL,
    at          INTEGER NOT NULL,
    noticed     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX request_status_history_by_case ON request_status_history(case_id, id);
CREATE INDEX request_status_history_owed ON request_status_history(id) WHERE noticed = 0;

-- The last request number handed out per tenant and year (`TGH-2026-000123`): counted in
-- the transaction that stores the request, so numbers are gapless and never reused.
CREATE TABLE request_numbers (
    tenant  TEXT NOT NULL REFERENCES tenants(id),
    year    INTEGER NOT NULL,
    last    INTEGER NOT NULL,
    PRIMARY KEY (tenant, year)
) WITHOUT ROWID;

-- The letters a tenant's request numbers start with; NULL takes them from the tenant's id.
ALTER TABLE tenants ADD COLUMN request_prefix TEXT;

-- Templates say who fills them in (`schema::Audience`): a tablet's list of forms to start a
-- case with holds the officers' only, the portal's list of services the citizens' only.
ALTER TABLE templates ADD COLUMN audience TEXT NOT NULL DEFAULT 'officer';

-- The citizen services a tenant offers: a service is offered only where a tenant enabled it.
CREATE TABLE tenant_services (
    tenant      TEXT NOT NULL REFERENCES tenants(id),
    service_id  TEXT NOT NULL,
    enabled_at  INTEGER NOT NULL,
    PRIMARY KEY (tenant, service_id)
) WITHOUT ROWID;

-- How a tenant's portal looks to its citizens (white label): the accent colour (checked for
-- contrast when set), the imprint and privacy-policy links and the contact details. A tenant
-- without a row shows naper's defaults.
CREATE TABLE portal_looks (
    tenant          TEXT PRIMARY KEY REFERENCES tenants(id),
    accent          TEXT,
    imprint_url     TEXT,
    privacy_url     TEXT,
    contact_email   TEXT,
    contact_phone   TEXT,
    updated_at      INTEGER NOT NULL
);

-- The everyday words a tenant adds to a service for its citizens' searches ("Sofa",
-- "Hund angemeldet"), beside the ones the service itself names.
CREATE TABLE service_synonyms (
    tenant      TEXT NOT NULL REFERENCES tenants(id),
    service_id  TEXT NOT NULL,
    word        TEXT NOT NULL,
    PRIMARY KEY (tenant, service_id, word)
) WITHOUT ROWID;

-- The host name a tenant's portal is reached by (`buergerportal.tegelhausen.de`), besides
-- its path; one tenant per host.
ALTER TABLE tenants ADD COLUMN portal_host TEXT;
CREATE UNIQUE INDEX tenants_by_portal_host ON tenants(portal_host) WHERE portal_host IS NOT NULL;
