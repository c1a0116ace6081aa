//! Photos for the tests of who sees originals: a pattern a redaction must hide, a measure of
//! whether it did, and a photo redacted whole.

/// A 256 px checkerboard of 8 px squares, black and white: what a redaction must hide.
pub fn checkerboard() -> Vec<u8> {
    let image = image::RgbImage::from_fn(256, 256, |x, y| {
        if (x / 8 + y / 8) % 2 == 0 {
            image::Rgb([0, 0, 0])
        } else {
            image::Rgb([255, 255, 255])
        }
    });
    let mut png = Vec::new();
    image
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    png
}

/// How much the grey values of a JPEG spread (their variance): high for the checkerboard,
/// low once it is pixelated away.
pub fn spread(jpeg: &[u8]) -> f64 {
    let image = image::load_from_memory(jpeg).unwrap().into_luma8();
    let values: Vec<f64> = image.pixels().map(|p| f64::from(p.0[0])).collect();
    let mean = values.iter().sum::<f64>() / values.len() as f64;
    values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / values.len() as f64
}

/// A photo of `field` holding the PNG `bytes` (address `sha`), taken by officer1, redacted
/// whole by pixelation.
pub fn redacted_photo(sha: String, bytes: &[u8], field: &str) -> schema::Photo {
    schema::Photo {
        id: schema::PhotoId::new(),
        field: field.into(),
        sha256: sha,
        byte_size: bytes.len() as u64,
        width: 256,
        height: 256,
        mime_type: "image/png".into(),
        captured_at_ms: None,
        gps: None,
        caption: "Kennzeichen".into(),
        added: schema::Stamp {
            by: "officer1".into(),
            at_ms: 1_700_000_000_500,
        },
        annotations: vec![annotate::Annotation::new(
            annotate::Shape::Redaction {
                bounds: annotate::NormRect::from_corners(
                    annotate::NormPoint::new(0.0, 0.0),
                    annotate::NormPoint::new(1.0, 1.0),
                ),
                outline: annotate::RedactionOutline::Rectangle,
                method: annotate::RedactionMethod::Pixelate,
            },
            annotate::Style {
                color: annotate::Rgba::opaque(0, 0, 0),
                width: 0.01,
                fill: None,
            },
            "officer1",
            0,
        )],
    }
}
