//! The lag × time map: `‖∂s_t/∂s_{t−k}‖_F` (block [`Part`]) for every step `t` and lag `k ≤ t`.
//!
//! Done naively this is `T(T−1)/2` products of `(S, S)` matrices ([`lag_time_map_direct`]).
//! [`lag_time_map_into`] instead divides and conquers with Gram matrices: on an interval of
//! states `[lo, hi]` with midpoint `m`, every pair `s₀ < m < t` factors as
//! `P(t, s₀) = A·B` with `A = P(t, m)`, `B = P(m, s₀)` (`P(t, s₀) = J_t ⋯ J_{s₀+1}`), and
//!
//! ```text
//! ‖E_r A B E_c‖_F² = ⟨(E_r A)ᵀ(E_r A), (B E_c)(B E_c)ᵀ⟩      (E_r, E_c select the block)
//! ```
//!
//! an `O(S²)` inner product of two Gram matrices instead of an `O(S³)` product. The `A`s, `B`s
//! and their Grams cost `O(hi − lo)` products per interval; pairs that do not cross `m` are
//! left to `[lo, m]` and `[m, hi]`, short intervals are done directly. Total: `O(T log T)`
//! products plus `T²/2` inner products.
//!
//! Accuracy: the Gram identity loses relative accuracy like `S·ε·κ²` where
//! `κ = ‖E_r A‖_F ‖B E_c‖_F / ‖P‖_F` (cancellation between the two halves). Whenever
//! `κ² > 64·S` the pair is recomputed as an explicit product, so every entry is accurate to
//! about `1e-11` relative or better (the tests compare against the direct method). Factors are
//! scaled by their largest entry before forming Grams, so norms down to ~1e-300 neither
//! underflow nor overflow.

use super::norms::{frobenius, window};
use super::{Part, StepJacobians};
use crate::kernels::{dot, gemm_nn, gemm_tn};
use crate::Error;

/// Intervals of at most this many steps are done with direct products.
const DIRECT: usize = 8;
/// A pair is recomputed directly when `κ² > GUARD · S`.
const GUARD: f64 = 64.0;

/// Frobenius norms of `∂s_t/∂s_{t−k}` (block [`Part`]) for every target `t` and lag `k`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LagTimeMap {
    /// Steps `T`.
    pub steps: usize,
    /// `(T+1, T+1)`, row `t`, column `k`: `‖∂s_t/∂s_{t−k}‖_F` for `k ≤ t` (k = 0: the identity,
    /// `sqrt(n)` for an `n × n` block); NaN for `k > t`, where `s_{t−k}` does not exist.
    pub fro: Vec<f64>,
}

impl LagTimeMap {
    /// `‖∂s_t/∂s_{t−k}‖_F`, NaN for `k > t` (panics when `t > T`).
    pub fn get(&self, t: usize, k: usize) -> f64 {
        if k > t {
            f64::NAN
        } else {
            self.fro[t * (self.steps + 1) + k]
        }
    }
    fn set(&mut self, t: usize, s0: usize, v: f64) {
        let w = self.steps + 1;
        self.fro[t * w + (t - s0)] = v;
    }
}

/// Reusable buffers of [`lag_time_map_into`] (sized on first use, then never reallocated for
/// the same `T` and `S`).
#[derive(Clone, Debug, Default)]
pub struct ProductScratch {
    /// `(≤ T/2+1, S, S)`: `A = P(t, m)` for the late side of an interval, and its Grams.
    late: Vec<f64>,
    late_gram: Vec<f64>,
    /// `(≤ T/2+1, S, S)`: `B = P(m, s₀)` for the early side, and its Grams.
    early: Vec<f64>,
    early_gram: Vec<f64>,
    /// Per factor: `(scale = max |entry| of the block rows/cols, ‖scaled block‖_F²)`.
    late_scale: Vec<(f64, f64)>,
    early_scale: Vec<(f64, f64)>,
    /// `(S, S)` temporaries.
    cur: Vec<f64>,
    next: Vec<f64>,
}

/// The full lag × time map of Frobenius norms (block `part`), allocating.
///
/// # Errors
/// [`Error::Config`] when `part` is a `c` block of a state without `c`.
pub fn lag_time_map(j: &StepJacobians, part: Part) -> Result<LagTimeMap, Error> {
    let mut map = LagTimeMap::default();
    lag_time_map_into(j, part, &mut map, &mut ProductScratch::default())?;
    Ok(map)
}

/// [`lag_time_map`] into `map`, reusing its storage and `scratch`; the fast method described
/// in the module documentation.
///
/// # Errors
/// [`Error::Config`] when `part` is a `c` block of a state without `c`.
pub fn lag_time_map_into(
    j: &StepJacobians,
    part: Part,
    map: &mut LagTimeMap,
    scratch: &mut ProductScratch,
) -> Result<(), Error> {
    let win = window(j, part)?;
    reset(j, win, map);
    let (n, half) = (j.state * j.state, j.steps / 2 + 2);
    let sc = scratch;
    for v in [
        &mut sc.late,
        &mut sc.late_gram,
        &mut sc.early,
        &mut sc.early_gram,
    ] {
        v.resize(half * n, 0.0);
    }
    sc.late_scale.resize(half, (0.0, 0.0));
    sc.early_scale.resize(half, (0.0, 0.0));
    sc.cur.resize(n, 0.0);
    sc.next.resize(n, 0.0);
    interval(j, win, map, sc, 0, j.steps);
    Ok(())
}

/// The same map by `T(T−1)/2` explicit products (reference for tests and benchmarks).
///
/// # Errors
/// [`Error::Config`] when `part` is a `c` block of a state without `c`.
pub fn lag_time_map_direct(j: &StepJacobians, part: Part) -> Result<LagTimeMap, Error> {
    let win = window(j, part)?;
    let mut map = LagTimeMap::default();
    reset(j, win, &mut map);
    let n = j.state * j.state;
    let mut sc = ProductScratch {
        cur: vec![0.0; n],
        next: vec![0.0; n],
        ..ProductScratch::default()
    };
    direct(j, win, &mut map, &mut sc, 0, j.steps);
    Ok(map)
}

/// Sizes `map` to `(T+1, T+1)`: NaN above the diagonal, the identity's norm at `k = 0`.
fn reset(j: &StepJacobians, (_, _, m): (usize, usize, usize), map: &mut LagTimeMap) {
    let w = j.steps + 1;
    map.steps = j.steps;
    map.fro.clear();
    map.fro.resize(w * w, f64::NAN);
    for t in 0..w {
        map.fro[t * w] = (m as f64).sqrt();
    }
}

/// Norm of the block `win` of the `(S, S)` matrix `p`.
fn block_fro(p: &[f64], s: usize, (r0, c0, m): (usize, usize, usize)) -> f64 {
    frobenius(&p[r0 * s + c0..], m, m, s)
}

/// All pairs `lo ≤ s₀ < t ≤ hi` by explicit products `P(t, s₀) = P(t, s₀+1) · J_{s₀+1}`.
fn direct(
    j: &StepJacobians,
    win: (usize, usize, usize),
    map: &mut LagTimeMap,
    sc: &mut ProductScratch,
    lo: usize,
    hi: usize,
) {
    let s = j.state;
    for t in lo + 1..=hi {
        sc.cur.copy_from_slice(j.step(t));
        map.set(t, t - 1, block_fro(&sc.cur, s, win));
        for s0 in (lo..t - 1).rev() {
            sc.next.fill(0.0);
            gemm_nn(s, s, s, &sc.cur, s, j.step(s0 + 1), s, &mut sc.next, s);
            std::mem::swap(&mut sc.cur, &mut sc.next);
            map.set(t, s0, block_fro(&sc.cur, s, win));
        }
    }
}

/// `max |x|` over the `(rows, cols)` matrix at `a` with stride `ld`.
fn max_abs(a: &[f64], rows: usize, cols: usize, ld: usize) -> f64 {
    (0..rows)
        .flat_map(|i| &a[i * ld..i * ld + cols])
        .fold(0.0, |m: f64, v| m.max(v.abs()))
}

/// `(scale, 1/scale)` to normalise a factor whose largest entry is `mx`; `(1, 1)` when that
/// is impossible (zero, subnormal or non-finite `mx`: the Gram is then exact zero, or
/// non-finite and the pair falls back to an explicit product).
fn scaling(mx: f64) -> (f64, f64) {
    if mx >= f64::MIN_POSITIVE && mx.is_finite() {
        (mx, 1.0 / mx)
    } else {
        (1.0, 1.0)
    }
}

/// All pairs `lo ≤ s₀ < t ≤ hi`: those crossing the midpoint via Grams, the rest recursively.
fn interval(
    j: &StepJacobians,
    win: (usize, usize, usize),
    map: &mut LagTimeMap,
    sc: &mut ProductScratch,
    lo: usize,
    hi: usize,
) {
    if hi - lo <= DIRECT {
        direct(j, win, map, sc, lo, hi);
        return;
    }
    let (s, n) = (j.state, j.state * j.state);
    let (r0, c0, m) = win;
    let mid = (lo + hi) / 2;
    let (n_late, n_early) = (hi - mid, mid - lo);
    // Late side: A_t = P(t, mid) = J_t · A_{t−1}, A_{mid+1} = J_{mid+1}; slot t − mid − 1.
    for q in 0..n_late {
        let t = mid + 1 + q;
        let (done, rest) = sc.late.split_at_mut(q * n);
        let a = &mut rest[..n];
        if q == 0 {
            a.copy_from_slice(j.step(t));
        } else {
            a.fill(0.0);
            gemm_nn(s, s, s, j.step(t), s, &done[(q - 1) * n..], s, a, s);
        }
        // Gram of the scaled block rows: G = (E_r A / a)ᵀ (E_r A / a), (S, S).
        let rows = &a[r0 * s..(r0 + m) * s];
        let (scale, inv) = scaling(max_abs(rows, m, s, s));
        sc.cur[..m * s]
            .iter_mut()
            .zip(rows)
            .for_each(|(d, &v)| *d = v * inv);
        let g = &mut sc.late_gram[q * n..(q + 1) * n];
        g.fill(0.0);
        gemm_tn(m, s, s, &sc.cur, s, &sc.cur, s, g, s);
        sc.late_scale[q] = (scale, (0..s).map(|i| g[i * s + i]).sum());
    }
    // Early side: B_{s₀} = P(mid, s₀) = B_{s₀+1} · J_{s₀+1}, B_{mid−1} = J_mid; slot mid − 1 − s₀.
    for q in 0..n_early {
        let s0 = mid - 1 - q;
        let (done, rest) = sc.early.split_at_mut(q * n);
        let b = &mut rest[..n];
        if q == 0 {
            b.copy_from_slice(j.step(mid));
        } else {
            b.fill(0.0);
            gemm_nn(s, s, s, &done[(q - 1) * n..], s, j.step(s0 + 1), s, b, s);
        }
        // Gram of the scaled block columns: G = (B E_c / b)(B E_c / b)ᵀ, (S, S).
        let (scale, inv) = scaling(max_abs(&b[c0..], s, m, s));
        for i in 0..s {
            for k in 0..m {
                sc.cur[k * s + i] = b[i * s + c0 + k] * inv; // (B E_c / b)ᵀ, (m, S)
            }
        }
        let g = &mut sc.early_gram[q * n..(q + 1) * n];
        g.fill(0.0);
        gemm_tn(m, s, s, &sc.cur, s, &sc.cur, s, g, s);
        sc.early_scale[q] = (scale, (0..s).map(|i| g[i * s + i]).sum());
    }
    // Crossing pairs: ‖P(t, s₀)‖_F = a·b·sqrt(⟨G_A, G_B⟩), or an explicit product when the
    // halves cancel too much for the Gram identity to be accurate.
    for qa in 0..n_late {
        let (sa, ta) = sc.late_scale[qa];
        for qb in 0..n_early {
            let (sb, tb) = sc.early_scale[qb];
            let (t, s0) = (mid + 1 + qa, mid - 1 - qb);
            let val = dot(
                &sc.late_gram[qa * n..(qa + 1) * n],
                &sc.early_gram[qb * n..(qb + 1) * n],
            );
            let fro = if val.is_finite() && val * GUARD * s as f64 >= ta * tb {
                sa * sb * val.max(0.0).sqrt()
            } else {
                // (E_r A)(B E_c) as (m, m) in `next`.
                sc.next[..m * m].fill(0.0);
                let (a, b) = (&sc.late[qa * n + r0 * s..], &sc.early[qb * n + c0..]);
                gemm_nn(m, s, m, a, s, b, s, &mut sc.next, m);
                frobenius(&sc.next, m, m, m)
            };
            map.set(t, s0, fro);
        }
    }
    interval(j, win, map, sc, lo, mid);
    interval(j, win, map, sc, mid, hi);
}
