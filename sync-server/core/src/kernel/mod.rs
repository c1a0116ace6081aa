//! The kernel: what every layer above may use and nothing in it knows of them — the
//! configuration, [`AppError`] (error codes and JSON bodies, no HTML: each surface maps
//! errors to pages itself), the blocking-pool helper, the client-address extractor, and what
//! keeps slow and many clients in bounds: the connection loop with its header timeout, the
//! pace request bodies must keep, and admission of requests per client and in all.

pub mod admission;
pub mod body_pace;
pub mod client_addr;
pub mod config;
pub mod connections;
mod error;

pub use error::{AppError, blocking, panic_response};
