//! `F32x4` and `F64x2` on x86-64: SSE2 registers (part of the baseline, no runtime detection).

use core::arch::x86_64::*;

use super::Lanes;

/// Four f32 in an SSE register.
#[derive(Clone, Copy)]
pub(crate) struct F32x4(__m128);
/// Two f64 in an SSE2 register.
#[derive(Clone, Copy)]
pub(crate) struct F64x2(__m128d);

impl Lanes for F32x4 {
    type S = f32;
    const N: usize = 4;
    #[inline(always)]
    fn splat(s: f32) -> Self {
        F32x4(unsafe { _mm_set1_ps(s) })
    }
    #[inline(always)]
    unsafe fn load(p: *const f32) -> Self {
        F32x4(unsafe { _mm_loadu_ps(p) })
    }
    #[inline(always)]
    unsafe fn store(self, p: *mut f32) {
        unsafe { _mm_storeu_ps(p, self.0) }
    }
    #[inline(always)]
    fn add(self, o: Self) -> Self {
        F32x4(unsafe { _mm_add_ps(self.0, o.0) })
    }
    #[inline(always)]
    fn mul(self, o: Self) -> Self {
        F32x4(unsafe { _mm_mul_ps(self.0, o.0) })
    }
    #[inline(always)]
    fn hsum(self) -> f32 {
        unsafe {
            let s = _mm_add_ps(self.0, _mm_movehl_ps(self.0, self.0)); // [l0+l2, l1+l3, ..]
            _mm_cvtss_f32(_mm_add_ss(s, _mm_shuffle_ps::<0b01>(s, s)))
        }
    }
}

/// Lane-wise extras of f32x4 for the vectorised activations (`super::act`).
impl F32x4 {
    /// The register itself (for the 256-bit tiles' halves, `super::wide`).
    #[inline(always)]
    pub(crate) fn from_m128(v: __m128) -> Self {
        F32x4(v)
    }
    #[inline(always)]
    pub(crate) fn sub(self, o: Self) -> Self {
        F32x4(unsafe { _mm_sub_ps(self.0, o.0) })
    }
    #[inline(always)]
    pub(crate) fn div(self, o: Self) -> Self {
        F32x4(unsafe { _mm_div_ps(self.0, o.0) })
    }
    /// `self < o ? self : o` (`minps`: NaN in either lane gives `o`).
    #[inline(always)]
    pub(crate) fn min(self, o: Self) -> Self {
        F32x4(unsafe { _mm_min_ps(self.0, o.0) })
    }
    /// `self > o ? self : o` (`maxps`: NaN in either lane gives `o`).
    #[inline(always)]
    pub(crate) fn max(self, o: Self) -> Self {
        F32x4(unsafe { _mm_max_ps(self.0, o.0) })
    }
    /// All-ones lanes where `self < o`.
    #[inline(always)]
    pub(crate) fn lt(self, o: Self) -> Self {
        F32x4(unsafe { _mm_cmplt_ps(self.0, o.0) })
    }
    /// `a` where the mask `self` is set, else `b`.
    #[inline(always)]
    pub(crate) fn select(self, a: Self, b: Self) -> Self {
        F32x4(unsafe { _mm_or_ps(_mm_and_ps(self.0, a.0), _mm_andnot_ps(self.0, b.0)) })
    }
    /// `2^n` for integral `n` in `[−126, 127]`, built in the exponent bits.
    #[inline(always)]
    pub(crate) fn pow2i(self) -> Self {
        unsafe {
            let e = _mm_add_epi32(_mm_cvtps_epi32(self.0), _mm_set1_epi32(127));
            F32x4(_mm_castsi128_ps(_mm_slli_epi32::<23>(e)))
        }
    }
}

impl Lanes for F64x2 {
    type S = f64;
    const N: usize = 2;
    #[inline(always)]
    fn splat(s: f64) -> Self {
        F64x2(unsafe { _mm_set1_pd(s) })
    }
    #[inline(always)]
    unsafe fn load(p: *const f64) -> Self {
        F64x2(unsafe { _mm_loadu_pd(p) })
    }
    #[inline(always)]
    unsafe fn store(self, p: *mut f64) {
        unsafe { _mm_storeu_pd(p, self.0) }
    }
    #[inline(always)]
    fn add(self, o: Self) -> Self {
        F64x2(unsafe { _mm_add_pd(self.0, o.0) })
    }
    #[inline(always)]
    fn mul(self, o: Self) -> Self {
        F64x2(unsafe { _mm_mul_pd(self.0, o.0) })
    }
    #[inline(always)]
    fn hsum(self) -> f64 {
        unsafe { _mm_cvtsd_f64(_mm_add_sd(self.0, _mm_unpackhi_pd(self.0, self.0))) }
    }
}
