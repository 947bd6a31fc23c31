//! Register-tiled micro-kernels behind [`super::gemm_nn`], [`super::gemm_tn`] and
//! [`super::gemm_nt`]. Portable Rust: the tiles are fixed-size arrays (`[[T; NR]; MR]`) that
//! LLVM keeps in vector registers and vectorises by SLP, to SSE2 `mulps`/`addps` on x86-64 and
//! to `f32x4.mul`/`f32x4.add` on wasm32+simd128 (no fused multiply-add on either target, so
//! every product is rounded exactly as in the scalar loops they replace).
//!
//! Two tile shapes:
//! * **outer-product tiles** (`nn`, `tn`): `C (MR, NR) += A (MR, k) · B (k, NR)`. The `C` tile is
//!   loaded once, lives in registers for the whole `k` loop (per `p`: `NR` values of one row of
//!   `B` times `MR` broadcasts of `A`) and is stored once. `A` is read through two strides, so
//!   `A` row-major (`nn`) and `Aᵀ` of a row-major matrix (`tn`, the weight gradient `Xᵀ·dY`)
//!   share the kernel. Sums run over `p` in order, starting from `C`: bit-identical to
//!   `c = c + a·b` done one `p` at a time.
//! * **dot tiles** (`nt`): `C (MR, NR) += A (MR, k) · Bᵀ` with `B (NR, k)` row-major, both
//!   operands read along `k` in `L`-wide vectors, one `L`-lane accumulator per output, reduced
//!   once at the end.
//!
//! Everything here is `unsafe` pointer code; the safe wrappers in `mod.rs` check that every
//! index the loops touch lies inside the caller's slices.

use crate::Real;

/// Row `i`, column `p` of a read-only matrix at `ptr + i·rs + p·cs`.
#[derive(Clone, Copy)]
pub(super) struct View<T> {
    pub ptr: *const T,
    pub rs: usize,
    pub cs: usize,
}

/// A writable row-major matrix: row `i` starts at `ptr + i·ld`.
#[derive(Clone, Copy)]
pub(super) struct ViewMut<T> {
    pub ptr: *mut T,
    pub ld: usize,
}

/// `C (MR, NR) += A (MR, k) · B (k, NR)`, `B` row-major with stride `ldb`.
///
/// # Safety
/// `A (MR, k)`, `B (k, NR)` and `C (MR, NR)` must be in bounds through their views.
#[inline(always)]
unsafe fn tile_outer<T: Real, const MR: usize, const NR: usize>(
    k: usize,
    a: View<T>,
    b: *const T,
    ldb: usize,
    c: ViewMut<T>,
) {
    let mut acc = [[T::zero(); NR]; MR];
    for (i, row) in acc.iter_mut().enumerate() {
        // SAFETY: C (MR, NR) in bounds (caller).
        *row = unsafe { c.ptr.add(i * c.ld).cast::<[T; NR]>().read_unaligned() };
    }
    let (mut ap, mut bp) = (a.ptr, b);
    for _ in 0..k {
        // SAFETY: row p of B (NR values) and column p of A (MR values) are in bounds (caller);
        // the pointers advance with wrapping_add so one step past the end is never dereferenced.
        let bv = unsafe { bp.cast::<[T; NR]>().read_unaligned() };
        for (i, row) in acc.iter_mut().enumerate() {
            let av = unsafe { *ap.add(i * a.rs) };
            for j in 0..NR {
                row[j] = row[j] + av * bv[j]; // c_ij += a_ip · b_pj
            }
        }
        ap = ap.wrapping_add(a.cs);
        bp = bp.wrapping_add(ldb);
    }
    for (i, row) in acc.iter().enumerate() {
        // SAFETY: as for the load.
        unsafe { c.ptr.add(i * c.ld).cast::<[T; NR]>().write_unaligned(*row) };
    }
}

/// All `m` rows of one `NR`-wide column panel: full `MR`-row tiles, then the remaining rows.
///
/// # Safety
/// As [`tile_outer`] for `A (m, k)`, `B (k, NR)`, `C (m, NR)`.
#[inline(always)]
unsafe fn panel_outer<T: Real, const MR: usize, const NR: usize>(
    m: usize,
    k: usize,
    a: View<T>,
    b: *const T,
    ldb: usize,
    c: ViewMut<T>,
) {
    let mut i = 0;
    while i + MR <= m {
        let at = View { ptr: a.ptr.wrapping_add(i * a.rs), ..a };
        let ct = ViewMut { ptr: c.ptr.wrapping_add(i * c.ld), ..c };
        // SAFETY: rows i..i+MR are inside m (caller's bounds).
        unsafe { tile_outer::<T, MR, NR>(k, at, b, ldb, ct) };
        i += MR;
    }
    // Edge rows, one at a time (at most MR − 1 of them).
    while i < m {
        let at = View { ptr: a.ptr.wrapping_add(i * a.rs), ..a };
        let ct = ViewMut { ptr: c.ptr.wrapping_add(i * c.ld), ..c };
        // SAFETY: row i < m.
        unsafe { tile_outer::<T, 1, NR>(k, at, b, ldb, ct) };
        i += 1;
    }
}

/// `C (m, n) += A (m, k) · B (k, n)` with `MR × NR` tiles, then 4-wide and single edge columns.
/// Column panels outside, rows inside, so one `(k, NR)` panel of `B` serves all `m` rows.
///
/// # Safety
/// Every element of `A (m, k)`, `B (k, n)` (row stride `ldb`) and `C (m, n)` in bounds.
#[allow(clippy::too_many_arguments)]
pub(super) unsafe fn gemm_outer<T: Real, const MR: usize, const NR: usize>(
    m: usize,
    n: usize,
    k: usize,
    a: View<T>,
    b: *const T,
    ldb: usize,
    c: ViewMut<T>,
) {
    let mut j = 0;
    // SAFETY (all calls): columns j..j+width are inside n.
    while j + NR <= n {
        let cj = ViewMut { ptr: c.ptr.wrapping_add(j), ..c };
        unsafe { panel_outer::<T, MR, NR>(m, k, a, b.wrapping_add(j), ldb, cj) };
        j += NR;
    }
    if NR > 4 && j + 4 <= n {
        let cj = ViewMut { ptr: c.ptr.wrapping_add(j), ..c };
        unsafe { panel_outer::<T, MR, 4>(m, k, a, b.wrapping_add(j), ldb, cj) };
        j += 4;
    }
    while j < n {
        let cj = ViewMut { ptr: c.ptr.wrapping_add(j), ..c };
        unsafe { panel_outer::<T, MR, 1>(m, k, a, b.wrapping_add(j), ldb, cj) };
        j += 1;
    }
}

/// `C (MR, NR) += A (MR, k) · Bᵀ`, `B (NR, k)`: `MR·NR` dot products of length `k`, each kept
/// as an `L`-lane partial sum over `p ≡ l (mod L)`, reduced `(s0 + s2) + (s1 + s3)` at the end.
///
/// # Safety
/// `A (MR, k)` (stride `lda`), `B (NR, k)` (stride `ldb`), `C (MR, NR)` in bounds.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
unsafe fn tile_dot<T: Real, const MR: usize, const NR: usize, const L: usize>(
    k: usize,
    a: *const T,
    lda: usize,
    b: *const T,
    ldb: usize,
    c: ViewMut<T>,
) {
    let mut acc = [[[T::zero(); L]; NR]; MR];
    let kv = k - k % L;
    let mut p = 0;
    while p < kv {
        // SAFETY: p + L ≤ k, rows inside MR / NR.
        let av: [[T; L]; MR] =
            std::array::from_fn(|i| unsafe { a.add(i * lda + p).cast::<[T; L]>().read_unaligned() });
        let bv: [[T; L]; NR] =
            std::array::from_fn(|j| unsafe { b.add(j * ldb + p).cast::<[T; L]>().read_unaligned() });
        for i in 0..MR {
            for j in 0..NR {
                for l in 0..L {
                    acc[i][j][l] = acc[i][j][l] + av[i][l] * bv[j][l];
                }
            }
        }
        p += L;
    }
    for i in 0..MR {
        for j in 0..NR {
            let v = &acc[i][j];
            let mut s = if L == 4 {
                (v[0] + v[2]) + (v[1] + v[3])
            } else {
                v.iter().fold(T::zero(), |s, &x| s + x)
            };
            for q in kv..k {
                // SAFETY: q < k.
                s = s + unsafe { *a.add(i * lda + q) * *b.add(j * ldb + q) };
            }
            // SAFETY: C (MR, NR) in bounds.
            unsafe {
                let cij = c.ptr.add(i * c.ld + j);
                *cij = *cij + s;
            }
        }
    }
}

/// `C (m, n) += A (m, k) · Bᵀ` with `B (n, k)`, in `MR × NR` dot tiles and single-row /
/// single-column edges.
///
/// # Safety
/// Every element of `A (m, k)`, `B (n, k)` and `C (m, n)` in bounds.
#[allow(clippy::too_many_arguments)]
pub(super) unsafe fn gemm_dot<T: Real, const MR: usize, const NR: usize, const L: usize>(
    m: usize,
    n: usize,
    k: usize,
    a: *const T,
    lda: usize,
    b: *const T,
    ldb: usize,
    c: ViewMut<T>,
) {
    let mut j = 0;
    // SAFETY (all calls): the tile's rows lie inside m and its columns inside n.
    while j + NR <= n {
        let bj = b.wrapping_add(j * ldb);
        let mut i = 0;
        while i + MR <= m {
            let ct = ViewMut { ptr: c.ptr.wrapping_add(i * c.ld + j), ..c };
            unsafe { tile_dot::<T, MR, NR, L>(k, a.wrapping_add(i * lda), lda, bj, ldb, ct) };
            i += MR;
        }
        while i < m {
            let ct = ViewMut { ptr: c.ptr.wrapping_add(i * c.ld + j), ..c };
            unsafe { tile_dot::<T, 1, NR, L>(k, a.wrapping_add(i * lda), lda, bj, ldb, ct) };
            i += 1;
        }
        j += NR;
    }
    while j < n {
        let bj = b.wrapping_add(j * ldb);
        let mut i = 0;
        while i + MR <= m {
            let ct = ViewMut { ptr: c.ptr.wrapping_add(i * c.ld + j), ..c };
            unsafe { tile_dot::<T, MR, 1, L>(k, a.wrapping_add(i * lda), lda, bj, ldb, ct) };
            i += MR;
        }
        while i < m {
            let ct = ViewMut { ptr: c.ptr.wrapping_add(i * c.ld + j), ..c };
            unsafe { tile_dot::<T, 1, 1, L>(k, a.wrapping_add(i * lda), lda, bj, ldb, ct) };
            i += 1;
        }
        j += 1;
    }
}
