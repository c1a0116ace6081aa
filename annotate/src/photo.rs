//! Photos in: decoding, EXIF orientation and metadata, content address, previews; and the
//! flattened export out.
//!
//! Originals are never rewritten: everything here reads the original bytes and produces new
//! images. Every decode reads the header first and refuses images over
//! [`DecodeLimits::max_pixels`] before allocating pixel memory, so a crafted "decompression
//! bomb" cannot exhaust a tablet's memory.

use std::io::Cursor;

use image::metadata::Orientation;
use image::{DynamicImage, ImageEncoder, ImageFormat, ImageReader, Limits, RgbImage};
use sha2::{Digest, Sha256};

use crate::error::{AnnotateError, Result};
use crate::geometry::PixelSize;
use crate::metadata::{self, CaptureTime, GpsPosition};

/// Long side of thumbnails in the case overview.
pub const THUMBNAIL_SIDE: u32 = 320;
/// Long side of screen previews on the tablet canvas.
pub const PREVIEW_SIDE: u32 = 2048;

/// How large a photo may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecodeLimits {
    /// Most pixels (width × height) a photo may have.
    pub max_pixels: u64,
}

impl Default for DecodeLimits {
    /// 64 megapixels: above every current tablet or phone camera's default mode, and an RGB
    /// buffer of about 200 MB at most.
    fn default() -> Self {
        Self {
            max_pixels: 64_000_000,
        }
    }
}

/// The image formats a photo may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhotoFormat {
    /// JPEG, what cameras write.
    Jpeg,
    /// PNG, for screenshots and scans.
    Png,
}

/// What a photo is, read from its header and EXIF without decoding pixels.
#[derive(Debug, Clone, PartialEq)]
pub struct PhotoInfo {
    /// File format.
    pub format: PhotoFormat,
    /// Pixel size as stored, before EXIF orientation.
    pub stored_size: PixelSize,
    /// EXIF orientation 1..=8 (1 when absent).
    pub orientation: u8,
    /// When it was taken, if the camera recorded it.
    pub captured_at: Option<CaptureTime>,
    /// Where it was taken, if the camera recorded it.
    pub gps: Option<GpsPosition>,
}

impl PhotoInfo {
    /// Pixel size as displayed, i.e. after EXIF orientation: the size annotations refer to.
    pub fn display_size(&self) -> PixelSize {
        if self.orientation >= 5 {
            PixelSize::new(self.stored_size.height, self.stored_size.width)
        } else {
            self.stored_size
        }
    }
}

/// The SHA-256 of a photo's original bytes: its name in storage and sync, and proof that
/// the evidence was not altered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ContentAddress(pub [u8; 32]);

impl ContentAddress {
    /// The address of `bytes`.
    pub fn of(bytes: &[u8]) -> Self {
        let digest = Sha256::digest(bytes);
        let mut out = [0u8; 32];
        out.copy_from_slice(&digest);
        Self(out)
    }
}

impl std::fmt::Display for ContentAddress {
    /// Lower-case hex, 64 characters.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

/// The format of `bytes`, from its signature.
///
/// # Errors
/// [`AnnotateError::UnsupportedFormat`] for anything but JPEG and PNG.
pub fn sniff_format(bytes: &[u8]) -> Result<PhotoFormat> {
    match image::guess_format(bytes) {
        Ok(ImageFormat::Jpeg) => Ok(PhotoFormat::Jpeg),
        Ok(ImageFormat::Png) => Ok(PhotoFormat::Png),
        _ => Err(AnnotateError::UnsupportedFormat),
    }
}

fn image_format(format: PhotoFormat) -> ImageFormat {
    match format {
        PhotoFormat::Jpeg => ImageFormat::Jpeg,
        PhotoFormat::Png => ImageFormat::Png,
    }
}

fn corrupt(error: impl std::fmt::Display) -> AnnotateError {
    AnnotateError::CorruptImage {
        reason: error.to_string(),
    }
}

/// The stored size from the header, checked against `limits`; no pixel is decoded.
fn checked_size(bytes: &[u8], format: PhotoFormat, limits: DecodeLimits) -> Result<PixelSize> {
    let (width, height) = ImageReader::with_format(Cursor::new(bytes), image_format(format))
        .into_dimensions()
        .map_err(corrupt)?;
    if width == 0 || height == 0 {
        return Err(AnnotateError::EmptyImage);
    }
    if u64::from(width) * u64::from(height) > limits.max_pixels {
        return Err(AnnotateError::ImageTooLarge {
            width,
            height,
            max_pixels: limits.max_pixels,
        });
    }
    Ok(PixelSize::new(width, height))
}

/// Format, size, orientation, capture time and GPS position of a photo, from its header and
/// EXIF only.
///
/// # Errors
/// [`AnnotateError::UnsupportedFormat`], [`AnnotateError::CorruptImage`] for an unreadable
/// header, [`AnnotateError::EmptyImage`], [`AnnotateError::ImageTooLarge`].
pub fn inspect(bytes: &[u8], limits: DecodeLimits) -> Result<PhotoInfo> {
    let format = sniff_format(bytes)?;
    let stored_size = checked_size(bytes, format, limits)?;
    let exif = metadata::read_exif(bytes);
    Ok(PhotoInfo {
        format,
        stored_size,
        orientation: metadata::orientation(exif.as_ref()),
        captured_at: exif.as_ref().and_then(metadata::capture_time),
        gps: exif.as_ref().and_then(metadata::gps_position),
    })
}

/// The full-resolution photo as displayed: decoded, EXIF orientation applied, RGB.
///
/// # Errors
/// As [`inspect`], and [`AnnotateError::CorruptImage`] for truncated or corrupt pixel data.
pub fn decode(bytes: &[u8], limits: DecodeLimits) -> Result<RgbImage> {
    let format = sniff_format(bytes)?;
    checked_size(bytes, format, limits)?;
    let orientation = metadata::orientation(metadata::read_exif(bytes).as_ref());
    let mut reader = ImageReader::with_format(Cursor::new(bytes), image_format(format));
    reader.limits(image_limits(limits));
    let image = reader.decode().map_err(corrupt)?;
    Ok(oriented(image, orientation))
}

/// `image`'s own allocation guard as a second line of defence behind the header check:
/// 8 bytes per pixel covers 16-bit RGBA PNGs.
fn image_limits(limits: DecodeLimits) -> Limits {
    let mut image_limits = Limits::default();
    image_limits.max_alloc = Some(limits.max_pixels.saturating_mul(8));
    image_limits
}

fn oriented(mut image: DynamicImage, orientation: u8) -> RgbImage {
    if let Some(o) = Orientation::from_exif(orientation) {
        image.apply_orientation(o);
    }
    image.into_rgb8()
}

/// A thumbnail for lists: long side [`THUMBNAIL_SIDE`] (see [`downscale`]).
///
/// # Errors
/// As [`decode`].
pub fn thumbnail(bytes: &[u8], limits: DecodeLimits) -> Result<RgbImage> {
    downscale(bytes, THUMBNAIL_SIDE, limits)
}

/// A screen preview for the canvas: long side [`PREVIEW_SIDE`] (see [`downscale`]).
///
/// # Errors
/// As [`decode`].
pub fn preview(bytes: &[u8], limits: DecodeLimits) -> Result<RgbImage> {
    downscale(bytes, PREVIEW_SIDE, limits)
}

/// The photo as displayed, reduced so that its long side is at most `max_side` and (unless
/// the original is smaller) at least 90 % of it. Photos are never enlarged.
///
/// JPEGs are reduced while decoding, in the DCT domain (1/2, 1/4 or 1/8 scale), which skips
/// most of the inverse DCT and colour conversion: a 12 MP photo becomes a thumbnail far
/// faster than by decoding it fully. Accepting 90 % lets a 4000 px photo use the ½ scale
/// for a 2048 px preview (2000 px) instead of a full decode.
///
/// # Errors
/// As [`decode`].
pub fn downscale(bytes: &[u8], max_side: u32, limits: DecodeLimits) -> Result<RgbImage> {
    let max_side = max_side.max(1);
    let format = sniff_format(bytes)?;
    let stored = checked_size(bytes, format, limits)?;
    let orientation = metadata::orientation(metadata::read_exif(bytes).as_ref());
    let reduced = match format {
        PhotoFormat::Jpeg => match decode_jpeg_scaled(bytes, stored, max_side, limits)? {
            Some(image) => image,
            None => full_decode(bytes, format, limits)?,
        },
        PhotoFormat::Png => full_decode(bytes, format, limits)?,
    };
    let reduced = fit_within(reduced, max_side);
    Ok(oriented(DynamicImage::ImageRgb8(reduced), orientation))
}

fn full_decode(bytes: &[u8], format: PhotoFormat, limits: DecodeLimits) -> Result<RgbImage> {
    let mut reader = ImageReader::with_format(Cursor::new(bytes), image_format(format));
    reader.limits(image_limits(limits));
    Ok(reader.decode().map_err(corrupt)?.into_rgb8())
}

/// Decodes a JPEG at the smallest DCT scale that keeps the long side ≥ 90 % of `max_side`;
/// `None` for pixel formats this path does not handle (CMYK, 16-bit), which then take the
/// full decode.
fn decode_jpeg_scaled(
    bytes: &[u8],
    stored: PixelSize,
    max_side: u32,
    limits: DecodeLimits,
) -> Result<Option<RgbImage>> {
    let long = stored.width.max(stored.height);
    let wanted = (u64::from(max_side) * 9).div_ceil(10).min(u64::from(long));
    let request = |side: u32| -> u16 {
        let scaled = (u64::from(side) * wanted).div_ceil(u64::from(long.max(1)));
        u16::try_from(scaled.max(1)).unwrap_or(u16::MAX)
    };
    let mut decoder = jpeg_decoder::Decoder::new(Cursor::new(bytes));
    decoder.set_max_decoding_buffer_size(
        usize::try_from(limits.max_pixels.saturating_mul(4)).unwrap_or(usize::MAX),
    );
    let (width, height) = decoder
        .scale(request(stored.width), request(stored.height))
        .map_err(corrupt)?;
    let Some(info) = decoder.info() else {
        return Ok(None);
    };
    let pixels = decoder.decode().map_err(corrupt)?;
    let (width, height) = (u32::from(width), u32::from(height));
    let image = match info.pixel_format {
        jpeg_decoder::PixelFormat::RGB24 => RgbImage::from_raw(width, height, pixels),
        jpeg_decoder::PixelFormat::L8 => image::GrayImage::from_raw(width, height, pixels)
            .map(|gray| DynamicImage::ImageLuma8(gray).into_rgb8()),
        _ => return Ok(None),
    };
    image
        .map(Some)
        .ok_or_else(|| corrupt("decoded pixel data is shorter than the image size"))
}

fn fit_within(image: RgbImage, max_side: u32) -> RgbImage {
    let (w, h) = image.dimensions();
    let long = w.max(h);
    if long <= max_side {
        return image;
    }
    let scale = |side: u32| {
        u32::try_from((u64::from(side) * u64::from(max_side)).div_ceil(u64::from(long)))
            .unwrap_or(1)
            .max(1)
    };
    image::imageops::thumbnail(&image, scale(w), scale(h))
}

/// The format of a flattened export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// JPEG with a quality of 1..=100 (out-of-range values are clamped).
    Jpeg {
        /// Quality, 90 is a good default for evidence.
        quality: u8,
    },
    /// Lossless PNG.
    Png,
}

impl Default for ExportFormat {
    fn default() -> Self {
        ExportFormat::Jpeg { quality: 90 }
    }
}

/// `image` encoded as `format`. The export carries no EXIF: orientation is already applied
/// and GPS must not leak with a redacted copy.
///
/// # Errors
/// [`AnnotateError::Encode`] if the encoder fails.
pub fn encode(image: &RgbImage, format: ExportFormat) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    let (w, h) = image.dimensions();
    let result = match format {
        ExportFormat::Jpeg { quality } => {
            image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality.clamp(1, 100))
                .write_image(image.as_raw(), w, h, image::ExtendedColorType::Rgb8)
        }
        ExportFormat::Png => image::codecs::png::PngEncoder::new(&mut out).write_image(
            image.as_raw(),
            w,
            h,
            image::ExtendedColorType::Rgb8,
        ),
    };
    result.map_err(|e| AnnotateError::Encode(e.to_string()))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample_jpeg(w: u32, h: u32) -> Vec<u8> {
        let image = RgbImage::from_fn(w, h, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
        });
        encode(&image, ExportFormat::Jpeg { quality: 85 }).unwrap()
    }

    #[test]
    fn content_address_is_sha256_hex() {
        assert_eq!(
            ContentAddress::of(b"abc").to_string(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn jpeg_and_png_decode_and_round_trip() {
        let jpeg = sample_jpeg(64, 48);
        assert_eq!(
            decode(&jpeg, DecodeLimits::default()).unwrap().dimensions(),
            (64, 48)
        );
        let image = RgbImage::from_pixel(10, 7, image::Rgb([1, 2, 3]));
        let png = encode(&image, ExportFormat::Png).unwrap();
        assert_eq!(decode(&png, DecodeLimits::default()).unwrap(), image);
        let info = inspect(&png, DecodeLimits::default()).unwrap();
        assert_eq!(info.format, PhotoFormat::Png);
        assert_eq!(info.display_size(), PixelSize::new(10, 7));
        assert_eq!(info.orientation, 1);
        assert!(info.captured_at.is_none() && info.gps.is_none());
    }

    #[test]
    fn downscale_uses_dct_scaling_and_respects_bounds() {
        let jpeg = sample_jpeg(1600, 1200);
        let thumb = downscale(&jpeg, 320, DecodeLimits::default()).unwrap();
        assert_eq!(thumb.dimensions(), (320, 240));
        // 90 % rule: 1600/2 = 800 ≥ 0.9 × 850, so the ½ scale is used as is.
        assert_eq!(
            downscale(&jpeg, 850, DecodeLimits::default())
                .unwrap()
                .dimensions(),
            (800, 600)
        );
        // Never enlarged.
        assert_eq!(
            downscale(&jpeg, 4000, DecodeLimits::default())
                .unwrap()
                .dimensions(),
            (1600, 1200)
        );
        let png = encode(&RgbImage::new(100, 40), ExportFormat::Png).unwrap();
        assert_eq!(
            downscale(&png, 50, DecodeLimits::default())
                .unwrap()
                .dimensions(),
            (50, 20)
        );
    }

    #[test]
    fn decompression_bombs_are_refused_before_decoding() {
        // A valid PNG header claiming 100 000 × 100 000 pixels, with no pixel data behind it.
        let mut png = Vec::new();
        png.extend_from_slice(b"\x89PNG\r\n\x1a\n");
        let mut ihdr = Vec::new();
        ihdr.extend_from_slice(b"IHDR");
        ihdr.extend_from_slice(&100_000u32.to_be_bytes());
        ihdr.extend_from_slice(&100_000u32.to_be_bytes());
        ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
        png.extend_from_slice(&13u32.to_be_bytes());
        png.extend_from_slice(&ihdr);
        png.extend_from_slice(&crc32(&ihdr).to_be_bytes());
        // An IDAT with an empty zlib stream: the decoder reaches the pixel data and would
        // start allocating if the header had not been checked first.
        let idat = b"IDAT\x78\x9c\x03\x00\x00\x00\x00\x01";
        png.extend_from_slice(&8u32.to_be_bytes());
        png.extend_from_slice(idat);
        png.extend_from_slice(&crc32(idat).to_be_bytes());
        png.extend_from_slice(&0u32.to_be_bytes());
        png.extend_from_slice(b"IEND");
        png.extend_from_slice(&crc32(b"IEND").to_be_bytes());
        for result in [
            decode(&png, DecodeLimits::default()).map(|_| ()),
            thumbnail(&png, DecodeLimits::default()).map(|_| ()),
            inspect(&png, DecodeLimits::default()).map(|_| ()),
        ] {
            assert!(
                matches!(
                    result,
                    Err(AnnotateError::ImageTooLarge { width: 100_000, .. })
                ),
                "{result:?}"
            );
        }
        let jpeg = sample_jpeg(64, 48);
        let tight = DecodeLimits { max_pixels: 1000 };
        assert!(matches!(
            decode(&jpeg, tight),
            Err(AnnotateError::ImageTooLarge { .. })
        ));
        assert!(matches!(
            thumbnail(&jpeg, tight),
            Err(AnnotateError::ImageTooLarge { .. })
        ));
    }

    fn crc32(data: &[u8]) -> u32 {
        let mut crc = 0xffff_ffffu32;
        for &byte in data {
            crc ^= u32::from(byte);
            for _ in 0..8 {
                crc = if crc & 1 != 0 {
                    (crc >> 1) ^ 0xedb8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    #[test]
    fn truncated_and_foreign_files_give_clear_errors() {
        let jpeg = sample_jpeg(64, 48);
        for cut in [0, 2, 10, 100, jpeg.len() / 2] {
            let result = decode(&jpeg[..cut], DecodeLimits::default());
            assert!(
                matches!(
                    result,
                    Err(AnnotateError::CorruptImage { .. } | AnnotateError::UnsupportedFormat)
                ),
                "cut at {cut}: {result:?}"
            );
            let _ = thumbnail(&jpeg[..cut], DecodeLimits::default());
        }
        assert!(matches!(
            decode(b"GIF89a....", DecodeLimits::default()),
            Err(AnnotateError::UnsupportedFormat)
        ));
        let message = decode(&jpeg[..100], DecodeLimits::default())
            .unwrap_err()
            .to_string();
        assert!(message.contains("import it again"), "{message}");
    }
}
