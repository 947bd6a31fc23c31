//! The one place that knows about vector instructions: a 128-bit register of `f32x4` or
//! `f64x2` behind the small [`Lanes`] trait, on `core::arch` for x86-64 (SSE2, part of the
//! baseline, so no runtime detection) and wasm32 (`simd128`, enabled in `.cargo/config.toml`),
//! plus [`One`], a one-lane "vector" of any [`Real`] used for edge tiles and as the portable
//! fallback on other targets. No fused multiply-add anywhere: `a·b + c` is rounded twice,
//! exactly as the scalar Rust it replaces, so f64 results match the reference tests bit for bit
//! in summation order.

#![allow(unused_unsafe)] // some intrinsics are safe fns on newer toolchains

use crate::Real;

/// A register of `N` lanes of `S`.
pub(crate) trait Lanes: Copy {
    /// The scalar.
    type S: Real;
    /// Lanes per register.
    const N: usize;
    /// All lanes `s`.
    fn splat(s: Self::S) -> Self;
    /// `N` values from `p` (unaligned).
    ///
    /// # Safety
    /// `p .. p + N` readable.
    unsafe fn load(p: *const Self::S) -> Self;
    /// `N` values to `p` (unaligned).
    ///
    /// # Safety
    /// `p .. p + N` writable.
    unsafe fn store(self, p: *mut Self::S);
    /// Lane-wise `self + o`.
    fn add(self, o: Self) -> Self;
    /// Lane-wise `self · o`.
    fn mul(self, o: Self) -> Self;
    /// Sum of the lanes, `(l0 + l2) + (l1 + l3)` for four lanes, on every target alike.
    fn hsum(self) -> Self::S;
}

/// One lane of any [`Real`]: edge columns, and the fallback where there is no SIMD module.
#[derive(Clone, Copy)]
pub(crate) struct One<T>(T);

impl<T: Real> Lanes for One<T> {
    type S = T;
    const N: usize = 1;
    #[inline(always)]
    fn splat(s: T) -> Self {
        One(s)
    }
    #[inline(always)]
    unsafe fn load(p: *const T) -> Self {
        One(unsafe { *p })
    }
    #[inline(always)]
    unsafe fn store(self, p: *mut T) {
        unsafe { *p = self.0 }
    }
    #[inline(always)]
    fn add(self, o: Self) -> Self {
        One(self.0 + o.0)
    }
    #[inline(always)]
    fn mul(self, o: Self) -> Self {
        One(self.0 * o.0)
    }
    #[inline(always)]
    fn hsum(self) -> T {
        self.0
    }
}

#[cfg(target_arch = "x86_64")]
mod arch {
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
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod arch {
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
}

/// Portable fallback: plain arrays (other targets, or wasm without simd128).
#[cfg(not(any(
    target_arch = "x86_64",
    all(target_arch = "wasm32", target_feature = "simd128")
)))]
mod arch {
    use super::Lanes;

    /// Four f32 lanes as an array.
    #[derive(Clone, Copy)]
    pub(crate) struct F32x4([f32; 4]);
    /// Two f64 lanes as an array.
    #[derive(Clone, Copy)]
    pub(crate) struct F64x2([f64; 2]);

    macro_rules! array_lanes {
        ($v:ident, $s:ty, $n:literal) => {
            impl Lanes for $v {
                type S = $s;
                const N: usize = $n;
                #[inline(always)]
                fn splat(s: $s) -> Self {
                    $v([s; $n])
                }
                #[inline(always)]
                unsafe fn load(p: *const $s) -> Self {
                    $v(unsafe { p.cast::<[$s; $n]>().read_unaligned() })
                }
                #[inline(always)]
                unsafe fn store(self, p: *mut $s) {
                    unsafe { p.cast::<[$s; $n]>().write_unaligned(self.0) }
                }
                #[inline(always)]
                fn add(self, o: Self) -> Self {
                    $v(std::array::from_fn(|l| self.0[l] + o.0[l]))
                }
                #[inline(always)]
                fn mul(self, o: Self) -> Self {
                    $v(std::array::from_fn(|l| self.0[l] * o.0[l]))
                }
                #[inline(always)]
                fn hsum(self) -> $s {
                    let v = self.0;
                    if $n == 4 {
                        (v[0] + v[2 % $n]) + (v[1] + v[3 % $n])
                    } else {
                        v.iter().sum()
                    }
                }
            }
        };
    }
    array_lanes!(F32x4, f32, 4);

    /// Lane-wise extras of f32x4 for the vectorised activations (`super::act`); masks are
    /// all-ones bit patterns, as on the SIMD targets.
    impl F32x4 {
        fn map2(self, o: Self, f: impl Fn(f32, f32) -> f32) -> Self {
            F32x4(std::array::from_fn(|l| f(self.0[l], o.0[l])))
        }
        fn mask(b: bool) -> f32 {
            f32::from_bits(if b { u32::MAX } else { 0 })
        }
        pub(crate) fn sub(self, o: Self) -> Self {
            self.map2(o, |a, b| a - b)
        }
        pub(crate) fn div(self, o: Self) -> Self {
            self.map2(o, |a, b| a / b)
        }
        /// `self < o ? self : o`, as SSE `minps`.
        pub(crate) fn min(self, o: Self) -> Self {
            self.map2(o, |a, b| if a < b { a } else { b })
        }
        /// `self > o ? self : o`, as SSE `maxps`.
        pub(crate) fn max(self, o: Self) -> Self {
            self.map2(o, |a, b| if a > b { a } else { b })
        }
        pub(crate) fn lt(self, o: Self) -> Self {
            self.map2(o, |a, b| Self::mask(a < b))
        }
        pub(crate) fn select(self, a: Self, b: Self) -> Self {
            F32x4(std::array::from_fn(|l| {
                let m = self.0[l].to_bits();
                f32::from_bits((m & a.0[l].to_bits()) | (!m & b.0[l].to_bits()))
            }))
        }
        pub(crate) fn pow2i(self) -> Self {
            F32x4(
                self.0
                    .map(|n| f32::from_bits(((n as i32 + 127) as u32) << 23)),
            )
        }
    }
    array_lanes!(F64x2, f64, 2);
}

pub(crate) use arch::{F32x4, F64x2};
