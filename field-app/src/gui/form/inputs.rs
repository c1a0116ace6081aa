//! One input per field kind. Each takes the current answer and the text the officer is
//! typing, and returns a new answer when the officer changed it. What an input shows for an
//! answer and how typed text becomes one (German decimal comma, dates, German time) is
//! `texts::typed`'s, the same as in the back office; saving is not done here.

use std::collections::{BTreeMap, BTreeSet};

use chrono::Timelike;
use schema::{Field, FieldKind, FieldValue, Language, PostalAddress};
use texts::typed::{self, Unreadable};

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
    // The text an input starts with: the stored answer as `texts::typed` shows it, when it
    // is of the field's kind.
    let shown = || {
        value
            .filter(|v| v.fits(&field.kind))
            .map(|v| typed::input(v, language))
            .unwrap_or_default()
    };
    match &field.kind {
        FieldKind::ShortText { .. } | FieldKind::VehiclePlate => {
            let text = typing.entry(key, shown);
            let response = ui.add(
                egui::TextEdit::singleline(text)
                    .min_size(egui::vec2(0.0, crate::gui::theme::MIN_TOUCH))
                    .desired_width(f32::INFINITY),
            );
            if !response.labelled_by(label_id).changed() {
                return Input::Unchanged;
            }
            read(typed::answer(&field.kind, text, language), language)
        }
        FieldKind::LongText { .. } | FieldKind::OfficerNotes { .. } => {
            let text = typing.entry(key, shown);
            let response = ui.add(
                egui::TextEdit::multiline(text)
                    .desired_rows(3)
                    .desired_width(f32::INFINITY),
            );
            if !response.labelled_by(label_id).changed() {
                return Input::Unchanged;
            }
            read(typed::answer(&field.kind, text, language), language)
        }
        FieldKind::Integer { unit, .. } | FieldKind::Decimal { unit, .. } => {
            let text = typing.entry(key, shown);
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
            read(typed::answer(&field.kind, text, language), language)
        }
        FieldKind::Date | FieldKind::Time | FieldKind::DateTime => {
            let text = typing.entry(key, shown);
            typed_time(ui, text, field, (label, label_id), texts, language)
        }
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

/// Typed text read as an answer, or why it is none in the officer's language.
fn read(typed: Result<Option<FieldValue>, Unreadable>, language: Language) -> Input {
    match typed {
        Ok(answer) => Input::Answer(answer),
        Err(why) => Input::Unreadable(why.text(language).to_string()),
    }
}

/// "Now" in the office's zone as an answer of a date, time or date-time field, to the
/// second (so the input shows it readably and reads it back the same).
fn now(kind: &FieldKind) -> Option<FieldValue> {
    match kind {
        FieldKind::Date => Some(FieldValue::Date(crate::clock::today())),
        FieldKind::Time => Some(FieldValue::Time(crate::clock::time_of_day())),
        FieldKind::DateTime => {
            let now = crate::clock::now_office();
            Some(FieldValue::DateTime(now.with_nanosecond(0).unwrap_or(now)))
        }
        _ => None,
    }
}

/// A date, time or date-time typed as text (its format as the hint), with a "now" button.
fn typed_time(
    ui: &mut egui::Ui,
    text: &mut String,
    field: &Field,
    (label, label_id): (&str, egui::Id),
    texts: &Texts,
    language: Language,
) -> Input {
    let mut answer = Input::Unchanged;
    ui.horizontal(|ui| {
        let r = ui
            .add(
                egui::TextEdit::singleline(text)
                    .min_size(egui::vec2(0.0, crate::gui::theme::MIN_TOUCH))
                    .hint_text(typed::hint(&field.kind, language).unwrap_or_default())
                    .desired_width(260.0),
            )
            .labelled_by(label_id);
        if r.changed() {
            answer = read(typed::answer(&field.kind, text, language), language);
        }
        let now_button = ui.button(texts.input_now);
        a11y::name(&now_button, &format!("{label}: {}", texts.input_now));
        if now_button.clicked()
            && let Some(value) = now(&field.kind)
        {
            *text = typed::input(&value, language);
            answer = Input::Answer(Some(value));
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
                .map(|n| texts::number::decimal(n, texts.lang))
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
        parts[i] = text.clone();
    }
    if !changed {
        return Input::Unchanged;
    }
    // The tablet has no input for the accuracy: a typed position has none.
    let position = typed::position(&parts[0], &parts[1], "", texts.lang);
    read(position.map(|p| p.map(FieldValue::Gps)), texts.lang)
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
    let mut typed_parts: [String; 4] = Default::default();
    for (i, (part, name, initial)) in parts.into_iter().enumerate() {
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
        typed_parts[i] = text.clone();
    }
    if !changed {
        return Input::Unchanged;
    }
    let address = typed::address(typed_parts.each_ref().map(String::as_str));
    Input::Answer(address.map(FieldValue::Address))
}
