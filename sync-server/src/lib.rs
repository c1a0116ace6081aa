//! The naper sync server (axum + tokio).
//!
//! Not built yet. It will hold the case store (Automerge documents as the source of truth with
//! a relational projection, SQLite first, PostgreSQL behind the same interface), the sans-IO
//! sync protocol's HTTP adapter and blob store (issue 4), the back office (issue 6) and the
//! citizen services. Nothing here pretends to work before then.
