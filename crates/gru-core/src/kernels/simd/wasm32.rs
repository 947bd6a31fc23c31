//! `F32x4` and `F64x2` on wasm32 with `simd128`: one `v128` each.

use core::arch::wasm32::*;

use super::Lanes;

/// Four f32 in a wasm `v128`.
#[derive(Clone, Copy)]
pub(crate) struct F32x4(v128);
/// Two f64 in a wasm `v128`.
#[derive(Clone, Copy)]
pub(crate) struct F64x2(v128);

impl Lanes for F32x4 {
    type S = f32;
    const N: usize = 4;
    #[inline(always)]
    fn splat(s: f32) -> Self {
        F32x4(f32x4_splat(s))
    }
    #[inline(always)]
    unsafe fn load(p: *const f32) -> Self {
        F32x4(unsafe { v128_load(p.cast()) })
    }
    #[inline(always)]
    unsafe fn store(self, p: *mut f32) {
        unsafe { v128_store(p.cast(), self.0) }
    }
    #[inline(always)]
    fn add(self, o: Self) -> Self {
        F32x4(f32x4_add(self.0, o.0))
    }
    #[inline(always)]
    fn mul(self, o: Self) -> Self {
        F32x4(f32x4_mul(self.0, o.0))
    }
    #[inline(always)]
    fn hsum(self) -> f32 {
        let v = self.0;
        (f32x4_extract_lane::<0>(v) + f32x4_extract_lane::<2>(v))
            + (f32x4_extract_lane::<1>(v) + f32x4_extract_lane::<3>(v))
    }
}

/// Lane-wise extras of f32x4 for the vectorised activations (`super::act`).
impl F32x4 {
    #[inline(always)]
    pub(crate) fn sub(self, o: Self) -> Self {
        F32x4(f32x4_sub(self.0, o.0))
    }
    #[inline(always)]
    pub(crate) fn div(self, o: Self) -> Self {
        F32x4(f32x4_div(self.0, o.0))
    }
    /// `self < o ? self : o`, as SSE `minps` (NaN in either lane gives `o`).
    #[inline(always)]
    pub(crate) fn min(self, o: Self) -> Self {
        F32x4(f32x4_pmin(o.0, self.0))
    }
    /// `self > o ? self : o`, as SSE `maxps` (NaN in either lane gives `o`).
    #[inline(always)]
    pub(crate) fn max(self, o: Self) -> Self {
        F32x4(f32x4_pmax(o.0, self.0))
    }
    #[inline(always)]
    pub(crate) fn lt(self, o: Self) -> Self {
        F32x4(f32x4_lt(self.0, o.0))
    }
    #[inline(always)]
    pub(crate) fn select(self, a: Self, b: Self) -> Self {
        F32x4(v128_bitselect(a.0, b.0, self.0))
    }
    #[inline(always)]
    /// `2^n` for integral `n` in `[−126, 127]`: `n + 1.5·2^23` is exact and holds `n` in
    /// its low mantissa bits, so integer lanes take it from there (V8 lowers
    /// `i32x4.trunc_sat_f32x4_s` to about seven x86 instructions; this is three).
    pub(crate) fn pow2i(self) -> Self {
        const MAGIC: f32 = 12_582_912.0; // 1.5·2^23
        let t = f32x4_add(self.0, f32x4_splat(MAGIC));
        let e = i32x4_sub(t, i32x4_splat(MAGIC.to_bits() as i32 - 127));
        F32x4(i32x4_shl(e, 23))
    }
}

impl Lanes for F64x2 {
    type S = f64;
    const N: usize = 2;
    #[inline(always)]
    fn splat(s: f64) -> Self {
        F64x2(f64x2_splat(s))
    }
    #[inline(always)]
    unsafe fn load(p: *const f64) -> Self {
        F64x2(unsafe { v128_load(p.cast()) })
    }
    #[inline(always)]
    unsafe fn store(self, p: *mut f64) {
        unsafe { v128_store(p.cast(), self.0) }
    }
    #[inline(always)]
    fn add(self, o: Self) -> Self {
        F64x2(f64x2_add(self.0, o.0))
    }
    #[inline(always)]
    fn mul(self, o: Self) -> Self {
        F64x2(f64x2_mul(self.0, o.0))
    }
    #[inline(always)]
    fn hsum(self) -> f64 {
        f64x2_extract_lane::<0>(self.0) + f64x2_extract_lane::<1>(self.0)
    }
}
