//! The copy-memory task (after Hochreiter & Schmidhuber 1997, in the form of Arjovsky, Shah &
//! Bengio 2016): read `n` symbols, wait `delay` blank steps, see a go marker, then write the
//! `n` symbols back in order.
//!
//! ```text
//! step:    0 … n−1 | n … n+delay−1 | n+delay | n+delay+1 … 2n+delay
//! input:   a_0 … a_{n−1} | blank …   | go      | blank …
//! target:  (unscored)             …            | a_0 … a_{n−1}
//! ```
//!
//! `T = 2n + delay + 1`. Inputs are one-hot over `K + 2` channels: symbols `0..K`, blank `K`,
//! go `K + 1`. The head reads every step (`Readout::PerStep`) with `K` classes; only the `n`
//! recall steps are scored (per-row weights 1 there, 0 elsewhere; the unscored rows carry the
//! placeholder class 0).
//!
//! **Baseline.** Each scored target `a_k` is uniform on `K` symbols and independent of the
//! step index, so no prediction that ignores the stored symbols beats the uniform
//! distribution: cross-entropy `ln K`, accuracy `1/K`.
//!
//! **Deviation from Arjovsky et al.**, who score *all* `T` steps against a `K + 1`-class output
//! (blank included). There a memoryless model that outputs blank until the go marker and then
//! uniform symbols scores `n ln K / T`; our recall-only loss `L` corresponds to their `n L / T`
//! for a model that gets the blanks right. Scoring only the recall keeps the baseline
//! independent of the delay, so the difficulty slider does not move the line to beat.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::{classes_buf, Baseline, Batch, MAX_SEQ_LEN};
use crate::loss::LossKind;
use crate::model::Readout;
use crate::{Error, Real};

/// Copy memory with `n` symbols from an alphabet of `K`, recalled after `delay` blanks (the
/// difficulty knob).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CopyMemoryTask {
    symbols: usize,
    alphabet: usize,
    delay: usize,
}

impl CopyMemoryTask {
    /// `symbols` (`n`) to copy from an alphabet of `alphabet` (`K`) after `delay` blank steps.
    ///
    /// # Errors
    /// [`Error::Config`] unless `1 ≤ n ≤ 100`, `2 ≤ K ≤ 64` and `T = 2n + delay + 1 ≤` [`MAX_SEQ_LEN`].
    pub fn new(symbols: usize, alphabet: usize, delay: usize) -> Result<Self, Error> {
        let bad = |m: String| Err(Error::Config(format!("copy memory {m}")));
        if !(1..=100).contains(&symbols) {
            return bad(format!("symbols: {symbols} is not in 1..=100"));
        }
        if !(2..=64).contains(&alphabet) {
            return bad(format!("alphabet: {alphabet} is not in 2..=64"));
        }
        if delay > MAX_SEQ_LEN || Self::seq_len_for(symbols, delay) > MAX_SEQ_LEN {
            return bad(format!(
                "delay: {delay} makes the sequence longer than {MAX_SEQ_LEN} steps"
            ));
        }
        Ok(Self {
            symbols,
            alphabet,
            delay,
        })
    }
    /// One-hot channels: `K` symbols, blank, go.
    pub fn input_size(&self) -> usize {
        self.alphabet + 2
    }
    /// `K` classes (the symbols).
    pub fn output_size(&self) -> usize {
        self.alphabet
    }
    /// `T = 2n + delay + 1` ([`CopyMemoryTask::seq_len_for`]).
    pub fn seq_len(&self) -> usize {
        Self::seq_len_for(self.symbols, self.delay)
    }
    /// The sequence length with `symbols` (`n`) and `delay`: `T = 2n + delay + 1` (the `n`
    /// symbols, `delay` blanks, the go marker, `n` recall steps). The one place this formula is
    /// written (a sweep over delays reads its lengths here).
    pub fn seq_len_for(symbols: usize, delay: usize) -> usize {
        2 * symbols + delay + 1
    }
    /// Cross-entropy.
    pub fn loss(&self) -> LossKind {
        LossKind::CrossEntropy
    }
    /// Read at every step (only the recall steps are weighted).
    pub fn readout(&self) -> Readout {
        Readout::PerStep
    }
    /// `ln K` and chance `1/K` (see the module docs).
    pub fn baseline(&self) -> Baseline {
        let k = self.alphabet as f64;
        Baseline {
            loss: k.ln(),
            accuracy: Some(1.0 / k),
        }
    }
    /// First recall step, `n + delay + 1` (the step after the go marker).
    pub fn recall_start(&self) -> usize {
        self.symbols + self.delay + 1
    }

    /// Fills `batch` with `b` sequences drawn from `rng`; targets and weights are `(T, B)`.
    pub fn fill<T: Real>(&self, rng: &mut ChaCha8Rng, b: usize, batch: &mut Batch<T>) {
        let (n, k, t) = (self.symbols, self.alphabet, self.seq_len());
        let i = self.input_size();
        let (blank, go, recall) = (k, k + 1, self.recall_start());
        batch.reset_inputs(t, b, t * b * i); // (T, B, K+2)
        let w = batch.weights.get_or_insert_with(Vec::new);
        w.clear();
        w.resize(t * b, T::zero()); // (T, B)
        for row in &mut w[recall * b..] {
            *row = T::one();
        }
        let y = classes_buf(&mut batch.targets, t * b); // (T, B)
        for s in 0..b {
            for step in 0..n {
                let a = rng.gen_range(0..k);
                batch.x[(step * b + s) * i + a] = T::one();
                y[(recall + step) * b + s] = a;
            }
            for step in n..t {
                let c = if step == recall - 1 { go } else { blank };
                batch.x[(step * b + s) * i + c] = T::one();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::loss::Targets;
    use rand::SeedableRng;

    #[test]
    fn sequences_have_the_documented_structure() {
        let task = CopyMemoryTask::new(3, 4, 5).unwrap();
        assert_eq!(task.seq_len(), 12);
        let (b, i) = (7, task.input_size());
        let mut batch = Batch::<f64>::empty();
        task.fill(&mut ChaCha8Rng::seed_from_u64(1), b, &mut batch);
        assert_eq!((batch.t, batch.b, batch.x.len()), (12, b, 12 * b * i));
        let Targets::Classes(y) = &batch.targets else {
            panic!("classes expected")
        };
        let w = batch.weights.as_ref().unwrap();
        for s in 0..b {
            let hot = |step: usize| {
                let row = &batch.x[(step * b + s) * i..(step * b + s + 1) * i];
                assert_eq!(row.iter().sum::<f64>(), 1.0, "one-hot at step {step}");
                row.iter().position(|&v| v == 1.0).unwrap()
            };
            for step in 0..12 {
                let c = hot(step);
                match step {
                    0..=2 => assert_eq!(y[(9 + step) * b + s], c, "recall of symbol {step}"),
                    8 => assert_eq!(c, 5, "go marker"),
                    _ => assert_eq!(c, 4, "blank"),
                }
                assert_eq!(w[step * b + s], if step >= 9 { 1.0 } else { 0.0 });
            }
        }
    }

    #[test]
    fn baseline_is_the_loss_of_the_best_constant() {
        // Empirical class frequencies over the scored rows give the best constant
        // distribution; its cross-entropy is their entropy, which must be ≈ ln K.
        let task = CopyMemoryTask::new(4, 6, 10).unwrap();
        let mut batch = Batch::<f32>::empty();
        let mut counts = [0.0f64; 6];
        let mut rng = ChaCha8Rng::seed_from_u64(2);
        for _ in 0..50 {
            task.fill(&mut rng, 256, &mut batch);
            let Targets::Classes(y) = &batch.targets else {
                panic!()
            };
            let w = batch.weights.as_ref().unwrap();
            y.iter()
                .zip(w)
                .filter(|(_, &w)| w > 0.0)
                .for_each(|(&c, _)| counts[c] += 1.0);
        }
        let total: f64 = counts.iter().sum();
        let entropy: f64 = counts
            .iter()
            .map(|&c| -(c / total) * (c / total).ln())
            .sum();
        assert!((entropy - task.baseline().loss).abs() < 1e-3, "{entropy}");
    }

    #[test]
    fn refills_reuse_the_buffers() {
        let task = CopyMemoryTask::new(2, 3, 4).unwrap();
        let mut batch = Batch::<f32>::empty();
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        task.fill(&mut rng, 8, &mut batch);
        let ptrs = (batch.x.as_ptr(), batch.weights.as_ref().unwrap().as_ptr());
        task.fill(&mut rng, 8, &mut batch);
        assert_eq!(
            ptrs,
            (batch.x.as_ptr(), batch.weights.as_ref().unwrap().as_ptr())
        );
    }

    #[test]
    fn rejects_out_of_range_settings() {
        assert!(CopyMemoryTask::new(0, 4, 5).is_err());
        assert!(CopyMemoryTask::new(3, 1, 5).is_err());
        assert!(CopyMemoryTask::new(3, 4, 1998).is_err());
        assert!(CopyMemoryTask::new(3, 4, usize::MAX).is_err());
    }
}
