//! The photos of a photo field on the form: thumbnails, "add photo" (camera or file import,
//! [`CameraPanel`]), "edit annotations" and "delete" (asked again before anything is lost)
//! for each photo. Thumbnails are decoded once per photo with the `annotate` pipeline's fast
//! DCT-domain downscale and kept as textures.

use std::collections::HashMap;
use std::sync::Arc;

use annotate::{DecodeLimits, ExportFormat, photo};
use schema::{InspectionCase, Photo, PhotoId};

use crate::gui::a11y;
use crate::gui::camera::{CameraPanel, CameraSource};
use crate::gui::i18n::Texts;
use crate::store::LocalStore;

/// What the officer did in a photo field.
#[derive(Debug, Clone, PartialEq)]
pub enum PhotoAction {
    /// Photo bytes (JPEG/PNG) to add to the field.
    Add {
        /// The photo field's key.
        field: String,
        /// The photo file's bytes.
        bytes: Vec<u8>,
    },
    /// Open the annotation editor on a photo.
    Annotate(PhotoId),
    /// Delete a photo and its drawings (the officer has confirmed).
    Delete(PhotoId),
}

/// Thumbnails and the open camera panel of the form's photo fields.
pub struct PhotoSection {
    /// Where the camera panel gets its cameras.
    cameras: Arc<dyn CameraSource>,
    /// SHA-256 → texture; `None` when the photo is not on the tablet or cannot be decoded.
    thumbnails: HashMap<String, Option<egui::TextureHandle>>,
    /// The field whose camera/import panel is open, with the panel.
    camera: Option<(String, CameraPanel)>,
    /// The photo whose "delete" was tapped and awaits confirmation.
    confirm_delete: Option<PhotoId>,
}

impl std::fmt::Debug for PhotoSection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PhotoSection")
            .field("thumbnails", &self.thumbnails.len())
            .field("camera_open_for", &self.camera.as_ref().map(|(k, _)| k))
            .finish()
    }
}

/// The side of a thumbnail on the form, in points.
const THUMBNAIL_SIDE: f32 = 160.0;

impl PhotoSection {
    /// The photo fields of a form whose camera panels use `cameras`.
    pub fn new(cameras: Arc<dyn CameraSource>) -> Self {
        Self {
            cameras,
            thumbnails: HashMap::new(),
            camera: None,
            confirm_delete: None,
        }
    }

    /// The photo field whose panel is open, where dropped files go.
    pub fn open_field(&self) -> Option<&str> {
        self.camera.as_ref().map(|(k, _)| k.as_str())
    }

    /// Closes the camera panel (after a photo was added).
    pub fn close_camera(&mut self) {
        self.camera = None;
    }

    /// Decodes the thumbnail of every photo of `case` not decoded yet (opening a case shows
    /// them at once).
    pub fn load_thumbnails(
        &mut self,
        ctx: &egui::Context,
        store: &LocalStore,
        case: &InspectionCase,
    ) {
        for p in &case.photos {
            if !self.thumbnails.contains_key(&p.sha256) {
                let texture = thumbnail_texture(ctx, store, p);
                self.thumbnails.insert(p.sha256.clone(), texture);
            }
        }
    }

    /// Draws the photos of field `key` (labelled `label`) and its buttons.
    pub fn show_field(
        &mut self,
        ui: &mut egui::Ui,
        key: &str,
        label: &str,
        case: &InspectionCase,
        texts: &Texts,
        editable: bool,
    ) -> Option<PhotoAction> {
        let mut action = None;
        ui.horizontal_wrapped(|ui| {
            for p in case.photos_of(key) {
                ui.vertical(|ui| {
                    match self.thumbnails.get(&p.sha256).and_then(Option::as_ref) {
                        Some(texture) => {
                            let image = ui.add(
                                egui::Image::new(texture)
                                    .max_size(egui::vec2(THUMBNAIL_SIDE, THUMBNAIL_SIDE)),
                            );
                            a11y::name(&image, &format!("{}: {}", texts.photo_thumbnail, p.id));
                        }
                        None => {
                            ui.label(texts.photo_not_on_tablet);
                        }
                    }
                    let count = p.annotations.len();
                    ui.label(texts.photo_annotations.fill(count as u64));
                    if editable {
                        let b = ui.button(texts.photo_edit_annotations);
                        a11y::name(&b, &format!("{}: {}", texts.photo_edit_annotations, p.id));
                        if b.clicked() {
                            action = Some(PhotoAction::Annotate(p.id));
                        }
                        if let Some(deleted) = self.delete_controls(ui, p.id, texts) {
                            action = Some(deleted);
                        }
                    }
                });
            }
        });
        if !editable {
            return action;
        }
        let open_here = self.open_field() == Some(key);
        if open_here {
            if let Some((_, panel)) = self.camera.as_mut()
                && let Some(captured) = panel.show(ui, texts)
            {
                action = Some(PhotoAction::Add {
                    field: key.to_string(),
                    bytes: captured.bytes,
                });
            }
            let close = ui.button(texts.photo_close_camera);
            a11y::name(&close, &format!("{label}: {}", texts.photo_close_camera));
            if close.clicked() {
                self.camera = None;
            }
        } else {
            let add = ui.button(texts.photo_add);
            a11y::name(&add, &format!("{label}: {}", texts.photo_add));
            if add.clicked() {
                let panel = CameraPanel::new(Arc::clone(&self.cameras));
                self.camera = Some((key.to_string(), panel));
            }
        }
        action
    }
}

impl PhotoSection {
    /// The "delete photo" button of one photo, and in its place, once tapped, the question
    /// with "yes, delete" and "keep": a mis-tap loses nothing.
    fn delete_controls(
        &mut self,
        ui: &mut egui::Ui,
        photo: PhotoId,
        texts: &Texts,
    ) -> Option<PhotoAction> {
        let named = |ui: &mut egui::Ui, text: &str| {
            let button = ui.button(text);
            a11y::name(&button, &format!("{text}: {photo}"));
            button.clicked()
        };
        if self.confirm_delete != Some(photo) {
            if named(ui, texts.photo_delete) {
                self.confirm_delete = Some(photo);
            }
            return None;
        }
        ui.label(texts.photo_delete_question);
        let mut action = None;
        ui.horizontal(|ui| {
            if named(ui, texts.photo_delete_confirm) {
                self.confirm_delete = None;
                action = Some(PhotoAction::Delete(photo));
            }
            if named(ui, texts.photo_delete_keep) {
                self.confirm_delete = None;
            }
        });
        action
    }
}

/// Stores the thumbnail of a photo just added, so that opening the case later decodes a
/// small JPEG instead of the 12-megapixel original (tens of milliseconds per photo). A
/// failure only costs that time later, so it is logged, not shown.
pub fn cache_thumbnail(store: &mut LocalStore, sha256: &str, original: &[u8]) {
    let encoded = photo::thumbnail(original, DecodeLimits::default())
        .and_then(|image| photo::encode(&image, ExportFormat::Jpeg { quality: 80 }));
    let stored = match encoded {
        Ok(jpeg) => store.put_thumbnail(sha256, &jpeg).map(|_| ()),
        Err(e) => Err(e.into()),
    };
    if let Err(e) = stored {
        tracing::warn!(%sha256, error = %e, "the thumbnail could not be cached");
    }
}

/// The thumbnail of a photo as a texture: the cached (or downloaded) thumbnail, else one
/// decoded from the original.
fn thumbnail_texture(
    ctx: &egui::Context,
    store: &LocalStore,
    p: &Photo,
) -> Option<egui::TextureHandle> {
    let bytes = match store.thumbnail(&p.sha256) {
        Ok(Some(bytes)) => bytes,
        _ => store.read_blob(&p.sha256).ok()?,
    };
    let image = photo::thumbnail(&bytes, DecodeLimits::default()).ok()?;
    let size = [image.width() as usize, image.height() as usize];
    let color = egui::ColorImage::from_rgb(size, image.as_raw());
    Some(ctx.load_texture(
        format!("thumbnail-{}", p.sha256),
        color,
        egui::TextureOptions::LINEAR,
    ))
}
