//! Delayed recall, the "latch" (Bengio, Simard & Frasconi 1994): a bit shown at step 0 must
//! be reported at the end, after `T − 1` steps of noise.
//!
//! Two input channels: channel 0 is the cue, `±1` at step 0 and 0 afterwards; channel 1 is
//! distractor noise `U(−1, 1)` at steps `1 … T−1` (0 at step 0). The target is the class of the
//! bit (`−1` → 0, `+1` → 1), read at the final step.
//!
//! **Baseline.** The bit is a fair coin independent of the noise, so the best prediction
//! that does not remember step 0 is `(½, ½)`: cross-entropy `ln 2`, accuracy `½`.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::{classes_buf, Baseline, Batch, MAX_SEQ_LEN};
use crate::loss::LossKind;
use crate::model::Readout;
use crate::{Error, Real};

/// The latch over `T` steps (the knob: how long the bit has to be held).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LatchTask {
    len: usize,
}

impl LatchTask {
    /// A latch of `len` steps.
    ///
    /// # Errors
    /// [`Error::Config`] unless `2 ≤ len ≤` [`MAX_SEQ_LEN`].
    pub fn new(len: usize) -> Result<Self, Error> {
        if !(2..=MAX_SEQ_LEN).contains(&len) {
            return Err(Error::Config(format!(
                "latch length: {len} is not in 2..={MAX_SEQ_LEN}"
            )));
        }
        Ok(Self { len })
    }
    /// Cue and noise.
    pub fn input_size(&self) -> usize {
        2
    }
    /// Two classes.
    pub fn output_size(&self) -> usize {
        2
    }
    /// `T`.
    pub fn seq_len(&self) -> usize {
        self.len
    }
    /// Cross-entropy.
    pub fn loss(&self) -> LossKind {
        LossKind::CrossEntropy
    }
    /// Read at the final step.
    pub fn readout(&self) -> Readout {
        Readout::Final
    }
    /// `ln 2`, chance `½`.
    pub fn baseline(&self) -> Baseline {
        Baseline {
            loss: 2f64.ln(),
            accuracy: Some(0.5),
        }
    }

    /// Fills `batch` with `b` sequences drawn from `rng`; targets are `(1, B)` classes.
    pub fn fill<T: Real>(&self, rng: &mut ChaCha8Rng, b: usize, batch: &mut Batch<T>) {
        let t = self.len;
        batch.reset_inputs(t, b, t * b * 2); // (T, B, 2)
        batch.weights = None;
        let y = classes_buf(&mut batch.targets, b); // (1, B)
        for (s, ys) in y.iter_mut().enumerate() {
            let bit = rng.gen_range(0..2);
            batch.x[s * 2] = T::of(if bit == 1 { 1.0 } else { -1.0 });
            for step in 1..t {
                batch.x[(step * b + s) * 2 + 1] = T::of(rng.gen_range(-1.0..1.0));
            }
            *ys = bit;
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
        let task = LatchTask::new(20).unwrap();
        let b = 9;
        let mut batch = Batch::<f64>::empty();
        task.fill(&mut ChaCha8Rng::seed_from_u64(6), b, &mut batch);
        let Targets::Classes(y) = &batch.targets else {
            panic!("classes expected")
        };
        for (s, &ys) in y.iter().enumerate() {
            let x = |step: usize, c: usize| batch.x[(step * b + s) * 2 + c];
            assert_eq!(x(0, 0), if ys == 1 { 1.0 } else { -1.0 });
            assert_eq!(x(0, 1), 0.0);
            for step in 1..20 {
                assert_eq!(x(step, 0), 0.0);
                assert!((-1.0..1.0).contains(&x(step, 1)) && x(step, 1) != 0.0);
            }
        }
    }

    #[test]
    fn baseline_is_the_loss_of_the_best_constant() {
        let task = LatchTask::new(3).unwrap();
        let mut batch = Batch::<f32>::empty();
        let (mut ones, mut total) = (0.0, 0.0);
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        for _ in 0..200 {
            task.fill(&mut rng, 256, &mut batch);
            let Targets::Classes(y) = &batch.targets else {
                panic!()
            };
            ones += y.iter().filter(|&&c| c == 1).count() as f64;
            total += y.len() as f64;
        }
        let p: f64 = ones / total;
        let entropy = -p * p.ln() - (1.0 - p) * (1.0 - p).ln();
        assert!((entropy - task.baseline().loss).abs() < 1e-4, "{entropy}");
    }

    #[test]
    fn rejects_lengths_out_of_range() {
        assert!(LatchTask::new(1).is_err());
        assert!(LatchTask::new(2001).is_err());
    }
}
