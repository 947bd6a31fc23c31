//! [`TrainConfig`]: everything that defines a training run, and its checks.

use serde::{Deserialize, Serialize};

use crate::cell::{CellKind, Surgery};
use crate::model::{Direction, Init, ModelConfig};
use crate::optim::OptimizerConfig;
use crate::task::{Task, TaskConfig};
use crate::Error;

/// Everything that defines a training run; with the same config the run is bit-identical.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TrainConfig {
    /// Task and its difficulty knob.
    pub task: TaskConfig,
    /// Cell of every layer.
    pub cell: CellKind,
    /// Hidden units per direction.
    pub hidden: usize,
    /// Stacked layers.
    pub layers: usize,
    /// One or two directions.
    pub direction: Direction,
    /// Input dropout probability.
    pub input_dropout: f64,
    /// Recurrent dropout probability.
    pub recurrent_dropout: f64,
    /// Sequences per step.
    pub batch: usize,
    /// Optimiser and learning rate.
    pub optimizer: OptimizerConfig,
    /// Global gradient-norm limit, `None` = no clipping.
    pub clip: Option<f64>,
    /// Truncated BPTT length, `None` = full sequence.
    pub truncate: Option<usize>,
    /// Weight initialisation.
    pub init: Init,
    /// Gate surgery (none by default).
    #[serde(skip_serializing_if = "Surgery::is_none")]
    pub surgery: Surgery,
    /// Seed of weights, data and dropout.
    pub seed: u64,
    /// Train on a fixed set of this many sequences, cycled in minibatches
    /// ([`crate::task::FixedSet`]); `None` = fresh sequences every step.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub train_set: Option<usize>,
}

impl Default for TrainConfig {
    /// GRU, 16 units, adding problem of length 30, batch 32, Adam 0.01, clip 1.
    fn default() -> Self {
        Self {
            task: TaskConfig::Adding { len: 30 },
            cell: CellKind::Gru,
            hidden: 16,
            layers: 1,
            direction: Direction::Forward,
            input_dropout: 0.0,
            recurrent_dropout: 0.0,
            batch: 32,
            optimizer: OptimizerConfig::adam(0.01),
            clip: Some(1.0),
            truncate: None,
            init: Init::XavierOrthogonal,
            surgery: Surgery::default(),
            seed: 1,
            train_set: None,
        }
    }
}

impl TrainConfig {
    /// The model shape this config trains on `task`.
    pub fn model_config(&self, task: &Task) -> ModelConfig {
        ModelConfig::new(
            self.cell,
            task.input_size(),
            self.hidden,
            task.output_size(),
        )
        .layers(self.layers)
        .direction(self.direction)
        .readout(task.readout())
        .dropout(self.input_dropout, self.recurrent_dropout)
        .surgery(self.surgery)
    }

    /// Checks the batch size, clipping and truncation (the model and task check their own).
    ///
    /// # Errors
    /// [`Error::Config`] naming the field.
    pub fn validate(&self) -> Result<(), Error> {
        if !(1..=1024).contains(&self.batch) {
            return Err(Error::Config(format!(
                "batch: {} is not in 1..=1024",
                self.batch
            )));
        }
        if let Some(c) = self.clip {
            if !(c.is_finite() && c > 0.0) {
                return Err(Error::Config(format!(
                    "clip: {c} must be a positive number"
                )));
            }
        }
        if self.truncate == Some(0) {
            return Err(Error::Config("truncate: must be at least 1 step".into()));
        }
        self.optimizer.validate()
    }
}
