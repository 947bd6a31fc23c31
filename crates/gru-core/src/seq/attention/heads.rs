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

/// `P = softmax(q kᵀ · scale + M)` with `M_ij = −∞` above the diagonal, written to `p (T, T)`
/// (zeros above the diagonal), and `o_i = Σ_{j≤i} P_ij v_j` into `out`.
pub(crate) fn head_forward<T: Real>(hv: HeadView, qkv: &[T], p: &mut [T], out: &mut [T]) {
    let (t, dh, scale) = (hv.t, hv.dh, T::of(hv.scale));
    for i in 0..t {
        let qi = &qkv[hv.q(i)..hv.q(i) + dh];
        let row = &mut p[i * t..(i + 1) * t];
        let mut mx = T::neg_infinity();
        for j in 0..=i {
            let s = dot(qi, &qkv[hv.k(j)..hv.k(j) + dh]) * scale;
            row[j] = s;
            mx = mx.max(s);
        }
        let mut sum = T::zero();
        for v in &mut row[..=i] {
            *v = (*v - mx).exp();
            sum = sum + *v;
        }
        let inv = T::one() / sum;
        row[..=i].iter_mut().for_each(|v| *v = *v * inv);
        row[i + 1..].fill(T::zero());
        let oi = &mut out[hv.o(i)..hv.o(i) + dh];
        oi.fill(T::zero());
        for j in 0..=i {
            axpy(row[j], &qkv[hv.v(j)..hv.v(j) + dh], oi);
        }
    }
}

/// Backward of [`head_forward`] for `d_o` (same strides as `out`), accumulated into
/// `dqkv (T, B, 3D)`. Per query row `i`, with `dP_ij = d_o_i · v_j`:
/// `dS_ij = P_ij (dP_ij − Σ_j P_ij dP_ij)` (softmax), then
/// `dq_i += scale Σ_j dS_ij k_j`, `dk_j += scale dS_ij q_i`, `dv_j += P_ij d_o_i`.
/// `drow` holds `T` scratch values.
pub(crate) fn head_backward<T: Real>(
    hv: HeadView,
    qkv: &[T],
    p: &[T],
    d_o: &[T],
    dqkv: &mut [T],
    drow: &mut [T],
) {
    let (t, dh, scale) = (hv.t, hv.dh, T::of(hv.scale));
    for i in 0..t {
        let prow = &p[i * t..(i + 1) * t];
        let doi = &d_o[hv.o(i)..hv.o(i) + dh];
        let mut c = T::zero();
        for j in 0..=i {
            let dp = dot(doi, &qkv[hv.v(j)..hv.v(j) + dh]);
            drow[j] = dp;
            c = c + prow[j] * dp;
        }
        for j in 0..=i {
            drow[j] = prow[j] * (drow[j] - c) * scale; // scale · dS_ij
            axpy(prow[j], doi, &mut dqkv[hv.v(j)..hv.v(j) + dh]);
            axpy(
                drow[j],
                &qkv[hv.q(i)..hv.q(i) + dh],
                &mut dqkv[hv.k(j)..hv.k(j) + dh],
            );
        }
        let (lo, hi) = (hv.q(i), hv.q(i) + dh);
        for j in 0..=i {
            let kj = hv.k(j);
            let (dq, k) = (&mut dqkv[lo..hi], &qkv[kj..kj + dh]);
            axpy(drow[j], k, dq);
        }
    }
}
