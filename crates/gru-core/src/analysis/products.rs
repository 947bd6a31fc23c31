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

/// `∂s_t/∂s_{t−k}` one lag at a time: `P_0 = I`, then `P_k = P_{k−1} · J_{t−k+1}` per
/// [`LagProduct::extend`]. The one recurrence behind [`jacobian_products`] and the sliced
/// flow of [`super::Tracing`].
#[derive(Clone, Debug)]
pub(super) struct LagProduct {
    s: usize,
    /// `(S, S)`: the product so far, and the next one's buffer.
    p: Vec<f64>,
    next: Vec<f64>,
}

impl LagProduct {
    /// `P_0 = I` on a state of size `s`.
    pub(super) fn identity(s: usize) -> Self {
        let mut p = vec![0.0; s * s];
        (0..s).for_each(|i| p[i * s + i] = 1.0);
        Self {
            s,
            p,
            next: vec![0.0; s * s],
        }
    }

    /// One more lag: `P ← P · J`, `J` the `(S, S)` one-step Jacobian of the next step back.
    pub(super) fn extend(&mut self, j: &[f64]) {
        let s = self.s;
        self.next.fill(0.0);
        gemm_nn(s, s, s, &self.p, s, j, s, &mut self.next, s);
        std::mem::swap(&mut self.p, &mut self.next);
    }

    /// `(S, S)`: the product so far.
    pub(super) fn get(&self) -> &[f64] {
        &self.p
    }
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
    let mut out = Vec::with_capacity((target + 1) * s * s);
    let mut product = LagProduct::identity(s);
    out.extend_from_slice(product.get());
    for k in 1..=target {
        product.extend(j.step(target - k + 1));
        out.extend_from_slice(product.get());
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
