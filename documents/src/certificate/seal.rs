//! The drawn query seal: geometry only (a ring, a five-pointed star, the agency along the top).

/// A point in page coordinates.
pub(crate) type Pt = (f32, f32);

/// A cubic Bézier segment: two control points and the end point.
pub(crate) type Cubic = [Pt; 3];

/// A circle as four cubic Bézier segments: start point then `(c1, c2, end)` triples.
pub(crate) fn circle(cx: f32, cy: f32, r: f32) -> (Pt, [Cubic; 4]) {
    // Control distance for a quarter circle.
    let k = 0.552_284_8 * r;
    (
        (cx + r, cy),
        [
            [(cx + r, cy + k), (cx + k, cy + r), (cx, cy + r)],
            [(cx - k, cy + r), (cx - r, cy + k), (cx - r, cy)],
            [(cx - r, cy - k), (cx - k, cy - r), (cx, cy - r)],
            [(cx + k, cy - r), (cx + r, cy - k), (cx + r, cy)],
        ],
    )
}

/// The ten corners of a five-pointed star, first point up (y grows downwards).
pub(crate) fn star(cx: f32, cy: f32, r: f32) -> Vec<Pt> {
    let inner = r * 0.382;
    (0..10)
        .map(|i| {
            let radius = if i % 2 == 0 { r } else { inner };
            let angle = (i as f32 * 36.0 - 90.0).to_radians();
            (cx + radius * angle.cos(), cy + radius * angle.sin())
        })
        .collect()
}

/// The rotation in degrees (clockwise from 12 o'clock) of each of `n` characters spread over
/// the top of the ring: an arc of up to 240° with about 19° a character.
pub(crate) fn arc_angles(n: usize) -> Vec<f32> {
    if n == 0 {
        return Vec::new();
    }
    let span = ((n as f32 - 1.0) * 19.0).min(240.0);
    let step = if n > 1 { span / (n as f32 - 1.0) } else { 0.0 };
    (0..n).map(|i| -span / 2.0 + i as f32 * step).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_arc_is_symmetric_and_bounded() {
        let a = arc_angles(13);
        assert_eq!(a.len(), 13);
        assert!((a[0] + a[12]).abs() < 1e-3);
        assert!(a[0] >= -120.0);
        assert_eq!(arc_angles(1), vec![0.0]);
        assert!(arc_angles(0).is_empty());
        let wide = arc_angles(30);
        assert!((wide[29] - 120.0).abs() < 1e-3);
    }

    #[test]
    fn the_star_points_up() {
        let s = star(0.0, 0.0, 10.0);
        assert_eq!(s.len(), 10);
        assert!((s[0].0).abs() < 1e-4 && (s[0].1 + 10.0).abs() < 1e-4);
    }
}
