//! The row under the toolbar that belongs to the tool in hand: with a redaction tool, how
//! the redacted pixels are destroyed; with the select tool, retyping the selected label.
//! The row is always there and always one touch target high, so that the photo does not
//! jump when the officer picks another tool or selects something.

use annotate::{AnnotationId, Edit, RedactionMethod, Shape};
use egui::{Key, Ui, vec2};

use super::AnnotationEditor;
use super::tool::Tool;
use super::toolbar::{TOUCH_TARGET, touch_button};
use crate::gui::i18n::Texts;

/// The methods the redaction tools offer, in the row's order (every method of the model).
const METHODS: [RedactionMethod; 2] = [RedactionMethod::Pixelate, RedactionMethod::Blur];

fn method_label(texts: &Texts, method: RedactionMethod) -> &'static str {
    match method {
        RedactionMethod::Pixelate => texts.editor_redaction_pixelate,
        RedactionMethod::Blur => texts.editor_redaction_blur,
    }
}

/// A label being retyped: the text field, prefilled with the label's text.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct LabelEdit {
    id: AnnotationId,
    text: String,
    wants_focus: bool,
    /// "Apply" was pressed with no text: the message stays until the text changes.
    refused: bool,
}

/// What the officer did in the label row this frame.
enum LabelAction {
    Open,
    Apply,
    Cancel,
}

impl AnnotationEditor {
    /// The row of the tool in hand, if it has one.
    pub(super) fn options_row(&mut self, ui: &mut Ui, texts: &Texts) {
        ui.horizontal(|ui| {
            ui.set_min_height(TOUCH_TARGET);
            match self.tool {
                Tool::Redaction | Tool::FaceRedaction => self.redaction_row(ui, texts),
                Tool::Select => self.label_row(ui, texts),
                _ => {}
            }
        });
    }

    fn redaction_row(&mut self, ui: &mut Ui, texts: &Texts) {
        ui.label(texts.editor_redaction_method);
        for method in METHODS {
            if touch_button(
                ui,
                method_label(texts, method),
                self.redaction == method,
                true,
            ) {
                self.redaction = method;
            }
        }
    }

    /// The selected label's text, if a label is selected.
    fn selected_label(&self) -> Option<(AnnotationId, &str)> {
        let a = self.editor.get(self.selected?)?;
        match &a.shape {
            Shape::Text { text, .. } => Some((a.id, text.as_str())),
            _ => None,
        }
    }

    /// "Edit text" (enabled while a label is selected), then in its place the text field
    /// with "apply" and "cancel".
    fn label_row(&mut self, ui: &mut Ui, texts: &Texts) {
        // Another selection (or none, after an undo) closes the field.
        if self
            .label_edit
            .as_ref()
            .is_some_and(|e| Some(e.id) != self.selected)
        {
            self.label_edit = None;
        }
        let can_edit = self.selected_label().is_some();
        let mut action = None;
        // A closure for the early return; the caller's row lays it out.
        let mut row = |ui: &mut Ui| {
            let Some(edit) = &mut self.label_edit else {
                if touch_button(ui, texts.editor_text_edit, false, can_edit) {
                    action = Some(LabelAction::Open);
                }
                return;
            };
            let label = ui.label(texts.editor_text_input);
            let field = ui
                .add(
                    egui::TextEdit::singleline(&mut edit.text)
                        .min_size(vec2(240.0, TOUCH_TARGET))
                        .char_limit(annotate::MAX_TEXT_CHARS),
                )
                .labelled_by(label.id);
            if std::mem::take(&mut edit.wants_focus) {
                field.request_focus();
            }
            if field.changed() {
                edit.refused = false;
            }
            let entered = field.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter));
            if touch_button(ui, texts.editor_text_apply, false, true) || entered {
                action = Some(LabelAction::Apply);
            }
            if touch_button(ui, texts.cancel, false, true) {
                action = Some(LabelAction::Cancel);
            }
            if edit.refused {
                ui.colored_label(ui.visuals().error_fg_color, texts.editor_text_empty);
            }
        };
        row(ui);
        match action {
            Some(LabelAction::Open) => {
                self.label_edit = self.selected_label().map(|(id, text)| LabelEdit {
                    id,
                    text: text.to_owned(),
                    wants_focus: true,
                    refused: false,
                });
            }
            Some(LabelAction::Apply) => self.apply_label_edit(),
            Some(LabelAction::Cancel) => self.label_edit = None,
            None => {}
        }
    }

    /// Retypes the label being edited, as one undo step, and closes the field. Empty text is
    /// refused: the field stays open with a message.
    pub(super) fn apply_label_edit(&mut self) {
        let Some(edit) = &mut self.label_edit else {
            return;
        };
        let text = edit.text.trim().to_owned();
        if text.is_empty() {
            edit.refused = true;
            return;
        }
        let id = edit.id;
        self.label_edit = None;
        if self.selected_label().is_some_and(|(_, old)| old != text) {
            self.apply(Edit::SetText { id, text });
        }
    }
}
