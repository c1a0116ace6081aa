//! What the server does, apart from how it is asked: the state every surface shares, the
//! sync round and the bodies it receives, citizen services and requests, the document cache, compaction, outgoing e-mail,
//! bundled templates, the demo tenant and the admin operations.

pub mod admin;
pub mod case_cache;
pub mod citizen_accounts;
pub mod citizen_photos;
pub mod citizen_requests;
pub mod citizen_services;
pub mod compaction;
pub mod core_threads;
pub mod demo;
pub mod doc_cache;
mod error;
pub mod mail;
pub mod portal_look;
pub mod request_messages;
mod state;
pub mod sync_bodies;
pub mod sync_round;
pub mod templates;

pub use error::ServerError;
pub use state::{AppState, SyncRounds};
