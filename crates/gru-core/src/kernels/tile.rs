//! Register-tiled micro-kernels behind [`super::gemm_nn`], [`super::gemm_tn`] and
//! [`super::gemm_nt`], written once over a register type `V: Lanes` (f32x4, f64x2, or one lane).
//!
//! Two tile shapes:
//! * **outer-product tiles** (`nn`, `tn`): `C (MR, NV·N) += A (MR, k) · B (k, NV·N)`. The `C`
//!   tile (`MR × NV` registers) is loaded once, lives in registers for the whole `k` loop (per
//!   `p`: `NV` loads of one row of `B`, `MR` broadcasts of `A`, `MR·NV` multiplies and adds) and
//!   is stored once. `A` is read through two strides, so `A` row-major (`nn`) and `Aᵀ` of a
//!   row-major matrix (`tn`, the weight gradient `Xᵀ·dY`) share the kernel. Each output sums
//!   over `p` in order starting from `C`: bit-identical to `c = c + a·b` one `p` at a time.
//! * **dot tiles** (`nt`): `C (MR, NR) += A (MR, k) · Bᵀ` with `B (NR, k)` row-major, both read
//!   along `k` one register at a time into one partial-sum register per output, reduced once.
//!
//! Everything here is `unsafe` pointer code; the safe wrappers in `mod.rs` check that every
//! index the loops touch lies inside the caller's slices.

use super::simd::{Lanes, One};

/// Row `i`, column `p` of a read-only matrix at `ptr + i·rs + p·cs`.
#[derive(Clone, Copy)]
pub(super) struct View<S> {
    pub ptr: *const S,
    pub rs: usize,
    pub cs: usize,
}

impl<S> View<S> {
    /// The same view over another scalar type of the same size (the caller knows `S == U`).
    pub fn cast<U>(self) -> View<U> {
        View {
            ptr: self.ptr.cast(),
            rs: self.rs,
            cs: self.cs,
        }
    }
    /// The same view moved down `i` rows (and right `p` columns).
    pub fn at(self, i: usize, p: usize) -> Self {
        let off = i * self.rs + p * self.cs;
        Self {
            ptr: self.ptr.wrapping_add(off),
            ..self
        }
    }
}

/// A writable row-major matrix: element `(i, j)` at `ptr + i·ld + j`.
#[derive(Clone, Copy)]
pub(super) struct ViewMut<S> {
    pub ptr: *mut S,
    pub ld: usize,
}

impl<S> ViewMut<S> {
    /// As [`View::cast`].
    pub fn cast<U>(self) -> ViewMut<U> {
        ViewMut {
            ptr: self.ptr.cast(),
            ld: self.ld,
        }
    }
    /// The same view moved down `i` rows and right `j` columns.
    pub fn at(self, i: usize, j: usize) -> Self {
        Self {
            ptr: self.ptr.wrapping_add(i * self.ld + j),
            ..self
        }
    }
}

/// `C (MR, NV·N) += A (MR, k) · B (k, NV·N)`; `b` is a row-major view (`cs = 1`).
///
/// # Safety
/// `A (MR, k)`, `B (k, NV·N)` and `C (MR, NV·N)` in bounds through their views.
#[inline(always)]
unsafe fn tile_outer<V: Lanes, const MR: usize, const NV: usize>(
    k: usize,
    a: View<V::S>,
    b: View<V::S>,
    c: ViewMut<V::S>,
) {
    let mut acc = [[V::splat(<V::S as num_traits::Zero>::zero()); NV]; MR];
    for (i, row) in acc.iter_mut().enumerate() {
        for (v, r) in row.iter_mut().enumerate() {
            // SAFETY: C (MR, NV·N) in bounds (caller).
            *r = unsafe { V::load(c.ptr.add(i * c.ld + v * V::N)) };
        }
    }
    let (mut ap, mut bp) = (a.ptr, b.ptr);
    for _ in 0..k {
        // SAFETY: row p of B and column p of A are in bounds (caller); the pointers advance
        // with wrapping_add, so the one-past-the-end value after the last p is never read.
        let bv: [V; NV] = std::array::from_fn(|v| unsafe { V::load(bp.add(v * V::N)) });
        for (i, row) in acc.iter_mut().enumerate() {
            let av = V::splat(unsafe { *ap.add(i * a.rs) });
            for (r, &bj) in row.iter_mut().zip(&bv) {
                *r = r.add(av.mul(bj)); // c_ij += a_ip · b_pj
            }
        }
        ap = ap.wrapping_add(a.cs);
        bp = bp.wrapping_add(b.rs);
    }
    for (i, row) in acc.iter().enumerate() {
        for (v, r) in row.iter().enumerate() {
            // SAFETY: as for the load.
            unsafe { r.store(c.ptr.add(i * c.ld + v * V::N)) };
        }
    }
}

/// All `m` rows of one `NV·N`-wide column panel: `MR`-row tiles, then 3-, 2-, 1-row edges.
///
/// # Safety
/// As [`tile_outer`] for `A (m, k)`, `B (k, NV·N)`, `C (m, NV·N)`.
#[inline(always)]
unsafe fn panel_outer<V: Lanes, const MR: usize, const NV: usize>(
    m: usize,
    k: usize,
    a: View<V::S>,
    b: View<V::S>,
    c: ViewMut<V::S>,
) {
    let mut i = 0;
    // SAFETY (all calls): the tile's rows lie inside m.
    // Full tiles while they leave no remainder of 1–3 rows (fewer rows share each load of B
    // less well): with MR = 6, m = 32 is 6·4 + 4·2, not 6·5 + 2.
    while m - i == MR || (MR > 4 && m - i >= MR + 4) || (MR <= 4 && m - i >= MR) {
        unsafe { tile_outer::<V, MR, NV>(k, a.at(i, 0), b, c.at(i, 0)) };
        i += MR;
    }
    while MR > 4 && m - i >= 4 {
        unsafe { tile_outer::<V, 4, NV>(k, a.at(i, 0), b, c.at(i, 0)) };
        i += 4;
    }
    // Edge rows (fewer than 4) in tiles of 3, 2 or 1 rows, so they still share the loads of B.
    while m - i >= 3 {
        unsafe { tile_outer::<V, 3, NV>(k, a.at(i, 0), b, c.at(i, 0)) };
        i += 3;
    }
    match m - i {
        2 => unsafe { tile_outer::<V, 2, NV>(k, a.at(i, 0), b, c.at(i, 0)) },
        1 => unsafe { tile_outer::<V, 1, NV>(k, a.at(i, 0), b, c.at(i, 0)) },
        _ => {}
    }
}

/// `C (m, n) += A (m, k) · B (k, n)` in `MR × NV` register tiles, then one-register and
/// one-lane edge columns. Blocks of `k` outside, column panels, then rows inside, so one
/// `(KC, NV·N)` panel of `B` serves all `m` rows while it is hot in L1.
///
/// # Safety
/// Every element of `A (m, k)`, `B (k, n)` (row-major view) and `C (m, n)` in bounds.
pub(super) unsafe fn gemm_outer<V: Lanes, const MR: usize, const NV: usize>(
    m: usize,
    n: usize,
    k: usize,
    a: View<V::S>,
    b: View<V::S>,
    c: ViewMut<V::S>,
) {
    // Long reductions (the weight gradients over all T·B rows) go in blocks of KC rows of B,
    // so a (KC, NV·N) panel of B and KC columns of A stay in L1 across the row tiles. Each
    // output still sums over p in order: block after block, starting from C.
    let mut k0 = 0;
    while k0 < k {
        let kb = KC.min(k - k0);
        let (a, b) = (a.at(0, k0), b.at(k0, 0));
        // SAFETY (all loops): the panel's columns j .. j + width lie inside n, rows inside k.
        let mut j = unsafe { few_rows_outer::<V>(m, n, kb, a, b, c) };
        while j + NV * V::N <= n {
            unsafe { panel_outer::<V, MR, NV>(m, kb, a, b.at(0, j), c.at(0, j)) };
            j += NV * V::N;
        }
        while j + V::N <= n {
            unsafe { panel_outer::<V, MR, 1>(m, kb, a, b.at(0, j), c.at(0, j)) };
            j += V::N;
        }
        while j < n {
            unsafe { panel_outer::<One<V::S>, MR, 1>(m, kb, a, b.at(0, j), c.at(0, j)) };
            j += 1;
        }
        k0 += kb;
    }
}

/// One or two rows of `A` (the recurrent products `h·U` at B = 1 or 2): `MR × NV` tiles would
/// keep only `NV` or `2·NV` accumulators, each add waiting on the one before it, so these rows
/// take tiles of eight registers (`1 × 8`, `2 × 4`) over as many columns as they cover. Each
/// output still sums over `p` in order: the same bits as any other tile. Returns the first
/// column left to the caller (0 for three or more rows).
///
/// # Safety
/// As [`tile_outer`] for `A (m, k)`, `B (k, n)`, `C (m, n)`.
#[inline(always)]
unsafe fn few_rows_outer<V: Lanes>(
    m: usize,
    n: usize,
    k: usize,
    a: View<V::S>,
    b: View<V::S>,
    c: ViewMut<V::S>,
) -> usize {
    let mut j = 0;
    if V::N > 4 {
        // The 256-bit tiles keep their 6 × 16 shape: a 1 × 8 tile of eight-lane registers ran
        // `h·U` at H = 128 in 68 µs against 2.8 µs (measured natively; cause not pinned down).
        return 0;
    }
    // SAFETY (both loops): the tile's columns j .. j + 8·N lie inside n, its rows inside m.
    match m {
        1 => {
            while j + 8 * V::N <= n {
                unsafe { tile_outer::<V, 1, 8>(k, a, b.at(0, j), c.at(0, j)) };
                j += 8 * V::N;
            }
        }
        2 => {
            while j + 4 * V::N <= n {
                unsafe { tile_outer::<V, 2, 4>(k, a, b.at(0, j), c.at(0, j)) };
                j += 4 * V::N;
            }
        }
        _ => {}
    }
    j
}

/// Rows of `B` (and columns of `A`) per block of [`gemm_outer`]: for the weight gradient
/// `hᵀ·dpre` at H = 128 the block of `A` read by all row tiles (64 rows of 512 B) and one
/// panel of `B` (64 cache lines) stay within L1 together; 128 measured a few % slower there.
const KC: usize = 64;

/// `C (MR, NR) += A (MR, k) · Bᵀ`, `B (NR, k)`: `MR·NR` dot products of length `k`, each an
/// `N`-lane partial sum over `p ≡ l (mod N)`, reduced by [`Lanes::hsum`], then the `k mod N`
/// tail in order.
///
/// # Safety
/// `A (MR, k)`, `B (NR, k)` (row-major views) and `C (MR, NR)` in bounds.
#[inline(always)]
unsafe fn tile_dot<V: Lanes, const MR: usize, const NR: usize>(
    k: usize,
    a: View<V::S>,
    b: View<V::S>,
    c: ViewMut<V::S>,
) {
    let mut acc = [[V::splat(<V::S as num_traits::Zero>::zero()); NR]; MR];
    let kv = k - k % V::N;
    let mut p = 0;
    while p < kv {
        // SAFETY: p + N ≤ k and the rows lie inside MR / NR.
        let av: [V; MR] = std::array::from_fn(|i| unsafe { V::load(a.ptr.add(i * a.rs + p)) });
        let bv: [V; NR] = std::array::from_fn(|j| unsafe { V::load(b.ptr.add(j * b.rs + p)) });
        for (row, &ai) in acc.iter_mut().zip(&av) {
            for (r, &bj) in row.iter_mut().zip(&bv) {
                *r = r.add(ai.mul(bj));
            }
        }
        p += V::N;
    }
    for (i, row) in acc.iter().enumerate() {
        for (j, r) in row.iter().enumerate() {
            let mut s = r.hsum();
            for q in kv..k {
                // SAFETY: q < k.
                s = s + unsafe { *a.ptr.add(i * a.rs + q) * *b.ptr.add(j * b.rs + q) };
            }
            // SAFETY: C (MR, NR) in bounds.
            unsafe {
                let cij = c.ptr.add(i * c.ld + j);
                *cij = *cij + s;
            }
        }
    }
}

/// One `NR`-row block of `B` against all `m` rows of `A`: `MR`-row tiles, then single rows.
///
/// # Safety
/// As [`tile_dot`] for `A (m, k)`, `B (NR, k)`, `C (m, NR)`.
#[inline(always)]
unsafe fn panel_dot<V: Lanes, const MR: usize, const NR: usize>(
    m: usize,
    k: usize,
    a: View<V::S>,
    b: View<V::S>,
    c: ViewMut<V::S>,
) {
    let mut i = 0;
    // SAFETY (both loops): the tile's rows lie inside m.
    while i + MR <= m {
        unsafe { tile_dot::<V, MR, NR>(k, a.at(i, 0), b, c.at(i, 0)) };
        i += MR;
    }
    while i < m {
        unsafe { tile_dot::<V, 1, NR>(k, a.at(i, 0), b, c.at(i, 0)) };
        i += 1;
    }
}

/// `C (m, n) += A (m, k) · Bᵀ` with `B (n, k)`, in `MR × NR` dot tiles and single-row /
/// single-column edges.
///
/// # Safety
/// Every element of `A (m, k)`, `B (n, k)` (row-major views) and `C (m, n)` in bounds.
pub(super) unsafe fn gemm_dot<V: Lanes, const MR: usize, const NR: usize>(
    m: usize,
    n: usize,
    k: usize,
    a: View<V::S>,
    b: View<V::S>,
    c: ViewMut<V::S>,
) {
    let mut j = 0;
    // SAFETY (all loops): the block's rows of B lie inside n, the tile's rows inside m.
    // One or two rows of A (the head's `dy·W_oᵀ` at B = 1 or 2): eight partial-sum
    // registers per tile instead of `NR` or `2·NR`, which would each wait on their last add.
    // Every output's partial sums and reduction are those of any other tile (same bits).
    match m {
        1 => {
            while j + 8 <= n {
                unsafe { tile_dot::<V, 1, 8>(k, a, b.at(j, 0), c.at(0, j)) };
                j += 8;
            }
        }
        2 => {
            while j + 4 <= n {
                unsafe { tile_dot::<V, 2, 4>(k, a, b.at(j, 0), c.at(0, j)) };
                j += 4;
            }
        }
        _ => {}
    }
    while j + NR <= n {
        unsafe { panel_dot::<V, MR, NR>(m, k, a, b.at(j, 0), c.at(0, j)) };
        j += NR;
    }
    while j < n {
        unsafe { panel_dot::<V, MR, 1>(m, k, a, b.at(j, 0), c.at(0, j)) };
        j += 1;
    }
}
