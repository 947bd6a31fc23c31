//! The answers' shared phrasing: the steps their figures are of, counts and per-cell lists as
//! the cost table writes them, the validation sentence, and the TCN / attention runs beside the cells.

use super::facts::{CellFacts, Facts};
use crate::cost::formula;
use crate::fmt::{fmt_count, fmt_ms, fmt_num};

/// The step of the model the views analysed (the live step before any analysis).
pub(super) fn seen(f: &Facts) -> u64 {
    f.views_step.unwrap_or_else(|| f.step())
}

/// The step of the oldest of the runs' latest validations (what validation figures are of).
pub(super) fn val_at(f: &Facts) -> u64 {
    f.cells
        .iter()
        .filter_map(|c| c.val_step)
        .min()
        .unwrap_or_else(|| f.step())
}

/// A count as the cost table writes it.
pub(super) fn count(n: usize) -> String {
    fmt_count(n as u64)
}

/// `"GRU 0.0123, LSTM 0.0456"` of `metric` for the compared cells, or `None` if one is missing.
pub(super) fn each(f: &Facts, metric: fn(&CellFacts) -> Option<f64>) -> Option<String> {
    let parts: Option<Vec<String>> = f
        .cells
        .iter()
        .map(|c| metric(c).map(|v| format!("{} {}", c.label, fmt_num(v))))
        .collect();
    parts.filter(|p| !p.is_empty()).map(|p| p.join(", "))
}

/// A sentence with the live validation losses, or what is missing.
pub(super) fn val_sentence(f: &Facts) -> String {
    match each(f, |c| c.val_loss) {
        Some(v) if f.step() > 0 => format!("At step {}, validation loss: {v}.", val_at(f)),
        _ => "No validation loss yet: press \"Run this experiment\" and let it train.".into(),
    }
}

/// `"GRU 881, LSTM 1 201"`: every cell's whole-model parameters, or `None` before they are known.
pub(super) fn each_count(f: &Facts) -> Option<String> {
    let parts: Vec<String> = f
        .cells
        .iter()
        .filter(|c| c.params > 0)
        .map(|c| format!("{} {}", c.label, fmt_count(c.params)))
        .collect();
    (parts.len() == f.cells.len() && !parts.is_empty()).then(|| parts.join(", "))
}

/// "GRU 3·(I+H+1)·H = 912" for one cell at this run's I and H; a cell whose H is not the
/// run's (a parameter budget sizes each cell's own) names its H: "LSTM (H = 13) 4·(I+H+2)·H = 988".
pub(super) fn weights(f: &Facts, c: &CellFacts) -> String {
    let own_h = if c.hidden == f.hidden {
        String::new()
    } else {
        format!(" (H = {})", c.hidden)
    };
    format!(
        "{}{own_h} {} = {}",
        c.label,
        formula(c.kind),
        count(c.layer_params)
    )
}

/// The live numbers of the TCN and attention runs beside the cells: the last output's
/// sensitivity to the first input ‖∂y/∂x‖ at lag T − 1 for every run, and every run's
/// measured ms per step; `None` when the run compares no such model.
pub(super) fn beside(f: &Facts) -> Option<String> {
    if f.models.is_empty() {
        return None;
    }
    let num = |v: Option<f64>| v.map_or("—".to_string(), fmt_num);
    let ms = |v: Option<f64>| fmt_ms(v.unwrap_or(f64::NAN));
    /// One run's figures in the sentence.
    struct Run<'a> {
        label: &'a str,
        far_input: Option<f64>,
        step_ms: Option<f64>,
        val_loss: Option<f64>,
    }
    let cells = f.cells.iter().map(|c| Run {
        label: &c.label,
        far_input: c.far_input,
        step_ms: c.step_ms,
        val_loss: c.val_loss,
    });
    let models = f.models.iter().map(|m| Run {
        label: &m.label,
        far_input: m.far_input,
        step_ms: m.step_ms,
        val_loss: m.val_loss,
    });
    let all: Vec<Run> = cells.chain(models).collect();
    if f.models.iter().any(|m| m.far_input.is_none()) {
        return Some(
            "The TCN and attention numbers appear once the runs have trained and been inspected."
                .into(),
        );
    }
    let join = |pick: &dyn Fn(&Run) -> String| {
        all.iter()
            .map(|r| format!("{} {}", r.label, pick(r)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let rf = f
        .models
        .iter()
        .find_map(|m| m.receptive_field)
        .map_or(String::new(), |r| {
            format!(" The TCN's receptive field is {r} steps.")
        });
    Some(format!(
        "Beside the cells, on the same data at T = {}: ‖∂y_T/∂x_1‖ (the first input: the sensitivity chart's largest lag, k = T − 1) is {}; validation loss {}; measured ms per training step {}.{rf} \
         From x_1 a recurrent path crosses T − 1 state-to-state Jacobians; the attention model reaches x_1 in one hop weighted by its attention P (an input it ignores gets almost no gradient), and its T² is the encoder computing every row; the TCN through at most its L levels of dilated convolutions, and not at all from inputs beyond its receptive field.",
        f.seq_len,
        join(&|r| num(r.far_input)),
        join(&|r| num(r.val_loss)),
        join(&|r| ms(r.step_ms)),
    ))
}

/// "1 layer", "2 layers".
pub(super) fn counted(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
