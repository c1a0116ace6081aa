//! One input per field kind. Each takes the current answer and the text the officer is
//! typing, and returns a new answer when the officer changed it; turning typed text into a
//! value (German number and date formats accepted) happens here, saving does not.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Not;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use schema::{Field, FieldKind, FieldValue, GpsPoint, Language, PostalAddress};

use crate::gui::a11y;
use crate::gui::i18n::Texts;

/// The result of one frame of an input.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    /// Nothing changed.
    Unchanged,
    /// The officer changed the answer (`None`: removed it).
    Answer(Option<FieldValue>),
    /// The typed text is not (yet) a value of the field's kind; shown, not saved.
    Unreadable(String),
}

/// Text being typed into the form's inputs, by field key (and part, for GPS and address),
/// kept across frames so half-typed numbers and dates are not lost.
#[derive(Debug, Default)]
pub struct Typing {
    texts: BTreeMap<String, String>,
}

impl Typing {
    fn entry(&mut self, key: String, initial: impl FnOnce() -> String) -> &mut String {
        self.texts.entry(key).or_insert_with(initial)
    }

    /// Forgets what was typed into field `key`'s inputs, so they show its stored answer again
    /// (after the answer was set from elsewhere, e.g. the current position).
    pub(super) fn forget(&mut self, key: &str) {
        self.texts
            .retain(|k, _| k != key && !k.strip_prefix(key).is_some_and(|r| r.starts_with('.')));
    }
}

/// Draws the input for `field` (any kind but photos and signature, which have their own
/// widgets). `label_id` is the visible label that names the input.
pub fn field_input(
    ui: &mut egui::Ui,
    field: &Field,
    value: Option<&FieldValue>,
    typing: &mut Typing,
    texts: &Texts,
    language: Language,
    label_id: egui::Id,
) -> Input {
    let label = field.label.get(language);
    let key = field.key.clone();
    match &field.kind {
        FieldKind::ShortText { .. } | FieldKind::VehiclePlate => {
            let text = typing.entry(key, || match value {
                Some(FieldValue::Text(s) | FieldValue::Plate(s)) => s.clone(),
                _ => String::new(),
            });
            let response = ui.add(
                egui::TextEdit::singleline(text)
                    .min_size(egui::vec2(0.0, crate::gui::theme::MIN_TOUCH))
                    .desired_width(f32::INFINITY),
            );
            let response = response.labelled_by(label_id);
            if !response.changed() {
                return Input::Unchanged;
            }
            let typed = text.clone();
            let answer = match field.kind {
                FieldKind::VehiclePlate => FieldValue::Plate(typed),
                _ => FieldValue::Text(typed),
            };
            Input::Answer(text.is_empty().not().then_some(answer))
        }
        FieldKind::LongText { .. } | FieldKind::OfficerNotes { .. } => {
            let text = typing.entry(key, || match value {
                Some(FieldValue::LongText(s)) => s.clone(),
                _ => String::new(),
            });
            let response = ui.add(
                egui::TextEdit::multiline(text)
                    .desired_rows(3)
                    .desired_width(f32::INFINITY),
            );
            if !response.labelled_by(label_id).changed() {
                return Input::Unchanged;
            }
            Input::Answer((!text.is_empty()).then(|| FieldValue::LongText(text.clone())))
        }
        FieldKind::Integer { unit, .. } | FieldKind::Decimal { unit, .. } => {
            let integer = matches!(field.kind, FieldKind::Integer { .. });
            let text = typing.entry(key, || match value {
                Some(FieldValue::Integer(n)) => n.to_string(),
                // Either separator is read back (`parse_number`); it is shown as the language
                // writes it.
                Some(FieldValue::Decimal(n)) => texts::number::decimal(*n, texts.lang),
                _ => String::new(),
            });
            let changed = ui
                .horizontal(|ui| {
                    let r = ui
                        .add(
                            egui::TextEdit::singleline(text)
                                .min_size(egui::vec2(0.0, crate::gui::theme::MIN_TOUCH))
                                .desired_width(200.0),
                        )
                        .labelled_by(label_id);
                    if let Some(unit) = unit {
                        ui.label(unit);
                    }
                    r.changed()
                })
                .inner;
            if !changed {
                return Input::Unchanged;
            }
            parse_number(text, integer, texts)
        }
        FieldKind::Date => typed_value(ui, typing, key, value, (label, label_id), texts, DateParts),
        FieldKind::Time => typed_value(ui, typing, key, value, (label, label_id), texts, TimeParts),
        FieldKind::DateTime => typed_value(
            ui,
            typing,
            key,
            value,
            (label, label_id),
            texts,
            DateTimeParts,
        ),
        FieldKind::SingleChoice { options } => {
            let selected = match value {
                Some(FieldValue::Choice(c)) => Some(c.as_str()),
                _ => None,
            };
            let mut answer = Input::Unchanged;
            ui.horizontal_wrapped(|ui| {
                for option in options {
                    let text = option.label.get(language);
                    let r = ui.radio(selected == Some(option.value.as_str()), text);
                    a11y::name(&r, &format!("{label}: {text}"));
                    if r.clicked() {
                        answer = Input::Answer(Some(FieldValue::Choice(option.value.clone())));
                    }
                }
            });
            answer
        }
        FieldKind::MultipleChoice { options, .. } => {
            let mut set = match value {
                Some(FieldValue::Choices(s)) => s.clone(),
                _ => BTreeSet::new(),
            };
            let mut changed = false;
            ui.horizontal_wrapped(|ui| {
                for option in options {
                    let text = option.label.get(language);
                    let mut on = set.contains(&option.value);
                    let r = ui.checkbox(&mut on, text);
                    a11y::name(&r, &format!("{label}: {text}"));
                    if r.changed() {
                        changed = true;
                        if on {
                            set.insert(option.value.clone());
                        } else {
                            set.remove(&option.value);
                        }
                    }
                }
            });
            if !changed {
                return Input::Unchanged;
            }
            Input::Answer((!set.is_empty()).then_some(FieldValue::Choices(set)))
        }
        FieldKind::YesNo => {
            let current = match value {
                Some(FieldValue::YesNo(b)) => Some(*b),
                _ => None,
            };
            let mut answer = Input::Unchanged;
            ui.horizontal(|ui| {
                for (choice, text) in [(true, texts.yes), (false, texts.no)] {
                    let r = ui.selectable_label(current == Some(choice), text);
                    a11y::name(&r, &format!("{label}: {text}"));
                    if r.clicked() {
                        answer = Input::Answer(Some(FieldValue::YesNo(choice)));
                    }
                }
            });
            answer
        }
        FieldKind::GpsPoint { .. } => gps_input(ui, field, value, typing, texts, label),
        FieldKind::PostalAddress => address_input(ui, field, value, typing, texts, label),
        FieldKind::Photos { .. } | FieldKind::Signature => Input::Unchanged,
    }
}

fn parse_number(text: &str, integer: bool, texts: &Texts) -> Input {
    let t = text.trim().replace(',', ".");
    if t.is_empty() {
        return Input::Answer(None);
    }
    if integer {
        match t.parse::<i64>() {
            Ok(n) => Input::Answer(Some(FieldValue::Integer(n))),
            Err(_) => Input::Unreadable(texts.input_not_whole_number.to_string()),
        }
    } else {
        match t.parse::<f64>() {
            Ok(n) if n.is_finite() => Input::Answer(Some(FieldValue::Decimal(n))),
            _ => Input::Unreadable(texts.input_not_number.to_string()),
        }
    }
}

/// How one kind of date/time is shown, read and filled with "now".
trait TimeKind {
    fn show(&self, value: &FieldValue) -> Option<String>;
    fn parse(&self, text: &str) -> Option<FieldValue>;
    fn now(&self) -> FieldValue;
    fn hint<'t>(&self, texts: &'t Texts) -> &'t str;
}

struct DateParts;
struct TimeParts;
struct DateTimeParts;

impl TimeKind for DateParts {
    fn show(&self, value: &FieldValue) -> Option<String> {
        match value {
            FieldValue::Date(d) => Some(d.format("%d.%m.%Y").to_string()),
            _ => None,
        }
    }
    fn parse(&self, text: &str) -> Option<FieldValue> {
        NaiveDate::parse_from_str(text, "%d.%m.%Y")
            .or_else(|_| NaiveDate::parse_from_str(text, "%Y-%m-%d"))
            .ok()
            .map(FieldValue::Date)
    }
    fn now(&self) -> FieldValue {
        FieldValue::Date(crate::clock::today())
    }
    fn hint<'t>(&self, texts: &'t Texts) -> &'t str {
        texts.input_date_hint
    }
}

impl TimeKind for TimeParts {
    fn show(&self, value: &FieldValue) -> Option<String> {
        match value {
            FieldValue::Time(t) => Some(t.format("%H:%M").to_string()),
            _ => None,
        }
    }
    fn parse(&self, text: &str) -> Option<FieldValue> {
        NaiveTime::parse_from_str(text, "%H:%M")
            .or_else(|_| NaiveTime::parse_from_str(text, "%H:%M:%S"))
            .ok()
            .map(FieldValue::Time)
    }
    fn now(&self) -> FieldValue {
        FieldValue::Time(crate::clock::time_of_day())
    }
    fn hint<'t>(&self, texts: &'t Texts) -> &'t str {
        texts.input_time_hint
    }
}

impl TimeKind for DateTimeParts {
    fn show(&self, value: &FieldValue) -> Option<String> {
        match value {
            FieldValue::DateTime(t) => Some(
                texts::time::office_wall(t)
                    .format("%d.%m.%Y %H:%M")
                    .to_string(),
            ),
            _ => None,
        }
    }
    fn parse(&self, text: &str) -> Option<FieldValue> {
        let naive = NaiveDateTime::parse_from_str(text, "%d.%m.%Y %H:%M")
            .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M"))
            .ok()?;
        // German time, whatever zone the tablet is set to; an hour skipped in spring is no
        // time at all.
        Some(FieldValue::DateTime(texts::time::office_local(naive)?))
    }
    fn now(&self) -> FieldValue {
        FieldValue::DateTime(crate::clock::now_office())
    }
    fn hint<'t>(&self, texts: &'t Texts) -> &'t str {
        texts.input_date_time_hint
    }
}

/// A date, time or date-time typed as text, with a "now" button.
fn typed_value(
    ui: &mut egui::Ui,
    typing: &mut Typing,
    key: String,
    value: Option<&FieldValue>,
    (label, label_id): (&str, egui::Id),
    texts: &Texts,
    kind: impl TimeKind,
) -> Input {
    let text = typing.entry(key, || value.and_then(|v| kind.show(v)).unwrap_or_default());
    let mut answer = Input::Unchanged;
    ui.horizontal(|ui| {
        let r = ui
            .add(
                egui::TextEdit::singleline(text)
                    .min_size(egui::vec2(0.0, crate::gui::theme::MIN_TOUCH))
                    .hint_text(kind.hint(texts))
                    .desired_width(260.0),
            )
            .labelled_by(label_id);
        if r.changed() {
            let t = text.trim();
            answer = if t.is_empty() {
                Input::Answer(None)
            } else {
                match kind.parse(t) {
                    Some(v) => Input::Answer(Some(v)),
                    None => Input::Unreadable(kind.hint(texts).to_string()),
                }
            };
        }
        let now = ui.button(texts.input_now);
        a11y::name(&now, &format!("{label}: {}", texts.input_now));
        if now.clicked() {
            let v = kind.now();
            *text = kind.show(&v).unwrap_or_default();
            answer = Input::Answer(Some(v));
        }
    });
    answer
}

fn gps_input(
    ui: &mut egui::Ui,
    field: &Field,
    value: Option<&FieldValue>,
    typing: &mut Typing,
    texts: &Texts,
    label: &str,
) -> Input {
    let current = match value {
        Some(FieldValue::Gps(p)) => Some(*p),
        _ => None,
    };
    // Whether a position can come from the receiver is shown under the field (the form's
    // position hint), next to the button that uses it.
    let mut changed = false;
    let mut parts = [String::new(), String::new()];
    for (i, (part, name)) in [("lat", texts.gps_lat), ("lon", texts.gps_lon)]
        .into_iter()
        .enumerate()
    {
        let text = typing.entry(format!("{}.{part}", field.key), || {
            current
                .map(|p| if i == 0 { p.lat } else { p.lon })
                .map(|n| n.to_string())
                .unwrap_or_default()
        });
        ui.horizontal(|ui| {
            ui.label(name);
            let r = ui.add(
                egui::TextEdit::singleline(text)
                    .min_size(egui::vec2(0.0, crate::gui::theme::MIN_TOUCH))
                    .desired_width(200.0),
            );
            a11y::name(&r, &format!("{label}: {name}"));
            changed |= r.changed();
        });
        parts[i] = text.trim().replace(',', ".");
    }
    if !changed {
        return Input::Unchanged;
    }
    match (parts[0].as_str(), parts[1].as_str()) {
        ("", "") => Input::Answer(None),
        (lat, lon) => match (lat.parse::<f64>(), lon.parse::<f64>()) {
            (Ok(lat), Ok(lon)) => Input::Answer(Some(FieldValue::Gps(GpsPoint {
                lat,
                lon,
                accuracy_m: None,
            }))),
            _ => Input::Unreadable(texts.input_gps_hint.to_string()),
        },
    }
}

fn address_input(
    ui: &mut egui::Ui,
    field: &Field,
    value: Option<&FieldValue>,
    typing: &mut Typing,
    texts: &Texts,
    label: &str,
) -> Input {
    let current = match value {
        Some(FieldValue::Address(a)) => a.clone(),
        _ => PostalAddress::default(),
    };
    let parts: [(&str, &str, &str); 4] = [
        ("street", texts.address_street, &current.street),
        (
            "house_number",
            texts.address_house_number,
            &current.house_number,
        ),
        (
            "postal_code",
            texts.address_postal_code,
            &current.postal_code,
        ),
        ("city", texts.address_city, &current.city),
    ];
    let mut changed = false;
    let mut typed: Vec<String> = Vec::with_capacity(4);
    for (part, name, initial) in parts {
        let text = typing.entry(format!("{}.{part}", field.key), || initial.to_string());
        ui.horizontal(|ui| {
            ui.label(name);
            let r = ui.add(
                egui::TextEdit::singleline(text)
                    .min_size(egui::vec2(0.0, crate::gui::theme::MIN_TOUCH))
                    .desired_width(300.0),
            );
            a11y::name(&r, &format!("{label}: {name}"));
            changed |= r.changed();
        });
        typed.push(text.clone());
    }
    if !changed {
        return Input::Unchanged;
    }
    let address = PostalAddress {
        street: typed[0].clone(),
        house_number: typed[1].clone(),
        postal_code: typed[2].clone(),
        city: typed[3].clone(),
    };
    if typed.iter().all(|t| t.trim().is_empty()) {
        Input::Answer(None)
    } else {
        Input::Answer(Some(FieldValue::Address(address)))
    }
}
