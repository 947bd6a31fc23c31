//! Everything the app animates for one sequence, in one struct.

use super::anatomy::{anatomy, Anatomy};
use super::grad::{hidden_grad_norms, state_grads};
use super::jacobian::{check_sel, gates_in_order, states_in_order, step_jacobians};
use super::lagmap::lag_time_map;
use super::norms::one_step_norms;
use super::products::products_at;
use super::{CellSel, LagTimeMap, Part, StepJacobians};
use crate::cell::CellShape;
use crate::model::{backward, forward, BackwardOpts, Mode, Model, Readout, Workspace};
use crate::{Error, Real};

/// What [`sequence_trace`] computes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TraceOpts {
    /// The cell slot and sample (default layer 0, forward, sample 0).
    pub sel: CellSel,
    /// Target step `t` of the products `∂h_t/∂h_{t−k}`; `None` = the last step `T`.
    pub target: Option<usize>,
    /// Block the one-step and product norms and the map are taken of (default `h → h`).
    pub part: Part,
    /// Compute `dL/ds_t` (needs `backward` to have run on the workspace).
    pub grads: bool,
    /// Compute the full lag × time map (`T(T−1)/2` matrix products).
    pub lag_time: bool,
    /// Keep the product matrices at the target step.
    pub matrices: bool,
}

impl Default for TraceOpts {
    /// Layer 0 forward, sample 0, target `T`, `h → h`, with gradients and the map, no matrices.
    fn default() -> Self {
        Self {
            sel: CellSel::default(),
            target: None,
            part: Part::Hh,
            grads: true,
            lag_time: true,
            matrices: false,
        }
    }
}

/// The gradient-flow picture of one sequence through one cell slot (all `f64`, processing
/// order; `T` steps, hidden size `H`, state size `S`).
#[derive(Clone, Debug, PartialEq)]
pub struct SequenceTrace {
    /// Steps `T`.
    pub steps: usize,
    /// Hidden size `H`.
    pub hidden: usize,
    /// State size `S` (`2H` for the LSTM).
    pub state: usize,
    /// `(T+1, H)`: `h_0 … h_T`.
    pub h: Vec<f64>,
    /// `(T+1, H)`: `c_0 … c_T`, LSTM only.
    pub c: Option<Vec<f64>>,
    /// The cached gates, each `(name, (T, H))`, row `s − 1` = step `s`.
    pub gates: Vec<(String, Vec<f64>)>,
    /// `(T+1, S)`: `dL/ds_t` (see [`state_grads`]), when gradients were asked for.
    pub grad_state: Option<Vec<f64>>,
    /// `(T+1)`: `‖dL/dh_t‖₂`, when gradients were asked for.
    pub grad_h_norm: Option<Vec<f64>>,
    /// The target step `t` of the products.
    pub target: usize,
    /// `(t+1)`: `‖∂h_t/∂h_{t−k}‖_F` for `k = 0..=t` (block [`TraceOpts::part`]).
    pub jac_fro_at_target: Vec<f64>,
    /// `(t+1)`: the spectral norms of the same products.
    pub jac_spec_at_target: Vec<f64>,
    /// `(t+1, S, S)`: the full products `∂s_t/∂s_{t−k}`, when asked for.
    pub products_at_target: Option<Vec<f64>>,
    /// `(T)`: `‖J_s‖_F` of the chosen block, index `s − 1`.
    pub jac_fro: Vec<f64>,
    /// `(T)`: `‖J_s‖_2` of the chosen block.
    pub jac_spec: Vec<f64>,
    /// What the one-step Jacobians are made of, each part named with its block: GRU
    /// `A + B + C` on `h → h`, LSTM `diag(f)` on `c → c`, RNN the activation slope.
    pub anatomy: Anatomy,
    /// The lag × time map, when asked for.
    pub lag_time: Option<LagTimeMap>,
    /// The one-step Jacobians everything above was computed from.
    pub jacobians: StepJacobians,
}

/// Builds the [`SequenceTrace`] of `opts.sel` from a workspace filled by `forward` (and by
/// `backward` when `opts.grads`).
///
/// # Errors
/// [`Error::Config`] when the selection, target step or part does not fit the model/workspace.
pub fn sequence_trace<T: Real>(
    model: &Model<T>,
    ws: &Workspace<T>,
    opts: &TraceOpts,
) -> Result<SequenceTrace, Error> {
    let sel = opts.sel;
    let si = check_sel(model, ws, sel)?;
    let cell = &model.slots[si].cell;
    let (h, s) = (cell.hidden_size(), cell.state_size());
    let steps = ws.t;
    let j = step_jacobians(model, ws, sel)?;
    let states = states_in_order(model, ws, sel)?;
    let split = |off: usize| {
        states
            .chunks_exact(s)
            .flat_map(|r| r[off..off + h].iter().copied())
            .collect::<Vec<f64>>()
    };
    let (hs, cs) = (split(0), (s > h).then(|| split(h)));
    let gates = gates_in_order(model, ws, sel)?;
    let (grad_state, grad_h_norm) = if opts.grads {
        let g = state_grads(model, ws, &j, sel)?;
        let n = hidden_grad_norms(&g, s, h);
        (Some(g), Some(n))
    } else {
        (None, None)
    };
    let target = opts.target.unwrap_or(steps);
    let prod = products_at(&j, target, opts.part, opts.matrices)?;
    let one = one_step_norms(&j, opts.part)?;
    let anatomy = anatomy(model, ws, sel, None)?;
    let lag_time = if opts.lag_time {
        Some(lag_time_map(&j, opts.part)?)
    } else {
        None
    };
    Ok(SequenceTrace {
        steps,
        hidden: h,
        state: s,
        h: hs,
        c: cs,
        gates,
        grad_state,
        grad_h_norm,
        target,
        jac_fro_at_target: prod.fro,
        jac_spec_at_target: prod.spec,
        products_at_target: prod.matrices,
        jac_fro: one.iter().map(|n| n.jac.fro).collect(),
        jac_spec: one.iter().map(|n| n.jac.spec).collect(),
        anatomy,
        lag_time,
        jacobians: j,
    })
}

/// Runs one sequence `x (T, I)` (batch 1, zero initial state, no dropout) through `model`,
/// back-propagates `dy` when given (`(R, O)`, `R` = 1 for [`Readout::Final`], `T` per step)
/// and returns its [`SequenceTrace`] (gradients iff `dy` is given) with the workspace.
///
/// # Errors
/// [`Error::Config`] for an empty sequence, wrong `x`/`dy` lengths, or a bad selection.
pub fn run_and_trace<T: Real>(
    model: &Model<T>,
    x: &[T],
    dy: Option<&[T]>,
    opts: &TraceOpts,
) -> Result<(SequenceTrace, Workspace<T>), Error> {
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
    if let Some(dy) = dy {
        let rows = if cfg.readout == Readout::Final {
            1
        } else {
            steps
        };
        if dy.len() != rows * cfg.output {
            return Err(Error::Config(format!(
                "dy: expected {rows}·{} values, got {}",
                cfg.output,
                dy.len()
            )));
        }
        ws.dy.copy_from_slice(dy);
        backward(model, &mut ws, BackwardOpts::default());
    }
    let opts = TraceOpts {
        grads: dy.is_some(),
        ..*opts
    };
    let trace = sequence_trace(model, &ws, &opts)?;
    Ok((trace, ws))
}
