//! Time travel's memory: snapshots of a run's state taken every `every` training steps, in a
//! fixed number of slots. When the slots are full, every other snapshot is dropped (those at
//! odd multiples of `every`) and `every` doubles, so the kept snapshots always cover the whole
//! run, from step 0 to at most `every` steps before the latest, evenly spaced, oldest first.
//!
//! With capacity `K` (even) and a first spacing `N`, after `n` steps the spacing is the
//! smallest `N·2^j` with `n / (N·2^j) < K`, so at most `K` snapshots are ever held and the
//! memory is `K` times one state, whatever the run's length. Dropped states are kept in a
//! pool and reused, so recording allocates nothing once the pool is warm.

/// Slots per run. Even, so that after thinning the next multiple of the doubled spacing fits.
pub const CAPACITY: usize = 32;
/// Spacing of the first snapshots, in training steps.
pub const FIRST_EVERY: u64 = 25;

/// Snapshots of type `S` (one run's state, or all runs' at one step) by training step.
#[derive(Clone, Debug)]
pub struct Timeline<S> {
    /// `(step, state)`, steps strictly increasing, each `origin` + a multiple of `every`.
    kept: Vec<(u64, S)>,
    /// The first recorded step (0, or the step a loaded run starts at).
    origin: u64,
    /// Current spacing in steps.
    every: u64,
    /// Spacing of the first snapshots.
    first_every: u64,
    /// Most snapshots held (even, ≥ 2).
    capacity: usize,
    /// Dropped states, reused by [`Timeline::record`].
    pool: Vec<S>,
}

impl<S: Default> Timeline<S> {
    /// An empty timeline taking a snapshot every `every` steps (at least 1) in `capacity`
    /// slots (rounded up to an even number, at least 2).
    pub fn new(every: u64, capacity: usize) -> Self {
        let capacity = capacity.max(2).next_multiple_of(2);
        Self {
            kept: Vec::with_capacity(capacity),
            origin: 0,
            every: every.max(1),
            first_every: every.max(1),
            capacity,
            pool: Vec::new(),
        }
    }

    /// Whether a run that has just completed `step` steps should be recorded: the first
    /// record, then every `every` steps after it.
    pub fn due(&self, step: u64) -> bool {
        match self.kept.last() {
            None => true,
            Some(&(last, _)) => step > last && (step - self.origin).is_multiple_of(self.every),
        }
    }

    /// Records the state at `step` when [`Timeline::due`]: thins first if the slots are full,
    /// then `fill` writes the state into a (possibly reused) value. Returns whether it recorded.
    pub fn record(&mut self, step: u64, fill: impl FnOnce(&mut S)) -> bool {
        if !self.due(step) {
            return false;
        }
        if self.kept.len() == self.capacity {
            self.thin();
            if !self.due(step) {
                return false;
            }
        }
        if self.kept.is_empty() {
            self.origin = step;
        }
        let mut s = self.pool.pop().unwrap_or_default();
        fill(&mut s);
        self.kept.push((step, s));
        true
    }

    /// Drops the snapshots at odd multiples of the spacing and doubles it.
    fn thin(&mut self) {
        let every = self.every.saturating_mul(2);
        let mut i = 0;
        while i < self.kept.len() {
            if (self.kept[i].0 - self.origin).is_multiple_of(every) {
                i += 1;
            } else {
                let (_, s) = self.kept.remove(i);
                self.pool.push(s);
            }
        }
        self.every = every;
    }

    /// The state recorded at exactly `step`.
    pub fn get(&self, step: u64) -> Option<&S> {
        self.kept
            .binary_search_by_key(&step, |&(s, _)| s)
            .ok()
            .map(|i| &self.kept[i].1)
    }

    /// Forgets every snapshot after `step` (a run rewound to `step` goes on from there); the
    /// spacing stays. The first snapshot is never forgotten.
    pub fn truncate_after(&mut self, step: u64) {
        while self.kept.len() > 1 && self.kept.last().is_some_and(|&(s, _)| s > step) {
            if let Some((_, s)) = self.kept.pop() {
                self.pool.push(s);
            }
        }
    }

    /// The recorded steps, oldest first.
    pub fn steps(&self) -> Vec<u64> {
        self.kept.iter().map(|&(s, _)| s).collect()
    }

    /// Snapshots held.
    pub fn len(&self) -> usize {
        self.kept.len()
    }

    /// Whether nothing is recorded.
    pub fn is_empty(&self) -> bool {
        self.kept.is_empty()
    }

    /// The current spacing in steps.
    pub fn every(&self) -> u64 {
        self.every
    }

    /// Most snapshots held.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// The spacing of the first snapshots.
    pub fn first_every(&self) -> u64 {
        self.first_every
    }

    /// Forgets everything (states go to the pool) and starts over at the first spacing.
    pub fn clear(&mut self) {
        self.pool.extend(self.kept.drain(..).map(|(_, s)| s));
        self.every = self.first_every;
        self.origin = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Records steps `0..=n` (as a run does after each step) with the step as the state.
    fn run(t: &mut Timeline<u64>, from: u64, n: u64) {
        for step in from..=n {
            t.record(step, |s| *s = step);
        }
    }

    #[test]
    fn the_bound_is_never_exceeded_and_the_whole_run_stays_covered() {
        for (every, cap) in [(1, 2), (3, 4), (25, 32), (10, 7)] {
            let mut t = Timeline::new(every, cap);
            for n in 0..3000 {
                run(&mut t, n, n);
                let steps = t.steps();
                assert!(
                    steps.len() <= t.capacity(),
                    "{every}/{cap} at {n}: {steps:?}"
                );
                assert_eq!(steps[0], 0, "step 0 is always kept");
                let last = *steps.last().expect("non-empty");
                assert!(
                    n - last < t.every(),
                    "the latest snapshot is within one spacing of step {n}: {steps:?}"
                );
                assert!(
                    steps
                        .windows(2)
                        .all(|w| w[0] < w[1] && w[1] - w[0] == t.every()),
                    "strictly increasing, evenly spaced: {steps:?}"
                );
                assert!(
                    steps.iter().all(|&s| t.get(s) == Some(&s)),
                    "states match steps"
                );
            }
            if every == 25 {
                assert!(
                    t.len() > t.capacity() / 2,
                    "thinning keeps at least half the slots"
                );
            }
        }
    }

    #[test]
    fn thinning_keeps_order_and_reuses_dropped_states() {
        let mut t = Timeline::new(1, 4);
        run(&mut t, 0, 3);
        assert_eq!(t.steps(), [0, 1, 2, 3]);
        run(&mut t, 4, 4);
        assert_eq!(t.steps(), [0, 2, 4], "odd steps dropped, spacing 2");
        assert_eq!(t.pool.len(), 1, "one dropped state reused for step 4");
        run(&mut t, 5, 8);
        assert_eq!(t.steps(), [0, 4, 8]);
        assert_eq!(t.every(), 4);
    }

    #[test]
    fn truncating_forgets_the_future_and_recording_goes_on_from_there() {
        let mut t = Timeline::new(10, 32);
        run(&mut t, 0, 200);
        t.truncate_after(55);
        assert_eq!(t.steps(), [0, 10, 20, 30, 40, 50]);
        assert!(!t.due(55) && t.due(60));
        run(&mut t, 56, 70);
        assert_eq!(t.steps(), [0, 10, 20, 30, 40, 50, 60, 70]);
        assert_eq!(t.get(70), Some(&70));
        assert_eq!(t.get(65), None);
    }

    #[test]
    fn a_loaded_run_is_covered_from_its_own_first_step() {
        let mut t = Timeline::new(10, 4);
        run(&mut t, 1234, 1300);
        assert_eq!(t.steps(), [1234, 1254, 1274, 1294]);
        t.clear();
        assert!(t.is_empty() && t.every() == 10);
        run(&mut t, 7, 27);
        assert_eq!(t.steps(), [7, 17, 27]);
    }

    #[test]
    fn a_step_is_recorded_once() {
        let mut t = Timeline::new(5, 8);
        assert!(t.record(0, |s| *s = 1));
        assert!(
            !t.record(0, |s| *s = 2),
            "the same step again is not recorded"
        );
        assert!(!t.record(3, |s| *s = 3), "not a multiple of the spacing");
        assert_eq!((t.len(), t.get(0)), (1, Some(&1)));
    }
}
