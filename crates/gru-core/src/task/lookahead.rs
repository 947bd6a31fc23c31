//! Lookahead: at each step, report the input `d` steps AHEAD. A task that needs future context.
//!
//! Each sequence is `T` independent values `x_t ~ U(−1, 1)`. The target at step `t` is
//!
//! ```text
//! y_t = x_{t+d}      for t = 0 … T−1−d   (scored, weight 1)
//! y_t = 0            for t = T−d … T−1   (past the end: weight 0, not scored)
//! ```
//!
//! (per-step MSE, weighted mean over the scored rows).
//!
//! **Baseline** (best prediction without the future). The inputs are independent, so whatever a
//! one-way model has read up to step `t` (`x_0 … x_t`) says nothing about `x_{t+d}`: its best
//! prediction is the mean `E[x] = 0`, and its MSE is the variance of `U(−1, 1)`, `1/3`, at every
//! scored step. A one-way model cannot get below `1/3`; a bidirectional one reads `x_{t+d}` in
//! its backward direction `d` steps before it reaches step `t` and only has to hold it for `d`
//! steps, so it can get near 0.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::{values_buf, Baseline, Batch, MAX_SEQ_LEN};
use crate::loss::LossKind;
use crate::model::Readout;
use crate::{Error, Real};

/// Most steps ahead the task asks for.
pub const MAX_AHEAD: usize = 16;

/// "Report `x_{t+d}` at step `t`" over `T` steps (the knob), `d` steps ahead.
#[derive(Clone, Debug, PartialEq)]
pub struct LookaheadTask {
    len: usize,
    ahead: usize,
}

impl LookaheadTask {
    /// `len` steps, target `ahead` steps ahead.
    ///
    /// # Errors
    /// [`Error::Config`] unless `1 ≤ ahead ≤ 16` and `ahead + 1 ≤ len ≤` [`MAX_SEQ_LEN`] (at least one
    /// scored step).
    pub fn new(len: usize, ahead: usize) -> Result<Self, Error> {
        if !(1..=MAX_AHEAD).contains(&ahead) {
            return Err(Error::Config(format!(
                "lookahead ahead: {ahead} is not in 1..={MAX_AHEAD}"
            )));
        }
        if !(ahead + 1..=MAX_SEQ_LEN).contains(&len) {
            return Err(Error::Config(format!(
                "lookahead length: {len} is not in {}..={MAX_SEQ_LEN}",
                ahead + 1
            )));
        }
        Ok(Self { len, ahead })
    }
    /// The current value `x_t`.
    pub fn input_size(&self) -> usize {
        1
    }
    /// The prediction of `x_{t+d}`.
    pub fn output_size(&self) -> usize {
        1
    }
    /// `T`.
    pub fn seq_len(&self) -> usize {
        self.len
    }
    /// `d`.
    pub fn ahead(&self) -> usize {
        self.ahead
    }
    /// MSE.
    pub fn loss(&self) -> LossKind {
        LossKind::Mse
    }
    /// Read at every step.
    pub fn readout(&self) -> Readout {
        Readout::PerStep
    }
    /// `1/3`, the variance of `U(−1, 1)`: the best a model without the future can do.
    pub fn baseline(&self) -> Baseline {
        Baseline {
            loss: 1.0 / 3.0,
            accuracy: None,
        }
    }

    /// Fills `batch` with `b` sequences drawn from `rng`; inputs, targets and weights are
    /// `(T, B)` (one channel).
    pub fn fill<T: Real>(&self, rng: &mut ChaCha8Rng, b: usize, batch: &mut Batch<T>) {
        let (t, d) = (self.len, self.ahead);
        batch.reset_inputs(t, b, t * b);
        for v in batch.x.iter_mut() {
            *v = T::of(rng.gen_range(-1.0..1.0));
        }
        let y = values_buf(&mut batch.targets, t * b);
        y[..(t - d) * b].copy_from_slice(&batch.x[d * b..]);
        let w = batch.weights.get_or_insert_with(Vec::new);
        w.clear();
        w.resize(t * b, T::zero());
        w[..(t - d) * b].fill(T::one());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::loss::Targets;
    use rand::SeedableRng;

    #[test]
    fn targets_are_the_inputs_d_steps_ahead_and_the_tail_is_unscored() {
        let (t, d, b) = (12, 3, 4);
        let task = LookaheadTask::new(t, d).unwrap();
        let mut batch = Batch::<f64>::empty();
        task.fill(&mut ChaCha8Rng::seed_from_u64(5), b, &mut batch);
        let Targets::Values(y) = &batch.targets else {
            panic!("values expected")
        };
        let w = batch.weights.as_ref().unwrap();
        assert_eq!((batch.x.len(), y.len(), w.len()), (t * b, t * b, t * b));
        for s in 0..b {
            for step in 0..t {
                let r = step * b + s;
                if step + d < t {
                    assert_eq!((y[r], w[r]), (batch.x[(step + d) * b + s], 1.0));
                } else {
                    assert_eq!((y[r], w[r]), (0.0, 0.0), "step {step}");
                }
            }
        }
        assert!(batch.x.iter().all(|v| (-1.0..1.0).contains(v)));
    }

    #[test]
    fn baseline_is_the_variance_of_the_scored_targets() {
        let task = LookaheadTask::new(30, 2).unwrap();
        let mut batch = Batch::<f64>::empty();
        let mut rng = ChaCha8Rng::seed_from_u64(6);
        let (mut sum, mut sq, mut n) = (0.0, 0.0, 0.0);
        for _ in 0..20 {
            task.fill(&mut rng, 256, &mut batch);
            let Targets::Values(y) = &batch.targets else {
                panic!()
            };
            for (v, w) in y.iter().zip(batch.weights.as_ref().unwrap()) {
                sum += v * w;
                sq += v * v * w;
                n += w;
            }
        }
        let (mean, var) = (sum / n, sq / n - (sum / n).powi(2));
        let want = task.baseline().loss;
        assert!(
            mean.abs() < 0.01 && (var - want).abs() < 0.01,
            "{mean} {var}"
        );
    }

    #[test]
    fn rejects_settings_out_of_range() {
        assert!(LookaheadTask::new(3, 3).is_err());
        assert!(LookaheadTask::new(4, 3).is_ok());
        assert!(LookaheadTask::new(10, 0).is_err());
        assert!(LookaheadTask::new(40, MAX_AHEAD + 1).is_err());
        assert!(LookaheadTask::new(2001, 2).is_err());
    }
}
