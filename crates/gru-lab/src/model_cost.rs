//! The cost row of a TCN or attention run, in the Compare table's terms ([`CellCost`]):
//! parameters with their formula, FLOPs of one training step, activation memory over a batch.
//! The numbers are gru-core's `Cost::tcn` / `Cost::attention` (checked there against the
//! built models); the text names the blocks.

use gru_core::seq::cost::Cost;
use gru_core::seq::{ModelKind, TcnConfig};

use crate::cost::CellCost;
use crate::settings::{SeqModel, Settings};

/// Bytes of one stored activation (the app trains in `f32`).
const BYTES: usize = 4;

/// The cost of model `m` under `settings` at the task's length and batch.
///
/// # Errors
/// A one-line message when the task is invalid.
pub fn model_cost(settings: &Settings, m: SeqModel) -> Result<CellCost, String> {
    let task = settings.task_config()?.build().map_err(|e| e.to_string())?;
    let (t, b) = (task.seq_len(), settings.batch);
    let (i, o) = (task.input_size(), task.output_size());
    let kind = settings.model_kind(m)?;
    let (c, formula, expanded) = match &kind {
        ModelKind::Tcn(cfg) => {
            let cfg = TcnConfig {
                input: i,
                output: o,
                readout: task.readout(),
                ..cfg.clone()
            };
            let c = Cost::tcn(&cfg, t);
            let (k, ch, l) = (cfg.kernel, cfg.channels, cfg.levels);
            // Level 0 reads I channels (and projects them for its residual when I ≠ C).
            let first = if i == ch {
                format!("({k}·{i}+1)·{ch}")
            } else {
                format!("({k}·{i}+1)·{ch} + ({i}+1)·{ch}")
            };
            let rest = if l > 1 {
                format!(" + {}×({k}·{ch}+1)·{ch}", l - 1)
            } else {
                String::new()
            };
            (
                c,
                "(k·C_in+1)·C per level (+ (C_in+1)·C residual projection where C_in ≠ C) + (C+1)·O (head)"
                    .to_string(),
                format!("{first}{rest} + ({ch}+1)·{o} = {}", c.params),
            )
        }
        ModelKind::Attention(cfg) => {
            let cfg = gru_core::seq::AttentionConfig {
                input: i,
                output: o,
                readout: task.readout(),
                ..cfg.clone()
            };
            let c = Cost::attention(&cfg, t);
            let (d, f) = (cfg.d_model, cfg.ffn);
            // Learned positions are a (max_len, D) table of weights; sinusoidal ones have none.
            let (pos, pos_n) = match cfg.positions {
                gru_core::seq::Positions::Learned { max_len } => {
                    (" + L·D (learned positions)", format!(" + {max_len}·{d}"))
                }
                gru_core::seq::Positions::Sinusoidal => ("", String::new()),
            };
            (
                c,
                format!("(I+1)·D{pos} + 4·(D+1)·D + (D+1)·F + (F+1)·D + 3·2D (layer norms) + (D+1)·O (head)"),
                format!(
                    "({i}+1)·{d}{pos_n} + 4·({d}+1)·{d} + ({d}+1)·{f} + ({f}+1)·{d} + 6·{d} + ({d}+1)·{o} = {}",
                    c.params
                ),
            )
        }
        ModelKind::Recurrent(_) => return Err("model: a recurrent cell has its own row".into()),
    };
    Ok(CellCost {
        params: c.params,
        formula,
        expanded,
        flops_per_step: c.flops_train_step(b).round() as u64,
        activation_bytes: (c.activation_bytes(BYTES) * b) as u64,
        recurrent_params: 0, // no recurrent layer
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::Lab;

    #[test]
    fn the_rows_count_the_parameters_of_the_models_the_lab_trains() {
        let (s, e) = Settings::from_query("cells=gru,tcn,attn&T=30&hidden=12");
        assert!(e.is_empty(), "{e:?}");
        let lab = Lab::new(s.clone()).expect("valid");
        for (run, m) in lab.runs[1..]
            .iter()
            .zip([SeqModel::Tcn, SeqModel::Attention])
        {
            let c = model_cost(&s, m).expect("cost");
            assert_eq!(c.params, run.trainer.net.n_params(), "{}", m.label());
            assert!(c.expanded.ends_with(&format!("= {}", c.params)));
        }
        // Attention's FLOPs grow with T² (the scores), the TCN's about linearly.
        let at = |t: usize, m| {
            let (s, _) = Settings::from_query(&format!("cells=gru,tcn,attn&T={t}&hidden=12"));
            model_cost(&s, m).expect("cost").flops_per_step as f64
        };
        let (a, tc) = (
            at(400, SeqModel::Attention) / at(100, SeqModel::Attention),
            at(400, SeqModel::Tcn) / at(100, SeqModel::Tcn),
        );
        assert!(a > 4.5 && tc < 6.0, "attention ×{a}, TCN ×{tc}");
    }

    #[test]
    fn every_tooltip_sum_adds_up_to_the_parameter_count() {
        for q in [
            "cells=gru,tcn,attn&T=30&hidden=12",
            "cells=gru,attn&T=30&hidden=12&positions=learned",
            "cells=gru,tcn&T=200&hidden=16&tcn_kernel=3",
            "cells=gru,attn&T=64&hidden=16&heads=4&positions=learned",
        ] {
            let (s, e) = Settings::from_query(q);
            assert!(e.is_empty(), "{q}: {e:?}");
            for &m in &s.models {
                let c = model_cost(&s, m).expect("cost");
                let (sum, total) = c.expanded.rsplit_once(" = ").expect("a sum");
                assert_eq!(total, c.params.to_string(), "{q}");
                assert_eq!(
                    crate::tooltip_sum::eval(sum),
                    c.params as u64,
                    "{q}: {}",
                    c.expanded
                );
            }
        }
    }
}
