//! Form templates: what an inspection asks for.
//!
//! A template is versioned JSON (see `assets/templates/`). [`Template::from_json`] checks
//! it fully and reports every problem with its JSON path; a `Template` value obtained that way
//! is consistent (unique keys, conditions on earlier choice fields, min ≤ max, valid
//! defaults), so the rest of the system never re-checks it.

mod check;
mod load;
mod service;
#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

use crate::localized::LocalizedText;
use crate::value::FieldValue;

pub use load::{TemplateError, TemplateProblem};
pub use service::{Audience, Keywords, Office, ServiceInfo};

/// A versioned form template.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Template {
    /// Stable identifier, lower-case words joined by `-` (e.g. `illegal-waste-dumping`).
    pub id: String,
    /// Version, starting at 1; every published change gets a new version and cases keep the
    /// version they were created with.
    pub version: u32,
    /// The tenant that owns the template; `None` for templates bundled with naper and
    /// offered to every tenant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant: Option<String>,
    /// Subject area used to group templates on the tablet and services in the portal (e.g.
    /// `waste`, `traffic`).
    pub category: String,
    /// Who fills the form in: officers (left out of the JSON) or citizens.
    #[serde(default, skip_serializing_if = "Audience::is_officer")]
    pub audience: Audience,
    /// What a citizen service says beyond its form; present exactly when the audience is
    /// citizens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<ServiceInfo>,
    /// Title of the form.
    pub title: LocalizedText,
    /// What the form is for, shown when picking a template.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<LocalizedText>,
    /// The form's sections, in display order.
    pub sections: Vec<Section>,
}

/// A titled group of fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Section {
    /// Key, unique within the template.
    pub key: String,
    /// Heading.
    pub title: LocalizedText,
    /// Fields in display order.
    pub fields: Vec<Field>,
}

/// One question of a form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Field {
    /// Key under which the answer is stored in the case, unique within the template.
    pub key: String,
    /// Label shown next to the input.
    pub label: LocalizedText,
    /// Longer explanation shown on request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<LocalizedText>,
    /// Whether submission needs an answer (photo fields: at least one photo unless
    /// `min_count` says more).
    #[serde(default)]
    pub required: bool,
    /// The kind of answer and its constraints.
    #[serde(flatten)]
    pub kind: FieldKind,
    /// Answer filled in when a case is created, as JSON in the form [`FieldValue::from_json`]
    /// reads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<serde_json::Value>,
    /// Shown (and required) only when another field has one of the given answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visible_when: Option<Condition>,
    /// Where the tablet takes an initial answer from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefill: Option<PrefillSource>,
}

impl Field {
    /// The default answer, if the template gives one. Loading checked it, so a default that
    /// does not fit the field cannot occur in a loaded template.
    pub fn default_value(&self) -> Option<FieldValue> {
        let json = self.default.as_ref()?;
        FieldValue::from_json(&self.kind, json).ok()
    }
}

/// The kind of answer a field takes, with its constraints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum FieldKind {
    /// One line of text.
    ShortText {
        /// Maximum number of characters.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_length: Option<u32>,
        /// Regular expression the whole answer must match (Rust `regex` syntax).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pattern: Option<String>,
    },
    /// Free text over several lines; concurrent edits merge character by character.
    LongText {
        /// Maximum number of characters.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_length: Option<u32>,
    },
    /// A whole number.
    Integer {
        /// Smallest allowed value.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<i64>,
        /// Largest allowed value.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<i64>,
        /// Unit shown after the input (e.g. `Stück`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        unit: Option<String>,
    },
    /// A decimal number.
    Decimal {
        /// Smallest allowed value.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<f64>,
        /// Largest allowed value.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<f64>,
        /// Unit shown after the input (e.g. `m³`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        unit: Option<String>,
    },
    /// A calendar date.
    Date,
    /// A time of day.
    Time,
    /// A point in time.
    DateTime,
    /// Exactly one of several options.
    SingleChoice {
        /// The options, in display order.
        options: Vec<ChoiceOption>,
    },
    /// Any number of several options.
    MultipleChoice {
        /// The options, in display order.
        options: Vec<ChoiceOption>,
        /// Least number of selected options when answered.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min_selected: Option<u32>,
        /// Largest number of selected options.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_selected: Option<u32>,
    },
    /// Yes or no.
    YesNo,
    /// A GPS position.
    GpsPoint {
        /// Largest acceptable accuracy radius in metres.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_accuracy_m: Option<f64>,
    },
    /// A German postal address.
    PostalAddress,
    /// A German vehicle registration plate (e.g. `B-AB 1234`, `M-X 77E`).
    VehiclePlate,
    /// Photos of the scene, stored in the case's photo list and tagged with this field.
    Photos {
        /// Least number of photos for submission.
        #[serde(default)]
        min_count: u32,
        /// Largest number of photos.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_count: Option<u32>,
    },
    /// A handwritten signature.
    Signature,
    /// Internal notes of the officer, never shown to citizens; merge like long text.
    OfficerNotes {
        /// Maximum number of characters.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_length: Option<u32>,
    },
}

impl FieldKind {
    /// The name of this kind as written in template JSON (`"type"`).
    pub fn name(&self) -> &'static str {
        match self {
            FieldKind::ShortText { .. } => "short_text",
            FieldKind::LongText { .. } => "long_text",
            FieldKind::Integer { .. } => "integer",
            FieldKind::Decimal { .. } => "decimal",
            FieldKind::Date => "date",
            FieldKind::Time => "time",
            FieldKind::DateTime => "date_time",
            FieldKind::SingleChoice { .. } => "single_choice",
            FieldKind::MultipleChoice { .. } => "multiple_choice",
            FieldKind::YesNo => "yes_no",
            FieldKind::GpsPoint { .. } => "gps_point",
            FieldKind::PostalAddress => "postal_address",
            FieldKind::VehiclePlate => "vehicle_plate",
            FieldKind::Photos { .. } => "photos",
            FieldKind::Signature => "signature",
            FieldKind::OfficerNotes { .. } => "officer_notes",
        }
    }

    /// The options of a choice field; empty for other kinds.
    pub fn options(&self) -> &[ChoiceOption] {
        match self {
            FieldKind::SingleChoice { options } | FieldKind::MultipleChoice { options, .. } => {
                options
            }
            _ => &[],
        }
    }
}

/// One option of a choice field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChoiceOption {
    /// Stored value, unique within the field.
    pub value: String,
    /// What the user sees.
    pub label: LocalizedText,
}

/// Makes a field visible only when an earlier choice or yes/no field has one of the listed
/// answers (for multiple choice: when any listed option is selected).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    /// Key of the controlling field, which must come earlier in the template.
    pub field: String,
    /// Answers that make the field visible: option values, or `true`/`false` for yes/no.
    pub any_of: Vec<ConditionValue>,
}

/// An answer a [`Condition`] looks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ConditionValue {
    /// A yes/no answer.
    Bool(bool),
    /// A choice option's value.
    Option(String),
}

/// Where the tablet takes a field's first answer from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PrefillSource {
    /// The signed-in officer's full name (short text).
    OfficerName,
    /// The signed-in officer's service number (short text).
    OfficerServiceNumber,
    /// The device's current position, when it has one (GPS point).
    DevicePosition,
    /// Today's date (date).
    CurrentDate,
    /// The current time of day (time).
    CurrentTime,
    /// Now (date-time).
    CurrentDateTime,
    /// The reporting citizen's name from their account or request (short text).
    CitizenName,
    /// The reporting citizen's e-mail address (short text).
    CitizenEmail,
    /// The reporting citizen's phone number (short text).
    CitizenPhone,
    /// The address the citizen reported (postal address).
    ReportedAddress,
    /// The citizen's own postal address from their account (postal address).
    CitizenAddress,
    /// The association or business the citizen acts for, from their account (short text).
    CitizenOrganisation,
}

impl PrefillSource {
    /// Whether a citizen's form may take answers from this source: the citizen's own data
    /// and the date, not the officer's or the tablet's.
    pub fn serves_citizens(self) -> bool {
        use PrefillSource::*;
        match self {
            CitizenName | CitizenEmail | CitizenPhone | CitizenAddress | CitizenOrganisation
            | ReportedAddress | CurrentDate | CurrentTime | CurrentDateTime => true,
            OfficerName | OfficerServiceNumber | DevicePosition => false,
        }
    }

    /// Whether this source can fill a field of `kind`.
    pub fn fits(self, kind: &FieldKind) -> bool {
        use PrefillSource::*;
        match self {
            OfficerName | OfficerServiceNumber | CitizenName | CitizenEmail | CitizenPhone
            | CitizenOrganisation => matches!(kind, FieldKind::ShortText { .. }),
            DevicePosition => matches!(kind, FieldKind::GpsPoint { .. }),
            CurrentDate => matches!(kind, FieldKind::Date),
            CurrentTime => matches!(kind, FieldKind::Time),
            CurrentDateTime => matches!(kind, FieldKind::DateTime),
            ReportedAddress | CitizenAddress => matches!(kind, FieldKind::PostalAddress),
        }
    }
}

impl Template {
    /// Every field in display order.
    pub fn fields(&self) -> impl Iterator<Item = &Field> {
        self.sections.iter().flat_map(|s| s.fields.iter())
    }

    /// The field with `key`.
    pub fn field(&self, key: &str) -> Option<&Field> {
        self.fields().find(|f| f.key == key)
    }

    /// The reference a case stores to say which template (and version) it follows.
    pub fn reference(&self) -> crate::case::TemplateRef {
        crate::case::TemplateRef {
            id: self.id.clone(),
            version: self.version,
        }
    }
}
