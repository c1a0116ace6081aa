//! The consistency rules of a template, each reported with the path of the offending value.

use std::collections::{HashMap, HashSet};

use super::{
    Audience, Condition, ConditionValue, Field, FieldKind, ServiceInfo, Template, TemplateProblem,
};
use crate::localized::LocalizedText;
use crate::value::FieldValue;

struct Problems(Vec<TemplateProblem>);

impl Problems {
    fn add(&mut self, path: impl Into<String>, reason: impl Into<String>) {
        self.0.push(TemplateProblem {
            path: path.into(),
            reason: reason.into(),
        });
    }
}

/// Every rule broken by `template`, in document order.
pub(super) fn check(template: &Template) -> Vec<TemplateProblem> {
    let mut p = Problems(Vec::new());

    if !is_slug(&template.id) {
        p.add(
            "$.id",
            format!(
                "`{}` is not a valid template id; use lower-case letters, digits and `-`, e.g. `illegal-waste-dumping`",
                template.id
            ),
        );
    }
    if template.version == 0 {
        p.add("$.version", "versions start at 1");
    }
    if template.category.trim().is_empty() {
        p.add("$.category", "the category is empty");
    }
    check_text(&mut p, "$.title", &template.title);
    if let Some(d) = &template.description {
        check_text(&mut p, "$.description", d);
    }
    if template.sections.is_empty() {
        p.add("$.sections", "a template needs at least one section");
    }
    check_audience(&mut p, template);

    let mut section_keys = HashSet::new();
    // Field key → (path, position in display order, field), to check conditions.
    let mut seen: HashMap<&str, (String, &Field)> = HashMap::new();
    for (si, section) in template.sections.iter().enumerate() {
        let spath = format!("$.sections[{si}]");
        if !section_keys.insert(section.key.as_str()) {
            p.add(
                format!("{spath}.key"),
                format!("duplicate section key `{}`", section.key),
            );
        }
        check_text(&mut p, &format!("{spath}.title"), &section.title);
        for (fi, field) in section.fields.iter().enumerate() {
            let fpath = format!("{spath}.fields[{fi}]");
            check_field(&mut p, &fpath, field, &seen);
            if let Some((first, _)) = seen.get(field.key.as_str()) {
                p.add(
                    format!("{fpath}.key"),
                    format!("duplicate field key `{}`, first used at {first}", field.key),
                );
            } else {
                seen.insert(&field.key, (fpath, field));
            }
        }
    }
    p.0
}

/// A citizen service says who answers and how to find it, and asks nothing only an officer
/// can answer; an officer's template describes no service.
fn check_audience(p: &mut Problems, template: &Template) {
    match (template.audience, &template.service) {
        (Audience::Officer, Some(_)) => p.add(
            "$.service",
            "only a template with `\"audience\": \"citizen\"` describes a service; add the audience or remove `service`",
        ),
        (Audience::Citizen, None) => p.add(
            "$.service",
            "a citizen service needs `service` with its keywords and responsible office",
        ),
        (Audience::Officer, None) => {}
        (Audience::Citizen, Some(service)) => check_service(p, service),
    }
    if template.audience != Audience::Citizen {
        return;
    }
    for (si, section) in template.sections.iter().enumerate() {
        for (fi, field) in section.fields.iter().enumerate() {
            let path = format!("$.sections[{si}].fields[{fi}]");
            if matches!(field.kind, FieldKind::OfficerNotes { .. }) {
                p.add(
                    format!("{path}.type"),
                    "a citizen service cannot have officer notes; officers add them to the inspection",
                );
            }
            if let Some(source) = field.prefill
                && !source.serves_citizens()
            {
                p.add(
                    format!("{path}.prefill"),
                    "this prefill source is the officer's or the tablet's; a citizen's form can be prefilled from the citizen's profile, the reported address or today's date",
                );
            }
        }
    }
}

fn check_service(p: &mut Problems, service: &ServiceInfo) {
    if service.keywords.de.is_empty() {
        p.add(
            "$.service.keywords.de",
            "give at least one German search word, the words citizens use for this service",
        );
    }
    for (lang, words) in [("de", &service.keywords.de), ("en", &service.keywords.en)] {
        for (i, word) in words.iter().enumerate() {
            if word.trim().is_empty() {
                p.add(
                    format!("$.service.keywords.{lang}[{i}]"),
                    "the search word is empty",
                );
            }
        }
    }
    check_text(p, "$.service.office.name", &service.office.name);
    let email = service.office.email.trim();
    let plausible = email
        .split_once('@')
        .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'))
        && !email.contains(char::is_whitespace);
    if !plausible {
        p.add(
            "$.service.office.email",
            format!("`{email}` is not an e-mail address like `ordnungsamt@example.org`"),
        );
    }
    if let Some(hint) = &service.legal_hint {
        check_text(p, "$.service.legal_hint", hint);
    }
    if let Some(id) = &service.handled_with
        && !is_slug(id)
    {
        p.add(
            "$.service.handled_with",
            format!("`{id}` is not a template id like `illegal-waste-dumping`"),
        );
    }
}

fn check_field(
    p: &mut Problems,
    path: &str,
    field: &Field,
    earlier: &HashMap<&str, (String, &Field)>,
) {
    if !is_field_key(&field.key) {
        p.add(
            format!("{path}.key"),
            format!(
                "`{}` is not a valid field key; use lower-case letters, digits and `_`, starting with a letter",
                field.key
            ),
        );
    }
    check_text(p, &format!("{path}.label"), &field.label);
    if let Some(help) = &field.help {
        check_text(p, &format!("{path}.help"), help);
    }
    check_kind(p, path, &field.kind);

    if let Some(default) = &field.default {
        match FieldValue::from_json(&field.kind, default) {
            Ok(value) => {
                if let Some(problem) = crate::validate::check_value(&field.kind, &value) {
                    p.add(
                        format!("{path}.default"),
                        format!("the default does not fit the field: {problem}"),
                    );
                }
            }
            Err(reason) => p.add(format!("{path}.default"), reason),
        }
    }
    if let Some(prefill) = field.prefill
        && !prefill.fits(&field.kind)
    {
        p.add(
            format!("{path}.prefill"),
            format!(
                "prefill source `{}` cannot fill a field of type `{}`",
                serde_json::to_value(prefill)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default(),
                field.kind.name()
            ),
        );
    }
    if let Some(condition) = &field.visible_when {
        check_condition(
            p,
            &format!("{path}.visible_when"),
            field,
            condition,
            earlier,
        );
    }
}

fn check_kind(p: &mut Problems, path: &str, kind: &FieldKind) {
    match kind {
        FieldKind::ShortText {
            max_length,
            pattern,
        } => {
            check_max_length(p, path, *max_length);
            if let Some(pattern) = pattern
                && let Err(e) = regex::Regex::new(pattern)
            {
                p.add(
                    format!("{path}.pattern"),
                    format!("the pattern is not a valid regular expression: {e}"),
                );
            }
        }
        FieldKind::LongText { max_length } | FieldKind::OfficerNotes { max_length } => {
            check_max_length(p, path, *max_length);
        }
        FieldKind::Integer { min, max, .. } => {
            if let (Some(min), Some(max)) = (min, max)
                && min > max
            {
                p.add(
                    format!("{path}.min"),
                    format!("min ({min}) is greater than max ({max})"),
                );
            }
        }
        FieldKind::Decimal { min, max, .. } => {
            for (name, bound) in [("min", min), ("max", max)] {
                if let Some(b) = bound
                    && !b.is_finite()
                {
                    p.add(format!("{path}.{name}"), "must be a finite number");
                }
            }
            if let (Some(min), Some(max)) = (min, max)
                && min > max
            {
                p.add(
                    format!("{path}.min"),
                    format!("min ({min}) is greater than max ({max})"),
                );
            }
        }
        FieldKind::SingleChoice { options } => check_options(p, path, options),
        FieldKind::MultipleChoice {
            options,
            min_selected,
            max_selected,
        } => {
            check_options(p, path, options);
            if let (Some(min), Some(max)) = (min_selected, max_selected)
                && min > max
            {
                p.add(
                    format!("{path}.min_selected"),
                    format!("min_selected ({min}) is greater than max_selected ({max})"),
                );
            }
            if let Some(min) = min_selected
                && *min as usize > options.len()
            {
                p.add(
                    format!("{path}.min_selected"),
                    format!(
                        "min_selected ({min}) is more than the {} options",
                        options.len()
                    ),
                );
            }
        }
        FieldKind::GpsPoint { max_accuracy_m } => {
            if let Some(a) = max_accuracy_m
                && !(a.is_finite() && *a > 0.0)
            {
                p.add(
                    format!("{path}.max_accuracy_m"),
                    "must be a positive number of metres",
                );
            }
        }
        FieldKind::Photos {
            min_count,
            max_count,
        } => {
            if let Some(max) = max_count {
                if min_count > max {
                    p.add(
                        format!("{path}.min_count"),
                        format!("min_count ({min_count}) is greater than max_count ({max})"),
                    );
                }
                if *max == 0 {
                    p.add(
                        format!("{path}.max_count"),
                        "max_count 0 allows no photo at all",
                    );
                }
            }
        }
        FieldKind::Date
        | FieldKind::Time
        | FieldKind::DateTime
        | FieldKind::YesNo
        | FieldKind::PostalAddress
        | FieldKind::VehiclePlate
        | FieldKind::Signature => {}
    }
}

fn check_max_length(p: &mut Problems, path: &str, max_length: Option<u32>) {
    if max_length == Some(0) {
        p.add(
            format!("{path}.max_length"),
            "max_length 0 allows no text at all",
        );
    }
}

fn check_options(p: &mut Problems, path: &str, options: &[super::ChoiceOption]) {
    if options.is_empty() {
        p.add(
            format!("{path}.options"),
            "a choice field needs at least one option",
        );
    }
    let mut values = HashSet::new();
    for (i, option) in options.iter().enumerate() {
        let opath = format!("{path}.options[{i}]");
        if option.value.trim().is_empty() {
            p.add(format!("{opath}.value"), "the option value is empty");
        }
        if !values.insert(option.value.as_str()) {
            p.add(
                format!("{opath}.value"),
                format!("duplicate option value `{}`", option.value),
            );
        }
        check_text(p, &format!("{opath}.label"), &option.label);
    }
}

fn check_condition(
    p: &mut Problems,
    path: &str,
    field: &Field,
    condition: &Condition,
    earlier: &HashMap<&str, (String, &Field)>,
) {
    if condition.field == field.key {
        p.add(format!("{path}.field"), "a field cannot depend on itself");
        return;
    }
    let Some((_, controller)) = earlier.get(condition.field.as_str()) else {
        p.add(
            format!("{path}.field"),
            format!(
                "the condition names `{}`, which is not a field before this one",
                condition.field
            ),
        );
        return;
    };
    if condition.any_of.is_empty() {
        p.add(
            format!("{path}.any_of"),
            "the condition lists no answers, so the field would never show",
        );
    }
    for (i, value) in condition.any_of.iter().enumerate() {
        let vpath = format!("{path}.any_of[{i}]");
        match (&controller.kind, value) {
            (FieldKind::YesNo, ConditionValue::Bool(_)) => {}
            (FieldKind::YesNo, ConditionValue::Option(v)) => p.add(
                vpath,
                format!(
                    "`{}` is a yes/no field; use true or false, not \"{v}\"",
                    condition.field
                ),
            ),
            (
                FieldKind::SingleChoice { options } | FieldKind::MultipleChoice { options, .. },
                ConditionValue::Option(v),
            ) => {
                if !options.iter().any(|o| &o.value == v) {
                    p.add(vpath, format!("`{}` has no option `{v}`", condition.field));
                }
            }
            (
                FieldKind::SingleChoice { .. } | FieldKind::MultipleChoice { .. },
                ConditionValue::Bool(b),
            ) => p.add(
                vpath,
                format!(
                    "`{}` is a choice field; name an option value, not {b}",
                    condition.field
                ),
            ),
            (other, _) => {
                p.add(
                    format!("{path}.field"),
                    format!(
                        "conditions can only depend on choice or yes/no fields, and `{}` is of type `{}`",
                        condition.field,
                        other.name()
                    ),
                );
                return;
            }
        }
    }
}

fn check_text(p: &mut Problems, path: &str, text: &LocalizedText) {
    if text.de.trim().is_empty() {
        p.add(format!("{path}.de"), "the German text is empty");
    }
    if text.en.trim().is_empty() {
        p.add(format!("{path}.en"), "the English text is empty");
    }
}

fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && !s.ends_with('-')
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

fn is_field_key(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}
