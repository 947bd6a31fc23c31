//! A bounded loss curve: at most [`MAX_POINTS`] points however long training runs, older
//! points merged pairwise (averaged) as it grows — about two points per pixel of a chart.

/// Most points a curve keeps before older ones are merged pairwise.
pub const MAX_POINTS: usize = 800;

/// A curve of `(step, value)` points that stays at most [`MAX_POINTS`] long.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Curve {
    /// `(step, value)` points, step ascending.
    pub points: Vec<(f64, f64)>,
    /// Raw samples folded into each new point (a power of two).
    stride: usize,
    /// Sum of steps, sum of values and count of the samples not yet folded into a point.
    pending: (f64, f64, usize),
}

impl Curve {
    /// Adds one raw `(step, value)` sample.
    pub fn push(&mut self, step: f64, value: f64) {
        let stride = self.stride.max(1);
        let (s, v, n) = self.pending;
        self.pending = (s + step, v + value, n + 1);
        if self.pending.2 >= stride {
            let (s, v, n) = self.pending;
            self.points.push((s / n as f64, v / n as f64));
            self.pending = (0.0, 0.0, 0);
        }
        if self.points.len() >= MAX_POINTS {
            self.points = self
                .points
                .chunks(2)
                .map(|c| {
                    let n = c.len() as f64;
                    (
                        c.iter().map(|p| p.0).sum::<f64>() / n,
                        c.iter().map(|p| p.1).sum::<f64>() / n,
                    )
                })
                .collect();
            self.stride = stride * 2;
        }
    }

    /// Forgets the points after `step` (a run rewound to `step` trains them again).
    pub fn truncate_after(&mut self, step: f64) {
        self.points.retain(|p| p.0 <= step);
        self.pending = (0.0, 0.0, 0);
    }

    /// The latest point.
    pub fn last(&self) -> Option<(f64, f64)> {
        self.points.last().copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn curve_stays_bounded_and_keeps_the_mean() {
        let mut c = Curve::default();
        for k in 0..10_000 {
            c.push(k as f64, 1.0 + (k % 2) as f64);
        }
        assert!(c.points.len() <= MAX_POINTS);
        let mean = c.points.iter().map(|p| p.1).sum::<f64>() / c.points.len() as f64;
        assert!((mean - 1.5).abs() < 1e-9);
        assert!(c.points.windows(2).all(|w| w[0].0 < w[1].0));
        c.truncate_after(5000.0);
        assert!(
            c.last().is_some_and(|p| p.0 <= 5000.0 && p.0 > 4900.0),
            "{:?}",
            c.last()
        );
    }
}
