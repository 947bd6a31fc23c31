//! Products of one-step Jacobians: `∂s_t/∂s_{t−k} = J_t J_{t−1} ⋯ J_{t−k+1}` at one target
//! step, and the lag × time map of their Frobenius norms for every `(t, k)`.
//!
//! Products are always formed on the whole state `(S, S)` (for the LSTM `∂[h;c]/∂[h;c]`, so
//! that e.g. the `h → h` block of a product includes paths through `c`); a [`Part`] only
//! chooses which block the norms are taken of.

use super::norms::{frobenius, spectral_norm, window};
use super::{Part, StepJacobians};
use crate::kernels::gemm_nn;
use crate::Error;

/// `∂s_t/∂s_{t−k}` for every lag `k = 0..=t` at one target step `t`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Products {
    /// The target step `t` (0..=T).
    pub target: usize,
    /// `(t+1)`: `fro[k] = ‖block of ∂s_t/∂s_{t−k}‖_F` (k = 0 is the identity).
    pub fro: Vec<f64>,
    /// `(t+1)`: the spectral norms of the same blocks.
    pub spec: Vec<f64>,
    /// `(t+1, S, S)`: the full state maps, when asked for.
    pub matrices: Option<Vec<f64>>,
}

/// `(target+1, S, S)`: block `k` is `∂s_t/∂s_{t−k} = J_t ⋯ J_{t−k+1}` with `t = target`
/// (block 0 is the identity).
///
/// # Errors
/// [`Error::Config`] when `target > T`.
pub fn jacobian_products(j: &StepJacobians, target: usize) -> Result<Vec<f64>, Error> {
    if target > j.steps {
        return Err(Error::Config(format!("target step {target} is past the last step {}", j.steps)));
    }
    let s = j.state;
    let n = s * s;
    let mut out = vec![0.0; (target + 1) * n];
    for i in 0..s {
        out[i * s + i] = 1.0;
    }
    for k in 1..=target {
        let (done, rest) = out.split_at_mut(k * n);
        // P_k = P_{k−1} · J_{t−k+1}
        gemm_nn(s, s, s, &done[(k - 1) * n..], s, j.step(target - k + 1), s, &mut rest[..n], s);
    }
    Ok(out)
}

/// Norms of block `part` of `∂s_t/∂s_{t−k}` for `k = 0..=target`, and optionally the full
/// matrices (`(target+1, S, S)`).
///
/// # Errors
/// [`Error::Config`] when `target > T` or `part` is a `c` block of a state without `c`.
pub fn products_at(j: &StepJacobians, target: usize, part: Part, keep_matrices: bool) -> Result<Products, Error> {
    let (r0, c0, m) = window(j, part)?;
    let all = jacobian_products(j, target)?;
    let s = j.state;
    let n = s * s;
    let (mut fro, mut spec) = (Vec::with_capacity(target + 1), Vec::with_capacity(target + 1));
    for k in 0..=target {
        let p = &all[k * n + r0 * s + c0..];
        fro.push(frobenius(p, m, m, s));
        spec.push(spectral_norm(p, m, m, s));
    }
    Ok(Products { target, fro, spec, matrices: keep_matrices.then_some(all) })
}

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
}

/// Reusable buffers of [`lag_time_map_into`]: two `(S, S)` products.
#[derive(Clone, Debug, Default)]
pub struct ProductScratch {
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

/// [`lag_time_map`] into `map`, reusing its storage and `scratch` (no allocation once they
/// have the right size). Cost: `T(T−1)/2` products of `(S, S)` matrices.
///
/// # Errors
/// [`Error::Config`] when `part` is a `c` block of a state without `c`.
pub fn lag_time_map_into(j: &StepJacobians, part: Part, map: &mut LagTimeMap, scratch: &mut ProductScratch) -> Result<(), Error> {
    let (r0, c0, m) = window(j, part)?;
    let (t_max, s) = (j.steps, j.state);
    let n = s * s;
    let w = t_max + 1;
    map.steps = t_max;
    map.fro.clear();
    map.fro.resize(w * w, f64::NAN);
    scratch.cur.resize(n, 0.0);
    scratch.next.resize(n, 0.0);
    let id = (m as f64).sqrt(); // ‖I_m‖_F
    for t in 0..=t_max {
        let row = &mut map.fro[t * w..(t + 1) * w];
        row[0] = id;
        if t == 0 {
            continue;
        }
        // P_1 = J_t, then P_k = P_{k−1} · J_{t−k+1}.
        scratch.cur.copy_from_slice(j.step(t));
        row[1] = frobenius(&scratch.cur[r0 * s + c0..], m, m, s);
        for k in 2..=t {
            scratch.next.fill(0.0);
            gemm_nn(s, s, s, &scratch.cur, s, j.step(t - k + 1), s, &mut scratch.next, s);
            std::mem::swap(&mut scratch.cur, &mut scratch.next);
            row[k] = frobenius(&scratch.cur[r0 * s + c0..], m, m, s);
        }
    }
    Ok(())
}
