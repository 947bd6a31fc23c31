//! Page → worker: the [`Command`]s the page sends, and what it picks to look inside
//! ([`InspectPick`], [`SamplePick`]).

use serde::{Deserialize, Serialize};

// For the doc links to the replies.
#[cfg(doc)]
use super::{Report, Snapshot};

/// Page → worker.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Command {
    /// Start fresh runs from settings written as a URL query (the codec of shared links). On a
    /// bad setting the worker answers [`Report::ResetRefused`] and the current runs go on.
    Reset {
        /// The settings, `Settings::to_query` form.
        query: String,
    },
    /// Train continuously (clears a NaN/∞ stop).
    Play,
    /// Play until the runs have trained `step` steps, then pause there (an interview
    /// question's experiment: its verdict is read at the step the question names).
    PlayUntil {
        /// The step to pause at.
        step: u64,
    },
    /// Stop training (a fresh inspection is published).
    Pause,
    /// Pause, then train exactly one step on every run and publish.
    Step,
    /// Settings that apply to the running models at once.
    Live {
        /// Learning rate.
        lr: f64,
        /// Gradient clip, 0 = off.
        clip: f64,
        /// Steps per second, `None` = as fast as possible.
        steps_per_s: Option<f64>,
    },
    /// What to look inside: the run, its layer and direction, and the validation sample. A
    /// pick that does not exist is answered with [`Report::Rejected`] and the old pick stays.
    Inspect {
        /// The pick.
        pick: InspectPick,
    },
    /// How often the page wants a snapshot.
    Publish {
        /// Milliseconds between snapshots.
        every_ms: f64,
    },
    /// The page has taken the last snapshot; the next may be sent.
    Drawn,
    /// Write every run as a saved-run file ([`crate::save`]); answered by [`Report::Saved`].
    Save,
    /// Replace the runs with a saved-run file's (the file's bytes, as the user picked them).
    /// Answered by [`Report::Loaded`], or [`Report::Rejected`] with the runs untouched.
    Load {
        /// The file's contents (UTF-8 JSON when it is a saved run).
        bytes: Vec<u8>,
    },
    /// Show the model as it was at kept training step `to` in every inside view (`None`: the
    /// live model again). Training goes on or stays paused as before. A step without a kept
    /// snapshot is answered with [`Report::Rejected`] and the view stays.
    Travel {
        /// A step of [`Snapshot::timeline`], or `None`.
        to: Option<u64>,
    },
    /// Rewind every run to kept step `step` and train on from there (bit for bit as before
    /// when [`Snapshot::exact_resume`], else with fresh optimiser moments); later snapshots
    /// are forgotten, the views show the live model, playing or paused stays as it was.
    Rewind {
        /// A step of [`Snapshot::timeline`].
        step: u64,
    },
    /// Inspect a sequence the learner typed, in the task's terms (`crate::sequence`); the
    /// pick's sample becomes [`SamplePick::Yours`]. A bad sequence is answered with
    /// [`Report::Rejected`] (one line naming the position) and the view stays.
    Sequence {
        /// The text as typed.
        text: String,
    },
    /// Write run `run`'s model as a PyTorch `state_dict` JSON (`gru_core::state_dict::export`);
    /// answered by [`Report::Saved`], or [`Report::Rejected`] for a cell torch has no twin of.
    ExportTorch {
        /// Index into the runs (the order of the settings' cells).
        run: usize,
    },
    /// Pause live training and run a length sweep of the current settings' cells
    /// ([`crate::sweep`]); answered by [`Report::SweepProgress`] now and then and
    /// [`Report::SweepDone`] at the end, or [`Report::Rejected`].
    Sweep {
        /// Sequence lengths (the task's knob), in the order to run.
        lengths: Vec<usize>,
        /// Training steps per run.
        steps: u64,
        /// Seeds per cell and length.
        seeds: u32,
    },
    /// Stop the sweep; answered by [`Report::SweepDone`] with what finished.
    CancelSweep,
    /// Run gru-core's kernel report in the worker ([`crate::kernel_bench`]), timing each shape
    /// for about `ms_per_shape` ms; answered by [`Report::Kernels`]. Training waits meanwhile.
    BenchKernels {
        /// Milliseconds per shape (clamped to 1000; a non-finite value means 20).
        ms_per_shape: f64,
    },
}

/// Which validation sample to look at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SamplePick {
    /// This index into the validation set.
    Index(usize),
    /// The sample with the largest loss under the picked run's weights at the moment the
    /// command arrives (it then stays that index while training goes on).
    Worst,
    /// The sequence the learner typed ([`Command::Sequence`]); rejected before there is one.
    Yours,
}

impl Default for SamplePick {
    fn default() -> Self {
        SamplePick::Index(0)
    }
}

/// What the page asks to look inside.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InspectPick {
    /// Run: index into the lab's runs (the settings' cells, then any one-way twins).
    pub run: usize,
    /// Layer, 0 = the one reading the input.
    pub layer: usize,
    /// 0 forward, 1 backward (bidirectional models only).
    pub dir: usize,
    /// The validation sample.
    pub sample: SamplePick,
}
