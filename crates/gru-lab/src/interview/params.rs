//! What a compared model costs, as the interview answers quote it: weights per cell as a
//! formula and a number, FLOPs of a training step and activation memory (gru-core's
//! [`Cost`]). The formulas are checked against gru-core's real parameter vectors.
//!
//! One layer, one direction, input `I`, hidden `H`, `G` gate blocks: `G·(I + H + n_b)·H`, with
//! `n_b` bias vectors per gate. PyTorch keeps two (`b_ih`, `b_hh`) for every cell:
//! `nn.GRU(I, H)` has `3·(I+H+2)·H`, `nn.LSTM` `4·(I+H+2)·H`, `nn.RNN` `(I+H+2)·H`. The page's
//! own GRU applies r before `U_h`, so one bias per gate is enough: `3·(I+H+1)·H`.

use gru_core::cell::CellKind;
use gru_core::seq::cost::Cost;

use crate::settings::Settings;

pub use crate::cost::{blocks, formula};

/// Weights of one layer, one direction: `G·(I + H + n_b)·H`.
pub fn layer_params(kind: CellKind, input: usize, hidden: usize) -> usize {
    let (g, nb) = blocks(kind);
    g * (input + hidden + nb) * hidden
}

/// PyTorch's count for `nn.GRU` / `nn.LSTM` / `nn.RNN` `(I, H)`, one layer: two bias vectors
/// per gate whatever the cell (the page's GRU counts as `nn.GRU`).
pub fn torch_params(kind: CellKind, input: usize, hidden: usize) -> usize {
    let (g, _) = blocks(kind);
    g * (input + hidden + 2) * hidden
}

/// Input and output widths of the task the settings name.
///
/// # Errors
/// A message when the task or its knob is invalid.
pub fn task_io(s: &Settings) -> Result<(usize, usize), String> {
    let task = s.task_config()?.build().map_err(|e| e.to_string())?;
    Ok((task.input_size(), task.output_size()))
}

/// Weights in the recurrent layers only (every layer and direction, no head).
///
/// # Errors
/// A message when the task or its knob is invalid.
pub fn recurrent_params(s: &Settings, kind: CellKind) -> Result<usize, String> {
    let (input, _) = task_io(s)?;
    let (dirs, h) = (s.direction.count(), s.hidden_for(kind)?);
    Ok((0..s.layers)
        .map(|l| {
            let i = if l == 0 { input } else { dirs * h };
            dirs * layer_params(kind, i, h)
        })
        .sum())
}

/// gru-core's cost of the whole model (layers + head) that `s` trains with cell `kind`.
///
/// # Errors
/// A message when the task or its knob is invalid.
pub fn model_cost(s: &Settings, kind: CellKind) -> Result<Cost, String> {
    let cfg = s.train_config(kind)?;
    let task = cfg.task.build().map_err(|e| e.to_string())?;
    Ok(Cost::recurrent(&cfg.model_config(&task), task.seq_len()))
}

/// What the page's cost table shows for cell `kind` ([`crate::cost::cost_of`]).
///
/// # Errors
/// A message when the task or its knob is invalid.
pub fn table_cost(s: &Settings, kind: CellKind) -> Result<crate::cost::CellCost, String> {
    crate::cost::cost_of(&s.train_config(kind)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::CELLS;
    use gru_core::model::{Direction, Model};

    /// gru-core's real parameter vector for `s` with `kind`.
    fn real_count(s: &Settings, kind: CellKind) -> usize {
        let cfg = s.train_config(kind).expect("valid");
        let task = cfg.task.build().expect("task");
        Model::<f32>::zeros(cfg.model_config(&task))
            .expect("model")
            .n_params()
    }

    #[test]
    fn the_formulas_count_exactly_the_weights_gru_core_trains() {
        for (task, layers, bi, hidden) in [
            ("adding", 1, false, 16),
            ("adding", 2, true, 8),
            ("copy", 3, false, 5),
            ("parity", 1, true, 32),
        ] {
            for &(_, kind) in CELLS {
                let s = Settings {
                    task,
                    knob: 20,
                    layers,
                    hidden,
                    direction: if bi {
                        Direction::Bidirectional
                    } else {
                        Direction::Forward
                    },
                    ..Settings::default()
                };
                let (_, out) = task_io(&s).expect("io");
                let head = s.hidden * s.direction.count() * out + out;
                assert_eq!(
                    table_cost(&s, kind).expect("cost").params,
                    real_count(&s, kind)
                );
                let rec = recurrent_params(&s, kind).expect("count");
                let real = real_count(&s, kind);
                assert_eq!(rec + head, real, "{task} {kind:?} L{layers} bi{bi}");
                assert_eq!(model_cost(&s, kind).expect("cost").params, real);
            }
        }
    }

    #[test]
    fn under_a_parameter_budget_each_cell_is_counted_at_its_own_width() {
        let s = Settings::from_query("cells=gru,lstm,rnn&budget=gru&hidden=32").0;
        for &kind in &s.cells {
            let (_, out) = task_io(&s).expect("io");
            let h = s.hidden_for(kind).expect("h");
            let rec = recurrent_params(&s, kind).expect("count");
            assert_eq!(
                rec + h * out + out,
                real_count(&s, kind),
                "{kind:?} at H = {h}"
            );
        }
    }

    #[test]
    fn pytorch_counts_keep_two_bias_vectors() {
        // nn.GRU(2, 16): weight_ih 48×2, weight_hh 48×16, bias_ih 48, bias_hh 48 = 960.
        assert_eq!(
            torch_params(CellKind::Gru, 2, 16),
            48 * 2 + 48 * 16 + 48 + 48
        );
        assert_eq!(
            torch_params(CellKind::Lstm, 2, 16),
            64 * 2 + 64 * 16 + 64 + 64
        );
        assert_eq!(
            torch_params(CellKind::RnnTanh, 2, 16),
            16 * 2 + 16 * 16 + 16 + 16
        );
        // The torch-layout cells are exactly PyTorch's count; the page's GRU has 3·H fewer.
        for k in [CellKind::GruTorch, CellKind::Lstm, CellKind::RnnTanh] {
            assert_eq!(layer_params(k, 3, 7), torch_params(k, 3, 7), "{k:?}");
        }
        assert_eq!(layer_params(CellKind::Gru, 2, 16), 912);
        assert_eq!(torch_params(CellKind::Gru, 2, 16) - 912, 3 * 16);
        assert_eq!(layer_params(CellKind::Lstm, 2, 16), 1280);
    }
}
