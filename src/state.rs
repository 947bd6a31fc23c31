//! The page's state: one small struct of Copy signals shared through context (Leptos
//! todomvc / chartistry style), and the actions the controls and the frame loop call.

use leptos::prelude::*;

use crate::lab::{Insight, Lab};
use crate::run::Snapshot;
use crate::settings::Settings;

/// Snapshots are republished at most this often while training (ms): charts redraw at ~10 Hz.
pub const PUBLISH_MS: f64 = 100.0;
/// Validation loss is measured at most this often while training (ms), on a frame of its own.
pub const VALIDATE_MS: f64 = 500.0;
/// The inspected sample is re-analysed at most this often while training (ms).
pub const INSPECT_MS: f64 = 300.0;
/// …and at most this fraction of the time: a costly analysis (long sequences, many units)
/// is refreshed less often instead of stealing frames.
pub const INSPECT_DUTY: f64 = 0.1;

/// `performance.now()` in ms (0 where there is no window, e.g. in a worker-less test).
pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// Page state: Copy handles, shared through context.
#[derive(Clone, Copy)]
pub struct AppState {
    /// Whether training runs every frame.
    pub playing: RwSignal<bool>,
    /// One training snapshot per run (primary first).
    pub snapshots: RwSignal<Vec<Snapshot>>,
    /// One inspected sample per run (primary first).
    pub insights: RwSignal<Vec<Insight>>,
    /// Lag × training-step map of the primary run: `(steps, (lags, cols) values)`.
    pub flow_map: RwSignal<(Vec<u64>, Vec<f64>, usize)>,
    /// The settings the runs were built from.
    pub settings: RwSignal<Settings>,
    /// The settings being edited (differ from `settings` until applied).
    pub draft: RwSignal<Settings>,
    /// The experiment (not reactive; read through the signals above).
    pub lab: StoredValue<Option<Lab>, LocalStorage>,
    /// A message for the user (bad setting, NaN stop), if any.
    pub notice: RwSignal<Option<String>>,
    /// Time cursor: step `s` (1..=T) highlighted in the per-step views.
    pub cursor: RwSignal<usize>,
    /// Whether the cursor animates along t.
    pub cursor_playing: RwSignal<bool>,
    /// The gate cell under the pointer: `(unit, step)`.
    pub selected: RwSignal<Option<(usize, usize)>>,
    /// Loss chart on a log axis.
    pub log_loss: RwSignal<bool>,
    last_publish: StoredValue<f64>,
    last_inspect: StoredValue<f64>,
    last_validate: StoredValue<f64>,
    /// Duration of the last inspection (ms), which spaces out the next one.
    inspect_cost: StoredValue<f64>,
}

impl AppState {
    /// State for `settings` (a bad setting leaves no lab and a notice).
    pub fn new(settings: Settings, notice: Option<String>) -> Self {
        let s = Self {
            playing: RwSignal::new(true),
            snapshots: RwSignal::new(Vec::new()),
            insights: RwSignal::new(Vec::new()),
            flow_map: RwSignal::new((Vec::new(), Vec::new(), 0)),
            settings: RwSignal::new(settings.clone()),
            draft: RwSignal::new(settings.clone()),
            lab: StoredValue::new_local(None),
            notice: RwSignal::new(notice),
            cursor: RwSignal::new(1),
            cursor_playing: RwSignal::new(false),
            selected: RwSignal::new(None),
            log_loss: RwSignal::new(true),
            last_publish: StoredValue::new(f64::MIN),
            last_inspect: StoredValue::new(f64::MIN),
            last_validate: StoredValue::new(f64::MIN),
            inspect_cost: StoredValue::new(0.0),
        };
        s.rebuild(settings);
        s
    }

    /// Replaces the experiment with a fresh one from `settings`; on a bad setting the running
    /// experiment and the active settings are kept and the message is shown.
    pub fn rebuild(&self, settings: Settings) -> bool {
        match Lab::new(settings.clone()) {
            Ok(lab) => {
                self.cursor.set(
                    self.cursor
                        .get_untracked()
                        .clamp(1, lab.runs[0].trainer.task.seq_len()),
                );
                self.lab.set_value(Some(lab));
                self.settings.set(settings.clone());
                self.draft.set(settings);
                self.publish(true);
                true
            }
            Err(e) => {
                self.notice
                    .set(Some(format!("{e} — the current run continues unchanged.")));
                false
            }
        }
    }

    /// Republishes snapshots (and, with `inspect`, the inspected sample). A NaN stop pauses
    /// play and shows its message.
    pub fn publish(&self, inspect: bool) {
        let snaps = self
            .lab
            .with_value(|l| l.as_ref().map(Lab::snapshots))
            .unwrap_or_default();
        if let Some(e) = snaps.iter().find_map(|s| s.error.clone()) {
            self.playing.set(false);
            self.notice.set(Some(e));
        }
        self.snapshots.set(snaps);
        if inspect {
            let t0 = now_ms();
            let out = self
                .lab
                .try_update_value(|l| l.as_mut().map(|lab| (lab.inspect(), lab.flow_map())));
            if let Some(Some((ins, map))) = out {
                self.insights.set(ins);
                self.flow_map.set(map);
            }
            self.inspect_cost.set_value(now_ms() - t0);
        }
    }

    /// One animation frame while playing: either republish (charts redraw in this frame, so
    /// it trains nothing) or train within the speed budget. Publishing runs at ~10 Hz, the
    /// inspection at ~3 Hz (less often when it is costly).
    pub fn frame(&self, now: f64) {
        if !self.playing.get_untracked() {
            return;
        }
        // Work other than training gets frames of its own: validation, the inspection (which
        // redraws most charts) and plain republishing never share a frame with each other.
        if now - self.last_validate.get_value() >= VALIDATE_MS {
            self.last_validate.set_value(now);
            self.lab.update_value(|l| {
                if let Some(l) = l.as_mut() {
                    l.validate();
                }
            });
            return;
        }
        if now - self.last_publish.get_value() >= PUBLISH_MS {
            self.last_publish.set_value(now);
            let gap = INSPECT_MS.max(self.inspect_cost.get_value() / INSPECT_DUTY);
            let inspect = now - self.last_inspect.get_value() >= gap;
            if inspect {
                self.last_inspect.set_value(now);
            }
            self.publish(inspect);
            return;
        }
        let budget = self.settings.with_untracked(|s| s.speed);
        self.lab.update_value(|l| {
            if let Some(l) = l.as_mut() {
                l.train_for(budget, now_ms);
            }
        });
    }

    /// Exactly one training step on every run (pauses first).
    pub fn step_once(&self) {
        self.playing.set(false);
        self.lab.update_value(|l| {
            if let Some(l) = l.as_mut() {
                l.runs.iter_mut().for_each(|r| r.clear_error());
                l.step();
                l.validate();
            }
        });
        self.publish(true);
    }

    /// Starts over with the active settings.
    pub fn reset(&self) {
        self.notice.set(None);
        self.rebuild(self.settings.get_untracked());
    }

    /// Applies the draft: live settings (learning rate, clipping, speed) at once, anything else
    /// only through an explicit reset (`reset = true`).
    pub fn apply(&self, reset: bool) {
        let draft = self.draft.get_untracked();
        let active = self.settings.get_untracked();
        if active.needs_reset(&draft) {
            if reset {
                self.notice.set(None);
                self.rebuild(draft);
            }
            return;
        }
        let mut err = None;
        self.lab.update_value(|l| {
            if let Some(l) = l.as_mut() {
                for r in &mut l.runs {
                    if let Err(e) = r
                        .trainer
                        .set_lr(draft.lr)
                        .and_then(|_| r.trainer.set_clip((draft.clip > 0.0).then_some(draft.clip)))
                    {
                        err = Some(e.to_string());
                    }
                }
                l.settings = draft.clone();
            }
        });
        match err {
            Some(e) => self.notice.set(Some(e)),
            None => self.settings.set(draft),
        }
    }

    /// Toggles play/pause (clearing a NaN stop when resuming).
    pub fn toggle(&self) {
        let resume = !self.playing.get_untracked();
        if resume {
            self.lab.update_value(|l| {
                if let Some(l) = l.as_mut() {
                    l.runs.iter_mut().for_each(|r| r.clear_error());
                }
            });
            self.notice.set(None);
        }
        self.playing.set(resume);
        if !resume {
            self.publish(true);
        }
    }

    /// Sequence length of the current task.
    pub fn steps(&self) -> usize {
        self.insights.with(|i| i.first().map_or(0, |i| i.steps))
    }
}
