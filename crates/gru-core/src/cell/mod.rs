//! Recurrent cells. A cell's *one step* is the primitive (candle-nn `rnn.rs`): `forward` maps
//! `(x_t, s_{t−1}) → s_t` for a batch and records every intermediate in a per-step cache;
//! `backward` sits beside it and consumes that cache; `jacobian` gives ∂s_t/∂s_{t−1} exactly.
//! Unrolling over time lives in [`crate::model`].
//!
//! Layout conventions (row vectors, batch-major, all row-major):
//! `x` is `(B, I)`, a state `s` is `(B, S)` with the hidden state `h` in its first `H` columns
//! (`S = H`, or `2H` for the LSTM's `[h, c]`), a cache is `(B, C)` per step.

#[cfg(test)]
pub(crate) mod check;
mod gru;
mod gru_torch;
mod lstm;
mod rnn;

pub use gru::Gru;
pub use gru_torch::GruTorch;
pub use lstm::Lstm;
pub use rnn::{Nonlinearity, Rnn};

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
}

/// One recurrent cell: shapes, parameter blocks, one forward step, its backward, its Jacobian.
pub trait Cell<T: Real> {
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
    /// Parameter blocks, in storage order, with their local names.
    fn blocks(&self) -> Vec<BlockSpec>;
    /// Names of the gate vectors stored at the start of each cache row, `H` values each, in
    /// the app's convention (GRU: `z`, `r`, `h_tilde`).
    fn gate_names(&self) -> &'static [&'static str];

    /// One step for a batch of `b` samples: writes `s (B,S)` and `cache (B,C)`.
    /// `mask (B,H)`, when given, is the recurrent-dropout mask applied to `h_{t−1}` on its way
    /// into the recurrent weights (Gal & Ghahramani); the additive/identity paths use `h_{t−1}`.
    #[allow(clippy::too_many_arguments)]
    fn forward(
        &self,
        p: &[T],
        b: usize,
        x: &[T],
        s_prev: &[T],
        mask: Option<&[T]>,
        s: &mut [T],
        cache: &mut [T],
        scratch: &mut [T],
    );

    /// The input projection that starts this cell's step, when it has one: pre-activations
    /// `(B, G) = b + x W` with `W (I, G)` and `b (G)` in its parameters. The model then computes
    /// it for all `T` steps in one product and calls [`Cell::forward_projected`].
    fn input_projection(&self) -> Option<InputProjection> {
        None
    }

    /// [`Cell::forward`] given `pre (B, G) = b + x_t W` (see [`Cell::input_projection`]), which
    /// the step overwrites. Bit-identical to `forward`. Only called when `input_projection` is
    /// `Some`; the default does nothing.
    #[allow(clippy::too_many_arguments)]
    fn forward_projected(
        &self,
        _p: &[T],
        _b: usize,
        _pre: &mut [T],
        _s_prev: &[T],
        _mask: Option<&[T]>,
        _s: &mut [T],
        _cache: &mut [T],
        _scratch: &mut [T],
    ) {
        debug_assert!(false, "forward_projected without an input projection");
    }

    /// Backward of one step *without* the weight-gradient products, for the same inputs and
    /// cache as [`Cell::backward`] (no recurrent mask): adds dL/ds_{t−1} (and dL/dx_t) and
    /// writes dL/dpre `(B, G)` into `dpre`, which [`Cell::weight_grads`] turns into dL/dθ for
    /// all steps in one product. Only called when `input_projection` is `Some`; the default
    /// does nothing.
    #[allow(clippy::too_many_arguments)]
    fn backward_deferred(
        &self,
        _p: &[T],
        _b: usize,
        _s_prev: &[T],
        _cache: &[T],
        _ds: &[T],
        _ds_prev: &mut [T],
        _dx: Option<&mut [T]>,
        _dpre: &mut [T],
        _scratch: &mut [T],
    ) {
        debug_assert!(false, "backward_deferred without an input projection");
    }

    /// dL/dθ += the weight-gradient products of `n` rows at once (all steps × batch, in
    /// storage order): inputs `x (n, I)`, previous states `s_prev (n, S)`, caches `(n, C)` and
    /// the `dpre (n, G)` written by [`Cell::backward_deferred`]. The default does nothing.
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

    /// Backward of [`Cell::forward`] for the same inputs and cache.
    #[allow(clippy::too_many_arguments)]
    fn backward(
        &self,
        p: &[T],
        b: usize,
        x: &[T],
        s_prev: &[T],
        mask: Option<&[T]>,
        cache: &[T],
        g: StepGrad<'_, T>,
        scratch: &mut [T],
    );

    /// ∂s_t/∂s_{t−1} `(S, S)` for one sample (`x (I)`, `s_prev (S)`, its cache row), written
    /// into `out`; `J[i][j] = ∂s_t[i]/∂s_{t−1}[j]`. `scratch` holds at least `2·S·S + 4·S` values.
    fn jacobian(
        &self,
        p: &[T],
        x: &[T],
        s_prev: &[T],
        mask: Option<&[T]>,
        cache: &[T],
        out: &mut [T],
        scratch: &mut [T],
    );

    /// The "additive path" of the one-step Jacobian as a diagonal `(S)`: GRU `1 − z`, LSTM
    /// `f` on the `c` block; `None` for cells without one (RNN).
    fn additive_diag(&self, cache: &[T], out: &mut [T]) -> bool;
}

/// Where a cell's input projection `b + x W` lives in its parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InputProjection {
    /// Offset of `W (I, G)`, row-major.
    pub w: usize,
    /// Offset of `b (G)`.
    pub b: usize,
    /// Width `G` (e.g. `3H` for the GRU).
    pub width: usize,
}

/// `hm (B, H) = h_{t−1} ⊙ mask` for the recurrent-dropout path, written into `buf`, or
/// `h_{t−1}` itself without a mask; returned with its row stride (`H`, or `ld` of the state).
pub(crate) fn masked_h<'a, T: Real>(
    s_prev: &'a [T],
    ld: usize,
    h: usize,
    b: usize,
    mask: Option<&[T]>,
    buf: &'a mut [T],
) -> (&'a [T], usize) {
    match mask {
        None => (s_prev, ld),
        Some(m) => {
            for row in 0..b {
                for j in 0..h {
                    buf[row * h + j] = s_prev[row * ld + j] * m[row * h + j];
                }
            }
            (&buf[..b * h], h)
        }
    }
}

/// A cell of any kind, dispatching statically by `match`.
#[derive(Clone, Debug, PartialEq)]
pub enum AnyCell {
    /// App-formulation GRU.
    Gru(Gru),
    /// PyTorch GRU.
    GruTorch(GruTorch),
    /// LSTM.
    Lstm(Lstm),
    /// Elman RNN.
    Rnn(Rnn),
}

impl AnyCell {
    /// A cell of `kind` with input size `input` and hidden size `hidden`.
    pub fn new(kind: CellKind, input: usize, hidden: usize) -> Self {
        match kind {
            CellKind::Gru => AnyCell::Gru(Gru::new(input, hidden)),
            CellKind::GruTorch => AnyCell::GruTorch(GruTorch::new(input, hidden)),
            CellKind::Lstm => AnyCell::Lstm(Lstm::new(input, hidden)),
            CellKind::RnnTanh => AnyCell::Rnn(Rnn::new(input, hidden, Nonlinearity::Tanh)),
            CellKind::RnnRelu => AnyCell::Rnn(Rnn::new(input, hidden, Nonlinearity::Relu)),
        }
    }
    /// The kind of this cell.
    pub fn kind(&self) -> CellKind {
        match self {
            AnyCell::Gru(_) => CellKind::Gru,
            AnyCell::GruTorch(_) => CellKind::GruTorch,
            AnyCell::Lstm(_) => CellKind::Lstm,
            AnyCell::Rnn(c) => match c.nonlinearity {
                Nonlinearity::Tanh => CellKind::RnnTanh,
                Nonlinearity::Relu => CellKind::RnnRelu,
            },
        }
    }
}

macro_rules! dispatch {
    ($self:ident, $c:ident => $e:expr) => {
        match $self {
            AnyCell::Gru($c) => $e,
            AnyCell::GruTorch($c) => $e,
            AnyCell::Lstm($c) => $e,
            AnyCell::Rnn($c) => $e,
        }
    };
}

impl<T: Real> Cell<T> for AnyCell {
    fn input_size(&self) -> usize {
        dispatch!(self, c => Cell::<T>::input_size(c))
    }
    fn hidden_size(&self) -> usize {
        dispatch!(self, c => Cell::<T>::hidden_size(c))
    }
    fn state_size(&self) -> usize {
        dispatch!(self, c => Cell::<T>::state_size(c))
    }
    fn cache_size(&self) -> usize {
        dispatch!(self, c => Cell::<T>::cache_size(c))
    }
    fn scratch_size(&self) -> usize {
        dispatch!(self, c => Cell::<T>::scratch_size(c))
    }
    fn blocks(&self) -> Vec<BlockSpec> {
        dispatch!(self, c => Cell::<T>::blocks(c))
    }
    fn gate_names(&self) -> &'static [&'static str] {
        dispatch!(self, c => Cell::<T>::gate_names(c))
    }
    fn forward(
        &self,
        p: &[T],
        b: usize,
        x: &[T],
        s_prev: &[T],
        mask: Option<&[T]>,
        s: &mut [T],
        cache: &mut [T],
        scratch: &mut [T],
    ) {
        dispatch!(self, c => c.forward(p, b, x, s_prev, mask, s, cache, scratch))
    }
    fn input_projection(&self) -> Option<InputProjection> {
        dispatch!(self, c => Cell::<T>::input_projection(c))
    }
    fn forward_projected(
        &self,
        p: &[T],
        b: usize,
        pre: &mut [T],
        s_prev: &[T],
        mask: Option<&[T]>,
        s: &mut [T],
        cache: &mut [T],
        scratch: &mut [T],
    ) {
        dispatch!(self, c => c.forward_projected(p, b, pre, s_prev, mask, s, cache, scratch))
    }
    fn backward_deferred(
        &self,
        p: &[T],
        b: usize,
        s_prev: &[T],
        cache: &[T],
        ds: &[T],
        ds_prev: &mut [T],
        dx: Option<&mut [T]>,
        dpre: &mut [T],
        scratch: &mut [T],
    ) {
        dispatch!(self, c => c.backward_deferred(p, b, s_prev, cache, ds, ds_prev, dx, dpre, scratch))
    }
    fn weight_grads(&self, n: usize, x: &[T], s_prev: &[T], cache: &[T], dpre: &[T], dp: &mut [T]) {
        dispatch!(self, c => c.weight_grads(n, x, s_prev, cache, dpre, dp))
    }
    fn backward(
        &self,
        p: &[T],
        b: usize,
        x: &[T],
        s_prev: &[T],
        mask: Option<&[T]>,
        cache: &[T],
        g: StepGrad<'_, T>,
        scratch: &mut [T],
    ) {
        dispatch!(self, c => c.backward(p, b, x, s_prev, mask, cache, g, scratch))
    }
    fn jacobian(
        &self,
        p: &[T],
        x: &[T],
        s_prev: &[T],
        mask: Option<&[T]>,
        cache: &[T],
        out: &mut [T],
        scratch: &mut [T],
    ) {
        dispatch!(self, c => c.jacobian(p, x, s_prev, mask, cache, out, scratch))
    }
    fn additive_diag(&self, cache: &[T], out: &mut [T]) -> bool {
        dispatch!(self, c => Cell::<T>::additive_diag(c, cache, out))
    }
}
