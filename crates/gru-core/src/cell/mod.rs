//! Recurrent cells. A cell's *one step* is the primitive (candle-nn `rnn.rs`): `forward` maps
//! `(x_t, s_{t−1}) → s_t` for a batch and records every intermediate in a per-step cache;
//! `backward` sits beside it and consumes that cache; `jacobian` gives ∂s_t/∂s_{t−1} exactly.
//! Unrolling over time lives in [`crate::model`].
//!
//! Layout conventions (row vectors, batch-major, all row-major):
//! `x` is `(B, I)`, a state `s` is `(B, S)` with the hidden state `h` in its first `H` columns
//! (`S = H`, or `2H` for the LSTM's `[h, c]`), a cache is `(B, C)` per step.
//!
//! A cell is one file: its sizes and parameter blocks ([`CellShape`], written once as the
//! cell's `specs()` and cut with [`crate::params::split`]), and its math ([`Cell`]). What all
//! cells share — the recurrent-dropout mask on `h_{t−1}` and the backward of an affine map —
//! is in `step.rs`.

mod any;
#[cfg(test)]
pub(crate) mod check;
mod gru;
mod gru_jacobian;
mod gru_torch;
mod lstm;
mod rnn;
pub(crate) mod step;
mod surgery;

pub use any::AnyCell;
pub use gru::Gru;
pub use gru_torch::GruTorch;
pub use lstm::Lstm;
pub use rnn::{Nonlinearity, Rnn};
pub use surgery::{Carry, GateMode, Surgery};

use serde::{Deserialize, Serialize};

use crate::params::BlockSpec;
use crate::Real;

/// Which recurrent cell a layer uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CellKind {
    /// GRU in the app's formulation (reset before `U_h`, `h' = (1−z)h + z h̃`).
    Gru,
    /// `torch.nn.GRU` (reset after `W_hn`, two biases), gates reported with `z = 1 − z'`.
    GruTorch,
    /// `torch.nn.LSTM`.
    Lstm,
    /// `torch.nn.RNN` with tanh.
    RnnTanh,
    /// `torch.nn.RNN` with ReLU.
    RnnRelu,
}

impl CellKind {
    /// Short label shown in the app ("GRU", "LSTM", "RNN").
    pub fn label(self) -> &'static str {
        match self {
            CellKind::Gru => "GRU",
            CellKind::GruTorch => "GRU (PyTorch)",
            CellKind::Lstm => "LSTM",
            CellKind::RnnTanh => "RNN",
            CellKind::RnnRelu => "ReLU RNN",
        }
    }

    /// Gate blocks `G`, each a `W (I, H)` and a `U (H, H)`: 3 for the GRUs, 4 for the LSTM, 1
    /// for the RNN.
    pub fn gate_blocks(self) -> usize {
        match self {
            CellKind::Gru | CellKind::GruTorch => 3,
            CellKind::Lstm => 4,
            CellKind::RnnTanh | CellKind::RnnRelu => 1,
        }
    }

    /// Bias vectors per gate block: 1 for the app's GRU (its reset acts before `U_h`, so a
    /// second bias on `U_h h` would only add to the first), PyTorch's 2 (`b_ih`, `b_hh`) for
    /// the others.
    pub fn bias_vectors(self) -> usize {
        match self {
            CellKind::Gru => 1,
            CellKind::GruTorch | CellKind::Lstm | CellKind::RnnTanh | CellKind::RnnRelu => 2,
        }
    }

    /// Weights of one layer, one direction, with `input` inputs: `G·(I + H + n_b)·H`.
    pub fn layer_params(self, input: usize, hidden: usize) -> usize {
        self.gate_blocks() * (input + hidden + self.bias_vectors()) * hidden
    }
}

/// What one step reads besides its cache, bundled because it travels together: the cell's
/// parameters, the batch and the state the step starts from. All borrows, so it is `Copy`.
#[derive(Clone, Copy)]
pub struct StepIn<'a, T> {
    /// This cell's parameters θ, in its block order.
    pub p: &'a [T],
    /// Batch size `B` (1 for [`Cell::jacobian`]).
    pub b: usize,
    /// `x_t (B, I)`. Not read by [`Cell::forward_projected`] and [`Cell::backward_deferred`]
    /// (their `pre`/`dpre` stand for it), so it may be empty there.
    pub x: &'a [T],
    /// `s_{t−1} (B, S)`.
    pub s_prev: &'a [T],
    /// The recurrent-dropout mask `(B, H)` applied to `h_{t−1}` on its way into the recurrent
    /// weights (Gal & Ghahramani), when given; the additive/identity paths use `h_{t−1}`.
    pub mask: Option<&'a [T]>,
}

/// What one forward step writes: `s_t (B, S)`, the cache `(B, C)`, and its scratch (at
/// least `B ·` [`CellShape::scratch_size`] values).
pub struct StepOut<'a, T> {
    /// `s_t (B, S)`.
    pub s: &'a mut [T],
    /// The step's cache `(B, C)`.
    pub cache: &'a mut [T],
    /// Scratch.
    pub scratch: &'a mut [T],
}

/// Arguments of one backward step, bundled because they travel together.
pub struct StepGrad<'a, T> {
    /// dL/ds_t `(B, S)`, everything that flows into the state produced by this step.
    pub ds: &'a [T],
    /// dL/dθ of this cell, accumulated (`+=`), in the cell's block order.
    pub dp: &'a mut [T],
    /// dL/dx_t `(B, I)`, accumulated; `None` when nobody needs it (first layer in training).
    pub dx: Option<&'a mut [T]>,
    /// dL/ds_{t−1} `(B, S)`, accumulated.
    pub ds_prev: &'a mut [T],
    /// The cell's input and recurrent weight blocks transposed ([`Cell::transpose_weights`] of
    /// the step's `p`; at least [`CellShape::transposed_size`] values).
    pub wt: &'a [T],
}

/// Arguments of one deferred backward step ([`Cell::backward_deferred`]): as [`StepGrad`],
/// with dL/dpre written out in place of dL/dθ.
pub struct DeferredGrad<'a, T> {
    /// dL/ds_t `(B, S)`.
    pub ds: &'a [T],
    /// dL/ds_{t−1} `(B, S)`, accumulated.
    pub ds_prev: &'a mut [T],
    /// dL/dx_t `(B, I)`, accumulated, when wanted.
    pub dx: Option<&'a mut [T]>,
    /// dL/dpre `(B, G')`, written.
    pub dpre: &'a mut [T],
    /// As [`StepGrad::wt`].
    pub wt: &'a [T],
}

/// Output buffers of a GRU's one-step Jacobian split (one sample, app convention)
/// `J_t = ∂h_t/∂h_{t−1} = A_t + B_t + C_t`, from `h_t = (1 − z_t) ⊙ h_{t−1} + z_t ⊙ h̃_t`:
/// see [`Gru::jacobian_terms`] and [`GruTorch::jacobian_terms`].
pub struct JacobianTerms<'a, T> {
    /// `(H)`: the diagonal of `A_t = diag(1 − z_t)`, the carry path.
    pub a: &'a mut [T],
    /// `(H, H)`: `B_t = diag(z_t)·∂h̃_t/∂h_{t−1}`, through the candidate.
    pub b: &'a mut [T],
    /// `(H, H)`: `C_t = diag(h̃_t − h_{t−1})·∂z_t/∂h_{t−1}`, through the update gate (the term
    /// the textbook `∂h_t/∂h_{t−1} ≈ diag(1 − z) + diag(z)·∂h̃/∂h` leaves out).
    pub c: &'a mut [T],
}

/// Sizes and parameter blocks of a cell: everything that does not depend on the scalar type,
/// so callers write `cell.state_size()` whatever `T` they run in.
pub trait CellShape {
    /// Input size `I`.
    fn input_size(&self) -> usize;
    /// Hidden size `H`.
    fn hidden_size(&self) -> usize;
    /// State size `S` (`H`, or `2H` for `[h, c]`).
    fn state_size(&self) -> usize {
        self.hidden_size()
    }
    /// Scalars cached per sample per step.
    fn cache_size(&self) -> usize;
    /// Scratch scalars needed per sample by `forward`/`backward`.
    fn scratch_size(&self) -> usize;
    /// Scratch scalars needed by [`Cell::jacobian`] (one sample).
    fn jacobian_scratch_size(&self) -> usize {
        0
    }
    /// Parameter blocks, in storage order, with their local names and roles.
    fn blocks(&self) -> Vec<BlockSpec>;
    /// Values in the cell's input and recurrent weight blocks (roles [`BlockRole::Input`],
    /// [`BlockRole::Recurrent`]): the size of [`Cell::transpose_weights`]'s output. Allocates
    /// nothing (the workspace asks on every pass).
    fn transposed_size(&self) -> usize;
    /// Names of the gate vectors stored at the start of each cache row, `H` values each, in
    /// the app's convention (GRU: `z`, `r`, `h_tilde`).
    fn gate_names(&self) -> &'static [&'static str];
}

/// One recurrent cell's math: one forward step, its backward, its Jacobian.
pub trait Cell<T: Real>: CellShape {
    /// One step for a batch of `a.b` samples: writes `s (B,S)` and `cache (B,C)`.
    fn forward(&self, a: StepIn<'_, T>, out: StepOut<'_, T>);

    /// The input projection that starts this cell's step, when it has one: pre-activations
    /// `(B, G) = b + x W` with `W (I, G)` and `b (G)` in its parameters. The model then computes
    /// it for all `T` steps in one product and calls [`Cell::forward_projected`].
    fn input_projection(&self) -> Option<InputProjection> {
        None
    }

    /// [`Cell::forward`] given `pre (B, G) = b + x_t W` (see [`Cell::input_projection`]), which
    /// the step overwrites; `a.x` is not read. Bit-identical to `forward`. Only called when
    /// `input_projection` is `Some`; the default does nothing.
    fn forward_projected(&self, _a: StepIn<'_, T>, _pre: &mut [T], _out: StepOut<'_, T>) {
        debug_assert!(false, "forward_projected without an input projection");
    }

    /// Backward of one step *without* the weight-gradient products, for the same inputs and
    /// cache as [`Cell::backward`] (no recurrent mask: `a.mask` is `None`; `a.x` is not read):
    /// adds dL/ds_{t−1} (and dL/dx_t) and writes dL/dpre `(B, G')` (`G'` =
    /// [`InputProjection::grad_width`]), which [`Cell::weight_grads`] turns into dL/dθ for all
    /// steps in one product. Only called when `input_projection` is `Some`; the default does
    /// nothing.
    fn backward_deferred(
        &self,
        _a: StepIn<'_, T>,
        _cache: &[T],
        _g: DeferredGrad<'_, T>,
        _scratch: &mut [T],
    ) {
        debug_assert!(false, "backward_deferred without an input projection");
    }

    /// dL/dθ += the weight-gradient products of `n` rows at once (all steps × batch, in
    /// storage order): inputs `x (n, I)`, previous states `s_prev (n, S)`, caches `(n, C)` and
    /// the `dpre (n, G')` written by [`Cell::backward_deferred`]. The default does nothing.
    fn weight_grads(
        &self,
        _n: usize,
        _x: &[T],
        _s_prev: &[T],
        _cache: &[T],
        _dpre: &[T],
        _dp: &mut [T],
    ) {
        debug_assert!(false, "weight_grads without an input projection");
    }

    /// Writes each weight block of `p` (`W (I, G)`, `U (H, k)`) transposed, `Wᵀ (G, I)`,
    /// `Uᵀ (k, H)`, one after the other in block order, into `wt` (at least
    /// [`CellShape::transposed_size`] values). The backward pass does this once (the weights do
    /// not change within it), so every step's `dpre · Uᵀ` and `dpre · Wᵀ` is a plain product:
    /// the outer-product kernel, which ends in no horizontal sums (the dot kernel a transposed
    /// operand needs ends each output in one).
    fn transpose_weights(&self, p: &[T], wt: &mut [T]);

    /// Backward of [`Cell::forward`] for the same inputs and cache.
    fn backward(&self, a: StepIn<'_, T>, cache: &[T], g: StepGrad<'_, T>, scratch: &mut [T]);

    /// ∂s_t/∂s_{t−1} `(S, S)` for one sample (`a.b = 1`: `x (I)`, `s_prev (S)`, its cache
    /// row), written into `out`; `J[i][j] = ∂s_t[i]/∂s_{t−1}[j]`. `scratch` holds at least
    /// [`CellShape::jacobian_scratch_size`] values.
    fn jacobian(&self, a: StepIn<'_, T>, cache: &[T], out: &mut [T], scratch: &mut [T]);

    /// The diagonal `(S)` of the "additive path" of the one-step Jacobian — GRU `1 − z` on the
    /// `h → h` block, LSTM `f` on the `c → c` block (zeros on `h`) — written into `out`.
    /// Returns `false` (and leaves `out` alone) for cells without one (RNN).
    fn additive_diag(&self, cache: &[T], out: &mut [T]) -> bool;

    /// Writes the initial gate biases the cell's [`Surgery`] asks for (`update_bias`,
    /// `forget_bias`) into its freshly initialised parameters `p`; other values are kept.
    fn init_gate_biases(&self, _p: &mut [T]) {}
}

/// Where a cell's input projection `b + x W` lives in its parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InputProjection {
    /// Offset of `W (I, G)`, row-major.
    pub w: usize,
    /// Offset of `b (G)`.
    pub b: usize,
    /// Offset of a second bias `(G)` the cell adds to `b` before the product (PyTorch's
    /// `b_hh` in cells whose step starts from `b_ih + b_hh`), if any.
    pub b2: Option<usize>,
    /// Width `G` (e.g. `3H` for the GRU).
    pub width: usize,
    /// Width `G'` of the dL/dpre rows [`Cell::backward_deferred`] writes (`≥ G`): `G`, or more
    /// when the weight gradients need a further product (`GruTorch`: `dpre_n ⊙ r` for `U_n`).
    pub grad_width: usize,
}
