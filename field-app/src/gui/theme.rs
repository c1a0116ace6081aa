//! The touch-first look: finger-sized hit targets everywhere and an optional high-contrast
//! theme for sunlight. Set once per frame on the context and the root `Ui`, so no widget has
//! to remember it.

use egui::{Color32, FontId, Stroke, TextStyle, Vec2, Visuals};

/// The smallest side of anything a finger must hit (Material and WCAG guidance: 48 dp).
pub const MIN_TOUCH: f32 = 48.0;

/// Applies the touch style and the theme to the context of `ui` (for popups and modals) and to
/// `ui` itself: the root `Ui` was made with the style from before this call, and the panels in
/// it take their style from it.
pub fn apply(ui: &mut egui::Ui, high_contrast: bool) {
    ui.ctx().global_style_mut(|style| {
        let spacing = &mut style.spacing;
        spacing.interact_size = Vec2::new(MIN_TOUCH, MIN_TOUCH);
        spacing.button_padding = Vec2::new(16.0, 12.0);
        spacing.item_spacing = Vec2::new(12.0, 12.0);
        spacing.icon_width = 32.0;
        spacing.icon_width_inner = 18.0;
        spacing.icon_spacing = 12.0;
        spacing.combo_height = 400.0;
        spacing.scroll.bar_width = 16.0;
        style.text_styles = [
            (TextStyle::Heading, FontId::proportional(28.0)),
            (TextStyle::Body, FontId::proportional(20.0)),
            (TextStyle::Button, FontId::proportional(20.0)),
            (TextStyle::Monospace, FontId::monospace(18.0)),
            (TextStyle::Small, FontId::proportional(16.0)),
        ]
        .into();
        style.visuals = if high_contrast {
            high_contrast_visuals()
        } else {
            Visuals::light()
        };
    });
    let style = ui.ctx().global_style();
    ui.set_style(style);
}

/// Black on white with thick dark outlines: readable in direct sunlight.
fn high_contrast_visuals() -> Visuals {
    let mut v = Visuals::light();
    v.override_text_color = Some(Color32::BLACK);
    v.panel_fill = Color32::WHITE;
    v.window_fill = Color32::WHITE;
    v.extreme_bg_color = Color32::WHITE;
    v.faint_bg_color = Color32::from_gray(235);
    let outline = Stroke::new(2.0, Color32::BLACK);
    for w in [
        &mut v.widgets.inactive,
        &mut v.widgets.hovered,
        &mut v.widgets.active,
        &mut v.widgets.open,
        &mut v.widgets.noninteractive,
    ] {
        w.bg_stroke = outline;
        w.fg_stroke = Stroke::new(2.0, Color32::BLACK);
    }
    v.widgets.inactive.weak_bg_fill = Color32::from_gray(225);
    v.widgets.inactive.bg_fill = Color32::from_gray(225);
    v.selection.bg_fill = Color32::from_rgb(255, 214, 0);
    v.selection.stroke = Stroke::new(2.0, Color32::BLACK);
    v
}

/// Colour of an error message in either theme.
pub fn error_color(high_contrast: bool) -> Color32 {
    if high_contrast {
        Color32::from_rgb(160, 0, 0)
    } else {
        Color32::from_rgb(190, 30, 30)
    }
}
