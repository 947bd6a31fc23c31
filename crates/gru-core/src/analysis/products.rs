//! Products of one-step Jacobians: `∂s_t/∂s_{t−k} = J_t J_{t−1} ⋯ J_{t−k+1}` at one target
//! step (the lag × time map of all of them is in `lagmap.rs`).
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
        return Err(Error::Config(format!(
            "target step {target} is past the last step {}",
            j.steps
        )));
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
        gemm_nn(
            s,
            s,
            s,
            &done[(k - 1) * n..],
            s,
            j.step(target - k + 1),
            s,
            &mut rest[..n],
            s,
        );
    }
    Ok(out)
}

/// Norms of block `part` of `∂s_t/∂s_{t−k}` for `k = 0..=target`, and optionally the full
/// matrices (`(target+1, S, S)`).
///
/// # Errors
/// [`Error::Config`] when `target > T` or `part` is a `c` block of a state without `c`.
pub fn products_at(
    j: &StepJacobians,
    target: usize,
    part: Part,
    keep_matrices: bool,
) -> Result<Products, Error> {
    let (r0, c0, m) = window(j, part)?;
    let all = jacobian_products(j, target)?;
    let s = j.state;
    let n = s * s;
    let (mut fro, mut spec) = (
        Vec::with_capacity(target + 1),
        Vec::with_capacity(target + 1),
    );
    for k in 0..=target {
        let p = &all[k * n + r0 * s + c0..];
        fro.push(frobenius(p, m, m, s));
        spec.push(spectral_norm(p, m, m, s));
    }
    Ok(Products {
        target,
        fro,
        spec,
        matrices: keep_matrices.then_some(all),
    })
}
