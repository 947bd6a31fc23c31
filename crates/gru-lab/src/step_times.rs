//! One run's recent training-step durations and their median: the "ms/step" the cost table
//! and question 4 quote. A median of the last [`WINDOW`] steps, not a moving average: a step
//! the worker was descheduled in (10–15 ms against 0.2 ms) would swing an average for dozens of
//! steps, and a clock coarsened to 0.1 ms reads some steps as 0.

/// Steps in the window.
pub const WINDOW: usize = 63;

/// The last [`WINDOW`] step durations (ms), a ring: fixed size, so recording allocates nothing.
#[derive(Clone, Debug)]
pub struct StepTimes {
    ms: [f64; WINDOW],
    /// Durations recorded, at most `WINDOW` kept.
    len: usize,
    /// Where the next duration goes.
    next: usize,
}

impl Default for StepTimes {
    fn default() -> Self {
        Self {
            ms: [0.0; WINDOW],
            len: 0,
            next: 0,
        }
    }
}

impl StepTimes {
    /// Records one step's duration (ms).
    pub fn push(&mut self, ms: f64) {
        self.ms[self.next] = ms;
        self.next = (self.next + 1) % WINDOW;
        self.len = (self.len + 1).min(WINDOW);
    }

    /// The median of the kept durations (the mean of the middle two for an even count);
    /// `None` before the first step.
    pub fn median(&self) -> Option<f64> {
        if self.len == 0 {
            return None;
        }
        let mut kept = self.ms;
        let kept = &mut kept[..self.len];
        kept.sort_by(f64::total_cmp);
        let mid = self.len / 2;
        Some(if self.len % 2 == 1 {
            kept[mid]
        } else {
            0.5 * (kept[mid - 1] + kept[mid])
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_ignores_a_descheduled_step_and_keeps_the_last_window() {
        let mut t = StepTimes::default();
        assert_eq!(t.median(), None);
        t.push(0.2);
        assert_eq!(t.median(), Some(0.2));
        t.push(0.4);
        assert!(
            (t.median().unwrap() - 0.3).abs() < 1e-15,
            "even count: middle two"
        );
        // One 15-ms outlier among steady 0.2-ms steps does not move it.
        for _ in 0..20 {
            t.push(0.2);
        }
        t.push(15.0);
        assert_eq!(t.median(), Some(0.2));
        // Only the last WINDOW steps count: a slower model's steps replace the old ones.
        for _ in 0..WINDOW {
            t.push(1.0);
        }
        assert_eq!(t.median(), Some(1.0));
    }
}
