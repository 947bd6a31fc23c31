//! The adding problem (Hochreiter & Schmidhuber 1997), exactly as the benchmark SPEC §1–2
//! fixes it: channel 0 is `U[0, 1)` noise, channel 1 marks one step in each half, the target
//! is the sum of the two marked values. Predicting the mean (1) scores MSE = Var(U+U) = 1/6.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::{values_buf, Baseline, Batch, Mulberry32, MAX_SEQ_LEN};
use crate::loss::LossKind;
use crate::model::Readout;
use crate::{Error, Real};

/// Adding problem of length `T` (the difficulty knob: the two marked steps can be up to
/// `T − 1` apart).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddingTask {
    len: usize,
}

impl AddingTask {
    /// A task of length `len`.
    ///
    /// # Errors
    /// [`Error::Config`] unless `2 ≤ len ≤` [`MAX_SEQ_LEN`].
    pub fn new(len: usize) -> Result<Self, Error> {
        if !(2..=MAX_SEQ_LEN).contains(&len) {
            return Err(Error::Config(format!(
                "adding problem length: {len} is not in 2..={MAX_SEQ_LEN}"
            )));
        }
        Ok(Self { len })
    }
    /// Inputs: value and marker.
    pub fn input_size(&self) -> usize {
        2
    }
    /// One regression output.
    pub fn output_size(&self) -> usize {
        1
    }
    /// `T`.
    pub fn seq_len(&self) -> usize {
        self.len
    }
    /// MSE.
    pub fn loss(&self) -> LossKind {
        LossKind::Mse
    }
    /// Read at the final step.
    pub fn readout(&self) -> Readout {
        Readout::Final
    }
    /// 1/6, the variance of the sum of two uniforms.
    pub fn baseline(&self) -> Baseline {
        Baseline {
            loss: 1.0 / 6.0,
            accuracy: None,
        }
    }
    /// Fills `batch` with `b` sequences drawn from `rng`, in SPEC §2's draw order.
    pub fn fill<T: Real>(&self, rng: &mut ChaCha8Rng, b: usize, batch: &mut Batch<T>) {
        self.fill_with(|| rng.gen::<f64>(), b, batch);
    }
    /// Fills `batch` from the SPEC's mulberry32 stream: with seed 42 this reproduces the
    /// benchmark data of the TF.js and PyTorch peers exactly.
    pub fn fill_spec<T: Real>(&self, rng: &mut Mulberry32, b: usize, batch: &mut Batch<T>) {
        self.fill_with(|| rng.uniform(), b, batch);
    }

    fn fill_with<T: Real>(&self, mut uniform: impl FnMut() -> f64, b: usize, batch: &mut Batch<T>) {
        let t = self.len;
        let half = t / 2;
        batch.reset_inputs(t, b, t * b * 2); // (T, B, 2)
        batch.weights = None;
        let y = values_buf(&mut batch.targets, b); // (1, B, 1)
        for (s, ys) in y.iter_mut().enumerate() {
            for step in 0..t {
                batch.x[(step * b + s) * 2] = T::of(f64::from(uniform() as f32));
            }
            let i1 = (uniform() * half as f64).floor() as usize;
            let i2 = half + (uniform() * (t - half) as f64).floor() as usize;
            let (i1, i2) = (i1.min(half.saturating_sub(1)), i2.min(t - 1));
            batch.x[(i1 * b + s) * 2 + 1] = T::one();
            batch.x[(i2 * b + s) * 2 + 1] = T::one();
            let sum =
                batch.x[(i1 * b + s) * 2].f64() as f32 + batch.x[(i2 * b + s) * 2].f64() as f32;
            *ys = T::of(f64::from(sum));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::loss::Targets;

    #[test]
    // The SPEC's check values as it prints them (9 digits; the f32 they round to is compared).
    #[allow(clippy::excessive_precision)]
    fn reproduces_the_spec_check_values() {
        let task = AddingTask::new(50).unwrap();
        let mut batch = Batch::<f32>::empty();
        task.fill_spec(&mut Mulberry32::new(42), 2, &mut batch);
        let x = |t: usize, s: usize, c: usize| batch.x[(t * 2 + s) * 2 + c];
        assert_eq!(
            [x(0, 0, 0), x(1, 0, 0), x(2, 0, 0)],
            [0.601_103_723, 0.448_290_557, 0.852_465_808]
        );
        assert_eq!(
            [x(0, 1, 0), x(1, 1, 0), x(2, 1, 0)],
            [0.680_768_907, 0.693_088_114, 0.927_839_875]
        );
        let marks = |s: usize| (0..50).filter(|&t| x(t, s, 1) == 1.0).collect::<Vec<_>>();
        assert_eq!(marks(0), [1, 41]);
        assert_eq!(marks(1), [24, 29]);
        assert_eq!(
            batch.targets,
            Targets::Values(vec![1.093_984_96, 1.159_039_26])
        );
    }

    #[test]
    fn rejects_lengths_out_of_range() {
        assert!(AddingTask::new(1).is_err());
        assert!(AddingTask::new(5000).is_err());
    }
}
