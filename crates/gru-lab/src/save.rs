//! The saved-run file: every run of a [`Lab`] as one JSON document, from which training
//! resumes bit for bit (same weights, optimiser moments, data and dropout streams).
//!
//! ```jsonc
//! {
//!   "format": "gru-lens-run",          // required, exactly this
//!   "version": 1,                      // required, exactly 1
//!   "query": "cells=gru,rnn&T=50",     // the settings, as in a shared link (Settings::to_query)
//!   "sample": 3,                       // the inspected validation sample
//!   "runs": [                          // one per compared cell, then TCN / attention
//!     {
//!       "checkpoint": { … },           // a "gru-lens-checkpoint" v1 with "train" and "step"
//!       // or, for a TCN or attention run (no recurrent checkpoint format fits them):
//!       // "net": { "kind": {"tcn": {…}}, "train": {…}, "step": 1200, "params": […] },
//!       "optimizer": { "t": 1200, "m": […], "v": […] },  // Adam moments (SGD: velocity, zeros)
//!       "rng": { "data": "76800", "dropout": "0" },      // ChaCha8 word positions (decimal u128)
//!       "loss_ema": 0.0123             // the smoothed training loss shown, or null
//!     }
//!   ],
//!   "trained_with": [ { "from_step": 1, "lr": 0.01, "clip": 1 }, … ]  // only when some steps
//!                                      // trained with another lr/clip than `query`'s
//! }
//! ```
//!
//! Reading checks, in this order, before anything is built: size (at most [`MAX_BYTES`]),
//! UTF-8, JSON, `format`, `version`, the fields, the settings in `query`, one run per run they give, the
//! live spans, the memory budget and each run's config ([`Lab::plan`]); then run by run: its
//! checkpoint (gru-core's reader) and that its `train` is exactly what `query` gives for
//! that cell — or, for a TCN or attention run, a `net` of exactly the `kind` and `train` the
//! settings give it — the same step as the runs before it (lock-step), the stream positions,
//! and the sizes and finiteness of the weights and the optimiser's moments
//! (`save_checks.rs`). Only then is a new [`Lab`] built and the runs resumed. Any problem is
//! one line naming the field; the caller's runs are not touched (the new lab is only
//! returned whole).

use gru_core::checkpoint::{self, MAX_BYTES};
use gru_core::model::Model;
use gru_core::seq::ModelKind;
use gru_core::{Resume, TrainConfig};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::lab::{Lab, LiveSpan};
use crate::save_checks::check_file;

/// The `"format"` tag of a saved run.
pub const FORMAT: &str = "gru-lens-run";
/// The version this build writes and reads.
pub const VERSION: u64 = 1;

/// The whole document.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RunFile {
    format: String,
    version: u64,
    pub(crate) query: String,
    pub(crate) sample: usize,
    pub(crate) runs: Vec<SavedRun>,
    /// What the runs trained with, written only when some steps trained with another learning
    /// rate or clip than the query's (a file without it reads as trained with the query's).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) trained_with: Vec<LiveSpan>,
}

/// One run.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SavedRun {
    /// A recurrent run's checkpoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) checkpoint: Option<Value>,
    /// A TCN's or attention model's shape, training config, step and weights.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) net: Option<SavedNet>,
    pub(crate) optimizer: SavedOptimizer,
    pub(crate) rng: SavedRng,
    pub(crate) loss_ema: Option<f64>,
}

/// A run that is not a recurrent model: gru-core's `ModelKind` (`{"tcn": {…}}` or
/// `{"attention": {…}}`), the training config and step, and the flat parameter vector in
/// gru-core's layout for that kind.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SavedNet {
    pub(crate) kind: ModelKind,
    pub(crate) train: TrainConfig,
    pub(crate) step: u64,
    /// `(P)`: the flat parameters.
    pub(crate) params: Vec<f32>,
}

/// The optimiser's state: updates applied `t`, and one `m` and `v` value per parameter (both
/// empty before the first step).
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SavedOptimizer {
    pub(crate) t: u64,
    /// `(P)`, or empty.
    pub(crate) m: Vec<f32>,
    /// `(P)`, or empty.
    pub(crate) v: Vec<f32>,
}

/// Positions of the ChaCha8 streams in 32-bit words, as decimal strings (they are u128).
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SavedRng {
    pub(crate) data: String,
    pub(crate) dropout: String,
}

/// Writes every run of `lab` as the views show it: while a past step is viewed, the kept
/// snapshot of that step ([`viewed`]).
///
/// # Errors
/// A one-line message when a weight is not finite (such a run cannot be saved), or when the
/// file would be over [`MAX_BYTES`], which loading refuses.
pub fn to_json(lab: &Lab) -> Result<String, String> {
    let mut runs = Vec::with_capacity(lab.runs.len());
    for (i, r) in lab.runs.iter().enumerate() {
        let t = &r.trainer;
        let (params, state, loss_ema) =
            viewed_params(lab, i).ok_or_else(|| format!("runs[{i}]: no such run"))?;
        let (checkpoint, net) = if let Some(model) = t.model() {
            let mut model = model.clone();
            model.params.copy_from_slice(&params);
            let text = checkpoint::to_json(&model, Some(&t.config), Some(state.step))
                .map_err(|e| format!("runs[{i}].checkpoint.{e}"))?;
            let v: Value =
                serde_json::from_str(&text).map_err(|e| format!("runs[{i}].checkpoint: {e}"))?;
            (Some(v), None)
        } else {
            if params.iter().any(|p| !p.is_finite()) {
                return Err(format!(
                    "runs[{i}].net.params: not all finite, so the {} cannot be saved",
                    r.label
                ));
            }
            let net = SavedNet {
                kind: t.kind(),
                train: t.config.clone(),
                step: state.step,
                params,
            };
            (None, Some(net))
        };
        runs.push(SavedRun {
            checkpoint,
            net,
            optimizer: SavedOptimizer {
                t: state.opt_t,
                m: state.opt_m,
                v: state.opt_v,
            },
            rng: SavedRng {
                data: state.data_word_pos.to_string(),
                dropout: state.dropout_word_pos.to_string(),
            },
            loss_ema: loss_ema.filter(|l| l.is_finite()),
        });
    }
    let file = RunFile {
        format: FORMAT.into(),
        version: VERSION,
        query: lab.settings.to_query(),
        sample: lab.pick.sample,
        runs,
        // Only when some steps trained with another lr/clip than the query's (files without
        // it stay readable by older builds, which refuse unknown fields).
        trained_with: if lab.retuned_at().is_some() {
            lab.trained_with.clone()
        } else {
            Vec::new()
        },
    };
    let text = serde_json::to_string(&file).map_err(|e| format!("run file: {e}"))?;
    loadable(text.len())?;
    Ok(text)
}

/// Whether a run file of `len` bytes loads: Load run refuses one over [`MAX_BYTES`], so a
/// bigger save would look kept and never load.
///
/// # Errors
/// The sizes, in MB.
pub fn loadable(len: usize) -> Result<(), String> {
    if len > MAX_BYTES {
        return Err(format!(
            "these runs make a {:.0} MB file and Load run reads at most {} MB; save fewer or smaller runs",
            len as f64 / 1e6,
            MAX_BYTES / 1_000_000
        ));
    }
    Ok(())
}

/// Run `i`'s parameters (any model kind), resume state and smoothed loss as the views show
/// them: the kept snapshot's while a past step is viewed, else the live ones (see [`viewed`]).
pub fn viewed_params(lab: &Lab, i: usize) -> Option<(Vec<f32>, Resume<f32>, Option<f64>)> {
    let r = lab.runs.get(i)?;
    let live = r.trainer.net.params();
    let past = lab
        .travel
        .viewing
        .and_then(|s| lab.travel.timeline.get(s))
        .and_then(|states| states.get(i))
        .filter(|s| s.params.len() == live.len());
    Some(match past {
        Some(s) => (s.params.clone(), s.resume.clone(), s.loss_ema),
        None => (live.to_vec(), r.trainer.resume_state(), r.loss_ema()),
    })
}

/// Run `i`'s model, resume state and smoothed loss as the views show them: the kept
/// snapshot's while a past step is viewed ([`Lab::view`]), else the live ones. A snapshot kept
/// without the optimiser's moments has empty ones (loading it starts the optimiser afresh,
/// as resuming from that snapshot does). `None` for a run that is not a recurrent model.
pub fn viewed(lab: &Lab, i: usize) -> Option<(Model<f32>, Resume<f32>, Option<f64>)> {
    let r = lab.runs.get(i)?;
    let mut model = r.trainer.model()?.clone();
    let past = lab
        .travel
        .viewing
        .and_then(|s| lab.travel.timeline.get(s))
        .and_then(|states| states.get(i))
        .filter(|s| s.params.len() == model.params.len());
    Some(match past {
        Some(s) => {
            model.params.copy_from_slice(&s.params);
            (model, s.resume.clone(), s.loss_ema)
        }
        None => (model, r.trainer.resume_state(), r.loss_ema()),
    })
}

/// The training step the views show: the viewed snapshot's, else the live one.
pub fn viewed_step(lab: &Lab) -> u64 {
    lab.travel.viewing.unwrap_or_else(|| lab.steps())
}

/// Reads a saved run into a new [`Lab`] (see the module docs for what is checked).
///
/// # Errors
/// One line naming the first problem.
pub fn from_bytes(bytes: &[u8]) -> Result<Lab, String> {
    let file = check_file(bytes)?;
    // Everything checked: only now the runs are built (trainers, data, validations).
    let mut lab = Lab::from_plans(file.settings, file.plans)?;
    for (i, (run, saved)) in lab.runs.iter_mut().zip(file.runs).enumerate() {
        run.resume(&saved.params, saved.state, saved.loss_ema)
            .map_err(|e| format!("runs[{i}].{}", inner(&e)))?;
    }
    lab.pick.sample = file.sample.min(lab.samples().saturating_sub(1));
    lab.trained_with = file.trained_with;
    lab.restart_timeline();
    Ok(lab)
}

/// An error's message without its kind prefix ("format: …" → "…").
pub(crate) fn inner(e: &gru_core::Error) -> String {
    match e {
        gru_core::Error::Format(m) | gru_core::Error::Config(m) => m.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
#[path = "save_tests.rs"]
mod tests;
