//! What one compared cell costs, in the words an interview uses: parameters (with the formula
//! per layer and direction), FLOPs of one training step, and the activation memory kept for
//! backpropagation through time. The numbers come from `gru_core::seq::cost::Cost` (checked
//! there against the built models); this file adds the formula text and the budget sizing.
//!
//! Bias vectors per gate block (`G` blocks of `W (I, H)`, `U (H, H)`):
//! - **GRU (the app's)**: one bias per block, `3·(I+H+1)·H` — the reset gate acts before `U_h`,
//!   so a second bias on `U_h h` would only add to the first.
//! - **GRU (PyTorch)**, **LSTM**, **RNN**: PyTorch's two vectors `b_ih` and `b_hh` per block,
//!   `3·(I+H+2)·H`, `4·(I+H+2)·H`, `(I+H+2)·H`. Two biases are redundant for the LSTM and RNN
//!   (they are only ever summed) and for the PyTorch GRU's `z`, `r`; `b_hn` is not, since the
//!   reset multiplies it.
//!
//! Layer 1 reads the task's `I` inputs, later layers the `D·H` outputs of the layer below
//! (`D` = 2 when bidirectional). The linear head adds `(D·H+1)·O`.

use gru_core::cell::CellKind;
use gru_core::model::{Direction, ModelConfig, Readout};
use gru_core::seq::cost::Cost;
use gru_core::TrainConfig;

/// Bytes of one stored activation (the app trains in `f32`).
const BYTES: usize = 4;

/// The cost of one cell's model.
#[derive(Clone, Debug, PartialEq)]
pub struct CellCost {
    /// Scalar parameters, head included.
    pub params: usize,
    /// Per layer and direction, e.g. `3·(I+H+1)·H` (the head's `(D·H+1)·O` added separately).
    pub formula: String,
    /// The formula with this model's numbers, layer by layer and the head, e.g.
    /// `3·(1+16+1)·16 + (16+1)·1 = 881`.
    pub expanded: String,
    /// FLOPs of one training step (forward + backward ≈ 3 × forward, matrix products only,
    /// a multiply-add = 2) over `batch` sequences of length `t`.
    pub flops_per_step: u64,
    /// Bytes of activations kept for BPTT over one batch of `batch` sequences (f32).
    pub activation_bytes: u64,
    /// Weights of the recurrent layers only (every layer and direction, no head).
    pub recurrent_params: usize,
}

/// The symbolic per-layer, per-direction formula, e.g. `3·(I+H+1)·H`.
pub fn formula(cell: CellKind) -> String {
    match (cell.gate_blocks(), cell.bias_vectors()) {
        (1, b) => format!("(I+H+{b})·H"),
        (g, b) => format!("{g}·(I+H+{b})·H"),
    }
}

/// PyTorch's count for `nn.GRU` / `nn.LSTM` / `nn.RNN` `(I, H)`, one layer: two bias vectors
/// per gate whatever the cell, `G·(I + H + 2)·H` (the page's GRU counts as `nn.GRU`).
pub fn torch_params(cell: CellKind, input: usize, hidden: usize) -> usize {
    cell.gate_blocks() * (input + hidden + 2) * hidden
}

/// Inputs of layer `l` (0-based): the task's `I` for the first, `D·H` above.
fn layer_input(cfg: &ModelConfig, l: usize) -> usize {
    if l == 0 {
        cfg.input
    } else {
        cfg.direction.count() * cfg.hidden
    }
}

/// Weights of the recurrent layers of `cfg` (every layer and direction, no head):
/// `Σ_l D·G·(I_l + H + n_b)·H`.
pub fn recurrent_params(cfg: &ModelConfig) -> usize {
    (0..cfg.layers)
        .map(|l| cfg.direction.count() * cfg.cell.layer_params(layer_input(cfg, l), cfg.hidden))
        .sum()
}

/// The cost of the model `config` trains (the task gives `I`, `O`, `T` and the readout).
///
/// # Errors
/// A one-line message when the task is invalid.
pub fn cost_of(config: &TrainConfig) -> Result<CellCost, String> {
    let task = config.task.build().map_err(|e| e.to_string())?;
    Ok(from_config(
        &config.model_config(&task),
        task.seq_len(),
        config.batch,
    ))
}

/// The cost of a recurrent model config at length `t`, batch `batch`.
pub fn from_config(cfg: &ModelConfig, t: usize, batch: usize) -> CellCost {
    let c = Cost::recurrent(cfg, t);
    let (g, b) = (cfg.cell.gate_blocks(), cfg.cell.bias_vectors());
    let (h, d, o) = (cfg.hidden, cfg.direction.count(), cfg.output);
    let mut terms: Vec<String> = (0..cfg.layers)
        .map(|l| {
            let i = layer_input(cfg, l);
            let dirs = if d == 2 { "2×" } else { "" };
            let gates = if g == 1 {
                String::new()
            } else {
                format!("{g}·")
            };
            format!("{dirs}{gates}({i}+{h}+{b})·{h}")
        })
        .collect();
    terms.push(format!("({}+1)·{o}", d * h));
    CellCost {
        params: c.params,
        formula: formula(cfg.cell),
        expanded: format!("{} = {}", terms.join(" + "), c.params),
        flops_per_step: c.flops_train_step(batch).round() as u64,
        activation_bytes: (c.activation_bytes(BYTES) * batch) as u64,
        recurrent_params: recurrent_params(cfg),
    }
}

fn model_config(
    cell: CellKind,
    input: usize,
    hidden: usize,
    layers: usize,
    dirs: usize,
    output: usize,
    readout: Readout,
) -> ModelConfig {
    let direction = if dirs >= 2 {
        Direction::Bidirectional
    } else {
        Direction::Forward
    };
    ModelConfig::new(cell, input, hidden, output)
        .layers(layers)
        .direction(direction)
        .readout(readout)
}

/// Parameters of the model (head included): the closed form of [`CellCost::params`].
pub fn params(
    cell: CellKind,
    input: usize,
    hidden: usize,
    layers: usize,
    dirs: usize,
    output: usize,
) -> usize {
    let cfg = model_config(cell, input, hidden, layers, dirs, output, Readout::Final);
    Cost::recurrent(&cfg, 1).params
}

/// The largest hidden size `H` whose model (head included) has at most `params_budget`
/// parameters; 0 when not even `H = 1` fits. Parameters grow strictly with `H`, so this is a
/// binary search up to `max_hidden`.
pub fn hidden_for_budget(
    cell: CellKind,
    params_budget: usize,
    input: usize,
    layers: usize,
    dirs: usize,
    output: usize,
    max_hidden: usize,
) -> usize {
    let fits = |h: usize| params(cell, input, h, layers, dirs, output) <= params_budget;
    let (mut lo, mut hi) = (0, max_hidden);
    // Invariant: lo fits (or is 0), everything above hi does not.
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        if fits(mid) {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    lo
}

#[cfg(test)]
#[path = "cost_tests.rs"]
mod tests;
