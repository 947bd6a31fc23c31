//! Everything the app draws about one cell slot (layer, direction) for one sequence, read off
//! one filled workspace: gates, states, the per-step and multi-step Jacobian norms, the
//! gradient curve and the [`Anatomy`] — and nothing else.

use super::anatomy::Anatomy;
use super::norms::Norms;
use super::tracing::Tracing;
use super::CellSel;
use crate::model::{backward, forward, BackwardOpts, Mode, Model, Readout, Workspace};
use crate::{Error, Real};

/// Whether [`crate::model::backward`] has run on the workspace, so that `dL/dh_t` can be
/// read off it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backward {
    /// `backward` ran after `forward`: gradients are included.
    Ran,
    /// Only `forward` ran: no gradients.
    NotRun,
}

/// One cell slot over one sequence (all `f64`). Per-step arrays are in processing order:
/// row `s − 1` is step `s` (1..=T); for the backward direction of a bidirectional layer step
/// `s` reads `x[T − s]`. `H` is the hidden size.
#[derive(Clone, Debug, PartialEq)]
pub struct CellTrace {
    /// Steps `T`.
    pub steps: usize,
    /// Hidden size `H`.
    pub hidden: usize,
    /// The cached gates by name in the app's convention, each `(name, (T, H))`: GRU `z r
    /// h_tilde`, LSTM `i f g o`, RNN `pre` (the pre-activation).
    pub gates: Vec<(String, Vec<f64>)>,
    /// `(T+1, H)`: `h_0 … h_T`.
    pub h: Vec<f64>,
    /// `(T+1, H)`: the LSTM's cell state `c_0 … c_T`; `None` for other cells.
    pub c: Option<Vec<f64>>,
    /// `(T)`: `‖J_s‖` of the `h → h` block of the one-step Jacobian `∂h_s/∂h_{s−1}`.
    pub one_step: Vec<Norms>,
    /// `(T+1)`: `‖∂h_T/∂h_{T−k}‖` for `k = 0..=T` (`h → h` block of the product of whole-state
    /// Jacobians, so for the LSTM it includes the paths through `c`).
    pub flow: Vec<Norms>,
    /// `(T+1)`: `‖dL/dh_t‖₂` for `t = 0..=T` (full BPTT; for the LSTM with `c_t` held fixed);
    /// `None` when `backward` has not run.
    pub grad_h: Option<Vec<f64>>,
    /// What the one-step Jacobians are made of, each part named with its block.
    pub anatomy: Anatomy,
}

/// The [`CellTrace`] of `sel` from a workspace filled by `forward` (and `backward`, see
/// [`Backward`]); with the GRU's three Jacobian terms as matrices at step `matrices_at`.
/// [`Tracing`] run to the end in one call.
///
/// # Errors
/// [`Error::Config`] when the selection or step does not fit the model/workspace.
pub fn cell_trace<T: Real>(
    model: &Model<T>,
    ws: &Workspace<T>,
    sel: CellSel,
    matrices_at: Option<usize>,
    grads: Backward,
) -> Result<CellTrace, Error> {
    Tracing::new(model, ws, sel, matrices_at, grads)?.finish(model, ws)
}

/// Runs one sequence `x (T, I)` (batch 1, zero initial state, no dropout) through `model` —
/// one forward pass — back-propagates `dy` when given (`(R, O)`, `R` = 1 for
/// [`Readout::Final`], `T` per step) and returns the [`CellTrace`] of layer `sel.layer`,
/// direction `sel.dir` (`sel.sample` must be 0) with the workspace.
///
/// # Errors
/// [`Error::Config`] for an empty sequence, wrong `x`/`dy` lengths, or a bad selection.
pub fn run_and_trace<T: Real>(
    model: &Model<T>,
    x: &[T],
    dy: Option<&[T]>,
    sel: CellSel,
    matrices_at: Option<usize>,
) -> Result<(CellTrace, Workspace<T>), Error> {
    let cfg = &model.config;
    let steps = x.len() / cfg.input;
    if steps == 0 || x.len() != steps * cfg.input {
        return Err(Error::Config(format!(
            "x: expected T·{} values with T ≥ 1, got {}",
            cfg.input,
            x.len()
        )));
    }
    let mut ws = Workspace::default();
    forward(model, &mut ws, x, steps, 1, Mode::Eval);
    let grads = match dy {
        Some(dy) => {
            let rows = match cfg.readout {
                Readout::Final => 1,
                Readout::PerStep => steps,
            };
            if dy.len() != rows * cfg.output {
                return Err(Error::Config(format!(
                    "dy: expected {rows}·{} values, got {}",
                    cfg.output,
                    dy.len()
                )));
            }
            ws.dy.copy_from_slice(dy);
            backward(model, &mut ws, BackwardOpts::analysis());
            Backward::Ran
        }
        None => Backward::NotRun,
    };
    let trace = cell_trace(model, &ws, sel, matrices_at, grads)?;
    Ok((trace, ws))
}
