//! End-to-end tests of naper across crate boundaries: the bundled assets as the system ships
//! them, and (as the server and tablet store arrive) real processes talking real HTTP.
//!
//! The tests live in `tests/tests/`; this library holds what they share.

use std::path::PathBuf;

/// The repository's `assets/` directory, where bundled form templates, photos and fonts live.
pub fn assets_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../assets")
}
