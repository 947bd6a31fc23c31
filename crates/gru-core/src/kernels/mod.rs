//! Dense kernels on row-major slices with explicit leading dimensions (`ld*` = row stride),
//! BLAS style. These are the hot loops of training; each is written so the compiler vectorises
//! it on x86-64 and wasm32+simd128 alike (contiguous inner loops, independent accumulators),
//! and nothing allocates.

pub mod act;
mod simd;
mod tile;
mod vex;
#[cfg(target_arch = "x86_64")]
mod wide;

use std::any::TypeId;

use crate::Real;
pub use act::{sigmoid_in_place, sigmoid_rows, tanh_in_place, tanh_rows};

/// Keeps this process on the 128-bit tiles (SSE2 here, simd128 in the page) even on a CPU
/// with AVX, so a native benchmark predicts the page's speed (`gru-bench --simd128`). The
/// results are the same bits either way; only the speed changes.
pub fn use_128_bit_only() {
    vex::narrow();
}

/// Register width (bits) the f32 tiles use in this process: 256 with AVX (unless
/// [`use_128_bit_only`]), else 128.
pub fn simd_bits() -> u32 {
    if vex::available() {
        256
    } else {
        128
    }
}
use simd::{F32x4, F64x2, One};
use tile::{View, ViewMut};

/// Which register type runs the tiles for `T`: 128-bit SIMD for f32 and f64, one lane for
/// any other [`Real`].
#[derive(PartialEq)]
enum Width {
    F32x4,
    F64x2,
    Scalar,
}

fn width<T: Real>() -> Width {
    if TypeId::of::<T>() == TypeId::of::<f32>() {
        Width::F32x4
    } else if TypeId::of::<T>() == TypeId::of::<f64>() {
        Width::F64x2
    } else {
        Width::Scalar
    }
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

/// `at (cols, rows) = aᵀ` for `a (rows, cols)`, both row-major and dense.
///
/// # Panics
/// When `a` or `at` does not hold exactly `rows · cols` values.
pub fn transpose<T: Copy>(rows: usize, cols: usize, a: &[T], at: &mut [T]) {
    assert!(
        a.len() == rows * cols && at.len() == rows * cols,
        "kernels: transpose of ({rows}, {cols}) given {} and {} values",
        a.len(),
        at.len()
    );
    for (i, row) in a.chunks_exact(cols.max(1)).enumerate() {
        for (j, &v) in row.iter().enumerate() {
            at[j * rows + i] = v;
        }
    }
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
    let av = View {
        ptr: a.as_ptr(),
        rs: ars,
        cs: acs,
    };
    let bv = View {
        ptr: b.as_ptr(),
        rs: ldb,
        cs: 1,
    };
    let cv = ViewMut {
        ptr: c.as_mut_ptr(),
        ld: ldc,
    };
    // SAFETY: the three checks above bound every index the tiles touch; `width` matched `T`
    // to the register's scalar, so the casts are identities.
    unsafe {
        match width::<T>() {
            // 4 × 8 f32: eight accumulator registers, two loads of B per p.
            Width::F32x4 => {
                let (av, bv, cv) = (av.cast(), bv.cast(), cv.cast());
                if vex::available() {
                    vex::outer_f32(m, n, k, av, bv, cv)
                } else {
                    tile::gemm_outer::<F32x4, 4, 2>(m, n, k, av, bv, cv)
                }
            }
            // 4 × 4 f64: the same eight registers.
            Width::F64x2 => {
                tile::gemm_outer::<F64x2, 4, 2>(m, n, k, av.cast(), bv.cast(), cv.cast())
            }
            Width::Scalar => tile::gemm_outer::<One<T>, 4, 4>(m, n, k, av, bv, cv),
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
    let av = View {
        ptr: a.as_ptr(),
        rs: lda,
        cs: 1,
    };
    let bv = View {
        ptr: b.as_ptr(),
        rs: ldb,
        cs: 1,
    };
    let cv = ViewMut {
        ptr: c.as_mut_ptr(),
        ld: ldc,
    };
    // SAFETY: as in `outer`.
    unsafe {
        match width::<T>() {
            // 4 × 2 outputs, eight partial-sum registers, six loads per 4 values of k.
            Width::F32x4 => {
                let (av, bv, cv) = (av.cast(), bv.cast(), cv.cast());
                if vex::available() {
                    vex::dot_f32(m, n, k, av, bv, cv)
                } else {
                    tile::gemm_dot::<F32x4, 4, 2>(m, n, k, av, bv, cv)
                }
            }
            Width::F64x2 => tile::gemm_dot::<F64x2, 4, 2>(m, n, k, av.cast(), bv.cast(), cv.cast()),
            Width::Scalar => tile::gemm_dot::<One<T>, 4, 2>(m, n, k, av, bv, cv),
        }
    }
}

/// Independent registers in [`peak_loop`]: six multiply chains and six add chains, enough to
/// cover a 3-cycle latency at two multiplies and two adds per cycle, few enough (with the two
/// constants) for the 16 vector registers of SSE2 and of a wasm engine on x86-64.
pub(crate) const PEAK_CHAINS: usize = 12;

/// The 128-bit peak loop: `iters` rounds of `acc = acc · m` on six f32x4 registers and
/// `acc = acc + a` on six others: 12 independent vector operations (48 FLOP) a round, no loads,
/// stores or dependences between chains. `mulps`/`addps` on x86-64, `f32x4.mul`/`f32x4.add` on
/// wasm. With `m = 1`, `a = 0` the values stay put (no overflow, no denormals).
#[inline(never)]
pub(crate) fn peak_loop(iters: usize, m: f32, a: f32) -> f32 {
    use simd::Lanes;
    const H: usize = PEAK_CHAINS / 2;
    let (mv, av) = (F32x4::splat(m), F32x4::splat(a));
    let mut prod: [F32x4; H] = std::array::from_fn(|c| F32x4::splat(1.0 + c as f32));
    let mut sum: [F32x4; H] = std::array::from_fn(|c| F32x4::splat(c as f32));
    for _ in 0..iters {
        for (p, s) in prod.iter_mut().zip(sum.iter_mut()) {
            *p = p.mul(mv);
            *s = s.add(av);
        }
    }
    prod.iter().chain(&sum).map(|v| v.hsum()).sum()
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
mod tests;
