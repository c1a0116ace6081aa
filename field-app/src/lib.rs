//! The officer's tablet app (egui/eframe) and its local SQLite store.
//!
//! Not built yet. It will hold the local store and headless sync client (issue 4: documents,
//! blobs, upload outbox, per-server sync state, cached templates) and the touch-first GUI
//! (issue 5: case list, forms rendered from `schema` templates, camera, the `annotate`
//! editor). Nothing here pretends to work before then.
