//! The GRU's one-step Jacobian `∂h_t/∂h_{t−1}` split into its three terms (the anatomy the
//! app draws): `A_t = diag(1 − z_t)` (the carry), `B_t = diag(z_t) ∂h̃_t/∂h_{t−1}` (through the
//! candidate, including the reset gate's path) and `C_t = diag(h̃_t − h_{t−1}) ∂z_t/∂h_{t−1}`
//! (through the update gate: the term the textbook `(1 − z) + z ∂h̃/∂h` leaves out), for the
//! app's GRU and for `torch.nn.GRU` (in the app's convention).

use super::{Gru, GruTorch, JacobianTerms};
use crate::kernels::gemm_nn;
use crate::params::split;
use crate::Real;

impl Gru {
    /// The one-step Jacobian of one sample as its three terms `J_t = A_t + B_t + C_t`
    /// ([`JacobianTerms`]), for `s_prev (H)`, the recurrent-dropout `mask (H)` and the step's
    /// cache row. `scratch` holds at least `2H²` values. Under surgery a held `z` makes
    /// `C_t = 0` (and a cut carry also `A_t = 0`); a held `r` drops its path out of `B_t`.
    pub fn jacobian_terms<T: Real>(
        &self,
        p: &[T],
        s_prev: &[T],
        mask: Option<&[T]>,
        cache: &[T],
        out: JacobianTerms<'_, T>,
        scratch: &mut [T],
    ) {
        let h = self.hidden;
        let [_, uzr, uh, _] = split(p, &self.specs());
        let (upd, rst) = (self.surgery.effective_update(), self.surgery.reset);
        let m = |j: usize| mask.map_or(T::one(), |m| m[j]);
        let (ar, rest) = scratch.split_at_mut(h * h);
        let mm = &mut rest[..h * h];
        // Ar[j][k] = U_r[j][k] · hm_k ∂r_k/∂pre_r_k: how h_j moves pre_h through r_k.
        for j in 0..h {
            for k in 0..h {
                let r = cache[h + k];
                ar[j * h + k] = uzr[j * 2 * h + h + k] * s_prev[k] * m(k) * rst.slope(r);
            }
        }
        mm.fill(T::zero());
        gemm_nn(h, h, h, ar, h, uh, h, mm, h); // M = Ar U_h: ∂pre_h[i]/∂h_j via r, at M[j][i]
        for i in 0..h {
            let (z, ht) = (cache[i], cache[2 * h + i]);
            out.a[i] = T::one() - z; // A = diag(1 − z)
            let gz = (ht - s_prev[i]) * upd.slope(z); // (h̃_i − h_i) ∂z_i/∂pre_z_i
            let gh = z * (T::one() - ht * ht); // z_i ∂h̃_i/∂pre_h_i
            for j in 0..h {
                let r = cache[h + j];
                let dpre_h = m(j) * (r * uh[j * h + i] + mm[j * h + i]); // ∂pre_h_i/∂h_j
                let dpre_z = m(j) * uzr[j * 2 * h + i]; // ∂pre_z_i/∂h_j
                out.b[i * h + j] = gh * dpre_h; // B = diag(z) ∂h̃/∂h
                out.c[i * h + j] = gz * dpre_z; // C = diag(h̃ − h) ∂z/∂h
            }
        }
    }
}

/// `J = A + B + C` into `out (H, H)`, which holds `B` on entry: `out += C`, then its diagonal
/// `+= a` (the diagonal of `A`). Both GRUs' [`super::Cell::jacobian`] end here.
pub(super) fn sum_terms<T: Real>(h: usize, a: &[T], out: &mut [T], c: &[T]) {
    for i in 0..h {
        for j in 0..h {
            out[i * h + j] = out[i * h + j] + c[i * h + j]; // B + C
        }
        out[i * h + i] = out[i * h + i] + a[i]; // + A
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
