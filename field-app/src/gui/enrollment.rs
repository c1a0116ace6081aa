//! The first screen of a new tablet: server address, user name and password give the device
//! its token. After that the app opens straight to the case list, also offline.

use super::a11y;
use super::errors::error_text;
use super::i18n::Texts;
use super::sync_worker::SyncCommand;
use crate::error::FieldAppError;

/// The enrollment form and whether a request is on its way.
#[derive(Debug, Default)]
pub struct EnrollmentScreen {
    /// Server base URL as typed.
    pub server: String,
    /// User name as typed.
    pub username: String,
    /// Password as typed; cleared once sent.
    pub password: String,
    /// Waiting for the worker's answer.
    pub waiting: bool,
    /// Why the last attempt failed.
    pub error: Option<String>,
}

impl EnrollmentScreen {
    /// Takes in the worker's answer to an enrollment that failed.
    pub fn failed(&mut self, error: &FieldAppError, texts: &Texts) {
        self.waiting = false;
        self.error = Some(match error {
            // At enrollment a 401 means the password, not a revoked device.
            FieldAppError::DeviceRevoked { .. } => texts.error_credentials.to_string(),
            other => error_text(other, texts),
        });
    }

    /// Draws the form; returns the command to send when the officer pressed "sign in".
    pub fn show(&mut self, ui: &mut egui::Ui, texts: &Texts) -> Option<SyncCommand> {
        ui.heading(texts.enroll_title);
        ui.label(texts.enroll_intro);
        labelled_input(ui, texts.enroll_server, &mut self.server, false);
        labelled_input(ui, texts.enroll_username, &mut self.username, false);
        labelled_input(ui, texts.enroll_password, &mut self.password, true);
        if let Some(error) = &self.error {
            ui.colored_label(super::theme::error_color(false), error);
        }
        let complete = !self.server.trim().is_empty()
            && !self.username.trim().is_empty()
            && !self.password.is_empty();
        let button = ui.add_enabled(
            complete && !self.waiting,
            egui::Button::new(texts.enroll_submit),
        );
        a11y::name(&button, texts.enroll_submit);
        if self.waiting {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(texts.enroll_waiting);
            });
        }
        if !button.clicked() {
            return None;
        }
        self.waiting = true;
        self.error = None;
        let username = self.username.trim().to_string();
        Some(SyncCommand::Enroll {
            server: self.server.trim().to_string(),
            device_name: texts.enroll_device_name.replace("{user}", &username),
            username,
            password: std::mem::take(&mut self.password),
        })
    }
}

/// A text input with its visible label, named by it for assistive technology.
pub fn labelled_input(ui: &mut egui::Ui, label: &str, value: &mut String, password: bool) {
    let label = ui.label(label);
    let input = ui.add(
        egui::TextEdit::singleline(value)
            .min_size(egui::vec2(0.0, crate::gui::theme::MIN_TOUCH))
            .password(password)
            .desired_width(f32::INFINITY),
    );
    let _ = input.labelled_by(label.id);
}
