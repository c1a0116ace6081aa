//! The window photographing itself, for the README: once the app has settled (the first sync
//! answered), eframe is asked for a screenshot, which is saved as PNG, and the window closes.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, channel};

/// How long the app runs before the picture, in seconds of UI time.
const SETTLE_SECONDS: f64 = 4.0;

/// A pending screenshot of the window.
#[derive(Debug)]
pub struct Screenshot {
    path: PathBuf,
    /// Where the picture arrives once asked for (eframe hands it to a callback).
    arrival: Option<Receiver<Arc<egui::ColorImage>>>,
}

impl Screenshot {
    /// A screenshot to be saved at `path`.
    pub fn new(path: PathBuf) -> Self {
        Self {
            path,
            arrival: None,
        }
    }

    /// Called every frame: asks for the picture once settled, saves it when it arrives and
    /// closes the window.
    pub fn update(&mut self, ctx: &egui::Context) {
        let Some(arrival) = &self.arrival else {
            if ctx.input(|i| i.time) < SETTLE_SECONDS {
                ctx.request_repaint();
                return;
            }
            let (send, arrival) = channel();
            let wake = ctx.clone();
            ctx.request_screenshot(move |image| {
                // The app may be gone already; then nobody waits for the picture.
                let _ = send.send(image);
                wake.request_repaint();
            });
            self.arrival = Some(arrival);
            return;
        };
        let Ok(image) = arrival.try_recv() else {
            return;
        };
        let bytes: Vec<u8> = image.pixels.iter().flat_map(|c| c.to_array()).collect();
        let (Ok(w), Ok(h)) = (u32::try_from(image.width()), u32::try_from(image.height())) else {
            return;
        };
        match image::save_buffer(&self.path, &bytes, w, h, image::ExtendedColorType::Rgba8) {
            Ok(()) => eprintln!("wrote {}", self.path.display()),
            Err(e) => eprintln!(
                "error: the screenshot {} was not saved: {e}",
                self.path.display()
            ),
        }
        ctx.send_viewport_cmd(egui::ViewportCommand::Close);
    }
}
