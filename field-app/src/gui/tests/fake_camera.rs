//! Synthetic cameras behind the panel's [`CameraSource`]: each streams frames of one size,
//! colour and `nokhwa` format at about 60 frames a second (`MJPEG` frames are real JPEGs),
//! fails to open, or breaks after some frames. They count the streams they opened and the
//! ones still open, so tests see a camera being switched off.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use nokhwa::Buffer;
use nokhwa::utils::{CameraIndex, FrameFormat, Resolution};

use crate::gui::camera::{CameraChoice, CameraSource, CameraStream};

/// What a fake camera does when opened.
#[derive(Debug, Clone)]
pub enum Behaviour {
    /// Streams `width`×`height` frames of one colour: `RAWRGB` or `YUYV` (mid grey).
    Streams {
        width: u32,
        height: u32,
        format: FrameFormat,
    },
    /// Refuses to open, with this reason.
    FailsToOpen(&'static str),
    /// Streams small `RAWRGB` frames, then breaks: returns this error, or panics (`None`).
    Breaks {
        after_frames: usize,
        error: Option<&'static str>,
    },
}

/// A fake camera: its name in the list and what it does.
#[derive(Debug, Clone)]
pub struct FakeCamera {
    pub name: &'static str,
    pub behaviour: Behaviour,
}

impl FakeCamera {
    pub fn streaming(name: &'static str, width: u32, height: u32, format: FrameFormat) -> Self {
        Self {
            name,
            behaviour: Behaviour::Streams {
                width,
                height,
                format,
            },
        }
    }

    pub fn breaking(name: &'static str, after_frames: usize, error: Option<&'static str>) -> Self {
        Self {
            name,
            behaviour: Behaviour::Breaks {
                after_frames,
                error,
            },
        }
    }

    pub fn failing(name: &'static str, reason: &'static str) -> Self {
        Self {
            name,
            behaviour: Behaviour::FailsToOpen(reason),
        }
    }
}

/// A camera system with the given cameras.
#[derive(Debug, Default)]
pub struct FakeCameras {
    cameras: Vec<FakeCamera>,
    /// The camera system cannot be asked: the reason.
    list_error: Option<&'static str>,
    /// The names of the cameras opened (or tried), in order.
    opened: Mutex<Vec<&'static str>>,
    /// Streams not dropped yet.
    open_now: Arc<AtomicUsize>,
}

impl FakeCameras {
    pub fn new(cameras: Vec<FakeCamera>) -> Arc<Self> {
        Arc::new(Self {
            cameras,
            ..Self::default()
        })
    }

    /// A camera system that cannot even list its cameras.
    pub fn unlistable(reason: &'static str) -> Arc<Self> {
        Arc::new(Self {
            list_error: Some(reason),
            ..Self::default()
        })
    }

    /// The cameras opened (or tried) so far, by name.
    pub fn opened(&self) -> Vec<&'static str> {
        self.opened.lock().unwrap().clone()
    }

    /// How many streams are open now.
    pub fn open_now(&self) -> usize {
        self.open_now.load(Ordering::SeqCst)
    }
}

impl CameraSource for FakeCameras {
    fn list(&self) -> Result<Vec<CameraChoice>, String> {
        if let Some(reason) = self.list_error {
            return Err(reason.to_string());
        }
        Ok((0u32..)
            .zip(&self.cameras)
            .map(|(i, camera)| CameraChoice {
                index: CameraIndex::Index(i),
                name: camera.name.to_string(),
            })
            .collect())
    }

    fn open(&self, camera: &CameraIndex) -> Result<Box<dyn CameraStream>, String> {
        let camera = camera
            .as_index()
            .ok()
            .and_then(|i| self.cameras.get(i as usize))
            .ok_or("no such camera")?;
        self.opened.lock().unwrap().push(camera.name);
        let (width, height, format, breaks) = match camera.behaviour {
            Behaviour::FailsToOpen(reason) => return Err(reason.to_string()),
            Behaviour::Streams {
                width,
                height,
                format,
            } => (width, height, format, None),
            Behaviour::Breaks {
                after_frames,
                error,
            } => (64, 48, FrameFormat::RAWRGB, Some((after_frames, error))),
        };
        self.open_now.fetch_add(1, Ordering::SeqCst);
        Ok(Box::new(FakeStream {
            frame: Buffer::new(
                Resolution::new(width, height),
                &synthetic_frame(format, width, height),
                format,
            ),
            breaks,
            open_now: Arc::clone(&self.open_now),
        }))
    }
}

/// Bytes of a `width`×`height` frame in `format` (`RAWRGB`, `YUYV`, `GRAY` or `MJPEG`).
pub fn synthetic_frame(format: FrameFormat, width: u32, height: u32) -> Vec<u8> {
    let pixels = (width * height) as usize;
    match format {
        FrameFormat::YUYV => [126, 128, 126, 128].repeat(pixels / 2),
        FrameFormat::GRAY => vec![126; pixels],
        FrameFormat::MJPEG => {
            let image = image::RgbImage::from_fn(width, height, |x, y| {
                image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
            });
            annotate::photo::encode(&image, annotate::ExportFormat::Jpeg { quality: 85 }).unwrap()
        }
        _ => [200, 30, 40].repeat(pixels),
    }
}

struct FakeStream {
    frame: Buffer,
    /// Frames left before the stream breaks, and how it breaks.
    breaks: Option<(usize, Option<&'static str>)>,
    open_now: Arc<AtomicUsize>,
}

impl CameraStream for FakeStream {
    fn frame(&mut self) -> Result<Buffer, String> {
        // A camera delivers at its frame rate; the capture thread waits for it.
        std::thread::sleep(Duration::from_millis(16));
        match &mut self.breaks {
            Some((0, Some(error))) => return Err(error.to_string()),
            Some((0, None)) => panic!("the fake camera's driver crashed"),
            Some((left, _)) => *left -= 1,
            None => {}
        }
        Ok(self.frame.clone())
    }
}

impl Drop for FakeStream {
    fn drop(&mut self) {
        self.open_now.fetch_sub(1, Ordering::SeqCst);
    }
}
