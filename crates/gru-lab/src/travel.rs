//! Time travel over training and "your sequence", on a [`Lab`]: every run's weights are kept
//! in a [`Timeline`] (with the optimiser's moments and the data streams' positions when they
//! fit the memory budget, so a rewind resumes bit for bit), the inside views can show the
//! model of any kept step, and a sequence the learner typed can be inspected like a
//! validation sample.

use gru_core::task::Batch;
use gru_core::Resume;

use crate::lab::Lab;
use crate::run::TrainingRun;
use crate::sequence::{self, Yours};
use crate::timeline::{Timeline, CAPACITY, FIRST_EVERY};

/// Most bytes the timeline's states may take, over all runs, for any allowed model.
pub const BUDGET_BYTES: usize = 64 << 20;
/// The optimiser's moments are kept only if at least this many exact snapshots fit the budget.
const MIN_EXACT_SLOTS: usize = 8;

/// One run's state at a kept step.
#[derive(Clone, Debug, Default)]
pub struct RunState {
    /// `(P)`: the weights.
    pub params: Vec<f32>,
    /// Step, data and dropout stream positions, and (when exact) the optimiser's moments.
    pub resume: Resume<f32>,
    /// The smoothed training loss shown at that step.
    pub loss_ema: Option<f64>,
}

/// What a [`Lab`] keeps for time travel and your sequence.
pub struct Travel {
    /// All runs' states by step.
    pub timeline: Timeline<Vec<RunState>>,
    /// Whether the optimiser's moments are kept (a rewind then resumes bit for bit; else the
    /// optimiser starts afresh from the kept weights).
    pub exact: bool,
    /// The kept step the inside views show, `None` = the live model.
    pub viewing: Option<u64>,
    /// The learner's sequence and its one-sample batch.
    pub yours: Option<(Yours, Batch<f32>)>,
    /// The live weights while a past model is inspected.
    scratch: Vec<f32>,
}

/// `(slots, exact)` for runs of `params` parameters each: as many slots as fit
/// [`BUDGET_BYTES`] (at most [`CAPACITY`], even, at least 2), with the moments when at least
/// [`MIN_EXACT_SLOTS`] such snapshots fit.
pub fn sizing(params: &[usize]) -> (usize, bool) {
    let weights: usize = params.iter().sum::<usize>() * std::mem::size_of::<f32>();
    let slots = |per: usize| (BUDGET_BYTES / per.max(1)).min(CAPACITY) / 2 * 2;
    let exact = slots(3 * weights);
    if exact >= MIN_EXACT_SLOTS {
        (exact, true)
    } else {
        (slots(weights).max(2), false)
    }
}

/// Bytes the timeline's states take at most for runs of `params` parameters each (the tests'
/// check of the memory budget).
#[cfg(test)]
pub fn bound_bytes(params: &[usize]) -> usize {
    let (slots, exact) = sizing(params);
    let per: usize = params.iter().sum::<usize>() * 4 * if exact { 3 } else { 1 };
    slots * per
}

impl Travel {
    /// An empty timeline sized for `runs`.
    pub fn for_runs(runs: &[TrainingRun]) -> Self {
        let params: Vec<usize> = runs.iter().map(|r| r.trainer.net.params().len()).collect();
        let (slots, exact) = sizing(&params);
        Self {
            timeline: Timeline::new(FIRST_EVERY, slots),
            exact,
            viewing: None,
            yours: None,
            scratch: Vec::new(),
        }
    }

    /// Records the runs' state if the timeline is due at their step.
    pub fn record(&mut self, runs: &[TrainingRun]) {
        let Some(step) = runs.first().map(|r| r.trainer.step_idx()) else {
            return;
        };
        let exact = self.exact;
        self.timeline.record(step, |states| {
            states.resize_with(runs.len(), RunState::default);
            for (s, r) in states.iter_mut().zip(runs) {
                s.params.clear();
                s.params.extend_from_slice(r.trainer.net.params());
                if exact {
                    r.trainer.resume_state_into(&mut s.resume);
                } else {
                    r.trainer.resume_position_into(&mut s.resume);
                }
                s.loss_ema = r.loss_ema();
            }
        });
    }
}

impl Lab {
    /// Starts the timeline over at the runs' current step (after a load).
    pub fn restart_timeline(&mut self) {
        self.travel.timeline.clear();
        self.travel.viewing = None;
        self.pick.at = None;
        self.travel.record(&self.runs);
    }

    /// Shows the model of kept step `at` in the inside views (`None`: the live model).
    ///
    /// # Errors
    /// A one-line message when no snapshot of that step is kept; the view stays.
    pub fn view(&mut self, at: Option<u64>) -> Result<(), String> {
        if let Some(s) = at {
            if self.travel.timeline.get(s).is_none() {
                return Err(format!(
                    "step {s}: no snapshot kept (kept: every {} steps from step {})",
                    self.travel.timeline.every(),
                    self.travel.timeline.steps().first().copied().unwrap_or(0)
                ));
            }
        }
        self.travel.viewing = at;
        self.pick.at = at;
        Ok(())
    }

    /// Rewinds every run to kept step `step`: its weights, and (when the timeline is exact)
    /// its optimiser moments and data position, so training goes on as it did from there;
    /// otherwise with fresh optimiser moments. Later snapshots are forgotten; the views go
    /// back to the live model.
    ///
    /// # Errors
    /// A one-line message when no snapshot of that step is kept; nothing changes then.
    pub fn rewind(&mut self, step: u64) -> Result<(), String> {
        let Some(states) = self.travel.timeline.get(step).cloned() else {
            return Err(format!("step {step}: no snapshot kept to resume from"));
        };
        for (r, s) in self.runs.iter_mut().zip(states) {
            r.resume(&s.params, s.resume, s.loss_ema)
                .map_err(|e| format!("resume from step {step}: {e}"))?;
        }
        self.travel.timeline.truncate_after(step);
        self.travel.viewing = None;
        self.pick.at = None;
        // The steps after `step` are undone, and so is what they trained with.
        self.trained_with.retain(|s| s.from_step <= step);
        Ok(())
    }

    /// Makes `text` (in the task's terms, [`sequence::parse`]) the inspected sample.
    ///
    /// # Errors
    /// The parser's one line naming the position; the pick and any earlier sequence stay.
    pub fn set_sequence(&mut self, text: &str) -> Result<(), String> {
        let task = self
            .runs
            .first()
            .map(|r| r.trainer.config.task.clone())
            .ok_or("no run")?;
        let y = sequence::parse(&task, text)?;
        let batch = y.batch();
        self.pick.yours = true;
        self.pick.yours_link = sequence::url_value(&y);
        self.pick.yours_id = self.pick.yours_id.wrapping_add(1);
        self.travel.yours = Some((y, batch));
        Ok(())
    }

    /// Carries `old`'s sequence over (after a reset) if it still fits the task; shown if it was.
    pub fn keep_sequence(&mut self, old: &Lab) {
        if let Some((y, _)) = &old.travel.yours {
            if self.set_sequence(&sequence::to_text(y, " ")).is_ok() {
                self.pick.yours = old.pick.yours;
            } else {
                self.pick.yours = false;
            }
        }
    }

    /// Runs `f` on each run with the weights of the step being viewed swapped in (the live
    /// weights are put back after each call), and on the validation batch or your sequence.
    pub(crate) fn with_viewed<R>(
        &mut self,
        mut f: impl FnMut(usize, &TrainingRun, Option<&Batch<f32>>) -> R,
    ) -> Vec<R> {
        let show_yours = self.pick.yours;
        let Self { runs, travel, .. } = self;
        let past = travel.viewing.and_then(|s| travel.timeline.get(s));
        let yours = travel.yours.as_ref().map(|(_, b)| b).filter(|_| show_yours);
        let mut out = Vec::with_capacity(runs.len());
        for (i, r) in runs.iter_mut().enumerate() {
            match past.and_then(|p| p.get(i)) {
                Some(state) if state.params.len() == r.trainer.net.params().len() => {
                    travel.scratch.clear();
                    travel.scratch.extend_from_slice(r.trainer.net.params());
                    r.trainer.net.params_mut().copy_from_slice(&state.params);
                    out.push(f(i, r, yours));
                    r.trainer.net.params_mut().copy_from_slice(&travel.scratch);
                }
                _ => out.push(f(i, r, yours)),
            }
        }
        out
    }
}

#[cfg(test)]
#[path = "travel_tests.rs"]
mod tests;
