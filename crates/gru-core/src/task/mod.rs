//! Toy sequence tasks: data generators with their analytic baselines and difficulty knobs.
//!
//! Every task writes batches in place ([`Batch`], time-major `x (T, B, I)`), so training
//! reuses the same buffers. Train and validation data come from separate seeded streams.

mod adding;
mod copy_memory;
mod fixed;
mod latch;
mod lookahead;
mod mulberry;
mod parity;
mod sine;
mod temporal_order;

pub use adding::AddingTask;
pub use copy_memory::CopyMemoryTask;
pub use fixed::{FixedSet, FIXED_SET_RANGE};
pub use latch::LatchTask;
pub use lookahead::{LookaheadTask, MAX_AHEAD};
pub use mulberry::Mulberry32;
pub use parity::ParityTask;
pub use sine::SineTask;
pub use temporal_order::TemporalOrderTask;

use std::ops::RangeInclusive;

use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::loss::{LossKind, Targets};
use crate::model::Readout;
use crate::{Error, Real};

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

/// A task and its difficulty knob, as the app and checkpoints store it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "task", deny_unknown_fields)]
pub enum TaskConfig {
    /// The adding problem (Hochreiter & Schmidhuber 1997) of length `len`.
    Adding {
        /// Sequence length `T` (the knob).
        len: usize,
    },
    /// Copy memory: recall `symbols` symbols after `delay` blanks ([`CopyMemoryTask`]).
    CopyMemory {
        /// Blank steps between the symbols and the go marker (the knob).
        delay: usize,
        /// Symbols to copy, `n` (default 3).
        #[serde(default = "default_copy_symbols")]
        symbols: usize,
        /// Alphabet size `K` (default 4).
        #[serde(default = "default_copy_alphabet")]
        alphabet: usize,
    },
    /// Temporal order of two symbols among distractors ([`TemporalOrderTask`]).
    TemporalOrder {
        /// Sequence length `T` (the knob).
        len: usize,
    },
    /// Report a bit seen at step 0 after `len − 1` noisy steps ([`LatchTask`]).
    Latch {
        /// Sequence length `T` (the knob).
        len: usize,
    },
    /// Parity of `len` random bits ([`ParityTask`]).
    Parity {
        /// Number of bits `T` (the knob).
        len: usize,
    },
    /// Next-step prediction of a sum of sines ([`SineTask`]).
    Sine {
        /// Sequence length `T` (the knob).
        len: usize,
        /// Number of summed waves `m` (default 2).
        #[serde(default = "default_sine_waves")]
        waves: usize,
        /// Shortest period in steps (default 6).
        #[serde(default = "default_sine_min_period")]
        min_period: f64,
        /// Longest period in steps (default 24).
        #[serde(default = "default_sine_max_period")]
        max_period: f64,
    },
    /// Report the input `ahead` steps ahead at every step ([`LookaheadTask`]): needs the future.
    Lookahead {
        /// Sequence length `T` (the knob).
        len: usize,
        /// Steps ahead `d` (default 2).
        #[serde(default = "default_lookahead_ahead")]
        ahead: usize,
    },
}

fn default_copy_symbols() -> usize {
    3
}
fn default_copy_alphabet() -> usize {
    4
}
/// Steps ahead of the lookahead task unless set.
pub fn default_lookahead_ahead() -> usize {
    2
}
fn default_sine_waves() -> usize {
    2
}
fn default_sine_min_period() -> f64 {
    6.0
}
fn default_sine_max_period() -> f64 {
    24.0
}

impl TaskConfig {
    /// The task's display name.
    pub fn label(&self) -> &'static str {
        match self {
            TaskConfig::Adding { .. } => "Adding problem",
            TaskConfig::CopyMemory { .. } => "Copy memory",
            TaskConfig::TemporalOrder { .. } => "Temporal order",
            TaskConfig::Latch { .. } => "Latch (delayed recall)",
            TaskConfig::Parity { .. } => "Parity",
            TaskConfig::Sine { .. } => "Sine prediction",
            TaskConfig::Lookahead { .. } => "Lookahead (needs the future)",
        }
    }
    /// Copy memory with its default alphabet and number of symbols.
    pub fn copy_memory(delay: usize) -> Self {
        TaskConfig::CopyMemory {
            delay,
            symbols: default_copy_symbols(),
            alphabet: default_copy_alphabet(),
        }
    }
    /// Sine prediction with its default number of waves and period range.
    pub fn sine(len: usize) -> Self {
        TaskConfig::Sine {
            len,
            waves: default_sine_waves(),
            min_period: default_sine_min_period(),
            max_period: default_sine_max_period(),
        }
    }
    /// What the difficulty knob sets, for the slider's label.
    pub fn knob_name(&self) -> &'static str {
        match self {
            TaskConfig::CopyMemory { .. } => "Delay",
            TaskConfig::Parity { .. } => "Bits",
            _ => "Sequence length",
        }
    }
    /// The difficulty knob's current value.
    pub fn knob(&self) -> usize {
        match *self {
            TaskConfig::CopyMemory { delay, .. } => delay,
            TaskConfig::Adding { len }
            | TaskConfig::TemporalOrder { len }
            | TaskConfig::Latch { len }
            | TaskConfig::Parity { len }
            | TaskConfig::Sine { len, .. }
            | TaskConfig::Lookahead { len, .. } => len,
        }
    }
    /// The same task with the knob set to `n` (not validated: see [`TaskConfig::knob_range`]
    /// and [`TaskConfig::build`]).
    pub fn with_knob(&self, n: usize) -> Self {
        let mut c = self.clone();
        match &mut c {
            TaskConfig::CopyMemory { delay, .. } => *delay = n,
            TaskConfig::Adding { len }
            | TaskConfig::TemporalOrder { len }
            | TaskConfig::Latch { len }
            | TaskConfig::Parity { len }
            | TaskConfig::Sine { len, .. }
            | TaskConfig::Lookahead { len, .. } => *len = n,
        }
        c
    }
    /// The knob values [`TaskConfig::build`] accepts, given the other settings.
    pub fn knob_range(&self) -> RangeInclusive<usize> {
        match *self {
            TaskConfig::Adding { .. } | TaskConfig::Latch { .. } | TaskConfig::Sine { .. } => {
                2..=2000
            }
            TaskConfig::TemporalOrder { .. } => 10..=2000,
            TaskConfig::Parity { .. } => 1..=2000,
            TaskConfig::CopyMemory { symbols, .. } => 0..=1999usize.saturating_sub(2 * symbols),
            TaskConfig::Lookahead { ahead, .. } => ahead.saturating_add(1)..=2000,
        }
    }
    /// Builds the generator.
    ///
    /// # Errors
    /// [`Error::Config`] when the knob is out of range.
    pub fn build(&self) -> Result<Task, Error> {
        Ok(match *self {
            TaskConfig::Adding { len } => Task::Adding(AddingTask::new(len)?),
            TaskConfig::CopyMemory {
                delay,
                symbols,
                alphabet,
            } => Task::CopyMemory(CopyMemoryTask::new(symbols, alphabet, delay)?),
            TaskConfig::TemporalOrder { len } => Task::TemporalOrder(TemporalOrderTask::new(len)?),
            TaskConfig::Latch { len } => Task::Latch(LatchTask::new(len)?),
            TaskConfig::Parity { len } => Task::Parity(ParityTask::new(len)?),
            TaskConfig::Sine {
                len,
                waves,
                min_period,
                max_period,
            } => Task::Sine(SineTask::new(len, waves, min_period, max_period)?),
            TaskConfig::Lookahead { len, ahead } => {
                Task::Lookahead(LookaheadTask::new(len, ahead)?)
            }
        })
    }
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
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn all() -> Vec<TaskConfig> {
        vec![
            TaskConfig::Adding { len: 12 },
            TaskConfig::copy_memory(5),
            TaskConfig::TemporalOrder { len: 20 },
            TaskConfig::Latch { len: 9 },
            TaskConfig::Parity { len: 7 },
            TaskConfig::sine(15),
            TaskConfig::Lookahead { len: 10, ahead: 3 },
        ]
    }

    #[test]
    fn configs_round_trip_through_json_with_snake_case_tags() {
        let tags = [
            "adding",
            "copy_memory",
            "temporal_order",
            "latch",
            "parity",
            "sine",
            "lookahead",
        ];
        for (c, tag) in all().into_iter().zip(tags) {
            let json = serde_json::to_string(&c).unwrap();
            assert!(json.contains(&format!("\"task\":\"{tag}\"")), "{json}");
            assert_eq!(serde_json::from_str::<TaskConfig>(&json).unwrap(), c);
            assert!(!c.label().is_empty() && !c.knob_name().is_empty());
        }
        let c: TaskConfig = serde_json::from_str(r#"{"task":"copy_memory","delay":7}"#).unwrap();
        assert_eq!(c, TaskConfig::copy_memory(7));
        assert!(serde_json::from_str::<TaskConfig>(r#"{"task":"parity","len":3,"x":1}"#).is_err());
        let c: TaskConfig = serde_json::from_str(r#"{"task":"lookahead","len":9}"#).unwrap();
        assert_eq!(c, TaskConfig::Lookahead { len: 9, ahead: 2 });
    }

    #[test]
    fn knob_helpers_set_and_bound_the_difficulty() {
        for c in all() {
            let r = c.knob_range();
            for n in [*r.start(), *r.end(), c.knob() + 3] {
                let d = c.with_knob(n);
                assert_eq!(d.knob(), n);
                assert!(d.build().is_ok(), "{d:?}");
            }
            if *r.start() > 0 {
                assert!(c.with_knob(r.start() - 1).build().is_err(), "{c:?}");
            }
            assert!(c.with_knob(r.end() + 1).build().is_err(), "{c:?}");
        }
        assert_eq!(
            TaskConfig::copy_memory(5).build().unwrap().seq_len(),
            2 * 3 + 5 + 1
        );
    }

    #[test]
    fn batches_have_consistent_shapes_are_deterministic_and_reuse_buffers() {
        for c in all() {
            let task = c.build().unwrap();
            let (t, b) = (task.seq_len(), 5);
            let rows = if task.readout() == Readout::Final {
                b
            } else {
                t * b
            };
            let mut batch = Batch::<f32>::empty();
            task.fill(&mut ChaCha8Rng::seed_from_u64(1), b, &mut batch);
            assert_eq!(
                (batch.t, batch.b, batch.x.len()),
                (t, b, t * b * task.input_size()),
                "{c:?}"
            );
            match (&batch.targets, task.loss()) {
                (Targets::Values(v), LossKind::Mse) => {
                    assert_eq!(v.len(), rows * task.output_size())
                }
                (Targets::Classes(v), LossKind::CrossEntropy) => {
                    assert_eq!(v.len(), rows);
                    assert!(v.iter().all(|&k| k < task.output_size()));
                }
                _ => panic!("{c:?}: targets do not match the loss"),
            }
            if let Some(w) = &batch.weights {
                assert_eq!(w.len(), rows);
            }
            assert!(batch.x.iter().all(|v| v.is_finite()));
            let mut again = Batch::<f32>::empty();
            task.fill(&mut ChaCha8Rng::seed_from_u64(1), b, &mut again);
            assert_eq!(batch, again, "{c:?}: same seed, same data");
            // Refilling after the buffers have grown must not reallocate.
            let mut rng = ChaCha8Rng::seed_from_u64(2);
            let caps = |bt: &Batch<f32>| {
                let tc = match &bt.targets {
                    Targets::Values(v) => v.as_ptr() as usize,
                    Targets::Classes(v) => v.as_ptr() as usize,
                };
                (
                    bt.x.as_ptr() as usize,
                    tc,
                    bt.weights.as_ref().map(|w| w.as_ptr() as usize),
                )
            };
            let before = caps(&batch);
            task.fill(&mut rng, b, &mut batch);
            assert_eq!(caps(&batch), before, "{c:?}");
        }
    }
}
