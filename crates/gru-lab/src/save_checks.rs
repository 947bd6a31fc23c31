//! Every check a saved run's file passes before anything is built from it: what the file is
//! ([`header`]), its fields, its settings, and each run's checkpoint or net, step,
//! streams and optimiser against the runs those settings give ([`Lab::plan`]). Only a file
//! that passes them all costs a [`Lab`] (its trainers, data and first validations).

use gru_core::checkpoint::{self, Checkpoint, MAX_BYTES};
use gru_core::seq::ModelKind;
use gru_core::Resume;
use serde_json::Value;

use crate::lab::{Lab, LiveSpan, RunPlan};
use crate::save::{inner, RunFile, SavedRun, FORMAT, VERSION};
use crate::settings::Settings;

/// A file that passed every check: what [`crate::save::from_bytes`] builds its lab from.
pub(crate) struct Checked {
    /// The settings in `query`.
    pub settings: Settings,
    /// The inspected validation sample, as saved (clamped once the lab is built).
    pub sample: usize,
    /// The live spans up to the saved step.
    pub trained_with: Vec<LiveSpan>,
    /// Per run, in run order.
    pub runs: Vec<CheckedRun>,
    /// What [`Lab::plan`] gave for `settings`, to build the lab from.
    pub plans: Vec<RunPlan>,
}

/// One run that passed, ready to resume.
pub(crate) struct CheckedRun {
    /// `(P)` weights in gru-core's layout for the run's kind.
    pub params: Vec<f32>,
    /// Step, optimiser moments and stream positions.
    pub state: Resume<f32>,
    /// The smoothed training loss shown, if any.
    pub loss_ema: Option<f64>,
}

/// Reads and checks a saved run without building anything (see the module docs of
/// [`crate::save`] for the order).
///
/// # Errors
/// One line naming the first problem.
pub(crate) fn check_file(bytes: &[u8]) -> Result<Checked, String> {
    if bytes.len() > MAX_BYTES {
        return Err(format!(
            "the file is {} bytes; a saved run is at most {MAX_BYTES}",
            bytes.len()
        ));
    }
    let text = std::str::from_utf8(bytes)
        .map_err(|_| "the file is not text (a saved run is a JSON file)".to_string())?;
    // One tree of the file (serde_json's `Value`, which the checkpoint reader and the torch
    // import use too): reading the runs typed from the text saved a third of the peak memory
    // of a 48 MB file but cost 25 KB of gzipped wasm on every page load.
    let doc: Value = serde_json::from_str(text)
        .map_err(|e| format!("the file is not JSON ({e}); a saved run is a JSON file"))?;
    header(&doc)?;
    let file: RunFile = serde_json::from_value(doc).map_err(|e| format!("run file: {e}"))?;
    let (settings, errors) = Settings::from_query(&file.query);
    if !errors.is_empty() {
        return Err(format!("query: {}", errors.join("; ")));
    }
    if file.runs.len() != settings.n_runs() {
        return Err(format!(
            "runs: the settings train {} runs, the file has {} runs",
            settings.n_runs(),
            file.runs.len()
        ));
    }
    check_spans(&file.trained_with)?;
    let plans = Lab::plan(&settings)?;
    let mut step = None;
    let mut runs = Vec::with_capacity(plans.len());
    for (i, (plan, saved)) in plans.iter().zip(file.runs).enumerate() {
        runs.push(check_run(i, plan, saved, &mut step)?);
    }
    // Spans past the saved step (a save of a kept past step, or a hand-edited file) trained
    // nothing of these weights.
    let at = step.unwrap_or(0);
    let trained_with = file
        .trained_with
        .into_iter()
        .filter(|s| s.from_step <= at)
        .collect();
    Ok(Checked {
        settings,
        sample: file.sample,
        trained_with,
        runs,
        plans,
    })
}

/// Run `i` of the file against the run the settings give (`plan`): a checkpoint for a
/// recurrent run (gru-core's reader, then its `train`), a `net` of exactly the planned kind
/// and config otherwise; the step equal to the earlier runs' (`step`); the stream positions;
/// and what resuming checks (step range, updates, weights, moments).
fn check_run(
    i: usize,
    plan: &RunPlan,
    saved: SavedRun,
    step: &mut Option<u64>,
) -> Result<CheckedRun, String> {
    let planned = &plan.planned;
    let recurrent = matches!(planned.kind, ModelKind::Recurrent(_));
    let (params, s) = match (saved.checkpoint, saved.net, recurrent) {
        (Some(c), None, true) => {
            let ckpt = Checkpoint::<f32>::from_value(&c)
                .map_err(|e| format!("runs[{i}].checkpoint: {}", inner(&e)))?;
            if ckpt.train.as_ref() != Some(&planned.config) {
                return Err(format!(
                    "runs[{i}].checkpoint.train: not the {} run the settings in \"query\" describe",
                    planned.config.cell.label()
                ));
            }
            (ckpt.model.params, ckpt.step.unwrap_or(0))
        }
        (None, Some(net), false) => {
            if net.kind != planned.kind || net.train != planned.config {
                return Err(format!(
                    "runs[{i}].net: not the {} the settings in \"query\" describe",
                    plan.label
                ));
            }
            (net.params, net.step)
        }
        (_, _, recurrent) => {
            return Err(format!(
                "runs[{i}]: the {} needs {}",
                plan.label,
                if recurrent {
                    "a \"checkpoint\" (and no \"net\")"
                } else {
                    "a \"net\" (and no \"checkpoint\")"
                }
            ))
        }
    };
    if *step.get_or_insert(s) != s {
        return Err(format!(
            "runs[{i}].{}.step: {s}, but runs[0] is at step {}; runs train in lock-step",
            if recurrent { "checkpoint" } else { "net" },
            step.unwrap_or(0)
        ));
    }
    let pos = |v: &str, f: &str| {
        v.parse::<u128>().map_err(|_| {
            format!("runs[{i}].rng.{f}: expected a whole number as a string, got \"{v}\"")
        })
    };
    let state = Resume {
        step: s,
        opt_m: saved.optimizer.m,
        opt_v: saved.optimizer.v,
        opt_t: saved.optimizer.t,
        data_word_pos: pos(&saved.rng.data, "data")?,
        dropout_word_pos: pos(&saved.rng.dropout, "dropout")?,
    };
    state
        .check(&params, planned.n_params)
        .map_err(|e| format!("runs[{i}].{}", inner(&e)))?;
    Ok(CheckedRun {
        params,
        state,
        loss_ema: saved.loss_ema,
    })
}

/// `format` and `version`, checked first so a foreign file gets a message about what it is.
pub(crate) fn header(doc: &Value) -> Result<(), String> {
    let Value::Object(map) = doc else {
        return Err("the file is JSON but not an object; a saved run is a JSON object".into());
    };
    match map.get("format").and_then(Value::as_str) {
        Some(FORMAT) => {}
        Some(checkpoint::FORMAT) => {
            return Err(format!(
                "format: this is a bare model checkpoint (\"{}\"), not a saved run (\"{FORMAT}\")",
                checkpoint::FORMAT
            ))
        }
        Some(other) => {
            return Err(format!(
                "format: \"{}\" is not a saved run (expected \"{FORMAT}\")",
                other.chars().take(40).collect::<String>()
            ))
        }
        None => {
            return Err(format!(
                "format: missing (a saved run has \"format\": \"{FORMAT}\")"
            ))
        }
    }
    match map.get("version").and_then(Value::as_u64) {
        Some(VERSION) => Ok(()),
        _ => Err(format!(
            "version: not supported (this build reads version {VERSION})"
        )),
    }
}

/// Most live spans a saved run may list: one per live change of the learning rate or clip,
/// so more than any session makes, and about what a 50 MiB file can hold.
const MAX_SPANS: usize = 1_000_000;

/// A saved run's live spans: in step order, with values the settings accept, and not more
/// than [`MAX_SPANS`].
pub(crate) fn check_spans(spans: &[LiveSpan]) -> Result<(), String> {
    if spans.len() > MAX_SPANS {
        return Err(format!(
            "trained_with: {} spans; a saved run lists at most {MAX_SPANS}",
            spans.len()
        ));
    }
    for (i, w) in spans.iter().enumerate() {
        if i > 0 && w.from_step <= spans[i - 1].from_step {
            return Err(format!(
                "trained_with[{i}]: from_step {} does not follow {}",
                w.from_step,
                spans[i - 1].from_step
            ));
        }
        Settings::default()
            .with_live_values(w.lr, w.clip)
            .map_err(|e| format!("trained_with[{i}].{e}"))?;
    }
    Ok(())
}

#[cfg(test)]
#[path = "save_checks_tests.rs"]
mod tests;
