//! EXIF orientation, capture time and GPS on the committed sample photos in
//! `assets/photos/orientation-N.jpg`.
//!
//! The samples are generated here (run with `NAPER_BLESS=1`) from the EXIF specification's
//! definition of each orientation, written independently of the decoder, so a decoder that
//! rotated the wrong way would fail.

// Test code: a panic here is a failed test (as in clippy.toml's allow-unwrap-in-tests).
#![allow(clippy::unwrap_used)]

mod common;

use std::io::Cursor;

use annotate::{DecodeLimits, photo};
use exif::{Field, In, Rational, Tag, Value};
use image::{Rgb, RgbImage};

/// The photo as it should appear: 48 × 32 with four distinct quadrants.
const W: u32 = 48;
const H: u32 = 32;
const TOP_LEFT: [u8; 3] = [220, 30, 30];
const TOP_RIGHT: [u8; 3] = [30, 200, 30];
const BOTTOM_LEFT: [u8; 3] = [30, 30, 220];
const BOTTOM_RIGHT: [u8; 3] = [240, 240, 40];

fn upright(x: u32, y: u32) -> [u8; 3] {
    match (x < W / 2, y < H / 2) {
        (true, true) => TOP_LEFT,
        (false, true) => TOP_RIGHT,
        (true, false) => BOTTOM_LEFT,
        (false, false) => BOTTOM_RIGHT,
    }
}

/// Where stored pixel `(sx, sy)` appears on screen, per the EXIF spec's description of
/// where the stored 0th row and 0th column go.
fn displayed_at(orientation: u16, sx: u32, sy: u32) -> (u32, u32) {
    match orientation {
        1 => (sx, sy),
        2 => (W - 1 - sx, sy),
        3 => (W - 1 - sx, H - 1 - sy),
        4 => (sx, H - 1 - sy),
        5 => (sy, sx),
        6 => (W - 1 - sy, sx),
        7 => (W - 1 - sy, H - 1 - sx),
        8 => (sy, H - 1 - sx),
        _ => unreachable!(),
    }
}

fn exif_bytes(orientation: u16) -> Vec<u8> {
    let fields = [
        Field {
            tag: Tag::Orientation,
            ifd_num: In::PRIMARY,
            value: Value::Short(vec![orientation]),
        },
        Field {
            tag: Tag::DateTimeOriginal,
            ifd_num: In::PRIMARY,
            value: Value::Ascii(vec![b"2024:05:03 14:22:01".to_vec()]),
        },
        Field {
            tag: Tag::OffsetTimeOriginal,
            ifd_num: In::PRIMARY,
            value: Value::Ascii(vec![b"+02:00".to_vec()]),
        },
        Field {
            tag: Tag::GPSLatitudeRef,
            ifd_num: In::PRIMARY,
            value: Value::Ascii(vec![b"N".to_vec()]),
        },
        Field {
            tag: Tag::GPSLatitude,
            ifd_num: In::PRIMARY,
            // 52° 31' 12.36" N (Berlin)
            value: Value::Rational(vec![
                Rational::from((52, 1)),
                Rational::from((31, 1)),
                Rational::from((1236, 100)),
            ]),
        },
        Field {
            tag: Tag::GPSLongitudeRef,
            ifd_num: In::PRIMARY,
            value: Value::Ascii(vec![b"E".to_vec()]),
        },
        Field {
            tag: Tag::GPSLongitude,
            ifd_num: In::PRIMARY,
            value: Value::Rational(vec![
                Rational::from((13, 1)),
                Rational::from((24, 1)),
                Rational::from((1800, 100)),
            ]),
        },
    ];
    let mut writer = exif::experimental::Writer::new();
    for field in &fields {
        writer.push_field(field);
    }
    let mut tiff = Cursor::new(Vec::new());
    writer.write(&mut tiff, false).unwrap();
    tiff.into_inner()
}

fn sample_jpeg(orientation: u16) -> Vec<u8> {
    let (sw, sh) = if orientation >= 5 { (H, W) } else { (W, H) };
    let stored = RgbImage::from_fn(sw, sh, |sx, sy| {
        let (dx, dy) = displayed_at(orientation, sx, sy);
        Rgb(upright(dx, dy))
    });
    let jpeg = photo::encode(&stored, annotate::ExportFormat::Jpeg { quality: 95 }).unwrap();
    // Splice an APP1 "Exif" segment in right after SOI.
    let tiff = exif_bytes(orientation);
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&u16::try_from(2 + 6 + tiff.len()).unwrap().to_be_bytes());
    out.extend_from_slice(b"Exif\0\0");
    out.extend_from_slice(&tiff);
    out.extend_from_slice(&jpeg[2..]);
    out
}

fn sample_path(orientation: u16) -> std::path::PathBuf {
    common::photos_dir().join(format!("orientation-{orientation}.jpg"))
}

/// The committed sample for `orientation`; with `NAPER_BLESS=1` it is regenerated first.
fn sample_bytes(orientation: u16) -> Vec<u8> {
    let path = sample_path(orientation);
    if common::blessing() {
        std::fs::create_dir_all(common::photos_dir()).unwrap();
        std::fs::write(&path, sample_jpeg(orientation)).unwrap();
    }
    std::fs::read(&path).expect("sample photo missing: run the tests once with NAPER_BLESS=1")
}

fn assert_upright(image: &RgbImage, what: &str) {
    assert_eq!(image.dimensions(), (W, H), "{what}");
    for (x, y) in [(12, 8), (36, 8), (12, 24), (36, 24)] {
        let got = image.get_pixel(x, y).0;
        let want = upright(x, y);
        let close = got.iter().zip(want).all(|(g, w)| g.abs_diff(w) <= 40);
        assert!(close, "{what}: pixel ({x},{y}) is {got:?}, want {want:?}");
    }
}

#[test]
fn every_orientation_decodes_upright() {
    for orientation in 1..=8u16 {
        let bytes = sample_bytes(orientation);
        let info = photo::inspect(&bytes, DecodeLimits::default()).unwrap();
        assert_eq!(u16::from(info.orientation), orientation);
        assert_eq!(
            (info.display_size().width, info.display_size().height),
            (W, H)
        );
        let full = photo::decode(&bytes, DecodeLimits::default()).unwrap();
        assert_upright(&full, &format!("decode, orientation {orientation}"));
        // The DCT-scaled path must orient the same way.
        let small = photo::downscale(&bytes, 24, DecodeLimits::default()).unwrap();
        assert_eq!(small.dimensions(), (24, 16), "orientation {orientation}");
    }
}

#[test]
fn capture_time_and_gps_are_read() {
    let bytes = sample_bytes(6);
    let info = photo::inspect(&bytes, DecodeLimits::default()).unwrap();
    let time = info.captured_at.unwrap();
    assert_eq!(time.to_string(), "2024-05-03T14:22:01+02:00");
    let gps = info.gps.unwrap();
    assert!((gps.latitude - 52.520_1).abs() < 1e-4, "{gps:?}");
    assert!((gps.longitude - 13.405).abs() < 1e-4, "{gps:?}");
    assert_eq!(gps.altitude_m, None);
}

#[test]
fn committed_samples_are_small_and_originals_are_not_rewritten() {
    for orientation in 1..=8u16 {
        let path = sample_path(orientation);
        let before = std::fs::read(&path).unwrap();
        assert!(
            before.len() < 8 * 1024,
            "{} is {} bytes",
            path.display(),
            before.len()
        );
        let address = annotate::ContentAddress::of(&before);
        let _ = annotate::flatten(&before, &[], annotate::FlattenOptions::default()).unwrap();
        assert_eq!(
            annotate::ContentAddress::of(&std::fs::read(&path).unwrap()),
            address
        );
    }
}
