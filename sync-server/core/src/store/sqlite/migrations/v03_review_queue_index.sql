-- naper sync server, SQLite schema version 3: the review queue's index. Applied by
-- `SqliteStore::open` on top of version 2.

-- Covers the queue's default order (newest change first, id breaking ties) and the columns
-- its filters, visibility rule and per-status counts read, so paging deep into 100,000
-- cases and counting them walk this index alone instead of looking every row up in the
-- table (measured on 100,000 cases: the last page 55 -> 6 ms, the status counts
-- 50 -> 25 ms of SQLite time).
CREATE INDEX cases_queue ON cases(
    tenant, updated_at, id, status, created_by, assignee, template_id, created_at
);
