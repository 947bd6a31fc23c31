//! The length sweep ("breaking point"): for each sequence length `T` in a list (copy memory:
//! each delay, [`SweepKnob`]), train every
//! compared cell (then each compared TCN or attention model) from scratch for a fixed number of steps with each of `seeds` seeds, and
//! record the validation loss curve ([`curve_steps`]), the final validation loss and accuracy,
//! the measured milliseconds per training step (the training loop's own clock around each
//! step after the first, which sizes the buffers, so neither warm-up nor validation counts) and the step's FLOPs from the cost formulas. With one
//! length it is the multi-seed comparison ([`crate::sweep_curves`]). Runs cooperatively: [`Sweep::advance`]
//! trains at most a given number of steps and returns, so the worker can answer the page
//! between slices; [`Sweep::cancel`] stops it. Jobs run in the order length, then seed, then
//! cell (so each length's comparison is complete before the next one starts).

use gru_core::seq::ModelKind;
use gru_core::{TrainConfig, Trainer};

use crate::settings::Settings;
use crate::sweep_knob::SweepKnob;
pub use crate::sweep_table::{
    curve_steps, parse_lengths, SweepPoint, SweepStat, SweepTable, CURVE_POINTS,
};

/// Most jobs (cells × lengths × seeds) one sweep may hold.
pub const MAX_JOBS: usize = 120;

/// Most seeds per model and length.
pub const MAX_SWEEP_SEEDS: u32 = 10;

/// Most training steps per sweep run (the sweep's steps field and `sweep_steps=`).
pub const MAX_SWEEP_STEPS: u64 = 100_000;

/// One run of a sweep: one model at one length and seed.
struct SweepJob {
    /// The model's index among the settings' cells, then models.
    model: usize,
    /// Its training config (task at this length, this seed).
    config: TrainConfig,
    /// The model it trains.
    kind: ModelKind,
    /// Matrix FLOPs of one training step.
    flops: f64,
}

/// A sweep in progress.
pub struct Sweep {
    /// Every job, in run order.
    jobs: Vec<SweepJob>,
    /// The job being trained.
    current: Option<Trainer<f32>>,
    /// Its validation curve so far.
    curve: Vec<(u64, f64)>,
    /// [`curve_steps`] of the sweep's step count.
    at: Vec<u64>,
    /// Milliseconds spent in the current job's training steps after its first so far.
    job_ms: f64,
    /// Milliseconds of the current job's first (warm-up) step.
    first_ms: f64,
    /// Jobs finished.
    done: usize,
    table: SweepTable,
    cancelled: bool,
}

impl Sweep {
    /// A sweep of `settings`' cells over `lengths`, `steps` steps per job, `seeds` seeds
    /// (`settings.seed`, `+1`, …).
    ///
    /// # Errors
    /// One line naming what is out of range (no lengths, a length the task refuses, zero
    /// steps or seeds, or more than [`MAX_JOBS`] jobs).
    pub fn new(
        settings: &Settings,
        lengths: &[usize],
        steps: u64,
        seeds: u32,
    ) -> Result<Self, String> {
        let knob = SweepKnob::of(&settings.task_config().map_err(|e| format!("sweep: {e}"))?);
        if lengths.is_empty() || steps == 0 || seeds == 0 {
            return Err("sweep: give at least one length, one step and one seed".into());
        }
        if seeds > MAX_SWEEP_SEEDS {
            return Err(format!(
                "sweep: {seeds} seeds is more than {MAX_SWEEP_SEEDS}"
            ));
        }
        if steps > MAX_SWEEP_STEPS {
            return Err(format!(
                "sweep: {steps} steps per run is more than {MAX_SWEEP_STEPS}"
            ));
        }
        let models = settings.cells.len() + settings.models.len();
        // Saturating: a hostile message's length list must not overflow a 32-bit usize.
        let n_jobs = lengths
            .len()
            .saturating_mul(models)
            .saturating_mul(seeds as usize);
        if n_jobs > MAX_JOBS {
            return Err(format!(
                "sweep: {n_jobs} runs (models × lengths × seeds) is more than {MAX_JOBS}"
            ));
        }
        // One job runs at a time beside the lab's runs, which stay in memory: the largest of
        // the lab's models at the longest length must fit beside them.
        if let Some(&longest) = lengths.iter().max() {
            let at_longest = Settings {
                knob: longest,
                ..settings.clone()
            };
            if at_longest.task_config().is_ok() {
                settings
                    .check_sweep_memory(&at_longest)
                    .map_err(|e| format!("sweep at {} {longest}: {e}", knob.name()))?;
            }
        }
        let mut jobs = Vec::with_capacity(n_jobs);
        for &len in lengths {
            for k in 0..u64::from(seeds) {
                // The settings of this length and seed, shared by every model's job.
                let s = Settings {
                    knob: len,
                    seed: settings.seed.wrapping_add(k),
                    ..settings.clone()
                };
                for (c, &cell) in settings.cells.iter().enumerate() {
                    // The settings' message names the link's key `T` (and, for copy memory,
                    // that it sets the delay).
                    let cfg = s.train_config(cell).map_err(|e| format!("sweep: {e}"))?;
                    let flops = crate::cost::cost_of(&cfg).map_err(|e| format!("sweep: {e}"))?;
                    let flops = flops.flops_per_step as f64;
                    jobs.push(SweepJob {
                        model: c,
                        config: cfg,
                        kind: ModelKind::Recurrent(cell),
                        flops,
                    });
                }
                for (m, &model) in settings.models.iter().enumerate() {
                    // The TCN's depth follows T (it covers the sequence); attention's T² is
                    // checked here, so a length it cannot take is refused before anything runs.
                    let (cfg, kind) = s
                        .model_train_config(model)
                        .map_err(|e| format!("sweep: {} = {len}: {e}", knob.name()))?;
                    let flops = crate::model_cost::model_cost(&s, model)
                        .map_err(|e| format!("sweep: {} = {len}: {e}", knob.name()))?
                        .flops_per_step as f64;
                    jobs.push(SweepJob {
                        model: settings.cells.len() + m,
                        config: cfg,
                        kind,
                        flops,
                    });
                }
            }
        }
        Ok(Self {
            jobs,
            current: None,
            curve: Vec::new(),
            at: curve_steps(steps),
            job_ms: 0.0,
            first_ms: 0.0,
            done: 0,
            table: SweepTable {
                cells: settings
                    .cells
                    .iter()
                    .map(|c| c.label())
                    .chain(settings.models.iter().map(|m| m.label()))
                    .map(str::to_string)
                    .collect(),
                lengths: lengths.to_vec(),
                steps,
                seeds,
                points: Vec::new(),
                cancelled: false,
                knob,
                query: settings.to_query(),
            },
            cancelled: false,
        })
    }

    /// Trains at most `max_steps` steps of the remaining jobs; returns `true` when the sweep is
    /// finished (or cancelled). A job whose loss turns NaN/∞ ends at once with that loss.
    /// `clock` (ms) is read just before and after every training step, and only then: the
    /// difference is the job's training time (validation at the end is not counted).
    pub fn advance(&mut self, max_steps: u64, clock: &dyn Fn() -> f64) -> bool {
        let mut left = max_steps;
        while left > 0 && !self.finished() {
            let steps = self.table.steps;
            if self.current.is_none() {
                let job = &self.jobs[self.done];
                match Trainer::with_model(job.config.clone(), job.kind.clone()) {
                    Ok(t) => self.current = Some(t),
                    Err(_) => {
                        // Configs were checked in `new`; record a failed job if one still fails.
                        self.finish(f64::NAN, None, f64::NAN, 0);
                        continue;
                    }
                }
            }
            let Some(tr) = self.current.as_mut() else {
                break;
            };
            let mut failed = false;
            let mut last = None;
            while left > 0 && tr.step_idx() < steps {
                left -= 1;
                let warm_up = tr.step_idx() == 0;
                let start = clock();
                let ok = gru_hot::train_step(tr).is_ok();
                if ok {
                    // Successful steps only, so the mean is over the steps `step_idx` counts.
                    let ms = (clock() - start).max(0.0);
                    if warm_up {
                        self.first_ms = ms;
                    } else {
                        self.job_ms += ms;
                    }
                } else {
                    failed = true;
                    break;
                }
                let step = tr.step_idx();
                if self.at.binary_search(&step).is_ok() {
                    // Evaluation reads no random stream: the run trains on as without it.
                    let s = gru_hot::evaluate(tr);
                    self.curve.push((step, s.loss));
                    last = Some((s.loss, s.accuracy()));
                }
            }
            let trained = tr.step_idx();
            if failed || tr.step_idx() >= steps {
                let base = tr.task.baseline().loss;
                let (loss, acc) = match last {
                    Some(l) if !failed => l,
                    _ => (f64::NAN, None),
                };
                self.finish(loss, acc, base, trained);
            }
        }
        self.finished()
    }

    /// Records the current job after `trained` successful steps.
    fn finish(&mut self, val_loss: f64, accuracy: Option<f64>, baseline: f64, trained: u64) {
        let SweepJob {
            model: cell,
            config: cfg,
            flops,
            ..
        } = &self.jobs[self.done];
        self.table.points.push(SweepPoint {
            cell: *cell,
            len: cfg.task.knob(),
            seed: cfg.seed,
            val_loss,
            accuracy,
            baseline,
            curve: std::mem::take(&mut self.curve),
            ms_per_step: match trained {
                0 => f64::NAN,
                1 => self.first_ms,
                n => self.job_ms / (n - 1) as f64,
            },
            flops_per_step: *flops,
        });
        self.job_ms = 0.0;
        self.first_ms = 0.0;
        self.current = None;
        self.done += 1;
    }

    /// Stops the sweep; the points so far stay in the table.
    pub fn cancel(&mut self) {
        self.cancelled = true;
        self.table.cancelled = !self.table.points.len().eq(&self.jobs.len());
        self.current = None;
        self.curve.clear();
        self.job_ms = 0.0;
        self.first_ms = 0.0;
    }

    /// Whether every job has run or the sweep was cancelled.
    pub fn finished(&self) -> bool {
        self.cancelled || self.done == self.jobs.len()
    }

    /// Whether [`Self::cancel`] stopped it.
    pub fn cancelled(&self) -> bool {
        self.cancelled
    }

    /// `(steps trained, steps in all)` over every job.
    pub fn progress(&self) -> (usize, usize) {
        let steps = self.table.steps as usize;
        let current = self.current.as_ref().map_or(0, |t| t.step_idx() as usize);
        (self.done * steps + current, self.jobs.len() * steps)
    }

    /// The results so far.
    pub fn table(&self) -> &SweepTable {
        &self.table
    }
}

#[cfg(test)]
#[path = "sweep_tests.rs"]
mod tests;
