//! Parity: the XOR of a sequence of `T` random bits, classified at the final step.
//!
//! One input channel holding the bit `b_t ∈ {0, 1}`; the target is `(Σ_t b_t) mod 2`. Every
//! bit matters equally, so the gradient has to reach the first step as well as the last.
//!
//! **Baseline.** With i.i.d. fair bits the parity is a fair coin and independent of any
//! proper subset of the bits (flipping the one bit left out flips it), so a model that
//! misses even one bit can do no better than `(½, ½)`: cross-entropy `ln 2`, accuracy `½`.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::{classes_buf, Baseline, Batch, MAX_SEQ_LEN};
use crate::loss::LossKind;
use crate::model::Readout;
use crate::{Error, Real};

/// Parity of `T` bits (the knob).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParityTask {
    len: usize,
}

impl ParityTask {
    /// Parity over `len` bits.
    ///
    /// # Errors
    /// [`Error::Config`] unless `1 ≤ len ≤` [`MAX_SEQ_LEN`].
    pub fn new(len: usize) -> Result<Self, Error> {
        if !(1..=MAX_SEQ_LEN).contains(&len) {
            return Err(Error::Config(format!(
                "parity length: {len} is not in 1..={MAX_SEQ_LEN}"
            )));
        }
        Ok(Self { len })
    }
    /// One bit per step.
    pub fn input_size(&self) -> usize {
        1
    }
    /// Two classes (even, odd).
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
        batch.reset_inputs(t, b, t * b); // (T, B, 1)
        batch.weights = None;
        let y = classes_buf(&mut batch.targets, b); // (1, B)
        for (s, ys) in y.iter_mut().enumerate() {
            let mut parity = 0;
            for step in 0..t {
                let bit = rng.gen_range(0..2);
                parity ^= bit;
                batch.x[step * b + s] = T::of(bit as f64);
            }
            *ys = parity;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::loss::Targets;
    use rand::SeedableRng;

    #[test]
    fn target_is_the_xor_of_the_bits() {
        let task = ParityTask::new(13).unwrap();
        let b = 32;
        let mut batch = Batch::<f64>::empty();
        task.fill(&mut ChaCha8Rng::seed_from_u64(8), b, &mut batch);
        let Targets::Classes(y) = &batch.targets else {
            panic!("classes expected")
        };
        for (s, &ys) in y.iter().enumerate() {
            let bits: Vec<f64> = (0..13).map(|step| batch.x[step * b + s]).collect();
            assert!(bits.iter().all(|&v| v == 0.0 || v == 1.0));
            assert_eq!(ys, bits.iter().sum::<f64>() as usize % 2);
        }
    }

    #[test]
    fn baseline_is_the_loss_of_the_best_constant() {
        let task = ParityTask::new(5).unwrap();
        let mut batch = Batch::<f32>::empty();
        let (mut odd, mut total) = (0.0, 0.0);
        let mut rng = ChaCha8Rng::seed_from_u64(9);
        for _ in 0..200 {
            task.fill(&mut rng, 256, &mut batch);
            let Targets::Classes(y) = &batch.targets else {
                panic!()
            };
            odd += y.iter().sum::<usize>() as f64;
            total += y.len() as f64;
        }
        let p: f64 = odd / total;
        let entropy = -p * p.ln() - (1.0 - p) * (1.0 - p).ln();
        assert!((entropy - task.baseline().loss).abs() < 1e-4, "{entropy}");
    }

    #[test]
    fn rejects_lengths_out_of_range() {
        assert!(ParityTask::new(0).is_err());
        assert!(ParityTask::new(2001).is_err());
    }
}
