//! The capture thread: opens one camera of a [`CameraSource`], streams preview frames and
//! takes the photo, so that a slow or stuck camera never blocks the UI.
//!
//! A camera is listed, opened, read and closed on threads; the UI talks to them through
//! channels and is woken by `request_repaint` when an answer, a frame or a photo is ready.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, TryRecvError, TrySendError, channel, sync_channel};

use egui::ColorImage;
use nokhwa::utils::CameraIndex;

use super::frames::{photo_bytes, preview};
use super::source::{CameraChoice, CameraSource, CameraStream};

/// The cameras of `source`, asked for on a thread; an error when the camera system cannot
/// be queried at all.
pub(super) fn probe(
    source: Arc<dyn CameraSource>,
    ctx: egui::Context,
) -> Receiver<Result<Vec<CameraChoice>, String>> {
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        let found = source.list();
        // The panel may be gone already; then nobody wants the answer.
        let _ = tx.send(found);
        ctx.request_repaint();
    });
    rx
}

/// What the capture thread reports.
#[derive(Debug)]
pub(super) enum CaptureEvent {
    /// A new preview frame.
    Frame(ColorImage),
    /// The photo asked for with [`CaptureWorker::capture`], as JPEG bytes.
    Photo(Vec<u8>),
    /// The camera could not be opened, stopped delivering frames or sent a frame that
    /// cannot be used; the reason.
    Failed(String),
    /// The thread ended without saying why (it panicked).
    Stopped,
}

enum Command {
    Capture,
}

/// The handle of a running capture thread; dropping it stops the thread, which closes the
/// camera.
pub(super) struct CaptureWorker {
    commands: Sender<Command>,
    events: Receiver<CaptureEvent>,
}

impl CaptureWorker {
    /// Opens `camera` of `source` on a new thread and starts streaming.
    pub(super) fn start(
        source: Arc<dyn CameraSource>,
        camera: CameraIndex,
        ctx: egui::Context,
    ) -> Self {
        let (commands, command_rx) = channel();
        // Room for a photo and a failure besides a frame; older frames are dropped, not
        // queued, when the UI is slower than the camera.
        let (event_tx, events) = sync_channel(3);
        std::thread::spawn(move || {
            let send = |event: CaptureEvent, must_arrive: bool| {
                let sent = if must_arrive {
                    event_tx.send(event).is_ok()
                } else {
                    // A full channel only means the UI has not shown the last frame yet.
                    !matches!(event_tx.try_send(event), Err(TrySendError::Disconnected(_)))
                };
                ctx.request_repaint();
                sent
            };
            match source.open(&camera) {
                Ok(stream) => stream_frames(stream, &command_rx, send),
                Err(reason) => {
                    send(CaptureEvent::Failed(reason), true);
                }
            }
        });
        Self { commands, events }
    }

    /// Asks for a photo from the next frame.
    pub(super) fn capture(&self) {
        let _ = self.commands.send(Command::Capture);
    }

    /// The events that arrived since the last call; [`CaptureEvent::Stopped`] last when the
    /// thread is gone.
    pub(super) fn events(&self) -> Vec<CaptureEvent> {
        let mut events = Vec::new();
        loop {
            match self.events.try_recv() {
                Ok(event) => events.push(event),
                Err(TryRecvError::Empty) => return events,
                Err(TryRecvError::Disconnected) => {
                    events.push(CaptureEvent::Stopped);
                    return events;
                }
            }
        }
    }
}

/// Reads `stream` until the panel is gone or the camera fails: a preview of every frame
/// (dropped when the UI is behind), the photo when asked. `send` reports whether the panel
/// is still there; `must_arrive` waits for room instead of dropping.
fn stream_frames(
    mut stream: Box<dyn CameraStream>,
    commands: &Receiver<Command>,
    send: impl Fn(CaptureEvent, bool) -> bool,
) {
    loop {
        let wants_photo = match commands.try_recv() {
            Ok(Command::Capture) => true,
            Err(TryRecvError::Empty) => false,
            // The panel is gone.
            Err(TryRecvError::Disconnected) => break,
        };
        let frame = match stream.frame() {
            Ok(frame) => frame,
            Err(reason) => {
                send(CaptureEvent::Failed(reason), true);
                break;
            }
        };
        let result = if wants_photo {
            photo_bytes(&frame).map(CaptureEvent::Photo)
        } else {
            preview(&frame).map(CaptureEvent::Frame)
        };
        match result {
            Ok(event) => {
                if !send(event, wants_photo) {
                    break;
                }
            }
            Err(reason) => {
                // The panel gives up on a camera whose frames cannot be used.
                send(CaptureEvent::Failed(reason), true);
                break;
            }
        }
    }
    // Dropping the stream stops the camera.
    drop(stream);
}
