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

use super::step::{add_masked_grad, affine_backward, masked_h, Mat};
use super::{Cell, CellShape, GateMode, JacobianTerms, StepGrad, Surgery};
use crate::kernels::gemm_nn;
use crate::params::{split, split_mut, BlockRole, BlockSpec};
use crate::real::sigmoid;
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
    fn specs(&self) -> [BlockSpec; 4] {
        let (i, h) = (self.input, self.hidden);
        [
            BlockSpec::new("W", i, 3 * h, BlockRole::Input),
            BlockSpec::new("U", h, 3 * h, BlockRole::Recurrent),
            BlockSpec::new("b_i", 3 * h, 1, BlockRole::Bias),
            BlockSpec::new("b_h", 3 * h, 1, BlockRole::Bias),
        ]
    }
}

impl GruTorch {
    /// The one-step Jacobian of one sample as its three terms `J_t = A_t + B_t + C_t` in the
    /// app's convention ([`JacobianTerms`]; `z = 1 − z'`, `h̃ = n`): `A = diag(z')`,
    /// `B = diag(1 − z')·∂n/∂h_{t−1}`, `C = diag(n − h_{t−1})·∂z/∂h_{t−1}`.
    pub fn jacobian_terms<T: Real>(
        &self,
        p: &[T],
        s_prev: &[T],
        mask: Option<&[T]>,
        cache: &[T],
        out: JacobianTerms<'_, T>,
    ) {
        let h = self.hidden;
        let h3 = 3 * h;
        let [_, u, _, _] = split(p, &self.specs());
        let (upd, rst) = (self.surgery.effective_update(), self.surgery.reset);
        let m = |j: usize| mask.map_or(T::one(), |m| m[j]);
        for i in 0..h {
            let (z, r, n, hn) = (cache[i], cache[h + i], cache[2 * h + i], cache[3 * h + i]);
            out.a[i] = T::one() - z; // A = diag(1 − z) = diag(z')
            let gz = (s_prev[i] - n) * upd.slope(z); // (n_i − h_i) ∂z_i/∂pre_z'_i, ∂z/∂z' = −1
            let gn = z * (T::one() - n * n); // z_i ∂n_i/∂pre_n_i
            let gr = gn * hn * rst.slope(r); // z_i ∂n_i/∂pre_r_i
            let ghn = gn * r; // z_i ∂n_i/∂hn_i
            for j in 0..h {
                let uj = &u[j * h3..(j + 1) * h3]; // row j of [U_r U_z U_n]
                out.b[i * h + j] = m(j) * (gr * uj[i] + ghn * uj[2 * h + i]); // diag(z) ∂n/∂h
                out.c[i * h + j] = m(j) * gz * uj[h + i]; // diag(n − h) ∂z/∂h
            }
        }
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
    fn gate_names(&self) -> &'static [&'static str] {
        &["z", "r", "h_tilde"]
    }
}

impl<T: Real> Cell<T> for GruTorch {
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
        let (h3, h4) = (3 * h, 4 * h);
        let [w, u, b_i, b_h] = split(p, &self.specs());
        let (upd, rst) = (self.surgery.effective_update(), self.surgery.reset);
        let (gi, rest) = scratch.split_at_mut(b * h3); // (B, 3H) x W + b_i
        let (gh, rest) = rest.split_at_mut(b * h3); // (B, 3H) hm U + b_h
        let (hm, hld) = masked_h(s_prev, h, h, b, mask, rest);
        for row in 0..b {
            gi[row * h3..(row + 1) * h3].copy_from_slice(b_i);
            gh[row * h3..(row + 1) * h3].copy_from_slice(b_h);
        }
        gemm_nn(b, ni, h3, x, ni, w, h3, gi, h3); // + x W
        gemm_nn(b, h, h3, hm, hld, u, h3, gh, h3); // + hm U
        for row in 0..b {
            let (a, q) = (&gi[row * h3..(row + 1) * h3], &gh[row * h3..(row + 1) * h3]);
            let c = &mut cache[row * h4..(row + 1) * h4];
            for j in 0..h {
                let r = rst.value(a[j] + q[j]);
                let pz = a[h + j] + q[h + j]; // pre_z'
                let (z, zt) = match upd {
                    // z = 1 − z' (app), z' (PyTorch), each at full precision
                    GateMode::Learned => (sigmoid(-pz), sigmoid(pz)),
                    GateMode::Fixed(c) => (T::of(c), T::of(1.0 - c)),
                };
                let hn = q[2 * h + j]; // h_{t−1} U_n + b_hn
                let n = (a[2 * h + j] + r * hn).tanh();
                c[j] = z;
                c[h + j] = r;
                c[2 * h + j] = n;
                c[3 * h + j] = hn;
                let hp = s_prev[row * h + j];
                s[row * h + j] = z * n + zt * hp; // h_t = (1−z') n + z' h_{t−1}
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
        let (h3, h4) = (3 * h, 4 * h);
        let specs = self.specs();
        let [w, u, _, _] = split(p, &specs);
        let StepGrad {
            ds,
            dp,
            dx,
            ds_prev,
        } = g;
        let [dw, du, db_i, db_h] = split_mut(dp, &specs);
        let (upd, rst) = (self.surgery.effective_update(), self.surgery.reset);
        let (dgi, rest) = scratch.split_at_mut(b * h3); // dL/d(xW + b_i) (B, 3H)
        let (dgh, rest) = rest.split_at_mut(b * h3); // dL/d(hm U + b_h) (B, 3H)
        let (dhm, rest) = rest.split_at_mut(b * h); // dL/dhm (B, H)
        let (hm, hld) = masked_h(s_prev, h, h, b, mask, rest);
        for row in 0..b {
            let c = &cache[row * h4..(row + 1) * h4];
            let (di, dh_) = (
                &mut dgi[row * h3..(row + 1) * h3],
                &mut dgh[row * h3..(row + 1) * h3],
            );
            for j in 0..h {
                let (z, r, n, hn) = (c[j], c[h + j], c[2 * h + j], c[3 * h + j]);
                let zt = T::one() - z;
                let dh = ds[row * h + j];
                let hp = s_prev[row * h + j];
                let dpz = dh * (hp - n) * upd.slope(z); // dL/dpre_z' (z'(1−z') = z(1−z))
                let dpn = dh * z * (T::one() - n * n); // dL/dpre_n (through 1 − z' = z)
                let dpr = dpn * hn * rst.slope(r); // dL/dpre_r
                di[j] = dpr;
                di[h + j] = dpz;
                di[2 * h + j] = dpn;
                dh_[j] = dpr;
                dh_[h + j] = dpz;
                dh_[2 * h + j] = dpn * r; // dL/dhn
                ds_prev[row * h + j] = ds_prev[row * h + j] + dh * zt; // additive path
            }
        }
        // gh = hm U + b_h: dU += hmᵀ dgh, db_h += Σ dgh, dhm = dgh Uᵀ.
        dhm.fill(T::zero());
        let hmv = Mat::new(hm, b, h, hld);
        affine_backward(hmv, Mat::new(dgh, b, h3, h3), u, du, Some(db_h), Some(dhm));
        add_masked_grad(ds_prev, h, dhm, h, mask);
        // gi = x W + b_i: dW += xᵀ dgi, db_i += Σ dgi, dx += dgi Wᵀ.
        affine_backward(
            Mat::new(x, b, ni, ni),
            Mat::new(dgi, b, h3, h3),
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
        s_prev: &[T],
        mask: Option<&[T]>,
        cache: &[T],
        out: &mut [T],
        scratch: &mut [T],
    ) {
        let h = self.hidden;
        let (a, rest) = scratch.split_at_mut(h); // diag(1 − z) = diag(z')
        let c = &mut rest[..h * h]; // C (H, H)
        self.jacobian_terms(p, s_prev, mask, cache, JacobianTerms { a, b: out, c });
        for i in 0..h {
            for j in 0..h {
                out[i * h + j] = out[i * h + j] + c[i * h + j]; // J = B + C
            }
            out[i * h + i] = out[i * h + i] + a[i]; // + A
        }
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
