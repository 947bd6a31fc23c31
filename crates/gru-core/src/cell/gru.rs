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
//! Blocks: `W (I, 3H)` = `[W_z W_r W_h]`, `U_zr (H, 2H)` = `[U_z U_r]`, `U_h (H, H)`,
//! `b (3H)` = `[b_z b_r b_h]`. Cache row `(4H)`: `[z, r, h̃, r ⊙ h_{t−1}]`.

use super::{masked_h, Cell, InputProjection, StepGrad};
use crate::kernels::{gemm_nn, gemm_nt, gemm_tn, sigmoid_in_place, tanh_in_place};
use crate::params::{BlockRole, BlockSpec};
use crate::Real;

/// App-formulation GRU cell with input size `input` and hidden size `hidden`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Gru {
    /// Input size `I`.
    pub input: usize,
    /// Hidden size `H`.
    pub hidden: usize,
}

impl Gru {
    /// A GRU cell `I → H`.
    pub fn new(input: usize, hidden: usize) -> Self {
        Self { input, hidden }
    }
    /// Offsets of `W`, `U_zr`, `U_h`, `b` in the cell's parameter slice.
    fn offsets(&self) -> [usize; 4] {
        let (i, h) = (self.input, self.hidden);
        let w = 0;
        let uzr = w + i * 3 * h;
        let uh = uzr + h * 2 * h;
        let b = uh + h * h;
        [w, uzr, uh, b]
    }

    /// The step after the input projection: `pre (B, 3H)` holds `b + x W` on entry;
    /// `scratch` holds at least `B·H` values (the masked `h_{t−1}`).
    #[allow(clippy::too_many_arguments)]
    fn step<T: Real>(
        &self,
        p: &[T],
        b: usize,
        pre: &mut [T],
        s_prev: &[T],
        mask: Option<&[T]>,
        s: &mut [T],
        cache: &mut [T],
        scratch: &mut [T],
    ) {
        let h = self.hidden;
        let (h3, h4) = (3 * h, 4 * h);
        let [_, ouzr, ouh, _] = self.offsets();
        let (hm, hld) = masked_h(s_prev, h, h, b, mask, scratch);
        gemm_nn(b, h, 2 * h, hm, hld, &p[ouzr..], 2 * h, pre, h3); // + h U_zr
        for row in 0..b {
            let zr = &mut pre[row * h3..row * h3 + 2 * h];
            sigmoid_in_place(zr); // [z, r] = σ(pre_zr)
            let c = &mut cache[row * h4..(row + 1) * h4];
            c[..2 * h].copy_from_slice(zr);
            for j in 0..h {
                c[3 * h + j] = c[h + j] * hm[row * hld + j]; // r ⊙ h_{t−1}
            }
        }
        gemm_nn(
            b,
            h,
            h,
            &cache[3 * h..],
            h4,
            &p[ouh..],
            h,
            &mut pre[2 * h..],
            h3,
        ); // + (r⊙h) U_h
        for row in 0..b {
            let c = &mut cache[row * h4..(row + 1) * h4];
            let ht = &mut pre[row * h3 + 2 * h..(row + 1) * h3];
            tanh_in_place(ht); // h̃ = tanh(pre_h)
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
/// (accumulated) and dL/dpre `(B, 3H)` (written).
struct StepDelta<'a, T> {
    ds: &'a [T],
    ds_prev: &'a mut [T],
    dpre: &'a mut [T],
}

impl Gru {
    /// Backward of one step up to the weight gradients: writes dL/dpre `(B, 3H)` and adds
    /// dL/dh_{t−1}. `hm` is the masked `h_{t−1}` with its row stride; `scratch` holds `2·B·H`.
    #[allow(clippy::too_many_arguments)]
    fn backward_core<T: Real>(
        &self,
        p: &[T],
        b: usize,
        s_prev: &[T],
        (hm, hld): (&[T], usize),
        mask: Option<&[T]>,
        cache: &[T],
        d: StepDelta<'_, T>,
        scratch: &mut [T],
    ) {
        let h = self.hidden;
        let (h3, h4) = (3 * h, 4 * h);
        let [_, ouzr, ouh, _] = self.offsets();
        let StepDelta { ds, ds_prev, dpre } = d;
        let (drh, rest) = scratch.split_at_mut(b * h); // dL/d(r⊙h) (B, H)
        let dhm = &mut rest[..b * h]; // dL/dhm (B, H)
        for row in 0..b {
            let c = &cache[row * h4..];
            for j in 0..h {
                let (z, ht) = (c[j], c[2 * h + j]);
                let dh = ds[row * h + j];
                let hp = s_prev[row * h + j];
                dpre[row * h3 + j] = dh * (ht - hp) * z * (T::one() - z); // dL/dpre_z
                dpre[row * h3 + 2 * h + j] = dh * z * (T::one() - ht * ht); // dL/dpre_h
                ds_prev[row * h + j] = ds_prev[row * h + j] + dh * (T::one() - z);
                // additive path
            }
        }
        drh.fill(T::zero());
        gemm_nt(b, h, h, &dpre[2 * h..], h3, &p[ouh..], h, drh, h); // d(r⊙h) = dpre_h U_hᵀ
        for row in 0..b {
            let c = &cache[row * h4..];
            for j in 0..h {
                let r = c[h + j];
                let d = drh[row * h + j];
                dpre[row * h3 + h + j] = d * hm[row * hld + j] * r * (T::one() - r); // dL/dpre_r
                dhm[row * h + j] = d * r;
            }
        }
        gemm_nt(b, h, 2 * h, dpre, h3, &p[ouzr..], 2 * h, dhm, h); // + dpre_zr U_zrᵀ
        for row in 0..b {
            for j in 0..h {
                let m = mask.map_or(T::one(), |m| m[row * h + j]);
                ds_prev[row * h + j] = ds_prev[row * h + j] + dhm[row * h + j] * m;
            }
        }
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
        let [_, ouzr, ouh, ob] = self.offsets();
        let (dw, rest) = dp.split_at_mut(ouzr);
        let (duzr, rest) = rest.split_at_mut(ouh - ouzr);
        let (duh, db) = rest.split_at_mut(ob - ouh);
        gemm_tn(n, ni, h3, x, ni, dpre, h3, dw, h3); // dW += xᵀ dpre
        gemm_tn(n, h, 2 * h, hm, hld, dpre, h3, duzr, 2 * h); // dU_zr += hmᵀ dpre_zr
        gemm_tn(n, h, h, &cache[3 * h..], h4, &dpre[2 * h..], h3, duh, h); // dU_h += (r⊙h)ᵀ dpre_h
        for row in 0..n {
            for (d, &v) in db[..h3].iter_mut().zip(&dpre[row * h3..(row + 1) * h3]) {
                *d = *d + v;
            }
        }
    }
}

impl<T: Real> Cell<T> for Gru {
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
    fn blocks(&self) -> Vec<BlockSpec> {
        let (i, h) = (self.input, self.hidden);
        vec![
            BlockSpec::new("W", i, 3 * h, BlockRole::Input),
            BlockSpec::new("U_zr", h, 2 * h, BlockRole::Recurrent),
            BlockSpec::new("U_h", h, h, BlockRole::Recurrent),
            BlockSpec::new("b", 3 * h, 1, BlockRole::Bias),
        ]
    }
    fn gate_names(&self) -> &'static [&'static str] {
        &["z", "r", "h_tilde"]
    }

    fn input_projection(&self) -> Option<InputProjection> {
        let [ow, _, _, ob] = self.offsets();
        Some(InputProjection {
            w: ow,
            b: ob,
            width: 3 * self.hidden,
        })
    }

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
        let (ni, h3) = (self.input, 3 * self.hidden);
        let [ow, _, _, ob] = self.offsets();
        let (pre, rest) = scratch.split_at_mut(b * h3); // (B, 3H) pre-activations
        for row in 0..b {
            pre[row * h3..(row + 1) * h3].copy_from_slice(&p[ob..ob + h3]);
        }
        gemm_nn(b, ni, h3, x, ni, &p[ow..], h3, pre, h3); // + x W
        self.step(p, b, pre, s_prev, mask, s, cache, rest);
    }

    fn forward_projected(
        &self,
        p: &[T],
        b: usize,
        pre: &mut [T],
        s_prev: &[T],
        mask: Option<&[T]>,
        s: &mut [T],
        cache: &mut [T],
        scratch: &mut [T],
    ) {
        self.step(p, b, pre, s_prev, mask, s, cache, scratch);
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
        let (ni, h3) = (self.input, 3 * self.hidden);
        let [ow, ..] = self.offsets();
        let (dpre, rest) = scratch.split_at_mut(b * h3); // dL/dpre (B, 3H)
        let (hm_buf, rest) = rest.split_at_mut(b * self.hidden);
        let (hm, hld) = masked_h(s_prev, self.hidden, self.hidden, b, mask, hm_buf);
        let StepGrad {
            ds,
            dp,
            dx,
            ds_prev,
        } = g;
        let d = StepDelta { ds, ds_prev, dpre };
        self.backward_core(p, b, s_prev, (hm, hld), mask, cache, d, rest);
        self.weight_grads_rows(b, x, (hm, hld), cache, dpre, dp);
        if let Some(dx) = dx {
            gemm_nt(b, ni, h3, dpre, h3, &p[ow..], h3, dx, ni); // dx += dpre Wᵀ
        }
    }

    fn backward_deferred(
        &self,
        p: &[T],
        b: usize,
        s_prev: &[T],
        cache: &[T],
        ds: &[T],
        ds_prev: &mut [T],
        dx: Option<&mut [T]>,
        dpre: &mut [T],
        scratch: &mut [T],
    ) {
        let (ni, h, h3) = (self.input, self.hidden, 3 * self.hidden);
        let [ow, ..] = self.offsets();
        let d = StepDelta { ds, ds_prev, dpre };
        self.backward_core(p, b, s_prev, (s_prev, h), None, cache, d, scratch);
        if let Some(dx) = dx {
            gemm_nt(b, ni, h3, dpre, h3, &p[ow..], h3, dx, ni); // dx += dpre Wᵀ
        }
    }

    fn weight_grads(&self, n: usize, x: &[T], s_prev: &[T], cache: &[T], dpre: &[T], dp: &mut [T]) {
        self.weight_grads_rows(n, x, (s_prev, self.hidden), cache, dpre, dp);
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
        let [_, ouzr, ouh, _] = self.offsets();
        let (uzr, uh) = (&p[ouzr..ouh], &p[ouh..ouh + h * h]);
        let m = |j: usize| mask.map_or(T::one(), |m| m[j]);
        let (a, rest) = scratch.split_at_mut(h * h);
        let mm = &mut rest[..h * h];
        // A[j][k] = U_r[j][k] · hm_k r_k (1 − r_k): how h_j moves pre_h through r_k.
        for j in 0..h {
            for k in 0..h {
                let r = cache[h + k];
                a[j * h + k] = uzr[j * 2 * h + h + k] * s_prev[k] * m(k) * r * (T::one() - r);
            }
        }
        mm.fill(T::zero());
        gemm_nn(h, h, h, a, h, uh, h, mm, h); // M = A U_h: ∂pre_h[i]/∂h_j via r, at M[j][i]
        for i in 0..h {
            let (z, ht) = (cache[i], cache[2 * h + i]);
            let gz = (ht - s_prev[i]) * z * (T::one() - z); // ∂h'_i/∂pre_z_i
            let gh = z * (T::one() - ht * ht); // ∂h'_i/∂pre_h_i
            for j in 0..h {
                let r = cache[h + j];
                let dpre_h = m(j) * (r * uh[j * h + i] + mm[j * h + i]);
                let dpre_z = m(j) * uzr[j * 2 * h + i];
                let diag = if i == j { T::one() - z } else { T::zero() };
                out[i * h + j] = diag + gz * dpre_z + gh * dpre_h;
            }
        }
    }

    fn additive_diag(&self, cache: &[T], out: &mut [T]) -> bool {
        for (o, &z) in out[..self.hidden].iter_mut().zip(cache) {
            *o = T::one() - z;
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cell::check;

    /// One unit, one input, derived by hand (burn style). With `x = 1`, `h₀ = 0.5`,
    /// `W = [w_z w_r w_h] = [0.5, −0.5, 1]`, `U_z = U_r = 0`, `U_h = 1`, `b = 0` and `L = h₁`:
    ///
    /// ```text
    /// z = σ(0.5),  r = σ(−0.5),  h̃ = tanh(1 + r·0.5),  h₁ = (1 − z)·0.5 + z·h̃
    /// ∂L/∂h₀  = (1 − z) + z(1 − h̃²)·r            (U_z = U_r = 0 remove the gate paths)
    /// ∂L/∂w_z = (h̃ − h₀)·z(1 − z)·x
    /// ∂L/∂w_h = z(1 − h̃²)·x,   ∂L/∂U_h = z(1 − h̃²)·r·h₀
    /// ∂L/∂w_r = z(1 − h̃²)·U_h·h₀·r(1 − r)·x,   ∂L/∂U_r = ∂L/∂w_r · h₀
    /// ```
    #[test]
    fn one_unit_case_matches_the_hand_derivation() {
        let sig = |v: f64| 1.0 / (1.0 + (-v).exp());
        let (x, h0) = (1.0f64, 0.5f64);
        let (z, r) = (sig(0.5), sig(-0.5));
        let ht = (1.0 + r * 0.5f64).tanh();
        let h1 = (1.0 - z) * h0 + z * ht;
        let cell = Gru::new(1, 1);
        // Blocks: W (1,3) = [w_z w_r w_h], U_zr (1,2) = [U_z U_r], U_h (1,1), b (3).
        let p = [0.5, -0.5, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0];
        let (mut s, mut cache, mut scratch) = ([0.0], [0.0; 4], [0.0; 6]);
        cell.forward(&p, 1, &[x], &[h0], None, &mut s, &mut cache, &mut scratch);
        assert!((s[0] - h1).abs() < 1e-15, "h₁ = {} vs {h1}", s[0]);
        for (c, w) in cache[..3].iter().zip([z, r, ht]) {
            assert!(
                (c - w).abs() < 1e-15,
                "gates {:?} vs [{z}, {r}, {ht}]",
                &cache[..3]
            );
        }
        let (mut dp, mut dx, mut dh0) = ([0.0; 9], [0.0], [0.0]);
        let g = StepGrad {
            ds: &[1.0],
            dp: &mut dp,
            dx: Some(&mut dx),
            ds_prev: &mut dh0,
        };
        cell.backward(&p, 1, &[x], &[h0], None, &cache, g, &mut [0.0; 6]);
        let gh = z * (1.0 - ht * ht);
        let want_dr = gh * 1.0 * h0 * r * (1.0 - r) * x;
        let want = [
            ("w_z", dp[0], (ht - h0) * z * (1.0 - z) * x),
            ("w_r", dp[1], want_dr),
            ("w_h", dp[2], gh * x),
            ("U_z", dp[3], (ht - h0) * z * (1.0 - z) * h0),
            ("U_r", dp[4], want_dr * h0),
            ("U_h", dp[5], gh * r * h0),
            ("b_z", dp[6], (ht - h0) * z * (1.0 - z)),
            ("dh0", dh0[0], (1.0 - z) + gh * r),
        ];
        for (name, got, w) in want {
            assert!((got - w).abs() < 1e-15, "{name}: {got} vs hand-derived {w}");
        }
    }

    #[test]
    fn backward_matches_finite_differences() {
        let cell = Gru::new(2, 3);
        check::check_backward(&cell, false);
        check::check_backward(&cell, true);
    }

    #[test]
    fn jacobian_matches_finite_differences() {
        let cell = Gru::new(2, 3);
        check::check_jacobian(&cell, false);
        check::check_jacobian(&cell, true);
    }

    #[test]
    fn additive_diag_is_one_minus_z_and_the_whole_jacobian_without_recurrence() {
        let cell = Gru::new(2, 3);
        let p = check::params(&cell);
        let case = check::case(&cell, 1, false);
        let (_, cache) = check::run_forward(&cell, &p, &case);
        let mut diag = [f64::NAN; 3];
        assert!(Cell::<f64>::additive_diag(&cell, &cache, &mut diag));
        for j in 0..3 {
            assert_eq!(diag[j], 1.0 - cache[j]);
        }
        check::check_additive_is_jacobian_without_recurrence(&cell, &p);
    }
}
