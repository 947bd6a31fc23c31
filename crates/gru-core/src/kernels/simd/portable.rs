//! `F32x4` and `F64x2` as plain arrays: other targets, or wasm without `simd128`.

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
