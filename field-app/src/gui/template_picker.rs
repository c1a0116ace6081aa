//! Picking the form for a new case: the cached templates (highest version of each), grouped
//! by category, filtered by a search over title, description and category.

use std::collections::BTreeMap;

use schema::{Language, Template};

use super::a11y;
use super::i18n::Texts;
use crate::store::LocalStore;

/// The template picker screen.
#[derive(Debug, Default)]
pub struct TemplatePicker {
    /// The search text.
    pub search: String,
    templates: Vec<Template>,
    error: Option<String>,
}

/// What the officer did on the picker.
#[derive(Debug, Clone, PartialEq)]
pub enum PickerChoice {
    /// Back to the list without a new case.
    Back,
    /// Create a case from this template.
    Create(Box<Template>),
}

impl TemplatePicker {
    /// Loads the cached templates, newest version of each.
    pub fn load(store: &LocalStore) -> Self {
        let mut picker = Self::default();
        match store.templates() {
            Ok(cached) => {
                let mut newest: BTreeMap<String, u32> = BTreeMap::new();
                for t in cached {
                    let v = newest.entry(t.id).or_insert(t.version);
                    *v = (*v).max(t.version);
                }
                for (id, version) in newest {
                    match store.template(&id, Some(version)) {
                        // Citizens' services are cached to label requests; officers start
                        // inspections.
                        Ok(t) if t.audience != schema::Audience::Officer => {}
                        Ok(t) => picker.templates.push(t),
                        Err(e) => picker.error = Some(e.to_string()),
                    }
                }
            }
            Err(e) => picker.error = Some(e.to_string()),
        }
        picker
    }

    fn matches(&self, t: &Template, language: Language, texts: &Texts) -> bool {
        let needle = self.search.trim().to_lowercase();
        needle.is_empty()
            || t.title.get(language).to_lowercase().contains(&needle)
            || category_name(&t.category, texts)
                .to_lowercase()
                .contains(&needle)
            || t.description
                .as_ref()
                .is_some_and(|d| d.get(language).to_lowercase().contains(&needle))
    }

    /// Draws the picker.
    pub fn show(
        &mut self,
        ui: &mut egui::Ui,
        texts: &Texts,
        language: Language,
    ) -> Option<PickerChoice> {
        let mut choice = None;
        ui.horizontal(|ui| {
            if ui.button(texts.back).clicked() {
                choice = Some(PickerChoice::Back);
            }
            ui.heading(texts.picker_title);
        });
        ui.horizontal(|ui| {
            let label = ui.label(texts.picker_search);
            let _ = ui
                .add(
                    egui::TextEdit::singleline(&mut self.search)
                        .min_size(egui::vec2(0.0, crate::gui::theme::MIN_TOUCH))
                        .desired_width(300.0),
                )
                .labelled_by(label.id);
        });
        if let Some(error) = &self.error {
            ui.colored_label(super::theme::error_color(false), error);
        }
        if self.templates.is_empty() {
            ui.label(texts.picker_none);
        }
        let mut by_category: BTreeMap<&str, Vec<&Template>> = BTreeMap::new();
        for t in self
            .templates
            .iter()
            .filter(|t| self.matches(t, language, texts))
        {
            by_category.entry(t.category.as_str()).or_default().push(t);
        }
        egui::ScrollArea::vertical()
            .auto_shrink([false, false])
            .show(ui, |ui| {
                for (category, templates) in by_category {
                    ui.label(egui::RichText::new(category_name(category, texts)).strong());
                    for t in templates {
                        let title = t.title.get(language);
                        let button = ui.add(
                            egui::Button::new(title)
                                .min_size(egui::vec2(ui.available_width(), 0.0)),
                        );
                        a11y::name(&button, title);
                        if let Some(d) = &t.description {
                            ui.label(egui::RichText::new(d.get(language)).small());
                        }
                        if button.clicked() {
                            choice = Some(PickerChoice::Create(Box::new(t.clone())));
                        }
                    }
                }
            });
        choice
    }
}

/// A category as the officer reads it; a category this build does not know is shown as the
/// template names it.
fn category_name<'a>(category: &'a str, texts: &Texts) -> &'a str {
    match category {
        "vehicles" => texts.category_vehicles,
        "animals" => texts.category_animals,
        "waste" => texts.category_waste,
        "noise" => texts.category_noise,
        "public_space" => texts.category_public_space,
        "trade" => texts.category_trade,
        "traffic" => texts.category_traffic,
        other => other,
    }
}
