//! The sequence models without recurrence the page compares beside the cells: a TCN and a
//! one-layer causal attention model (gru-core's `seq`). They share the `cells=` key
//! (`cells=gru,tcn,attn`) and run after the recurrent cells; their shapes follow `hidden`
//! and the task's length, except the TCN's depth, which [`TCN_LEVELS`] can fix (so its
//! receptive field can fall short of the sequence).

use gru_core::model::Direction;
use gru_core::seq::{AttentionConfig, ModelKind, Positions, TcnConfig};
use gru_core::TrainConfig;

use super::param::{Applies, Field, Group, Param};
use super::{Budget, Settings};

/// Most TCN levels (receptive field `2^12 = 4,096` steps with kernel 2).
pub const MAX_TCN_LEVELS: usize = 12;
/// Largest TCN kernel (gru-core takes up to 16).
pub const MAX_TCN_KERNEL: usize = 8;
/// Most attention heads.
pub const MAX_HEADS: usize = 16;

/// The TCN's number of dilated levels; 0 = the fewest that cover the sequence.
pub(super) const TCN_LEVELS: Param = Param {
    key: "tcn_levels",
    legacy: None,
    label: "TCN levels",
    tip: "Dilated levels L of the TCN (dilations 1, 2, 4, …): its output sees the last 1 + (k−1)(2^L − 1) steps (2^L with kernel k = 2). 0 = the fewest levels that cover the whole sequence",
    field: Field::Count {
        min: 0,
        max: MAX_TCN_LEVELS as u64,
        get: |s| s.tcn_levels as u64,
        put: |s, v| s.tcn_levels = v as usize,
    },
    applies: Applies::OnReset,
    group: Group::Model,
};

/// The TCN's kernel size `k`: taps per convolution, so the receptive field is
/// `1 + (k−1)(2^L − 1)`.
pub(super) const TCN_KERNEL: Param = Param {
    key: "tcn_kernel",
    legacy: None,
    label: "TCN kernel",
    tip: "Taps k of every TCN convolution (2–8): the receptive field is 1 + (k−1)(2^L − 1) steps, and each level has k times the weights of a 1-tap layer",
    field: Field::Count {
        min: 2,
        max: MAX_TCN_KERNEL as u64,
        get: |s| s.tcn_kernel as u64,
        put: |s, v| s.tcn_kernel = v as usize,
    },
    applies: Applies::OnReset,
    group: Group::Model,
};

/// The attention model's heads; each attends with `hidden / heads` dimensions.
pub(super) const HEADS: Param = Param {
    key: "heads",
    legacy: None,
    label: "Attention heads",
    tip: "Heads of the attention layer (1–16, must divide hidden units): each head has its own T × T weights over hidden/heads dimensions; the parameters stay the same",
    field: Field::Count {
        min: 1,
        max: MAX_HEADS as u64,
        get: |s| s.heads as u64,
        put: |s, v| s.heads = v as usize,
    },
    applies: Applies::OnReset,
    group: Group::Model,
};

/// Where the attention model learns the order of its inputs from (`positions=`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PositionKind {
    /// The fixed sin/cos table of Vaswani et al.: no parameters.
    Sinusoidal,
    /// A learned vector per position: `T · hidden` more parameters.
    Learned,
}

/// `positions=` ids and labels.
const POSITION_KINDS: &[(&str, &str)] = &[("sinusoidal", "Sinusoidal"), ("learned", "Learned")];

/// The attention model's positions.
pub(super) const POSITIONS: Param = Param {
    key: "positions",
    legacy: None,
    label: "Attention positions",
    tip: "How the attention model knows where a step is: a fixed sin/cos table (no weights, any length) or a learned vector per step (T × hidden more weights, trained like the rest). Without either, causal attention could only count, not place",
    field: Field::Choice {
        options: POSITION_KINDS,
        get: |s| match s.positions {
            PositionKind::Sinusoidal => "sinusoidal",
            PositionKind::Learned => "learned",
        },
        put: |s, v| {
            s.positions = if v == "learned" {
                PositionKind::Learned
            } else {
                PositionKind::Sinusoidal
            }
        },
    },
    applies: Applies::OnReset,
    group: Group::Model,
};

/// A compared model that is not a recurrent cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SeqModel {
    /// Causal dilated convolutions, kernel `tcn_kernel`, as many levels as cover the sequence
    /// (or `tcn_levels`).
    Tcn,
    /// One pre-LN causal self-attention layer, `heads` heads, `positions`.
    Attention,
}

/// The non-recurrent models the page offers: URL id (in `cells=`) and kind.
pub const MODELS: &[(&str, SeqModel)] = &[("tcn", SeqModel::Tcn), ("attn", SeqModel::Attention)];

/// Most attention weights `B·T²` one training step may hold (16 Mi floats = 64 MiB in f32).
pub const MAX_ATTENTION_WEIGHTS: usize = 16 << 20;

impl SeqModel {
    /// URL id.
    pub fn id(self) -> &'static str {
        MODELS.iter().find(|m| m.1 == self).map_or("tcn", |m| m.0)
    }
    /// Label on the page (the same as gru-core's `ModelKind::label`).
    pub fn label(self) -> &'static str {
        match self {
            SeqModel::Tcn => "TCN",
            SeqModel::Attention => "Attention",
        }
    }
}

impl Settings {
    /// How many runs these settings train: the cells, then the other models.
    pub fn n_runs(&self) -> usize {
        self.run_specs().len() + self.models.len()
    }

    /// The label of every run, in run order ("GRU", "RNN", "GRU one-way", "TCN", "Attention").
    pub fn run_labels(&self) -> Vec<String> {
        let cells = self.run_specs().into_iter().map(|s| s.label());
        cells
            .chain(self.models.iter().map(|m| m.label().to_string()))
            .collect()
    }

    /// gru-core's shape of `m` here: width `hidden`; the TCN with kernel `tcn_kernel` and
    /// `tcn_levels` levels, or (0) the fewest whose receptive field covers the task's `T` (at
    /// most 12); the attention model with `heads` heads, `F = 2·hidden`, `positions` (learned:
    /// one vector per step of the task's `T`). Input,
    /// output and readout are the task's (filled in by gru-core).
    ///
    /// # Errors
    /// A message when the task or knob is invalid.
    pub fn model_kind(&self, m: SeqModel) -> Result<ModelKind, String> {
        let task = self.task_config()?.build().map_err(|e| e.to_string())?;
        let (i, o) = (task.input_size(), task.output_size());
        Ok(match m {
            SeqModel::Tcn => {
                let c = TcnConfig::new(i, self.hidden, o).kernel(self.tcn_kernel);
                ModelKind::Tcn(match self.tcn_levels {
                    0 => c.covering(task.seq_len()),
                    n => c.levels(n),
                })
            }
            SeqModel::Attention => {
                let positions = match self.positions {
                    PositionKind::Sinusoidal => Positions::Sinusoidal,
                    PositionKind::Learned => Positions::Learned {
                        max_len: task.seq_len(),
                    },
                };
                ModelKind::Attention(
                    AttentionConfig::new(i, self.hidden, o)
                        .heads(self.heads)
                        .positions(positions),
                )
            }
        })
    }

    /// The training config (data, seed, optimiser, lr, clip: the cells') and shape of `m`.
    ///
    /// # Errors
    /// A one-line message naming the setting that does not fit.
    pub fn model_train_config(&self, m: SeqModel) -> Result<(TrainConfig, ModelKind), String> {
        self.check_models()?;
        let cell = self
            .cells
            .first()
            .copied()
            .unwrap_or(gru_core::cell::CellKind::Gru);
        let mut cfg = self.train_config(cell)?;
        cfg.hidden = self.hidden;
        Ok((cfg, self.model_kind(m)?))
    }

    /// The TCN and attention model run one way, without recurrence, dropout or gate surgery:
    /// settings that only a recurrent model has are refused while one of them is compared.
    ///
    /// # Errors
    /// One line naming the settings to change.
    pub fn check_models(&self) -> Result<(), String> {
        if self.models.is_empty() {
            return Ok(());
        }
        let mut clash = Vec::new();
        if self.layers > 1 {
            clash.push("layers > 1");
        }
        if self.direction == Direction::Bidirectional {
            clash.push("bi=1");
        }
        if self.input_dropout > 0.0 || self.recurrent_dropout > 0.0 {
            clash.push("dropout");
        }
        if self.budget != Budget::Off {
            clash.push("budget=gru");
        }
        if self.surgery != gru_core::cell::Surgery::default() {
            clash.push("gate surgery or initial-weight changes");
        }
        if !clash.is_empty() {
            let names: Vec<&str> = self.models.iter().map(|m| m.label()).collect();
            let (is, it) = if names.len() == 1 {
                ("is", "it")
            } else {
                ("are", "them")
            };
            return Err(format!(
                "cells: {} {is} one-way and without recurrence, so {} cannot apply to {it} — \
                 {it} {is} left out; compare with one-layer, one-way cells without these settings",
                names.join(" and "),
                clash.join(", ")
            ));
        }
        self.check_heads()?;
        if self.models.contains(&SeqModel::Attention) {
            let t = self
                .task_config()?
                .build()
                .map_err(|e| e.to_string())?
                .seq_len();
            // The cache keeps one T × T matrix per sequence and head.
            let heads = self.heads.max(1);
            let weights = self.batch.saturating_mul(heads).saturating_mul(t * t);
            if weights > MAX_ATTENTION_WEIGHTS {
                return Err(format!(
                    "cells: attention at T = {t} with batch {} and {heads} head(s) keeps {weights} \
                     weights per step (B·heads·T²), more than {MAX_ATTENTION_WEIGHTS}: lower T, \
                     the batch or the heads",
                    self.batch,
                ));
            }
        }
        Ok(())
    }

    /// With attention compared, `heads` must divide `hidden` (each head gets `hidden / heads`
    /// dimensions of the queries, keys and values).
    ///
    /// # Errors
    /// One line naming both numbers and the heads that would fit.
    pub fn check_heads(&self) -> Result<(), String> {
        if !self.models.contains(&SeqModel::Attention)
            || self.hidden.is_multiple_of(self.heads.max(1))
        {
            return Ok(());
        }
        let fit: Vec<String> = (1..=self.hidden.min(MAX_HEADS))
            .filter(|&n| self.hidden.is_multiple_of(n))
            .map(|n| n.to_string())
            .collect();
        Err(format!(
            "heads: {} heads cannot split the attention's width of {} hidden units evenly \
             (each head gets hidden/heads dimensions); use {}",
            self.heads,
            self.hidden,
            fit.join(", ")
        ))
    }
}

#[cfg(test)]
#[path = "models_tests.rs"]
mod tests;
