//! What makes a template a citizen service: who fills it in, and what a citizen needs to find
//! it and to know who answers (keywords, the responsible office, the legal hint).
//!
//! A citizen service is an ordinary template on the same engine (field kinds, conditions,
//! prefill, validation); the portal offers it, Open311 describes it, and staff publish and
//! version it like an officer's template.

use serde::{Deserialize, Serialize};

use crate::localized::{Language, LocalizedText};

/// Who fills a template in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    /// Officers on the tablet (and staff correcting their answers): the inspection forms.
    #[default]
    Officer,
    /// Citizens, associations and businesses, through the portal or Open311.
    Citizen,
}

impl Audience {
    /// Whether this is the default audience, which template JSON leaves out.
    pub fn is_officer(&self) -> bool {
        *self == Audience::Officer
    }
}

/// What a citizen service says beyond its form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceInfo {
    /// Everyday words citizens search with ("Sperrmüll", "Hausnummer"), per language; the
    /// tenant's own synonyms add to them.
    pub keywords: Keywords,
    /// The office that answers requests of this service.
    pub office: Office,
    /// The legal basis, fees or data-protection note a citizen reads before sending.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_hint: Option<LocalizedText>,
    /// The officer template a dispatched request is inspected with on the tablet, if the
    /// service leads to an inspection (a problem report does; a trade registration does not).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handled_with: Option<String>,
}

/// Search words in German and English.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Keywords {
    /// German words.
    #[serde(default)]
    pub de: Vec<String>,
    /// English words.
    #[serde(default)]
    pub en: Vec<String>,
}

impl Keywords {
    /// The words in `language`.
    pub fn get(&self, language: Language) -> &[String] {
        match language {
            Language::De => &self.de,
            Language::En => &self.en,
        }
    }
}

/// The office responsible for a service, and how to reach a person there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Office {
    /// The office's name ("Ordnungsamt").
    pub name: LocalizedText,
    /// Its e-mail address.
    pub email: String,
    /// Its phone number, as it is dialled ("+49 30 1234567-0").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
}
