//! [`AnyCell`]: a cell of any kind, dispatching statically by `match`.

use super::{
    Cell, CellKind, CellShape, DeferredGrad, Gru, GruTorch, InputProjection, Lstm, Nonlinearity,
    Rnn, StepGrad, StepIn, StepOut, Surgery,
};
use crate::params::BlockSpec;
use crate::Real;

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
    /// The same cell with `surgery` applied (the RNN has no gates and ignores it).
    pub fn with_surgery(self, surgery: Surgery) -> Self {
        match self {
            AnyCell::Gru(c) => AnyCell::Gru(c.with_surgery(surgery)),
            AnyCell::GruTorch(c) => AnyCell::GruTorch(c.with_surgery(surgery)),
            AnyCell::Lstm(c) => AnyCell::Lstm(c.with_surgery(surgery)),
            AnyCell::Rnn(c) => AnyCell::Rnn(c),
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

impl CellShape for AnyCell {
    fn input_size(&self) -> usize {
        dispatch!(self, c => c.input_size())
    }
    fn hidden_size(&self) -> usize {
        dispatch!(self, c => c.hidden_size())
    }
    fn state_size(&self) -> usize {
        dispatch!(self, c => c.state_size())
    }
    fn cache_size(&self) -> usize {
        dispatch!(self, c => c.cache_size())
    }
    fn scratch_size(&self) -> usize {
        dispatch!(self, c => c.scratch_size())
    }
    fn jacobian_scratch_size(&self) -> usize {
        dispatch!(self, c => c.jacobian_scratch_size())
    }
    fn blocks(&self) -> Vec<BlockSpec> {
        dispatch!(self, c => c.blocks())
    }
    fn transposed_size(&self) -> usize {
        dispatch!(self, c => c.transposed_size())
    }
    fn gate_names(&self) -> &'static [&'static str] {
        dispatch!(self, c => c.gate_names())
    }
}

impl<T: Real> Cell<T> for AnyCell {
    fn forward(&self, a: StepIn<'_, T>, out: StepOut<'_, T>) {
        dispatch!(self, c => c.forward(a, out))
    }
    fn input_projection(&self) -> Option<InputProjection> {
        dispatch!(self, c => Cell::<T>::input_projection(c))
    }
    fn forward_projected(&self, a: StepIn<'_, T>, pre: &mut [T], out: StepOut<'_, T>) {
        dispatch!(self, c => c.forward_projected(a, pre, out))
    }
    fn backward_deferred(
        &self,
        a: StepIn<'_, T>,
        cache: &[T],
        g: DeferredGrad<'_, T>,
        scratch: &mut [T],
    ) {
        dispatch!(self, c => c.backward_deferred(a, cache, g, scratch))
    }
    fn weight_grads(&self, n: usize, x: &[T], s_prev: &[T], cache: &[T], dpre: &[T], dp: &mut [T]) {
        dispatch!(self, c => c.weight_grads(n, x, s_prev, cache, dpre, dp))
    }
    fn transpose_weights(&self, p: &[T], wt: &mut [T]) {
        dispatch!(self, c => c.transpose_weights(p, wt))
    }
    fn backward(&self, a: StepIn<'_, T>, cache: &[T], g: StepGrad<'_, T>, scratch: &mut [T]) {
        dispatch!(self, c => c.backward(a, cache, g, scratch))
    }
    fn jacobian(&self, a: StepIn<'_, T>, cache: &[T], out: &mut [T], scratch: &mut [T]) {
        dispatch!(self, c => c.jacobian(a, cache, out, scratch))
    }
    fn additive_diag(&self, cache: &[T], out: &mut [T]) -> bool {
        dispatch!(self, c => c.additive_diag(cache, out))
    }
    fn init_gate_biases(&self, p: &mut [T]) {
        dispatch!(self, c => c.init_gate_biases(p))
    }
}
