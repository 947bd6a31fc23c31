//! The root component: one [`TrainingRun`] in a `StoredValue`, a Copy [`AppState`] of signals
//! shared through context, and a `requestAnimationFrame` loop that trains within a per-frame
//! budget and publishes a [`Snapshot`].

use std::cell::RefCell;
use std::rc::Rc;

use gru_core::TrainConfig;
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::charts::{self, loss::{LossData, Series}, palette};
use crate::run::{Snapshot, TrainingRun};

/// Training time per animation frame, in ms; the rest of the frame is left for drawing.
pub const FRAME_BUDGET_MS: f64 = 8.0;

/// Page state: Copy handles, shared through context.
#[derive(Clone, Copy)]
pub struct AppState {
    /// Whether training runs every frame.
    pub playing: RwSignal<bool>,
    /// What the charts and status show.
    pub snapshot: RwSignal<Snapshot>,
    /// The run itself (not reactive; read through `snapshot`).
    pub run: StoredValue<Option<TrainingRun>, LocalStorage>,
    /// A message for the user (bad setting, NaN stop), if any.
    pub notice: RwSignal<Option<String>>,
}

impl AppState {
    fn new(config: TrainConfig) -> Self {
        let (run, notice) = match TrainingRun::new(config) {
            Ok(r) => (Some(r), None),
            Err(e) => (None, Some(e.to_string())),
        };
        let snapshot = run.as_ref().map(TrainingRun::snapshot).unwrap_or_default();
        Self {
            playing: RwSignal::new(true),
            snapshot: RwSignal::new(snapshot),
            run: StoredValue::new_local(run),
            notice: RwSignal::new(notice),
        }
    }

    /// Republishes the snapshot (and a NaN stop as a notice, pausing play).
    pub fn publish(&self) {
        let snap = self.run.with_value(|r| r.as_ref().map(TrainingRun::snapshot));
        if let Some(s) = snap {
            if let Some(e) = &s.error {
                self.playing.set(false);
                self.notice.set(Some(e.clone()));
            }
            self.snapshot.set(s);
        }
    }

    /// Trains for one frame's budget when playing.
    pub fn frame(&self) {
        if !self.playing.get_untracked() {
            return;
        }
        let clock = || web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now());
        self.run.update_value(|r| {
            if let Some(r) = r.as_mut() {
                r.train_for(FRAME_BUDGET_MS, clock);
            }
        });
        self.publish();
    }

    /// Exactly one training step (pauses first).
    pub fn step_once(&self) {
        self.playing.set(false);
        self.run.update_value(|r| {
            if let Some(r) = r.as_mut() {
                r.clear_error();
                r.step();
            }
        });
        self.publish();
    }

    /// Starts over with the same settings.
    pub fn reset(&self) {
        let config = self.run.with_value(|r| r.as_ref().map(|r| r.trainer.config.clone()));
        let config = config.unwrap_or_default();
        match TrainingRun::new(config) {
            Ok(r) => {
                self.run.set_value(Some(r));
                self.notice.set(None);
                self.publish();
            }
            Err(e) => self.notice.set(Some(e.to_string())),
        }
    }

    /// Toggles play/pause (clearing a NaN stop when resuming).
    pub fn toggle(&self) {
        let resume = !self.playing.get_untracked();
        if resume {
            self.run.update_value(|r| {
                if let Some(r) = r.as_mut() {
                    r.clear_error();
                }
            });
            self.notice.set(None);
        }
        self.playing.set(resume);
    }
}

/// Calls `f` on every animation frame, forever.
fn animation_loop(mut f: impl FnMut() + 'static) {
    let slot: Rc<RefCell<Option<Closure<dyn FnMut()>>>> = Rc::new(RefCell::new(None));
    let again = slot.clone();
    *slot.borrow_mut() = Some(Closure::new(move || {
        f();
        if let (Some(w), Some(cb)) = (web_sys::window(), again.borrow().as_ref()) {
            let _ = w.request_animation_frame(cb.as_ref().unchecked_ref());
        }
    }));
    let first = slot.borrow();
    if let (Some(w), Some(cb)) = (web_sys::window(), first.as_ref()) {
        let _ = w.request_animation_frame(cb.as_ref().unchecked_ref());
    }
}

/// The gru-lens page.
#[component]
pub fn App() -> impl IntoView {
    let state = AppState::new(TrainConfig::default());
    provide_context(state);
    Effect::new(move |_| animation_loop(move || state.frame()));
    let on_key = window_event_listener(leptos::ev::keydown, move |ev| {
        let tag = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()).map(|e| e.tag_name());
        if matches!(tag.as_deref(), Some("INPUT" | "SELECT" | "TEXTAREA" | "BUTTON")) {
            return;
        }
        match ev.key().as_str() {
            " " => {
                ev.prevent_default();
                state.toggle();
            }
            "ArrowRight" => {
                ev.prevent_default();
                state.step_once();
            }
            _ => {}
        }
    });
    on_cleanup(move || on_key.remove());
    view! {
        <header class="top">
            <h1>"gru-lens"</h1>
            <p class="tagline">"A GRU training live in your browser, on the adding problem."</p>
        </header>
        <main>
            <Controls/>
            <LossPanel/>
        </main>
    }
}

/// Play/Pause, Step, Reset and the status line.
#[component]
fn Controls() -> impl IntoView {
    let state = expect_context::<AppState>();
    let status = move || {
        let s = state.snapshot.get();
        let mut text = format!("step {} · loss {}", s.step, fmt_loss(s.loss));
        if let Some(v) = s.val_loss {
            text.push_str(&format!(" · validation {}", fmt_loss(v)));
        }
        if s.steps_per_s > 0.0 && state.playing.get() {
            text.push_str(&format!(" · {:.0} steps/s", s.steps_per_s));
        }
        text
    };
    view! {
        <section class="controls" aria-label="Training controls">
            <button class="primary" on:click=move |_| state.toggle() title="Start or pause training (Space)">
                {move || if state.playing.get() { "Pause" } else { "Play" }}
            </button>
            <button on:click=move |_| state.step_once() title="Train exactly one step (→)">"Step"</button>
            <button on:click=move |_| state.reset() title="Start again from fresh random weights">"Reset"</button>
            <p class="status" role="status" aria-live="polite">{status}</p>
        </section>
        <Show when=move || state.notice.get().is_some()>
            <p class="notice" role="alert">{move || state.notice.get().unwrap_or_default()}</p>
        </Show>
    }
}

/// Formats a loss for the status line: 4 significant digits.
pub fn fmt_loss(v: f64) -> String {
    if !v.is_finite() {
        return "—".into();
    }
    if v >= 0.001 { format!("{v:.4}") } else { format!("{v:.2e}") }
}

/// The loss curve.
#[component]
fn LossPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    Effect::new(move |_| {
        let s = state.snapshot.get();
        let Some(c) = canvas.get() else { return };
        let data = LossData {
            series: vec![
                Series { label: "training", points: &s.train, color: palette::BLUE, bold: true },
                Series { label: "validation", points: &s.val, color: palette::VERMILLION, bold: false },
            ],
            baseline: s.baseline,
        };
        if let Err(e) = charts::loss::draw(&c, &data) {
            leptos::logging::warn!("{e}");
        }
    });
    let summary = move || {
        let s = state.snapshot.get();
        let side = if s.loss < s.baseline { "below" } else { "above" };
        format!("Training loss {} after {} steps, {side} the baseline {}.", fmt_loss(s.loss), s.step, fmt_loss(s.baseline))
    };
    view! {
        <figure class="panel">
            <figcaption>"Loss"</figcaption>
            <canvas node_ref=canvas width="720" height="320" role="img" aria-label="Loss"></canvas>
            <p class="sr-only">{summary}</p>
        </figure>
    }
}
