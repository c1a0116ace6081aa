//! The kernel: what every layer above may use and nothing in it knows of them — the
//! configuration, [`AppError`] (error codes and JSON bodies, no HTML: each surface maps
//! errors to pages itself), the blocking-pool helper, and the client-address extractor.

pub mod client_addr;
pub mod config;
mod error;

pub use error::{AppError, blocking, panic_response};
