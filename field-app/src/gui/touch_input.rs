//! One stream of "down, move, up" contacts from a mouse, a pen or a finger, for the drawing
//! surfaces (annotation canvas, signature pad).
//!
//! Platforms report a finger twice: as a touch event and, for the first finger, as an
//! emulated mouse pointer. Drawing from both would double every point, and drawing from the
//! pointer alone would lose pen pressure and the second finger of a pinch. So a contact that
//! starts as a touch is followed through its touch events only, the emulated pointer is
//! ignored while any finger is down, and a second finger cancels the contact so that the
//! gesture becomes a pinch instead of a scribble.

use egui::{Event, PointerButton, Pos2, Rect, TouchId, TouchPhase, Ui};

/// What the finger, pen or mouse did this frame on a drawing surface.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Contact {
    /// Touched the surface at `pos`, with pen pressure (0..1) when the device reports it.
    Down { pos: Pos2, pressure: Option<f32> },
    /// Moved while touching.
    Move { pos: Pos2, pressure: Option<f32> },
    /// Lifted at `pos`: the stroke is complete.
    Up { pos: Pos2 },
    /// The contact became something else (a pinch) or the platform cancelled it: drop the
    /// stroke in progress.
    Cancel,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    Pointer,
    Touch(TouchId),
}

/// Follows one contact across frames.
#[derive(Debug, Default)]
pub(crate) struct ContactTracker {
    active: Option<Source>,
    last_pos: Option<Pos2>,
    /// Set while two fingers are down, so that lifting one does not start a stroke.
    pinching: bool,
}

impl ContactTracker {
    /// The contacts of this frame. A contact starts only inside `area` and only where `ui`'s
    /// layer is on top (not under a popup); once started, it is followed anywhere.
    pub(crate) fn contacts(&mut self, ui: &Ui, area: Rect) -> Vec<Contact> {
        let layer = ui.layer_id();
        let ctx = ui.ctx().clone();
        // Panels are no areas: `None` is the background the canvas usually sits on.
        let starts_here =
            |pos: Pos2| area.contains(pos) && ctx.layer_id_at(pos).is_none_or(|top| top == layer);
        let (events, fingers_down, two_fingers) = ui.input(|i| {
            (
                i.events.clone(),
                i.any_touches(),
                i.multi_touch().is_some_and(|m| m.num_touches >= 2),
            )
        });
        let frame_has_touch = events.iter().any(|e| matches!(e, Event::Touch { .. }));
        let pointer_is_emulated = frame_has_touch || fingers_down;
        let mut out = Vec::new();
        for event in events {
            match event {
                Event::Touch {
                    id,
                    phase,
                    pos,
                    force,
                    ..
                } => self.touch(id, phase, pos, force, &starts_here, &mut out),
                Event::PointerButton {
                    pos,
                    button: PointerButton::Primary,
                    pressed,
                    ..
                } if !pointer_is_emulated => {
                    if pressed && self.active.is_none() && !self.pinching && starts_here(pos) {
                        self.begin(Source::Pointer, pos, None, &mut out);
                    } else if !pressed && self.active == Some(Source::Pointer) {
                        self.end(pos, &mut out);
                    }
                }
                Event::PointerMoved(pos)
                    if !pointer_is_emulated && self.active == Some(Source::Pointer) =>
                {
                    self.last_pos = Some(pos);
                    out.push(Contact::Move {
                        pos,
                        pressure: None,
                    });
                }
                Event::PointerGone if self.active == Some(Source::Pointer) => {
                    let pos = self.last_pos.unwrap_or(area.center());
                    self.end(pos, &mut out);
                }
                _ => {}
            }
        }
        if two_fingers && self.active.is_some() {
            self.active = None;
            out.push(Contact::Cancel);
        }
        if two_fingers {
            self.pinching = true;
        } else if !fingers_down {
            self.pinching = false;
        }
        out
    }

    fn touch(
        &mut self,
        id: TouchId,
        phase: TouchPhase,
        pos: Pos2,
        force: Option<f32>,
        starts_here: &impl Fn(Pos2) -> bool,
        out: &mut Vec<Contact>,
    ) {
        let ours = self.active == Some(Source::Touch(id));
        match phase {
            TouchPhase::Start => match self.active {
                None if !self.pinching && starts_here(pos) => {
                    self.begin(Source::Touch(id), pos, force, out);
                }
                // The emulated pointer of this very finger came first: keep the stroke.
                Some(Source::Pointer) => self.active = Some(Source::Touch(id)),
                Some(Source::Touch(other)) if other != id => {
                    self.active = None;
                    self.pinching = true;
                    out.push(Contact::Cancel);
                }
                _ => {}
            },
            TouchPhase::Move if ours => {
                self.last_pos = Some(pos);
                out.push(Contact::Move {
                    pos,
                    pressure: force,
                });
            }
            TouchPhase::End if ours => self.end(pos, out),
            TouchPhase::Cancel if ours => {
                self.active = None;
                out.push(Contact::Cancel);
            }
            _ => {}
        }
    }

    fn begin(&mut self, source: Source, pos: Pos2, pressure: Option<f32>, out: &mut Vec<Contact>) {
        self.active = Some(source);
        self.last_pos = Some(pos);
        out.push(Contact::Down { pos, pressure });
    }

    fn end(&mut self, pos: Pos2, out: &mut Vec<Contact>) {
        self.active = None;
        self.last_pos = None;
        out.push(Contact::Up { pos });
    }
}
