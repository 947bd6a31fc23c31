//! A small fixed training set: `N` sequences drawn once, then served as minibatches in a
//! cycle, so a model can memorise them and over-fitting shows as a gap between the training
//! and validation losses. Minibatch `k` (0-based) holds sequences `(k·B + j) mod N`,
//! `j = 0 … B−1`: every sequence is seen once per `N / B` steps, in the same order (no
//! shuffling), and a batch larger than `N` repeats sequences.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::{Batch, Task};
use crate::loss::Targets;
use crate::model::Readout;
use crate::{Error, Real};

/// Fewest and most sequences a fixed set may hold.
pub const FIXED_SET_RANGE: std::ops::RangeInclusive<usize> = 8..=4096;

/// `N` sequences of a task, drawn once.
#[derive(Clone, Debug, PartialEq)]
pub struct FixedSet<T> {
    /// The sequences: `x (T, N, I)`, targets `(R, N, ·)`, weights `(R, N)`.
    set: Batch<T>,
    /// Target rows per sequence `R` (1 for a final readout, `T` per step).
    rows: usize,
}

impl<T: Real> FixedSet<T> {
    /// Draws `n` sequences of `task` from a stream seeded with `seed`.
    ///
    /// # Errors
    /// [`Error::Config`] unless `n` is in [`FIXED_SET_RANGE`].
    pub fn new(task: &Task, n: usize, seed: u64) -> Result<Self, Error> {
        if !FIXED_SET_RANGE.contains(&n) {
            return Err(Error::Config(format!(
                "train_n: {n} is not 0 (fresh data) or in {}..={}",
                FIXED_SET_RANGE.start(),
                FIXED_SET_RANGE.end()
            )));
        }
        let mut set = Batch::empty();
        task.fill(&mut ChaCha8Rng::seed_from_u64(seed), n, &mut set);
        let rows = match task.readout() {
            Readout::Final => 1,
            Readout::PerStep => task.seq_len(),
        };
        Ok(Self { set, rows })
    }

    /// Sequences in the set.
    pub fn len(&self) -> usize {
        self.set.b
    }

    /// Always false (a set holds at least 8 sequences).
    pub fn is_empty(&self) -> bool {
        self.set.b == 0
    }

    /// The whole set as one batch.
    pub fn batch(&self) -> &Batch<T> {
        &self.set
    }

    /// Overwrites `batch` with minibatch `k` of `b` sequences (see the module docs).
    pub fn fill(&self, k: u64, b: usize, batch: &mut Batch<T>) {
        let (src, n, t, r) = (&self.set, self.set.b, self.set.t, self.rows);
        let idx = |j: usize| ((k % n as u64) as usize * b + j) % n;
        let i = src.x.len() / (t * n);
        batch.reset_inputs(t, b, t * b * i);
        for step in 0..t {
            for j in 0..b {
                let (d, s) = ((step * b + j) * i, (step * n + idx(j)) * i);
                batch.x[d..d + i].copy_from_slice(&src.x[s..s + i]);
            }
        }
        match &src.targets {
            Targets::Values(v) => {
                let o = v.len() / (r * n);
                let y = super::values_buf(&mut batch.targets, r * b * o);
                for row in 0..r {
                    for j in 0..b {
                        let (d, s) = ((row * b + j) * o, (row * n + idx(j)) * o);
                        y[d..d + o].copy_from_slice(&v[s..s + o]);
                    }
                }
            }
            Targets::Classes(c) => {
                let y = super::classes_buf(&mut batch.targets, r * b);
                for row in 0..r {
                    for j in 0..b {
                        y[row * b + j] = c[row * n + idx(j)];
                    }
                }
            }
        }
        batch.weights = src.weights.as_ref().map(|w| {
            let mut out = batch.weights.take().unwrap_or_default();
            out.clear();
            for row in 0..r {
                out.extend((0..b).map(|j| w[row * n + idx(j)]));
            }
            out
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::task::TaskConfig;

    /// Sequence `s` of `batch` as (inputs over time, targets, weights), for comparisons.
    fn seq(batch: &Batch<f64>, s: usize, rows: usize) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
        let (t, b) = (batch.t, batch.b);
        let i = batch.x.len() / (t * b);
        let x = (0..t)
            .flat_map(|st| batch.x[(st * b + s) * i..(st * b + s + 1) * i].to_vec())
            .collect();
        let y = match &batch.targets {
            Targets::Values(v) => {
                let o = v.len() / (rows * b);
                (0..rows)
                    .flat_map(|r| v[(r * b + s) * o..(r * b + s + 1) * o].to_vec())
                    .collect()
            }
            Targets::Classes(c) => (0..rows).map(|r| c[r * b + s] as f64).collect(),
        };
        let w = batch
            .weights
            .as_ref()
            .map_or(Vec::new(), |w| (0..rows).map(|r| w[r * b + s]).collect());
        (x, y, w)
    }

    #[test]
    fn minibatches_cycle_through_the_set_in_order_for_every_task() {
        for cfg in [
            TaskConfig::Adding { len: 6 },
            TaskConfig::copy_memory(3),
            TaskConfig::sine(7),
            TaskConfig::Latch { len: 5 },
        ] {
            let task = cfg.build().expect("valid");
            let rows = match task.readout() {
                Readout::Final => 1,
                Readout::PerStep => task.seq_len(),
            };
            let set = FixedSet::<f64>::new(&task, 10, 3).expect("valid");
            let mut mb = Batch::empty();
            for k in [0u64, 1, 2, 7] {
                set.fill(k, 4, &mut mb);
                for j in 0..4 {
                    let want = (k as usize * 4 + j) % 10;
                    assert_eq!(
                        seq(&mb, j, rows),
                        seq(set.batch(), want, rows),
                        "{cfg:?} minibatch {k} row {j}"
                    );
                }
            }
            // A batch larger than the set repeats it.
            set.fill(0, 12, &mut mb);
            assert_eq!(seq(&mb, 11, rows), seq(set.batch(), 1, rows));
        }
        let task = TaskConfig::Adding { len: 6 }.build().expect("valid");
        assert!(FixedSet::<f32>::new(&task, 7, 1).is_err());
        assert!(FixedSet::<f32>::new(&task, 4097, 1).is_err());
    }
}
