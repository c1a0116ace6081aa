//! The capture thread: opens one camera with `nokhwa`, streams preview frames and takes the
//! photo, so that a slow or stuck camera never blocks the UI.
//!
//! A camera is opened, read and closed on its own thread; the UI talks to it through
//! channels and is woken by `request_repaint` when a frame or a photo is ready.

use std::sync::mpsc::{Receiver, Sender, SyncSender, TryRecvError, channel, sync_channel};

use annotate::DecodeLimits;
use annotate::photo::{self, ExportFormat};
use egui::ColorImage;
use nokhwa::Camera;
use nokhwa::pixel_format::RgbFormat;
use nokhwa::utils::{ApiBackend, CameraIndex, FrameFormat, RequestedFormat, RequestedFormatType};

/// Long side of the live preview: enough for a tablet screen, cheap to upload every frame.
const PREVIEW_SIDE: u32 = 960;
/// JPEG quality of photos from uncompressed camera frames (evidence: keep detail).
const JPEG_QUALITY: u8 = 92;

/// A camera the system offers.
#[derive(Debug, Clone)]
pub(super) struct CameraChoice {
    pub(super) index: CameraIndex,
    pub(super) name: String,
}

/// The cameras of this device, asked for on a thread; an error when the camera system
/// cannot be queried at all.
pub(super) fn probe(ctx: egui::Context) -> Receiver<Result<Vec<CameraChoice>, String>> {
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        let found = nokhwa::query(ApiBackend::Auto)
            .map(|cameras| {
                cameras
                    .into_iter()
                    .map(|info| CameraChoice {
                        index: info.index().clone(),
                        name: info.human_name(),
                    })
                    .collect()
            })
            .map_err(|e| e.to_string());
        // The panel may be gone already; then nobody wants the answer.
        let _ = tx.send(found);
        ctx.request_repaint();
    });
    rx
}

/// What the capture thread reports.
pub(super) enum CaptureEvent {
    /// A new preview frame.
    Frame(ColorImage),
    /// The photo asked for with [`CaptureWorker::capture`], as JPEG bytes.
    Photo(Vec<u8>),
    /// The camera could not be opened or stopped delivering frames.
    Failed(String),
}

enum Command {
    Capture,
}

/// The handle of a running capture thread; dropping it stops the thread.
pub(super) struct CaptureWorker {
    commands: Sender<Command>,
    events: Receiver<CaptureEvent>,
}

impl CaptureWorker {
    /// Opens `camera` on a new thread and starts streaming.
    pub(super) fn start(camera: CameraIndex, ctx: egui::Context) -> Self {
        let (commands, command_rx) = channel();
        // Room for a photo and a failure besides a frame; older frames are dropped, not
        // queued, when the UI is slower than the camera.
        let (event_tx, events) = sync_channel(3);
        std::thread::spawn(move || run(camera, &command_rx, &event_tx, &ctx));
        Self { commands, events }
    }

    /// Asks for a photo from the next frame.
    pub(super) fn capture(&self) {
        let _ = self.commands.send(Command::Capture);
    }

    /// The events that arrived since the last call.
    pub(super) fn events(&self) -> Vec<CaptureEvent> {
        self.events.try_iter().collect()
    }
}

fn run(
    index: CameraIndex,
    commands: &Receiver<Command>,
    events: &SyncSender<CaptureEvent>,
    ctx: &egui::Context,
) {
    let send = |event: CaptureEvent, must_arrive: bool| {
        let sent = if must_arrive {
            events.send(event).is_ok()
        } else {
            // A full channel only means the UI has not shown the last frame yet.
            !matches!(
                events.try_send(event),
                Err(std::sync::mpsc::TrySendError::Disconnected(_))
            )
        };
        ctx.request_repaint();
        sent
    };
    let requested =
        RequestedFormat::new::<RgbFormat>(RequestedFormatType::AbsoluteHighestResolution);
    let mut camera = match Camera::new(index, requested).and_then(|mut c| {
        c.open_stream()?;
        Ok(c)
    }) {
        Ok(camera) => camera,
        Err(e) => {
            send(CaptureEvent::Failed(e.to_string()), true);
            return;
        }
    };
    loop {
        let wants_photo = match commands.try_recv() {
            Ok(Command::Capture) => true,
            Err(TryRecvError::Empty) => false,
            // The panel is gone.
            Err(TryRecvError::Disconnected) => break,
        };
        let frame = match camera.frame() {
            Ok(frame) => frame,
            Err(e) => {
                send(CaptureEvent::Failed(e.to_string()), true);
                break;
            }
        };
        let result = if wants_photo {
            photo_bytes(&frame).map(CaptureEvent::Photo)
        } else {
            preview(&frame).map(CaptureEvent::Frame)
        };
        let delivered = match result {
            Ok(event) => send(event, wants_photo),
            Err(e) => send(CaptureEvent::Failed(e), true),
        };
        if !delivered {
            break;
        }
    }
    let _ = camera.stop_stream();
}

/// The photo as stored: a camera's own JPEG as it came, anything else encoded as JPEG.
fn photo_bytes(frame: &nokhwa::Buffer) -> Result<Vec<u8>, String> {
    if frame.source_frame_format() == FrameFormat::MJPEG {
        return Ok(frame.buffer().to_vec());
    }
    let rgb = frame
        .decode_image::<RgbFormat>()
        .map_err(|e| e.to_string())?;
    photo::encode(
        &rgb,
        ExportFormat::Jpeg {
            quality: JPEG_QUALITY,
        },
    )
    .map_err(|e| e.to_string())
}

/// A small preview of a frame; camera JPEGs are reduced while decoding.
fn preview(frame: &nokhwa::Buffer) -> Result<ColorImage, String> {
    let rgb = if frame.source_frame_format() == FrameFormat::MJPEG {
        photo::downscale(frame.buffer(), PREVIEW_SIDE, DecodeLimits::default())
            .map_err(|e| e.to_string())?
    } else {
        frame
            .decode_image::<RgbFormat>()
            .map_err(|e| e.to_string())?
    };
    let (w, h) = rgb.dimensions();
    Ok(ColorImage::from_rgb([w as usize, h as usize], rgb.as_raw()))
}
