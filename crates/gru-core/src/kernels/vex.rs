//! The f32 tiles compiled a second time with the AVX *encoding* on x86-64, picked at run time
//! when the CPU has it: the same 128-bit registers and the same separate multiply and add
//! (no FMA, no 256-bit lanes), so the results are bit-identical to the SSE2 build, but the
//! three-operand forms drop the register copies SSE2's `mulps` needs and `vbroadcastss` loads a
//! broadcast of `A` in one instruction, which frees the shuffle port. This is also the code a
//! wasm engine emits for `f32x4` ops on such a CPU, so the native figures keep predicting the
//! page's. Elsewhere (wasm, other targets) [`available`] is `false` and nothing here runs.

use super::act;
use super::tile::{View, ViewMut};
#[cfg_attr(target_arch = "x86_64", allow(unused_imports))]
// the 128-bit tiles: tests, other targets
use super::{simd::F32x4, tile};

/// Whether the AVX-encoded tiles can run here (x86-64 with AVX; cached by `std`).
#[inline]
pub(super) fn available() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// [`tile::gemm_outer`] for f32 in `6 × 8` tiles (twelve accumulators, two rows of `B`, two temporaries: the 16 registers), AVX-encoded.
///
/// # Safety
/// As [`tile::gemm_outer`]; and [`available`] returned `true`.
#[cfg_attr(target_arch = "x86_64", target_feature(enable = "avx"))]
pub(super) unsafe fn outer_f32(
    m: usize,
    n: usize,
    k: usize,
    a: View<f32>,
    b: View<f32>,
    c: ViewMut<f32>,
) {
    // SAFETY: forwarded from the caller; this function is `avx`-enabled on x86-64.
    #[cfg(target_arch = "x86_64")]
    unsafe {
        super::wide::gemm_outer(m, n, k, a, b, c)
    }
    #[cfg(not(target_arch = "x86_64"))]
    unsafe {
        tile::gemm_outer::<F32x4, 6, 2>(m, n, k, a, b, c)
    }
}

/// [`tile::gemm_dot`] for f32 in `4 × 2` tiles, AVX-encoded.
///
/// # Safety
/// As [`tile::gemm_dot`]; and [`available`] returned `true`.
#[cfg_attr(target_arch = "x86_64", target_feature(enable = "avx"))]
pub(super) unsafe fn dot_f32(
    m: usize,
    n: usize,
    k: usize,
    a: View<f32>,
    b: View<f32>,
    c: ViewMut<f32>,
) {
    // SAFETY: forwarded from the caller; this function is `avx`-enabled on x86-64.
    #[cfg(target_arch = "x86_64")]
    unsafe {
        super::wide::gemm_dot_pairs(m, n, k, a, b, c)
    }
    #[cfg(not(target_arch = "x86_64"))]
    unsafe {
        tile::gemm_dot::<F32x4, 4, 2>(m, n, k, a, b, c)
    }
}

/// [`super::sigmoid_in_place`] on f32, AVX-encoded.
///
/// # Safety
/// [`available`] returned `true`.
#[cfg_attr(target_arch = "x86_64", target_feature(enable = "avx"))]
pub(super) unsafe fn sigmoid_f32(v: &mut [f32]) {
    #[cfg(target_arch = "x86_64")]
    act::map_f32(v, |x: super::wide::F32x8| act::sigmoid_lanes(x));
    #[cfg(not(target_arch = "x86_64"))]
    act::map_f32(v, act::sigmoid_lanes::<F32x4>);
}

/// [`super::tanh_in_place`] on f32, AVX-encoded.
///
/// # Safety
/// [`available`] returned `true`.
#[cfg_attr(target_arch = "x86_64", target_feature(enable = "avx"))]
pub(super) unsafe fn tanh_f32(v: &mut [f32]) {
    #[cfg(target_arch = "x86_64")]
    act::map_f32(v, |x: super::wide::F32x8| act::tanh_lanes(x));
    #[cfg(not(target_arch = "x86_64"))]
    act::map_f32(v, act::tanh_lanes::<F32x4>);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The AVX-encoded tiles give the SSE2 tiles' bits (outer and dot), on a shape with full
    /// `6 × 8` / `4 × 8` tiles, edge rows and columns and a `k mod 4` tail, so the page
    /// (which never runs them) and this build agree. Skipped where AVX is absent.
    #[test]
    fn avx_tiles_give_the_sse2_tiles_bits() {
        if !available() {
            return;
        }
        let (m, k, n) = (29, 35, 45);
        let val = |i: usize, f: f32| (i as f32 * f + 0.3).sin();
        let a: Vec<f32> = (0..m * k).map(|i| val(i, 0.37)).collect();
        let bt: Vec<f32> = (0..k * n).map(|i| val(i, 0.91)).collect(); // B (k, n) or (n, k)
        let c0: Vec<f32> = (0..m * n).map(|i| val(i, 0.13)).collect();
        let view = |d: &[f32], rs: usize| View {
            ptr: d.as_ptr(),
            rs,
            cs: 1,
        };
        type Run = unsafe fn(usize, usize, usize, View<f32>, View<f32>, ViewMut<f32>);
        let run = |f: Run, b_rs: usize| {
            let mut c = c0.clone();
            let cv = ViewMut {
                ptr: c.as_mut_ptr(),
                ld: n,
            };
            // SAFETY: A (m, k), B (k, n) or (n, k) and C (m, n) are exactly these buffers.
            unsafe { f(m, n, k, view(&a, k), view(&bt, b_rs), cv) };
            c
        };
        let outer_sse: Run = tile::gemm_outer::<F32x4, 4, 2>;
        let dot_sse: Run = tile::gemm_dot::<F32x4, 4, 2>;
        let same =
            |x: Vec<f32>, y: Vec<f32>| x.iter().zip(&y).all(|(p, q)| p.to_bits() == q.to_bits());
        assert!(
            same(run(outer_sse, n), run(outer_f32, n)),
            "outer tiles differ"
        );
        assert!(same(run(dot_sse, k), run(dot_f32, k)), "dot tiles differ");
        let xs: Vec<f32> = (0..4001).map(|i| (i as f32 - 2000.0) * 0.011).collect();
        for (sse, avx) in [
            (
                act::sigmoid_lanes::<F32x4> as fn(F32x4) -> F32x4,
                sigmoid_f32 as unsafe fn(&mut [f32]),
            ),
            (act::tanh_lanes::<F32x4>, tanh_f32),
        ] {
            let (mut x, mut y) = (xs.clone(), xs.clone());
            act::map_f32(&mut x, sse);
            // SAFETY: AVX is available (checked above).
            unsafe { avx(&mut y) };
            assert!(same(x, y), "activations differ");
        }
    }
}
