-- naper sync server, SQLite schema version 4: the answers' text, so the review queue's text
-- search finds a case by what was answered (a plate, a street in a note), not only by its
-- title and address. Written by the projection with every other column; `SqliteStore::open`
-- re-projects the stored cases once when it adds the column.
ALTER TABLE cases ADD COLUMN answers TEXT NOT NULL DEFAULT '';
