//! The messages between the page and the Web Worker that trains. The page keeps no model: it
//! sends [`Command`]s and draws the latest [`Snapshot`]. Both directions travel as postcard
//! bytes (a `Uint8Array`), encoded and decoded only here.
//!
//! Flow control: the worker sends a snapshot at most every `every_ms` (see
//! [`Command::Publish`]) and only after the page has answered the previous one with
//! [`Command::Drawn`], so a busy page is never flooded.

use serde::{Deserialize, Serialize};

use crate::insight::Insight;

/// Page → worker.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Command {
    /// Start fresh runs from settings written as a URL query (the codec of shared links). On a
    /// bad setting the worker answers [`Report::Rejected`] and the current runs go on.
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
    /// `(step, training loss, gradient norm before clipping)` since the last snapshot.
    pub new_train: Vec<[f64; 3]>,
    /// `(step, validation loss)` since the last snapshot.
    pub new_val: Vec<[f64; 2]>,
    /// Why training stopped, if it did.
    pub error: Option<String>,
    /// One entry per `new_train` step: whether clipping scaled that step's gradient down.
    pub new_clipped: Vec<bool>,
    /// The clipping limit in force now (`None` = off).
    pub clip: Option<f64>,
    /// This run's own milliseconds per training step (moving average, NaN before the first).
    pub step_ms: f64,
    /// Seconds this run has spent in its training steps.
    pub train_seconds: f64,
    /// One entry per `new_train` step: this run's training seconds at that step.
    pub new_train_s: Vec<f64>,
    /// One entry per `new_val` point: this run's training seconds at that step.
    pub new_val_s: Vec<f64>,
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

/// A message could not be decoded.
#[derive(Clone, Debug, PartialEq)]
pub struct DecodeError(pub String);

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "message: {}", self.0)
    }
}

impl std::error::Error for DecodeError {}

/// Encodes a message for `postMessage`.
pub fn encode<M: Serialize>(m: &M) -> Vec<u8> {
    // Serialising these plain structs into a Vec cannot fail.
    postcard::to_stdvec(m).unwrap_or_default()
}

/// Decodes a message received from the other side.
///
/// # Errors
/// [`DecodeError`] when the bytes are not a message of this type.
pub fn decode<M: for<'de> Deserialize<'de>>(bytes: &[u8]) -> Result<M, DecodeError> {
    postcard::from_bytes(bytes).map_err(|e| DecodeError(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_round_trips() {
        let all = [
            Command::Reset {
                query: "cells=gru,lstm&T=1000".into(),
            },
            Command::Play,
            Command::PlayUntil { step: 300 },
            Command::Pause,
            Command::Step,
            Command::Live {
                lr: 0.003,
                clip: 0.0,
                steps_per_s: Some(2.5),
            },
            Command::Live {
                lr: 1.0,
                clip: 5.0,
                steps_per_s: None,
            },
            Command::Inspect {
                pick: InspectPick::default(),
            },
            Command::Inspect {
                pick: InspectPick {
                    run: 2,
                    layer: 1,
                    dir: 1,
                    sample: SamplePick::Index(255),
                },
            },
            Command::Inspect {
                pick: InspectPick {
                    sample: SamplePick::Worst,
                    ..InspectPick::default()
                },
            },
            Command::Publish { every_ms: 100.0 },
            Command::Drawn,
            Command::Save,
            Command::Load {
                bytes: vec![0, 255, b'{'],
            },
            Command::ExportTorch { run: 2 },
            Command::Travel { to: Some(1200) },
            Command::Travel { to: None },
            Command::Rewind { step: u64::MAX },
            Command::Sequence {
                text: "0.5 1 | 1 2".into(),
            },
            Command::Inspect {
                pick: InspectPick {
                    sample: SamplePick::Yours,
                    ..InspectPick::default()
                },
            },
            Command::Sweep {
                lengths: vec![10, 1000],
                steps: 300,
                seeds: 3,
            },
            Command::CancelSweep,
        ];
        for c in all {
            assert_eq!(decode::<Command>(&encode(&c)), Ok(c));
        }
    }

    #[test]
    fn a_snapshot_round_trips_bit_for_bit_and_garbage_is_refused() {
        let snap = Snapshot {
            epoch: 3,
            playing: true,
            runs: vec![RunStatus {
                label: "GRU".into(),
                step: 12,
                loss: 0.1234,
                val_loss: Some(1e-300),
                val_accuracy: None,
                baseline: 1.0 / 6.0,
                new_train: vec![[11.0, 0.2, 3.5], [12.0, 0.19, f64::INFINITY]],
                new_val: vec![[12.0, 0.18]],
                error: Some("NaN at step 13".into()),
                new_clipped: vec![true, false],
                clip: Some(2.5),
                step_ms: 1.25,
                train_seconds: 0.5,
                new_train_s: vec![0.4, 0.5],
                new_val_s: vec![0.5],
            }],
            insights: None,
            inspected: Some(Inspected {
                run: 1,
                layer: 1,
                dir: 1,
                sample: 17,
                worst_at: Some(400),
                layers: 2,
                dirs: 2,
                samples: 256,
                at: Some(300),
                step: 300,
                yours: true,
                yours_link: Some("0.5,1;1,2".into()),
                yours_id: 2,
            }),
            flow_column: Some(FlowColumn {
                step: 12,
                log_norms: vec![0.0, -1.5, -40.25],
            }),
            rates: Rates {
                train_steps_per_s: 330.5,
                wall_steps_per_s: 301.0,
                inspect_ms: 2.0,
                validate_ms: 1.0,
                asked_analysis: true,
            },
            timeline: vec![0, 25, 50],
            exact_resume: true,
            retuned_at: Some(20),
        };
        let r = Report::Snapshot(Box::new(snap));
        assert_eq!(decode::<Report>(&encode(&r)), Ok(r));
        assert!(decode::<Report>(&[0xff, 0xff, 0xff]).is_err());
        assert!(decode::<Command>(&[]).is_err());
    }
}
