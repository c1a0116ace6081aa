//! The window photographing itself, for the README: once the app has settled (the first sync
//! answered), eframe is asked for a screenshot, which is saved as PNG, and the window closes.

use std::path::PathBuf;

/// How long the app runs before the picture, in seconds of UI time.
const SETTLE_SECONDS: f64 = 4.0;

/// A pending screenshot of the window.
#[derive(Debug)]
pub struct Screenshot {
    path: PathBuf,
    requested: bool,
}

impl Screenshot {
    /// A screenshot to be saved at `path`.
    pub fn new(path: PathBuf) -> Self {
        Self {
            path,
            requested: false,
        }
    }

    /// Called every frame: asks for the picture once settled, saves it when it arrives and
    /// closes the window.
    pub fn update(&mut self, ctx: &egui::Context) {
        if !self.requested {
            if ctx.input(|i| i.time) < SETTLE_SECONDS {
                ctx.request_repaint();
                return;
            }
            ctx.send_viewport_cmd(egui::ViewportCommand::Screenshot(egui::UserData::default()));
            self.requested = true;
            return;
        }
        let image = ctx.input(|i| {
            i.raw.events.iter().find_map(|e| match e {
                egui::Event::Screenshot { image, .. } => Some(image.clone()),
                _ => None,
            })
        });
        let Some(image) = image else { return };
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
