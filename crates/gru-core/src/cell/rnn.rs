//! The Elman RNN exactly as `torch.nn.RNN` computes it. With row vectors:
//!
//! ```text
//! pre_t = x_t W + b_ih + h_{t−1} U + b_hh
//! h_t   = act(pre_t)                       act = tanh or ReLU
//! ```
//!
//! `W = W_ihᵀ`, `U = W_hhᵀ` (PyTorch's `weight_ih_l0`, `weight_hh_l0` transposed). There is no
//! additive path: the one-step Jacobian is `diag(act'(pre_t)) · (mask ⊙ U)ᵀ` entirely.
//! ReLU's derivative at exactly `pre = 0` is taken as 0, as in PyTorch.
//!
//! Blocks: `W (I, H)`, `U (H, H)`, `b_i (H)` = `b_ih`, `b_h (H)` = `b_hh`.
//! Cache row `(2H)`: `[pre, h_t = act(pre)]`.

use serde::{Deserialize, Serialize};

use super::step::{add_masked_grad, affine_backward, masked_h, Mat};
use super::{Cell, CellShape, StepGrad};
use crate::kernels::gemm_nn;
use crate::params::{split, split_mut, BlockRole, BlockSpec};
use crate::Real;

/// The activation of an Elman RNN.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Nonlinearity {
    /// `tanh`.
    Tanh,
    /// `max(0, ·)`.
    Relu,
}

impl Nonlinearity {
    /// `act(v)`. NaN stays NaN.
    #[inline]
    pub fn apply<T: Real>(self, v: T) -> T {
        match self {
            Nonlinearity::Tanh => v.tanh(),
            Nonlinearity::Relu => {
                if v < T::zero() {
                    T::zero()
                } else {
                    v
                }
            }
        }
    }
    /// `act'(pre)`, given the pre-activation and `out = act(pre)`.
    #[inline]
    pub fn derivative<T: Real>(self, pre: T, out: T) -> T {
        match self {
            Nonlinearity::Tanh => T::one() - out * out,
            Nonlinearity::Relu => {
                if pre > T::zero() {
                    T::one()
                } else {
                    T::zero()
                }
            }
        }
    }
}

/// Elman RNN cell with input size `input`, hidden size `hidden` and activation `nonlinearity`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rnn {
    /// Input size `I`.
    pub input: usize,
    /// Hidden size `H`.
    pub hidden: usize,
    /// The activation.
    pub nonlinearity: Nonlinearity,
}

impl Rnn {
    /// An RNN cell `I → H` with activation `nl`.
    pub fn new(input: usize, hidden: usize, nl: Nonlinearity) -> Self {
        Self {
            input,
            hidden,
            nonlinearity: nl,
        }
    }
    /// The parameter blocks `[W, U, b_i, b_h]`: the cell's one statement of its layout.
    fn specs(&self) -> [BlockSpec; 4] {
        let (i, h) = (self.input, self.hidden);
        [
            BlockSpec::new("W", i, h, BlockRole::Input),
            BlockSpec::new("U", h, h, BlockRole::Recurrent),
            BlockSpec::new("b_i", h, 1, BlockRole::Bias),
            BlockSpec::new("b_h", h, 1, BlockRole::Bias),
        ]
    }
}

impl CellShape for Rnn {
    fn input_size(&self) -> usize {
        self.input
    }
    fn hidden_size(&self) -> usize {
        self.hidden
    }
    fn cache_size(&self) -> usize {
        2 * self.hidden
    }
    fn scratch_size(&self) -> usize {
        3 * self.hidden
    }
    fn blocks(&self) -> Vec<BlockSpec> {
        self.specs().to_vec()
    }
    fn gate_names(&self) -> &'static [&'static str] {
        &["pre"]
    }
}

impl<T: Real> Cell<T> for Rnn {
    fn forward(
        &self,
        p: &[T],
        b: usize,
        x: &[T],
        s_prev: &[T],
        mask: Option<&[T]>,
        s: &mut [T],
        cache: &mut [T],
        scratch: &mut [T],
    ) {
        let (ni, h) = (self.input, self.hidden);
        let h2 = 2 * h;
        let [w, u, b_i, b_h] = split(p, &self.specs());
        let (hm, hld) = masked_h(s_prev, h, h, b, mask, scratch);
        for row in 0..b {
            for (k, v) in cache[row * h2..row * h2 + h].iter_mut().enumerate() {
                *v = b_i[k] + b_h[k];
            }
        }
        gemm_nn(b, ni, h, x, ni, w, h, cache, h2); // pre += x W
        gemm_nn(b, h, h, hm, hld, u, h, cache, h2); // pre += hm U
        for row in 0..b {
            let c = &mut cache[row * h2..(row + 1) * h2];
            for j in 0..h {
                let a = self.nonlinearity.apply(c[j]);
                c[h + j] = a;
                s[row * h + j] = a; // h_t = act(pre)
            }
        }
    }

    fn backward(
        &self,
        p: &[T],
        b: usize,
        x: &[T],
        s_prev: &[T],
        mask: Option<&[T]>,
        cache: &[T],
        g: StepGrad<'_, T>,
        scratch: &mut [T],
    ) {
        let (ni, h) = (self.input, self.hidden);
        let h2 = 2 * h;
        let specs = self.specs();
        let [w, u, _, _] = split(p, &specs);
        let StepGrad {
            ds,
            dp,
            dx,
            ds_prev,
        } = g;
        let [dw, du, db_i, db_h] = split_mut(dp, &specs);
        let (dpre, rest) = scratch.split_at_mut(b * h); // dL/dpre (B, H)
        let (dhm, rest) = rest.split_at_mut(b * h); // dL/dhm (B, H)
        let (hm, hld) = masked_h(s_prev, h, h, b, mask, rest);
        for row in 0..b {
            let c = &cache[row * h2..(row + 1) * h2];
            for j in 0..h {
                dpre[row * h + j] = ds[row * h + j] * self.nonlinearity.derivative(c[j], c[h + j]);
            }
        }
        // pre += hm U + b_h: dU += hmᵀ dpre, db_h += Σ dpre, dhm = dpre Uᵀ.
        dhm.fill(T::zero());
        let hmv = Mat::new(hm, b, h, hld);
        affine_backward(hmv, Mat::new(dpre, b, h, h), u, du, Some(db_h), Some(dhm));
        add_masked_grad(ds_prev, h, dhm, h, mask);
        // pre += x W + b_i: dW += xᵀ dpre, db_i += Σ dpre, dx += dpre Wᵀ.
        affine_backward(
            Mat::new(x, b, ni, ni),
            Mat::new(dpre, b, h, h),
            w,
            dw,
            Some(db_i),
            dx,
        );
    }

    fn jacobian(
        &self,
        p: &[T],
        _x: &[T],
        _s_prev: &[T],
        mask: Option<&[T]>,
        cache: &[T],
        out: &mut [T],
        _scratch: &mut [T],
    ) {
        let h = self.hidden;
        let [_, u, _, _] = split(p, &self.specs());
        for i in 0..h {
            let d = self.nonlinearity.derivative(cache[i], cache[h + i]); // ∂h_i/∂pre_i
            for j in 0..h {
                let m = mask.map_or(T::one(), |m| m[j]);
                out[i * h + j] = d * m * u[j * h + i];
            }
        }
    }

    fn additive_diag(&self, _cache: &[T], _out: &mut [T]) -> bool {
        false
    }
}

#[cfg(test)]
#[path = "rnn_tests.rs"]
mod tests;
