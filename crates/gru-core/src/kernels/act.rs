//! Gate nonlinearities over whole rows, four (or, with AVX, eight) f32 lanes at a time: the logistic sigmoid and
//! tanh of a step's pre-activations, so the cell does not call scalar `expf`/`tanhf` per unit.
//!
//! f32 uses Cephes-style polynomials (`expf`: range reduction by `ln 2` in two parts and a
//! degree-6 polynomial; `tanhf`: an odd degree-11 polynomial below |x| = 0.625) and agrees
//! with the correctly rounded values within 2 ulp (see the tests); f64 and any other [`Real`]
//! keep the scalar [`crate::sigmoid`] and `tanh`, so f64 results are unchanged bit for bit.

use std::any::TypeId;

use super::simd::{F32x4, Lanes};
use crate::Real;

/// The lane-wise f32 operations the activations need beyond [`Lanes`], for the 128-bit
/// register ([`F32x4`]) and, on x86-64 with AVX, the 256-bit one (`super::wide::F32x8`). Every
/// operation is lane-wise, so an element's result does not depend on the register width.
pub(super) trait MathLanes: Lanes<S = f32> {
    fn sub(self, o: Self) -> Self;
    fn div(self, o: Self) -> Self;
    /// `self < o ? self : o` (SSE `minps`: NaN in either lane gives `o`).
    fn min(self, o: Self) -> Self;
    /// `self > o ? self : o` (SSE `maxps`: NaN in either lane gives `o`).
    fn max(self, o: Self) -> Self;
    /// All-ones lanes where `self < o`.
    fn lt(self, o: Self) -> Self;
    /// `a` where the mask `self` is set, else `b`.
    fn select(self, a: Self, b: Self) -> Self;
    /// `2^n` for integral `n` in `[−126, 127]`, built in the exponent bits.
    fn pow2i(self) -> Self;
}

impl MathLanes for F32x4 {
    #[inline(always)]
    fn sub(self, o: Self) -> Self {
        F32x4::sub(self, o)
    }
    #[inline(always)]
    fn div(self, o: Self) -> Self {
        F32x4::div(self, o)
    }
    #[inline(always)]
    fn min(self, o: Self) -> Self {
        F32x4::min(self, o)
    }
    #[inline(always)]
    fn max(self, o: Self) -> Self {
        F32x4::max(self, o)
    }
    #[inline(always)]
    fn lt(self, o: Self) -> Self {
        F32x4::lt(self, o)
    }
    #[inline(always)]
    fn select(self, a: Self, b: Self) -> Self {
        F32x4::select(self, a, b)
    }
    #[inline(always)]
    fn pow2i(self) -> Self {
        F32x4::pow2i(self)
    }
}

// NaN: `min`/`max` return their second operand when a lane is NaN (SSE semantics, matched on
// wasm and in the fallback), so each clamp puts the value that may be NaN second
// (`c.max(x)`, `x.min(−x)`): a NaN input comes out NaN, as from the scalar functions.

/// The activations' constants, splat once per slice rather than in every iteration. On wasm
/// they are made opaque ([`std::hint::black_box`]): LLVM would otherwise re-emit each
/// `v128.const` at its use, and V8 builds a `v128.const` from two 64-bit immediates every time
/// it runs (about four instructions), which made σ and tanh 1.6× slower than native.
pub(super) struct Consts<V> {
    zero: V,
    one: V,
    /// exp: the clamp below which `e^x` is under `2^−126`, `log2 e`, `1.5·2^23` (round to
    /// nearest), `ln 2` in two parts, the degree-6 polynomial (highest first).
    exp_lo: V,
    log2e: V,
    magic: V,
    ln2_hi: V,
    ln2_lo: V,
    exp_p: [V; 6],
    /// σ: `2^60`, which makes `f = 1` for `x ≥ 2^−60`.
    two60: V,
    /// tanh: `−2`, the switch point 0.625 and the odd polynomial (highest first).
    minus_two: V,
    tanh_small: V,
    tanh_p: [V; 5],
}

impl<V: MathLanes> Consts<V> {
    #[inline(always)]
    pub(super) fn new() -> Self {
        #[cfg(target_arch = "wasm32")]
        let k = |c: f32| std::hint::black_box(V::splat(c));
        #[cfg(not(target_arch = "wasm32"))]
        let k = V::splat;
        // Each constant splat on its own (`[f32; N].map(k)` became one vector and a shuffle per
        // use on x86-64).
        Consts {
            zero: k(0.0),
            one: k(1.0),
            exp_lo: k(-87.336_55),
            log2e: k(std::f32::consts::LOG2_E),
            magic: k(12_582_912.0),
            ln2_hi: k(0.693_359_4),
            ln2_lo: k(-2.121_944_4e-4),
            exp_p: [
                k(1.987_569_1e-4),
                k(1.398_199_9e-3),
                k(8.333_452e-3),
                k(4.166_579_6e-2),
                k(0.166_666_65),
                k(0.5),
            ],
            two60: k(1.152_921_5e18),
            minus_two: k(-2.0),
            tanh_small: k(0.625),
            tanh_p: [
                k(-5.704_988_7e-3),
                k(2.063_909e-2),
                k(-5.373_971_6e-2),
                k(0.133_314_42),
                k(-0.333_332_8),
            ],
        }
    }
}

/// `e^x` for `x ≤ 0`, lane-wise; results below `2^−126` are clamped there; NaN stays NaN.
#[inline(always)]
fn exp_nonpositive<V: MathLanes>(k: &Consts<V>, x: V) -> V {
    let x = k.exp_lo.max(x);
    // n = round(x / ln 2) by the 1.5·2^23 trick (round to nearest even, |x / ln 2| < 2^22).
    let n = x.mul(k.log2e).add(k.magic).sub(k.magic);
    // r = x − n ln 2, with ln 2 = 0.693359375 − 2.12194440e−4 (the first part exact in f32).
    let r = x.sub(n.mul(k.ln2_hi)).sub(n.mul(k.ln2_lo));
    let [p0, p1, p2, p3, p4, p5] = k.exp_p; // by value: no array for LLVM to keep on the stack
    let mut p = p0;
    for c in [p1, p2, p3, p4, p5] {
        p = p.mul(r).add(c);
    }
    let e = p.mul(r.mul(r)).add(r).add(k.one); // e^r = 1 + r + r² P(r)
    e.mul(n.pow2i())
}

/// σ(x) = 1 / (1 + e^{−x}) for x ≥ 0 and e^x / (1 + e^x) below, as [`crate::sigmoid`]
/// does: with `e = e^{−|x|}`, `σ = f / (1 + e)` where `f = 1` for x ≥ 0 and `f = e` below.
#[inline(always)]
pub(super) fn sigmoid_lanes<V: MathLanes>(k: &Consts<V>, x: V) -> V {
    let e = exp_nonpositive(k, x.min(k.zero.sub(x))); // e^{−|x|}
    let f = e.max(x.mul(k.two60).max(k.zero).min(k.one)); // 1 where x ≥ 2^−60
    f.div(k.one.add(e))
}

/// tanh: `x + x³ P(x²)` for |x| < 0.625, else `sign(x) (1 − e) / (1 + e)`, `e = e^{−2|x|}`.
#[inline(always)]
pub(super) fn tanh_lanes<V: MathLanes>(k: &Consts<V>, x: V) -> V {
    let ax = x.max(k.zero.sub(x));
    let e = exp_nonpositive(k, ax.mul(k.minus_two));
    let big = k.one.sub(e).div(k.one.add(e));
    let big = x.lt(k.zero).select(k.zero.sub(big), big);
    let z = x.mul(x);
    let [p0, p1, p2, p3, p4] = k.tanh_p;
    let mut p = p0;
    for c in [p1, p2, p3, p4] {
        p = p.mul(z).add(c);
    }
    let small = p.mul(z).mul(x).add(x);
    ax.lt(k.tanh_small).select(small, big)
}

/// Applies `f` to `v` `V::N` lanes at a time (at most 8); the tail goes through a zero-padded
/// register, so every element gets the same arithmetic wherever it sits (and whatever `V`).
#[inline(always)]
pub(super) fn map_f32<V: MathLanes>(v: &mut [f32], f: impl Fn(V) -> V) {
    let mut chunks = v.chunks_exact_mut(V::N);
    for c in &mut chunks {
        // SAFETY: `c` has exactly N elements.
        unsafe { f(V::load(c.as_ptr())).store(c.as_mut_ptr()) };
    }
    let tail = chunks.into_remainder();
    if !tail.is_empty() {
        let mut buf = [0.0f32; 8];
        buf[..tail.len()].copy_from_slice(tail);
        // SAFETY: `buf` has 8 ≥ N elements.
        unsafe { f(V::load(buf.as_ptr())).store(buf.as_mut_ptr()) };
        tail.copy_from_slice(&buf[..tail.len()]);
    }
}

/// `v` as `&mut [f32]` when `T` is `f32`.
fn as_f32<T: Real>(v: &mut [T]) -> Option<&mut [f32]> {
    (TypeId::of::<T>() == TypeId::of::<f32>()).then(|| {
        // SAFETY: T is f32 (same type id), so the slice is reinterpreted as itself.
        unsafe { std::slice::from_raw_parts_mut(v.as_mut_ptr().cast::<f32>(), v.len()) }
    })
}

/// Calls `f` on the first `width` values of every `stride` values of `v`: the rows of a
/// row-major `(rows, stride)` matrix whose leading `width` columns a gate owns. The last row
/// may stop right after its `width` values.
///
/// # Panics
/// A row shorter than `width`, or `stride` zero with `v` not empty.
#[inline(always)]
pub(crate) fn for_rows<S>(v: &mut [S], width: usize, stride: usize, mut f: impl FnMut(&mut [S])) {
    if v.is_empty() {
        return;
    }
    for row in v.chunks_mut(stride) {
        f(&mut row[..width]);
    }
}

/// `v ← σ(v)` element-wise (f32: four lanes at a time; f64: [`crate::sigmoid`]).
pub fn sigmoid_in_place<T: Real>(v: &mut [T]) {
    let n = v.len();
    sigmoid_rows(v, n, n);
}

/// `v ← tanh(v)` element-wise (f32: four lanes at a time; f64: `tanh`).
pub fn tanh_in_place<T: Real>(v: &mut [T]) {
    let n = v.len();
    tanh_rows(v, n, n);
}

/// σ on the first `width` values of every `stride` values of `v` (one gate's columns of a
/// `(B, stride)` matrix), element for element what [`sigmoid_in_place`] gives on each row.
/// The f32 constants are set up once for all rows: on wasm that setup costs about as much as
/// σ over a row of 32 values, so calling [`sigmoid_in_place`] per row of a batch doubled it.
pub fn sigmoid_rows<T: Real>(v: &mut [T], width: usize, stride: usize) {
    match as_f32(v) {
        Some(v) if super::vex::available() => unsafe { super::vex::sigmoid_f32(v, width, stride) }, // SAFETY: AVX is there
        Some(v) => {
            let k = Consts::<F32x4>::new();
            for_rows(v, width, stride, |row| {
                map_f32(row, |x| sigmoid_lanes(&k, x))
            });
        }
        None => for_rows(v, width, stride, |row| {
            row.iter_mut().for_each(|x| *x = crate::sigmoid(*x));
        }),
    }
}

/// tanh on the first `width` values of every `stride` values of `v`, as [`sigmoid_rows`].
pub fn tanh_rows<T: Real>(v: &mut [T], width: usize, stride: usize) {
    match as_f32(v) {
        Some(v) if super::vex::available() => unsafe { super::vex::tanh_f32(v, width, stride) }, // SAFETY: AVX is there
        Some(v) => {
            let k = Consts::<F32x4>::new();
            for_rows(v, width, stride, |row| map_f32(row, |x| tanh_lanes(&k, x)));
        }
        None => for_rows(v, width, stride, |row| {
            row.iter_mut().for_each(|x| *x = x.tanh())
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Distance in units in the last place between two finite f32 of the same sign (or zero).
    fn ulps(a: f32, b: f32) -> u32 {
        if a == b {
            return 0; // also −0 vs +0
        }
        (a.to_bits() as i64 - b.to_bits() as i64).unsigned_abs() as u32
    }

    /// Every 97th f32 in [−40, 40] plus the special points, against the correctly rounded
    /// value (f64 computed, then rounded): at most 2 ulp, or 2e−45 absolute near zero.
    #[test]
    fn f32_sigmoid_and_tanh_are_within_two_ulp_of_the_rounded_truth() {
        let mut xs: Vec<f32> = Vec::new();
        let (lo, hi) = ((-40.0f32).to_bits(), 40.0f32.to_bits());
        xs.extend((0..=hi).step_by(97).map(f32::from_bits)); // 0 .. 40
        xs.extend((1u32 << 31..=lo).step_by(97).map(f32::from_bits)); // −0 .. −40
        xs.extend([
            0.625,
            -0.625,
            0.624_999_94,
            1e-30,
            -1e-30,
            88.0,
            -88.0,
            100.0,
            -100.0,
        ]);
        let mut got_s = xs.clone();
        let mut got_t = xs.clone();
        sigmoid_in_place(&mut got_s);
        tanh_in_place(&mut got_t);
        let (mut worst_s, mut worst_t) = (0, 0); // measured: 2 (sigmoid) and 1 (tanh)
        for ((&x, &gs), &gt) in xs.iter().zip(&got_s).zip(&got_t) {
            let ws = (1.0 / (1.0 + (-f64::from(x)).exp())) as f32;
            let wt = f64::from(x).tanh() as f32;
            let us = if ws.abs() < 1e-37 { 0 } else { ulps(gs, ws) };
            assert!(us <= 2, "sigmoid({x:e}) = {gs:e}, want {ws:e} ({us} ulp)");
            assert!(ulps(gt, wt) <= 2, "tanh({x:e}) = {gt:e}, want {wt:e}");
            worst_s = worst_s.max(us);
            worst_t = worst_t.max(ulps(gt, wt));
        }
        assert!(
            worst_s <= 2 && worst_t <= 2,
            "worst {worst_s} / {worst_t} ulp"
        );
    }

    #[test]
    fn limits_nan_and_ragged_tails_behave_like_the_scalar_functions() {
        // Four values in the vector body, three in the padded tail; 3.0 appears in both.
        let x = [
            3.0,
            f32::INFINITY,
            f32::NEG_INFINITY,
            f32::NAN,
            0.0,
            -0.0,
            3.0,
        ];
        let mut v = x;
        sigmoid_in_place(&mut v);
        assert_eq!(v[1], 1.0);
        assert!(v[2] < 1e-37 && v[3].is_nan() && v[4] == 0.5 && v[5] == 0.5);
        assert_eq!(v[6], v[0], "the tail gets the body's arithmetic");
        let mut t = x;
        tanh_in_place(&mut t);
        assert_eq!((t[1], t[2], t[6]), (1.0, -1.0, t[0]));
        assert!(t[3].is_nan() && t[4] == 0.0);
        // f64 stays the scalar function exactly.
        let mut d = [0.3f64, -7.0, 20.0];
        sigmoid_in_place(&mut d);
        assert_eq!(
            d,
            [
                crate::sigmoid(0.3),
                crate::sigmoid(-7.0),
                crate::sigmoid(20.0)
            ]
        );
        let mut d = [0.3f64, -7.0];
        tanh_in_place(&mut d);
        assert_eq!(d, [0.3f64.tanh(), (-7.0f64).tanh()]);
    }

    /// The row kernels touch only each row's leading `width` values (the other gates'
    /// columns keep their bits) and give there exactly what the one-row kernels give, for
    /// a ragged width, a last row cut right after its gate, f32 and f64.
    #[test]
    fn row_kernels_match_the_one_row_kernels_and_leave_other_columns_alone() {
        fn check<T: Real>() {
            let (b, width, stride) = (5, 7, 12);
            // (b − 1) full rows and a last row that ends after its gate.
            let n = (b - 1) * stride + width;
            let src: Vec<T> = (0..n)
                .map(|i| T::of((i as f64 * 0.37).sin() * 4.0))
                .collect();
            for apply in [
                (
                    sigmoid_rows::<T> as fn(&mut [T], usize, usize),
                    sigmoid_in_place::<T> as fn(&mut [T]),
                ),
                (tanh_rows::<T>, tanh_in_place::<T>),
            ] {
                let (rows, one) = apply;
                let mut got = src.clone();
                rows(&mut got, width, stride);
                let mut want = src.clone();
                for r in 0..b {
                    one(&mut want[r * stride..r * stride + width]);
                }
                for (i, (g, w)) in got.iter().zip(&want).enumerate() {
                    assert!(g.f64().to_bits() == w.f64().to_bits(), "element {i}");
                    if i % stride >= width {
                        assert!(
                            g.f64().to_bits() == src[i].f64().to_bits(),
                            "column {} touched",
                            i % stride
                        );
                    }
                }
            }
        }
        check::<f32>();
        check::<f64>();
    }
}
