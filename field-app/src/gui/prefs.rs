//! The officer's display preferences and the time of the last successful sync, kept in a
//! small JSON file next to the store so they survive restarts.

use std::path::{Path, PathBuf};

use schema::Language;
use serde::{Deserialize, Serialize};

/// The file inside the data directory.
const PREFS_FILE: &str = "gui-prefs.json";

/// What the app remembers between starts apart from the store.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Prefs {
    /// The UI language (German unless the officer chose English).
    #[serde(default)]
    pub language: Language,
    /// The high-contrast theme for sunlight.
    #[serde(default)]
    pub high_contrast: bool,
    /// When the last sync succeeded, ms since the epoch.
    #[serde(default)]
    pub last_sync_ms: Option<i64>,
}

impl Prefs {
    /// Reads the preferences; a missing or unreadable file gives the defaults (they are only
    /// preferences, never the officer's work).
    pub fn load(data_dir: &Path) -> Self {
        std::fs::read(path(data_dir))
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default()
    }

    /// Writes the preferences; a failure is logged, not shown, for the same reason.
    pub fn save(&self, data_dir: &Path) {
        let written = serde_json::to_vec_pretty(self)
            .map_err(std::io::Error::other)
            .and_then(|json| std::fs::write(path(data_dir), json));
        if let Err(e) = written {
            tracing::warn!(error = %e, "the display preferences could not be saved");
        }
    }
}

fn path(data_dir: &Path) -> PathBuf {
    data_dir.join(PREFS_FILE)
}
