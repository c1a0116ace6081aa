//! What becomes of a camera frame: the photo as stored (JPEG) and the live preview image.
//!
//! Frames come in the camera's own format. A camera's JPEG (`MJPEG`) is stored as it came
//! and decoded for the preview by `annotate`'s pipeline, reduced while decoding (`nokhwa` is
//! built without its MJPEG decoder). Uncompressed frames (`YUYV`, `NV12`, `GRAY`, `RAWRGB`,
//! `RAWBGR`) are converted to RGB by `nokhwa` and encoded as JPEG here.

use annotate::DecodeLimits;
use annotate::photo::{self, ExportFormat};
use egui::ColorImage;
use image::RgbImage;
use nokhwa::Buffer;
use nokhwa::pixel_format::RgbFormat;
use nokhwa::utils::FrameFormat;

/// Long side of the live preview of a camera JPEG: enough for a tablet screen, cheap to
/// upload every frame.
pub(super) const PREVIEW_SIDE: u32 = 960;
/// JPEG quality of photos from uncompressed camera frames (evidence: keep detail).
pub(super) const JPEG_QUALITY: u8 = 92;

/// The photo as stored: a camera's own JPEG byte for byte (the photo pipeline checks it when
/// it is added to the case), anything else encoded as JPEG.
///
/// # Errors
/// Why the frame cannot be converted (wrong size for its format, encoder failure).
pub(super) fn photo_bytes(frame: &Buffer) -> Result<Vec<u8>, String> {
    if frame.source_frame_format() == FrameFormat::MJPEG {
        return Ok(frame.buffer().to_vec());
    }
    let rgb = to_rgb(frame)?;
    photo::encode(
        &rgb,
        ExportFormat::Jpeg {
            quality: JPEG_QUALITY,
        },
    )
    .map_err(|e| e.to_string())
}

/// The preview image of a frame, its long side at most [`PREVIEW_SIDE`]: camera JPEGs are
/// reduced while decoding, uncompressed frames after conversion (a 4K camera's full frame,
/// uploaded as a texture many times a second, would cost more than the screen shows).
///
/// # Errors
/// Why the frame cannot be decoded.
pub(super) fn preview(frame: &Buffer) -> Result<ColorImage, String> {
    let rgb = if frame.source_frame_format() == FrameFormat::MJPEG {
        photo::downscale(frame.buffer(), PREVIEW_SIDE, DecodeLimits::default())
            .map_err(|e| e.to_string())?
    } else {
        let rgb = to_rgb(frame)?;
        let (w, h) = rgb.dimensions();
        let long = w.max(h);
        if long > PREVIEW_SIDE {
            let scale =
                |side: u32| (u64::from(side) * u64::from(PREVIEW_SIDE) / u64::from(long)).max(1);
            let (sw, sh) = (scale(w), scale(h));
            image::imageops::thumbnail(
                &rgb,
                u32::try_from(sw).unwrap_or(1),
                u32::try_from(sh).unwrap_or(1),
            )
        } else {
            rgb
        }
    };
    let (w, h) = rgb.dimensions();
    Ok(ColorImage::from_rgb([w as usize, h as usize], rgb.as_raw()))
}

/// An uncompressed frame as RGB, exactly as many bytes as its resolution needs.
fn to_rgb(frame: &Buffer) -> Result<RgbImage, String> {
    let rgb = frame
        .decode_image::<RgbFormat>()
        .map_err(|e| e.to_string())?;
    let (w, h) = rgb.dimensions();
    // `nokhwa` accepts a frame longer than its resolution (a driver's padding); the extra
    // bytes would break the preview, and their layout is unknown, so such a frame is refused.
    let needed = (w as usize) * (h as usize) * 3;
    if rgb.as_raw().len() != needed {
        return Err(format!(
            "a {} frame of {w}×{h} pixels came with {} bytes, which do not fit",
            frame.source_frame_format(),
            frame.buffer().len()
        ));
    }
    Ok(rgb)
}

#[cfg(test)]
mod tests;
