//! The app shell around the screens of one opened store: which screen is shown, the sync
//! worker and its indicator, and the moves between screens.

use std::path::Path;
use std::sync::Arc;

use schema::Language;

use super::camera::CameraSource;
use super::case_list::{CaseListScreen, ListChoice};
use super::enrollment::EnrollmentScreen;
use super::errors::error_text;
use super::form::{FormOutcome, FormScreen};
use super::i18n::Texts;
use super::sync_status::SyncStatus;
use super::sync_worker::{SyncCommand, SyncEvent, SyncWorker};
use super::template_picker::{PickerChoice, TemplatePicker};
use crate::actions;
use crate::clock;
use crate::error::Result;
use crate::position::FixState;
use crate::store::LocalStore;
use crate::store::enrollment::Enrollment;

/// The screen on display.
#[derive(Debug)]
pub enum Screen {
    /// Sign in (a tablet without enrollment).
    Enrollment(EnrollmentScreen),
    /// The cases.
    CaseList(CaseListScreen),
    /// Choosing a template for a new case.
    NewCase(TemplatePicker),
    /// A case's form.
    Form(Box<FormScreen>),
}

/// One opened store with its screens and sync worker.
#[derive(Debug)]
pub struct Shell {
    /// The UI thread's connection to the store.
    pub store: LocalStore,
    /// Who the tablet belongs to, once enrolled.
    pub enrollment: Option<Enrollment>,
    /// The screen on display.
    pub screen: Screen,
    /// The sync indicator.
    pub sync: SyncStatus,
    worker: Option<SyncWorker>,
    /// A passing message on top of the screen (e.g. "submitted").
    pub notice: Option<String>,
    /// Where forms take photos from.
    cameras: Arc<dyn CameraSource>,
}

impl Shell {
    /// Opens the store in `data_dir`. An enrolled tablet starts on its case list without
    /// asking anything (offline too); a new one on the enrollment screen. Forms take photos
    /// from `cameras`.
    ///
    /// # Errors
    /// Whatever [`LocalStore::open`] fails with.
    pub fn open(
        data_dir: &Path,
        last_sync_ms: Option<i64>,
        cameras: Arc<dyn CameraSource>,
    ) -> Result<Self> {
        let store = LocalStore::open(data_dir)?;
        let enrollment = store.enrollment()?;
        let screen = match &enrollment {
            Some(_) => Screen::CaseList(CaseListScreen::default()),
            None => Screen::Enrollment(EnrollmentScreen::default()),
        };
        let mut sync = SyncStatus::new(last_sync_ms);
        sync.refresh_pending(&store);
        Ok(Self {
            store,
            enrollment,
            screen,
            sync,
            worker: None,
            notice: None,
            cameras,
        })
    }

    /// Takes photos from `cameras` in forms opened from now on.
    pub fn set_cameras(&mut self, cameras: Arc<dyn CameraSource>) {
        self.cameras = cameras;
    }

    /// Starts the sync worker the first time a frame is drawn (it needs the context to wake
    /// the UI up).
    pub fn ensure_worker(&mut self, ctx: &egui::Context) {
        if self.worker.is_some() {
            return;
        }
        let ctx = ctx.clone();
        match SyncWorker::start(self.store.dir(), move || ctx.request_repaint()) {
            Ok(worker) => {
                if self.enrollment.is_some() {
                    worker.send(SyncCommand::SyncNow);
                }
                self.worker = Some(worker);
            }
            Err(e) => self.sync.last_error = Some(e.to_string()),
        }
    }

    /// Asks the worker to sync now.
    pub fn sync_now(&self) {
        if let Some(worker) = &self.worker {
            worker.send(SyncCommand::SyncNow);
        }
    }

    /// Stops the worker and waits for it (before the data is wiped).
    pub fn stop_worker(&mut self) {
        if let Some(worker) = self.worker.as_mut() {
            worker.stop();
        }
        self.worker = None;
    }

    /// Takes in the worker's events. Returns true when a sync succeeded (to remember when).
    pub fn take_events(&mut self, texts: &Texts) -> bool {
        let events = match &self.worker {
            Some(worker) => worker.events(),
            None => return false,
        };
        let mut synced = false;
        for event in events {
            self.sync.apply(&event, texts, clock::now_ms());
            match event {
                SyncEvent::Enrolled(Ok(enrollment)) => {
                    self.enrollment = Some(enrollment);
                    self.screen = Screen::CaseList(CaseListScreen::default());
                }
                SyncEvent::Enrolled(Err(e)) => {
                    if let Screen::Enrollment(screen) = &mut self.screen {
                        screen.failed(&e, texts);
                    }
                }
                SyncEvent::Finished(Ok(_)) => {
                    synced = true;
                    self.sync.refresh_pending(&self.store);
                }
                SyncEvent::Finished(Err(_)) => self.sync.refresh_pending(&self.store),
                SyncEvent::Started | SyncEvent::Upload(_) => {}
            }
        }
        synced
    }

    /// Draws the current screen and follows the officer's choice.
    /// `fix` is the device position now (prefilled into new cases, shown in forms).
    pub fn show_screen(
        &mut self,
        ui: &mut egui::Ui,
        texts: &Texts,
        language: Language,
        fix: &FixState,
    ) {
        let next = match &mut self.screen {
            Screen::Enrollment(screen) => {
                if let Some(command) = screen.show(ui, texts)
                    && let Some(worker) = &self.worker
                {
                    worker.send(command);
                }
                None
            }
            Screen::CaseList(list) => {
                list.refresh(&self.store, self.sync.generation);
                match list.show(ui, texts) {
                    Some(ListChoice::NewCase) => {
                        Some(Screen::NewCase(TemplatePicker::load(&self.store)))
                    }
                    Some(ListChoice::Open(id)) => {
                        match FormScreen::open(ui.ctx(), &self.store, id, Arc::clone(&self.cameras))
                        {
                            Ok(form) => Some(Screen::Form(Box::new(form))),
                            Err(e) => {
                                self.notice = Some(error_text(&e, texts));
                                None
                            }
                        }
                    }
                    None => None,
                }
            }
            Screen::NewCase(picker) => match picker.show(ui, texts, language) {
                Some(PickerChoice::Back) => Some(Screen::CaseList(CaseListScreen::default())),
                Some(PickerChoice::Create(template)) => {
                    self.create_case(ui.ctx(), &template, fix, texts)
                }
                None => None,
            },
            Screen::Form(form) => match &self.enrollment {
                Some(enrollment) => {
                    match form.show(ui, &mut self.store, enrollment, texts, language, fix) {
                        FormOutcome::Stay => None,
                        FormOutcome::Back => Some(Screen::CaseList(CaseListScreen::default())),
                        FormOutcome::Submitted => {
                            self.notice = Some(texts.notice_submitted.to_string());
                            if let Some(worker) = &self.worker {
                                worker.send(SyncCommand::SyncNow);
                            }
                            Some(Screen::CaseList(CaseListScreen::default()))
                        }
                    }
                }
                None => Some(Screen::Enrollment(EnrollmentScreen::default())),
            },
        };
        if let Some(next) = next {
            self.sync.refresh_pending(&self.store);
            self.screen = next;
        }
    }

    fn create_case(
        &mut self,
        ctx: &egui::Context,
        template: &schema::Template,
        fix: &FixState,
        texts: &Texts,
    ) -> Option<Screen> {
        let enrollment = self.enrollment.as_ref()?;
        let opened = actions::new_case_at(&mut self.store, template, enrollment, fix.point())
            .and_then(|id| FormScreen::open(ctx, &self.store, id, Arc::clone(&self.cameras)));
        match opened {
            Ok(form) => Some(Screen::Form(Box::new(form))),
            Err(e) => {
                self.notice = Some(error_text(&e, texts));
                None
            }
        }
    }
}
