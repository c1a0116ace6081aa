//! Text shown to people, in German (the default) and English.

use serde::{Deserialize, Serialize};

/// A user-facing text in German and English. German is what officers and citizens see by
/// default; English is selectable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LocalizedText {
    /// German text.
    pub de: String,
    /// English text.
    pub en: String,
}

/// A language the user interface can be shown in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Language {
    /// Deutsch.
    #[default]
    De,
    /// English.
    En,
}

impl LocalizedText {
    /// A text with both translations.
    pub fn new(de: impl Into<String>, en: impl Into<String>) -> Self {
        Self {
            de: de.into(),
            en: en.into(),
        }
    }

    /// The text in `language`.
    pub fn get(&self, language: Language) -> &str {
        match language {
            Language::De => &self.de,
            Language::En => &self.en,
        }
    }
}
