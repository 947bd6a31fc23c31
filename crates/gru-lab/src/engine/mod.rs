//! The worker's whole job in plain Rust: it owns the [`Lab`] and the [`Scheduler`], applies
//! the page's [`Command`]s, and runs one scheduled job per [`Engine::tick`], returning the
//! [`Report`]s to post. The Web Worker glue only moves bytes and calls these two methods.

use gru_core::Progress;

use crate::insight::Insight;
use crate::lab::Lab;
use crate::lab_inspection::LabInspection;
use crate::protocol::{Command, FlowColumn, Inspected, Rates, Report, Snapshot};
use crate::schedule::{Job, Scheduler, INSPECT_SLICE_MS};
use crate::settings::Settings;
use crate::sweep::Sweep;

mod commands;

/// Milliseconds between the snapshots the page asks for (its charts redraw at ~10 Hz).
pub const PUBLISH_MS: f64 = 100.0;

/// When the glue should call [`Engine::tick`] again.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Wake {
    /// As soon as pending messages have been handled.
    Now,
    /// After this many milliseconds (nothing is due before).
    After(f64),
}

/// A finished inspection the page has not been sent yet.
struct Fresh {
    /// Every run's insight (the picked run's in full).
    insights: Vec<Insight>,
    /// The lag map's new column, when the picked run has one.
    flow_column: Option<FlowColumn>,
    /// What was inspected.
    shown: Inspected,
}

/// The length sweep running instead of live training.
struct RunningSweep {
    sweep: Sweep,
    /// When its progress was last sent (ms).
    reported_at: f64,
}

/// The lab, its schedule and what the page has not been sent yet.
pub struct Engine {
    lab: Lab,
    schedule: Scheduler,
    epoch: u32,
    fresh: Option<Fresh>,
    /// The inspection in progress.
    inspecting: Option<LabInspection>,
    /// The length sweep running instead of live training.
    sweep: Option<RunningSweep>,
    /// The step training pauses at ([`Command::PlayUntil`]); Play, Pause, Step, a reset and a
    /// sweep clear it.
    pause_at: Option<u64>,
}

/// Milliseconds of sweep training per tick (the page's commands are answered in between).
const SWEEP_SLICE_MS: f64 = 20.0;
/// Milliseconds between sweep progress reports.
const SWEEP_REPORT_MS: f64 = 100.0;

impl Engine {
    /// An engine training `settings` from time `now` (ms).
    ///
    /// # Errors
    /// A one-line message naming the bad setting.
    pub fn new(settings: &Settings, now: f64) -> Result<Self, String> {
        let mut schedule = Scheduler::new(now, PUBLISH_MS);
        schedule.speed = settings.speed;
        Ok(Self {
            lab: Lab::new(settings.clone())?,
            schedule,
            epoch: 0,
            fresh: None,
            inspecting: None,
            sweep: None,
            pause_at: None,
        })
    }

    /// An engine for settings written as a URL query (the [`Command::Reset`] form).
    ///
    /// # Errors
    /// One line naming every bad setting.
    pub fn from_query(query: &str, now: f64) -> Result<Self, String> {
        let (settings, errors) = Settings::from_query(query);
        if !errors.is_empty() {
            return Err(errors.join("; "));
        }
        Self::new(&settings, now)
    }

    /// Trains on (clearing a NaN/∞ stop), up to step `until` when given.
    fn play(&mut self, until: Option<u64>, now: f64) {
        self.pause_at = until;
        self.lab.clear_errors();
        self.schedule.play(now);
        self.pause_if_reached(now);
    }

    /// Pauses once the runs have trained the steps [`Command::PlayUntil`] asked for, with the
    /// validation loss of that step (the pause asks for its views).
    fn pause_if_reached(&mut self, now: f64) {
        if self.pause_at.is_some_and(|s| self.lab.steps() >= s) {
            self.pause_at = None;
            self.lab.validate();
            self.schedule.pause(now);
        }
    }

    /// Puts `lab` in place of the current runs: a new epoch, inspected afresh.
    fn replace(&mut self, lab: Lab) {
        self.pause_at = None;
        self.schedule.speed = lab.settings.speed;
        self.lab = lab;
        self.epoch = self.epoch.wrapping_add(1);
        self.fresh = None;
        self.inspecting = None;
        self.schedule.new_model();
    }

    /// A file name for [`Command::Save`]: cells, task and step, e.g.
    /// `gru-lens-gru-rnn-adding-step1200.json`.
    fn save_name(&self) -> String {
        // Each run's own id (a TCN or attention run carries the first cell in its config).
        let cells: Vec<String> = (0..self.lab.runs.len())
            .map(|i| crate::torch_export::run_id(&self.lab.settings, i))
            .collect();
        format!(
            "gru-lens-{}-{}-step{}.json",
            cells.join("-"),
            self.lab.settings.task,
            crate::save::viewed_step(&self.lab)
        )
    }

    /// Runs the next scheduled job; `clock` gives the time in ms.
    pub fn tick(&mut self, clock: &dyn Fn() -> f64) -> (Vec<Report>, Wake) {
        if let Some(RunningSweep {
            sweep: sw,
            reported_at: reported,
        }) = self.sweep.as_mut()
        {
            let start = clock();
            while !sw.advance(1, clock) && clock() - start < SWEEP_SLICE_MS {}
            let now = clock();
            if sw.finished() {
                let table = sw.table().clone();
                self.sweep = None;
                return (vec![Report::SweepDone(table)], Wake::Now);
            }
            let mut reports = Vec::new();
            if now - *reported >= SWEEP_REPORT_MS {
                *reported = now;
                let (done, total) = sw.progress();
                reports.push(Report::SweepProgress { done, total });
            }
            return (reports, Wake::Now);
        }
        let start = clock();
        let job = self.schedule.next(start);
        let mut reports = Vec::new();
        let mut steps = 0;
        match job {
            Job::Publish => reports.push(Report::Snapshot(Box::new(self.snapshot()))),
            Job::Validate => self.lab.validate(),
            Job::Inspect => {
                if let Err(message) = self.inspect_slice(start, clock) {
                    reports.push(Report::Rejected { message });
                }
                return (reports, Wake::Now);
            }
            Job::Train { steps: most, until } => {
                let left = self
                    .pause_at
                    .map_or(u64::MAX, |s| s.saturating_sub(self.lab.steps()));
                let most = u64::from(most).min(left);
                while steps < most && self.lab.step_timed(clock) {
                    steps += 1;
                    if clock() >= until {
                        break;
                    }
                }
                if self.lab.stopped().is_some() {
                    self.schedule.pause(clock());
                }
                self.pause_if_reached(clock());
            }
            Job::Idle(ms) => {
                self.schedule.done(job, start, start, 0);
                return (reports, Wake::After(ms));
            }
        }
        self.schedule.done(job, start, clock(), steps);
        (reports, Wake::Now)
    }

    /// One slice of the inspection: a new one when the page asked for it (the state changed
    /// since the one in progress began) or none is in progress, else the one in progress;
    /// work goes on until it ends or the slice has taken [`INSPECT_SLICE_MS`].
    fn inspect_slice(&mut self, start: f64, clock: &dyn Fn() -> f64) -> Result<(), String> {
        let mut work = match self.inspecting.take() {
            Some(w) if !self.schedule.inspect_wanted => w,
            _ => self.lab.begin_inspect(),
        };
        let progress = loop {
            match work.advance(&mut self.lab, 1) {
                Ok(p) if p == Progress::Finished || clock() - start >= INSPECT_SLICE_MS => break p,
                Ok(_) => {}
                Err(e) => {
                    self.schedule.done(Job::Inspect, start, clock(), 0);
                    self.schedule.inspection_dropped();
                    return Err(e);
                }
            }
        };
        self.schedule.done(Job::Inspect, start, clock(), 0);
        match progress {
            Progress::Unfinished => self.inspecting = Some(work),
            Progress::Finished => {
                let shown = work.shown().clone();
                if let Some((insights, flow_column)) = work.finish() {
                    self.fresh = Some(Fresh {
                        insights,
                        flow_column,
                        shown,
                    });
                }
                self.schedule.inspection_finished();
            }
        }
        Ok(())
    }

    /// The snapshot to publish now (hands over the losses and any fresh inspection).
    fn snapshot(&mut self) -> Snapshot {
        let (inspect_ms, validate_ms) = self.schedule.costs();
        let rates = self.schedule.rates;
        let (insights, flow_column, inspected) = match self.fresh.take() {
            Some(f) => (Some(f.insights), f.flow_column, Some(f.shown)),
            None => (None, None, None),
        };
        Snapshot {
            epoch: self.epoch,
            playing: self.schedule.playing,
            runs: self.lab.take_statuses(),
            insights,
            inspected,
            flow_column,
            rates: Rates {
                train_steps_per_s: rates.train,
                wall_steps_per_s: rates.wall,
                inspect_ms,
                validate_ms,
                asked_analysis: self.schedule.asked_analysis(),
            },
            timeline: self.lab.travel.timeline.steps(),
            exact_resume: self.lab.travel.exact,
            retuned_at: self.lab.retuned_at(),
        }
    }

    /// The lab (read-only), for tests and benchmarks.
    pub fn lab(&self) -> &Lab {
        &self.lab
    }
}

/// [`dispatch`] with a clock (milliseconds): [`Command::BenchKernels`] needs one to time its
/// kernels, and is answered whether or not an engine exists; every other command goes to
/// [`dispatch`] at the clock's current time.
pub fn dispatch_clocked(
    slot: &mut Option<Engine>,
    cmd: Command,
    clock: &dyn Fn() -> f64,
) -> Vec<Report> {
    match cmd {
        Command::BenchKernels { ms_per_shape } => {
            vec![crate::kernel_bench::run(ms_per_shape, clock)]
        }
        cmd => dispatch(slot, cmd, clock()),
    }
}

/// Applies `cmd` to the engine in `slot`, which the first [`Command::Reset`] creates; before
/// it there is nothing to play, step or inspect, so other commands are ignored.
pub fn dispatch(slot: &mut Option<Engine>, cmd: Command, now: f64) -> Vec<Report> {
    match (slot.as_mut(), cmd) {
        (Some(e), cmd) => e.handle(cmd, now),
        (None, Command::Reset { query }) => match Engine::from_query(&query, now) {
            Ok(e) => {
                *slot = Some(e);
                Vec::new()
            }
            Err(message) => vec![Report::ResetRefused {
                message,
                refused: query,
                running: None,
            }],
        },
        (None, _) => Vec::new(),
    }
}

#[cfg(test)]
mod inspection_tests;
#[cfg(test)]
mod sweep_tests;
#[cfg(test)]
mod tests;
