//! A citizen's photo made fit to keep, before anyone at the office sees it.
//!
//! What a phone sends carries more than the picture: the camera's make and model, often its
//! serial number, the time and — in the EXIF GPS block — where the citizen stood. The office
//! needs the picture and, only when the citizen chooses to share it, the place. So a photo is
//! read for what it is (its first bytes, never its file name or the browser's word), decoded
//! under a pixel cap, turned upright, and encoded anew: the stored bytes hold pixels and
//! nothing else. The position is read from the EXIF before that, and goes into the case's
//! description of the photo only when the citizen ticked "share the location"
//! ([`FitPhoto::sent_in`]).
//!
//! Encoding anew also means that a file which is a photo and something else at once (a
//! polyglot) is stored as a photo only.

use annotate::AnnotateError;
use annotate::photo::{self, DecodeLimits, ExportFormat, PhotoFormat};
use schema::{GpsPoint, Photo, PhotoId, Sha256, Stamp};

/// The largest photo file a citizen may send, in bytes.
pub const MAX_PHOTO_BYTES: usize = 12 * 1024 * 1024;

/// The most photos one request may bring, whatever its service allows per field.
pub const MAX_PHOTOS_PER_REQUEST: usize = 10;

/// The pixel cap of a citizen's photo: above the default of every phone camera (12 to 50
/// megapixels), and an RGB buffer of at most 150 MB while it is made fit.
pub const LIMITS: DecodeLimits = DecodeLimits {
    max_pixels: 50_000_000,
};

/// JPEG quality of a photo encoded anew: keeps what the eye and a zoom need.
const JPEG_QUALITY: u8 = 92;

/// Why a file was not taken as a photo. Surfaces word it; the file is not kept.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PhotoRefused {
    /// Its first bytes are not a JPEG's or a PNG's.
    #[error("the file is not a JPEG or PNG photo")]
    NotAPhoto,
    /// More bytes than [`MAX_PHOTO_BYTES`].
    #[error("the file has {bytes} bytes, more than the {max} a photo may have")]
    TooLarge {
        /// Its size.
        bytes: usize,
        /// The limit.
        max: usize,
    },
    /// More pixels than [`LIMITS`] allows.
    #[error("the photo has {width}×{height} pixels, more than {max} in all")]
    TooManyPixels {
        /// Width.
        width: u32,
        /// Height.
        height: u32,
        /// The limit.
        max: u64,
    },
    /// It begins as a photo but cannot be decoded (cut off, damaged).
    #[error("the photo cannot be read: {0}")]
    Unreadable(String),
}

/// A photo made fit to keep: its new bytes and what the case says of it.
#[derive(Debug, Clone, PartialEq)]
pub struct FitPhoto {
    /// The address of `bytes`.
    pub sha256: Sha256,
    /// The photo encoded anew, without any metadata.
    pub bytes: Vec<u8>,
    /// Width as displayed.
    pub width: u32,
    /// Height as displayed.
    pub height: u32,
    /// `image/jpeg` or `image/png`.
    pub mime: &'static str,
    /// Where the phone recorded it was taken, if it did; kept only if the citizen shares it.
    pub recorded_gps: Option<GpsPoint>,
}

/// What the case says of a photo the citizen sent (the bytes are held or stored already).
#[derive(Debug, Clone, PartialEq)]
pub struct SentPhoto {
    /// The service's photo field it was sent in.
    pub field: String,
    /// The address of its bytes.
    pub sha256: Sha256,
    /// Size of its bytes.
    pub byte_size: u64,
    /// Width as displayed.
    pub width: u32,
    /// Height as displayed.
    pub height: u32,
    /// `image/jpeg` or `image/png`.
    pub mime: String,
    /// Where it was taken, when shared.
    pub gps: Option<GpsPoint>,
}

impl FitPhoto {
    /// The description of this photo sent in field `field`, with the recorded position when
    /// the citizen chose to `share_location`.
    pub fn sent_in(&self, field: &str, share_location: bool) -> SentPhoto {
        SentPhoto {
            field: field.to_string(),
            sha256: self.sha256.clone(),
            byte_size: self.bytes.len() as u64,
            width: self.width,
            height: self.height,
            mime: self.mime.to_string(),
            gps: self.recorded_gps.filter(|_| share_location),
        }
    }
}

impl SentPhoto {
    /// The case's photo, tagged with `field` (the service's field, or the request's tag for
    /// it), added by `writer` at `at_ms`.
    pub fn photo(&self, field: String, writer: &str, at_ms: i64) -> Photo {
        Photo {
            id: PhotoId::new(),
            field,
            sha256: self.sha256.as_str().to_string(),
            byte_size: self.byte_size,
            width: self.width,
            height: self.height,
            mime_type: self.mime.clone(),
            captured_at_ms: None,
            gps: self.gps,
            caption: String::new(),
            added: Stamp {
                by: writer.to_string(),
                at_ms,
            },
            annotations: Vec::new(),
        }
    }
}

/// Makes `bytes` fit to keep. Blocking and CPU-heavy (a decode and an encode): call it off the async threads, a few at
/// a time.
///
/// # Errors
/// [`PhotoRefused`].
pub fn make_fit(bytes: &[u8]) -> Result<FitPhoto, PhotoRefused> {
    if bytes.len() > MAX_PHOTO_BYTES {
        return Err(PhotoRefused::TooLarge {
            bytes: bytes.len(),
            max: MAX_PHOTO_BYTES,
        });
    }
    let info = photo::inspect(bytes, LIMITS).map_err(refused)?;
    let image = photo::decode(bytes, LIMITS).map_err(refused)?;
    let (format, mime) = match info.format {
        PhotoFormat::Jpeg => (
            ExportFormat::Jpeg {
                quality: JPEG_QUALITY,
            },
            "image/jpeg",
        ),
        PhotoFormat::Png => (ExportFormat::Png, "image/png"),
    };
    let clean = photo::encode(&image, format).map_err(refused)?;
    let recorded_gps = info.gps.map(|g| GpsPoint {
        lat: g.latitude,
        lon: g.longitude,
        accuracy_m: None,
    });
    Ok(FitPhoto {
        sha256: Sha256::from_digest(photo::ContentAddress::of(&clean).0),
        bytes: clean,
        width: image.width(),
        height: image.height(),
        mime,
        recorded_gps,
    })
}

fn refused(error: AnnotateError) -> PhotoRefused {
    match error {
        AnnotateError::UnsupportedFormat => PhotoRefused::NotAPhoto,
        AnnotateError::ImageTooLarge {
            width,
            height,
            max_pixels,
        } => PhotoRefused::TooManyPixels {
            width,
            height,
            max: max_pixels,
        },
        other => PhotoRefused::Unreadable(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::io::Cursor;

    use exif::{Field, In, Rational, Tag, Value};
    use image::{Rgb, RgbImage};

    use super::*;

    fn ascii(tag: Tag, text: &str) -> Field {
        Field {
            tag,
            ifd_num: In::PRIMARY,
            value: Value::Ascii(vec![text.as_bytes().to_vec()]),
        }
    }

    fn degrees(tag: Tag, whole: u32, minutes: u32) -> Field {
        Field {
            tag,
            ifd_num: In::PRIMARY,
            value: Value::Rational(vec![
                Rational::from((whole, 1)),
                Rational::from((minutes, 1)),
                Rational::from((0, 1)),
            ]),
        }
    }

    /// A JPEG as a phone writes it: stored 40×20 and turned by EXIF orientation 6 (90°
    /// clockwise), with the camera's make, model and serial number and a GPS position in
    /// Tübingen (48° 31' N, 9° 3' E).
    fn phone_photo() -> Vec<u8> {
        let stored = RgbImage::from_fn(40, 20, |x, y| Rgb([(x * 6) as u8, (y * 12) as u8, 90]));
        let jpeg = photo::encode(&stored, ExportFormat::Jpeg { quality: 90 }).unwrap();
        let fields = [
            Field {
                tag: Tag::Orientation,
                ifd_num: In::PRIMARY,
                value: Value::Short(vec![6]),
            },
            ascii(Tag::Make, "NaperPhone"),
            ascii(Tag::Model, "NaperPhone X1"),
            ascii(Tag::BodySerialNumber, "SN-0042-4711"),
            ascii(Tag::GPSLatitudeRef, "N"),
            degrees(Tag::GPSLatitude, 48, 31),
            ascii(Tag::GPSLongitudeRef, "E"),
            degrees(Tag::GPSLongitude, 9, 3),
        ];
        let mut writer = exif::experimental::Writer::new();
        for field in &fields {
            writer.push_field(field);
        }
        let mut tiff = Cursor::new(Vec::new());
        writer.write(&mut tiff, false).unwrap();
        let tiff = tiff.into_inner();
        let mut out = jpeg[..2].to_vec();
        out.extend_from_slice(&[0xFF, 0xE1]);
        out.extend_from_slice(&u16::try_from(2 + 6 + tiff.len()).unwrap().to_be_bytes());
        out.extend_from_slice(b"Exif\0\0");
        out.extend_from_slice(&tiff);
        out.extend_from_slice(&jpeg[2..]);
        out
    }

    /// A small JPEG whose frame header claims 20,000 × 20,000 pixels.
    fn bomb() -> Vec<u8> {
        let small = RgbImage::from_pixel(16, 16, Rgb([1, 2, 3]));
        let mut jpeg = photo::encode(&small, ExportFormat::Jpeg { quality: 50 }).unwrap();
        let sof = jpeg.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
        // FFC0, length (2), precision (1), height (2), width (2).
        jpeg[sof + 5..sof + 7].copy_from_slice(&20_000u16.to_be_bytes());
        jpeg[sof + 7..sof + 9].copy_from_slice(&20_000u16.to_be_bytes());
        jpeg
    }

    fn has_exif(bytes: &[u8]) -> bool {
        bytes.windows(6).any(|w| w == b"Exif\0\0")
    }

    #[test]
    fn the_stored_photo_is_upright_and_carries_no_metadata() {
        let original = phone_photo();
        assert!(photo::inspect(&original, LIMITS).unwrap().gps.is_some());
        let text = String::from_utf8_lossy(&original).into_owned();
        assert!(text.contains("NaperPhone X1") && text.contains("SN-0042-4711"));

        let fit = make_fit(&original).unwrap();
        // Turned upright by its orientation, which is gone with the rest.
        assert_eq!((fit.width, fit.height), (20, 40));
        let info = photo::inspect(&fit.bytes, LIMITS).unwrap();
        assert_eq!(info.orientation, 1);
        assert_eq!(info.display_size().width, 20);
        assert_eq!(info.gps, None);
        assert!(!has_exif(&fit.bytes), "no EXIF block is left");
        let text = String::from_utf8_lossy(&fit.bytes).into_owned();
        assert!(
            !text.contains("NaperPhone"),
            "the camera's make and model are gone"
        );
        assert!(!text.contains("SN-0042"), "the serial number is gone");
        assert_eq!(fit.sent_in("fotos", false).gps, None);
        assert_eq!(fit.mime, "image/jpeg");
        assert_eq!(
            fit.sha256,
            Sha256::from_digest(photo::ContentAddress::of(&fit.bytes).0)
        );
    }

    #[test]
    fn the_position_is_kept_only_when_the_citizen_shares_it() {
        let fit = make_fit(&phone_photo()).unwrap();
        assert_eq!(fit.sent_in("fotos", false).gps, None);
        let gps = fit.sent_in("fotos", true).gps.unwrap();
        assert!((gps.lat - (48.0 + 31.0 / 60.0)).abs() < 1e-6, "{gps:?}");
        assert!((gps.lon - (9.0 + 3.0 / 60.0)).abs() < 1e-6, "{gps:?}");
        // Even then the bytes carry none: the position lives in the case's description.
        assert!(!has_exif(&fit.bytes));
        let sent = fit
            .sent_in("fotos", true)
            .photo("request.fotos".into(), "buergerin", 7);
        assert_eq!(sent.gps, fit.recorded_gps);
        assert_eq!(sent.byte_size, fit.bytes.len() as u64);
        assert_eq!((sent.width, sent.height), (20, 40));
    }

    #[test]
    fn what_is_no_photo_is_refused_by_its_bytes_not_its_name() {
        assert_eq!(
            make_fit(b"%PDF-1.7 not a photo"),
            Err(PhotoRefused::NotAPhoto)
        );
        assert_eq!(make_fit(b""), Err(PhotoRefused::NotAPhoto));
        let mut cut = phone_photo();
        cut.truncate(cut.len() / 2);
        assert!(matches!(make_fit(&cut), Err(PhotoRefused::Unreadable(_))));
        let big = vec![0xFF; MAX_PHOTO_BYTES + 1];
        assert!(matches!(make_fit(&big), Err(PhotoRefused::TooLarge { .. })));
        assert!(matches!(
            make_fit(&bomb()),
            Err(PhotoRefused::TooManyPixels {
                width: 20_000,
                height: 20_000,
                ..
            })
        ));
    }
}
