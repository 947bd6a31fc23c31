//! What every cell's step shares: the recurrent-dropout mask on `h_{t−1}` (forward and its
//! gradient), gate activations over whole rows, and the backward of the affine maps `pre = x W + h U + b` the gates are built on.

use super::GateMode;
use crate::kernels::{gemm_nt, gemm_tn, sigmoid_in_place};
use crate::params::BlockSpec;
use crate::Real;

/// A gate row in place: `σ(pre)` when learned (the SIMD kernel), the constant when held
/// (surgery), which wins over `pre`. Elementwise, so the per-step and the projected paths
/// give the same bits.
pub(crate) fn gate_in_place<T: Real>(mode: GateMode, v: &mut [T]) {
    match mode {
        GateMode::Learned => sigmoid_in_place(v),
        GateMode::Fixed(c) => v.fill(T::of(c)),
    }
}

/// Where each of a cell's parameter blocks starts in its flat parameters, in storage order.
pub(crate) fn block_offsets<const N: usize>(specs: &[BlockSpec; N]) -> [usize; N] {
    let mut off = [0; N];
    let mut at = 0;
    for (o, s) in off.iter_mut().zip(specs) {
        *o = at;
        at += s.len();
    }
    off
}

/// `hm (B, H) = h_{t−1} ⊙ mask` for the recurrent-dropout path, written into `buf`, or
/// `h_{t−1}` itself without a mask; returned with its row stride (`H`, or `ld` of the state).
pub(crate) fn masked_h<'a, T: Real>(
    s_prev: &'a [T],
    ld: usize,
    h: usize,
    b: usize,
    mask: Option<&[T]>,
    buf: &'a mut [T],
) -> (&'a [T], usize) {
    match mask {
        None => (s_prev, ld),
        Some(m) => {
            for row in 0..b {
                for j in 0..h {
                    buf[row * h + j] = s_prev[row * ld + j] * m[row * h + j];
                }
            }
            (&buf[..b * h], h)
        }
    }
}

/// The gradient through the mask of [`masked_h`]: `ds_prev[:, :H] += dhm ⊙ mask`, with
/// `dhm = dL/d(h_{t−1} ⊙ mask) (B, H)` and `ds_prev = dL/ds_{t−1} (B, ld)`.
pub(crate) fn add_masked_grad<T: Real>(
    ds_prev: &mut [T],
    ld: usize,
    dhm: &[T],
    h: usize,
    mask: Option<&[T]>,
) {
    for (row, d) in dhm.chunks_exact(h).enumerate() {
        for (j, &v) in d.iter().enumerate() {
            let m = mask.map_or(T::one(), |m| m[row * h + j]);
            ds_prev[row * ld + j] = ds_prev[row * ld + j] + v * m;
        }
    }
}

/// A read-only `(rows, cols)` row-major view with row stride `ld`.
#[derive(Clone, Copy)]
pub(crate) struct Mat<'a, T> {
    pub data: &'a [T],
    pub rows: usize,
    pub cols: usize,
    pub ld: usize,
}

impl<'a, T> Mat<'a, T> {
    /// A view of `data` as `(rows, cols)` with row stride `ld`.
    pub fn new(data: &'a [T], rows: usize, cols: usize, ld: usize) -> Self {
        Self {
            data,
            rows,
            cols,
            ld,
        }
    }
}

/// Backward of `pre (B, N) += a (B, K) · W (K, N) [+ b]` given `d = dL/dpre (B, N)`:
/// `dW += aᵀ d`; `db += Σ_rows d` when the map has a bias; `da (B, K) += d Wᵀ` when asked.
pub(crate) fn affine_backward<T: Real>(
    a: Mat<'_, T>,
    d: Mat<'_, T>,
    w: &[T],
    dw: &mut [T],
    db: Option<&mut [T]>,
    da: Option<&mut [T]>,
) {
    let (rows, k, n) = (a.rows, a.cols, d.cols);
    gemm_tn(rows, k, n, a.data, a.ld, d.data, d.ld, dw, n); // dW += aᵀ d
    if let Some(db) = db {
        for row in 0..rows {
            let dr = &d.data[row * d.ld..row * d.ld + n];
            db[..n].iter_mut().zip(dr).for_each(|(g, &v)| *g = *g + v); // db += Σ d
        }
    }
    if let Some(da) = da {
        gemm_nt(rows, k, n, d.data, d.ld, w, n, da, k); // da += d Wᵀ
    }
}
