//! Exact gradient-flow analysis of one sequence: the one-step Jacobians
//! `J_s = ∂s_s/∂s_{s−1}`, their norms, the split into the additive path and the rest, the
//! products `∂h_t/∂h_{t−k} = J_t J_{t−1} ⋯ J_{t−k+1}`, the full lag × time map of their norms
//! and the gradient curve `‖∂L/∂h_t‖`. This is what the app animates.
//!
//! Everything here works on a [`Workspace`](crate::model::Workspace) already filled by
//! [`forward`](crate::model::forward) (and, for gradients, [`backward`](crate::model::backward)),
//! for one cell slot (layer, direction) and one sample of the batch ([`CellSel`]). The model
//! may be `f32` or `f64`; every result is `f64` (parameters, states and caches are widened
//! before the Jacobians are formed, so products of many steps are accumulated in `f64`).
//!
//! **Step numbering** follows the chain of states a slot computes, in processing order:
//! step `s` (1..=T) maps state `s_{s−1}` to `s_s`, and `s_0` is the initial state. For the
//! forward direction step `s` reads `x[s−1]`; for the backward direction of a bidirectional
//! layer it reads `x[T−s]` (time runs right to left), so "lag k" always means k steps of
//! recurrence.
//!
//! Matrices are `f64`, row-major, `J[i][j] = ∂out_i/∂in_j`, stored flat as `(S, S)`; a stack
//! of `n` of them is `(n, S, S)`. The state `s` is `h` (`S = H`) or, for the LSTM, `[h, c]`
//! (`S = 2H`); [`Part`] picks a block of such a map.

mod anatomy;
#[cfg(test)]
mod anatomy_tests;
mod grad;
mod jacobian;
mod lagmap;
#[cfg(test)]
mod lagmap_tests;
mod norms;
mod products;
mod sequence;
#[cfg(test)]
mod tests;
mod tracing;
#[cfg(test)]
mod tracing_tests;

pub use anatomy::{anatomy, Anatomy, GruTermMatrices, GruTerms, LstmCarry, RnnSlope};
pub use grad::{hidden_grad_norms, state_grads};
pub use jacobian::{gates_in_order, states_in_order, step_jacobians, StepJacobians};
pub use lagmap::{
    lag_time_map, lag_time_map_direct, lag_time_map_into, LagTimeMap, ProductScratch,
};
pub use norms::{
    block, diag_norms, frobenius, norms_of, one_step_norms, spectral_norm, Norms, OneStepNorms,
};
pub use products::{jacobian_products, products_at, Products};
pub use sequence::{cell_trace, run_and_trace, Backward, CellTrace};
pub use tracing::{Progress, Tracing};

/// Which cell of a model, and which sample of the batch, to analyse.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CellSel {
    /// Layer index (0 = the one reading the input).
    pub layer: usize,
    /// Direction index: 0 forward, 1 backward (bidirectional models only).
    pub dir: usize,
    /// Sample (row) of the batch.
    pub sample: usize,
}

/// A square block of a state-to-state map `(S, S)`. With `S = H` (GRU, RNN) every part is the
/// whole map; for the LSTM (`s = [h, c]`, `S = 2H`) the parts are its four `H × H` blocks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Part {
    /// The whole `(S, S)` map of the state (LSTM: `∂[h; c]/∂[h; c]`).
    State,
    /// `∂h/∂h` (LSTM: with `c` of the earlier step held fixed). The default.
    #[default]
    Hh,
    /// `∂h/∂c` (LSTM only).
    Hc,
    /// `∂c/∂h` (LSTM only).
    Ch,
    /// `∂c/∂c` (LSTM only; its additive path is `diag(f)`).
    Cc,
}

impl Part {
    /// `(first row, first column, size)` of the block inside an `(S, S)` map whose state holds
    /// `h` in its first `hidden` entries. `None` for a `c` block of a state without `c`.
    pub fn window(self, hidden: usize, state: usize) -> Option<(usize, usize, usize)> {
        let has_c = state >= 2 * hidden && hidden > 0;
        match self {
            Part::State => Some((0, 0, state)),
            Part::Hh => Some((0, 0, hidden)),
            Part::Hc if has_c => Some((0, hidden, hidden)),
            Part::Ch if has_c => Some((hidden, 0, hidden)),
            Part::Cc if has_c => Some((hidden, hidden, hidden)),
            _ => None,
        }
    }

    /// True for blocks on the diagonal of the map (where an additive path can live).
    pub fn is_diagonal(self) -> bool {
        matches!(self, Part::State | Part::Hh | Part::Cc)
    }
}
