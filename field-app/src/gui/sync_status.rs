//! What the officer sees of the background sync: pending changes and photos, the last
//! successful sync, online or offline, upload progress, and the "sync now" button.

use std::collections::BTreeMap;

use super::a11y;
use super::errors::error_text;
use super::i18n::Texts;
use super::sync_worker::SyncEvent;
use crate::store::LocalStore;

/// Whether the server answered the last time the tablet tried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reachability {
    /// Not tried since the app started.
    Unknown,
    /// The last request reached the server.
    Online,
    /// The last request did not reach the server.
    Offline,
}

/// The sync indicator's state, updated from worker events and the store.
#[derive(Debug, Clone)]
pub struct SyncStatus {
    /// A run is under way.
    pub running: bool,
    /// Online or offline, as last seen.
    pub reachability: Reachability,
    /// The last successful sync, ms since the epoch.
    pub last_sync_ms: Option<i64>,
    /// Why the last run failed, for the officer.
    pub last_error: Option<String>,
    /// Cases edited since their last sync.
    pub pending_cases: usize,
    /// Photos still to upload.
    pub pending_photos: usize,
    /// Upload progress of this run: SHA-256 → (bytes the server has, size).
    pub uploads: BTreeMap<String, (u64, u64)>,
    /// Bumped whenever cases may have changed under the UI (a sync finished), so lists reload.
    pub generation: u64,
}

impl SyncStatus {
    /// The state at start, with the last successful sync remembered from before.
    pub fn new(last_sync_ms: Option<i64>) -> Self {
        Self {
            running: false,
            reachability: Reachability::Unknown,
            last_sync_ms,
            last_error: None,
            pending_cases: 0,
            pending_photos: 0,
            uploads: BTreeMap::new(),
            generation: 0,
        }
    }

    /// Recounts what waits for the server.
    pub fn refresh_pending(&mut self, store: &LocalStore) {
        let peer = match store.enrollment() {
            Ok(Some(e)) => e.peer(),
            _ => return,
        };
        if let Ok(dirty) = store.dirty_cases(&peer) {
            self.pending_cases = dirty.len();
        }
        if let Ok(uploads) = store.pending_uploads() {
            self.pending_photos = uploads.len();
        }
    }

    /// Takes in one worker event (not enrollment results, which the shell handles).
    pub fn apply(&mut self, event: &SyncEvent, texts: &Texts, now_ms: i64) {
        match event {
            SyncEvent::Started => {
                self.running = true;
                self.uploads.clear();
            }
            SyncEvent::Upload(p) => {
                self.uploads.insert(p.sha256.clone(), (p.received, p.size));
            }
            SyncEvent::Finished(Ok(_)) => {
                self.running = false;
                self.reachability = Reachability::Online;
                self.last_sync_ms = Some(now_ms);
                self.last_error = None;
                self.generation += 1;
            }
            SyncEvent::Finished(Err(e)) => {
                self.running = false;
                self.reachability = if e.is_offline() {
                    Reachability::Offline
                } else {
                    Reachability::Online
                };
                self.last_error = Some(error_text(e, texts));
                self.generation += 1;
            }
            SyncEvent::Enrolled(result) => {
                self.reachability = match result {
                    Err(e) if e.is_offline() => Reachability::Offline,
                    _ => Reachability::Online,
                };
            }
        }
    }

    /// Draws the indicator; returns true when "sync now" was pressed.
    pub fn show(&self, ui: &mut egui::Ui, texts: &Texts) -> bool {
        let mut pressed = false;
        ui.horizontal_wrapped(|ui| {
            let reach = match self.reachability {
                Reachability::Unknown => texts.sync_unknown,
                Reachability::Online => texts.sync_online,
                Reachability::Offline => texts.sync_offline,
            };
            ui.label(reach);
            ui.label(
                texts
                    .sync_pending
                    .replace(
                        "{cases}",
                        &texts.cases_count.fill(self.pending_cases as u64),
                    )
                    .replace(
                        "{photos}",
                        &texts.photos_count.fill(self.pending_photos as u64),
                    ),
            );
            let last = match self.last_sync_ms {
                // German time, the date as the officer's language writes it.
                Some(ms) => texts
                    .sync_last
                    .replace("{time}", &texts::time::instant_ms(ms, texts.lang)),
                None => texts.sync_never.to_string(),
            };
            ui.label(last);
            if self.running {
                ui.spinner();
                ui.label(texts.sync_running);
            }
            let button = ui.add_enabled(!self.running, egui::Button::new(texts.sync_now));
            a11y::name(&button, texts.sync_now);
            pressed = button.clicked();
        });
        for (sha, (received, size)) in &self.uploads {
            if received < size {
                let fraction = if *size == 0 {
                    1.0
                } else {
                    *received as f32 / *size as f32
                };
                let label = texts
                    .sync_upload
                    .replace("{photo}", sha.get(..8).unwrap_or(sha));
                let bar = ui.add(egui::ProgressBar::new(fraction).text(label.clone()));
                a11y::name(&bar, &label);
            }
        }
        if let Some(error) = &self.last_error {
            ui.colored_label(super::theme::error_color(false), error);
        }
        pressed
    }
}
