//! What a sweep's "lengths" set: the task's difficulty knob, which is the sequence length `T`
//! for every task but copy memory, whose knob is the delay between the symbols and the go
//! marker (`T = 2n + delay + 1` for `n` symbols). Labels, sentences and errors of a sweep name
//! the knob through this, so a copy-memory sweep never calls its delays "T".

use gru_core::task::{CopyMemoryTask, TaskConfig};
use serde::{Deserialize, Serialize};

/// The swept knob of a [`crate::sweep::SweepTable`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum SweepKnob {
    /// The knob is `T` itself.
    #[default]
    Length,
    /// Copy memory's delay, with `symbols` (`n`) symbols to copy: `T = 2n + delay + 1`.
    Delay {
        /// Symbols to copy (`n`).
        symbols: usize,
    },
}

impl SweepKnob {
    /// The knob of `task`'s difficulty slider.
    pub fn of(task: &TaskConfig) -> Self {
        match *task {
            TaskConfig::CopyMemory { symbols, .. } => SweepKnob::Delay { symbols },
            _ => SweepKnob::Length,
        }
    }

    /// Short name before a value: "T" or "delay" ("T 40", "delay 40").
    pub fn name(self) -> &'static str {
        match self {
            SweepKnob::Length => "T",
            SweepKnob::Delay { .. } => "delay",
        }
    }

    /// The x axis title of the sweep's charts.
    pub fn axis(self) -> String {
        match self {
            SweepKnob::Length => "sequence length T".into(),
            SweepKnob::Delay { .. } => format!("delay (T = delay + {})", self.length(0)),
        }
    }

    /// The sequence length at knob value `v`, as the task computes it.
    pub fn length(self, v: usize) -> usize {
        match self {
            SweepKnob::Length => v,
            SweepKnob::Delay { symbols } => CopyMemoryTask::seq_len_for(symbols, v),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_memory_sweeps_its_delay_and_every_other_task_t() {
        let cm = TaskConfig::copy_memory(10);
        let TaskConfig::CopyMemory { symbols, .. } = cm else {
            panic!("copy memory expected")
        };
        let k = SweepKnob::of(&cm);
        assert_eq!(k, SweepKnob::Delay { symbols });
        assert_eq!(k.name(), "delay");
        // T = 2n + delay + 1, as the task builds it.
        assert_eq!(k.length(10), cm.build().expect("builds").seq_len());
        assert_eq!(k.axis(), format!("delay (T = delay + {})", 2 * symbols + 1));
        // Every task: the knob's length is the length the task builds, and only a knob that
        // is not T itself is named otherwise.
        for (id, _) in crate::settings::TASKS {
            let t = crate::settings::task_config(id, 40).expect("a task");
            let k = SweepKnob::of(&t);
            let built = t.build().expect("builds").seq_len();
            assert_eq!(k.length(t.knob()), built, "{id}");
            assert_eq!(k == SweepKnob::Length, built == t.knob(), "{id}");
            assert_eq!(k.name() == "T", built == t.knob(), "{id}");
        }
    }
}
