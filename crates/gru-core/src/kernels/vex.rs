//! The f32 tiles and activations compiled a second time for AVX on x86-64, picked at run time
//! when the CPU has it: 256-bit registers ([`super::wide`]) for the outer-product tiles
//! (`6 × 16`), the dot tiles (two rows of `A` per register) and the activations (eight lanes),
//! with the same separate multiply and add (no FMA) and every output summed in the same order,
//! so the results are bit-identical to the SSE2 and wasm simd128 tiles; what is left over (the
//! last `n mod 8` columns, rows and columns outside the dot tiles) runs the 128-bit tiles. The page (wasm) never runs this, so on such a CPU the
//! native figures are above the page's. Elsewhere [`available`] is `false` and nothing here runs.

use super::act;
use super::tile::{View, ViewMut};
// The 128-bit tiles: tests, other targets.
#[cfg_attr(target_arch = "x86_64", allow(unused_imports))]
use super::{simd::F32x4, tile};

/// Set by [`super::use_128_bit_only`]: the 256-bit tiles stay off in this process.
static NARROW: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Keeps this process on the 128-bit tiles, as the page runs (same bits either way).
pub(super) fn narrow() {
    NARROW.store(true, std::sync::atomic::Ordering::Relaxed);
}

/// Whether the AVX-encoded tiles can run here (x86-64 with AVX, cached by `std`; and not
/// turned off by [`narrow`]).
#[inline]
pub(super) fn available() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        !NARROW.load(std::sync::atomic::Ordering::Relaxed)
            && std::arch::is_x86_feature_detected!("avx")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// [`tile::gemm_outer`] for f32 in 256-bit `6 × 16` tiles (twelve accumulators, two loads of
/// `B`, one broadcast of `A`: [`super::wide::gemm_outer`]).
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

/// [`tile::gemm_dot`] for f32 in 256-bit `4 × 4` tiles of row pairs ([`super::wide::gemm_dot_pairs`]).
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

/// [`super::act::sigmoid_rows`] on f32, eight lanes at a time.
///
/// # Safety
/// [`available`] returned `true`.
#[cfg_attr(target_arch = "x86_64", target_feature(enable = "avx"))]
pub(super) unsafe fn sigmoid_f32(v: &mut [f32], width: usize, stride: usize) {
    #[cfg(target_arch = "x86_64")]
    {
        let k = act::Consts::<super::wide::F32x8>::new();
        act::for_rows(v, width, stride, |row| {
            act::map_f32(row, |x| act::sigmoid_lanes(&k, x))
        });
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let k = act::Consts::<F32x4>::new();
        act::for_rows(v, width, stride, |row| {
            act::map_f32(row, |x| act::sigmoid_lanes(&k, x))
        });
    }
}

/// [`super::act::tanh_rows`] on f32, eight lanes at a time.
///
/// # Safety
/// [`available`] returned `true`.
#[cfg_attr(target_arch = "x86_64", target_feature(enable = "avx"))]
pub(super) unsafe fn tanh_f32(v: &mut [f32], width: usize, stride: usize) {
    #[cfg(target_arch = "x86_64")]
    {
        let k = act::Consts::<super::wide::F32x8>::new();
        act::for_rows(v, width, stride, |row| {
            act::map_f32(row, |x| act::tanh_lanes(&k, x))
        });
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let k = act::Consts::<F32x4>::new();
        act::for_rows(v, width, stride, |row| {
            act::map_f32(row, |x| act::tanh_lanes(&k, x))
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The AVX tiles give the SSE2 tiles' bits (outer and dot, and the activations), on shapes
    /// with full `6 × 16` / row-pair tiles, 8-, 4- and 1-column edges, edge rows, a `k mod 4`
    /// tail and (the second) the H = 128 step's `k > KC`, so the page (which never runs them)
    /// and this build agree. Skipped where AVX is absent.
    #[test]
    fn avx_tiles_give_the_sse2_tiles_bits() {
        if !available() {
            return;
        }
        let same =
            |x: Vec<f32>, y: Vec<f32>| x.iter().zip(&y).all(|(p, q)| p.to_bits() == q.to_bits());
        for (m, k, n) in [(29, 35, 45), (32, 130, 100)] {
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
            assert!(
                same(run(outer_sse, n), run(outer_f32, n)),
                "outer tiles differ"
            );
            assert!(same(run(dot_sse, k), run(dot_f32, k)), "dot tiles differ");
        }
        let xs: Vec<f32> = (0..4001).map(|i| (i as f32 - 2000.0) * 0.011).collect();
        let k = act::Consts::<F32x4>::new();
        for (sse, avx) in [
            (
                act::sigmoid_lanes::<F32x4> as fn(&act::Consts<F32x4>, F32x4) -> F32x4,
                sigmoid_f32 as unsafe fn(&mut [f32], usize, usize),
            ),
            (act::tanh_lanes::<F32x4>, tanh_f32),
        ] {
            let (mut x, mut y) = (xs.clone(), xs.clone());
            act::map_f32(&mut x, |v| sse(&k, v));
            // SAFETY: AVX is available (checked above).
            unsafe { avx(&mut y, xs.len(), xs.len()) };
            assert!(same(x, y), "activations differ");
        }
    }
}
