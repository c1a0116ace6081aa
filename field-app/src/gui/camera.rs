//! The camera panel: live preview and capture, a choice of camera when there are several,
//! and import from a file, which is all there is when no camera can be opened.
//!
//! The cameras come from a [`CameraSource`]: [`SystemCameras`] (`nokhwa`) on a tablet,
//! synthetic cameras in tests. Nothing here blocks the UI: the cameras are listed, opened and
//! read on threads ([`capture`]), frames become the preview and the stored JPEG in
//! [`frames`], and the file dialog runs on a thread too ([`import`]).

mod capture;
mod frames;
mod import;
mod source;
mod system;

use std::sync::Arc;
use std::sync::mpsc::{Receiver, TryRecvError};

use egui::{Button, Role, Sense, TextureHandle, TextureOptions, Ui, WidgetInfo, vec2};

pub use self::source::{CameraChoice, CameraSource, CameraStream};
pub use self::system::SystemCameras;

use self::capture::{CaptureEvent, CaptureWorker};
use crate::gui::annotation_editor::TOUCH_TARGET;
use crate::gui::i18n::Texts;

/// The name of the live preview's texture.
pub(crate) const PREVIEW_TEXTURE: &str = "naper-camera-preview";

/// A photo taken or imported, to be added to the case through the photo pipeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CapturedPhoto {
    /// The encoded photo (JPEG or PNG) as it will be stored.
    pub bytes: Vec<u8>,
    /// The file's name when imported; `None` for a photo from the camera.
    pub file_name: Option<String>,
}

enum Device {
    /// Asking the system which cameras there are.
    Probing(Receiver<Result<Vec<CameraChoice>, String>>),
    /// Streaming from `cameras[selected]`.
    Running {
        cameras: Vec<CameraChoice>,
        selected: usize,
        worker: CaptureWorker,
        capturing: bool,
    },
    /// No camera could be opened; the system's reason, if it gave one (shown small, for
    /// support), and the cameras known, so another one can be chosen when the selected one
    /// fails (a tablet's infrared face camera, say).
    Unavailable {
        reason: Option<String>,
        cameras: Vec<CameraChoice>,
        selected: usize,
    },
}

impl Device {
    fn unavailable(reason: Option<String>) -> Self {
        Device::Unavailable {
            reason,
            cameras: Vec::new(),
            selected: 0,
        }
    }
}

/// The camera panel of one "add photo" screen; keep it while the screen is shown. Dropping
/// it stops the camera.
pub struct CameraPanel {
    source: Arc<dyn CameraSource>,
    device: Option<Device>,
    preview: Option<TextureHandle>,
    import: Option<Receiver<Option<Result<CapturedPhoto, String>>>>,
    import_error: Option<String>,
}

impl std::fmt::Debug for CameraPanel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CameraPanel")
            .field("source", &self.source)
            .field("import_error", &self.import_error)
            .finish_non_exhaustive()
    }
}

impl Default for CameraPanel {
    /// A panel on the device's cameras ([`SystemCameras`]).
    fn default() -> Self {
        Self::new(Arc::new(SystemCameras))
    }
}

impl CameraPanel {
    /// A panel on the cameras of `source`; it starts looking for them when first shown.
    pub fn new(source: Arc<dyn CameraSource>) -> Self {
        Self {
            source,
            device: None,
            preview: None,
            import: None,
            import_error: None,
        }
    }

    /// Shows the panel; returns the photo when one was taken or imported this frame.
    pub fn show(&mut self, ui: &mut Ui, texts: &Texts) -> Option<CapturedPhoto> {
        let mut photo = self.poll_import();
        let device = match self.device.take() {
            None => self.probe(ui.ctx()),
            Some(device) => self.advance(device, ui, &mut photo),
        };
        let device = self.show_device(device, ui, texts);
        self.device = Some(device);
        self.import_row(ui, texts);
        photo
    }

    /// Moves the device on with what its threads reported.
    fn advance(&mut self, device: Device, ui: &Ui, photo: &mut Option<CapturedPhoto>) -> Device {
        match device {
            Device::Probing(rx) => match rx.try_recv() {
                Err(TryRecvError::Empty) => Device::Probing(rx),
                Err(TryRecvError::Disconnected) => Device::unavailable(None),
                Ok(Err(reason)) => Device::unavailable(Some(reason)),
                Ok(Ok(cameras)) if cameras.is_empty() => Device::unavailable(None),
                Ok(Ok(cameras)) => self.start(cameras, 0, ui.ctx()),
            },
            Device::Running {
                cameras,
                selected,
                worker,
                mut capturing,
            } => {
                for event in worker.events() {
                    match event {
                        CaptureEvent::Frame(image) => self.set_preview(ui, image),
                        CaptureEvent::Photo(bytes) => {
                            capturing = false;
                            *photo = Some(CapturedPhoto {
                                bytes,
                                file_name: None,
                            });
                        }
                        CaptureEvent::Failed(reason) => {
                            self.preview = None;
                            return Device::Unavailable {
                                reason: Some(reason),
                                cameras,
                                selected,
                            };
                        }
                        CaptureEvent::Stopped => {
                            self.preview = None;
                            return Device::Unavailable {
                                reason: None,
                                cameras,
                                selected,
                            };
                        }
                    }
                }
                Device::Running {
                    cameras,
                    selected,
                    worker,
                    capturing,
                }
            }
            unavailable @ Device::Unavailable { .. } => unavailable,
        }
    }

    fn set_preview(&mut self, ui: &Ui, image: egui::ColorImage) {
        match &mut self.preview {
            Some(texture) => texture.set(image, TextureOptions::LINEAR),
            None => {
                self.preview = Some(ui.ctx().load_texture(
                    PREVIEW_TEXTURE,
                    image,
                    TextureOptions::LINEAR,
                ));
            }
        }
    }

    fn show_device(&mut self, device: Device, ui: &mut Ui, texts: &Texts) -> Device {
        match device {
            Device::Probing(rx) => {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label(texts.camera_starting);
                });
                // The query thread wakes the UI when done; this covers a missed wake-up.
                ui.ctx()
                    .request_repaint_after(std::time::Duration::from_millis(250));
                Device::Probing(rx)
            }
            Device::Unavailable {
                reason,
                cameras,
                selected,
            } => {
                ui.label(egui::RichText::new(texts.camera_unavailable).heading());
                if let Some(reason) = &reason {
                    ui.label(egui::RichText::new(reason).small().weak());
                }
                let choice = camera_choice(ui, &cameras, selected, texts);
                let retry = ui.add(Button::new(texts.camera_retry).min_size(touch_size()));
                if choice != selected {
                    self.start(cameras, choice, ui.ctx())
                } else if retry.clicked() {
                    self.probe(ui.ctx())
                } else {
                    Device::Unavailable {
                        reason,
                        cameras,
                        selected,
                    }
                }
            }
            Device::Running {
                cameras,
                selected,
                worker,
                capturing,
            } => self.show_running(cameras, selected, worker, capturing, ui, texts),
        }
    }

    fn show_running(
        &mut self,
        cameras: Vec<CameraChoice>,
        selected: usize,
        worker: CaptureWorker,
        mut capturing: bool,
        ui: &mut Ui,
        texts: &Texts,
    ) -> Device {
        let choice = camera_choice(ui, &cameras, selected, texts);
        // Room below for the capture and the import rows.
        let rows = 2.0 * (TOUCH_TARGET + ui.spacing().item_spacing.y);
        let height = (ui.available_height() - rows).max(120.0);
        let width = ui.available_width();
        let (rect, response) = ui.allocate_exact_size(vec2(width, height), Sense::hover());
        response.widget_info(|| WidgetInfo::labeled(Role::Image, true, texts.camera_preview));
        match &self.preview {
            Some(texture) => {
                let size = texture.size_vec2();
                let scale = (rect.width() / size.x).min(rect.height() / size.y);
                let shown = egui::Rect::from_center_size(rect.center(), size * scale);
                ui.painter().image(
                    texture.id(),
                    shown,
                    egui::Rect::from_min_max(egui::Pos2::ZERO, egui::pos2(1.0, 1.0)),
                    egui::Color32::WHITE,
                );
            }
            None => {
                ui.put(rect, egui::Spinner::new());
            }
        }
        let take = ui.add_enabled(
            !capturing && self.preview.is_some(),
            Button::new(texts.camera_capture).min_size(vec2(3.0 * TOUCH_TARGET, TOUCH_TARGET)),
        );
        if take.clicked() {
            worker.capture();
            capturing = true;
        }
        if choice != selected {
            // Dropping the worker stops the old camera.
            drop(worker);
            self.preview = None;
            return self.start(cameras, choice, ui.ctx());
        }
        Device::Running {
            cameras,
            selected,
            worker,
            capturing,
        }
    }

    fn import_row(&mut self, ui: &mut Ui, texts: &Texts) {
        let waiting = self.import.is_some();
        let button = ui.add_enabled(
            !waiting,
            Button::new(texts.camera_import).min_size(vec2(3.0 * TOUCH_TARGET, TOUCH_TARGET)),
        );
        if button.clicked() {
            self.import_error = None;
            self.import = Some(import::pick_photo(
                ui.ctx().clone(),
                texts.camera_photo_files,
            ));
        }
        if let Some(error) = &self.import_error {
            ui.colored_label(ui.visuals().error_fg_color, texts.camera_import_failed);
            ui.label(error);
        }
    }

    fn poll_import(&mut self) -> Option<CapturedPhoto> {
        let rx = self.import.as_ref()?;
        let answer = match rx.try_recv() {
            Err(TryRecvError::Empty) => return None,
            Err(TryRecvError::Disconnected) => None,
            Ok(answer) => answer,
        };
        self.import = None;
        match answer? {
            Ok(photo) => Some(photo),
            Err(error) => {
                self.import_error = Some(error);
                None
            }
        }
    }
}

impl CameraPanel {
    /// Starts asking the source for its cameras.
    fn probe(&self, ctx: &egui::Context) -> Device {
        Device::Probing(capture::probe(Arc::clone(&self.source), ctx.clone()))
    }

    /// Opens `cameras[selected]` and streams from it.
    fn start(&self, cameras: Vec<CameraChoice>, selected: usize, ctx: &egui::Context) -> Device {
        match cameras.get(selected) {
            Some(camera) => Device::Running {
                worker: CaptureWorker::start(
                    Arc::clone(&self.source),
                    camera.index.clone(),
                    ctx.clone(),
                ),
                cameras,
                selected,
                capturing: false,
            },
            None => Device::unavailable(None),
        }
    }
}

/// The choice of camera when there are several; returns the one chosen now.
fn camera_choice(ui: &mut Ui, cameras: &[CameraChoice], selected: usize, texts: &Texts) -> usize {
    let mut choice = selected;
    if cameras.len() > 1 {
        let label = ui.label(texts.camera_select);
        let current = cameras.get(selected).map_or("", |c| c.name.as_str());
        egui::ComboBox::from_id_salt("naper-camera-select")
            .selected_text(current)
            .show_ui(ui, |ui| {
                for (i, camera) in cameras.iter().enumerate() {
                    ui.selectable_value(&mut choice, i, &camera.name);
                }
            })
            .response
            .labelled_by(label.id);
    }
    choice
}

fn touch_size() -> egui::Vec2 {
    vec2(TOUCH_TARGET, TOUCH_TARGET)
}
