//! Reading a template from JSON and reporting every problem with its path.

use serde::Deserialize;
use serde_json::Value;

use super::{Field, Section, Template, check};
use crate::localized::LocalizedText;

/// A problem found in a template, at a JSON path such as `$.sections[0].fields[2].max`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateProblem {
    /// Where the problem is, as a JSON path from the document root `$`.
    pub path: String,
    /// What is wrong, in plain words.
    pub reason: String,
}

impl std::fmt::Display for TemplateProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.reason)
    }
}

/// A template that cannot be used, with every problem found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", render_problems(.problems))]
pub struct TemplateError {
    /// The problems, in document order. Never empty.
    pub problems: Vec<TemplateProblem>,
}

fn render_problems(problems: &[TemplateProblem]) -> String {
    let mut out = format!(
        "the template has {} problem{}; fix them and load it again:",
        problems.len(),
        if problems.len() == 1 { "" } else { "s" }
    );
    for p in problems {
        out.push_str("\n  ");
        out.push_str(&p.to_string());
    }
    out
}

impl TemplateError {
    pub(crate) fn single(path: impl Into<String>, reason: impl Into<String>) -> Self {
        Self {
            problems: vec![TemplateProblem {
                path: path.into(),
                reason: reason.into(),
            }],
        }
    }
}

/// The template's frame, read first; fields are read one by one afterwards so that a mistake
/// in one field does not hide the mistakes in the others.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTemplate {
    id: String,
    version: u32,
    #[serde(default)]
    tenant: Option<String>,
    category: String,
    #[serde(default)]
    audience: super::Audience,
    #[serde(default)]
    service: Option<super::ServiceInfo>,
    title: LocalizedText,
    #[serde(default)]
    description: Option<LocalizedText>,
    sections: Vec<RawSection>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSection {
    key: String,
    title: LocalizedText,
    fields: Vec<Value>,
}

/// Keys a field may have besides those of its kind.
const COMMON_FIELD_KEYS: &[&str] = &[
    "key",
    "label",
    "help",
    "required",
    "default",
    "visible_when",
    "prefill",
];

impl Template {
    /// Reads and fully checks a template.
    ///
    /// # Errors
    /// Every problem found: JSON syntax, missing or unknown keys, wrong types, and the
    /// consistency rules (unique keys, conditions, ranges, defaults, prefill sources).
    pub fn from_json(json: &str) -> Result<Template, TemplateError> {
        let root: Value = serde_json::from_str(json)
            .map_err(|e| TemplateError::single("$", format!("not valid JSON ({e})")))?;
        let raw: RawTemplate = serde_path_to_error::deserialize(&root)
            .map_err(|e| TemplateError::single(json_path("$", e.path()), e.inner().to_string()))?;

        let mut problems = Vec::new();
        let mut sections = Vec::with_capacity(raw.sections.len());
        for (si, raw_section) in raw.sections.into_iter().enumerate() {
            let mut fields = Vec::with_capacity(raw_section.fields.len());
            for (fi, value) in raw_section.fields.into_iter().enumerate() {
                let path = format!("$.sections[{si}].fields[{fi}]");
                match read_field(&value, &path) {
                    Ok(field) => fields.push(field),
                    Err(problem) => problems.push(problem),
                }
            }
            sections.push(Section {
                key: raw_section.key,
                title: raw_section.title,
                fields,
            });
        }
        if !problems.is_empty() {
            return Err(TemplateError { problems });
        }

        let template = Template {
            id: raw.id,
            version: raw.version,
            tenant: raw.tenant,
            category: raw.category,
            audience: raw.audience,
            service: raw.service,
            title: raw.title,
            description: raw.description,
            sections,
        };
        let problems = check::check(&template);
        if problems.is_empty() {
            Ok(template)
        } else {
            Err(TemplateError { problems })
        }
    }

    /// The template as pretty JSON, in the form [`Template::from_json`] reads.
    pub fn to_json(&self) -> String {
        // Serializing plain data with string keys cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

fn read_field(value: &Value, path: &str) -> Result<Field, TemplateProblem> {
    // `Field` flattens its kind, and serde cannot reject unknown keys through a flatten; so
    // unknown keys are found here, against the kind's own keys.
    if let Some(object) = value.as_object()
        && let Some(kind) = object.get("type").and_then(Value::as_str)
    {
        let allowed = kind_keys(kind);
        if let Some(allowed) = allowed
            && let Some(unknown) = object.keys().find(|k| {
                k.as_str() != "type"
                    && !COMMON_FIELD_KEYS.contains(&k.as_str())
                    && !allowed.contains(&k.as_str())
            })
        {
            return Err(TemplateProblem {
                path: format!("{path}.{unknown}"),
                reason: format!(
                    "unknown key `{unknown}` for a field of type `{kind}`; allowed here: {}",
                    COMMON_FIELD_KEYS
                        .iter()
                        .chain(allowed)
                        .copied()
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            });
        }
    }
    serde_path_to_error::deserialize(value).map_err(|e| {
        // Serde buffers a flattened, tagged enum, which loses the path inside it; probing the
        // kind's keys one by one finds the offending one.
        let kind = value
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or_default();
        value
            .as_object()
            .and_then(|object| {
                object.iter().find_map(|(key, v)| {
                    probe_kind_key(kind, key, v).map(|(sub, reason)| TemplateProblem {
                        path: json_path(&format!("{path}.{key}"), &sub),
                        reason,
                    })
                })
            })
            .unwrap_or_else(|| TemplateProblem {
                path: json_path(path, e.path()),
                reason: e.inner().to_string(),
            })
    })
}

/// Deserializes one kind-specific key on its own; the path and reason if it is wrong.
fn probe_kind_key(
    kind: &str,
    key: &str,
    value: &Value,
) -> Option<(serde_path_to_error::Path, String)> {
    fn probe<T: serde::de::DeserializeOwned>(
        value: &Value,
    ) -> Option<(serde_path_to_error::Path, String)> {
        serde_path_to_error::deserialize::<_, T>(value)
            .err()
            .map(|e| (e.path().clone(), e.inner().to_string()))
    }
    match (kind, key) {
        (_, "max_length" | "min_count" | "max_count" | "min_selected" | "max_selected") => {
            probe::<u32>(value)
        }
        ("integer", "min" | "max") => probe::<i64>(value),
        (_, "min" | "max" | "max_accuracy_m") => probe::<f64>(value),
        (_, "unit" | "pattern") => probe::<String>(value),
        (_, "options") => probe::<Vec<super::ChoiceOption>>(value),
        _ => None,
    }
}

/// The keys specific to each field type; `None` for an unknown type (serde names it).
fn kind_keys(kind: &str) -> Option<&'static [&'static str]> {
    Some(match kind {
        "short_text" => &["max_length", "pattern"],
        "long_text" | "officer_notes" => &["max_length"],
        "integer" | "decimal" => &["min", "max", "unit"],
        "date" | "time" | "date_time" | "yes_no" | "postal_address" | "vehicle_plate"
        | "signature" => &[],
        "single_choice" => &["options"],
        "multiple_choice" => &["options", "min_selected", "max_selected"],
        "gps_point" => &["max_accuracy_m"],
        "photos" => &["min_count", "max_count"],
        _ => return None,
    })
}

fn json_path(prefix: &str, path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = prefix.to_string();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                out.push('.');
                out.push_str(key);
            }
            Segment::Unknown => {}
        }
    }
    out
}
