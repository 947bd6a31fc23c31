//! Toy sequence tasks: data generators with their analytic baselines and difficulty knobs.
//!
//! Every task writes batches in place ([`Batch`], time-major `x (T, B, I)`), so training
//! reuses the same buffers. Train and validation data come from separate seeded streams.

mod adding;
mod config;
mod copy_memory;
mod fixed;
mod latch;
mod lookahead;
mod mulberry;
mod parity;
mod sine;
mod temporal_order;

pub use adding::AddingTask;
pub use config::{default_lookahead_ahead, TaskConfig};
pub use copy_memory::CopyMemoryTask;
pub use fixed::{FixedSet, FIXED_SET_RANGE};
pub use latch::LatchTask;
pub use lookahead::{LookaheadTask, MAX_AHEAD};
pub use mulberry::Mulberry32;
pub use parity::ParityTask;
pub use sine::SineTask;
pub use temporal_order::TemporalOrderTask;

use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::loss::{LossKind, Targets};
use crate::model::Readout;
use crate::Real;

/// The longest sequence any task draws, in steps (a copy-memory task's `2n + delay + 1`
/// included): what bounds a length knob (`TaskConfig::knob_range`) and every task's check.
pub const MAX_SEQ_LEN: usize = 2000;

/// A batch of sequences: inputs, targets and optional per-row loss weights.
#[derive(Clone, Debug, PartialEq)]
pub struct Batch<T> {
    /// Steps `T`.
    pub t: usize,
    /// Sequences `B`.
    pub b: usize,
    /// Inputs `(T, B, I)`, time-major.
    pub x: Vec<T>,
    /// Targets, `(R, B, ·)` rows in the head's readout order.
    pub targets: Targets<T>,
    /// Per-row weights `(R, B)`, `None` = every row scored.
    pub weights: Option<Vec<T>>,
}

impl<T: Real> Batch<T> {
    /// Sets the sizes and zeroes `x` to `n` values (`T · B · I`), keeping its allocation.
    pub(crate) fn reset_inputs(&mut self, t: usize, b: usize, n: usize) {
        self.t = t;
        self.b = b;
        self.x.clear();
        self.x.resize(n, T::zero());
    }

    /// An empty batch (buffers grow on first fill and are reused after).
    pub fn empty() -> Self {
        Self {
            t: 0,
            b: 0,
            x: Vec::new(),
            targets: Targets::Values(Vec::new()),
            weights: None,
        }
    }
}

/// The loss of the best input-independent prediction (and chance accuracy, where defined):
/// the line a model has to get below to have learnt anything.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Baseline {
    /// Loss of the best constant output.
    pub loss: f64,
    /// Accuracy of guessing, for classification tasks.
    pub accuracy: Option<f64>,
}

/// A ready task generator.
#[derive(Clone, Debug, PartialEq)]
pub enum Task {
    /// Adding problem.
    Adding(AddingTask),
    /// Copy memory.
    CopyMemory(CopyMemoryTask),
    /// Temporal order.
    TemporalOrder(TemporalOrderTask),
    /// Latch.
    Latch(LatchTask),
    /// Parity.
    Parity(ParityTask),
    /// Sine prediction.
    Sine(SineTask),
    /// Lookahead.
    Lookahead(LookaheadTask),
}

macro_rules! each {
    ($self:ident, $t:ident => $e:expr) => {
        match $self {
            Task::Adding($t) => $e,
            Task::CopyMemory($t) => $e,
            Task::TemporalOrder($t) => $e,
            Task::Latch($t) => $e,
            Task::Parity($t) => $e,
            Task::Sine($t) => $e,
            Task::Lookahead($t) => $e,
        }
    };
}

impl Task {
    /// Input channels `I`.
    pub fn input_size(&self) -> usize {
        each!(self, t => t.input_size())
    }
    /// Head outputs `O` (classes for classification).
    pub fn output_size(&self) -> usize {
        each!(self, t => t.output_size())
    }
    /// Sequence length `T`.
    pub fn seq_len(&self) -> usize {
        each!(self, t => t.seq_len())
    }
    /// Loss the task is trained with.
    pub fn loss(&self) -> LossKind {
        each!(self, t => t.loss())
    }
    /// Where the head reads.
    pub fn readout(&self) -> Readout {
        each!(self, t => t.readout())
    }
    /// Loss of the best constant prediction, and chance accuracy.
    pub fn baseline(&self) -> Baseline {
        each!(self, t => t.baseline())
    }
    /// Overwrites `batch` with `b` fresh sequences drawn from `rng`.
    pub fn fill<T: Real>(&self, rng: &mut ChaCha8Rng, b: usize, batch: &mut Batch<T>) {
        each!(self, t => t.fill(rng, b, batch))
    }
}

/// Makes `targets` a `Values` buffer of `n` zeros, reusing its allocation.
pub(crate) fn values_buf<T: Real>(targets: &mut Targets<T>, n: usize) -> &mut Vec<T> {
    if !matches!(targets, Targets::Values(_)) {
        *targets = Targets::Values(Vec::new());
    }
    match targets {
        Targets::Values(v) => {
            v.clear();
            v.resize(n, T::zero());
            v
        }
        Targets::Classes(_) => unreachable!("set to Values above"),
    }
}

/// Makes `targets` a `Classes` buffer of `n` zeros, reusing its allocation.
pub(crate) fn classes_buf<T: Real>(targets: &mut Targets<T>, n: usize) -> &mut Vec<usize> {
    if !matches!(targets, Targets::Classes(_)) {
        *targets = Targets::Classes(Vec::new());
    }
    match targets {
        Targets::Classes(v) => {
            v.clear();
            v.resize(n, 0);
            v
        }
        Targets::Values(_) => unreachable!("set to Classes above"),
    }
}

#[cfg(test)]
mod tests;
