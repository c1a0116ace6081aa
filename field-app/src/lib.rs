//! The tablet side of naper: what an enforcement officer's rugged tablet runs.
//!
//! Officers fill inspection cases offline; nothing typed or photographed may ever be lost.
//! This library is the tablet without its screen:
//!
//! - [`store`]: the local store, one SQLite file (WAL, `synchronous = FULL`) under the app's
//!   data directory, holding the enrollment, case documents (Automerge: a snapshot plus
//!   append-only incremental saves, one transaction per edit), per-server sync states, cached
//!   templates, photo blobs (content-addressed files) and the upload outbox.
//! - [`actions`]: what an officer does to a case — create it from a template with prefilled
//!   answers, answer a field, add a photo, draw on it, submit — each one store transaction.
//! - [`sync_client`]: the thin reqwest/tokio adapter around `sync_protocol`'s sans-IO
//!   [`sync_protocol::SyncSession`]: enrollment, sync runs over the HTTP contract of
//!   [`sync_protocol::http`], resumable chunked photo uploads and lazy downloads.
//! - [`position`]: the device position from gpsd, followed on a background thread, for the
//!   forms' position prefill.
//! - [`cli`]: the headless `field-app` command on top of the above, stable and scriptable for
//!   end-to-end tests.
//! - `gui` (feature `gui`, on by default): the touch GUI (eframe/egui) and the camera that
//!   `field-app` without a command opens, on the same store, actions and sync client;
//!   nothing above depends on a screen, and without the feature the crate builds without
//!   egui, nokhwa or libclang.
//!
//! The tablet talks to the server only over HTTP and never depends on `sync-server`.

pub mod actions;
pub mod cli;
pub mod clock;
mod error;
#[cfg(feature = "gui")]
pub mod gui;
pub mod position;
pub mod store;
pub mod sync_client;

pub use error::{FieldAppError, Result};
pub use store::LocalStore;
