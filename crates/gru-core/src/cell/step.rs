//! What every cell's step shares: the recurrent-dropout mask on `h_{t−1}` (forward and its
//! gradient), gate activations over whole rows, and the backward of the affine maps `pre = x W + h U + b` the gates are built on.

use super::GateMode;
use crate::kernels::act::for_rows;
use crate::kernels::{gemm_nn, gemm_tn, sigmoid_rows, transpose};
use crate::params::{BlockRole, BlockSpec};
use crate::seq::ops::fill_rows;
use crate::Real;

/// A gate over rows in place: the first `width` values of every `stride` values of `v` (the
/// gate's columns of a `(B, stride)` matrix) become `σ(pre)` when learned (the SIMD kernel) or
/// the constant when held (surgery), which wins over `pre`. Elementwise, so the per-step and
/// the projected paths give the same bits.
pub(crate) fn gate_rows<T: Real>(mode: GateMode, v: &mut [T], width: usize, stride: usize) {
    match mode {
        GateMode::Learned => sigmoid_rows(v, width, stride),
        GateMode::Fixed(c) => for_rows(v, width, stride, |row| row.fill(T::of(c))),
    }
}

/// Whether the backward multiplies by this block transposed (`dpre · Wᵀ`, `dpre · Uᵀ`).
fn is_weight(s: &BlockSpec) -> bool {
    matches!(s.role, BlockRole::Input | BlockRole::Recurrent)
}

/// [`super::CellShape::transposed_size`] for a cell whose blocks are `specs`.
pub(crate) fn transposed_size(specs: &[BlockSpec]) -> usize {
    specs
        .iter()
        .filter(|s| is_weight(s))
        .map(BlockSpec::len)
        .sum()
}

/// [`super::Cell::transpose_weights`] for a cell whose blocks are `specs`: each input and
/// recurrent block of `p`, transposed, into `wt` in block order.
pub(crate) fn transpose_weights<T: Real>(specs: &[BlockSpec], p: &[T], wt: &mut [T]) {
    let (mut at, mut out) = (0, 0);
    for s in specs {
        let n = s.len();
        if is_weight(s) {
            transpose(s.rows, s.cols, &p[at..at + n], &mut wt[out..out + n]);
            out += n;
        }
        at += n;
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

/// `dx (B, I) += dpre (B, G) · Wᵀ` with `w_t = Wᵀ (G, I)` from the cell's transposed weights
/// ([`super::Cell::transpose_weights`]), when dx is wanted; `dpre`'s columns are the `G` gates.
pub(crate) fn add_input_grad<T: Real>(dpre: Mat<'_, T>, w_t: &[T], dx: Option<&mut [T]>) {
    if let Some(dx) = dx {
        let ni = w_t.len() / dpre.cols;
        gemm_nn(
            dpre.rows, dpre.cols, ni, dpre.data, dpre.ld, w_t, ni, dx, ni,
        );
    }
}

/// The weight side of the backward of `pre (B, N) += a (B, K) · W (K, N) + b` given
/// `d = dL/dpre (B, N)`: `dW += aᵀ d` and `db += Σ_rows d`. (`da += d Wᵀ` is the caller's
/// product with `Wᵀ`, [`super::Cell::transpose_weights`].)
pub(crate) fn affine_backward<T: Real>(a: Mat<'_, T>, d: Mat<'_, T>, dw: &mut [T], db: &mut [T]) {
    let (rows, k, n) = (a.rows, a.cols, d.cols);
    gemm_tn(rows, k, n, a.data, a.ld, d.data, d.ld, dw, n); // dW += aᵀ d
    add_row_sums(&mut db[..n], d.data, rows, d.ld); // db += Σ d
}

/// `acc (n) += Σ_rows g[row·ld .. row·ld + n]` over `rows` rows, in row order: the gradient of
/// a bias added to every row, from the rows of dL/dpre (`n = acc.len()`, row stride `ld`).
pub(crate) fn add_row_sums<T: Real>(acc: &mut [T], g: &[T], rows: usize, ld: usize) {
    let n = acc.len();
    for row in 0..rows {
        let gr = &g[row * ld..row * ld + n];
        acc.iter_mut().zip(gr).for_each(|(a, &v)| *a = *a + v);
    }
}

/// The input projection that starts a step: `pre (rows, G) = bias [+ bias2] + x W` for
/// `x (rows, I)` (a view) and `W (I, G)`, `G = bias.len()`. With two biases their sum is
/// formed first (`b_i + b_h`, then `+ x W`), as PyTorch's cells do.
pub(crate) fn project_rows<T: Real>(
    pre: &mut [T],
    bias: &[T],
    bias2: Option<&[T]>,
    x: Mat<'_, T>,
    w: &[T],
) {
    let g = bias.len();
    let pre = &mut pre[..x.rows * g];
    match bias2 {
        None => fill_rows(pre, g, bias),
        Some(b2) => {
            for row in pre.chunks_exact_mut(g) {
                for ((v, &b1), &b2) in row.iter_mut().zip(bias).zip(b2) {
                    *v = b1 + b2;
                }
            }
        }
    }
    gemm_nn(x.rows, x.cols, g, x.data, x.ld, w, g, pre, g); // + x W
}
