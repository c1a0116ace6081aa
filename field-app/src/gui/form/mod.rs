//! A case's form, rendered from its template: every field kind, fields shown only when their
//! condition holds, help texts, validation messages under each field, and a submit button
//! that stays blocked — listing why — until the case is complete. Every change is saved the
//! moment it is made.

mod inputs;
mod photos;
mod position_hint;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use annotate::Annotation;
use schema::{
    CaseId, Field, FieldKind, FieldValue, InspectionCase, Language, Mode, PhotoId, Status,
    Template, ValidationReport, is_visible, validate,
};

pub use inputs::Input;
pub use photos::PhotoAction;

use self::inputs::{Typing, field_input};
use self::photos::PhotoSection;
use self::position_hint::position_hint;
use super::a11y;
use super::annotation_editor::{AnnotationEditor, EditorOutcome, preview_image};
use super::camera::CameraSource;
use super::errors::error_text;
use super::i18n::Texts;
use super::signature_pad::SignaturePad;
use super::theme;
use crate::actions;
use crate::error::{FieldAppError, Result};
use crate::position::FixState;
use crate::store::LocalStore;
use crate::store::enrollment::Enrollment;

/// What the form asks the app shell to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormOutcome {
    /// Stay on the form.
    Stay,
    /// Back to the case list.
    Back,
    /// The case was submitted; back to the list and sync.
    Submitted,
}

/// The open case.
pub struct FormScreen {
    /// The case's id.
    pub case_id: CaseId,
    template: Template,
    case: InspectionCase,
    /// The service a citizen's request was sent with, to label its answers.
    service: Option<Template>,
    /// Problems with the answers given (shown under each field).
    draft: ValidationReport,
    /// Everything that blocks submission (listed at the submit button).
    submission: ValidationReport,
    typing: Typing,
    /// Typed text that is not a value yet, by field key.
    unreadable: BTreeMap<String, String>,
    help_open: BTreeSet<String>,
    photos: PhotoSection,
    signatures: BTreeMap<String, SignaturePad>,
    editor: Option<EditorSession>,
    error: Option<String>,
    /// Why the server refused the case's changes at the last sync, while it still holds them.
    refusal: Option<String>,
    /// The device position as of this frame, for the position fields' hint.
    fix: FixState,
}

/// The annotation editor open on a photo. Every change is saved as it happens (nothing drawn
/// is lost if the tablet dies mid-edit); "discard" writes back what was there at opening.
struct EditorSession {
    photo: PhotoId,
    editor: AnnotationEditor,
    /// What the store holds now, as the editor gave it.
    saved: Vec<Annotation>,
    /// What the photo had when the editor opened.
    original: Vec<Annotation>,
}

impl std::fmt::Debug for FormScreen {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FormScreen")
            .field("case_id", &self.case_id)
            .field("template", &self.template.id)
            .finish_non_exhaustive()
    }
}

impl FormScreen {
    /// Opens case `id` with its cached template; photo fields take photos from `cameras`.
    ///
    /// # Errors
    /// [`FieldAppError::NotFound`] for a case or template not on the tablet,
    /// [`FieldAppError::Store`], [`FieldAppError::Schema`].
    pub fn open(
        ctx: &egui::Context,
        store: &LocalStore,
        id: CaseId,
        cameras: Arc<dyn CameraSource>,
    ) -> Result<Self> {
        let case = store.load_case(id)?.hydrate()?;
        let template = actions::template_of(store, &case)?;
        let service = actions::service_of(store, &case);
        let mut screen = Self {
            service,
            case_id: id,
            draft: ValidationReport::default(),
            submission: ValidationReport::default(),
            template,
            case,
            typing: Typing::default(),
            unreadable: BTreeMap::new(),
            help_open: BTreeSet::new(),
            photos: PhotoSection::new(cameras),
            signatures: BTreeMap::new(),
            editor: None,
            error: None,
            refusal: store.refusal(id)?,
            fix: FixState::NoSource,
        };
        screen.photos.load_thumbnails(ctx, store, &screen.case);
        screen.revalidate();
        Ok(screen)
    }

    /// The case as last saved.
    pub fn case(&self) -> &InspectionCase {
        &self.case
    }

    /// What blocks submission.
    pub fn submission_report(&self) -> &ValidationReport {
        &self.submission
    }

    fn revalidate(&mut self) {
        self.draft = validate(&self.case, &self.template, Mode::Draft);
        self.submission = validate(&self.case, &self.template, Mode::Submission);
    }

    /// Whether the officer may still change the case on the tablet.
    fn editable(&self) -> bool {
        matches!(
            self.case.status,
            Status::Draft | Status::Assigned | Status::NeedsChanges
        )
    }

    fn stored(&mut self, result: Result<InspectionCase>, texts: &Texts) {
        match result {
            Ok(case) => {
                self.case = case;
                self.error = None;
                self.revalidate();
            }
            Err(e) => self.error = Some(error_text(&e, texts)),
        }
    }

    /// Draws the form (or the annotation editor over it); `fix` is the device position now.
    pub fn show(
        &mut self,
        ui: &mut egui::Ui,
        store: &mut LocalStore,
        enrollment: &Enrollment,
        texts: &Texts,
        language: Language,
        fix: &FixState,
    ) -> FormOutcome {
        self.fix.clone_from(fix);
        if self.editor.is_some() {
            self.show_editor(ui, store, enrollment, texts);
            return FormOutcome::Stay;
        }
        let mut outcome = FormOutcome::Stay;
        ui.horizontal(|ui| {
            if ui.button(texts.back).clicked() {
                outcome = FormOutcome::Back;
            }
            // Wrapped: a long template title would run off a portrait screen.
            let title = egui::RichText::new(self.template.title.get(language)).heading();
            ui.add(egui::Label::new(title).wrap());
        });
        if let Some(error) = &self.error {
            ui.colored_label(theme::error_color(false), error);
        }
        if let Some(reason) = &self.refusal {
            ui.colored_label(
                theme::error_color(false),
                format!("{}: {reason}", texts.form_refused),
            );
            ui.label(texts.form_refused_kept);
        }
        self.take_dropped_files(ui, store, enrollment, texts);
        let editable = self.editable();
        egui::ScrollArea::vertical()
            .auto_shrink([false, false])
            .show(ui, |ui| {
                self.show_request(ui, texts, language);
                let sections = self.template.sections.clone();
                for section in &sections {
                    ui.add_space(8.0);
                    ui.heading(section.title.get(language));
                    for field in &section.fields {
                        if !is_visible(field, &self.case, &self.template) {
                            continue;
                        }
                        ui.add_enabled_ui(editable, |ui| {
                            self.show_field(ui, field, store, enrollment, texts, language);
                        });
                    }
                }
                ui.separator();
                if editable && self.show_submit(ui, store, enrollment, texts, language) {
                    outcome = FormOutcome::Submitted;
                }
            });
        outcome
    }

    /// What the citizen sent, for a case that began as a request: read-only, above the
    /// officer's form, labelled by the service (by key when the tablet lacks it).
    fn show_request(&mut self, ui: &mut egui::Ui, texts: &Texts, language: Language) {
        let Some(request) = &self.case.request else {
            return;
        };
        ui.add_space(8.0);
        ui.heading(format!("{} {}", texts.form_request, request.number));
        if let Some(service) = &self.service {
            ui.label(service.title.get(language));
        }
        // Each answer, and each photo field the citizen sent photos in, in the service's
        // order; by key when the tablet lacks the service.
        let sent_photos = |key: &str| self.case.request_photos(key).next().is_some();
        let rows: Vec<(String, String, Option<String>)> = match &self.service {
            Some(service) => service
                .fields()
                .filter_map(|field| {
                    let label = field.label.get(language).to_string();
                    if sent_photos(&field.key) {
                        return Some((label, String::new(), Some(field.key.clone())));
                    }
                    let value = request.answers.get(&field.key)?;
                    Some((
                        label,
                        ::texts::answer::show(value, Some(field), language),
                        None,
                    ))
                })
                .collect(),
            None => request
                .answers
                .iter()
                .map(|(key, value)| {
                    (
                        key.clone(),
                        ::texts::answer::show(value, None, language),
                        None,
                    )
                })
                .chain(
                    self.case
                        .photos
                        .iter()
                        .filter_map(|p| p.field.strip_prefix(schema::REQUEST_PHOTO_PREFIX))
                        .collect::<std::collections::BTreeSet<_>>()
                        .into_iter()
                        .map(|key| (key.to_string(), String::new(), Some(key.to_string()))),
                )
                .collect(),
        };
        for (label, value, photos) in rows {
            ui.label(egui::RichText::new(&label).strong());
            match photos {
                // The citizen's photos: looked at, never changed on the tablet.
                Some(key) => {
                    let field = schema::request_photo_field(&key);
                    self.photos
                        .show_field(ui, &field, &label, &self.case, texts, false);
                }
                None => {
                    ui.add(egui::Label::new(value).wrap());
                }
            }
        }
        ui.separator();
    }

    fn show_field(
        &mut self,
        ui: &mut egui::Ui,
        field: &Field,
        store: &mut LocalStore,
        enrollment: &Enrollment,
        texts: &Texts,
        language: Language,
    ) {
        let label_text = field.label.get(language);
        let label_id = ui
            .horizontal(|ui| {
                let label = ui.label(egui::RichText::new(label_text).strong());
                if field.required {
                    ui.label(egui::RichText::new(texts.form_required).small());
                }
                if field.help.is_some() {
                    let help = ui.button(texts.form_help);
                    a11y::name(&help, &format!("{}: {label_text}", texts.form_help));
                    if help.clicked() && !self.help_open.remove(&field.key) {
                        self.help_open.insert(field.key.clone());
                    }
                }
                label.id
            })
            .inner;
        if let Some(help) = &field.help
            && self.help_open.contains(&field.key)
        {
            ui.label(egui::RichText::new(help.get(language)).italics());
        }
        match &field.kind {
            FieldKind::Photos { .. } => {
                let editable = self.editable();
                let action = self
                    .photos
                    .show_field(ui, &field.key, label_text, &self.case, texts, editable);
                match action {
                    Some(PhotoAction::Add { field: key, bytes }) => {
                        self.add_photo(ui.ctx(), store, &key, &bytes, enrollment, texts);
                    }
                    Some(PhotoAction::Annotate(photo)) => {
                        self.open_editor(store, photo, enrollment, texts);
                    }
                    Some(PhotoAction::Delete(photo)) => {
                        let result = actions::delete_photo(store, self.case_id, photo, enrollment);
                        self.stored(result, texts);
                    }
                    None => {}
                }
            }
            FieldKind::Signature => {
                let mut value = match self.case.fields.get(&field.key) {
                    Some(FieldValue::Signature(s)) => Some(s.clone()),
                    _ => None,
                };
                let pad = self.signatures.entry(field.key.clone()).or_insert_with(|| {
                    SignaturePad::new().with_signer(enrollment.display_name.clone())
                });
                if pad.show(ui, texts, &mut value).changed() {
                    let result = actions::save_answer(
                        store,
                        self.case_id,
                        &field.key,
                        value.map(FieldValue::Signature),
                        enrollment,
                    );
                    self.stored(result, texts);
                }
            }
            _ => {
                let input = field_input(
                    ui,
                    field,
                    self.case.fields.get(&field.key),
                    &mut self.typing,
                    texts,
                    language,
                    label_id,
                );
                match input {
                    Input::Unchanged => {}
                    Input::Answer(value) => {
                        self.unreadable.remove(&field.key);
                        let result = actions::save_answer(
                            store,
                            self.case_id,
                            &field.key,
                            value,
                            enrollment,
                        );
                        self.stored(result, texts);
                    }
                    Input::Unreadable(why) => {
                        self.unreadable.insert(field.key.clone(), why);
                    }
                }
                if matches!(field.kind, FieldKind::GpsPoint { .. })
                    && let Some(point) =
                        position_hint(ui, &self.fix, texts, label_text, self.editable())
                {
                    self.typing.forget(&field.key);
                    self.unreadable.remove(&field.key);
                    let value = Some(FieldValue::Gps(point));
                    let result =
                        actions::save_answer(store, self.case_id, &field.key, value, enrollment);
                    self.stored(result, texts);
                }
            }
        }
        let color = theme::error_color(false);
        if let Some(why) = self.unreadable.get(&field.key) {
            ui.colored_label(color, why);
        }
        for problem in self.draft.for_field(&field.key) {
            ui.colored_label(color, texts::problem::field(problem, texts.lang));
        }
        ui.add_space(4.0);
    }

    /// The submit button, blocked with the reasons listed while the case is incomplete.
    /// Returns true when the case was submitted.
    fn show_submit(
        &mut self,
        ui: &mut egui::Ui,
        store: &mut LocalStore,
        enrollment: &Enrollment,
        texts: &Texts,
        language: Language,
    ) -> bool {
        let valid = self.submission.is_valid();
        if !valid {
            ui.label(egui::RichText::new(texts.form_submit_blocked).strong());
            for e in &self.submission.errors {
                let label = self
                    .template
                    .field(&e.field)
                    .map(|f| f.label.get(language))
                    .unwrap_or(e.field.as_str());
                ui.label(format!(
                    "• {label}: {}",
                    texts::problem::field(&e.problem, texts.lang)
                ));
            }
        }
        let button = ui.add_enabled(valid, egui::Button::new(texts.form_submit));
        a11y::name(&button, texts.form_submit);
        if !button.clicked() {
            return false;
        }
        match actions::submit(store, self.case_id, enrollment) {
            Ok(case) => {
                self.case = case;
                self.revalidate();
                true
            }
            Err(e) => {
                self.error = Some(error_text(&e, texts));
                false
            }
        }
    }

    fn add_photo(
        &mut self,
        ctx: &egui::Context,
        store: &mut LocalStore,
        key: &str,
        bytes: &[u8],
        enrollment: &Enrollment,
        texts: &Texts,
    ) {
        match actions::add_photo(store, self.case_id, key, bytes, enrollment) {
            Ok(photo) => {
                photos::cache_thumbnail(store, &photo.sha256, bytes);
                self.photos.close_camera();
                let reloaded = store
                    .load_case(self.case_id)
                    .and_then(|doc| Ok(doc.hydrate()?));
                self.stored(reloaded, texts);
                self.photos.load_thumbnails(ctx, store, &self.case);
            }
            Err(FieldAppError::Photo(_)) => self.error = Some(texts.photo_unreadable.to_string()),
            Err(e) => self.error = Some(error_text(&e, texts)),
        }
    }

    /// Files dropped on the window (desktop drag and drop) become photos of the photo field
    /// whose panel is open, or of the first visible photo field.
    fn take_dropped_files(
        &mut self,
        ui: &egui::Ui,
        store: &mut LocalStore,
        enrollment: &Enrollment,
        texts: &Texts,
    ) {
        let dropped = ui.ctx().input(|i| i.raw.dropped_files.clone());
        if dropped.is_empty() || !self.editable() {
            return;
        }
        let target = self.photos.open_field().map(str::to_owned).or_else(|| {
            self.template
                .fields()
                .find(|f| {
                    matches!(f.kind, FieldKind::Photos { .. })
                        && is_visible(f, &self.case, &self.template)
                })
                .map(|f| f.key.clone())
        });
        let Some(key) = target else { return };
        for file in dropped {
            // eframe reads a dropped file from its path; its error is the `io::Error`'s text.
            let bytes = file
                .bytes()
                .map_err(|e| FieldAppError::io(file.path(), std::io::Error::other(e)));
            match bytes {
                Ok(bytes) => self.add_photo(ui.ctx(), store, &key, &bytes, enrollment, texts),
                Err(e) => self.error = Some(error_text(&e, texts)),
            }
        }
    }

    fn open_editor(
        &mut self,
        store: &LocalStore,
        photo: PhotoId,
        enrollment: &Enrollment,
        texts: &Texts,
    ) {
        let Some(p) = self.case.photos.iter().find(|p| p.id == photo) else {
            return;
        };
        let preview = store
            .read_blob(&p.sha256)
            .and_then(|bytes| Ok(preview_image(&bytes)?));
        match preview {
            Ok((image, size)) => {
                let editor = AnnotationEditor::new(image, size, p.annotations.clone())
                    .with_author(enrollment.username.clone());
                self.editor = Some(EditorSession {
                    photo,
                    editor,
                    saved: p.annotations.clone(),
                    original: p.annotations.clone(),
                });
            }
            Err(e) => self.error = Some(error_text(&e, texts)),
        }
    }

    fn show_editor(
        &mut self,
        ui: &mut egui::Ui,
        store: &mut LocalStore,
        enrollment: &Enrollment,
        texts: &Texts,
    ) {
        let Some(session) = self.editor.as_mut() else {
            return;
        };
        let outcome = session.editor.show(ui, texts);
        let closing = !matches!(outcome, EditorOutcome::Editing);
        let wanted = match outcome {
            // Compared in place: this runs every frame while the officer draws.
            EditorOutcome::Editing if session.editor.annotations() == session.saved.as_slice() => {
                None
            }
            EditorOutcome::Editing => Some(session.editor.annotations().to_vec()),
            EditorOutcome::Cancelled => Some(session.original.clone()),
            EditorOutcome::Done(annotations) => Some(annotations),
        }
        .filter(|wanted| *wanted != session.saved);
        let photo = session.photo;
        if let Some(wanted) = &wanted {
            session.saved.clone_from(wanted);
        }
        if closing {
            self.editor = None;
        }
        if let Some(wanted) = wanted {
            let result = actions::save_annotations(store, self.case_id, photo, &wanted, enrollment);
            self.stored(result, texts);
        }
    }
}
