//! Thinning raw pointer input into strokes worth storing.
//!
//! A stylus reports 120–240 points a second; a ten-second scribble would be thousands of
//! points synced to every device. Ramer–Douglas–Peucker keeps the points that carry the
//! shape and drops those that lie within `tolerance` of the simplified line.

use crate::model::NormPoint;

/// A tolerance that is invisible on the tablet: 0.05 % of the image extent (2 px on a
/// 4000 px side).
pub const DEFAULT_TOLERANCE: f32 = 0.0005;

/// `points` (with their optional per-point `pressure`, empty or as long as `points`)
/// simplified with Ramer–Douglas–Peucker: every dropped point lies within `tolerance`
/// (normalized units) of the kept polyline. First and last points are always kept;
/// non-finite points and immediate repeats are dropped first; a mismatched `pressure` is
/// dropped. A pressure value is kept with its point, so pressure changes along straight
/// parts are thinned too.
pub fn simplify_stroke(
    points: &[NormPoint],
    pressure: &[f32],
    tolerance: f32,
) -> (Vec<NormPoint>, Vec<f32>) {
    let with_pressure = pressure.len() == points.len() && !pressure.is_empty();
    let mut clean: Vec<(NormPoint, f32)> = Vec::with_capacity(points.len());
    for (i, p) in points.iter().enumerate() {
        let pr = if with_pressure { pressure[i] } else { 1.0 };
        if !(p.x.is_finite() && p.y.is_finite()) {
            continue;
        }
        if clean.last().is_some_and(|(last, _)| last == p) {
            continue;
        }
        clean.push((*p, pr));
    }
    let tolerance = if tolerance.is_finite() {
        tolerance.max(0.0)
    } else {
        0.0
    };
    let keep = rdp_keep_mask(&clean, tolerance);
    let kept = clean
        .iter()
        .zip(&keep)
        .filter(|(_, k)| **k)
        .map(|(c, _)| *c);
    let (out_points, out_pressure): (Vec<NormPoint>, Vec<f32>) = kept.unzip();
    (
        out_points,
        if with_pressure {
            out_pressure
        } else {
            Vec::new()
        },
    )
}

/// Which points RDP keeps. Iterative with an explicit stack, so that a pathological stroke
/// cannot overflow the thread's stack.
fn rdp_keep_mask(points: &[(NormPoint, f32)], tolerance: f32) -> Vec<bool> {
    let n = points.len();
    let mut keep = vec![false; n];
    if n == 0 {
        return keep;
    }
    keep[0] = true;
    keep[n - 1] = true;
    let mut stack = vec![(0usize, n - 1)];
    while let Some((first, last)) = stack.pop() {
        if last <= first + 1 {
            continue;
        }
        let (a, b) = (points[first].0, points[last].0);
        let mut farthest = first;
        let mut max_distance = -1.0f32;
        for (i, (p, _)) in points.iter().enumerate().take(last).skip(first + 1) {
            let d = distance_to_segment(*p, a, b);
            if d > max_distance {
                max_distance = d;
                farthest = i;
            }
        }
        if max_distance > tolerance {
            keep[farthest] = true;
            stack.push((first, farthest));
            stack.push((farthest, last));
        }
    }
    keep
}

fn distance_to_segment(p: NormPoint, a: NormPoint, b: NormPoint) -> f32 {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 {
        (((p.x - a.x) * dx + (p.y - a.y) * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    (p.x - (a.x + t * dx)).hypot(p.y - (a.y + t * dy))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn straight_dense_line_collapses_to_its_ends() {
        let points: Vec<_> = (0..=1000)
            .map(|i| NormPoint::new(i as f32 / 1000.0, 0.5))
            .collect();
        let (out, pressure) = simplify_stroke(&points, &[], DEFAULT_TOLERANCE);
        assert_eq!(
            out,
            vec![NormPoint::new(0.0, 0.5), NormPoint::new(1.0, 0.5)]
        );
        assert!(pressure.is_empty());
    }

    #[test]
    fn corners_survive_and_dropped_points_stay_within_tolerance() {
        // An "L" sampled densely, plus jitter far below the tolerance.
        let mut points = Vec::new();
        for i in 0..500 {
            let jitter = if i % 2 == 0 { 0.0001 } else { -0.0001 };
            points.push(NormPoint::new(0.1 + i as f32 * 0.001, 0.1 + jitter));
        }
        for i in 0..500 {
            points.push(NormPoint::new(0.6, 0.1 + i as f32 * 0.001));
        }
        let (out, _) = simplify_stroke(&points, &[], DEFAULT_TOLERANCE);
        assert!(out.len() <= 4, "kept {} points", out.len());
        assert!(
            out.iter()
                .any(|p| (p.x - 0.6).abs() < 0.002 && (p.y - 0.1).abs() < 0.002)
        );
        for p in &points {
            let d = out
                .windows(2)
                .map(|w| distance_to_segment(*p, w[0], w[1]))
                .fold(f32::INFINITY, f32::min);
            assert!(d <= DEFAULT_TOLERANCE + 1e-6);
        }
    }

    #[test]
    fn ten_second_scribble_shrinks_a_lot() {
        // 240 Hz for 10 s: a slow circle-ish scribble.
        let points: Vec<_> = (0..2400)
            .map(|i| {
                let t = i as f32 / 2400.0 * std::f32::consts::TAU * 3.0;
                NormPoint::new(0.5 + 0.3 * t.cos(), 0.5 + 0.2 * (t * 1.3).sin())
            })
            .collect();
        let pressure = vec![0.5; points.len()];
        let (out, out_pressure) = simplify_stroke(&points, &pressure, DEFAULT_TOLERANCE);
        assert!(out.len() < points.len() / 5, "kept {}", out.len());
        assert_eq!(out.len(), out_pressure.len());
        assert_eq!(out.first(), points.first());
        assert_eq!(out.last(), points.last());
    }

    #[test]
    fn bad_input_is_cleaned_not_panicked_on() {
        let p = NormPoint::new(0.2, 0.2);
        let points = [p, p, NormPoint::new(f32::NAN, 0.1), p];
        let (out, pressure) = simplify_stroke(&points, &[1.0], f32::NAN);
        assert_eq!(out, vec![p]);
        assert!(pressure.is_empty());
        assert_eq!(simplify_stroke(&[], &[], 0.1), (vec![], vec![]));
    }
}
