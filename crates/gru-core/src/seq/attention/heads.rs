//! The causal softmax attention of one (sample, head), forward beside backward. It reads its
//! `q`, `k`, `v` columns straight out of the time-major `(T, B, 3D)` projection buffer and
//! writes its `d_h` output columns into the `(T, B, D)` concatenation, by strides.

use crate::kernels::{axpy, dot};
use crate::Real;

/// Where one (sample `b`, head `h`) lives in the time-major buffers.
#[derive(Clone, Copy, Debug)]
pub(crate) struct HeadView {
    /// Positions `T`.
    pub t: usize,
    /// Head width `d_h`.
    pub dh: usize,
    /// Row stride of the `(T, B, 3D)` buffer: `B·3D`.
    pub ld_qkv: usize,
    /// Offset of `q_0` (`b·3D + h·d_h`); `k` is `D` further, `v` `2D` further.
    pub q: usize,
    /// `D`.
    pub d: usize,
    /// Row stride of the `(T, B, D)` buffer: `B·D`.
    pub ld_o: usize,
    /// Offset of `o_0` (`b·D + h·d_h`).
    pub o: usize,
    /// `1/√d_h`.
    pub scale: f64,
}

impl HeadView {
    #[inline]
    fn q(&self, i: usize) -> usize {
        i * self.ld_qkv + self.q
    }
    #[inline]
    fn k(&self, j: usize) -> usize {
        j * self.ld_qkv + self.q + self.d
    }
    #[inline]
    fn v(&self, j: usize) -> usize {
        j * self.ld_qkv + self.q + 2 * self.d
    }
    #[inline]
    fn o(&self, i: usize) -> usize {
        i * self.ld_o + self.o
    }
}

/// Scratch values one (sample, head) needs: `Kᵀ`, `Vᵀ`, `dKᵀ`, `dVᵀ`, each `(d_h, T)`.
pub(crate) fn scratch_len(t: usize, dh: usize) -> usize {
    4 * dh * t
}

/// Gathers `k` and `v` of this head into `kt`, `vt` `(d_h, T)`: column `j` is position `j`.
/// Every product below then runs along positions, over contiguous rows of length `i + 1`.
fn gather<T: Real>(hv: &HeadView, qkv: &[T], kt: &mut [T], vt: &mut [T]) {
    let (t, dh) = (hv.t, hv.dh);
    for j in 0..t {
        let (k, v) = (&qkv[hv.k(j)..hv.k(j) + dh], &qkv[hv.v(j)..hv.v(j) + dh]);
        for c in 0..dh {
            kt[c * t + j] = k[c];
            vt[c * t + j] = v[c];
        }
    }
}

/// `P = softmax(q kᵀ · scale + M)` with `M_ij = −∞` above the diagonal, written to `p (T, T)`
/// (zeros above the diagonal), and `o_i = Σ_{j≤i} P_ij v_j` into `out`.
pub(crate) fn head_forward<T: Real>(
    hv: HeadView,
    qkv: &[T],
    p: &mut [T],
    out: &mut [T],
    scratch: &mut [T],
) {
    let (t, dh, scale) = (hv.t, hv.dh, T::of(hv.scale));
    let (kt, rest) = scratch.split_at_mut(dh * t);
    let vt = &mut rest[..dh * t];
    gather(&hv, qkv, kt, vt);
    for i in 0..t {
        let qi = &qkv[hv.q(i)..hv.q(i) + dh];
        let row = &mut p[i * t..(i + 1) * t];
        let (s, zeros) = row.split_at_mut(i + 1);
        // s_j = scale · q_i · k_j for j ≤ i, as Σ_c (scale q_ic) Kᵀ[c][0..=i].
        s.fill(T::zero());
        for c in 0..dh {
            axpy(qi[c] * scale, &kt[c * t..c * t + i + 1], s);
        }
        let mx = s.iter().fold(T::neg_infinity(), |m, &v| m.max(v));
        let mut sum = T::zero();
        for v in s.iter_mut() {
            *v = (*v - mx).exp();
            sum = sum + *v;
        }
        let inv = T::one() / sum;
        s.iter_mut().for_each(|v| *v = *v * inv);
        zeros.fill(T::zero());
        // o_i[c] = P_i,0..=i · Vᵀ[c][0..=i]
        let oi = &mut out[hv.o(i)..hv.o(i) + dh];
        for c in 0..dh {
            oi[c] = dot(s, &vt[c * t..c * t + i + 1]);
        }
    }
}

/// Backward of [`head_forward`] for `d_o` (same strides as `out`), accumulated into
/// `dqkv (T, B, 3D)`. Per query row `i`, with `dP_ij = d_o_i · v_j`:
/// `dS_ij = P_ij (dP_ij − Σ_j P_ij dP_ij)` (softmax), then
/// `dq_i += scale Σ_j dS_ij k_j`, `dk_j += scale dS_ij q_i`, `dv_j += P_ij d_o_i`.
/// `drow` holds `T` values; `scratch` [`scratch_len`].
pub(crate) fn head_backward<T: Real>(
    hv: HeadView,
    qkv: &[T],
    p: &[T],
    d_o: &[T],
    dqkv: &mut [T],
    drow: &mut [T],
    scratch: &mut [T],
) {
    let (t, dh, scale) = (hv.t, hv.dh, T::of(hv.scale));
    let (kt, rest) = scratch.split_at_mut(dh * t);
    let (vt, rest) = rest.split_at_mut(dh * t);
    let (dkt, rest) = rest.split_at_mut(dh * t);
    let dvt = &mut rest[..dh * t];
    gather(&hv, qkv, kt, vt);
    dkt.fill(T::zero());
    dvt.fill(T::zero());
    for i in 0..t {
        let prow = &p[i * t..i * t + i + 1];
        let doi = &d_o[hv.o(i)..hv.o(i) + dh];
        if doi.iter().all(|&v| v == T::zero()) {
            continue; // nothing flows back through this query (e.g. rows the head never reads)
        }
        let ds = &mut drow[..=i];
        // dP_i = Σ_c d_o_ic Vᵀ[c], then dS_i = scale · P_i ⊙ (dP_i − P_i · dP_i).
        ds.fill(T::zero());
        for c in 0..dh {
            axpy(doi[c], &vt[c * t..c * t + i + 1], ds);
        }
        let m = dot(prow, ds);
        for (d, &pv) in ds.iter_mut().zip(prow) {
            *d = pv * (*d - m) * scale;
        }
        let qi = &qkv[hv.q(i)..hv.q(i) + dh];
        for c in 0..dh {
            let dq = dot(ds, &kt[c * t..c * t + i + 1]);
            let at = hv.q(i) + c;
            dqkv[at] = dqkv[at] + dq;
            axpy(qi[c], ds, &mut dkt[c * t..c * t + i + 1]);
            axpy(doi[c], prow, &mut dvt[c * t..c * t + i + 1]);
        }
    }
    for j in 0..t {
        let (k0, v0) = (hv.k(j), hv.v(j));
        for c in 0..dh {
            dqkv[k0 + c] = dqkv[k0 + c] + dkt[c * t + j];
            dqkv[v0 + c] = dqkv[v0 + c] + dvt[c * t + j];
        }
    }
}
