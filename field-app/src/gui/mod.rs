//! The touch GUI of the field app (eframe/egui) on top of the store, actions and sync client.
//!
//! - [`FieldApp`] (`app.rs`): preferences, the top bar and the [`shell::Shell`] of the opened
//!   store, which switches between the screens: [`enrollment`], [`case_list`],
//!   [`template_picker`] and the case [`form`] (with the annotation editor, signature pad and
//!   camera panel inside it).
//! - [`sync_worker`]: a background thread with its own tokio runtime and store connection;
//!   the UI sends commands and reads events over channels and never waits on the network.
//! - [`i18n`]: the one translation table; [`theme`]: 48-point touch targets and the
//!   high-contrast theme; [`a11y`]: AccessKit names, which the egui_kittest tests use too.
//!
//! State lives in one struct per screen; the drawing functions stay thin and return what the
//! officer chose, and the shell acts on it.

pub mod a11y;
pub mod annotation_editor;
mod app;
pub mod camera;
pub mod case_list;
pub mod enrollment;
mod errors;
pub mod form;
pub mod i18n;
pub mod prefs;
mod screenshot;
pub mod shell;
pub mod signature_pad;
pub mod sync_status;
pub mod sync_worker;
pub mod template_picker;
pub mod theme;
mod touch_input;

pub use app::FieldApp;

use std::path::{Path, PathBuf};

/// The data directory when none is given: the per-user data folder
/// (`$XDG_DATA_HOME/naper/tablet`, else `~/.local/share/naper/tablet`), else `./naper-tablet`.
pub fn default_data_dir() -> PathBuf {
    let base = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".local/share")));
    match base {
        Some(base) => base.join("naper").join("tablet"),
        None => PathBuf::from("naper-tablet"),
    }
}

/// Opens the app window on the store in `data_dir` and runs until it is closed.
///
/// # Errors
/// When the window cannot be created (no display, no OpenGL).
/// With `screenshot`, the window saves a PNG of itself there once it has settled and closes.
/// The device position comes from gpsd at `gpsd` (`host:port`).
pub fn run_window(
    data_dir: PathBuf,
    screenshot: Option<PathBuf>,
    gpsd: String,
) -> eframe::Result<()> {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title(i18n::DE.app_title)
            .with_inner_size([1280.0, 800.0])
            .with_min_inner_size([480.0, 600.0]),
        ..Default::default()
    };
    eframe::run_native(
        i18n::DE.app_title,
        options,
        Box::new(move |_cc| {
            let app = FieldApp::new(data_dir).with_gpsd(gpsd);
            Ok(Box::new(match screenshot {
                Some(path) => app.with_screenshot(path),
                None => app,
            }))
        }),
    )
}

#[cfg(test)]
mod tests;
