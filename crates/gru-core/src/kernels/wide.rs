//! 256-bit AVX registers for the f32 tiles on x86-64, used only from the `avx`-enabled
//! functions of [`super::vex`] (runtime detected). Still a separate multiply and add (no FMA),
//! and every output keeps the summation order of the 128-bit tiles, so the results are the
//! SSE2 and wasm simd128 build's bits:
//! * outer-product tiles: each lane is one output `c_ij = c_ij + a_ip·b_pj` over `p` in order,
//!   whatever the register width, so [`F32x8`] in [`super::tile::gemm_outer`] changes nothing
//!   but the speed;
//! * dot tiles: the 128-bit tile keeps, per output, four partial sums over `p ≡ l (mod 4)` and
//!   reduces them as `(l0 + l2) + (l1 + l3)`. [`gemm_dot_pairs`] keeps exactly those four partial
//!   sums, for two rows of `A` at once: the low half of a register holds row `i`'s, the high
//!   half row `i + 1`'s (`B`'s four values broadcast to both halves).

#![allow(unused_unsafe)] // some intrinsics are safe fns on newer toolchains

use core::arch::x86_64::*;

use super::act::MathLanes;
use super::simd::{F32x4, Lanes};
use super::tile::{self, View, ViewMut};

/// Eight f32 in an AVX register. Only valid inside `avx`-enabled code.
#[derive(Clone, Copy)]
pub(super) struct F32x8(__m256);

impl Lanes for F32x8 {
    type S = f32;
    const N: usize = 8;
    #[inline(always)]
    fn splat(s: f32) -> Self {
        F32x8(unsafe { _mm256_set1_ps(s) })
    }
    #[inline(always)]
    unsafe fn load(p: *const f32) -> Self {
        F32x8(unsafe { _mm256_loadu_ps(p) })
    }
    #[inline(always)]
    unsafe fn store(self, p: *mut f32) {
        unsafe { _mm256_storeu_ps(p, self.0) }
    }
    #[inline(always)]
    fn add(self, o: Self) -> Self {
        F32x8(unsafe { _mm256_add_ps(self.0, o.0) })
    }
    #[inline(always)]
    fn mul(self, o: Self) -> Self {
        F32x8(unsafe { _mm256_mul_ps(self.0, o.0) })
    }
    /// Not used by the outer tiles (the only users); the two halves' four-lane sums, added.
    #[inline(always)]
    fn hsum(self) -> f32 {
        let (lo, hi) = halves(self.0);
        lo.hsum() + hi.hsum()
    }
}

/// The activations' lane-wise operations in 256 bits. AVX (without AVX2) has no 256-bit
/// integer ops, so [`MathLanes::pow2i`] shifts the exponent bits in the two 128-bit halves.
impl MathLanes for F32x8 {
    #[inline(always)]
    fn sub(self, o: Self) -> Self {
        F32x8(unsafe { _mm256_sub_ps(self.0, o.0) })
    }
    #[inline(always)]
    fn div(self, o: Self) -> Self {
        F32x8(unsafe { _mm256_div_ps(self.0, o.0) })
    }
    #[inline(always)]
    fn min(self, o: Self) -> Self {
        F32x8(unsafe { _mm256_min_ps(self.0, o.0) })
    }
    #[inline(always)]
    fn max(self, o: Self) -> Self {
        F32x8(unsafe { _mm256_max_ps(self.0, o.0) })
    }
    #[inline(always)]
    fn lt(self, o: Self) -> Self {
        F32x8(unsafe { _mm256_cmp_ps::<_CMP_LT_OQ>(self.0, o.0) })
    }
    #[inline(always)]
    fn select(self, a: Self, b: Self) -> Self {
        F32x8(unsafe { _mm256_or_ps(_mm256_and_ps(self.0, a.0), _mm256_andnot_ps(self.0, b.0)) })
    }
    #[inline(always)]
    fn pow2i(self) -> Self {
        unsafe {
            let n = _mm256_cvtps_epi32(self.0); // round to nearest even, as `cvtps2dq`
            let half = |h: __m128i| _mm_slli_epi32::<23>(_mm_add_epi32(h, _mm_set1_epi32(127)));
            let lo = half(_mm256_castsi256_si128(n));
            let hi = half(_mm256_extractf128_si256::<1>(n));
            let e = _mm256_insertf128_si256::<1>(_mm256_castsi128_si256(lo), hi);
            F32x8(_mm256_castsi256_ps(e))
        }
    }
}

/// The low and high four lanes of a 256-bit register.
#[inline(always)]
fn halves(v: __m256) -> (F32x4, F32x4) {
    unsafe {
        (
            F32x4::from_m128(_mm256_castps256_ps128(v)),
            F32x4::from_m128(_mm256_extractf128_ps::<1>(v)),
        )
    }
}

/// [`tile::gemm_outer`] for f32 with `6 × 16` tiles of [`F32x8`] (twelve accumulators, two
/// loads of `B`, one broadcast of `A`), then the last `n mod 8` columns as the 128-bit build
/// does them.
///
/// # Safety
/// As [`tile::gemm_outer`]; called from `avx`-enabled code only.
#[inline(always)]
pub(super) unsafe fn gemm_outer(
    m: usize,
    n: usize,
    k: usize,
    a: View<f32>,
    b: View<f32>,
    c: ViewMut<f32>,
) {
    let n8 = n - n % 8;
    // SAFETY (both): the column ranges 0..n8 and n8..n split C and B inside n.
    unsafe {
        tile::gemm_outer::<F32x8, 6, 2>(m, n8, k, a, b, c);
        if n8 < n {
            tile::gemm_outer::<F32x4, 6, 2>(m, n - n8, k, a, b.at(0, n8), c.at(0, n8));
        }
    }
}

/// `C (2·MP, NR) += A (2·MP, k) · Bᵀ`, `B (NR, k)`: the 128-bit dot tile's arithmetic for
/// two rows per register. Per output: lane-wise partial sums over `p ≡ l (mod 4)` in order,
/// `(l0 + l2) + (l1 + l3)`, then the `k mod 4` tail in order, then added to `C`.
///
/// # Safety
/// `A (2·MP, k)`, `B (NR, k)` (row-major views) and `C (2·MP, NR)` in bounds; `avx` code only.
#[inline(always)]
unsafe fn tile_dot_pairs<const MP: usize, const NR: usize>(
    k: usize,
    a: View<f32>,
    b: View<f32>,
    c: ViewMut<f32>,
) {
    let mut acc = [[unsafe { _mm256_setzero_ps() }; NR]; MP];
    let kv = k - k % 4;
    let mut p = 0;
    while p < kv {
        // SAFETY: p + 4 ≤ k; rows 2i, 2i + 1 < 2·MP and j < NR.
        let av: [__m256; MP] = std::array::from_fn(|i| unsafe {
            let lo = _mm_loadu_ps(a.ptr.add(2 * i * a.rs + p));
            let hi = _mm_loadu_ps(a.ptr.add((2 * i + 1) * a.rs + p));
            _mm256_insertf128_ps::<1>(_mm256_castps128_ps256(lo), hi)
        });
        // An unaligned load, copied to both halves (`_mm256_broadcast_ps` takes a `&__m128`,
        // which must be 16-byte aligned; these rows are not).
        let bv: [__m256; NR] = std::array::from_fn(|j| unsafe {
            let x = _mm_loadu_ps(b.ptr.add(j * b.rs + p));
            _mm256_set_m128(x, x)
        });
        for (row, &ai) in acc.iter_mut().zip(&av) {
            for (r, &bj) in row.iter_mut().zip(&bv) {
                *r = unsafe { _mm256_add_ps(*r, _mm256_mul_ps(ai, bj)) };
            }
        }
        p += 4;
    }
    for (i2, row) in acc.iter().enumerate() {
        for (j, &r) in row.iter().enumerate() {
            let (lo, hi) = halves(r);
            for (i, part) in [(2 * i2, lo), (2 * i2 + 1, hi)] {
                let mut s = part.hsum();
                for q in kv..k {
                    // SAFETY: q < k.
                    s += unsafe { *a.ptr.add(i * a.rs + q) * *b.ptr.add(j * b.rs + q) };
                }
                // SAFETY: C (2·MP, NR) in bounds.
                unsafe {
                    let cij = c.ptr.add(i * c.ld + j);
                    *cij += s;
                }
            }
        }
    }
}

/// [`tile::gemm_dot`] for f32 with `4 × 4` tiles of two-row registers, the remaining rows and
/// columns by the 128-bit tiles: the same bits as `tile::gemm_dot::<F32x4, 4, 2>`.
///
/// # Safety
/// As [`tile::gemm_dot`]; called from `avx`-enabled code only.
#[inline(always)]
pub(super) unsafe fn gemm_dot_pairs(
    m: usize,
    n: usize,
    k: usize,
    a: View<f32>,
    b: View<f32>,
    c: ViewMut<f32>,
) {
    const MP: usize = 2; // row pairs per tile
    const NR: usize = 4;
    let (m4, n4) = (m - m % (2 * MP), n - n % NR);
    let mut j = 0;
    // SAFETY (all calls): every tile and edge block lies inside (m, n) and rows of B inside n.
    while j < n4 {
        let mut i = 0;
        while i < m4 {
            unsafe { tile_dot_pairs::<MP, NR>(k, a.at(i, 0), b.at(j, 0), c.at(i, j)) };
            i += 2 * MP;
        }
        j += NR;
    }
    unsafe {
        if m4 < m {
            tile::gemm_dot::<F32x4, 4, 2>(m - m4, n, k, a.at(m4, 0), b, c.at(m4, 0));
        }
        if n4 < n {
            tile::gemm_dot::<F32x4, 4, 2>(m4, n - n4, k, a, b.at(n4, 0), c.at(0, n4));
        }
    }
}
