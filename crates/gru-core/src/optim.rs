//! Optimisers (Adam, SGD with momentum) and global gradient-norm clipping, on flat slices.

use serde::{Deserialize, Serialize};

use crate::{Error, Real};

/// Which optimiser, with its hyperparameters.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type", deny_unknown_fields)]
pub enum OptimizerConfig {
    /// Adam (Kingma & Ba) with bias correction, as TF.js applies it.
    Adam {
        /// Learning rate.
        lr: f64,
        /// First-moment decay.
        beta1: f64,
        /// Second-moment decay.
        beta2: f64,
        /// Added to `√v̂` (TF.js 1e-7; PyTorch 1e-8).
        eps: f64,
    },
    /// SGD with (heavy-ball) momentum: `v ← μ v + g`, `w ← w − lr v` (PyTorch's form).
    Sgd {
        /// Learning rate.
        lr: f64,
        /// Momentum μ (0 for plain SGD).
        momentum: f64,
    },
}

impl OptimizerConfig {
    /// Adam with learning rate `lr` and the canonical β1 = 0.9, β2 = 0.999, ε = 1e-7.
    pub fn adam(lr: f64) -> Self {
        OptimizerConfig::Adam {
            lr,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-7,
        }
    }
    /// SGD with momentum.
    pub fn sgd(lr: f64, momentum: f64) -> Self {
        OptimizerConfig::Sgd { lr, momentum }
    }
    /// The learning rate.
    pub fn lr(&self) -> f64 {
        match *self {
            OptimizerConfig::Adam { lr, .. } | OptimizerConfig::Sgd { lr, .. } => lr,
        }
    }
    /// Checks every hyperparameter.
    ///
    /// # Errors
    /// [`Error::Config`] naming the field.
    pub fn validate(&self) -> Result<(), Error> {
        let lr = self.lr();
        if !(lr.is_finite() && lr > 0.0 && lr <= 10.0) {
            return Err(Error::Config(format!(
                "learning rate: {lr} is not in (0, 10]"
            )));
        }
        match *self {
            OptimizerConfig::Adam {
                beta1, beta2, eps, ..
            } => {
                if !(0.0..1.0).contains(&beta1) || !(0.0..1.0).contains(&beta2) {
                    return Err(Error::Config("beta1/beta2: must be in [0, 1)".into()));
                }
                if !(eps.is_finite() && eps > 0.0) {
                    return Err(Error::Config("eps: must be positive".into()));
                }
            }
            OptimizerConfig::Sgd { momentum, .. } => {
                if !(0.0..1.0).contains(&momentum) {
                    return Err(Error::Config("momentum: must be in [0, 1)".into()));
                }
            }
        }
        Ok(())
    }
}

impl Default for OptimizerConfig {
    fn default() -> Self {
        Self::adam(0.01)
    }
}

/// An optimiser with its state (moments), sized on first use.
#[derive(Clone, Debug, PartialEq)]
pub struct Optimizer<T> {
    /// Hyperparameters; may be changed between steps (e.g. the learning rate, live).
    pub config: OptimizerConfig,
    /// Adam first moment, or SGD velocity.
    m: Vec<T>,
    /// Adam second moment.
    v: Vec<T>,
    /// Updates applied so far.
    t: u64,
}

impl<T: Real> Optimizer<T> {
    /// A fresh optimiser.
    pub fn new(config: OptimizerConfig) -> Self {
        Self {
            config,
            m: Vec::new(),
            v: Vec::new(),
            t: 0,
        }
    }

    /// The optimiser's state `(m, v, t)`: Adam's first and second moments (or SGD's velocity
    /// and an empty `v`), each one value per parameter, and the updates applied so far. Both
    /// are empty before the first update.
    pub fn state(&self) -> (&[T], &[T], u64) {
        (&self.m, &self.v, self.t)
    }

    /// Restores a [`Self::state`] for `n` parameters, so the next update is bit for bit the
    /// one the saved optimiser would have made.
    ///
    /// # Errors
    /// [`Error::Format`] when a moment has the wrong length or a non-finite value.
    pub fn restore(&mut self, n: usize, m: Vec<T>, v: Vec<T>, t: u64) -> Result<(), Error> {
        Self::check_state(n, &m, &v, t)?;
        (self.m, self.v, self.t) = (m, v, t);
        Ok(())
    }

    /// What [`Self::restore`] checks, before any optimiser exists: `m` and `v` hold `n`
    /// finite values each (or both are empty at `t = 0`: a fresh optimiser).
    ///
    /// # Errors
    /// [`Error::Format`] when a moment has the wrong length or a non-finite value.
    pub fn check_state(n: usize, m: &[T], v: &[T], t: u64) -> Result<(), Error> {
        let fresh = t == 0 && m.is_empty() && v.is_empty();
        for (name, x) in [("m", m), ("v", v)] {
            if !fresh && x.len() != n {
                return Err(Error::Format(format!(
                    "optimizer.{name}: expected {n} values, got {}",
                    x.len()
                )));
            }
            if let Some(i) = x.iter().position(|a| !a.is_finite()) {
                return Err(Error::Format(format!(
                    "optimizer.{name}: element {i} is not a finite number"
                )));
            }
        }
        Ok(())
    }

    /// Applies one update `w ← w − Δ(g)`.
    pub fn step(&mut self, w: &mut [T], g: &[T]) {
        if self.m.len() != w.len() {
            self.m = vec![T::zero(); w.len()];
            self.v = vec![T::zero(); w.len()];
        }
        self.t += 1;
        match self.config {
            OptimizerConfig::Adam {
                lr,
                beta1,
                beta2,
                eps,
            } => {
                // β^t is 0 in f64 long before t leaves i32 (0.999^i32::MAX underflows).
                let t = i32::try_from(self.t).unwrap_or(i32::MAX);
                let (b1, b2) = (T::of(beta1), T::of(beta2));
                let c1 = T::of(1.0 - beta1.powi(t));
                let c2 = T::of(1.0 - beta2.powi(t));
                let (lr, eps) = (T::of(lr), T::of(eps));
                for i in 0..w.len() {
                    let gi = g[i];
                    self.m[i] = b1 * self.m[i] + (T::one() - b1) * gi;
                    self.v[i] = b2 * self.v[i] + (T::one() - b2) * gi * gi;
                    w[i] = w[i] - lr * (self.m[i] / c1) / ((self.v[i] / c2).sqrt() + eps);
                }
            }
            OptimizerConfig::Sgd { lr, momentum } => {
                let (lr, mu) = (T::of(lr), T::of(momentum));
                for i in 0..w.len() {
                    self.m[i] = mu * self.m[i] + g[i];
                    w[i] = w[i] - lr * self.m[i];
                }
            }
        }
    }
}

/// Whether [`clip_grad_norm`] scales a gradient of norm `norm` down to `max_norm`: only a
/// finite norm above a positive limit (a NaN/∞ gradient is left for the NaN guard).
pub fn clips(norm: f64, max_norm: f64) -> bool {
    norm > max_norm && norm.is_finite() && max_norm > 0.0
}

/// Scales `g` so its global 2-norm is at most `max_norm`; returns the norm before clipping.
pub fn clip_grad_norm<T: Real>(g: &mut [T], max_norm: f64) -> f64 {
    let norm = g.iter().map(|v| v.f64() * v.f64()).sum::<f64>().sqrt();
    if clips(norm, max_norm) {
        let s = T::of(max_norm / norm);
        g.iter_mut().for_each(|v| *v = *v * s);
    }
    norm
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clipping_scales_only_a_finite_norm_above_a_positive_limit() {
        assert!(clips(2.0, 1.0));
        for (norm, limit) in [
            (1.0, 1.0),
            (0.5, 1.0),
            (f64::INFINITY, 1.0),
            (f64::NAN, 1.0),
            (2.0, 0.0),
        ] {
            assert!(!clips(norm, limit), "{norm} against {limit}");
        }
        // And clip_grad_norm follows the same rule: [3, 4] has norm 5.
        let mut g = [3.0f64, 4.0];
        assert_eq!(clip_grad_norm(&mut g, 5.0), 5.0);
        assert_eq!(g, [3.0, 4.0], "at the limit: untouched");
        clip_grad_norm(&mut g, 1.0);
        assert!(
            (g[0] - 0.6).abs() < 1e-15 && (g[1] - 0.8).abs() < 1e-15,
            "{g:?}"
        );
    }

    #[test]
    fn adam_first_step_moves_each_weight_by_lr_against_the_gradient_sign() {
        let mut w = [1.0f64, -2.0, 0.5];
        let g = [0.3, -4.0, 1e-3];
        let mut o = Optimizer::new(OptimizerConfig::adam(0.01));
        o.step(&mut w, &g);
        // With bias correction the first step is lr · g / (|g| + ε) ≈ lr · sign(g).
        for (wi, w0, gi) in [(w[0], 1.0, 0.3f64), (w[1], -2.0, -4.0), (w[2], 0.5, 1e-3)] {
            let want = w0 - 0.01 * gi / (gi.abs() + 1e-7);
            assert!((wi - want).abs() < 1e-12);
        }
    }

    #[test]
    fn sgd_momentum_accumulates_velocity() {
        let mut w = [0.0f64];
        let mut o = Optimizer::new(OptimizerConfig::sgd(0.1, 0.9));
        o.step(&mut w, &[1.0]);
        o.step(&mut w, &[1.0]);
        assert!((w[0] - (-0.1 - 0.19)).abs() < 1e-12);
    }

    #[test]
    fn clipping_rescales_to_the_limit_and_reports_the_old_norm() {
        let mut g = [3.0f64, 4.0];
        assert_eq!(clip_grad_norm(&mut g, 1.0), 5.0);
        assert!((g[0] - 0.6).abs() < 1e-12 && (g[1] - 0.8).abs() < 1e-12);
        let mut small = [0.3f64, 0.4];
        clip_grad_norm(&mut small, 1.0);
        assert_eq!(small, [0.3, 0.4]);
    }
}
