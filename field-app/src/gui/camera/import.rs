//! "Import from file": the native file dialog (`rfd`, through the XDG desktop portal on
//! Linux) on its own thread, and the chosen file read and checked there too.

use std::path::Path;
use std::sync::mpsc::{Receiver, channel};

use super::CapturedPhoto;

/// Larger files are no photo a camera takes; refusing them keeps memory bounded.
const MAX_FILE_BYTES: u64 = 200 * 1024 * 1024;

/// Opens the file dialog on a thread. The receiver yields `None` when the officer
/// cancelled, or the photo, or why the file cannot be used.
pub(super) fn pick_photo(
    ctx: egui::Context,
    filter_name: &'static str,
) -> Receiver<Option<Result<CapturedPhoto, String>>> {
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        let picked = rfd::FileDialog::new()
            .add_filter(filter_name, &["jpg", "jpeg", "JPG", "JPEG", "png", "PNG"])
            .pick_file();
        let _ = tx.send(picked.map(|path| read_photo(&path)));
        ctx.request_repaint();
    });
    rx
}

/// The file at `path` as a photo, checked by `annotate`'s pipeline (format, size) so that a
/// wrong file is reported here and not later in the case.
pub(super) fn read_photo(path: &Path) -> Result<CapturedPhoto, String> {
    let shown = path.display();
    let size = std::fs::metadata(path)
        .map_err(|e| format!("{shown}: {e}"))?
        .len();
    if size > MAX_FILE_BYTES {
        return Err(format!(
            "{shown}: {size} bytes is more than a photo may have ({MAX_FILE_BYTES})"
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("{shown}: {e}"))?;
    annotate::photo::inspect(&bytes, annotate::DecodeLimits::default())
        .map_err(|e| format!("{shown}: {e}"))?;
    Ok(CapturedPhoto {
        bytes,
        file_name: path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned()),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // tests: a panic is a failed test

    use super::*;

    #[test]
    fn a_photo_file_is_read_with_its_name() {
        let path = Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../assets/photos/orientation-1.jpg"
        ));
        let photo = read_photo(path).unwrap();
        assert_eq!(photo.bytes, std::fs::read(path).unwrap());
        assert_eq!(photo.file_name.as_deref(), Some("orientation-1.jpg"));
    }

    #[test]
    fn a_file_that_is_no_photo_or_missing_is_refused_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let text = dir.path().join("notes.jpg");
        std::fs::write(&text, "not a photo").unwrap();
        let missing = dir.path().join("gone.png");
        for path in [text, missing] {
            let error = read_photo(&path).unwrap_err();
            assert!(error.contains(&path.display().to_string()), "{error}");
        }
    }
}
