//! Next-step prediction of a sum of sine waves with random phase and frequency.
//!
//! Each sequence draws `m` waves (`m` = 1…4, usually 1 or 2), each with a period
//! `P_k ~ U(P_min, P_max)` steps and phase `φ_k ~ U(0, 2π)`, all with amplitude `1/m` (so
//! `|x| ≤ 1`):
//!
//! ```text
//! x_t = (1/m) Σ_k sin(2π t / P_k + φ_k),   t = 0 … T
//! ```
//!
//! The input at step `t` is `x_t`, the target `x_{t+1}` (per-step MSE over `T` steps).
//!
//! **Baseline** (best constant prediction `c`). Over the random phase, `E[sin(θ + φ)] = 0` and
//! `E[sin²(θ + φ)] = ½` for any fixed `θ`; independent phases make the cross terms vanish. So at
//! every step `E[x_{t+1}] = 0` and `E[x_{t+1}²] = m · (1/m)² · ½ = 1/(2m)`, whatever the
//! periods. The best constant is `c = 0` and its MSE is `E[(x − c)²] = 1/(2m)` (the variance).
//! Copying the input (`x̂_{t+1} = x_t`) already does better; a single wave is predicted
//! exactly by the linear recurrence `x_{t+1} = 2 cos(2π/P) x_t − x_{t−1}`.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::{values_buf, Baseline, Batch, MAX_SEQ_LEN};
use crate::loss::LossKind;
use crate::model::Readout;
use crate::{Error, Real};

/// Sine-wave prediction over `T` steps (the knob), `waves` components, periods in
/// `[min_period, max_period]`.
#[derive(Clone, Debug, PartialEq)]
pub struct SineTask {
    len: usize,
    waves: usize,
    periods: (f64, f64),
}

impl SineTask {
    /// `len` steps of a sum of `waves` sines with periods in `[min_period, max_period]` steps.
    ///
    /// # Errors
    /// [`Error::Config`] unless `2 ≤ len ≤` [`MAX_SEQ_LEN`], `1 ≤ waves ≤ 4` and
    /// `2 ≤ min_period ≤ max_period ≤ 10000`.
    pub fn new(len: usize, waves: usize, min_period: f64, max_period: f64) -> Result<Self, Error> {
        if !(2..=MAX_SEQ_LEN).contains(&len) {
            return Err(Error::Config(format!(
                "sine length: {len} is not in 2..={MAX_SEQ_LEN}"
            )));
        }
        if !(1..=4).contains(&waves) {
            return Err(Error::Config(format!(
                "sine waves: {waves} is not in 1..=4"
            )));
        }
        if !(min_period >= 2.0 && min_period <= max_period && max_period <= 10_000.0) {
            return Err(Error::Config(format!(
                "sine min_period/max_period: need 2 ≤ {min_period} ≤ {max_period} ≤ 10000"
            )));
        }
        Ok(Self {
            len,
            waves,
            periods: (min_period, max_period),
        })
    }
    /// The current value `x_t`.
    pub fn input_size(&self) -> usize {
        1
    }
    /// The prediction of `x_{t+1}`.
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
    /// Read at every step.
    pub fn readout(&self) -> Readout {
        Readout::PerStep
    }
    /// `1/(2m)`, the variance of the signal (see the module docs).
    pub fn baseline(&self) -> Baseline {
        Baseline {
            loss: 0.5 / self.waves as f64,
            accuracy: None,
        }
    }

    /// Fills `batch` with `b` sequences drawn from `rng`; targets are `(T, B, 1)`.
    pub fn fill<T: Real>(&self, rng: &mut ChaCha8Rng, b: usize, batch: &mut Batch<T>) {
        let (t, m) = (self.len, self.waves);
        let (p_lo, p_hi) = self.periods;
        let amp = 1.0 / m as f64;
        batch.reset_inputs(t, b, t * b); // (T, B, 1)
        batch.weights = None;
        let y = values_buf(&mut batch.targets, t * b); // (T, B, 1)
        let tau = std::f64::consts::TAU;
        for s in 0..b {
            let mut waves = [(0.0, 0.0); 4]; // (angular frequency 2π/P, phase)
            for w in &mut waves[..m] {
                let period = if p_hi > p_lo {
                    rng.gen_range(p_lo..p_hi)
                } else {
                    p_lo
                };
                *w = (tau / period, rng.gen_range(0.0..tau));
            }
            let value = |step: usize| {
                amp * waves[..m]
                    .iter()
                    .map(|&(om, ph)| (om * step as f64 + ph).sin())
                    .sum::<f64>()
            };
            for step in 0..t {
                batch.x[step * b + s] = T::of(value(step));
                y[step * b + s] = T::of(value(step + 1));
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
    fn targets_are_the_inputs_shifted_by_one() {
        let task = SineTask::new(40, 2, 5.0, 20.0).unwrap();
        let b = 6;
        let mut batch = Batch::<f64>::empty();
        task.fill(&mut ChaCha8Rng::seed_from_u64(10), b, &mut batch);
        let Targets::Values(y) = &batch.targets else {
            panic!("values expected")
        };
        assert_eq!((batch.x.len(), y.len()), (40 * b, 40 * b));
        for s in 0..b {
            for step in 0..39 {
                assert!((y[step * b + s] - batch.x[(step + 1) * b + s]).abs() < 1e-12);
            }
            assert!(batch.x.iter().chain(y).all(|v| v.abs() <= 1.0));
        }
    }

    #[test]
    fn a_single_wave_obeys_its_linear_recurrence() {
        // x_{t+1} = 2 cos ω x_t − x_{t−1} holds for any phase: ω is recovered from 3 values
        // and must lie in the period range.
        let task = SineTask::new(30, 1, 6.0, 12.0).unwrap();
        let mut batch = Batch::<f64>::empty();
        task.fill(&mut ChaCha8Rng::seed_from_u64(11), 1, &mut batch);
        let x = &batch.x;
        let k = (1..29).fold(1, |a, t| if x[t].abs() > x[a].abs() { t } else { a });
        let c = (x[k + 1] + x[k - 1]) / (2.0 * x[k]);
        let period = std::f64::consts::TAU / c.acos();
        assert!((6.0..12.0).contains(&period), "{period}");
        for t in 1..29 {
            assert!((x[t + 1] - (2.0 * c * x[t] - x[t - 1])).abs() < 1e-9);
        }
    }

    #[test]
    fn baseline_is_the_loss_of_the_best_constant() {
        for waves in 1..=2 {
            let task = SineTask::new(50, waves, 4.0, 30.0).unwrap();
            let mut batch = Batch::<f64>::empty();
            let (mut sum, mut sq, mut n) = (0.0, 0.0, 0.0);
            let mut rng = ChaCha8Rng::seed_from_u64(12);
            for _ in 0..40 {
                task.fill(&mut rng, 256, &mut batch);
                let Targets::Values(y) = &batch.targets else {
                    panic!()
                };
                sum += y.iter().sum::<f64>();
                sq += y.iter().map(|v| v * v).sum::<f64>();
                n += y.len() as f64;
            }
            // Best constant = empirical mean; its MSE = empirical variance.
            let (mean, var) = (sum / n, sq / n - (sum / n).powi(2));
            let want = task.baseline().loss;
            assert!(
                mean.abs() < 0.01 && (var - want).abs() < 0.01 * want,
                "{waves}: {mean} {var} vs {want}"
            );
        }
    }

    #[test]
    fn rejects_settings_out_of_range() {
        assert!(SineTask::new(1, 1, 4.0, 8.0).is_err());
        assert!(SineTask::new(10, 0, 4.0, 8.0).is_err());
        assert!(SineTask::new(10, 1, 1.0, 8.0).is_err());
        assert!(SineTask::new(10, 1, 9.0, 8.0).is_err());
        assert!(SineTask::new(10, 1, f64::NAN, 8.0).is_err());
        assert!(SineTask::new(10, 1, 4.0, f64::INFINITY).is_err());
    }
}
