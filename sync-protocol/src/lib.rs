//! The sans-IO core of naper's sync: how a tablet and the server bring their copies of case
//! documents together with Automerge's sync protocol, over plain request/response HTTP.
//!
//! This crate does no IO. It does not open files or sockets, start threads or read the clock.
//! The tablet's and the server's adapters load the documents a round needs into memory as
//! [`Replica`]s, hand them to the state machines here, send what comes out, and persist the
//! replicas the core marks as changed. That keeps the protocol testable without a network or
//! a database: `tests/` runs tablets and a server against each other in memory.
//!
//! # One sync run, step by step
//!
//! 1. The tablet's adapter lists the documents edited since their last successful sync (their
//!    heads differ from the heads stored at that sync) and starts a [`SyncSession`] with them.
//!    A tablet with 2,000 cases of which one changed starts with one document.
//! 2. [`SyncSession::next_request`] generates an Automerge sync message for each document
//!    still being synced and packs them into one [`SyncRequest`] — one HTTP round trip
//!    carries messages for many documents.
//! 3. The server's adapter authenticates the device, loads the named documents and their
//!    per-device sync states, works out which other documents visible to the device changed
//!    since the device last saw them (its per-device summary of heads), and calls
//!    [`serve`]. `serve` applies each message in isolation — a malformed or hostile message
//!    rejects only its own document, which is then not persisted — checks the result with the
//!    adapter's policy, and generates replies and offers. The adapter persists the changed
//!    replicas in one transaction and returns the [`SyncResponse`].
//! 4. [`SyncSession::handle_response`] applies the replies (creating replicas for documents
//!    the server offers, e.g. a case newly assigned to the officer), and marks what to persist.
//! 5. Repeat from 2 until nothing is left to say: the server announced no further offers and
//!    no document has a message to send. A tablet that sends its changes and hears them
//!    acknowledged is done after that one round trip.
//!
//! Sync states survive restarts on both sides ([`Replica::encode_state`]); a run interrupted
//! at any point resumes with the next one, and repeated or reordered requests are harmless
//! because Automerge changes are idempotent and ordered by their dependencies.

mod client;
mod error;
pub mod http;
pub mod intake;
mod replica;
mod server;
#[cfg(feature = "testing")]
pub mod testing;
mod wire;

pub use client::SyncSession;
pub use error::{ProtocolError, WireError};
pub use replica::{Arrival, Received, Replica, Replicas, heads_key, parse_heads_key};
pub use server::{Job, Policy, Workers, serve};
pub use wire::{
    DocMessage, DocRejection, Limits, PROTOCOL_VERSION, RejectReason, SyncRequest, SyncResponse,
};
