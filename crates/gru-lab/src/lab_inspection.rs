//! The inspection of every run, in slices: [`Lab::begin_inspect`] only copies each run's
//! weights (those of the step viewed); [`LabInspection::advance`] then takes the runs one at a
//! time — its forward and backward pass as one unit, the per-step analysis (seconds at
//! T = 1000, H = 128) in small units, its insight as the last — so the worker can train and
//! answer the page in between, and only one run's analysis buffers are alive at a time.

use gru_core::task::TaskConfig;
use gru_core::{InspectWork, Pick, Progress};

use crate::insight::Insight;
use crate::lab::Lab;
use crate::protocol::{FlowColumn, Inspected};

/// How far one run's inspection is.
enum Stage {
    /// Not begun: only the weights are kept.
    Waiting,
    /// Its trace is being computed.
    Tracing(InspectWork<f32>),
    /// Its insight, ready.
    Done(Insight),
}

/// One run's inspection in the making.
struct RunWork {
    label: String,
    cell: gru_core::cell::CellKind,
    task: TaskConfig,
    /// The run's parameters at the step analysed (the trainer trains on meanwhile).
    params: Vec<f32>,
    pick: Pick,
    stage: Stage,
}

/// Every run's inspection in the making (see the module doc).
pub struct LabInspection {
    runs: Vec<RunWork>,
    /// Runs whose insight is ready (they are done in order).
    done: usize,
    /// The run shown in full; the others are [`Insight::light`].
    full: usize,
    /// Whether the sample is your sequence (else the validation sample in `pick`).
    yours: bool,
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

    /// Does one unit of work on the current run of `lab` (the lab this inspection began on):
    /// begin it, at most `units` units of its trace, or turn it into its insight.
    ///
    /// # Errors
    /// A one-line message when the pick does not exist or the runs changed since the start.
    pub fn advance(&mut self, lab: &mut Lab, units: usize) -> Result<Progress, String> {
        let (i, full, yours) = (self.done, self.full, self.yours);
        let Some(w) = self.runs.get_mut(i) else {
            return Ok(Progress::Finished);
        };
        let stage = std::mem::replace(&mut w.stage, Stage::Waiting);
        w.stage = match stage {
            Stage::Waiting => Stage::Tracing(begin(lab, i, w, yours)?),
            Stage::Tracing(mut work) => match gru_hot::advance_inspection(&mut work, units) {
                Progress::Unfinished => Stage::Tracing(work),
                Progress::Finished => {
                    let ins = gru_hot::finish_inspection(work).map_err(|e| e.to_string())?;
                    let x = Insight::of_model(&w.label, w.cell, &w.task, ins);
                    self.done += 1;
                    Stage::Done(if i == full { x } else { x.light() })
                }
            },
            done @ Stage::Done(_) => done,
        };
        Ok(if self.done == self.runs.len() {
            Progress::Finished
        } else {
            Progress::Unfinished
        })
    }

    /// Each run's insight and the first run's map column, once [`LabInspection::advance`]
    /// has finished; `None` before.
    pub fn finish(self) -> Option<(Vec<Insight>, Option<FlowColumn>)> {
        let insights = self
            .runs
            .into_iter()
            .map(|r| match r.stage {
                Stage::Done(x) => Some(x),
                _ => None,
            })
            .collect::<Option<Vec<Insight>>>()?;
        let column = self
            .column_step
            .zip(insights.first())
            .map(|(step, first)| FlowColumn {
                step,
                log_norms: first
                    .flow
                    .iter()
                    // Not clamped: 1e-80 is −80 (the map clamps its colours, the regrowth
                    // sentence quotes the value); 0 is −∞ and NaN stays NaN.
                    .map(|&n| n.log10() as f32)
                    .collect(),
            });
        Some((insights, column))
    }
}

/// Run `i`'s forward and backward pass with the kept weights swapped in for the call.
fn begin(
    lab: &mut Lab,
    i: usize,
    w: &mut RunWork,
    yours: bool,
) -> Result<InspectWork<f32>, String> {
    let Lab { runs, travel, .. } = lab;
    let changed = || "the runs changed during the inspection".to_string();
    let r = runs.get_mut(i).ok_or_else(changed)?;
    if r.trainer.net.params().len() != w.params.len() {
        return Err(changed());
    }
    r.trainer.net.params_mut().swap_with_slice(&mut w.params);
    let val = match travel.yours.as_ref().filter(|_| yours) {
        Some((_, b)) => b,
        None => r.trainer.validation(),
    };
    let work = gru_hot::begin_inspect_on(&r.trainer, val, w.pick);
    r.trainer.net.params_mut().swap_with_slice(&mut w.params);
    work.map_err(|e| e.to_string())
}

impl Lab {
    /// Starts inspecting the pick on every run (one forward and backward pass each; the same
    /// layer, direction and sample — or your sequence — in full only for the picked run),
    /// with the weights of the step viewed; and, for the live model only, the first run's
    /// column of the lag × training-step map. Only the weights are copied now.
    pub fn begin_inspect(&mut self) -> LabInspection {
        let pick = Pick {
            layer: self.pick.layer,
            dir: self.pick.dir,
            sample: if self.pick.yours { 0 } else { self.pick.sample },
            matrices_at: None,
        };
        let runs = self.with_viewed(|_, r, _| {
            // A one-way twin shows its only direction (the picked run is checked in
            // `set_pick`, so this only changes the light insights of the others).
            let dirs = r.trainer.config.direction.count();
            let cfg = &r.trainer.config;
            RunWork {
                label: r.label.clone(),
                cell: cfg.cell,
                task: cfg.task.clone(),
                params: r.trainer.net.params().to_vec(),
                pick: Pick {
                    dir: pick.dir.min(dirs - 1),
                    ..pick
                },
                stage: Stage::Waiting,
            }
        });
        LabInspection {
            runs,
            done: 0,
            full: self.pick.run,
            yours: self.pick.yours,
            column_step: self.travel.viewing.is_none().then(|| self.steps()),
            shown: Inspected {
                step: self.pick.at.unwrap_or_else(|| self.steps()),
                ..self.pick.clone()
            },
        }
    }

    /// [`Lab::begin_inspect`] run to the end in one call.
    ///
    /// # Errors
    /// A one-line message when the pick does not exist.
    pub fn inspect(&mut self) -> Result<(Vec<Insight>, Option<FlowColumn>), String> {
        let mut work = self.begin_inspect();
        while work.advance(self, usize::MAX)? == Progress::Unfinished {}
        work.finish()
            .ok_or_else(|| "the inspection did not finish".to_string())
    }
}
