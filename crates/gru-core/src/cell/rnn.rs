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
//!
//! The step starts from `b_i + b_h + x_t W`, so the model computes that for all `T` steps in one
//! product ([`Cell::input_projection`]) and, without recurrent dropout, forms the weight
//! gradients in one product over all steps ([`Cell::weight_grads`]).

use serde::{Deserialize, Serialize};

use super::step::{
    add_input_grad, add_masked_grad, add_row_sums, affine_backward, block_offsets, masked_h,
    project_rows, transpose_weights, transposed_size, Mat,
};
use super::{Cell, CellShape, DeferredGrad, InputProjection, StepGrad, StepIn, StepOut};
use crate::kernels::{gemm_nn, gemm_tn, tanh_rows};
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

impl Rnn {
    /// The rest of a step given `pre (B, H) = b_i + b_h + x_t W`: `pre += hm U`, then
    /// `h_t = act(pre)` into `s` and the cache. `scratch` holds `B·H` (the masked `h_{t−1}`).
    fn step<T: Real>(&self, a: StepIn<'_, T>, pre: &mut [T], o: StepOut<'_, T>) {
        let StepIn {
            p, b, s_prev, mask, ..
        } = a;
        let StepOut { s, cache, scratch } = o;
        let h = self.hidden;
        let h2 = 2 * h;
        let [_, u, _, _] = split(p, &self.specs());
        let (hm, hld) = masked_h(s_prev, h, h, b, mask, scratch);
        gemm_nn(b, h, h, hm, hld, u, h, pre, h); // pre += hm U
        let cache = &mut cache[..b * h2];
        for row in 0..b {
            let c = &mut cache[row * h2..(row + 1) * h2];
            let pr = &pre[row * h..(row + 1) * h];
            c[..h].copy_from_slice(pr);
            match self.nonlinearity {
                Nonlinearity::Tanh => c[h..].copy_from_slice(pr),
                Nonlinearity::Relu => {
                    for (a, &v) in c[h..].iter_mut().zip(pr) {
                        *a = self.nonlinearity.apply(v);
                    }
                }
            }
        }
        if self.nonlinearity == Nonlinearity::Tanh {
            tanh_rows(&mut cache[h..], h, h2); // every row at once
        }
        for row in 0..b {
            // h_t = act(pre)
            s[row * h..(row + 1) * h].copy_from_slice(&cache[row * h2 + h..(row + 1) * h2]);
        }
    }

    /// dL/dpre `(B, H)` of one step from dL/dh_t: `ds ⊙ act'(pre)`.
    fn pre_grad<T: Real>(&self, b: usize, cache: &[T], ds: &[T], dpre: &mut [T]) {
        let h = self.hidden;
        for row in 0..b {
            let c = &cache[row * 2 * h..(row + 1) * 2 * h];
            for j in 0..h {
                dpre[row * h + j] = ds[row * h + j] * self.nonlinearity.derivative(c[j], c[h + j]);
            }
        }
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
    fn transposed_size(&self) -> usize {
        transposed_size(&self.specs())
    }
    fn gate_names(&self) -> &'static [&'static str] {
        &["pre"]
    }
}

impl<T: Real> Cell<T> for Rnn {
    fn input_projection(&self) -> Option<InputProjection> {
        let [ow, _, ob_i, ob_h] = block_offsets(&self.specs());
        Some(InputProjection {
            w: ow,
            b: ob_i,
            b2: Some(ob_h),
            width: self.hidden,
            grad_width: self.hidden,
        })
    }

    fn forward(&self, a: StepIn<'_, T>, o: StepOut<'_, T>) {
        let (ni, h) = (self.input, self.hidden);
        let [w, _, b_i, b_h] = split(a.p, &self.specs());
        let StepOut { s, cache, scratch } = o;
        let (pre, scratch) = scratch.split_at_mut(a.b * h); // (B, H) pre-activations
        project_rows(pre, b_i, Some(b_h), Mat::new(a.x, a.b, ni, ni), w); // b_i + b_h + x W
        self.step(a, pre, StepOut { s, cache, scratch });
    }

    fn forward_projected(&self, a: StepIn<'_, T>, pre: &mut [T], o: StepOut<'_, T>) {
        self.step(a, pre, o);
    }

    fn backward_deferred(
        &self,
        a: StepIn<'_, T>,
        cache: &[T],
        g: DeferredGrad<'_, T>,
        scratch: &mut [T],
    ) {
        let b = a.b;
        let DeferredGrad {
            ds,
            ds_prev,
            dx,
            dpre,
            wt,
        } = g;
        let (ni, h) = (self.input, self.hidden);
        let (w_t, u_t) = wt.split_at(ni * h); // Wᵀ (H, I), Uᵀ (H, H)
        self.pre_grad(b, cache, ds, dpre);
        let dh = &mut scratch[..b * h]; // dL/dh_{t−1} through U (B, H)
        dh.fill(T::zero());
        gemm_nn(b, h, h, dpre, h, &u_t[..h * h], h, dh, h); // dpre Uᵀ
        add_masked_grad(ds_prev, h, dh, h, None);
        add_input_grad(Mat::new(dpre, b, h, h), w_t, dx); // dx += dpre Wᵀ
    }

    fn transpose_weights(&self, p: &[T], wt: &mut [T]) {
        transpose_weights(&self.specs(), p, wt);
    }

    fn weight_grads(
        &self,
        n: usize,
        x: &[T],
        s_prev: &[T],
        _cache: &[T],
        dpre: &[T],
        dp: &mut [T],
    ) {
        let (ni, h) = (self.input, self.hidden);
        let [dw, du, db_i, db_h] = split_mut(dp, &self.specs());
        gemm_tn(n, ni, h, x, ni, dpre, h, dw, h); // dW += xᵀ dpre
        gemm_tn(n, h, h, s_prev, h, dpre, h, du, h); // dU += h_{t−1}ᵀ dpre
        add_row_sums(&mut db_i[..h], dpre, n, h); // db_i += Σ dpre
        add_row_sums(&mut db_h[..h], dpre, n, h); // db_h += Σ dpre
    }

    fn backward(&self, a: StepIn<'_, T>, cache: &[T], g: StepGrad<'_, T>, scratch: &mut [T]) {
        let StepIn {
            b, x, s_prev, mask, ..
        } = a;
        let (ni, h) = (self.input, self.hidden);
        let specs = self.specs();
        let StepGrad {
            ds,
            dp,
            dx,
            ds_prev,
            wt,
        } = g;
        let (w_t, u_t) = wt.split_at(ni * h); // Wᵀ (H, I), Uᵀ (H, H)
        let [dw, du, db_i, db_h] = split_mut(dp, &specs);
        let (dpre, rest) = scratch.split_at_mut(b * h); // dL/dpre (B, H)
        let (dhm, rest) = rest.split_at_mut(b * h); // dL/dhm (B, H)
        let (hm, hld) = masked_h(s_prev, h, h, b, mask, rest);
        self.pre_grad(b, cache, ds, dpre);
        // pre += hm U + b_h: dU += hmᵀ dpre, db_h += Σ dpre, dhm = dpre Uᵀ.
        dhm.fill(T::zero());
        let hmv = Mat::new(hm, b, h, hld);
        affine_backward(hmv, Mat::new(dpre, b, h, h), du, db_h);
        gemm_nn(b, h, h, dpre, h, &u_t[..h * h], h, dhm, h); // dhm = dpre Uᵀ
        add_masked_grad(ds_prev, h, dhm, h, mask);
        // pre += x W + b_i: dW += xᵀ dpre, db_i += Σ dpre, dx += dpre Wᵀ.
        affine_backward(Mat::new(x, b, ni, ni), Mat::new(dpre, b, h, h), dw, db_i);
        add_input_grad(Mat::new(dpre, b, h, h), w_t, dx); // dx += dpre Wᵀ
    }

    fn jacobian(&self, a: StepIn<'_, T>, cache: &[T], out: &mut [T], _scratch: &mut [T]) {
        let StepIn { p, mask, .. } = a;
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
