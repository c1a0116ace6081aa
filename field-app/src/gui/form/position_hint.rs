//! Under a position field: what the tablet's GNSS receiver (through gpsd) knows right now, so
//! the officer sees whether to wait for a fix or type the position, and with a fix a button
//! that puts the current position into the field.

use schema::GpsPoint;

use crate::gui::a11y;
use crate::gui::i18n::Texts;
use crate::position::FixState;

/// Draws the fix state under the position field named `label`. Returns the current position
/// when the officer asked to use it (only offered with a fix and an editable case).
pub(super) fn position_hint(
    ui: &mut egui::Ui,
    fix: &FixState,
    texts: &Texts,
    label: &str,
    editable: bool,
) -> Option<GpsPoint> {
    let hint = match fix {
        FixState::NoSource => texts.gps_manual.to_string(),
        FixState::Unreachable { .. } => texts.gps_unreachable.to_string(),
        FixState::NoFix => texts.gps_no_fix.to_string(),
        FixState::Fix(GpsPoint {
            accuracy_m: Some(m),
            ..
        }) => texts.gps_fix.replace("{m}", &format!("{m:.0}")),
        FixState::Fix(_) => texts.gps_fix_no_accuracy.to_string(),
    };
    ui.label(egui::RichText::new(hint).small());
    let point = fix.point().filter(|_| editable)?;
    let button = ui.button(texts.gps_use_fix);
    a11y::name(&button, &format!("{}: {label}", texts.gps_use_fix));
    button.clicked().then_some(point)
}
