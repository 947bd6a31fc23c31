//! The page's state: one small struct of Copy signals shared through context (Leptos
//! todomvc / chartistry style). The model lives in the worker; the actions here only send it
//! commands, and its snapshots are folded into [`History`].

use std::rc::Rc;

use gru_lab::history::History;
use gru_lab::protocol::{Command, InspectPick, Report};
use gru_lab::settings::{Panel, Param, Speed};
use gru_lab::Settings;
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::bridge::{Bridge, Training};
use crate::cursor::TimeCursor;

mod receive;
use gru_lab::kernel_bench::KernelBench;

/// A PyTorch model the runs were imported from.
#[derive(Clone, Debug, PartialEq)]
pub struct Origin {
    /// "Loaded from PyTorch: GRU, H=8, …".
    pub summary: String,
    /// "h_T matches the values you exported to 3e-7 …", when the file had a reference.
    pub parity: Option<String>,
}

/// How a settings change is applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Apply {
    /// Only settings that apply live; anything else waits in the draft.
    LiveOnly,
    /// Everything, starting fresh runs if needed.
    WithReset,
}

/// What the page knows of the length sweep.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepState {
    /// The lengths field's text (an interview question's run writes its T there).
    pub lengths: String,
    /// Whether a sweep runs (live training is paused then).
    pub running: bool,
    /// Training steps done and in all.
    pub progress: (usize, usize),
    /// The last sweep's results.
    pub table: Option<gru_lab::sweep::SweepTable>,
}

impl Default for SweepState {
    fn default() -> Self {
        Self {
            lengths: "20, 40, 80".into(),
            running: false,
            progress: (0, 0),
            table: None,
        }
    }
}

/// Page state: Copy handles, shared through context.
#[derive(Clone, Copy)]
pub struct AppState {
    /// What the worker has published, accumulated.
    pub history: RwSignal<History>,
    /// `History::inspections`: changes only when the inspection views have something new.
    inspections: Memo<u64>,
    /// The settings the runs were built from (live ones as applied).
    pub settings: RwSignal<Settings>,
    /// The settings being edited (differ from `settings` until applied).
    pub draft: RwSignal<Settings>,
    /// A message for the user (bad setting, NaN stop), if any.
    pub notice: RwSignal<Option<String>>,
    /// The time cursor and the gate cell under the pointer.
    pub cursor: TimeCursor,
    /// The length sweep: running or not, its progress and its last result.
    pub sweep: RwSignal<SweepState>,
    /// Where the runs came from when not from the settings: a PyTorch import's summary and
    /// parity line (cleared by any reset, including an interview experiment, and by a loaded run;
    /// back if the engine refuses the reset).
    pub origin: RwSignal<Option<Origin>>,
    /// `origin` as it was when the last reset was sent, shown again if the engine refuses it.
    origin_held: StoredValue<Option<Origin>>,
    /// The engine (not reactive).
    bridge: StoredValue<Option<Bridge>, LocalStorage>,
    /// The inside pick from the link, asked for right after the engine starts.
    first_pick: StoredValue<Option<InspectPick>>,
    /// The link's `seq=` (your sequence), sent right after the engine starts.
    first_sequence: StoredValue<Option<String>>,
    /// The one-line problem with the sequence typed last (shown by the text box), if any.
    pub sequence_error: RwSignal<Option<String>>,
    /// The in-page kernel benchmark (`bench=kernels`).
    pub kernels: RwSignal<KernelBench>,
    /// The text box's sequence; drawing on the strip writes it too (one path, one text).
    pub sequence_text: RwSignal<String>,
}

impl AppState {
    /// Reads the history for a view of the inspected sample: the caller reruns when a new
    /// inspection arrives, not on every snapshot's loss points.
    pub fn with_inspection<R>(&self, f: impl FnOnce(&History) -> R) -> R {
        // `get`, not `track`: a memo computes (and so subscribes to the history) when read.
        let _ = self.inspections.get();
        self.history.with_untracked(f)
    }

    /// State for `settings` (and the link's inside pick, if any), with the engine started where
    /// `training` says.
    pub fn new(
        settings: Settings,
        pick: Option<InspectPick>,
        notice: Option<String>,
        training: Training,
    ) -> Self {
        let history = RwSignal::new(History::default());
        let s = Self {
            history,
            inspections: Memo::new(move |_| history.with(|h| h.inspections)),
            settings: RwSignal::new(settings.clone()),
            draft: RwSignal::new(settings),
            notice: RwSignal::new(notice),
            cursor: TimeCursor::new(),
            sweep: RwSignal::new(SweepState::default()),
            origin: RwSignal::new(None),
            origin_held: StoredValue::new(None),
            bridge: StoredValue::new_local(None),
            first_pick: StoredValue::new(pick),
            first_sequence: StoredValue::new(None),
            sequence_error: RwSignal::new(None),
            kernels: RwSignal::new(KernelBench::Idle),
            sequence_text: RwSignal::new(String::new()),
        };
        let on_report: Rc<dyn Fn(Report)> = Rc::new(move |r| s.receive(r));
        let on_fail: Rc<dyn Fn(String)> = Rc::new(move |m| s.notice.set(Some(m)));
        match Bridge::start(training, on_report, on_fail) {
            Ok(b) => s.bridge.set_value(Some(b)),
            Err(e) => s.notice.set(Some(e)),
        }
        s
    }

    fn send(&self, cmd: Command) {
        self.bridge.with_value(|b| {
            if let Some(b) = b {
                b.send(&cmd);
            }
        });
    }

    /// Pauses live training and runs a length sweep of the current settings' cells.
    pub fn start_sweep(&self, lengths: Vec<usize>, steps: u64, seeds: u32) {
        let text: Vec<String> = lengths.iter().map(usize::to_string).collect();
        self.sweep.update(|s| s.lengths = text.join(", "));
        self.send(Command::Sweep {
            lengths,
            steps,
            seeds,
        });
    }

    /// Stops the running sweep (its finished runs are kept).
    pub fn cancel_sweep(&self) {
        self.send(Command::CancelSweep);
    }

    /// Takes the settings of runs the engine replaced (a loaded or imported file); returns
    /// what the form could not show.
    fn adopt(&self, query: &str) -> Vec<String> {
        let (read, errors) = Settings::from_query(query);
        // How the page looks stays this page's (a file's hide/presenter/q does not apply).
        let settings = self.settings.with_untracked(|s| read.with_page_from(s));
        self.draft.set(settings.clone());
        self.settings.set(settings);
        errors
    }

    /// Tells the engine the snapshot was taken once the browser has painted it, so a busy
    /// page is never sent more than it can draw.
    fn answer_after_paint(&self) {
        let s = *self;
        let cb = Closure::once_into_js(move || s.send(Command::Drawn));
        if let Some(w) = web_sys::window() {
            if w.request_animation_frame(cb.unchecked_ref()).is_err() {
                s.send(Command::Drawn);
            }
        }
    }

    /// Whether the engine trains continuously.
    pub fn playing(&self) -> bool {
        self.history.with(|h| h.playing)
    }

    /// Toggles play/pause (resuming clears a NaN stop).
    pub fn toggle(&self) {
        if self.history.with_untracked(|h| h.playing) {
            self.send(Command::Pause);
        } else {
            self.notice.set(None);
            self.send(Command::Play);
        }
    }

    /// Exactly one training step on every run (pauses first).
    pub fn step_once(&self) {
        self.send(Command::Step);
    }

    /// Starts over with the active settings.
    pub fn reset(&self) {
        self.send_reset(self.settings.with_untracked(Settings::to_query));
    }

    /// Asks the engine for fresh runs from `query`: the notice and the import line go (the new
    /// runs are not the imported model); the line is kept aside in case the engine refuses.
    fn send_reset(&self, query: String) {
        self.notice.set(None);
        self.origin_held.set_value(self.origin.get_untracked());
        self.origin.set(None);
        self.send(Command::Reset { query });
    }

    /// Looks inside `pick` (run, layer, direction, sample); the snapshot says what it got.
    pub fn inspect(&self, pick: InspectPick) {
        self.cursor.selected.set(None);
        self.send(Command::Inspect { pick });
    }

    /// Shows the model of kept training step `to` in the inside views (`None`: live again).
    pub fn travel(&self, to: Option<u64>) {
        self.send(Command::Travel { to });
    }

    /// Rewinds every run to kept step `step`; training goes on from there (or stays paused).
    pub fn rewind(&self, step: u64) {
        self.notice.set(None);
        self.send(Command::Rewind { step });
    }

    /// Checks `text` against the active task ([`gru_lab::sequence::parse`]): a problem is
    /// shown beside the text box and nothing is sent (the view stays); a good sequence is
    /// sent to the engine and becomes the inspected sample.
    pub fn show_sequence(&self, text: String) {
        let checked = self.settings.with_untracked(|s| {
            s.task_config()
                .and_then(|task| gru_lab::sequence::parse(&task, &text))
        });
        match checked {
            Ok(_) => {
                self.sequence_error.set(None);
                self.send(Command::Sequence { text });
            }
            Err(e) => self.sequence_error.set(Some(e)),
        }
    }

    /// The link's `seq=` value, to send once the engine is ready.
    pub fn sequence_from_link(&self, text: Option<String>) {
        self.first_sequence.set_value(text);
    }

    /// Asks the engine for a saved-run file (it arrives as a download).
    pub fn save_run(&self) {
        self.send(Command::Save);
    }

    /// Sends a picked or dropped file to the engine, which checks it and replaces the runs
    /// (or answers with a notice and keeps them).
    pub fn load_run(&self, bytes: Vec<u8>) {
        self.send(Command::Load { bytes });
    }

    /// Asks the engine for run `run`'s model as a PyTorch state_dict JSON (a download).
    pub fn export_torch(&self, run: usize) {
        self.send(Command::ExportTorch { run });
    }

    /// Shows `message` in the notice.
    pub fn tell(&self, message: String) {
        self.notice.set(Some(message));
    }

    /// Applies the draft: live settings (learning rate, clipping, speed) at once; anything
    /// else only with [`Apply::WithReset`].
    pub fn apply(&self, how: Apply) {
        let draft = self.draft.get_untracked();
        let active = self.settings.get_untracked();
        if active.needs_reset(&draft) {
            if how == Apply::WithReset {
                if let Some(problem) = reset_problem(&draft) {
                    self.notice.set(Some(format!(
                        "Not applied: {problem} — the current run continues unchanged."
                    )));
                    return;
                }
                self.send_reset(draft.to_query());
                self.settings.set(draft);
            }
            return;
        }
        self.send(Command::Live {
            lr: draft.lr,
            clip: draft.clip,
            steps_per_s: match draft.speed {
                Speed::Max => None,
                Speed::PerSecond(r) => Some(r),
            },
        });
        self.settings.set(active.with_live_from(&draft));
    }

    /// Starts fresh runs from `settings` (always a reset, even when they equal the active
    /// ones) and trains them, up to step `until` when given, where they pause: an interview
    /// question's "Run this experiment".
    pub fn run_fresh(&self, settings: Settings, until: Option<u64>) {
        if let Some(problem) = reset_problem(&settings) {
            self.notice.set(Some(format!(
                "Not started: {problem} — the current run continues unchanged."
            )));
            return;
        }
        self.send_reset(settings.to_query());
        self.send(match until {
            Some(step) => Command::PlayUntil { step },
            None => Command::Play,
        });
        self.draft.set(settings.clone());
        self.settings.set(settings);
    }

    /// Opens interview mode at `question` (`Some(0)` the list) or closes it (`None`): a view
    /// setting, so the runs go on untouched.
    pub fn set_question(&self, question: Option<usize>) {
        self.settings.update(|s| s.question = question);
        self.draft.update(|s| s.question = question);
    }

    /// Sets a setting of the page's own (`Group::Page`: e.g. the sweep's seeds and steps,
    /// kept in the link) from typed text; text the setting refuses leaves it as it was and
    /// says why in the notice.
    pub fn set_page_param(&self, param: &Param, text: &str) {
        let mut next = self.settings.get_untracked();
        match param.set(&mut next, text.trim()) {
            Ok(()) => {
                let put = |s: &mut Settings| {
                    let _ = param.set(s, text.trim());
                };
                self.draft.update(put);
                self.settings.set(next);
            }
            Err(e) => {
                let kept = self.settings.with_untracked(|s| param.text(s));
                self.notice.set(Some(format!("{e} — kept {kept}.")));
                // Redraw the field with the kept value.
                self.settings.update(|_| {});
            }
        }
    }

    /// Whether a classroom link hides page part `panel`.
    pub fn hides(&self, panel: Panel) -> bool {
        self.settings.with(|s| s.hide.contains(&panel))
    }

    /// Sequence length of the inspected sample (0 before the first inspection).
    pub fn seq_len(&self) -> usize {
        self.history.with(History::seq_len)
    }
}

/// What the engine would refuse of a reset to `settings`, checked on the page first (the
/// same parse, then [`gru_lab::lab::Lab::plan`]: the memory budget and each run's config,
/// nothing built), so the page, its URL and the form keep the truth. The engine checks again
/// ([`Report::ResetRefused`]).
fn reset_problem(settings: &Settings) -> Option<String> {
    let (parsed, errors) = Settings::from_query(&settings.to_query());
    if !errors.is_empty() {
        return Some(errors.join("; "));
    }
    gru_lab::lab::Lab::plan(&parsed).err()
}
