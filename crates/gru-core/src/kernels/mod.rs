//! Dense kernels on row-major slices with explicit leading dimensions (`ld*` = row stride),
//! BLAS style. These are the hot loops of training; each is written so the compiler vectorises
//! it on x86-64 and wasm32+simd128 alike (contiguous inner loops, independent accumulators),
//! and nothing allocates.

mod tile;

use std::mem::size_of;

use crate::Real;
use tile::{View, ViewMut};

/// `f32` tiles: outer products `4 × 8` (eight 4-lane accumulators), dot tiles `4 × 2` of
/// 4-lane partial sums. `f64` halves the width so a tile still fits 8 of the 16 128-bit
/// registers of SSE2 / a wasm engine.
const fn is_f32<T>() -> bool {
    size_of::<T>() == 4
}

/// Panics unless `(rows, cols)` with row stride `rs` and column stride `cs` fits in `len`
/// (an internal shape invariant: the kernels read through raw pointers after this check).
#[inline]
fn check(what: &str, len: usize, rows: usize, cols: usize, rs: usize, cs: usize) {
    if rows == 0 || cols == 0 {
        return;
    }
    let last = (rows - 1)
        .checked_mul(rs)
        .and_then(|r| (cols - 1).checked_mul(cs).and_then(|c| r.checked_add(c)));
    assert!(
        matches!(last, Some(l) if l < len),
        "kernels: {what} ({rows}, {cols}) does not fit {len} values"
    );
}

/// `C (m,n) += A (m,k) · B (k,n)`.
///
/// Register-tiled (`4 × 8` in f32): each output tile stays in registers across the whole
/// `k` loop. Bit-identical to summing `c = c + a_ip · b_pj` over `p` in order.
#[allow(clippy::too_many_arguments)]
#[inline]
pub fn gemm_nn<T: Real>(
    m: usize,
    k: usize,
    n: usize,
    a: &[T],
    lda: usize,
    b: &[T],
    ldb: usize,
    c: &mut [T],
    ldc: usize,
) {
    outer(m, n, k, a, lda, 1, b, ldb, c, ldc);
}

/// `C (m,n) += Aᵀ · B` with `A (r,m)` and `B (r,n)`: the weight-gradient product
/// `dW += Xᵀ · dY`, summed over the `r` rows (samples) in order.
#[allow(clippy::too_many_arguments)]
#[inline]
pub fn gemm_tn<T: Real>(
    r: usize,
    m: usize,
    n: usize,
    a: &[T],
    lda: usize,
    b: &[T],
    ldb: usize,
    c: &mut [T],
    ldc: usize,
) {
    outer(m, n, r, a, 1, lda, b, ldb, c, ldc);
}

/// `C (m,n) += A · B (k,n)` where `A (m,k)` has element `(i,p)` at `a[i·ars + p·acs]`.
#[allow(clippy::too_many_arguments)]
#[inline]
fn outer<T: Real>(
    m: usize,
    n: usize,
    k: usize,
    a: &[T],
    ars: usize,
    acs: usize,
    b: &[T],
    ldb: usize,
    c: &mut [T],
    ldc: usize,
) {
    if m == 0 || n == 0 || k == 0 {
        return;
    }
    check("A", a.len(), m, k, ars, acs);
    check("B", b.len(), k, n, ldb, 1);
    check("C", c.len(), m, n, ldc, 1);
    let av = View { ptr: a.as_ptr(), rs: ars, cs: acs };
    let cv = ViewMut { ptr: c.as_mut_ptr(), ld: ldc };
    // SAFETY: the three checks above bound every index the tiles touch.
    unsafe {
        if is_f32::<T>() {
            tile::gemm_outer::<T, 4, 8>(m, n, k, av, b.as_ptr(), ldb, cv);
        } else {
            tile::gemm_outer::<T, 4, 4>(m, n, k, av, b.as_ptr(), ldb, cv);
        }
    }
}

/// `C (m,n) += A (m,k) · Bᵀ` with `B (n,k)`: every output is a dot product of two rows
/// (`dY · Wᵀ`), computed in register tiles of 4-lane partial sums.
#[allow(clippy::too_many_arguments)]
#[inline]
pub fn gemm_nt<T: Real>(
    m: usize,
    n: usize,
    k: usize,
    a: &[T],
    lda: usize,
    b: &[T],
    ldb: usize,
    c: &mut [T],
    ldc: usize,
) {
    if m == 0 || n == 0 {
        return;
    }
    check("A", a.len(), m, k, lda, 1);
    check("B", b.len(), n, k, ldb, 1);
    check("C", c.len(), m, n, ldc, 1);
    let cv = ViewMut { ptr: c.as_mut_ptr(), ld: ldc };
    // SAFETY: the three checks above bound every index the tiles touch.
    unsafe {
        if is_f32::<T>() {
            tile::gemm_dot::<T, 4, 2, 4>(m, n, k, a.as_ptr(), lda, b.as_ptr(), ldb, cv);
        } else {
            tile::gemm_dot::<T, 4, 2, 2>(m, n, k, a.as_ptr(), lda, b.as_ptr(), ldb, cv);
        }
    }
}

/// Dot product with eight independent accumulators (vectorisable without fast-math).
#[inline]
pub fn dot<T: Real>(x: &[T], y: &[T]) -> T {
    let n = x.len().min(y.len());
    let (x, y) = (&x[..n], &y[..n]);
    let mut acc = [T::zero(); 8];
    let xc = x.chunks_exact(8);
    let yc = y.chunks_exact(8);
    let (xr, yr) = (xc.remainder(), yc.remainder());
    for (a, b) in xc.zip(yc) {
        for l in 0..8 {
            acc[l] = acc[l] + a[l] * b[l];
        }
    }
    let mut s = ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
    for (a, b) in xr.iter().zip(yr) {
        s = s + *a * *b;
    }
    s
}

/// `y += α x`.
#[inline]
pub fn axpy<T: Real>(alpha: T, x: &[T], y: &mut [T]) {
    for (yv, &xv) in y.iter_mut().zip(x) {
        *yv = *yv + alpha * xv;
    }
}

/// Euclidean norm of a vector.
pub fn norm2<T: Real>(v: &[T]) -> T {
    dot(v, v).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(m: usize, k: usize, n: usize, a: &[f64], b: &[f64]) -> Vec<f64> {
        let mut c = vec![0.0; m * n];
        for i in 0..m {
            for j in 0..n {
                c[i * n + j] = (0..k).map(|p| a[i * k + p] * b[p * n + j]).sum();
            }
        }
        c
    }

    fn transpose(rows: usize, cols: usize, a: &[f64]) -> Vec<f64> {
        let mut t = vec![0.0; a.len()];
        for i in 0..rows {
            for j in 0..cols {
                t[j * rows + i] = a[i * cols + j];
            }
        }
        t
    }

    fn seq(n: usize, f: f64) -> Vec<f64> {
        (0..n).map(|i| (i as f64 * f + 0.3).sin()).collect()
    }

    #[test]
    fn the_three_products_match_a_naive_product_for_ragged_sizes() {
        for &(m, k, n) in &[(1, 3, 5), (4, 2, 3), (7, 9, 9), (9, 1, 1), (5, 17, 6)] {
            let a = seq(m * k, 0.37);
            let b = seq(k * n, 0.11);
            let want = naive(m, k, n, &a, &b);
            let check = |c: &[f64], what: &str| {
                for (x, w) in c.iter().zip(&want) {
                    assert!((x - 1.0 - w).abs() < 1e-12, "{what} {m}x{k}x{n}");
                }
            };
            let mut c = vec![1.0; m * n];
            gemm_nn(m, k, n, &a, k, &b, n, &mut c, n);
            check(&c, "nn");
            let bt = transpose(k, n, &b);
            let mut c = vec![1.0; m * n];
            gemm_nt(m, n, k, &a, k, &bt, k, &mut c, n);
            check(&c, "nt");
            let at = transpose(m, k, &a);
            let mut c = vec![1.0; m * n];
            gemm_tn(k, m, n, &at, m, &b, n, &mut c, n);
            check(&c, "tn");
        }
    }

    #[test]
    fn strided_views_touch_only_their_columns() {
        // C is (2, 5) but only columns 1..4 are the output (n = 3, ldc = 5).
        let a = [1.0, 2.0, 3.0, 4.0]; // (2,2)
        let b = [1.0, 0.0, 0.0, 9.0, 0.0, 1.0, 0.0, 9.0]; // (2,3) with ldb = 4
        let mut c = [0.0; 10];
        gemm_nn(2, 2, 3, &a, 2, &b, 4, &mut c[1..], 5);
        assert_eq!(c, [0.0, 1.0, 2.0, 0.0, 0.0, 0.0, 3.0, 4.0, 0.0, 0.0]);
    }
}
