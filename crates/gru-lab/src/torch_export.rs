//! The "PyTorch JSON" button: which runs export, each run's file and its JSON. A recurrent run
//! (GRU (PyTorch), LSTM, RNN, and their one-way twins) is a `torch.nn.GRU`/`LSTM`/`RNN` +
//! `nn.Linear` state_dict (`gru_core::state_dict`); a TCN or attention run is a state_dict of
//! `scripts/seq_models.py`'s `Tcn` / `Attn` with a `"gru_lens"` entry naming the module, its
//! arguments and gru-core's output on one input (`gru_core::seq::state_dict`). This page's GRU
//! (reset gate before `U_h`) has no torch twin and is refused. Weights are those of the step
//! viewed ([`crate::save::viewed_step`]).

use gru_core::cell::CellKind;
use gru_core::seq::Net;

use crate::lab::Lab;
use crate::save::{inner, viewed, viewed_params, viewed_step};
use crate::settings::{cell_id, Settings};

/// Why this page's GRU has no torch twin: the start of both refusals below.
macro_rules! gru_has_no_twin {
    () => {
        "this page's GRU applies the reset gate before U_h, torch.nn.GRU after it, so no weights map exactly"
    };
}

/// Why this page's GRU is not exported.
pub const GRU_REFUSAL: &str = concat!(
    gru_has_no_twin!(),
    "; train \"GRU (PyTorch)\" to export a torch.nn.GRU"
);

/// Which runs the button exports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exportable {
    /// Run indices, in run order.
    pub runs: Vec<usize>,
    /// The notice when no run exports (only this page's GRU is trained).
    pub none: Option<String>,
}

/// The runs of `settings` that export: every run but this page's GRU (and its one-way twin).
pub fn exportable(settings: &Settings) -> Exportable {
    let cells = settings.run_specs();
    let runs: Vec<usize> = (0..settings.n_runs())
        .filter(|&i| cells.get(i).is_none_or(|s| s.cell != CellKind::Gru))
        .collect();
    let none = runs.is_empty().then(|| {
        concat!(
            "Not exported: ",
            gru_has_no_twin!(),
            "; add \"GRU (PyTorch)\" to the cells to export a torch.nn.GRU."
        )
        .to_string()
    });
    Exportable { runs, none }
}

/// The run's id in file names: the cell's URL id (`gru_torch`, `lstm`, …, `-oneway` for a
/// twin), or the model's (`tcn`, `attn`).
pub fn run_id(settings: &Settings, run: usize) -> String {
    let cells = settings.run_specs();
    match cells.get(run) {
        Some(s) if s.twin => format!("{}-oneway", cell_id(s.cell)),
        Some(s) => cell_id(s.cell).to_string(),
        None => settings
            .models
            .get(run - cells.len())
            .map_or_else(|| format!("run{run}"), |m| m.id().to_string()),
    }
}

/// `gru-lens-<run id>-<task>-step<viewed step>.pytorch.json`.
pub fn file_name(lab: &Lab, run: usize) -> String {
    format!(
        "gru-lens-{}-{}-step{}.pytorch.json",
        run_id(&lab.settings, run),
        lab.settings.task,
        viewed_step(lab)
    )
}

/// Run `run`'s model at the viewed step as a PyTorch state_dict JSON (see the module docs).
///
/// # Errors
/// A one-line message for a missing run, this page's GRU, gate surgery or a non-finite weight.
pub fn torch_json(lab: &Lab, run: usize) -> Result<String, String> {
    let r = lab
        .runs
        .get(run)
        .ok_or_else(|| format!("run {run}: there are {} runs", lab.runs.len()))?;
    if let Net::Recurrent(m) = &r.trainer.net {
        if m.config.cell == CellKind::Gru {
            return Err(GRU_REFUSAL.into());
        }
        let (model, _, _) = viewed(lab, run).ok_or_else(|| format!("run {run}: no model"))?;
        return gru_core::state_dict::export(&model).map_err(|e| inner(&e));
    }
    let (params, _, _) = viewed_params(lab, run).ok_or_else(|| format!("run {run}: no model"))?;
    let mut net = r.trainer.net.clone();
    net.params_mut().copy_from_slice(&params);
    // The check: one sequence of the task's length (at most the learned positions).
    gru_core::seq::state_dict::export(&net, r.trainer.task.seq_len()).map_err(|e| inner(&e))
}

#[cfg(test)]
#[path = "torch_export_tests.rs"]
mod tests;
