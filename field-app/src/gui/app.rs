//! The eframe application: preferences, the top bar (sync indicator, language, contrast,
//! sign-out) and the shell of the opened store. Kept apart from eframe's window so tests
//! drive the same [`FieldApp::ui`] through egui_kittest.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::a11y;
use super::camera::{CameraSource, SystemCameras};
use super::i18n::{Texts, texts};
use super::prefs::Prefs;
use super::screenshot::Screenshot;
use super::shell::Shell;
use super::theme;
use crate::position::{FixState, GpsdFeed};
use crate::store::{DATABASE_FILE, LocalStore};

/// The tablet app.
#[derive(Debug)]
pub struct FieldApp {
    data_dir: PathBuf,
    prefs: Prefs,
    /// The opened store, or why it could not be opened.
    shell: std::result::Result<Shell, String>,
    /// The officer asked to sign out and sees the warning.
    confirm_sign_out: bool,
    screenshot: Option<Screenshot>,
    /// Where gpsd listens, when the app should follow the device position.
    gpsd: Option<String>,
    /// The device position, followed from the first frame on (it wakes the UI).
    position: Option<GpsdFeed>,
    /// Where forms take photos from.
    cameras: Arc<dyn CameraSource>,
}

impl FieldApp {
    /// The app on the store in `data_dir` (created when missing), taking photos with the
    /// device's cameras.
    pub fn new(data_dir: PathBuf) -> Self {
        let prefs = Prefs::load(&data_dir);
        let cameras: Arc<dyn CameraSource> = Arc::new(SystemCameras);
        let shell = Shell::open(&data_dir, prefs.last_sync_ms, Arc::clone(&cameras))
            .map_err(|e| e.to_string());
        Self {
            data_dir,
            prefs,
            shell,
            confirm_sign_out: false,
            screenshot: None,
            gpsd: None,
            position: None,
            cameras,
        }
    }

    /// The app taking photos from `cameras` instead of the device's (tests use synthetic
    /// cameras).
    pub fn with_cameras(mut self, cameras: Arc<dyn CameraSource>) -> Self {
        if let Ok(shell) = &mut self.shell {
            shell.set_cameras(Arc::clone(&cameras));
        }
        self.cameras = cameras;
        self
    }

    /// The app following the device position from gpsd at `address` (`host:port`); without
    /// it the position fields are typed by hand.
    pub fn with_gpsd(mut self, address: impl Into<String>) -> Self {
        self.gpsd = Some(address.into());
        self
    }

    /// The app photographing its window to `path` once settled (for the README).
    pub fn with_screenshot(mut self, path: PathBuf) -> Self {
        self.screenshot = Some(Screenshot::new(path));
        self
    }

    /// The shell of the opened store (for tests and benchmarks).
    pub fn shell(&self) -> Option<&Shell> {
        self.shell.as_ref().ok()
    }

    /// The shell, mutably.
    pub fn shell_mut(&mut self) -> Option<&mut Shell> {
        self.shell.as_mut().ok()
    }

    /// Draws one frame into `ui`, the window's root [`egui::Ui`].
    pub fn ui(&mut self, ui: &mut egui::Ui) {
        theme::apply(ui, self.prefs.high_contrast);
        let t = texts(self.prefs.language);
        if let Ok(shell) = &mut self.shell {
            shell.ensure_worker(ui.ctx());
            if shell.take_events(t) {
                self.prefs.last_sync_ms = shell.sync.last_sync_ms;
                self.prefs.save(&self.data_dir);
            }
        }
        if let (None, Some(address)) = (&self.position, &self.gpsd) {
            let ctx = ui.ctx().clone();
            self.position = Some(GpsdFeed::start(address, move || ctx.request_repaint()));
        }
        let fix = self
            .position
            .as_ref()
            .map_or(FixState::NoSource, GpsdFeed::current);
        if matches!(fix, FixState::Fix(_)) {
            // A fix goes stale without a report to wake the UI; look again in a second.
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_secs(1));
        }
        egui::Panel::top("top_bar").show(ui, |ui| self.top_bar(ui, t));
        self.sync_bar(ui, t);
        egui::CentralPanel::default().show(ui, |ui| match &mut self.shell {
            Ok(shell) => {
                if let Some(notice) = shell.notice.clone() {
                    ui.horizontal(|ui| {
                        ui.label(egui::RichText::new(&notice).strong());
                        if ui.button(t.notice_dismiss).clicked() {
                            shell.notice = None;
                        }
                    });
                }
                shell.show_screen(ui, t, self.prefs.language, &fix);
            }
            Err(why) => {
                ui.heading(t.store_error_title);
                ui.label(why.as_str());
            }
        });
        if self.confirm_sign_out {
            self.sign_out_dialog(ui.ctx(), t);
        }
        if let Some(screenshot) = &mut self.screenshot {
            screenshot.update(ui.ctx());
        }
    }

    fn top_bar(&mut self, ui: &mut egui::Ui, t: &Texts) {
        ui.horizontal_wrapped(|ui| {
            ui.heading(t.app_title);
            let other = match self.prefs.language {
                schema::Language::De => schema::Language::En,
                schema::Language::En => schema::Language::De,
            };
            // The button shows the other language's name, in that language.
            let language = ui.button(t.language_switch);
            a11y::name(&language, t.language);
            if language.clicked() {
                self.prefs.language = other;
                self.prefs.save(&self.data_dir);
            }
            let mut contrast = self.prefs.high_contrast;
            if ui.checkbox(&mut contrast, t.high_contrast).changed() {
                self.prefs.high_contrast = contrast;
                self.prefs.save(&self.data_dir);
            }
            if let Ok(shell) = &self.shell
                && shell.enrollment.is_some()
                && ui.button(t.sign_out).clicked()
            {
                self.confirm_sign_out = true;
            }
        });
    }

    /// The sync indicator sits at the bottom: when it grows (an error, upload progress) the
    /// screen above does not move under the officer's finger.
    fn sync_bar(&mut self, ui: &mut egui::Ui, t: &Texts) {
        let Ok(shell) = &self.shell else { return };
        if shell.enrollment.is_none() {
            return;
        }
        egui::Panel::bottom("sync_bar").show(ui, |ui| {
            if shell.sync.show(ui, t) {
                shell.sync_now();
            }
        });
    }

    /// Sign-out wipes the tablet; unsynced work is named first, with the way to keep it.
    fn sign_out_dialog(&mut self, ctx: &egui::Context, t: &Texts) {
        let (cases, photos) = match &self.shell {
            Ok(shell) => (shell.sync.pending_cases, shell.sync.pending_photos),
            Err(_) => (0, 0),
        };
        let mut close = false;
        let mut confirmed = false;
        egui::Modal::new(egui::Id::unique("sign_out")).show(ctx, |ui| {
            ui.heading(t.sign_out_title);
            if cases + photos > 0 {
                ui.label(
                    t.sign_out_unsynced
                        .replace("{cases}", &t.cases_count.fill(cases as u64))
                        .replace("{photos}", &t.photos_count.fill(photos as u64)),
                );
            } else {
                ui.label(t.sign_out_all_synced);
            }
            ui.horizontal(|ui| {
                let confirm = ui.button(t.sign_out_confirm);
                a11y::name(&confirm, t.sign_out_confirm);
                confirmed = confirm.clicked();
                close = ui.button(t.cancel).clicked();
            });
        });
        if confirmed {
            self.wipe();
            close = true;
        }
        if close {
            self.confirm_sign_out = false;
        }
    }

    /// Closes the store, deletes the tablet's data (database, photos, thumbnails, last sync)
    /// and opens an empty store on the enrollment screen.
    fn wipe(&mut self) {
        let mut owned_paths = Vec::new();
        if let Ok(shell) = &mut self.shell {
            shell.stop_worker();
            owned_paths = data_paths(&shell.store);
        }
        // Dropping the shell closes the UI's database connection before its files go.
        self.shell = Err(String::new());
        let mut failure = None;
        for path in owned_paths {
            let removed = if path.is_dir() {
                std::fs::remove_dir_all(&path)
            } else {
                std::fs::remove_file(&path)
            };
            match removed {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => failure = Some(format!("{}: {e}", path.display())),
            }
        }
        self.prefs.last_sync_ms = None;
        self.prefs.save(&self.data_dir);
        self.shell =
            Shell::open(&self.data_dir, None, Arc::clone(&self.cameras)).map_err(|e| e.to_string());
        if let (Some(failure), Ok(shell)) = (failure, &mut self.shell) {
            shell.notice = Some(failure);
        }
    }
}

/// Everything the store keeps in its data directory: the database with its WAL and shared
/// memory files, and the photo and thumbnail folders. Only these are removed, never the rest
/// of a directory the officer may have pointed the app at.
fn data_paths(store: &LocalStore) -> Vec<PathBuf> {
    let dir = store.dir();
    let mut paths: Vec<PathBuf> = ["", "-wal", "-shm", "-journal"]
        .iter()
        .map(|suffix| dir.join(format!("{DATABASE_FILE}{suffix}")))
        .collect();
    let sample = "0".repeat(64);
    if let Some(blobs) = store.blob_path(&sample).parent().and_then(Path::parent) {
        paths.push(blobs.to_path_buf());
    }
    if let Some(thumbnails) = store.thumbnail_path(&sample).parent() {
        paths.push(thumbnails.to_path_buf());
    }
    paths
}

impl eframe::App for FieldApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        FieldApp::ui(self, ui);
    }
}
