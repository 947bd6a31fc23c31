//! Everything a user can set, as one typed struct. Each setting is declared once, in
//! [`table::PARAMS`] (URL key, label, tooltip, range, whether it applies live); the URL codec
//! ([`query`]), validation and the page's form are all driven by that table.

mod legacy;
mod memory;
pub mod models;
mod panel;
pub mod param;
pub mod presets;
pub mod query;
mod runs;
pub mod same_runs;
mod surgery;
pub mod table;

use gru_core::cell::{CellKind, Surgery};
use gru_core::model::{Direction, Init};
use gru_core::optim::OptimizerConfig;
use gru_core::task::TaskConfig;
use gru_core::TrainConfig;

pub use memory::MEMORY_BUDGET;
pub use models::{PositionKind, SeqModel, MODELS};
pub use panel::Panel;
pub use param::{Applies, Field, Group, Param};
pub use runs::RunSpec;
pub use table::PARAMS;

/// Longest sequence (or delay) the page offers.
pub const MAX_KNOB: usize = 1000;
/// Most hidden units the page offers.
pub const MAX_HIDDEN: usize = 128;
/// Most cells compared side by side.
pub const MAX_CELLS: usize = 3;

/// The tasks the page offers: URL id and name.
pub static TASKS: &[(&str, &str)] = &[
    ("adding", "Adding problem"),
    ("copy", "Copy memory"),
    ("order", "Temporal order"),
    ("latch", "Latch (delayed recall)"),
    ("parity", "Parity"),
    ("sine", "Sine prediction"),
    ("lookahead", "Lookahead"),
];

/// The cells the page offers: URL id and kind.
pub const CELLS: &[(&str, CellKind)] = &[
    ("gru", CellKind::Gru),
    ("rnn", CellKind::RnnTanh),
    ("lstm", CellKind::Lstm),
    ("gru_torch", CellKind::GruTorch),
];

/// Which optimiser.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Optimizer {
    /// Adam.
    Adam,
    /// SGD with momentum 0.9.
    Sgd,
}

/// How the compared cells' hidden sizes are chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Budget {
    /// Every cell has `hidden` units.
    Off,
    /// Each cell gets the largest hidden size whose parameters (head included) are at most
    /// those of the app's GRU at `hidden` units (at least 1, at most [`MAX_HIDDEN`]).
    Gru,
}

/// How fast the worker trains.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Speed {
    /// As fast as the machine allows.
    Max,
    /// At most this many training steps per second (slow motion, to watch the gates change).
    PerSecond(f64),
}

/// Everything the user can set.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    /// Task URL id (one of [`TASKS`]).
    pub task: &'static str,
    /// The task's difficulty knob (sequence length, delay or bits).
    pub knob: usize,
    /// Cells trained side by side on the same data and seed.
    pub cells: Vec<CellKind>,
    /// Models without recurrence trained after the cells, on the same data and seed (at
    /// least one cell is compared too).
    pub models: Vec<SeqModel>,
    /// The TCN's dilated levels; 0 = the fewest that cover the sequence.
    pub tcn_levels: usize,
    /// The TCN's kernel size `k` (taps per convolution).
    pub tcn_kernel: usize,
    /// The attention model's heads (they split `hidden` into `hidden / heads` per head).
    pub heads: usize,
    /// The attention model's positions.
    pub positions: PositionKind,
    /// Hidden units per layer (of the GRU, when a parameter budget sizes the others).
    pub hidden: usize,
    /// Equal parameter budget for the compared cells.
    pub budget: Budget,
    /// Fixed training set of this many sequences, 0 = fresh sequences every step.
    pub train_n: usize,
    /// Stacked layers.
    pub layers: usize,
    /// Bidirectional layers.
    pub direction: Direction,
    /// With bidirectional layers: also train a one-way twin of every compared cell (same
    /// hidden size, data and seed), see [`Settings::run_specs`].
    pub oneway_twin: bool,
    /// Learning rate (applies live).
    pub lr: f64,
    /// Optimiser.
    pub optimizer: Optimizer,
    /// Gradient-norm clip, 0 = off (applies live).
    pub clip: f64,
    /// Sequences per step.
    pub batch: usize,
    /// Seed of weights, data and dropout.
    pub seed: u64,
    /// Input dropout probability.
    pub input_dropout: f64,
    /// Recurrent dropout probability.
    pub recurrent_dropout: f64,
    /// Training speed (applies live).
    pub speed: Speed,
    /// Gate surgery, initial gate biases and recurrent weight scale (see [`surgery`]).
    pub surgery: Surgery,
    /// Page parts hidden for a classroom link (a view setting), in [`Panel::ALL`] order.
    pub hide: Vec<Panel>,
    /// Larger page text for projectors (a view setting).
    pub presenter: bool,
    /// Interview mode (a view setting): `None` closed, `Some(0)` the list of questions,
    /// `Some(n)` question `n` of [`crate::interview::QUESTIONS`] (1-based).
    pub question: Option<usize>,
    /// Kernel benchmark mode (a view setting, `bench=kernels`): the page runs gru-core's
    /// kernel report in the worker and shows GFLOP/s per shape; training starts paused.
    pub bench_kernels: bool,
    /// Seeds per model of the length sweep and multi-seed comparison (a view setting,
    /// `seeds=`): `seed`, `seed + 1`, ….
    pub sweep_seeds: u32,
    /// Training steps of every run of the sweep (a view setting, `sweep_steps=`).
    pub sweep_steps: u64,
}

impl Default for Settings {
    /// The opening preset: GRU against a tanh RNN on the adding problem at T = 40, where the
    /// RNN's gradient visibly vanishes and the GRU's does not.
    fn default() -> Self {
        Self {
            task: "adding",
            knob: 40,
            cells: vec![CellKind::Gru, CellKind::RnnTanh],
            models: Vec::new(),
            tcn_levels: 0,
            tcn_kernel: 2,
            positions: PositionKind::Sinusoidal,
            heads: 1,
            hidden: 16,
            budget: Budget::Off,
            train_n: 0,
            layers: 1,
            direction: Direction::Forward,
            oneway_twin: false,
            lr: 0.01,
            optimizer: Optimizer::Adam,
            clip: 1.0,
            batch: 32,
            seed: 1,
            input_dropout: 0.0,
            recurrent_dropout: 0.0,
            speed: Speed::Max,
            surgery: Surgery::default(),
            hide: Vec::new(),
            presenter: false,
            question: None,
            bench_kernels: false,
            sweep_seeds: 1,
            sweep_steps: 300,
        }
    }
}

/// The task config of URL id `id` at knob `n`.
pub fn task_config(id: &str, n: usize) -> Option<TaskConfig> {
    Some(match id {
        "adding" => TaskConfig::Adding { len: n },
        "copy" => TaskConfig::copy_memory(n),
        "order" => TaskConfig::TemporalOrder { len: n },
        "latch" => TaskConfig::Latch { len: n },
        "parity" => TaskConfig::Parity { len: n },
        "sine" => TaskConfig::sine(n),
        "lookahead" => TaskConfig::Lookahead {
            len: n,
            ahead: gru_core::task::default_lookahead_ahead(),
        },
        _ => return None,
    })
}

/// URL id of a cell.
pub fn cell_id(kind: CellKind) -> &'static str {
    CELLS.iter().find(|c| c.1 == kind).map_or("gru", |c| c.0)
}

impl Settings {
    /// The task config these settings name.
    ///
    /// # Errors
    /// A message when the task id is unknown or the knob is outside the task's range.
    pub fn task_config(&self) -> Result<TaskConfig, String> {
        let cfg = task_config(self.task, self.knob)
            .ok_or_else(|| format!("task: unknown '{}'", self.task))?;
        let range = cfg.knob_range();
        let max = (*range.end()).min(MAX_KNOB);
        if self.knob < *range.start() || self.knob > max {
            // Copy memory's `T` sets its delay (the sequence is longer): say so.
            let sets = match cfg {
                TaskConfig::CopyMemory { .. } => " (T sets its delay)",
                _ => "",
            };
            return Err(format!(
                "T: {} must be between {} and {max} for {}{sets}",
                self.knob,
                range.start(),
                cfg.label()
            ));
        }
        Ok(cfg)
    }

    /// The training config of one of the compared cells.
    ///
    /// # Errors
    /// A message naming the setting when the task or knob is invalid.
    pub fn train_config(&self, cell: CellKind) -> Result<TrainConfig, String> {
        self.check_combination()?;
        Ok(TrainConfig {
            task: self.task_config()?,
            cell,
            hidden: self.hidden_for(cell)?,
            layers: self.layers,
            direction: self.direction,
            input_dropout: self.input_dropout,
            recurrent_dropout: self.recurrent_dropout,
            batch: self.batch,
            optimizer: match self.optimizer {
                Optimizer::Adam => OptimizerConfig::adam(self.lr),
                Optimizer::Sgd => OptimizerConfig::sgd(self.lr, 0.9),
            },
            clip: self.clip_limit(),
            truncate: None,
            init: Init::XavierOrthogonal,
            seed: self.seed,
            surgery: self.core_surgery(),
            train_set: (self.train_n > 0).then_some(self.train_n),
        })
    }

    /// Hidden units of `cell`'s model: `hidden`, or under [`Budget::Gru`] the largest size
    /// whose parameters are at most the app's GRU's at `hidden` (at least 1).
    ///
    /// # Errors
    /// A message when the task or knob is invalid.
    pub fn hidden_for(&self, cell: CellKind) -> Result<usize, String> {
        if self.budget == Budget::Off || cell == CellKind::Gru {
            return Ok(self.hidden);
        }
        let task = self.task_config()?.build().map_err(|e| e.to_string())?;
        let (i, o, l) = (task.input_size(), task.output_size(), self.layers);
        let d = self.direction.count();
        let budget = crate::cost::params(CellKind::Gru, i, self.hidden, l, d, o);
        Ok(crate::cost::hidden_for_budget(cell, budget, i, l, d, o, MAX_HIDDEN).max(1))
    }

    /// Settings that are valid one by one but not together.
    ///
    /// # Errors
    /// One line naming the settings and what to change.
    pub fn check_combination(&self) -> Result<(), String> {
        if self.task == "sine" && self.direction == Direction::Bidirectional {
            return Err(
                "bi: a bidirectional model on sine prediction reads x(t+1), the very value \
                        it must predict at step t — use a one-way model for this task"
                    .into(),
            );
        }
        if (1..*gru_core::task::FIXED_SET_RANGE.start()).contains(&self.train_n) {
            return Err(format!(
                "train_n: {} is not 0 (fresh data) or from {} to {}",
                self.train_n,
                gru_core::task::FIXED_SET_RANGE.start(),
                gru_core::task::FIXED_SET_RANGE.end()
            ));
        }
        Ok(())
    }

    /// The clip limit as the trainer takes it (`None` = off).
    pub fn clip_limit(&self) -> Option<f64> {
        (self.clip > 0.0).then_some(self.clip)
    }

    /// True when going from `self` to `next` needs fresh runs: any setting the table marks
    /// [`Applies::OnReset`] differs.
    pub fn needs_reset(&self, next: &Settings) -> bool {
        PARAMS
            .iter()
            .filter(|p| p.applies == Applies::OnReset)
            .any(|p| p.text(self) != p.text(next))
    }

    /// Copies the live settings (those the table marks [`Applies::Live`]) from `other`.
    pub fn with_live_from(&self, other: &Settings) -> Settings {
        self.with_from(other, |p| p.applies == Applies::Live)
    }

    /// `self` with learning rate `lr` and clip `clip`, checked by the table as a link's are
    /// (so a run trained with them saves a link that reads back).
    ///
    /// # Errors
    /// The table's one-line message for the first value it refuses.
    pub fn with_live_values(&self, lr: f64, clip: f64) -> Result<Settings, String> {
        self.with_text("lr", &lr.to_string())?
            .with_text("clip", &clip.to_string())
    }

    /// `self` with the table's setting `key` read from `text`, checked as a link's value is.
    ///
    /// # Errors
    /// The table's one-line message when it refuses `text`; a `key` the table does not have.
    pub fn with_text(&self, key: &str, text: &str) -> Result<Settings, String> {
        let p = table::param(key).ok_or_else(|| format!("no setting is called {key}"))?;
        let mut next = self.clone();
        p.set(&mut next, text)?;
        Ok(next)
    }

    /// Whether the live values the engine trains with (live settings that are not the page's
    /// own: learning rate, clip, speed) equal `other`'s.
    pub fn same_training_live(&self, other: &Settings) -> bool {
        PARAMS
            .iter()
            .filter(|p| p.applies == Applies::Live && p.group != Group::Page)
            .all(|p| p.text(self) == p.text(other))
    }

    /// Copies how the page looks (the table's [`Group::Page`]: hidden parts, presenter,
    /// question, benchmark, the sweep's seeds and steps) from `other`.
    pub fn with_page_from(&self, other: &Settings) -> Settings {
        self.with_from(other, |p| p.group == Group::Page)
    }

    /// `self` with the settings `which` picks taken from `other`.
    fn with_from(&self, other: &Settings, which: fn(&Param) -> bool) -> Settings {
        let mut s = self.clone();
        for p in PARAMS.iter().filter(|p| which(p)) {
            // Both sides were valid, so setting one from the other's text cannot fail.
            let _ = p.set(&mut s, &p.text(other));
        }
        s
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
#[path = "twin_tests.rs"]
mod twin_tests;
