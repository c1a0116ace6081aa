//! The frame conversion on synthetic `nokhwa` buffers, one per format the cameras deliver:
//! the stored JPEG keeps the frame's size and colour, the preview shows it, and a frame that
//! does not fit its format is refused instead of crashing the capture thread.
#![allow(clippy::unwrap_used)] // tests: a panic is a failed test

use annotate::DecodeLimits;
use annotate::photo::{self, ExportFormat, PhotoFormat};
use image::{Rgb, RgbImage};
use nokhwa::Buffer;
use nokhwa::utils::{FrameFormat, Resolution};

use super::{JPEG_QUALITY, PREVIEW_SIDE, photo_bytes, preview};

const W: u32 = 64;
const H: u32 = 48;

fn frame(format: FrameFormat, width: u32, height: u32, bytes: &[u8]) -> Buffer {
    Buffer::new(Resolution::new(width, height), bytes, format)
}

/// `pixel` repeated over a `W`×`H` frame.
fn filled(pixel: &[u8], count: usize) -> Vec<u8> {
    pixel.repeat(count)
}

fn pixels() -> usize {
    (W * H) as usize
}

/// The colour in the middle of a preview.
fn preview_centre(frame: &Buffer) -> [u8; 3] {
    let image = preview(frame).unwrap();
    assert_eq!(image.size, [W as usize, H as usize], "shown at its size");
    let c = image.pixels[image.size[0] * image.size[1] / 2 + image.size[0] / 2];
    [c.r(), c.g(), c.b()]
}

/// The stored photo decoded again: it is a JPEG of the frame's size; its middle colour.
fn stored_centre(frame: &Buffer) -> [u8; 3] {
    let bytes = photo_bytes(frame).unwrap();
    let info = photo::inspect(&bytes, DecodeLimits::default()).unwrap();
    assert_eq!(info.format, PhotoFormat::Jpeg);
    let size = info.display_size();
    assert_eq!((size.width, size.height), (W, H));
    let decoded = photo::decode(&bytes, DecodeLimits::default()).unwrap();
    decoded.get_pixel(W / 2, H / 2).0
}

fn assert_near(actual: [u8; 3], expected: [u8; 3], tolerance: u8) {
    for (a, e) in actual.iter().zip(expected) {
        assert!(a.abs_diff(e) <= tolerance, "{actual:?} is not {expected:?}");
    }
}

#[test]
fn an_rgb_frame_is_previewed_as_it_is_and_stored_as_a_jpeg_of_its_size() {
    let f = frame(FrameFormat::RAWRGB, W, H, &filled(&[200, 30, 40], pixels()));
    assert_eq!(preview_centre(&f), [200, 30, 40]);
    assert_near(stored_centre(&f), [200, 30, 40], 6);
}

#[test]
fn a_bgr_frame_has_its_channels_swapped() {
    let f = frame(FrameFormat::RAWBGR, W, H, &filled(&[40, 30, 200], pixels()));
    assert_eq!(preview_centre(&f), [200, 30, 40]);
    assert_near(stored_centre(&f), [200, 30, 40], 6);
}

#[test]
fn a_grey_frame_becomes_grey_rgb() {
    let f = frame(FrameFormat::GRAY, W, H, &filled(&[120], pixels()));
    assert_eq!(preview_centre(&f), [120, 120, 120]);
    assert_near(stored_centre(&f), [120, 120, 120], 3);
}

#[test]
fn a_yuyv_frame_is_converted_with_bt601() {
    // Two pixels per Y-U-Y-V group. Y 126 with neutral chroma is mid grey …
    let grey = frame(
        FrameFormat::YUYV,
        W,
        H,
        &filled(&[126, 128, 126, 128], pixels() / 2),
    );
    assert_eq!(preview_centre(&grey), [128, 128, 128]);
    assert_near(stored_centre(&grey), [128, 128, 128], 3);
    // … and the studio-range red of BT.601 is red.
    let red = frame(
        FrameFormat::YUYV,
        W,
        H,
        &filled(&[82, 90, 82, 240], pixels() / 2),
    );
    assert_near(preview_centre(&red), [255, 0, 0], 2);
    assert_near(stored_centre(&red), [255, 0, 0], 12);
}

#[test]
fn an_nv12_frame_is_converted() {
    // A full-size luma plane, then one interleaved U-V pair per 2×2 block.
    let mut bytes = vec![126; pixels()];
    bytes.extend(filled(&[128, 128], pixels() / 4));
    let f = frame(FrameFormat::NV12, W, H, &bytes);
    assert_near(preview_centre(&f), [128, 128, 128], 4);
    assert_near(stored_centre(&f), [128, 128, 128], 6);
}

#[test]
fn frames_that_do_not_fit_their_format_are_refused_not_a_crash() {
    let wrong = [
        // Too short for 64×48 RGB.
        frame(FrameFormat::RAWRGB, W, H, &filled(&[1, 2, 3], pixels() - 1)),
        // Longer than 64×48 RGB (a driver's padding).
        frame(
            FrameFormat::RAWRGB,
            W,
            H,
            &filled(&[1, 2, 3], pixels() + W as usize),
        ),
        frame(FrameFormat::RAWBGR, W, H, &filled(&[1, 2, 3], pixels() + 1)),
        frame(FrameFormat::GRAY, W, H, &filled(&[7], pixels() + 3)),
        // Not whole Y-U-Y-V groups, and whole groups for the wrong size.
        frame(FrameFormat::YUYV, W, H, &filled(&[126], pixels() * 2 + 2)),
        frame(
            FrameFormat::YUYV,
            W,
            H,
            &filled(&[126, 128, 126, 128], pixels()),
        ),
        // NV12 needs an even size and exactly 1.5 bytes a pixel.
        frame(
            FrameFormat::NV12,
            W + 1,
            H,
            &filled(&[126], (W as usize + 1) * 72),
        ),
        frame(FrameFormat::NV12, W, H, &filled(&[126], pixels())),
    ];
    for f in &wrong {
        let format = f.source_frame_format();
        let len = f.buffer().len();
        assert!(preview(f).is_err(), "{format} preview of {len} bytes");
        assert!(photo_bytes(f).is_err(), "{format} photo of {len} bytes");
    }
}

fn camera_jpeg(width: u32, height: u32) -> Vec<u8> {
    let image = RgbImage::from_fn(width, height, |x, _| Rgb([(x % 256) as u8, 90, 160]));
    photo::encode(
        &image,
        ExportFormat::Jpeg {
            quality: JPEG_QUALITY,
        },
    )
    .unwrap()
}

#[test]
fn a_camera_jpeg_is_stored_byte_for_byte_and_previewed_reduced() {
    let jpeg = camera_jpeg(1920, 1080);
    let f = frame(FrameFormat::MJPEG, 1920, 1080, &jpeg);
    assert_eq!(photo_bytes(&f).unwrap(), jpeg);
    let shown = preview(&f).unwrap();
    let [w, h] = shown.size;
    let side = PREVIEW_SIDE as usize;
    assert!(w <= side && w * 10 >= side * 9, "long side {w}");
    assert_eq!(h * 1920, w * 1080, "aspect kept: {w}×{h}");
}

#[test]
fn a_small_camera_jpeg_is_previewed_at_its_size() {
    let f = frame(FrameFormat::MJPEG, 320, 240, &camera_jpeg(320, 240));
    assert_eq!(preview(&f).unwrap().size, [320, 240]);
}

#[test]
fn a_corrupt_camera_jpeg_has_no_preview_and_the_photo_pipeline_refuses_it() {
    // The camera's JPEG is passed on unchecked; `add_photo` inspects it and refuses it.
    let f = frame(FrameFormat::MJPEG, W, H, b"\xff\xd8 not really a JPEG");
    assert!(preview(&f).is_err());
    let stored = photo_bytes(&f).unwrap();
    assert_eq!(stored, f.buffer());
    assert!(photo::inspect(&stored, DecodeLimits::default()).is_err());
}

#[test]
fn a_large_uncompressed_frame_is_previewed_reduced_and_stored_whole() {
    let (w, h) = (1920, 1080);
    let f = frame(
        FrameFormat::RAWRGB,
        w,
        h,
        &filled(&[200, 40, 10], (w * h) as usize),
    );
    let shown = preview(&f).unwrap();
    assert_eq!(shown.size, [PREVIEW_SIDE as usize, 540]);
    let c = shown.pixels[shown.size[0] * 270 + 480];
    assert_eq!([c.r(), c.g(), c.b()], [200, 40, 10]);
    let info = photo::inspect(&photo_bytes(&f).unwrap(), DecodeLimits::default()).unwrap();
    let size = info.display_size();
    assert_eq!(
        (size.width, size.height),
        (w, h),
        "the photo keeps every pixel"
    );
}
