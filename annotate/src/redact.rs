//! Destroying the pixels of a redaction region (DSGVO: faces, licence plates).
//!
//! Both methods first reduce the region to a coarse grid of block averages and then build
//! every output pixel from that grid alone, so nothing finer than a block survives: unlike
//! a plain Gaussian blur, the result cannot be deconvolved back into a face. "Blur" merely
//! interpolates smoothly between the block averages, which looks like a strong blur.

use image::RgbImage;

use crate::model::{NormRect, RedactionMethod, RedactionOutline};

/// Fewest blocks across the region's shorter side; few enough that a face or a plate's
/// characters cannot be recognised.
const BLOCKS_ACROSS_SHORT_SIDE: u32 = 6;
/// Fewest blocks along the longer side, for long thin regions such as licence plates.
const BLOCKS_ALONG_LONG_SIDE: u32 = 12;
/// Smallest block edge in pixels.
const MIN_BLOCK: u32 = 4;

/// Replaces the pixels of `bounds` (normalized; rectangle or inscribed ellipse) in `image`.
/// Every pixel that the region touches at all is replaced, so no partial edge pixel keeps
/// original detail.
pub(crate) fn redact(
    image: &mut RgbImage,
    bounds: &NormRect,
    outline: RedactionOutline,
    method: RedactionMethod,
) {
    let (w, h) = image.dimensions();
    let (wf, hf) = (w as f32, h as f32);
    let clamp = |v: f32, max: u32| (v.max(0.0) as u32).min(max);
    let x0 = clamp((bounds.min.x * wf).floor(), w);
    let y0 = clamp((bounds.min.y * hf).floor(), h);
    let x1 = clamp((bounds.max.x * wf).ceil(), w);
    let y1 = clamp((bounds.max.y * hf).ceil(), h);
    if x1 <= x0 || y1 <= y0 {
        return;
    }
    let (rw, rh) = (x1 - x0, y1 - y0);
    let block = rw
        .min(rh)
        .div_ceil(BLOCKS_ACROSS_SHORT_SIDE)
        .max(rw.max(rh).div_ceil(BLOCKS_ALONG_LONG_SIDE))
        .max(MIN_BLOCK)
        .min(rw.max(rh));
    let (nx, ny) = (rw.div_ceil(block), rh.div_ceil(block));

    let mut sums = vec![[0u64; 4]; (nx * ny) as usize];
    for y in y0..y1 {
        let by = (y - y0) / block;
        for x in x0..x1 {
            let bx = (x - x0) / block;
            let cell = &mut sums[(by * nx + bx) as usize];
            let p = image.get_pixel(x, y).0;
            cell[0] += u64::from(p[0]);
            cell[1] += u64::from(p[1]);
            cell[2] += u64::from(p[2]);
            cell[3] += 1;
        }
    }
    let grid: Vec<[f32; 3]> = sums
        .iter()
        .map(|s| {
            let n = s[3].max(1) as f32;
            [s[0] as f32 / n, s[1] as f32 / n, s[2] as f32 / n]
        })
        .collect();

    // The ellipse is grown by half a pixel so that pixels it only grazes are replaced too.
    let (cx, cy) = (
        (bounds.min.x + bounds.max.x) * wf / 2.0,
        (bounds.min.y + bounds.max.y) * hf / 2.0,
    );
    let rx = (bounds.max.x - bounds.min.x) * wf / 2.0 + 0.5;
    let ry = (bounds.max.y - bounds.min.y) * hf / 2.0 + 0.5;
    let inside = |x: u32, y: u32| match outline {
        RedactionOutline::Rectangle => true,
        RedactionOutline::Ellipse => {
            let dx = (x as f32 + 0.5 - cx) / rx;
            let dy = (y as f32 + 0.5 - cy) / ry;
            dx * dx + dy * dy <= 1.0
        }
    };
    let at = |bx: u32, by: u32| grid[(by.min(ny - 1) * nx + bx.min(nx - 1)) as usize];
    for y in y0..y1 {
        for x in x0..x1 {
            if !inside(x, y) {
                continue;
            }
            let value = match method {
                RedactionMethod::Pixelate => at((x - x0) / block, (y - y0) / block),
                RedactionMethod::Blur => {
                    let gx = ((x - x0) as f32 + 0.5) / block as f32 - 0.5;
                    let gy = ((y - y0) as f32 + 0.5) / block as f32 - 0.5;
                    let (gx, gy) = (
                        gx.clamp(0.0, (nx - 1) as f32),
                        gy.clamp(0.0, (ny - 1) as f32),
                    );
                    let (bx, by) = (gx.floor() as u32, gy.floor() as u32);
                    let (fx, fy) = (gx - bx as f32, gy - by as f32);
                    let (a, b, c, d) = (
                        at(bx, by),
                        at(bx + 1, by),
                        at(bx, by + 1),
                        at(bx + 1, by + 1),
                    );
                    std::array::from_fn(|i| {
                        let top = a[i] + (b[i] - a[i]) * fx;
                        let bottom = c[i] + (d[i] - c[i]) * fx;
                        top + (bottom - top) * fy
                    })
                }
            };
            image.put_pixel(
                x,
                y,
                image::Rgb(value.map(|v| v.round().clamp(0.0, 255.0) as u8)),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::NormPoint;

    fn checkerboard(w: u32, h: u32) -> RgbImage {
        RgbImage::from_fn(w, h, |x, y| {
            if (x + y) % 2 == 0 {
                image::Rgb([255, 255, 255])
            } else {
                image::Rgb([0, 0, 0])
            }
        })
    }

    #[test]
    fn both_methods_flatten_fine_detail_and_leave_the_rest() {
        for method in [RedactionMethod::Pixelate, RedactionMethod::Blur] {
            for outline in [RedactionOutline::Rectangle, RedactionOutline::Ellipse] {
                let mut image = checkerboard(100, 80);
                let bounds =
                    NormRect::from_corners(NormPoint::new(0.2, 0.25), NormPoint::new(0.8, 0.75));
                redact(&mut image, &bounds, outline, method);
                // Inside the region (and inside the inscribed ellipse), every pixel is
                // (close to) mid grey now.
                for y in 32..48 {
                    for x in 35..65 {
                        let v = image.get_pixel(x, y).0[0];
                        assert!(
                            (100..=155).contains(&v),
                            "{method:?} {outline:?} ({x},{y}) = {v}"
                        );
                    }
                }
                // Outside it, the pattern is untouched.
                assert_eq!(image.get_pixel(5, 5).0, [255, 255, 255]);
                assert_eq!(image.get_pixel(6, 5).0, [0, 0, 0]);
            }
        }
    }

    #[test]
    fn ellipse_corners_are_kept_and_tiny_regions_work() {
        let mut image = checkerboard(100, 100);
        let bounds = NormRect::from_corners(NormPoint::new(0.0, 0.0), NormPoint::new(1.0, 1.0));
        redact(
            &mut image,
            &bounds,
            RedactionOutline::Ellipse,
            RedactionMethod::Pixelate,
        );
        assert_eq!(image.get_pixel(0, 0).0, [255, 255, 255]);
        let mut image = checkerboard(10, 10);
        let tiny = NormRect::from_corners(NormPoint::new(0.5, 0.5), NormPoint::new(0.5001, 0.5001));
        redact(
            &mut image,
            &tiny,
            RedactionOutline::Rectangle,
            RedactionMethod::Blur,
        );
        // A one-pixel region averages to itself; what matters is that nothing else changed.
        assert_eq!(image, checkerboard(10, 10));
    }
}
