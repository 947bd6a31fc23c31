//! A recurrent network: stacked (and optionally bidirectional) layers of one cell kind, input
//! and recurrent dropout, and a linear head `y = h W_o + b_o` read at the final step or at
//! every step. Parameters live in one flat vector described by a [`Layout`].
//!
//! Unrolling is here; one step is [`crate::cell::Cell`]. Forward ([`forward`]) records every
//! state and cache in a reusable [`Workspace`]; backward ([`backward`]) replays them in reverse.

mod backward;
mod forward;
mod init;
mod plan;
mod workspace;

pub use backward::{backward, vanished, BackwardOpts, Vanished};
pub use forward::{forward, Mode};
pub use init::Init;
pub(crate) use plan::plan;
pub use plan::CellSlot;
pub use workspace::Workspace;

use serde::{Deserialize, Serialize};

use crate::cell::{CellKind, Surgery};
use crate::params::Layout;
use crate::{Error, Real};

/// One or two directions per layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Left to right only.
    #[default]
    Forward,
    /// A forward and a backward pass; a layer's output is `[h_fwd, h_bwd]` (`2H`).
    Bidirectional,
}

impl Direction {
    /// 1 or 2.
    pub fn count(self) -> usize {
        match self {
            Direction::Forward => 1,
            Direction::Bidirectional => 2,
        }
    }
}

/// Where the head reads the top layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Readout {
    /// One output per sequence, from the final states (`h_T`; bidirectional: `[h_T^fwd, h_1^bwd]`,
    /// the final state of each direction, like PyTorch's `h_n`).
    #[default]
    Final,
    /// One output per step, from `[h_t^fwd, h_t^bwd]`.
    PerStep,
}

/// Everything that fixes a model's shape and regularisation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelConfig {
    /// Cell of every layer.
    pub cell: CellKind,
    /// Input size `I`.
    pub input: usize,
    /// Hidden size `H` per direction.
    pub hidden: usize,
    /// Number of stacked layers (≥ 1).
    pub layers: usize,
    /// One or two directions.
    pub direction: Direction,
    /// Head output size `O`.
    pub output: usize,
    /// Where the head reads.
    pub readout: Readout,
    /// Probability of dropping each layer input (one mask per sequence, shared over time).
    pub input_dropout: f64,
    /// Probability of dropping each unit of `h_{t−1}` on its way into the recurrent weights
    /// (one mask per sequence, shared over time; Gal & Ghahramani 2016).
    pub recurrent_dropout: f64,
    /// Gate surgery applied by every cell (absent in older checkpoints = none).
    #[serde(default, skip_serializing_if = "Surgery::is_none")]
    pub surgery: Surgery,
}

impl ModelConfig {
    /// A one-layer, one-direction model `I → H → O` read at the final step, no dropout.
    pub fn new(cell: CellKind, input: usize, hidden: usize, output: usize) -> Self {
        Self {
            cell,
            input,
            hidden,
            layers: 1,
            direction: Direction::Forward,
            output,
            readout: Readout::Final,
            input_dropout: 0.0,
            recurrent_dropout: 0.0,
            surgery: Surgery::default(),
        }
    }
    /// Sets the number of stacked layers.
    pub fn layers(mut self, n: usize) -> Self {
        self.layers = n;
        self
    }
    /// Sets the direction.
    pub fn direction(mut self, d: Direction) -> Self {
        self.direction = d;
        self
    }
    /// Sets the readout.
    pub fn readout(mut self, r: Readout) -> Self {
        self.readout = r;
        self
    }
    /// Sets both dropout probabilities.
    pub fn dropout(mut self, input: f64, recurrent: f64) -> Self {
        self.input_dropout = input;
        self.recurrent_dropout = recurrent;
        self
    }

    /// Sets the gate surgery.
    pub fn surgery(mut self, s: Surgery) -> Self {
        self.surgery = s;
        self
    }

    /// Checks every size, probability and the surgery.
    ///
    /// # Errors
    /// [`Error::Config`] naming the offending field.
    pub fn validate(&self) -> Result<(), Error> {
        let bad = |f: &str, why: &str| Err(Error::Config(format!("{f}: {why}")));
        if self.input == 0 || self.input > 4096 {
            return bad("input", "must be between 1 and 4096");
        }
        if self.hidden == 0 || self.hidden > 1024 {
            return bad("hidden", "must be between 1 and 1024");
        }
        if self.layers == 0 || self.layers > 8 {
            return bad("layers", "must be between 1 and 8");
        }
        if self.output == 0 || self.output > 4096 {
            return bad("output", "must be between 1 and 4096");
        }
        for (f, p) in [
            ("input_dropout", self.input_dropout),
            ("recurrent_dropout", self.recurrent_dropout),
        ] {
            if !(0.0..0.95).contains(&p) {
                return bad(f, "must be a probability in [0, 0.95)");
            }
        }
        self.surgery.validate()
    }
}

/// A recurrent network and its parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct Model<T> {
    /// Shape and regularisation.
    pub config: ModelConfig,
    /// Names and places of every parameter block.
    pub layout: Layout,
    /// All parameters, flat, in `layout` order.
    pub params: Vec<T>,
    /// Cells in order `(layer 0, fwd), (layer 0, bwd), (layer 1, fwd), …`.
    pub slots: Vec<CellSlot>,
    /// Range of the head `[W_o (D, O), b_o (O)]`, `D = H · directions`.
    pub head: std::ops::Range<usize>,
}

impl<T: Real> Model<T> {
    /// Builds a model with zero parameters (call [`Init::apply`] or load weights).
    ///
    /// # Errors
    /// [`Error::Config`] when the configuration is invalid.
    pub fn zeros(config: ModelConfig) -> Result<Self, Error> {
        config.validate()?;
        let plan::Plan {
            layout,
            slots,
            head,
        } = plan(&config);
        let params = vec![T::zero(); layout.len()];
        Ok(Self {
            config,
            layout,
            params,
            slots,
            head,
        })
    }

    /// Builds and initialises a model from a seed.
    ///
    /// # Errors
    /// [`Error::Config`] when the configuration is invalid.
    pub fn new(config: ModelConfig, init: Init, seed: u64) -> Result<Self, Error> {
        let mut m = Self::zeros(config)?;
        init.apply(&mut m, seed);
        Ok(m)
    }

    /// Number of scalar parameters.
    pub fn n_params(&self) -> usize {
        self.params.len()
    }
    /// Width of the top layer's output `D = H · directions` (the head's input).
    pub fn top_width(&self) -> usize {
        self.config.hidden * self.config.direction.count()
    }
    /// Index in [`Model::slots`] of layer `layer`, direction `dir`.
    pub fn slot_index(&self, layer: usize, dir: usize) -> usize {
        layer * self.config.direction.count() + dir
    }
}
