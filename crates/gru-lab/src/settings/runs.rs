//! The runs the lab trains side by side: one per compared cell and, with `oneway=1` on a
//! bidirectional model, each cell's one-way twin (same hidden size, data and seed), so the
//! page can show what the backward direction adds.

use gru_core::cell::CellKind;
use gru_core::model::Direction;
use gru_core::TrainConfig;

use super::Settings;

/// One run the lab trains: a compared cell, or its one-way twin.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RunSpec {
    /// The cell.
    pub cell: CellKind,
    /// The one-way twin of a bidirectional cell (same hidden size, data and seed).
    pub twin: bool,
}

impl RunSpec {
    /// The run's name on the page: "GRU", or "GRU one-way" for a twin.
    pub fn label(&self) -> String {
        if self.twin {
            format!("{} one-way", self.cell.label())
        } else {
            self.cell.label().to_string()
        }
    }
}

impl Settings {
    /// The runs trained side by side: every compared cell, then — with `oneway_twin` on a
    /// bidirectional model — every cell again, one-way (the twins only exist when `bi` is on).
    pub fn run_specs(&self) -> Vec<RunSpec> {
        let twins = self.oneway_twin && self.direction == Direction::Bidirectional;
        let cells = self.cells.iter().map(|&cell| RunSpec { cell, twin: false });
        let twin = self.cells.iter().map(|&cell| RunSpec { cell, twin: true });
        cells.chain(twin.filter(|_| twins)).collect()
    }

    /// The training config of run `spec`: [`Settings::train_config`], one-way for a twin (the
    /// bidirectional cell's hidden size).
    ///
    /// # Errors
    /// A message naming the setting when the task or knob is invalid.
    pub fn spec_config(&self, spec: &RunSpec) -> Result<TrainConfig, String> {
        let mut cfg = self.train_config(spec.cell)?;
        if spec.twin {
            cfg.direction = Direction::Forward;
        }
        Ok(cfg)
    }
}
