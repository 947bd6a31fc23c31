//! When the worker trains, validates, inspects and publishes — decided in one place, from an
//! injected clock (ms), so the policy is unit-tested natively:
//!
//! - a snapshot goes out every `publish_ms`, once the page has taken the previous one;
//! - training runs in chunks predicted (from a running average of a lock-step's cost) to end
//!   before the next snapshot is due, so a chunk never delays a snapshot by more than one step;
//! - validation at most every [`VALIDATE_MS`] and at most [`VALIDATE_DUTY`] of the time;
//! - an inspection runs in slices of about [`INSPECT_SLICE_MS`] (the engine's), so a slice
//!   delays a snapshot by at most its own duration and the page's commands are answered in
//!   between. A periodic refresh begins right after a snapshot, at most every [`INSPECT_MS`],
//!   and takes at most [`INSPECT_DUTY`] of the time; with validation that leaves training
//!   ≥ 90 % of a busy worker's time however big the model (a big model's views refresh less
//!   often instead: a 6–9 s T=1000 H=128 analysis spreads over 2–3 min of training, and the
//!   status line says so, `views_lag`). One the page asked for takes up to [`ASKED_DUTY`],
//!   and so does the one after a new model's first (those show its initial weights, so the
//!   views catch up with training in two analyses' time, not after a refresh's 2–3 min);
//!   paused, the slices follow one another;
//! - at a chosen speed (steps per second) training takes steps from a token bucket.

use crate::settings::Speed;

/// Validation loss is measured at most this often while training (ms).
pub const VALIDATE_MS: f64 = 500.0;
/// The inspected sample is re-analysed at most this often while training (ms).
pub const INSPECT_MS: f64 = 300.0;
/// …and at most this fraction of the time (a costly analysis is refreshed less often).
pub const INSPECT_DUTY: f64 = 0.05;
/// An inspection the page asked for (a new model, a pause, a step, a new pick) takes up to
/// this fraction of the time while training, so its views come soon (a T=1000 H=128 GRU's
/// first views ~17 s after load, training meanwhile, instead of ~2 min).
pub const ASKED_DUTY: f64 = 0.5;
/// An inspection slice ends once it has taken this long (ms): about the longest the worker is
/// deaf to the page while it analyses (a unit of work overruns it: one step's SVDs, ~1.5 ms at
/// H = 128, or one run's forward and backward pass).
pub const INSPECT_SLICE_MS: f64 = 15.0;
/// Validation takes at most this fraction of the time (a big validation set at B=1 costs
/// many training steps' worth).
pub const VALIDATE_DUTY: f64 = 0.03;
/// Longest training chunk (ms) between two looks at the message queue.
pub const CHUNK_MS: f64 = 12.0;
/// Throughput figures are measured over windows of this length (ms).
const RATE_WINDOW_MS: f64 = 1000.0;

/// What to do next.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Job {
    /// Send a snapshot.
    Publish,
    /// Measure validation loss.
    Validate,
    /// Inspect the chosen sample on every run: one slice of the inspection in progress, or
    /// of a new one when [`Scheduler::inspect_wanted`] (or none is in progress).
    Inspect,
    /// Train at most `steps` lock-steps, and stop once the clock reads `until` (ms): the
    /// step cost is a prediction, and a new model can be far slower than the last.
    Train {
        /// Most lock-steps.
        steps: u32,
        /// Deadline (ms, the scheduler's clock).
        until: f64,
    },
    /// Nothing is due for this many ms.
    Idle(f64),
}

/// Why an inspection runs, which sets its share of a training worker's time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Reason {
    /// The page asked ([`Scheduler::inspect_wanted`]): up to [`ASKED_DUTY`].
    Asked,
    /// The periodic refresh while training: up to [`INSPECT_DUTY`].
    Refresh,
}

/// The scheduling state.
#[derive(Clone, Debug)]
pub struct Scheduler {
    /// Whether training runs continuously.
    pub playing: bool,
    /// Training speed.
    pub speed: Speed,
    /// Milliseconds between snapshots.
    pub publish_ms: f64,
    /// Set when the page must see a fresh inspection soon (after a pause, a step, a reset, a
    /// new sample, a new model's first views while training), even while paused.
    pub inspect_wanted: bool,
    /// Set when a snapshot should go out as soon as the page can take it.
    pub publish_wanted: bool,
    awaiting_page: bool,
    last_publish: f64,
    last_validate: f64,
    last_inspect: f64,
    /// Milliseconds the inspection in progress has taken so far; `None` when none is.
    inspecting: Option<f64>,
    /// Why the inspection in progress began, and when (ms).
    inspecting_for: Reason,
    /// Set by a new model: the inspection after its first (asked) one is asked for too; any
    /// finished or dropped inspection clears it.
    follow_up: bool,
    inspect_began: f64,
    /// Duration of the last inspection slice (ms).
    slice_ms: f64,
    /// Running average of one lock-step's cost (ms); 0 before the first.
    step_ms: f64,
    inspect_ms: f64,
    validate_ms: f64,
    /// Steps the speed limit still allows (token bucket), and when it was last filled.
    tokens: f64,
    filled_at: f64,
    window: RateWindow,
    /// The figures of the last complete window.
    pub rates: StepRates,
}

/// Training throughput over the last complete rate window.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct StepRates {
    /// Lock-steps per second of time spent training.
    pub train: f64,
    /// Lock-steps per second of wall-clock time.
    pub wall: f64,
}

/// Steps and training time since the window started.
#[derive(Clone, Copy, Debug, Default)]
struct RateWindow {
    start: f64,
    steps: u64,
    busy_ms: f64,
}

impl Scheduler {
    /// A scheduler at time `now` that publishes every `publish_ms`.
    pub fn new(now: f64, publish_ms: f64) -> Self {
        Self {
            playing: true,
            speed: Speed::Max,
            publish_ms,
            inspect_wanted: true,
            publish_wanted: true,
            awaiting_page: false,
            last_publish: f64::MIN,
            last_validate: now,
            last_inspect: f64::MIN,
            inspecting: None,
            inspecting_for: Reason::Asked,
            follow_up: true,
            inspect_began: now,
            slice_ms: 0.0,
            step_ms: 0.0,
            inspect_ms: 0.0,
            validate_ms: 0.0,
            tokens: 1.0,
            filled_at: now,
            window: RateWindow {
                start: now,
                ..RateWindow::default()
            },
            rates: StepRates::default(),
        }
    }

    /// The next job at time `now`.
    pub fn next(&mut self, now: f64) -> Job {
        self.fill_tokens(now);
        let publish_due = self.last_publish + self.publish_ms;
        if !self.awaiting_page && (now >= publish_due || self.publish_wanted) {
            return Job::Publish;
        }
        let just_published = now - self.last_publish <= self.publish_ms * 0.5;
        if self.inspect_wanted && (just_published || !self.playing) {
            return Job::Inspect;
        }
        if let Some(spent) = self.inspecting {
            let duty = match self.inspecting_for {
                Reason::Asked => ASKED_DUTY,
                Reason::Refresh => INSPECT_DUTY,
            };
            // Counted since the inspection began, so slices catch up after training steps
            // that overran their share.
            if !self.playing || spent <= duty * (now - self.inspect_began) {
                return Job::Inspect;
            }
        }
        if !self.playing {
            return Job::Idle(self.until(publish_due, now).max(50.0));
        }
        if now - self.last_validate >= VALIDATE_MS.max(self.validate_ms / VALIDATE_DUTY) {
            return Job::Validate;
        }
        let gap = INSPECT_MS.max(self.slice_ms / INSPECT_DUTY);
        if just_published && self.inspecting.is_none() && now - self.last_inspect >= gap {
            return Job::Inspect;
        }
        let allowed = match self.speed {
            Speed::Max => f64::INFINITY,
            Speed::PerSecond(_) => self.tokens.floor(),
        };
        if allowed < 1.0 {
            let Speed::PerSecond(r) = self.speed else {
                return Job::Idle(1.0);
            };
            let wait = (1.0 - self.tokens) / r * 1000.0;
            return Job::Idle(wait.min(self.until(publish_due, now)).max(1.0));
        }
        // Steps predicted to end before the snapshot is due (and within one chunk); at least one.
        let budget = CHUNK_MS.min(self.until(publish_due, now));
        let fit = if self.step_ms > 0.0 {
            (budget / self.step_ms).floor()
        } else {
            1.0
        };
        Job::Train {
            steps: fit.min(allowed).clamp(1.0, 100_000.0) as u32,
            until: now + budget,
        }
    }

    fn until(&self, due: f64, now: f64) -> f64 {
        if self.awaiting_page {
            self.publish_ms
        } else {
            (due - now).max(0.0)
        }
    }

    fn fill_tokens(&mut self, now: f64) {
        if let Speed::PerSecond(r) = self.speed {
            let cap = (r * 0.25).max(1.0);
            self.tokens = (self.tokens + r * (now - self.filled_at) / 1000.0).min(cap);
        }
        self.filled_at = now;
    }

    /// Records that `job` ran from `start` to `end` (ms); `steps` lock-steps for training.
    pub fn done(&mut self, job: Job, start: f64, end: f64, steps: u64) {
        let ms = (end - start).max(0.0);
        match job {
            Job::Publish => {
                self.last_publish = start;
                self.publish_wanted = false;
                self.awaiting_page = true;
            }
            Job::Validate => {
                self.last_validate = end;
                self.validate_ms = ms;
            }
            Job::Inspect => {
                // One slice. It began a new inspection if the page asked for one (which now
                // reflects the state the page asked about) or none was in progress.
                if self.inspect_wanted || self.inspecting.is_none() {
                    self.inspecting = None;
                    self.inspect_began = start;
                    self.inspecting_for = if self.inspect_wanted {
                        Reason::Asked
                    } else {
                        Reason::Refresh
                    };
                }
                self.last_inspect = end;
                self.slice_ms = ms;
                self.inspect_wanted = false;
                self.inspecting = Some(self.inspecting.unwrap_or(0.0) + ms);
            }
            Job::Train { .. } => {
                if steps > 0 {
                    let per = ms / steps as f64;
                    self.step_ms = if self.step_ms > 0.0 {
                        0.8 * self.step_ms + 0.2 * per
                    } else {
                        per
                    };
                    self.tokens -= steps as f64;
                }
                self.window.steps += steps;
                self.window.busy_ms += ms;
            }
            Job::Idle(_) => {}
        }
        self.roll_window(end);
    }

    fn roll_window(&mut self, now: f64) {
        let w = self.window;
        let wall = now - w.start;
        if wall >= RATE_WINDOW_MS {
            let train = if w.busy_ms > 0.0 {
                w.steps as f64 * 1000.0 / w.busy_ms
            } else {
                0.0
            };
            self.rates = StepRates {
                train,
                wall: w.steps as f64 * 1000.0 / wall,
            };
            self.window = RateWindow {
                start: now,
                ..RateWindow::default()
            };
        }
    }

    /// The inspection in progress is complete: its slices' total becomes the inspection's cost.
    /// A new model's first views (of the weights it started from) ask for the next at once
    /// while training (one that starts paused gets none).
    pub fn inspection_finished(&mut self) {
        if let Some(ms) = self.inspecting.take() {
            self.inspect_ms = ms;
        }
        if std::mem::take(&mut self.follow_up) && self.inspecting_for == Reason::Asked {
            self.inspect_wanted |= self.playing;
        }
        // While training, the result rides on the next regular snapshot.
        self.publish_wanted |= !self.playing;
    }

    /// The inspection in progress was given up (its pick no longer exists, or a sweep holds
    /// training): its slices' time is no inspection's cost, so the last complete one's is kept.
    pub fn inspection_dropped(&mut self) {
        self.inspecting = None;
        self.follow_up = false;
        self.publish_wanted |= !self.playing;
    }

    /// The page took the last snapshot.
    pub fn page_ready(&mut self) {
        self.awaiting_page = false;
    }

    /// Starts training; the rate window restarts.
    pub fn play(&mut self, now: f64) {
        if !self.playing {
            self.restart_rates(now);
        }
        self.playing = true;
        self.publish_wanted = true;
    }

    /// Stops training. Pausing a training worker asks for views of the step it stopped at
    /// (paused already, nothing changed: an inspection in progress goes on).
    pub fn pause(&mut self, now: f64) {
        if self.playing {
            self.restart_rates(now);
            self.inspect_wanted = true;
        }
        self.playing = false;
        self.publish_wanted = true;
    }

    /// A fresh rate window from `now`, on a change between playing and paused.
    fn restart_rates(&mut self, now: f64) {
        self.window = RateWindow {
            start: now,
            ..RateWindow::default()
        };
        self.rates = StepRates::default();
        self.tokens = self.tokens.min(1.0);
        self.filled_at = now;
    }

    /// Forgets the measured step cost (the model changed).
    pub fn new_model(&mut self) {
        self.step_ms = 0.0;
        self.inspect_ms = 0.0;
        self.slice_ms = 0.0;
        self.inspecting = None;
        self.inspect_wanted = true;
        self.follow_up = true;
        self.publish_wanted = true;
    }

    /// Whether an inspection the page asked for (or a new model's follow-up) is due or under
    /// way.
    pub fn asked_analysis(&self) -> bool {
        self.inspect_wanted || (self.inspecting.is_some() && self.inspecting_for == Reason::Asked)
    }

    /// Durations of the last complete inspection (all its slices) and validation (ms).
    pub fn costs(&self) -> (f64, f64) {
        (self.inspect_ms, self.validate_ms)
    }
}

#[cfg(test)]
#[path = "schedule_tests.rs"]
mod tests;
