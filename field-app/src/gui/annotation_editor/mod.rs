//! The full-screen annotation editor: the officer draws on a photo with finger, pen or mouse.
//!
//! The screen shows a downscaled preview texture, but every annotation is edited in
//! coordinates normalized to the full image, through the mapping of `annotate::geometry`
//! (see [`view`]), so what the officer sees is what the full-resolution export shows.
//! Editing goes through [`annotate::Editor`]: each finished gesture is one [`annotate::Edit`],
//! undoable.
//!
//! Gestures: one finger (or the pen, or the mouse) draws with the chosen tool; two fingers
//! pinch to zoom and pan; the mouse wheel and Ctrl+wheel zoom, the right or middle button
//! pans. With the select tool a tap selects the topmost annotation under the finger (with a
//! finger-sized tolerance), a drag moves it, a drag on one of its handles resizes it (see
//! [`handles`]), and a drag on empty photo pans. The row under the toolbar holds the options
//! of the tool in hand ([`options`]): the redaction method, retyping a selected label.

mod draft;
mod handles;
mod options;
mod paint;
mod tool;
mod toolbar;
mod view;

use annotate::{
    Annotation, AnnotationId, Edit, NormPoint, RedactionMethod, Shape, Style, hit_test,
};
use egui::{
    Color32, ColorImage, Id, Key, Modifiers, PointerButton, Pos2, Rect, Role, Sense, TextureHandle,
    TextureOptions, Ui, WidgetInfo, vec2,
};

use self::draft::Draft;
use self::handles::HandleDrag;
use self::options::LabelEdit;
use self::paint::CanvasPainter;
use self::tool::{PALETTE, TEXT_SIZE_PER_WIDTH, Tool, WIDTHS};
use self::toolbar::{ToolbarAction, ToolbarState};
use self::view::{Mapping, View, ZOOM_STEP};
use crate::gui::i18n::Texts;
use crate::gui::touch_input::{Contact, ContactTracker};

pub use self::toolbar::TOUCH_TARGET;

/// How far from a thin stroke a finger may land and still select it, in screen points.
const FINGER_TOLERANCE: f32 = 16.0;

/// What the editor's caller should do after this frame.
#[derive(Debug, Clone, PartialEq)]
pub enum EditorOutcome {
    /// The officer is still drawing; show the editor again next frame.
    Editing,
    /// The officer pressed "done": the photo's annotations as they are now.
    Done(Vec<Annotation>),
    /// The officer discarded this session's changes.
    Cancelled,
}

/// The text the officer is typing for a label placed at `anchor`.
#[derive(Debug, Clone, PartialEq)]
struct PendingText {
    anchor: NormPoint,
    text: String,
    wants_focus: bool,
}

/// What the finger on the canvas is doing.
#[derive(Debug, Clone, PartialEq)]
enum Gesture {
    Drawing(Draft),
    Moving {
        id: AnnotationId,
        start: NormPoint,
        now: NormPoint,
    },
    Resizing(HandleDrag),
    Panning {
        last: Pos2,
    },
}

/// The annotation editor for one photo. Keep it across frames while it is open.
pub struct AnnotationEditor {
    image: Option<ColorImage>,
    texture: Option<TextureHandle>,
    full_size: (u32, u32),
    editor: annotate::Editor,
    author: String,
    tool: Tool,
    color: usize,
    width: usize,
    view: View,
    contacts: ContactTracker,
    gesture: Option<Gesture>,
    selected: Option<AnnotationId>,
    pending_text: Option<PendingText>,
    /// How the redaction tools destroy pixels.
    redaction: RedactionMethod,
    /// The selected label being retyped.
    label_edit: Option<LabelEdit>,
    /// Height the toolbar rows took above the photo when last laid out there.
    top_rows: f32,
}

/// Width of the tool column beside the photo, when the screen is wide enough for it.
const SIDE_COLUMN: f32 = 400.0;

impl std::fmt::Debug for AnnotationEditor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AnnotationEditor")
            .field("full_size", &self.full_size)
            .field("annotations", &self.editor.annotations().len())
            .field("tool", &self.tool)
            .finish_non_exhaustive()
    }
}

impl AnnotationEditor {
    /// An editor over `annotations` of a photo whose oriented full resolution is
    /// `full_size`, displayed with `image` (a downscaled preview, see [`preview_image`]).
    pub fn new(image: ColorImage, full_size: (u32, u32), annotations: Vec<Annotation>) -> Self {
        Self {
            image: Some(image),
            texture: None,
            full_size: (full_size.0.max(1), full_size.1.max(1)),
            editor: annotate::Editor::new(annotations),
            author: String::new(),
            tool: Tool::Pen,
            color: 0,
            width: 1,
            view: View::default(),
            contacts: ContactTracker::default(),
            gesture: None,
            selected: None,
            pending_text: None,
            redaction: RedactionMethod::Pixelate,
            label_edit: None,
            top_rows: 4.0 * (TOUCH_TARGET + 6.0),
        }
    }

    /// Records `author` (the officer's user name) on every annotation drawn from now on.
    #[must_use]
    pub fn with_author(mut self, author: impl Into<String>) -> Self {
        self.author = author.into();
        self
    }

    /// The annotations as they are now.
    pub fn annotations(&self) -> &[Annotation] {
        self.editor.annotations()
    }

    /// Shows the editor in all of `ui` and handles this frame's input.
    pub fn show(&mut self, ui: &mut Ui, texts: &Texts) -> EditorOutcome {
        let state = ToolbarState {
            tool: self.tool,
            color: self.color,
            width: self.width,
            can_undo: self.editor.can_undo(),
            can_redo: self.editor.can_redo(),
            has_selection: self.selected.is_some(),
            zoomed: self.view.zoom() > 1.0,
        };
        let (action, canvas) = self.layout(ui, texts, &state);
        let mut outcome = EditorOutcome::Editing;
        if let Some(action) = action {
            outcome = self.toolbar_action(action, canvas);
        }
        self.shortcuts(ui);
        self.canvas(ui, texts, canvas);
        outcome
    }

    /// Lays out the toolbar rows and returns what was pressed and the canvas. The rows go
    /// above the photo, or in a column beside it where that shows the photo clearly larger
    /// (a landscape tablet: rows on top would leave the photo half the screen's height).
    fn layout(
        &mut self,
        ui: &mut Ui,
        texts: &Texts,
        state: &ToolbarState,
    ) -> (Option<ToolbarAction>, Rect) {
        let full = ui.available_rect_before_wrap();
        let gap = ui.spacing().item_spacing.x;
        let photo_area = |width: f32, height: f32| {
            let (w, h) = (self.full_size.0 as f32, self.full_size.1 as f32);
            let scale = (width / w).min(height / h).max(0.0);
            scale * scale * w * h
        };
        let beside = photo_area(full.width() - SIDE_COLUMN - gap, full.height());
        let above = photo_area(full.width(), full.height() - self.top_rows);
        // A margin, so a layout that is only just better does not flip back and forth.
        if beside > above * 1.1 {
            let column = Rect::from_min_size(full.min, vec2(SIDE_COLUMN, full.height()));
            let mut side = ui.new_child(
                egui::UiBuilder::new()
                    .max_rect(column)
                    .layout(egui::Layout::top_down(egui::Align::Min)),
            );
            let action = toolbar::show(&mut side, texts, state);
            self.text_row(&mut side, texts);
            self.options_row(&mut side, texts);
            let canvas = Rect::from_min_max(egui::pos2(column.max.x + gap, full.min.y), full.max);
            ui.allocate_rect(full, Sense::hover());
            (action, canvas)
        } else {
            let action = toolbar::show(ui, texts, state);
            self.text_row(ui, texts);
            self.options_row(ui, texts);
            let canvas = ui.available_rect_before_wrap();
            self.top_rows = canvas.min.y - full.min.y;
            ui.allocate_rect(canvas, Sense::hover());
            (action, canvas)
        }
    }

    fn toolbar_action(&mut self, action: ToolbarAction, canvas: Rect) -> EditorOutcome {
        match action {
            ToolbarAction::Tool(tool) => {
                self.tool = tool;
                self.gesture = None;
                if tool != Tool::Select {
                    self.selected = None;
                }
                if tool != Tool::Text {
                    self.pending_text = None;
                }
                self.label_edit = None;
            }
            ToolbarAction::Color(i) => {
                self.color = i;
                if let (Some(id), Some(color)) = (self.selected, PALETTE.get(i)) {
                    self.apply(Edit::Recolor { id, color: *color });
                }
            }
            ToolbarAction::Width(i) => self.width = i,
            ToolbarAction::Undo => {
                self.editor.undo();
                self.forget_missing_selection();
            }
            ToolbarAction::Redo => {
                self.editor.redo();
                self.forget_missing_selection();
            }
            ToolbarAction::Delete => self.delete_selection(),
            ToolbarAction::ZoomIn => {
                self.view
                    .zoom_about(ZOOM_STEP, canvas.center(), canvas, self.full_size);
            }
            ToolbarAction::ZoomOut => {
                self.view
                    .zoom_about(1.0 / ZOOM_STEP, canvas.center(), canvas, self.full_size);
            }
            ToolbarAction::ZoomFit => self.view.reset(),
            ToolbarAction::Cancel => return EditorOutcome::Cancelled,
            ToolbarAction::Done => {
                self.place_text();
                self.apply_label_edit();
                return EditorOutcome::Done(self.editor.annotations().to_vec());
            }
        }
        EditorOutcome::Editing
    }

    /// The label entry of the text tool: a hint until the officer taps the photo, then a
    /// text field and a button that places the label.
    fn text_row(&mut self, ui: &mut Ui, texts: &Texts) {
        if self.tool != Tool::Text {
            return;
        }
        let mut place = false;
        ui.horizontal(|ui| {
            let Some(pending) = &mut self.pending_text else {
                ui.label(texts.editor_text_hint);
                return;
            };
            let label = ui.label(texts.editor_text_input);
            let field = ui
                .add(
                    egui::TextEdit::singleline(&mut pending.text)
                        .min_size(vec2(240.0, TOUCH_TARGET))
                        .char_limit(annotate::MAX_TEXT_CHARS),
                )
                .labelled_by(label.id);
            if std::mem::take(&mut pending.wants_focus) {
                field.request_focus();
            }
            let entered = field.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter));
            let clicked = ui
                .add_enabled(
                    !pending.text.trim().is_empty(),
                    egui::Button::new(texts.editor_text_place)
                        .min_size(vec2(TOUCH_TARGET, TOUCH_TARGET)),
                )
                .clicked();
            place = entered || clicked;
        });
        if place {
            self.place_text();
        }
    }

    fn shortcuts(&mut self, ui: &Ui) {
        if ui.ctx().egui_wants_keyboard_input() {
            return;
        }
        // Redo first: Ctrl+Shift+Z would also match a plain Ctrl+Z.
        let (redo, undo, delete) = ui.input_mut(|i| {
            (
                i.consume_key(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z)
                    || i.consume_key(Modifiers::COMMAND, Key::Y),
                i.consume_key(Modifiers::COMMAND, Key::Z),
                i.consume_key(Modifiers::NONE, Key::Delete),
            )
        });
        if undo {
            self.editor.undo();
        }
        if redo {
            self.editor.redo();
        }
        if delete {
            self.delete_selection();
        }
        if undo || redo {
            self.forget_missing_selection();
        }
    }

    /// The photo, the annotations and the gestures on them.
    fn canvas(&mut self, ui: &mut Ui, texts: &Texts, canvas: Rect) {
        let ppp = ui.ctx().pixels_per_point();
        self.zoom_and_pan(ui, canvas);
        let mapping = self.view.mapping(canvas, self.full_size, ppp);
        // Handles stick out of the photo at its edges: with a selection, touches start
        // anywhere on the canvas.
        let area = if self.selected.is_some() {
            canvas
        } else {
            mapping.image_rect.intersect(canvas)
        };
        for contact in self.contacts.contacts(ui, area) {
            self.contact(contact, &mapping, canvas);
        }
        let mapping = self.view.mapping(canvas, self.full_size, ppp);

        let preview = self.gesture_preview();
        let selected = self.selected.and_then(|id| match &preview {
            Some(p) if p.id == id => Some(p.clone()),
            _ => self.editor.get(id).cloned(),
        });

        // The canvas widget covers the whole photo, also where it is zoomed beyond the
        // screen: its bounds tell assistive technology (and tests) where the photo is.
        let response = ui
            .scope(|ui| {
                ui.set_clip_rect(canvas);
                let response = ui.interact(
                    mapping.image_rect,
                    Id::unique("naper-annotation-canvas"),
                    Sense::click_and_drag(),
                );
                if let Some(selected) = &selected {
                    handles::widgets(ui, texts, selected, &mapping);
                }
                response
            })
            .inner;
        response.widget_info(|| WidgetInfo::labeled(Role::Unknown, true, texts.editor_canvas));
        if response.dragged_by(PointerButton::Secondary)
            || response.dragged_by(PointerButton::Middle)
        {
            self.view.pan(response.drag_delta(), canvas, self.full_size);
        }

        let painter = ui.painter_at(canvas);
        painter.rect_filled(canvas, 0.0, Color32::from_gray(24));
        let texture = self.texture(ui);
        painter.image(
            texture.id(),
            mapping.image_rect,
            Rect::from_min_max(Pos2::ZERO, Pos2::new(1.0, 1.0)),
            Color32::WHITE,
        );
        self.paint(ui, &painter, mapping, preview.as_ref());
        if let Some(selected) = &selected {
            canvas_painter(ui, &painter, mapping).selection_frame(selected);
            handles::paint(&painter, selected, &mapping);
        }
    }

    fn texture(&mut self, ui: &Ui) -> TextureHandle {
        if let Some(texture) = &self.texture {
            return texture.clone();
        }
        let image = self.image.take().unwrap_or_default();
        let texture =
            ui.ctx()
                .load_texture("naper-annotation-photo", image, TextureOptions::LINEAR);
        self.texture = Some(texture.clone());
        texture
    }

    /// The annotation a move or handle drag in progress would leave, as the editor will
    /// make it when the finger lifts (kept on the photo, refused if it would collapse).
    fn gesture_preview(&self) -> Option<Annotation> {
        let edit = match &self.gesture {
            Some(Gesture::Moving { id, start, now }) => Edit::Move {
                id: *id,
                dx: now.x - start.x,
                dy: now.y - start.y,
            },
            Some(Gesture::Resizing(drag)) => drag.edit(self.editor.get(drag.id)?)?,
            _ => return None,
        };
        self.editor.preview(edit).ok()?.after
    }

    fn paint(
        &self,
        ui: &Ui,
        painter: &egui::Painter,
        mapping: Mapping,
        preview: Option<&Annotation>,
    ) {
        let canvas_painter = canvas_painter(ui, painter, mapping);
        let shown = self.editor.annotations().iter().map(|a| match preview {
            Some(p) if p.id == a.id => p.clone(),
            _ => a.clone(),
        });
        let shown: Vec<Annotation> = shown.collect();
        canvas_painter.paint_all(&shown);
        if let Some(Gesture::Drawing(draft)) = &self.gesture
            && let Some(shape) = draft.shape(false)
        {
            canvas_painter.paint(&self.new_annotation(shape));
        }
        if let Some(pending) = &self.pending_text {
            // The label as it will be placed, while it is typed, and a caret where it starts.
            let text = pending.text.trim();
            if !text.is_empty() {
                canvas_painter.paint(&self.new_annotation(Shape::Text {
                    anchor: pending.anchor,
                    text: text.to_owned(),
                    size: self.text_size(),
                }));
            }
            let at = mapping.to_screen(pending.anchor);
            let height = mapping.text_height(self.text_size()).max(8.0);
            painter.line_segment(
                [at, at + vec2(0.0, height)],
                egui::Stroke::new(3.0, Color32::WHITE),
            );
        }
    }

    fn zoom_and_pan(&mut self, ui: &Ui, canvas: Rect) {
        let (zoom, scroll, hover, multi) = ui.input(|i| {
            (
                i.zoom_delta(),
                i.smooth_scroll_delta,
                i.pointer.hover_pos(),
                i.multi_touch(),
            )
        });
        if let Some(touch) = multi {
            self.view
                .zoom_about(touch.zoom_delta, touch.center_pos, canvas, self.full_size);
            self.view
                .pan(touch.translation_delta, canvas, self.full_size);
            return;
        }
        let Some(hover) = hover.filter(|p| canvas.contains(*p)) else {
            return;
        };
        // The wheel zooms: panning is for fingers and the right mouse button.
        let wheel = (scroll.y / 200.0).exp();
        self.view
            .zoom_about(zoom * wheel, hover, canvas, self.full_size);
    }

    fn contact(&mut self, contact: Contact, mapping: &Mapping, canvas: Rect) {
        match contact {
            Contact::Down { pos, pressure } => self.begin(pos, pressure, mapping),
            Contact::Move { pos, pressure } => self.follow(pos, pressure, mapping, canvas),
            Contact::Up { pos } => {
                self.follow(pos, None, mapping, canvas);
                self.finish();
            }
            Contact::Cancel => self.gesture = None,
        }
    }

    fn begin(&mut self, pos: Pos2, pressure: Option<f32>, mapping: &Mapping) {
        let at = mapping.to_norm_clamped(pos);
        self.gesture = match self.tool {
            Tool::Select => {
                let grabbed = self
                    .selected
                    .and_then(|id| self.editor.get(id))
                    .and_then(|a| HandleDrag::grab(a, mapping, pos));
                if let Some(drag) = grabbed {
                    self.gesture = Some(Gesture::Resizing(drag));
                    return;
                }
                if !mapping.image_rect.contains(pos) {
                    self.gesture = Some(Gesture::Panning { last: pos });
                    return;
                }
                let tolerance = mapping.fraction_of_shorter_side(FINGER_TOLERANCE);
                self.selected = hit_test(self.editor.annotations(), at, tolerance, mapping.pixels);
                Some(match self.selected {
                    Some(id) => Gesture::Moving {
                        id,
                        start: at,
                        now: at,
                    },
                    None => Gesture::Panning { last: pos },
                })
            }
            Tool::Text => {
                let text = self.pending_text.take().map(|p| p.text).unwrap_or_default();
                self.pending_text = Some(PendingText {
                    anchor: at,
                    text,
                    wants_focus: true,
                });
                None
            }
            tool => Some(Gesture::Drawing(
                Draft::new(tool, at, pressure).redacting_with(self.redaction),
            )),
        };
    }

    fn follow(&mut self, pos: Pos2, pressure: Option<f32>, mapping: &Mapping, canvas: Rect) {
        match &mut self.gesture {
            Some(Gesture::Drawing(draft)) => draft.extend(mapping.to_norm_clamped(pos), pressure),
            Some(Gesture::Moving { now, .. }) => *now = mapping.to_norm(pos),
            Some(Gesture::Resizing(drag)) => drag.now = mapping.to_norm(pos),
            Some(Gesture::Panning { last }) => {
                let delta = pos - *last;
                *last = pos;
                self.view.pan(delta, canvas, self.full_size);
            }
            None => {}
        }
    }

    fn finish(&mut self) {
        match self.gesture.take() {
            Some(Gesture::Drawing(draft)) => {
                if let Some(shape) = draft.shape(true) {
                    let annotation = self.new_annotation(shape);
                    self.apply(Edit::Add { annotation });
                }
            }
            Some(Gesture::Moving { id, start, now }) if start != now => {
                self.apply(Edit::Move {
                    id,
                    dx: now.x - start.x,
                    dy: now.y - start.y,
                });
            }
            Some(Gesture::Resizing(drag)) if drag.moved() => {
                if let Some(edit) = self.editor.get(drag.id).and_then(|a| drag.edit(a)) {
                    self.apply(edit);
                }
            }
            _ => {}
        }
    }

    fn style(&self) -> Style {
        Style {
            color: PALETTE.get(self.color).copied().unwrap_or(PALETTE[0]),
            width: WIDTHS.get(self.width).copied().unwrap_or(WIDTHS[1]),
            fill: None,
        }
    }

    fn text_size(&self) -> f32 {
        self.style().width * TEXT_SIZE_PER_WIDTH
    }

    fn new_annotation(&self, shape: Shape) -> Annotation {
        let top = self.editor.annotations().iter().map(|a| a.z).max();
        let z = top.map_or(0, |z| z.saturating_add(1));
        Annotation::new(shape, self.style(), self.author.clone(), z)
    }

    fn place_text(&mut self) {
        let Some(pending) = self.pending_text.take() else {
            return;
        };
        let text = pending.text.trim();
        if text.is_empty() {
            return;
        }
        let shape = Shape::Text {
            anchor: pending.anchor,
            text: text.to_owned(),
            size: self.text_size(),
        };
        let annotation = self.new_annotation(shape);
        self.apply(Edit::Add { annotation });
    }

    fn delete_selection(&mut self) {
        if let Some(id) = self.selected.take() {
            self.apply(Edit::Delete { id });
        }
    }

    fn forget_missing_selection(&mut self) {
        if self
            .selected
            .is_some_and(|id| self.editor.get(id).is_none())
        {
            self.selected = None;
        }
    }

    /// Applies an edit; one the model refuses (a shape collapsed to nothing) is dropped, as
    /// if the gesture had not happened.
    fn apply(&mut self, edit: Edit) {
        if let Err(error) = self.editor.apply(edit) {
            tracing::debug!(%error, "annotation edit refused");
        }
    }
}

fn canvas_painter<'a>(ui: &Ui, painter: &'a egui::Painter, mapping: Mapping) -> CanvasPainter<'a> {
    CanvasPainter {
        painter,
        mapping,
        font: paint::annotation_font(ui.ctx()),
    }
}

/// Errors of [`preview_image`].
pub type PreviewError = annotate::AnnotateError;

/// The screen preview of a photo for [`AnnotationEditor::new`], and the photo's full size
/// after EXIF orientation, through `annotate`'s photo pipeline (downscaled while decoding,
/// size checked before any pixel memory is allocated).
///
/// # Errors
/// When the bytes are no photo `annotate` can read, or one too large.
pub fn preview_image(bytes: &[u8]) -> Result<(ColorImage, (u32, u32)), PreviewError> {
    let limits = annotate::DecodeLimits::default();
    let full = annotate::photo::inspect(bytes, limits)?.display_size();
    let preview = annotate::photo::preview(bytes, limits)?;
    let (w, h) = preview.dimensions();
    let image = ColorImage::from_rgb([w as usize, h as usize], preview.as_raw());
    Ok((image, (full.width, full.height)))
}
