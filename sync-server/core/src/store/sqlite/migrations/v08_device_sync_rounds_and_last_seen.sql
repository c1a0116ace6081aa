-- naper sync server, SQLite schema version 8. Applied by `SqliteStore::open` on top of
-- version 7.

-- How many sync rounds of each device the store has committed. Each round's answer carries
-- the new count; a tablet that is later told a count no higher than one it heard before is
-- talking to a store that lost acknowledged rounds (restored from a backup), and sends
-- everything again. Only the device's own rounds move its count, so other tablets syncing
-- after a restore cannot hide it.
ALTER TABLE devices ADD COLUMN sync_rounds INTEGER NOT NULL DEFAULT 0;

-- When the device last synced: a device token unused for longer than the configured idle
-- period is refused (a lost tablet's token does not stay valid for ever).
ALTER TABLE devices ADD COLUMN last_seen_at INTEGER;
