-- naper sync server, SQLite schema version 5: a trigram full-text index for the review
-- queue's text search. A `LIKE '%…%'` over title, address and answers read every case of
-- the tenant three times per page (count, rows, per-status counts); the index finds the
-- matching cases directly. Each row's rowid is its case's rowid in `cases`; the projection
-- writes it with every other column, and `SqliteStore::open` fills it once.
CREATE VIRTUAL TABLE cases_search USING fts5(text, tokenize = 'trigram');
