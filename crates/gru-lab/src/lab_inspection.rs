//! The inspection of every run, in slices: [`Lab::begin_inspect`] does each run's forward and
//! backward pass at once and leaves the per-step analysis (seconds at T = 1000, H = 128) to
//! [`LabInspection::advance`], so the worker can train and answer the page in between. The
//! work holds copies of the models: what it shows is the weights of the step it began at.

use gru_core::task::TaskConfig;
use gru_core::{InspectWork, Progress};

use crate::insight::Insight;
use crate::lab::Lab;
use crate::protocol::{FlowColumn, Inspected};

/// One run's inspection in the making, with what [`Insight::of_model`] needs.
struct RunWork {
    label: String,
    cell: gru_core::cell::CellKind,
    task: TaskConfig,
    work: InspectWork<f32>,
}

/// Every run's inspection in the making (see the module doc).
pub struct LabInspection {
    runs: Vec<RunWork>,
    /// Runs whose work is done (they are done in order).
    done: usize,
    /// The run shown in full; the others are [`Insight::light`].
    full: usize,
    /// The training step of the flow-map column, `None` while a past step is viewed.
    column_step: Option<u64>,
    /// The pick, and the step whose weights are analysed.
    shown: Inspected,
}

impl LabInspection {
    /// What is analysed: the pick and the step whose weights these are.
    pub fn shown(&self) -> &Inspected {
        &self.shown
    }

    /// Does at most `units` units of the current run's analysis (at least one, unless it
    /// has none left: a TCN or attention model is done at the start).
    pub fn advance(&mut self, units: usize) -> Progress {
        if let Some(r) = self.runs.get_mut(self.done) {
            if r.work.advance(units) == Progress::Finished {
                self.done += 1;
            }
        }
        if self.done == self.runs.len() {
            Progress::Finished
        } else {
            Progress::Unfinished
        }
    }

    /// Does the work left and returns each run's insight and the first run's map column.
    ///
    /// # Errors
    /// A one-line message (only if a trace does not fit its own model: a bug).
    pub fn finish(self) -> Result<(Vec<Insight>, Option<FlowColumn>), String> {
        let full = self.full;
        let insights = self
            .runs
            .into_iter()
            .enumerate()
            .map(|(i, r)| {
                let ins = r.work.finish().map_err(|e| e.to_string())?;
                let x = Insight::of_model(&r.label, r.cell, &r.task, ins);
                Ok(if i == full { x } else { x.light() })
            })
            .collect::<Result<Vec<_>, String>>()?;
        let column = self
            .column_step
            .zip(insights.first())
            .map(|(step, first)| FlowColumn {
                step,
                log_norms: first
                    .flow
                    .iter()
                    .map(|&n| n.max(1e-30).log10() as f32)
                    .collect(),
            });
        Ok((insights, column))
    }
}

impl Lab {
    /// Starts inspecting the pick on every run (one forward and backward pass each; the same
    /// layer, direction and sample — or your sequence — in full only for the picked run),
    /// with the weights of the step viewed; and, for the live model only, the first run's
    /// column of the lag × training-step map.
    ///
    /// # Errors
    /// A one-line message when the pick does not exist.
    pub fn begin_inspect(&mut self) -> Result<LabInspection, String> {
        let pick = gru_core::Pick {
            layer: self.pick.layer,
            dir: self.pick.dir,
            sample: if self.pick.yours { 0 } else { self.pick.sample },
            matrices_at: None,
        };
        let runs = self
            .with_viewed(|_, r, yours| {
                // A one-way twin shows its only direction (the picked run is checked in
                // `set_pick`, so this only changes the light insights of the others).
                let dirs = r.trainer.config.direction.count();
                let pick = gru_core::Pick {
                    dir: pick.dir.min(dirs - 1),
                    ..pick
                };
                let val = yours.unwrap_or_else(|| r.trainer.validation());
                let work = r
                    .trainer
                    .begin_inspect_on(val, pick)
                    .map_err(|e| e.to_string())?;
                let cfg = &r.trainer.config;
                Ok(RunWork {
                    label: r.label.clone(),
                    cell: cfg.cell,
                    task: cfg.task.clone(),
                    work,
                })
            })
            .into_iter()
            .collect::<Result<Vec<_>, String>>()?;
        Ok(LabInspection {
            runs,
            done: 0,
            full: self.pick.run,
            column_step: self.travel.viewing.is_none().then(|| self.steps()),
            shown: Inspected {
                step: self.pick.at.unwrap_or_else(|| self.steps()),
                ..self.pick.clone()
            },
        })
    }

    /// [`Lab::begin_inspect`] run to the end in one call.
    ///
    /// # Errors
    /// A one-line message when the pick does not exist.
    pub fn inspect(&mut self) -> Result<(Vec<Insight>, Option<FlowColumn>), String> {
        self.begin_inspect()?.finish()
    }
}
