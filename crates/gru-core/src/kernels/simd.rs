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
#[path = "simd/x86_64.rs"]
mod arch;

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[path = "simd/wasm32.rs"]
mod arch;

/// Portable fallback: plain arrays (other targets, or wasm without simd128).
#[cfg(not(any(
    target_arch = "x86_64",
    all(target_arch = "wasm32", target_feature = "simd128")
)))]
#[path = "simd/portable.rs"]
mod arch;

pub(crate) use arch::{F32x4, F64x2};
