//! The GRU exactly as `torch.nn.GRU` computes it (reset applied *after* `W_hn`, separate input
//! and hidden biases; Keras `reset_after=True`). With row vectors:
//!
//! ```text
//! r_t  = σ(x_t W_r + b_ir + h_{t−1} U_r + b_hr)               reset gate
//! z'_t = σ(x_t W_z + b_iz + h_{t−1} U_z + b_hz)               update gate (PyTorch's z)
//! n_t  = tanh(x_t W_n + b_in + r_t ⊙ (h_{t−1} U_n + b_hn))    candidate
//! h_t  = (1 − z'_t) ⊙ n_t + z'_t ⊙ h_{t−1}
//! ```
//!
//! `W_r = W_irᵀ`, `U_r = W_hrᵀ` etc.: the blocks are the transposes of PyTorch's
//! `weight_ih_l0` / `weight_hh_l0` chunks, in PyTorch's own gate order `[r z n]`.
//!
//! **Deviation in what is reported.** PyTorch's `z'` is the weight of the *old* state, the
//! app's `z` that of the new candidate. The cache therefore stores (and [`Cell::gate_names`]
//! reports) the gates in the app's convention: `z = 1 − z'` and `h_tilde = n`, so that
//! `h_t = (1 − z) ⊙ h_{t−1} + z ⊙ h̃_t` reads the same for both GRUs. `z` is computed as
//! `σ(−pre_z)`, not `1 − σ(pre_z)`, so it keeps full precision when small. The additive part of
//! the one-step Jacobian is `diag(z'_t) = diag(1 − z_t)`, as for [`super::Gru`].
//!
//! Surgery ([`Surgery`]) is given in the app's convention too: `update: Fixed(c)` holds
//! `z = c`, i.e. `z' = 1 − c`; a cut carry holds `z = 1` (`z' = 0`, `h_t = n_t`); `update_bias`
//! `b` starts `b_iz = −b`, `b_hz = 0`.
//!
//! Blocks: `W (I, 3H)` = `[W_r W_z W_n]`, `U (H, 3H)` = `[U_r U_z U_n]`,
//! `b_i (3H)` = `[b_ir b_iz b_in]`, `b_h (3H)` = `[b_hr b_hz b_hn]`.
//! Cache row `(4H)`: `[z = 1 − z', r, h̃ = n, hn = h_{t−1} U_n + b_hn]`.
//!
//! The step starts from `b_i + x_t W`, so the model computes that for all `T` steps in one
//! product ([`Cell::input_projection`]); `b_h` stays in the recurrent half because `r` scales
//! `b_hn`. The deferred dL/dpre rows are `4H` wide: `dpre_n ⊙ r` rides along for `dU_n`.

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
use crate::seq::ops::fill_rows;
use crate::Real;

/// `torch.nn.GRU` cell with input size `input` and hidden size `hidden`.
#[derive(Clone, Debug, PartialEq)]
pub struct GruTorch {
    /// Input size `I`.
    pub input: usize,
    /// Hidden size `H`.
    pub hidden: usize,
    /// Gate surgery in the app's convention (`update` holds `z = 1 − z'`); none by default.
    pub surgery: Surgery,
}

impl GruTorch {
    /// A PyTorch-formulation GRU cell `I → H`.
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
    pub(super) fn specs(&self) -> [BlockSpec; 4] {
        let (i, h) = (self.input, self.hidden);
        [
            BlockSpec::new("W", i, 3 * h, BlockRole::Input),
            BlockSpec::new("U", h, 3 * h, BlockRole::Recurrent),
            BlockSpec::new("b_i", 3 * h, 1, BlockRole::Bias),
            BlockSpec::new("b_h", 3 * h, 1, BlockRole::Bias),
        ]
    }
}

impl CellShape for GruTorch {
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
        8 * self.hidden
    }
    fn jacobian_scratch_size(&self) -> usize {
        self.hidden * self.hidden + self.hidden // A's diagonal and C
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

/// What one backward step reads and writes: dL/dh_t `(B, H)`, dL/dh_{t−1} `(B, H)`
/// (accumulated) and dL/dpre `(B, 4H)` (written).
struct StepDelta<'a, T> {
    ds: &'a [T],
    ds_prev: &'a mut [T],
    dpre: &'a mut [T],
    /// `Uᵀ (3H, H)`, rows `[U_r U_z U_n]ᵀ`.
    ut: &'a [T],
}

impl GruTorch {
    /// The step after the input projection: `gi (B, 3H)` holds `b_i + x W` on entry (its `z'`
    /// block is overwritten with `z'`); `scratch` holds at least `4·B·H` values (`gh` and the
    /// masked `h_{t−1}`). [`Cell::forward`] and [`Cell::forward_projected`] both end here, so
    /// they agree bit for bit under any surgery.
    fn step<T: Real>(&self, a: StepIn<'_, T>, gi: &mut [T], o: StepOut<'_, T>) {
        let StepIn {
            p, b, s_prev, mask, ..
        } = a;
        let StepOut { s, cache, scratch } = o;
        let h = self.hidden;
        let (h2, h3, h4) = (2 * h, 3 * h, 4 * h);
        let [_, u, _, b_h] = split(p, &self.specs());
        let (upd, rst) = (self.surgery.effective_update(), self.surgery.reset);
        let (gh, rest) = scratch.split_at_mut(b * h3); // (B, 3H) hm U + b_h
        let (hm, hld) = masked_h(s_prev, h, h, b, mask, rest);
        fill_rows(gh, h3, b_h);
        gemm_nn(b, h, h3, hm, hld, u, h3, gh, h3); // + hm U
        let (gi, cache) = (&mut gi[..b * h3], &mut cache[..b * h4]);
        for row in 0..b {
            let (a, q) = (
                &mut gi[row * h3..(row + 1) * h3],
                &gh[row * h3..(row + 1) * h3],
            );
            let c = &mut cache[row * h4..(row + 1) * h4];
            for j in 0..h {
                c[h + j] = a[j] + q[j]; // pre_r
                let pz = a[h + j] + q[h + j]; // pre_z'
                a[h + j] = pz;
                c[j] = -pz;
            }
        }
        // The gates over every row at once (one setup of the SIMD constants); a held gate wins.
        gate_rows(rst, &mut cache[h..], h, h4); // r = σ(pre_r), or held
        match upd {
            // z = 1 − z' (app) and z' (PyTorch), each at full precision
            GateMode::Learned => {
                sigmoid_rows(cache, h, h4); // z = σ(−pre_z')
                sigmoid_rows(&mut gi[h..], h, h3); // z' = σ(pre_z')
            }
            GateMode::Fixed(z) => {
                gate_rows(GateMode::Fixed(z), cache, h, h4);
                gate_rows(GateMode::Fixed(1.0 - z), &mut gi[h..], h, h3);
            }
        }
        for row in 0..b {
            let (a, q) = (&gi[row * h3..(row + 1) * h3], &gh[row * h3..(row + 1) * h3]);
            let c = &mut cache[row * h4..(row + 1) * h4];
            for j in 0..h {
                let hn = q[h2 + j]; // h_{t−1} U_n + b_hn
                c[3 * h + j] = hn;
                c[h2 + j] = a[h2 + j] + c[h + j] * hn; // pre_n = x W_n + b_in + r ⊙ hn
            }
        }
        tanh_rows(&mut cache[h2..], h, h4); // n = tanh(pre_n)
        for row in 0..b {
            let (zt, c) = (&gi[row * h3 + h..row * h3 + h2], &cache[row * h4..]);
            for j in 0..h {
                let (z, n) = (c[j], c[h2 + j]);
                let hp = s_prev[row * h + j];
                s[row * h + j] = z * n + zt[j] * hp; // h_t = (1−z') n + z' h_{t−1}
            }
        }
    }

    /// Backward of one step up to the weight gradients: writes dL/dpre `(B, 4H)` =
    /// `[dpre_r, dpre_z', dpre_n, dpre_n ⊙ r]` (the first three are dL/d(x W + b_i); with the
    /// fourth in place of the third they are dL/d(hm U + b_h)) and adds dL/dh_{t−1}.
    /// `scratch` holds `B·H`. A held gate's slope is 0, so its dL/dpre is 0.
    fn backward_core<T: Real>(
        &self,
        a: StepIn<'_, T>,
        cache: &[T],
        d: StepDelta<'_, T>,
        scratch: &mut [T],
    ) {
        let StepIn {
            b, s_prev, mask, ..
        } = a;
        let h = self.hidden;
        let (h2, h3, h4) = (2 * h, 3 * h, 4 * h);
        let (upd, rst) = (self.surgery.effective_update(), self.surgery.reset);
        let StepDelta {
            ds,
            ds_prev,
            dpre,
            ut,
        } = d;
        let (urz_t, un_t) = ut[..h3 * h].split_at(h2 * h); // [U_r U_z]ᵀ (2H, H), U_nᵀ (H, H)
        for row in 0..b {
            let c = &cache[row * h4..(row + 1) * h4];
            let dr = &mut dpre[row * h4..(row + 1) * h4];
            for j in 0..h {
                let (z, r, n, hn) = (c[j], c[h + j], c[h2 + j], c[h3 + j]);
                let dh = ds[row * h + j];
                let hp = s_prev[row * h + j];
                let dpn = dh * z * (T::one() - n * n); // dL/dpre_n (through 1 − z' = z)
                dr[j] = dpn * hn * rst.slope(r); // dL/dpre_r
                dr[h + j] = dh * (hp - n) * upd.slope(z); // dL/dpre_z' (z'(1−z') = z(1−z))
                dr[h2 + j] = dpn;
                dr[h3 + j] = dpn * r; // dL/dhn
                ds_prev[row * h + j] = ds_prev[row * h + j] + dh * (T::one() - z);
                // additive
            }
        }
        let dhm = &mut scratch[..b * h]; // dL/dhm (B, H) = dgh Uᵀ
        dhm.fill(T::zero());
        gemm_nn(b, h2, h, dpre, h4, urz_t, h, dhm, h); // [dpre_r dpre_z'] [U_r U_z]ᵀ
        gemm_nn(b, h, h, &dpre[h3..], h4, un_t, h, dhm, h); // + (dpre_n ⊙ r) U_nᵀ
        add_masked_grad(ds_prev, h, dhm, h, mask);
    }

    /// dL/dθ += the weight-gradient products over `n` rows (one step's batch, or all steps),
    /// from the `dpre (n, 4H)` of [`Self::backward_core`]: `dW += xᵀ dpre_{rzn}`,
    /// `dU_rz += hmᵀ dpre_rz`, `dU_n += hmᵀ (dpre_n ⊙ r)`, `db_i += Σ dpre_{rzn}`,
    /// `db_h += Σ [dpre_rz, dpre_n ⊙ r]`.
    fn weight_grads_rows<T: Real>(
        &self,
        n: usize,
        x: &[T],
        (hm, hld): (&[T], usize),
        dpre: &[T],
        dp: &mut [T],
    ) {
        let (ni, h) = (self.input, self.hidden);
        let (h2, h3, h4) = (2 * h, 3 * h, 4 * h);
        let [dw, du, db_i, db_h] = split_mut(dp, &self.specs());
        gemm_tn(n, ni, h3, x, ni, dpre, h4, dw, h3); // dW += xᵀ dpre_{rzn}
        gemm_tn(n, h, h2, hm, hld, dpre, h4, du, h3); // dU_rz += hmᵀ dpre_rz
        gemm_tn(n, h, h, hm, hld, &dpre[h3..], h4, &mut du[h2..], h3); // dU_n
        add_row_sums(&mut db_i[..h3], dpre, n, h4); // db_i += Σ dpre_{rzn}
        add_row_sums(&mut db_h[..h2], dpre, n, h4); // db_h += Σ [dpre_rz, dpre_n ⊙ r]
        add_row_sums(&mut db_h[h2..h3], &dpre[h3..], n, h4);
    }
}

impl<T: Real> Cell<T> for GruTorch {
    fn input_projection(&self) -> Option<InputProjection> {
        let [ow, _, ob_i, _] = block_offsets(&self.specs());
        Some(InputProjection {
            w: ow,
            b: ob_i,
            b2: None, // b_hn sits inside r ⊙ (…), so b_h stays in the recurrent half
            width: 3 * self.hidden,
            grad_width: 4 * self.hidden,
        })
    }

    fn forward(&self, a: StepIn<'_, T>, o: StepOut<'_, T>) {
        let (ni, h3) = (self.input, 3 * self.hidden);
        let [w, _, b_i, _] = split(a.p, &self.specs());
        let StepOut { s, cache, scratch } = o;
        let (gi, scratch) = scratch.split_at_mut(a.b * h3); // (B, 3H) x W + b_i
        project_rows(gi, b_i, None, Mat::new(a.x, a.b, ni, ni), w);
        self.step(a, gi, StepOut { s, cache, scratch });
    }

    fn forward_projected(&self, a: StepIn<'_, T>, pre: &mut [T], o: StepOut<'_, T>) {
        self.step(a, pre, o);
    }

    fn backward(&self, a: StepIn<'_, T>, cache: &[T], g: StepGrad<'_, T>, scratch: &mut [T]) {
        let (ni, h, h3) = (self.input, self.hidden, 3 * self.hidden);
        let b = a.b;
        let (dpre, rest) = scratch.split_at_mut(b * 4 * h); // dL/dpre (B, 4H)
        let (hm_buf, rest) = rest.split_at_mut(b * h);
        let hm = masked_h(a.s_prev, h, h, b, a.mask, hm_buf);
        let StepGrad {
            ds,
            dp,
            dx,
            ds_prev,
            wt,
        } = g;
        let (w_t, ut) = wt.split_at(ni * h3); // Wᵀ (3H, I), then Uᵀ (3H, H)
        let d = StepDelta {
            ds,
            ds_prev,
            dpre,
            ut,
        };
        self.backward_core(a, cache, d, rest);
        self.weight_grads_rows(b, a.x, hm, dpre, dp);
        add_input_grad(Mat::new(dpre, b, h3, 4 * h), w_t, dx); // dx += dpre Wᵀ
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
        let (w_t, ut) = wt.split_at(ni * h3); // Wᵀ (3H, I), then Uᵀ (3H, H)
        let d = StepDelta {
            ds,
            ds_prev,
            dpre,
            ut,
        };
        self.backward_core(a, cache, d, scratch);
        add_input_grad(Mat::new(dpre, a.b, h3, 4 * h), w_t, dx); // dx += dpre Wᵀ
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
        self.weight_grads_rows(n, x, (s_prev, self.hidden), dpre, dp);
    }

    fn jacobian(&self, a: StepIn<'_, T>, cache: &[T], out: &mut [T], scratch: &mut [T]) {
        let StepIn {
            p, s_prev, mask, ..
        } = a;
        let h = self.hidden;
        let (ad, rest) = scratch.split_at_mut(h); // diag(1 − z) = diag(z')
        let c = &mut rest[..h * h]; // C (H, H)
        let terms = JacobianTerms { a: ad, b: out, c };
        self.jacobian_terms(p, s_prev, mask, cache, terms);
        sum_terms(h, ad, out, c); // J = A + B + C
    }

    fn additive_diag(&self, cache: &[T], out: &mut [T]) -> bool {
        for (o, &z) in out[..self.hidden].iter_mut().zip(cache) {
            *o = T::one() - z; // z'
        }
        true
    }

    fn init_gate_biases(&self, p: &mut [T]) {
        let h = self.hidden;
        let [_, _, b_i, b_h] = split_mut(p, &self.specs());
        if let Some(bz) = self.surgery.update_bias {
            // z = 1 − z' = σ(−pre_z'): the app's b_z is −(b_iz + b_hz).
            b_i[h..2 * h].fill(T::of(-bz));
            b_h[h..2 * h].fill(T::zero());
        }
    }
}

#[cfg(test)]
#[path = "gru_torch_tests.rs"]
mod tests;
