//! The editor's buttons, sized for gloved fingers (at least 48 × 48 points), each with an
//! accessible label.

use egui::{Button, Color32, Role, Sense, Stroke, Ui, Vec2, WidgetInfo, vec2};

use super::tool::{PALETTE, Tool, WIDTHS, color_label, width_label};
use crate::gui::i18n::Texts;

/// The smallest touch target, in points (about 9 mm on a 10" tablet).
pub const TOUCH_TARGET: f32 = 48.0;

/// What the officer pressed in the toolbar this frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ToolbarAction {
    Tool(Tool),
    Color(usize),
    Width(usize),
    Undo,
    Redo,
    Delete,
    ZoomIn,
    ZoomOut,
    ZoomFit,
    Cancel,
    Done,
}

/// The state the toolbar shows.
pub(super) struct ToolbarState {
    pub(super) tool: Tool,
    pub(super) color: usize,
    pub(super) width: usize,
    pub(super) can_undo: bool,
    pub(super) can_redo: bool,
    pub(super) has_selection: bool,
    pub(super) zoomed: bool,
}

/// A button of at least [`TOUCH_TARGET`] in both directions, shown pressed when `selected`.
pub(super) fn touch_button(ui: &mut Ui, text: &str, selected: bool, enabled: bool) -> bool {
    ui.add_enabled(
        enabled,
        // Framed even when not selected: a flat label is hard to see as a button outdoors.
        Button::new(text)
            .selected(selected)
            .min_size(Vec2::splat(TOUCH_TARGET)),
    )
    .clicked()
}

fn swatch(ui: &mut Ui, fill: Color32, selected: bool, label: &str) -> bool {
    let (rect, response) = ui.allocate_exact_size(Vec2::splat(TOUCH_TARGET), Sense::click());
    response.widget_info(|| WidgetInfo::selected(Role::RadioButton, true, selected, label));
    let painter = ui.painter();
    let ring = if selected {
        ui.visuals().selection.stroke.color
    } else {
        ui.visuals().widgets.inactive.bg_stroke.color
    };
    painter.circle_filled(rect.center(), TOUCH_TARGET * 0.35, fill);
    painter.circle_stroke(
        rect.center(),
        TOUCH_TARGET * 0.42,
        Stroke::new(if selected { 4.0 } else { 1.5 }, ring),
    );
    response.clicked()
}

/// Shows the toolbar rows and returns what was pressed.
pub(super) fn show(ui: &mut Ui, texts: &Texts, state: &ToolbarState) -> Option<ToolbarAction> {
    let mut action = None;
    let mut pick = |a| action = Some(a);
    ui.spacing_mut().item_spacing = vec2(6.0, 6.0);
    ui.horizontal_wrapped(|ui| {
        for tool in Tool::ALL {
            if touch_button(ui, tool.label(texts), state.tool == tool, true) {
                pick(ToolbarAction::Tool(tool));
            }
        }
    });
    ui.horizontal_wrapped(|ui| {
        for (i, c) in PALETTE.iter().enumerate() {
            let fill = Color32::from_rgb(c.r, c.g, c.b);
            if swatch(ui, fill, state.color == i, color_label(texts, i)) {
                pick(ToolbarAction::Color(i));
            }
        }
        ui.separator();
        for i in 0..WIDTHS.len() {
            if touch_button(ui, width_label(texts, i), state.width == i, true) {
                pick(ToolbarAction::Width(i));
            }
        }
        ui.separator();
        let buttons = [
            (texts.editor_undo, state.can_undo, ToolbarAction::Undo),
            (texts.editor_redo, state.can_redo, ToolbarAction::Redo),
            (
                texts.editor_delete,
                state.has_selection,
                ToolbarAction::Delete,
            ),
            (texts.editor_zoom_out, state.zoomed, ToolbarAction::ZoomOut),
            (texts.editor_zoom_in, true, ToolbarAction::ZoomIn),
            (texts.editor_zoom_fit, state.zoomed, ToolbarAction::ZoomFit),
        ];
        for (text, enabled, a) in buttons {
            if touch_button(ui, text, false, enabled) {
                pick(a);
            }
        }
        ui.separator();
        if touch_button(ui, texts.editor_cancel, false, true) {
            pick(ToolbarAction::Cancel);
        }
        if touch_button(ui, texts.editor_done, false, true) {
            pick(ToolbarAction::Done);
        }
    });
    action
}
