//! The worker's whole job in plain Rust: it owns the [`Lab`] and the [`Scheduler`], applies
//! the page's [`Command`]s, and runs one scheduled job per [`Engine::tick`], returning the
//! [`Report`]s to post. The Web Worker glue only moves bytes and calls these two methods.

use gru_core::Progress;

use crate::insight::Insight;
use crate::lab::Lab;
use crate::lab_inspection::LabInspection;
use crate::protocol::{Command, FlowColumn, Inspected, Rates, Report, Snapshot};
use crate::schedule::{Job, Scheduler, INSPECT_SLICE_MS};
use crate::settings::{Settings, Speed};
use crate::sweep::Sweep;

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

/// The lab, its schedule and what the page has not been sent yet.
pub struct Engine {
    lab: Lab,
    schedule: Scheduler,
    epoch: u32,
    fresh: Option<(Vec<Insight>, Option<FlowColumn>, Inspected)>,
    /// The inspection in progress.
    inspecting: Option<LabInspection>,
    /// The length sweep running instead of live training, and when its progress was last sent.
    sweep: Option<(Sweep, f64)>,
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

    /// Applies one command at time `now`; returns the reports it causes at once (a rejection).
    pub fn handle(&mut self, cmd: Command, now: f64) -> Vec<Report> {
        let reject = |message: String| vec![Report::Rejected { message }];
        match cmd {
            Command::Reset { query } => {
                let (settings, errors) = Settings::from_query(&query);
                if !errors.is_empty() {
                    return reject(format!(
                        "{} — the current run continues unchanged",
                        errors.join("; ")
                    ));
                }
                match Lab::new(settings) {
                    Ok(mut lab) => {
                        lab.keep_pick(&self.lab.pick);
                        lab.keep_sequence(&self.lab);
                        self.replace(lab);
                    }
                    Err(e) => return reject(format!("{e} — the current run continues unchanged")),
                }
            }
            Command::Sweep {
                lengths,
                steps,
                seeds,
            } => {
                if self.sweep.is_some() {
                    return reject("A sweep is already running: cancel it first".into());
                }
                return match Sweep::new(&self.lab.settings, &lengths, steps, seeds) {
                    Ok(sw) => {
                        self.pause_at = None;
                        self.schedule.pause(now);
                        // Live training waits for the sweep: so does its analysis, whose
                        // buffers are freed; it is asked for again once the sweep ends.
                        self.schedule.inspect_wanted |= self.inspecting.take().is_some();
                        self.schedule.inspection_dropped();
                        let (done, total) = sw.progress();
                        self.sweep = Some((sw, now));
                        // A snapshot now, so the page shows the live runs as paused.
                        vec![
                            Report::Snapshot(Box::new(self.snapshot())),
                            Report::SweepProgress { done, total },
                        ]
                    }
                    Err(e) => reject(e),
                };
            }
            Command::CancelSweep => {
                if let Some((mut sw, _)) = self.sweep.take() {
                    sw.cancel();
                    return vec![Report::SweepDone(sw.table().clone())];
                }
            }
            Command::Play | Command::PlayUntil { .. } | Command::Step if self.sweep.is_some() => {
                return reject(
                    "Live training is paused while the length sweep runs: cancel the sweep to train"
                        .into(),
                );
            }
            Command::Play => self.play(None, now),
            Command::PlayUntil { step } => self.play(Some(step), now),
            Command::Pause => {
                self.pause_at = None;
                self.schedule.pause(now);
            }
            Command::Step => {
                self.pause_at = None;
                self.schedule.pause(now);
                self.lab.clear_errors();
                self.lab.step();
                self.lab.validate();
                self.schedule.inspect_wanted = true;
            }
            Command::Live {
                lr,
                clip,
                steps_per_s,
            } => {
                // The speed is checked first, so a refused one changes nothing either.
                let speed = match live_speed(steps_per_s) {
                    Ok(s) => s,
                    Err(e) => return reject(e),
                };
                if let Err(e) = self.lab.set_live(lr, clip) {
                    return reject(e);
                }
                self.lab.settings.speed = speed;
                self.schedule.speed = speed;
                self.schedule.publish_wanted = true;
            }
            Command::Inspect { pick } => {
                if let Err(e) = self.lab.set_pick(pick) {
                    return reject(e);
                }
                self.schedule.inspect_wanted = true;
            }
            Command::Travel { to } => {
                if let Err(e) = self.lab.view(to) {
                    return reject(e);
                }
                self.schedule.inspect_wanted = true;
            }
            Command::Rewind { step } => {
                if let Err(e) = self.lab.rewind(step) {
                    return reject(format!("{e} — the run continues unchanged"));
                }
                self.schedule.inspect_wanted = true;
                self.schedule.publish_wanted = true;
            }
            Command::Sequence { text } => {
                if let Err(e) = self.lab.set_sequence(&text) {
                    return reject(format!("{e} — the view is unchanged"));
                }
                self.schedule.inspect_wanted = true;
            }
            Command::Publish { every_ms } => {
                if every_ms.is_finite() {
                    self.schedule.publish_ms = every_ms.clamp(16.0, 5000.0);
                }
            }
            Command::Drawn => self.schedule.page_ready(),
            Command::Save => {
                return match crate::save::to_json(&self.lab) {
                    Ok(json) => vec![Report::Saved {
                        name: self.save_name(),
                        json,
                    }],
                    Err(e) => reject(format!("Not saved: {e}")),
                }
            }
            // Timing needs a clock, not one instant: `dispatch_clocked` answers it.
            Command::BenchKernels { .. } => {
                return reject("The kernel benchmark needs the worker's clock".into());
            }
            Command::ExportTorch { run } => {
                return match crate::torch_export::torch_json(&self.lab, run) {
                    Ok(json) => vec![Report::Saved {
                        name: crate::torch_export::file_name(&self.lab, run),
                        json,
                    }],
                    Err(e) => reject(format!("Not exported: {e}")),
                }
            }
            Command::Load { bytes } if crate::torch_import::looks_like_state_dict(&bytes) => {
                return match crate::torch_import::from_bytes(&bytes, &self.lab.settings) {
                    Ok(i) => {
                        let query = i.lab.settings.to_query();
                        self.replace(i.lab);
                        vec![Report::Imported {
                            query,
                            summary: i.summary,
                            parity: i.parity,
                        }]
                    }
                    Err(e) => reject(format!(
                        "Not loaded: PyTorch state_dict: {e} — the current run continues unchanged"
                    )),
                }
            }
            Command::Load { bytes } => match crate::save::from_bytes(&bytes) {
                Ok(lab) => {
                    let (query, step) = (lab.settings.to_query(), lab.steps());
                    self.replace(lab);
                    return vec![Report::Loaded { query, step }];
                }
                Err(e) => {
                    return reject(format!(
                        "Not loaded: {e} — the current run continues unchanged"
                    ))
                }
            },
        }
        Vec::new()
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
        if let Some((sw, reported)) = self.sweep.as_mut() {
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
                if let Some((ins, col)) = work.finish() {
                    self.fresh = Some((ins, col, shown));
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
            Some((i, c, p)) => (Some(i), c, Some(p)),
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

/// A live speed as the settings table accepts it (`None` = as fast as possible), or why not.
fn live_speed(steps_per_s: Option<f64>) -> Result<Speed, String> {
    let mut s = Settings::default();
    let text = steps_per_s.map_or_else(|| "max".to_string(), |r| r.to_string());
    if let Some(p) = crate::settings::table::param("sps") {
        p.set(&mut s, &text)?;
    }
    Ok(s.speed)
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
            Err(message) => vec![Report::Rejected { message }],
        },
        (None, _) => Vec::new(),
    }
}

#[cfg(test)]
#[path = "engine_tests.rs"]
mod tests;
