//! [`TaskConfig`]: a task and its difficulty knob as settings and checkpoints store it, with
//! the knob's name, value and valid range, and [`TaskConfig::build`] to make the generator.

use std::ops::RangeInclusive;

use serde::{Deserialize, Serialize};

use super::{
    AddingTask, CopyMemoryTask, LatchTask, LookaheadTask, ParityTask, SineTask, Task,
    TemporalOrderTask, MAX_SEQ_LEN,
};
use crate::Error;

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
                2..=MAX_SEQ_LEN
            }
            TaskConfig::TemporalOrder { .. } => 10..=MAX_SEQ_LEN,
            TaskConfig::Parity { .. } => 1..=MAX_SEQ_LEN,
            // The delay that makes the sequence exactly MAX_SEQ_LEN steps long.
            TaskConfig::CopyMemory { symbols, .. } => {
                0..=MAX_SEQ_LEN.saturating_sub(CopyMemoryTask::seq_len_for(symbols, 0))
            }
            TaskConfig::Lookahead { ahead, .. } => ahead.saturating_add(1)..=MAX_SEQ_LEN,
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
