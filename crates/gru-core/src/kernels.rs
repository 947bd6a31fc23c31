//! Dense kernels on row-major slices with explicit leading dimensions (`ld*` = row stride),
//! BLAS style. These are the hot loops of training; each is written so the compiler vectorises
//! it on x86-64 and wasm32+simd128 alike (contiguous inner loops, independent accumulators),
//! and nothing allocates.

use crate::Real;

/// `C (m,n) += A (m,k) · B (k,n)`.
///
/// Rows of `A` are taken four at a time so each loaded row of `B` feeds four output rows.
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
    if m == 0 || n == 0 || k == 0 {
        return;
    }
    let mut i = 0;
    while i + 4 <= m {
        let (c0, rest) = c[i * ldc..].split_at_mut(ldc);
        let (c1, rest) = rest.split_at_mut(ldc);
        let (c2, c3) = rest.split_at_mut(ldc);
        let (c0, c1, c2, c3) = (&mut c0[..n], &mut c1[..n], &mut c2[..n], &mut c3[..n]);
        for p in 0..k {
            let a0 = a[i * lda + p];
            let a1 = a[(i + 1) * lda + p];
            let a2 = a[(i + 2) * lda + p];
            let a3 = a[(i + 3) * lda + p];
            let brow = &b[p * ldb..p * ldb + n];
            for j in 0..n {
                let bv = brow[j];
                c0[j] = c0[j] + a0 * bv;
                c1[j] = c1[j] + a1 * bv;
                c2[j] = c2[j] + a2 * bv;
                c3[j] = c3[j] + a3 * bv;
            }
        }
        i += 4;
    }
    while i < m {
        let crow = &mut c[i * ldc..i * ldc + n];
        for p in 0..k {
            axpy(a[i * lda + p], &b[p * ldb..p * ldb + n], crow);
        }
        i += 1;
    }
}

/// `C (m,n) += A (m,k) · Bᵀ` with `B (n,k)`: every output is a dot product of two rows.
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
    for i in 0..m {
        let arow = &a[i * lda..i * lda + k];
        let crow = &mut c[i * ldc..i * ldc + n];
        for (j, cv) in crow.iter_mut().enumerate() {
            *cv = *cv + dot(arow, &b[j * ldb..j * ldb + k]);
        }
    }
}

/// `C (m,n) += Aᵀ · B` with `A (r,m)` and `B (r,n)`: the weight-gradient product
/// `dW += Xᵀ · dY`, summed over the `r` rows (samples).
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
    let mut s = 0;
    while s + 2 <= r {
        let b0 = &b[s * ldb..s * ldb + n];
        let b1 = &b[(s + 1) * ldb..(s + 1) * ldb + n];
        for i in 0..m {
            let a0 = a[s * lda + i];
            let a1 = a[(s + 1) * lda + i];
            let crow = &mut c[i * ldc..i * ldc + n];
            for j in 0..n {
                crow[j] = crow[j] + a0 * b0[j] + a1 * b1[j];
            }
        }
        s += 2;
    }
    if s < r {
        let b0 = &b[s * ldb..s * ldb + n];
        for i in 0..m {
            axpy(a[s * lda + i], b0, &mut c[i * ldc..i * ldc + n]);
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
