//! Worker → page: the [`Report`]s the worker sends, chiefly the [`Snapshot`] the page draws
//! (per-run [`RunStatus`], the [`Inspected`] pick, a [`FlowColumn`] of the lag map, [`Rates`]).

use serde::{Deserialize, Serialize};

// For the doc links to the commands.
#[cfg(doc)]
use super::Command;
use crate::insight::Insight;

/// What an inspection actually shows (sent with it, so the page labels what it got).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Inspected {
    /// Run index; its insight is the full one.
    pub run: usize,
    /// Layer.
    pub layer: usize,
    /// 0 forward, 1 backward.
    pub dir: usize,
    /// Validation sample index.
    pub sample: usize,
    /// The training step at which this sample was the one the run got most wrong, when it
    /// was picked that way.
    pub worst_at: Option<u64>,
    /// Layers and directions the model has, for the picker.
    pub layers: usize,
    /// 2 for a bidirectional model, else 1.
    pub dirs: usize,
    /// Validation samples.
    pub samples: usize,
    /// The kept training step whose model this inspection shows, `None` = the live model.
    pub at: Option<u64>,
    /// The training step of the model the inspection analysed (`at` when set, else the live
    /// step at the time): a big model's views can lag training by minutes.
    pub step: u64,
    /// Whether the sample is the learner's sequence (then `sample` is the validation sample
    /// to go back to).
    pub yours: bool,
    /// The learner's sequence in link form (`seq=`), when there is one and it is short.
    pub yours_link: Option<String>,
    /// Counts the sequences the learner entered, so two long ones (no link form) differ.
    pub yours_id: u32,
}

/// Worker → page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Report {
    /// The worker has loaded and listens.
    Ready,
    /// What to draw now.
    Snapshot(Box<Snapshot>),
    /// A command could not apply; nothing changed.
    Rejected {
        /// One line naming the problem.
        message: String,
    },
    /// A [`Command::Reset`] was refused: the runs, and the settings they train with, are as
    /// they were. The page, which shows a reset's settings as soon as it sends it, goes back
    /// to `running` if it still shows `refused` (the form keeps the refused draft to mend).
    ResetRefused {
        /// One line naming the problem.
        message: String,
        /// The refused reset's query, as sent: a page that has sent another reset since
        /// keeps what it shows.
        refused: String,
        /// The settings the runs still train with (`Settings::to_query` form); `None` when
        /// the refused reset was the first, so no runs exist yet.
        running: Option<String>,
    },
    /// The saved-run file [`Command::Save`] asked for.
    Saved {
        /// A file name saying what it holds, e.g. `gru-lens-gru-rnn-adding-step1200.json`.
        name: String,
        /// The document ([`crate::save`]).
        json: String,
    },
    /// How far the running sweep is: training steps done of all its runs' steps.
    SweepProgress {
        /// Steps trained.
        done: usize,
        /// Steps in all.
        total: usize,
    },
    /// The sweep ended (finished or cancelled): its results.
    SweepDone(crate::sweep::SweepTable),
    /// The kernel report [`Command::BenchKernels`] asked for, measured in this worker: the
    /// 128-bit peak first, then GFLOP/s per product shape (10⁹ elements/s for activations).
    Kernels(Vec<gru_core::bench::KernelFigure>),
    /// A saved run replaced the runs (a new epoch); the page adopts its settings.
    Loaded {
        /// The loaded settings, `Settings::to_query` form.
        query: String,
        /// Steps the loaded runs had trained.
        step: u64,
    },
    /// A PyTorch state_dict file replaced the runs with one run of its model (a new epoch;
    /// [`crate::torch_import`]); the page adopts its settings.
    Imported {
        /// The settings the imported model runs under, `Settings::to_query` form.
        query: String,
        /// "Loaded from PyTorch: GRU, H=8, …".
        summary: String,
        /// "h_T matches the values you exported to 3e-7 …", when the file has a reference.
        parity: Option<String>,
    },
}

/// What the page draws at one moment.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    /// Counts resets: the page drops its history when it changes.
    pub epoch: u32,
    /// Whether the worker is training continuously.
    pub playing: bool,
    /// One status per run, in the order of the settings' cells.
    pub runs: Vec<RunStatus>,
    /// A fresh inspection of every run, when one was made since the last snapshot: the
    /// picked run's in full, the others [`Insight::light`] (comparison curves only).
    pub insights: Option<Vec<Insight>>,
    /// What the fresh inspection shows (with `insights`).
    pub inspected: Option<Inspected>,
    /// The first run's `log10 ‖∂h_T/∂h_{T−k}‖₂` column of the lag × training-step map, with
    /// each fresh inspection.
    pub flow_column: Option<FlowColumn>,
    /// Throughput and costs.
    pub rates: Rates,
    /// Training steps whose model is kept for time travel, oldest first (step 0 or the step
    /// a loaded run started at, then evenly spaced up to at most one spacing before now).
    pub timeline: Vec<u64>,
    /// Whether a rewind resumes bit for bit (the optimiser's moments are kept), or with
    /// fresh optimiser moments (the model was too large to keep them).
    pub exact_resume: bool,
    /// The first step trained with a learning rate or clip other than the settings' now
    /// ([`crate::lab::Lab::retuned_at`]).
    pub retuned_at: Option<u64>,
}

/// One training step as the loss, gradient and clipping views read it.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrainPoint {
    /// Steps completed, this one included.
    pub step: u64,
    /// The batch's training loss.
    pub loss: f64,
    /// ‖dL/dθ‖₂ before clipping.
    pub grad_norm: f64,
    /// Whether clipping scaled this step's gradient down.
    pub clipped: bool,
    /// This run's own training seconds at this step (the seconds x axis).
    pub seconds: f64,
}

/// One validation.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ValPoint {
    /// Steps trained when it was measured.
    pub step: u64,
    /// Validation loss.
    pub loss: f64,
    /// This run's own training seconds at that step.
    pub seconds: f64,
}

/// One run's numbers.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RunStatus {
    /// "GRU", "RNN", …
    pub label: String,
    /// Steps trained.
    pub step: u64,
    /// Smoothed training loss.
    pub loss: f64,
    /// Latest validation loss.
    pub val_loss: Option<f64>,
    /// Latest validation accuracy, where the task defines one.
    pub val_accuracy: Option<f64>,
    /// Loss of the best constant prediction.
    pub baseline: f64,
    /// The steps trained since the last snapshot.
    pub new_train: Vec<TrainPoint>,
    /// The validations since the last snapshot (finite losses only).
    pub new_val: Vec<ValPoint>,
    /// Why training stopped, if it did.
    pub error: Option<String>,
    /// The clipping limit in force now (`None` = off).
    pub clip: Option<f64>,
    /// This run's own milliseconds per training step (the median of its last `step_times::WINDOW` steps, NaN before the first).
    pub step_ms: f64,
    /// Seconds this run has spent in its training steps.
    pub train_seconds: f64,
}

/// One column of the lag × training-step map.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FlowColumn {
    /// Training step of the inspection.
    pub step: u64,
    /// `(T+1)`: `log10 ‖∂h_T/∂h_{T−k}‖₂` at index `k`.
    pub log_norms: Vec<f32>,
}

/// How fast the worker goes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Rates {
    /// Lock-steps per second of time spent training (what the kernels achieve).
    pub train_steps_per_s: f64,
    /// Lock-steps per second of wall-clock time (what the user gets).
    pub wall_steps_per_s: f64,
    /// Duration of the last inspection (ms).
    pub inspect_ms: f64,
    /// Duration of the last validation (ms).
    pub validate_ms: f64,
    /// An analysis the page asked for (or a new model's second one) is under way: newer views
    /// come soon, not on the periodic refresh's cycle.
    pub asked_analysis: bool,
}
