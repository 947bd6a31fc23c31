//! The GRU in the app's formulation (reset applied *before* `U_h`, Cho et al. 2014; Keras
//! `reset_after=False`, TF.js). With row vectors:
//!
//! ```text
//! z_t = σ(x_t W_z + h_{t−1} U_z + b_z)          update gate
//! r_t = σ(x_t W_r + h_{t−1} U_r + b_r)          reset gate
//! h̃_t = tanh(x_t W_h + (r_t ⊙ h_{t−1}) U_h + b_h) candidate
//! h_t = (1 − z_t) ⊙ h_{t−1} + z_t ⊙ h̃_t
//! ```
//!
//! Unlike PyTorch (see [`super::GruTorch`]), `z` here is the weight of the *new* candidate, so
//! `z → 0` keeps the old state and the one-step Jacobian has the additive part `diag(1 − z_t)`.
//!
//! Surgery ([`Surgery`]): `z` and `r` may be held at constants (their slope, and so the
//! gradient into their weights, is then 0); a cut carry is `z` held at 1, `h_t = h̃_t`.
//!
//! Blocks: `W (I, 3H)` = `[W_z W_r W_h]`, `U_zr (H, 2H)` = `[U_z U_r]`, `U_h (H, H)`,
//! `b (3H)` = `[b_z b_r b_h]`. Cache row `(4H)`: `[z, r, h̃, r ⊙ h_{t−1}]`.

use super::gru_jacobian::sum_terms;
use super::step::{
    add_input_grad, add_masked_grad, add_row_sums, block_offsets, gate_rows, masked_h,
    project_rows, transpose_weights, transposed_size, Mat,
};
use super::{
    Cell, CellShape, DeferredGrad, GateMode, InputProjection, JacobianTerms, StepGrad, StepIn,
    StepOut, Surgery,
};
use crate::kernels::{gemm_nn, gemm_tn, sigmoid_rows, tanh_rows};
use crate::params::{split, split_mut, BlockRole, BlockSpec};
use crate::Real;

/// App-formulation GRU cell with input size `input` and hidden size `hidden`.
#[derive(Clone, Debug, PartialEq)]
pub struct Gru {
    /// Input size `I`.
    pub input: usize,
    /// Hidden size `H`.
    pub hidden: usize,
    /// Gate surgery (`update`, `reset`, `carry`, `update_bias`; none by default).
    pub surgery: Surgery,
}

impl Gru {
    /// A GRU cell `I → H`.
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
    /// The parameter blocks `[W, U_zr, U_h, b]`: the cell's one statement of its layout.
    pub(super) fn specs(&self) -> [BlockSpec; 4] {
        let (i, h) = (self.input, self.hidden);
        [
            BlockSpec::new("W", i, 3 * h, BlockRole::Input),
            BlockSpec::new("U_zr", h, 2 * h, BlockRole::Recurrent),
            BlockSpec::new("U_h", h, h, BlockRole::Recurrent),
            BlockSpec::new("b", 3 * h, 1, BlockRole::Bias),
        ]
    }
    /// Offsets of `W`, `U_zr`, `U_h`, `b` in the cell's parameter slice (from [`Self::specs`]).
    fn offsets(&self) -> [usize; 4] {
        block_offsets(&self.specs())
    }
}

impl CellShape for Gru {
    fn input_size(&self) -> usize {
        self.input
    }
    fn hidden_size(&self) -> usize {
        self.hidden
    }
    fn cache_size(&self) -> usize {
        4 * self.hidden
    }
    fn scratch_size(&self) -> usize {
        6 * self.hidden
    }
    fn jacobian_scratch_size(&self) -> usize {
        let h = self.hidden;
        3 * h * h + h // A's diagonal, C, and the terms' own 2H²
    }
    fn blocks(&self) -> Vec<BlockSpec> {
        self.specs().to_vec()
    }
    fn transposed_size(&self) -> usize {
        transposed_size(&self.specs())
    }
    fn gate_names(&self) -> &'static [&'static str] {
        &["z", "r", "h_tilde"]
    }
}

impl Gru {
    /// The step after the input projection: `pre (B, 3H)` holds `b + x W` on entry;
    /// `scratch` holds at least `B·H` values (the masked `h_{t−1}`). Both [`Cell::forward`]
    /// and [`Cell::forward_projected`] end here, so they agree bit for bit under any surgery.
    fn step<T: Real>(&self, a: StepIn<'_, T>, pre: &mut [T], o: StepOut<'_, T>) {
        let StepIn {
            p, b, s_prev, mask, ..
        } = a;
        let StepOut { s, cache, scratch } = o;
        let h = self.hidden;
        let (h3, h4) = (3 * h, 4 * h);
        let [_, uzr, uh, _] = split(p, &self.specs());
        let (upd, rst) = (self.surgery.effective_update(), self.surgery.reset);
        let (hm, hld) = masked_h(s_prev, h, h, b, mask, scratch);
        gemm_nn(b, h, 2 * h, hm, hld, uzr, 2 * h, pre, h3); // + h U_zr
                                                            // The gates over every row at once (one setup of the SIMD constants per step).
        let pre = &mut pre[..b * h3];
        if upd == GateMode::Learned && rst == GateMode::Learned {
            sigmoid_rows(pre, 2 * h, h3); // z, r = σ(pre_z, pre_r)
        } else {
            gate_rows(upd, pre, h, h3); // z = σ(pre_z), or held
            gate_rows(rst, &mut pre[h..], h, h3); // r = σ(pre_r), or held
        }
        for row in 0..b {
            let zr = &pre[row * h3..row * h3 + 2 * h];
            let c = &mut cache[row * h4..(row + 1) * h4];
            c[..2 * h].copy_from_slice(zr);
            for j in 0..h {
                c[3 * h + j] = c[h + j] * hm[row * hld + j]; // r ⊙ h_{t−1}
            }
        }
        gemm_nn(b, h, h, &cache[3 * h..], h4, uh, h, &mut pre[2 * h..], h3); // + (r⊙h) U_h
        tanh_rows(&mut pre[2 * h..], h, h3); // h̃ = tanh(pre_h)
        for row in 0..b {
            let c = &mut cache[row * h4..(row + 1) * h4];
            let ht = &pre[row * h3 + 2 * h..(row + 1) * h3];
            c[2 * h..3 * h].copy_from_slice(ht);
            for j in 0..h {
                let (z, ht) = (c[j], c[2 * h + j]);
                let hp = s_prev[row * h + j];
                s[row * h + j] = (T::one() - z) * hp + z * ht; // h_t = (1−z) h_{t−1} + z h̃
            }
        }
    }
}

/// What one backward step reads and writes: dL/dh_t `(B, H)`, dL/dh_{t−1} `(B, H)`
/// (accumulated), dL/dpre `(B, 3H)` (written), and `[U_zrᵀ (2H, H), U_hᵀ (H, H)]`.
struct StepDelta<'a, T> {
    ds: &'a [T],
    ds_prev: &'a mut [T],
    dpre: &'a mut [T],
    ut: &'a [T],
}

impl Gru {
    /// Backward of one step up to the weight gradients: writes dL/dpre `(B, 3H)` and adds
    /// dL/dh_{t−1}. `hm` is the masked `h_{t−1}` with its row stride; `scratch` holds `2·B·H`.
    /// A held gate's slope is 0, so its dL/dpre (and the gradient into its weights) is 0.
    fn backward_core<T: Real>(
        &self,
        a: StepIn<'_, T>,
        (hm, hld): (&[T], usize),
        cache: &[T],
        d: StepDelta<'_, T>,
        scratch: &mut [T],
    ) {
        let StepIn {
            b, s_prev, mask, ..
        } = a;
        let h = self.hidden;
        let (h3, h4) = (3 * h, 4 * h);
        let (upd, rst) = (self.surgery.effective_update(), self.surgery.reset);
        let StepDelta {
            ds,
            ds_prev,
            dpre,
            ut,
        } = d;
        let (uzr_t, uh_t) = ut[..3 * h * h].split_at(2 * h * h); // U_zrᵀ (2H, H), U_hᵀ (H, H)
        let (drh, rest) = scratch.split_at_mut(b * h); // dL/d(r⊙h) (B, H)
        let dhm = &mut rest[..b * h]; // dL/dhm (B, H)
        for row in 0..b {
            let c = &cache[row * h4..];
            for j in 0..h {
                let (z, ht) = (c[j], c[2 * h + j]);
                let dh = ds[row * h + j];
                let hp = s_prev[row * h + j];
                dpre[row * h3 + j] = dh * (ht - hp) * upd.slope(z); // dL/dpre_z
                dpre[row * h3 + 2 * h + j] = dh * z * (T::one() - ht * ht); // dL/dpre_h
                ds_prev[row * h + j] = ds_prev[row * h + j] + dh * (T::one() - z);
                // additive path
            }
        }
        drh.fill(T::zero());
        gemm_nn(b, h, h, &dpre[2 * h..], h3, uh_t, h, drh, h); // d(r⊙h) = dpre_h U_hᵀ
        for row in 0..b {
            let c = &cache[row * h4..];
            for j in 0..h {
                let r = c[h + j];
                let d = drh[row * h + j];
                dpre[row * h3 + h + j] = d * hm[row * hld + j] * rst.slope(r); // dL/dpre_r
                dhm[row * h + j] = d * r;
            }
        }
        gemm_nn(b, 2 * h, h, dpre, h3, uzr_t, h, dhm, h); // + dpre_zr U_zrᵀ
        add_masked_grad(ds_prev, h, dhm, h, mask);
    }

    /// dL/dθ += the weight-gradient products over `n` rows (one step's batch, or all steps):
    /// `dW += xᵀ dpre`, `dU_zr += hmᵀ dpre_zr`, `dU_h += (r⊙h)ᵀ dpre_h`, `db += Σ dpre`.
    fn weight_grads_rows<T: Real>(
        &self,
        n: usize,
        x: &[T],
        (hm, hld): (&[T], usize),
        cache: &[T],
        dpre: &[T],
        dp: &mut [T],
    ) {
        let (ni, h) = (self.input, self.hidden);
        let (h3, h4) = (3 * h, 4 * h);
        let [dw, duzr, duh, db] = split_mut(dp, &self.specs());
        gemm_tn(n, ni, h3, x, ni, dpre, h3, dw, h3); // dW += xᵀ dpre
        gemm_tn(n, h, 2 * h, hm, hld, dpre, h3, duzr, 2 * h); // dU_zr += hmᵀ dpre_zr
        gemm_tn(n, h, h, &cache[3 * h..], h4, &dpre[2 * h..], h3, duh, h); // dU_h += (r⊙h)ᵀ dpre_h
        add_row_sums(&mut db[..h3], dpre, n, h3); // db += Σ dpre
    }
}

impl<T: Real> Cell<T> for Gru {
    fn input_projection(&self) -> Option<InputProjection> {
        let [ow, _, _, ob] = self.offsets();
        Some(InputProjection {
            w: ow,
            b: ob,
            b2: None,
            width: 3 * self.hidden,
            grad_width: 3 * self.hidden,
        })
    }

    fn forward(&self, a: StepIn<'_, T>, o: StepOut<'_, T>) {
        let (ni, h3) = (self.input, 3 * self.hidden);
        let [w, _, _, bias] = split(a.p, &self.specs());
        let StepOut { s, cache, scratch } = o;
        let (pre, scratch) = scratch.split_at_mut(a.b * h3); // (B, 3H) pre-activations
        project_rows(pre, &bias[..h3], None, Mat::new(a.x, a.b, ni, ni), w); // b + x W
        self.step(a, pre, StepOut { s, cache, scratch });
    }

    fn forward_projected(&self, a: StepIn<'_, T>, pre: &mut [T], o: StepOut<'_, T>) {
        self.step(a, pre, o);
    }

    fn backward(&self, a: StepIn<'_, T>, cache: &[T], g: StepGrad<'_, T>, scratch: &mut [T]) {
        let (ni, h, h3) = (self.input, self.hidden, 3 * self.hidden);
        let b = a.b;
        let (dpre, rest) = scratch.split_at_mut(b * h3); // dL/dpre (B, 3H)
        let (hm_buf, rest) = rest.split_at_mut(b * h);
        let hm = masked_h(a.s_prev, h, h, b, a.mask, hm_buf);
        let StepGrad {
            ds,
            dp,
            dx,
            ds_prev,
            wt,
        } = g;
        let (w_t, ut) = wt.split_at(ni * h3); // Wᵀ (3H, I), then [U_zrᵀ, U_hᵀ]
        let d = StepDelta {
            ds,
            ds_prev,
            dpre,
            ut,
        };
        self.backward_core(a, hm, cache, d, rest);
        self.weight_grads_rows(b, a.x, hm, cache, dpre, dp);
        add_input_grad(Mat::new(dpre, b, h3, h3), w_t, dx); // dx += dpre Wᵀ
    }

    fn backward_deferred(
        &self,
        a: StepIn<'_, T>,
        cache: &[T],
        g: DeferredGrad<'_, T>,
        scratch: &mut [T],
    ) {
        let (ni, h, h3) = (self.input, self.hidden, 3 * self.hidden);
        let DeferredGrad {
            ds,
            ds_prev,
            dx,
            dpre,
            wt,
        } = g;
        let (w_t, ut) = wt.split_at(ni * h3); // Wᵀ (3H, I), then [U_zrᵀ, U_hᵀ]
        let d = StepDelta {
            ds,
            ds_prev,
            dpre,
            ut,
        };
        self.backward_core(a, (a.s_prev, h), cache, d, scratch);
        add_input_grad(Mat::new(dpre, a.b, h3, h3), w_t, dx); // dx += dpre Wᵀ
    }

    fn transpose_weights(&self, p: &[T], wt: &mut [T]) {
        transpose_weights(&self.specs(), p, wt);
    }

    fn weight_grads(&self, n: usize, x: &[T], s_prev: &[T], cache: &[T], dpre: &[T], dp: &mut [T]) {
        self.weight_grads_rows(n, x, (s_prev, self.hidden), cache, dpre, dp);
    }

    fn jacobian(&self, a: StepIn<'_, T>, cache: &[T], out: &mut [T], scratch: &mut [T]) {
        let StepIn {
            p, s_prev, mask, ..
        } = a;
        let h = self.hidden;
        let (ad, rest) = scratch.split_at_mut(h); // diag(1 − z)
        let (c, rest) = rest.split_at_mut(h * h); // C (H, H)
        let terms = JacobianTerms { a: ad, b: out, c };
        self.jacobian_terms(p, s_prev, mask, cache, terms, rest);
        sum_terms(h, ad, out, c); // J = A + B + C
    }

    fn additive_diag(&self, cache: &[T], out: &mut [T]) -> bool {
        for (o, &z) in out[..self.hidden].iter_mut().zip(cache) {
            *o = T::one() - z;
        }
        true
    }

    fn init_gate_biases(&self, p: &mut [T]) {
        let h = self.hidden;
        let [_, _, _, bias] = split_mut(p, &self.specs());
        if let Some(bz) = self.surgery.update_bias {
            bias[..h].fill(T::of(bz)); // b = [b_z b_r b_h]
        }
    }
}

#[cfg(test)]
#[path = "gru_tests.rs"]
mod tests;
