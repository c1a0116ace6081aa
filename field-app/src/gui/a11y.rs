//! Accessible names (AccessKit): what a screen reader announces and what the egui_kittest
//! tests find widgets by. A widget whose visible text is ambiguous on its own (a "Ja" button
//! of one of several yes/no questions) gets a name with its context.

use egui::Response;

/// Gives the widget of `response` the accessible name `name`, replacing the one egui derived
/// from its visible text.
pub fn name(response: &Response, name: &str) {
    response
        .ctx
        .accesskit_node_builder(response.id, |node| node.set_label(name.to_string()));
}
