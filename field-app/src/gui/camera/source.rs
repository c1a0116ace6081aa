//! The seam between the camera panel and the camera system: [`CameraSource`] lists the
//! cameras and opens one, [`CameraStream`] is an opened camera delivering frames.
//!
//! [`SystemCameras`](super::SystemCameras) is the production source, over `nokhwa`; tests put
//! synthetic cameras behind the same traits, so the panel, its threads and the frame
//! conversion run in tests exactly as they run on a tablet.

use nokhwa::Buffer;
use nokhwa::utils::CameraIndex;

/// A camera the system offers, as listed by [`CameraSource::list`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CameraChoice {
    /// How [`CameraSource::open`] finds this camera again.
    pub index: CameraIndex,
    /// The name shown to the officer when there are several cameras.
    pub name: String,
}

/// Where the cameras come from. Both calls may block for seconds (a camera waking up), so
/// the panel makes them only on threads of its own, never on the UI thread.
pub trait CameraSource: Send + Sync + std::fmt::Debug {
    /// The cameras there are now (none is a valid answer).
    ///
    /// # Errors
    /// The system's reason when the camera system cannot be asked at all.
    fn list(&self) -> Result<Vec<CameraChoice>, String>;

    /// Opens `camera` and starts it streaming.
    ///
    /// # Errors
    /// The system's reason when the camera cannot be opened (busy, gone, no permission).
    fn open(&self, camera: &CameraIndex) -> Result<Box<dyn CameraStream>, String>;
}

/// An opened, streaming camera, used on the one thread that opened it; dropping it stops
/// the camera.
pub trait CameraStream {
    /// The next frame, waiting for the camera to deliver it: the camera's bytes in its own
    /// format (see [`frames`](super::frames) for what becomes of them).
    ///
    /// # Errors
    /// The system's reason when the camera stopped delivering frames.
    fn frame(&mut self) -> Result<Buffer, String>;
}
