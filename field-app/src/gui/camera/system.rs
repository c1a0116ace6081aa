//! The production [`CameraSource`]: the device's cameras through `nokhwa`. This adapter is
//! the only part of the camera panel that tests cannot run (it needs a real device), so it
//! stays thin: list, open at the highest resolution, read frames, stop.

use nokhwa::pixel_format::RgbFormat;
use nokhwa::utils::{ApiBackend, CameraIndex, RequestedFormat, RequestedFormatType};
use nokhwa::{Buffer, Camera};

use super::source::{CameraChoice, CameraSource, CameraStream};

/// The cameras of this device, as the operating system offers them (`nokhwa`, native
/// backend: V4L2 on Linux).
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemCameras;

impl CameraSource for SystemCameras {
    fn list(&self) -> Result<Vec<CameraChoice>, String> {
        nokhwa::query(ApiBackend::Auto)
            .map(|cameras| {
                cameras
                    .into_iter()
                    .map(|info| CameraChoice {
                        index: info.index().clone(),
                        name: info.human_name(),
                    })
                    .collect()
            })
            .map_err(|e| e.to_string())
    }

    fn open(&self, camera: &CameraIndex) -> Result<Box<dyn CameraStream>, String> {
        let requested =
            RequestedFormat::new::<RgbFormat>(RequestedFormatType::AbsoluteHighestResolution);
        let mut camera = Camera::new(camera.clone(), requested).map_err(|e| e.to_string())?;
        camera.open_stream().map_err(|e| e.to_string())?;
        Ok(Box::new(NokhwaStream(camera)))
    }
}

/// A `nokhwa` camera with its stream open.
struct NokhwaStream(Camera);

impl CameraStream for NokhwaStream {
    fn frame(&mut self) -> Result<Buffer, String> {
        self.0.frame().map_err(|e| e.to_string())
    }
}

impl Drop for NokhwaStream {
    fn drop(&mut self) {
        // Nobody is left to tell of a failure to stop.
        let _ = self.0.stop_stream();
    }
}
