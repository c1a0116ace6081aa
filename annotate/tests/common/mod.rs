//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

use image::RgbImage;

/// Whether golden files and sample photos are to be (re)written instead of compared.
pub fn blessing() -> bool {
    std::env::var_os("NAPER_BLESS").is_some_and(|v| v == "1")
}

/// `assets/photos/` in the repository.
pub fn photos_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../assets/photos")
}

/// `annotate/tests/golden/`.
pub fn golden_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

/// A deterministic xorshift generator, so test images are identical on every machine.
pub struct Noise(pub u64);

impl Noise {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// A photo-like image: smooth gradients with noise of up to ±`noise` levels (0 for none,
/// which keeps committed golden PNGs small).
pub fn photo_like(w: u32, h: u32, seed: u64, noise: u8) -> RgbImage {
    let mut rng = Noise(seed.max(1));
    let spread = u64::from(noise) * 2 + 1;
    RgbImage::from_fn(w, h, |x, y| {
        let (fx, fy) = (x as f32 / w as f32, y as f32 / h as f32);
        let n = (rng.next() % spread) as f32 - f32::from(noise);
        let r = 90.0 + 100.0 * fx + 20.0 * (fy * 9.0).sin() + n;
        let g = 140.0 + 60.0 * (fx * 3.0 + fy * 2.0).sin() + n;
        let b = 60.0 + 120.0 * fy + n;
        image::Rgb([r, g, b].map(|v| v.clamp(0.0, 255.0) as u8))
    })
}
