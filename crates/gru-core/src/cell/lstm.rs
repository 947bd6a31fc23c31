//! The LSTM exactly as `torch.nn.LSTM` computes it (two biases, no peepholes). With row vectors:
//!
//! ```text
//! i_t = σ(x_t W_i + b_ii + h_{t−1} U_i + b_hi)        input gate
//! f_t = σ(x_t W_f + b_if + h_{t−1} U_f + b_hf)        forget gate
//! g_t = tanh(x_t W_g + b_ig + h_{t−1} U_g + b_hg)     cell candidate
//! o_t = σ(x_t W_o + b_io + h_{t−1} U_o + b_ho)        output gate
//! c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t
//! h_t = o_t ⊙ tanh(c_t)
//! ```
//!
//! `W_i = W_iiᵀ`, `U_i = W_hiᵀ` etc.: the blocks are the transposes of PyTorch's
//! `weight_ih_l0` / `weight_hh_l0`, in PyTorch's own gate order `[i f g o]`.
//!
//! The state is `s = [h, c]` (`S = 2H`, `h` first). The recurrent-dropout mask acts on
//! `h_{t−1}` entering `U` only; `c_{t−1}` is never masked. The one-step Jacobian is the full
//! `(2H, 2H)` map of `[h; c]`; its additive part is `diag(f_t)` on the `c → c` block (and
//! nothing on `h`).
//!
//! Surgery ([`Surgery`]): `forget: Fixed(c)` holds `f = c` (then `∂c_t/∂c_{t−1} = c·I`);
//! `forget_bias` `b` starts `b_if = b`, `b_hf = 0`.
//!
//! Blocks: `W (I, 4H)` = `[W_i W_f W_g W_o]`, `U (H, 4H)` = `[U_i U_f U_g U_o]`,
//! `b_i (4H)` = `[b_ii b_if b_ig b_io]`, `b_h (4H)` = `[b_hi b_hf b_hg b_ho]`.
//! Cache row `(5H)`: `[i, f, g, o, tanh(c_t)]`.
//!
//! The step starts from `b_i + b_h + x_t W`, so the model computes that for all `T` steps in one
//! product ([`Cell::input_projection`]) and, without recurrent dropout, forms the weight
//! gradients in one product over all steps ([`Cell::weight_grads`]).

use super::step::{
    add_input_grad, add_masked_grad, add_row_sums, affine_backward, block_offsets, gate_rows,
    masked_h, project_rows, transpose_weights, transposed_size, Mat,
};
use super::{
    Cell, CellShape, DeferredGrad, GateMode, InputProjection, StepGrad, StepIn, StepOut, Surgery,
};
use crate::kernels::{gemm_nn, gemm_tn, sigmoid_rows, tanh_rows};
use crate::params::{split, split_mut, BlockRole, BlockSpec};
use crate::Real;

/// `torch.nn.LSTM` cell with input size `input` and hidden size `hidden`.
#[derive(Clone, Debug, PartialEq)]
pub struct Lstm {
    /// Input size `I`.
    pub input: usize,
    /// Hidden size `H`.
    pub hidden: usize,
    /// Gate surgery (`forget`, `forget_bias`; none by default).
    pub surgery: Surgery,
}

impl Lstm {
    /// An LSTM cell `I → H` (state `[h, c]` of size `2H`).
    pub fn new(input: usize, hidden: usize) -> Self {
        Self {
            input,
            hidden,
            surgery: Surgery::default(),
        }
    }
    /// The same cell with `surgery` applied.
    pub fn with_surgery(self, surgery: Surgery) -> Self {
        Self { surgery, ..self }
    }
    /// The parameter blocks `[W, U, b_i, b_h]`: the cell's one statement of its layout.
    fn specs(&self) -> [BlockSpec; 4] {
        let (i, h) = (self.input, self.hidden);
        [
            BlockSpec::new("W", i, 4 * h, BlockRole::Input),
            BlockSpec::new("U", h, 4 * h, BlockRole::Recurrent),
            BlockSpec::new("b_i", 4 * h, 1, BlockRole::Bias),
            BlockSpec::new("b_h", 4 * h, 1, BlockRole::Bias),
        ]
    }
}

impl Lstm {
    /// The rest of a step given `pre (B, 4H) = b_i + b_h + x_t W`: `pre += hm U`, then the
    /// gates, `c_t` and `h_t` into `s` and the cache. `scratch` holds `B·H` (masked `h_{t−1}`).
    fn step<T: Real>(&self, a: StepIn<'_, T>, pre: &mut [T], o: StepOut<'_, T>) {
        let StepIn {
            p, b, s_prev, mask, ..
        } = a;
        let StepOut { s, cache, scratch } = o;
        let h = self.hidden;
        let (h2, h4, h5) = (2 * h, 4 * h, 5 * h);
        let [_, u, _, _] = split(p, &self.specs());
        let fgt = self.surgery.forget;
        let (hm, hld) = masked_h(s_prev, h2, h, b, mask, scratch);
        gemm_nn(b, h, h4, hm, hld, u, h4, pre, h4); // + hm U
        for row in 0..b {
            cache[row * h5..row * h5 + h4].copy_from_slice(&pre[row * h4..(row + 1) * h4]);
        }
        // The gates over every row's cache at once (one setup of the SIMD constants).
        let cache = &mut cache[..b * h5];
        if fgt == GateMode::Learned {
            sigmoid_rows(cache, h2, h5); // i, f = σ(pre_i, pre_f)
        } else {
            sigmoid_rows(cache, h, h5); // i = σ(pre_i)
            gate_rows(fgt, &mut cache[h..], h, h5); // f held
        }
        tanh_rows(&mut cache[h2..], h, h5); // g = tanh(pre_g)
        sigmoid_rows(&mut cache[3 * h..], h, h5); // o = σ(pre_o)
        for row in 0..b {
            let c = &mut cache[row * h5..(row + 1) * h5];
            let (sp, st) = (
                &s_prev[row * h2..(row + 1) * h2],
                &mut s[row * h2..(row + 1) * h2],
            );
            for j in 0..h {
                let (ig, f, g) = (c[j], c[h + j], c[h2 + j]);
                let cn = f * sp[h + j] + ig * g; // c_t = f c_{t−1} + i g
                st[h + j] = cn;
                c[h4 + j] = cn;
            }
        }
        tanh_rows(&mut cache[h4..], h, h5); // tanh(c_t)
        for row in 0..b {
            let c = &cache[row * h5..(row + 1) * h5];
            for j in 0..h {
                s[row * h2 + j] = c[3 * h + j] * c[h4 + j]; // h_t = o tanh(c_t)
            }
        }
    }

    /// dL/dpre `(B, 4H)` of one step from dL/ds_t `(B, 2H)`, and the additive path's share
    /// `dL/dc_t ⊙ f_t` added to dL/dc_{t−1} in `ds_prev`.
    fn pre_grad<T: Real>(
        &self,
        b: usize,
        s_prev: &[T],
        cache: &[T],
        ds: &[T],
        ds_prev: &mut [T],
        dpre: &mut [T],
    ) {
        let h = self.hidden;
        let (h2, h4, h5) = (2 * h, 4 * h, 5 * h);
        let fgt = self.surgery.forget;
        for row in 0..b {
            let c = &cache[row * h5..(row + 1) * h5];
            let d = &mut dpre[row * h4..(row + 1) * h4];
            let (sp, dsr) = (
                &s_prev[row * h2..(row + 1) * h2],
                &ds[row * h2..(row + 1) * h2],
            );
            let dsp = &mut ds_prev[row * h2..(row + 1) * h2];
            for j in 0..h {
                let (ig, f, gg, o, tc) = (c[j], c[h + j], c[2 * h + j], c[3 * h + j], c[4 * h + j]);
                let dh = dsr[j];
                let dc = dsr[h + j] + dh * o * (T::one() - tc * tc); // dL/dc_t, total
                d[j] = dc * gg * ig * (T::one() - ig); // dL/dpre_i
                d[h + j] = dc * sp[h + j] * fgt.slope(f); // dL/dpre_f
                d[2 * h + j] = dc * ig * (T::one() - gg * gg); // dL/dpre_g
                d[3 * h + j] = dh * tc * o * (T::one() - o); // dL/dpre_o
                dsp[h + j] = dsp[h + j] + dc * f; // additive path c_{t−1} → c_t
            }
        }
    }
}

impl CellShape for Lstm {
    fn input_size(&self) -> usize {
        self.input
    }
    fn hidden_size(&self) -> usize {
        self.hidden
    }
    fn state_size(&self) -> usize {
        2 * self.hidden
    }
    fn cache_size(&self) -> usize {
        5 * self.hidden
    }
    fn scratch_size(&self) -> usize {
        6 * self.hidden
    }
    fn blocks(&self) -> Vec<BlockSpec> {
        self.specs().to_vec()
    }
    fn transposed_size(&self) -> usize {
        transposed_size(&self.specs())
    }
    fn gate_names(&self) -> &'static [&'static str] {
        &["i", "f", "g", "o"]
    }
}

impl<T: Real> Cell<T> for Lstm {
    fn input_projection(&self) -> Option<InputProjection> {
        let [ow, _, ob_i, ob_h] = block_offsets(&self.specs());
        Some(InputProjection {
            w: ow,
            b: ob_i,
            b2: Some(ob_h),
            width: 4 * self.hidden,
            grad_width: 4 * self.hidden,
        })
    }

    fn forward(&self, a: StepIn<'_, T>, o: StepOut<'_, T>) {
        let (ni, h4) = (self.input, 4 * self.hidden);
        let [w, _, b_i, b_h] = split(a.p, &self.specs());
        let StepOut { s, cache, scratch } = o;
        let (pre, scratch) = scratch.split_at_mut(a.b * h4); // (B, 4H) pre-activations
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
        let StepIn { b, s_prev, .. } = a;
        let DeferredGrad {
            ds,
            ds_prev,
            dx,
            dpre,
            wt,
        } = g;
        let (ni, h, h4) = (self.input, self.hidden, 4 * self.hidden);
        let (w_t, u_t) = wt.split_at(ni * h4); // Wᵀ (4H, I), Uᵀ (4H, H)
        self.pre_grad(b, s_prev, cache, ds, ds_prev, dpre);
        let dh = &mut scratch[..b * h]; // dL/dh_{t−1} through U (B, H)
        dh.fill(T::zero());
        gemm_nn(b, h4, h, dpre, h4, &u_t[..h4 * h], h, dh, h); // dpre Uᵀ
        add_masked_grad(ds_prev, 2 * h, dh, h, None);
        add_input_grad(Mat::new(dpre, b, h4, h4), w_t, dx); // dx += dpre Wᵀ
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
        let (ni, h, h4) = (self.input, self.hidden, 4 * self.hidden);
        let [dw, du, db_i, db_h] = split_mut(dp, &self.specs());
        gemm_tn(n, ni, h4, x, ni, dpre, h4, dw, h4); // dW += xᵀ dpre
        gemm_tn(n, h, h4, s_prev, 2 * h, dpre, h4, du, h4); // dU += h_{t−1}ᵀ dpre
        add_row_sums(&mut db_i[..h4], dpre, n, h4); // db_i += Σ dpre
        add_row_sums(&mut db_h[..h4], dpre, n, h4); // db_h += Σ dpre
    }

    fn backward(&self, a: StepIn<'_, T>, cache: &[T], g: StepGrad<'_, T>, scratch: &mut [T]) {
        let StepIn {
            b, x, s_prev, mask, ..
        } = a;
        let (ni, h) = (self.input, self.hidden);
        let (h2, h4) = (2 * h, 4 * h);
        let specs = self.specs();
        let StepGrad {
            ds,
            dp,
            dx,
            ds_prev,
            wt,
        } = g;
        let (w_t, u_t) = wt.split_at(ni * h4); // Wᵀ (4H, I), Uᵀ (4H, H)
        let [dw, du, db_i, db_h] = split_mut(dp, &specs);
        let (dpre, rest) = scratch.split_at_mut(b * h4); // dL/dpre (B, 4H)
        let (dhm, rest) = rest.split_at_mut(b * h); // dL/dhm (B, H)
        let (hm, hld) = masked_h(s_prev, h2, h, b, mask, rest);
        self.pre_grad(b, s_prev, cache, ds, ds_prev, dpre);
        // pre += hm U + b_h: dU += hmᵀ dpre, db_h += Σ dpre, dhm = dpre Uᵀ.
        dhm.fill(T::zero());
        let hmv = Mat::new(hm, b, h, hld);
        affine_backward(hmv, Mat::new(dpre, b, h4, h4), du, db_h);
        gemm_nn(b, h4, h, dpre, h4, &u_t[..h4 * h], h, dhm, h); // dhm = dpre Uᵀ
        add_masked_grad(ds_prev, h2, dhm, h, mask);
        // pre += x W + b_i: dW += xᵀ dpre, db_i += Σ dpre, dx += dpre Wᵀ.
        affine_backward(Mat::new(x, b, ni, ni), Mat::new(dpre, b, h4, h4), dw, db_i);
        add_input_grad(Mat::new(dpre, b, h4, h4), w_t, dx); // dx += dpre Wᵀ
    }

    fn jacobian(&self, a: StepIn<'_, T>, cache: &[T], out: &mut [T], _scratch: &mut [T]) {
        let StepIn {
            p, s_prev, mask, ..
        } = a;
        let h = self.hidden;
        let (h2, h4) = (2 * h, 4 * h);
        let [_, u, _, _] = split(p, &self.specs());
        let fgt = self.surgery.forget;
        let m = |j: usize| mask.map_or(T::one(), |m| m[j]);
        // Rows 0..H are h_t, H..2H are c_t; columns likewise for h_{t−1}, c_{t−1}.
        for i in 0..h {
            let (ig, f, g, o, tc) = (
                cache[i],
                cache[h + i],
                cache[2 * h + i],
                cache[3 * h + i],
                cache[4 * h + i],
            );
            let ci = g * ig * (T::one() - ig); // ∂c_i/∂pre_i_i
            let cf = s_prev[h + i] * fgt.slope(f); // ∂c_i/∂pre_f_i
            let cg = ig * (T::one() - g * g); // ∂c_i/∂pre_g_i
            let ho = tc * o * (T::one() - o); // ∂h_i/∂pre_o_i
            let hc = o * (T::one() - tc * tc); // ∂h_i/∂c_i
            for j in 0..h {
                let uj = &u[j * h4..(j + 1) * h4];
                let dc_dh = m(j) * (ci * uj[i] + cf * uj[h + i] + cg * uj[2 * h + i]);
                let diag = i == j;
                out[i * h2 + j] = m(j) * ho * uj[3 * h + i] + hc * dc_dh; // ∂h_i/∂h_j
                out[i * h2 + h + j] = if diag { hc * f } else { T::zero() }; // ∂h_i/∂c_j
                out[(h + i) * h2 + j] = dc_dh; // ∂c_i/∂h_j
                out[(h + i) * h2 + h + j] = if diag { f } else { T::zero() }; // ∂c_i/∂c_j
            }
        }
    }

    fn additive_diag(&self, cache: &[T], out: &mut [T]) -> bool {
        let h = self.hidden;
        out[..h].fill(T::zero());
        out[h..2 * h].copy_from_slice(&cache[h..2 * h]); // f
        true
    }

    fn init_gate_biases(&self, p: &mut [T]) {
        let h = self.hidden;
        let [_, _, b_i, b_h] = split_mut(p, &self.specs());
        if let Some(bf) = self.surgery.forget_bias {
            b_i[h..2 * h].fill(T::of(bf)); // b_if; f = σ(… + b_if + b_hf)
            b_h[h..2 * h].fill(T::zero()); // b_hf
        }
    }
}

#[cfg(test)]
#[path = "lstm_tests.rs"]
mod tests;
