//! The root component: reads the settings from the URL, provides the [`AppState`] (which
//! starts the training worker), animates the time cursor, handles the keyboard and lays out
//! the views.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::bridge::Training;
use crate::components::controls::Controls;
use crate::components::drilldown::Drilldown;
use crate::components::equations::Equations;
use crate::components::flow_view::FlowView;
use crate::components::fold::PhoneFold;
use crate::components::gates_view::GatesView;
use crate::components::grad_norm_view::GradNormView;
use crate::components::hidden_view::HiddenView;
use crate::components::interview::{InterviewPanel, InterviewToggle};
use crate::components::kernel_bench_view::KernelBenchView;
use crate::components::loss_view::{CompareTable, LossAxes, LossView};
use crate::components::models_view::ModelsView;
use crate::components::picker::{inside_heading, InsidePicker};
use crate::components::sequence_view::YourSequence;
use crate::components::settings_form::SettingsForm;
use crate::components::surgery_banner::SurgeryBanner;
use crate::components::sweep_view::SweepView;
use crate::components::travel_view::{PastBanner, TimeTravel};
use crate::state::AppState;
use gru_lab::protocol::{InspectPick, Inspected, SamplePick};
use gru_lab::settings::Panel;
use gru_lab::Settings;
use gru_lab::{look, sequence};

/// Time-cursor speed when animating, in steps per second.
const CURSOR_STEPS_PER_S: f64 = 8.0;

/// The frame callback, kept alive by the closure that schedules it again.
type FrameSlot = Rc<RefCell<Option<Closure<dyn FnMut(f64)>>>>;

/// Calls `f(now_ms)` on every animation frame until it returns `false`.
fn animation_loop(mut f: impl FnMut(f64) -> bool + 'static) {
    let slot: FrameSlot = Rc::new(RefCell::new(None));
    let again = slot.clone();
    *slot.borrow_mut() = Some(Closure::new(move |now: f64| {
        if !f(now) {
            // Unmounted: drop the closure (and with it this loop).
            let done = again.borrow_mut().take();
            drop(done);
            return;
        }
        if let (Some(w), Some(cb)) = (web_sys::window(), again.borrow().as_ref()) {
            let _ = w.request_animation_frame(cb.as_ref().unchecked_ref());
        }
    }));
    let first = slot.borrow();
    if let (Some(w), Some(cb)) = (web_sys::window(), first.as_ref()) {
        let _ = w.request_animation_frame(cb.as_ref().unchecked_ref());
    }
}

/// What the page's link asks for.
struct FromUrl {
    /// The settings (defaults where a parameter was bad).
    settings: Settings,
    /// The inside pick (`inside=`).
    pick: Option<InspectPick>,
    /// Your sequence (`seq=`, decoded; the engine checks it).
    sequence: Option<String>,
    /// A message naming the bad parameters, if any.
    notice: Option<String>,
}

/// Settings, the inside pick and your sequence from the page URL's query string, with
/// messages for bad parameters.
fn settings_from_url() -> FromUrl {
    let query = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default();
    let (rest, inside) = look::split(&query);
    let (rest, seq) = look::split_key(&rest, sequence::KEY);
    let seq = seq.map(|v| gru_lab::settings::query::decode(&v));
    let (s, mut errors) = Settings::from_query(&rest);
    let pick = inside.and_then(|v| look::parse(&v).map_err(|e| errors.push(e)).ok());
    let notice = (!errors.is_empty()).then(|| {
        format!(
            "Ignored in the link: {} (a refused value keeps its default).",
            errors.join("; ")
        )
    });
    FromUrl {
        settings: s,
        pick,
        sequence: seq,
        notice,
    }
}

/// Writes the active settings, the inside pick and a short sequence of yours into the URL
/// (without reloading), so the link reproduces the run and the view.
fn sync_url(settings: &Settings, inside: Option<&str>, seq: Option<&str>) {
    let Some(w) = web_sys::window() else { return };
    let mut q = settings.to_query();
    for (key, v) in [(look::KEY, inside), (sequence::KEY, seq)] {
        if let Some(v) = v {
            let sep = if q.is_empty() { "" } else { "&" };
            q.push_str(&format!("{sep}{key}={v}"));
        }
    }
    let path = w.location().pathname().unwrap_or_default();
    let url = if q.is_empty() {
        path
    } else {
        format!("{path}?{q}")
    };
    if let Ok(h) = w.history() {
        let _ = h.replace_state_with_url(&JsValue::NULL, "", Some(&url));
    }
}

/// The gru-lens page.
#[component]
pub fn App(
    /// Where training runs (a Web Worker unless a test asks otherwise).
    #[prop(optional)]
    training: Training,
) -> impl IntoView {
    let FromUrl {
        settings,
        pick,
        sequence: seq,
        notice,
    } = settings_from_url();
    let first = pick.map(|p| {
        let shown = Inspected {
            run: p.run,
            layer: p.layer,
            dir: p.dir,
            sample: match p.sample {
                SamplePick::Index(i) => i,
                SamplePick::Worst | SamplePick::Yours => 0,
            },
            ..Inspected::default()
        };
        look::value(&shown)
    });
    let state = AppState::new(settings, pick, notice, training);
    state.sequence_from_link(seq.clone());
    provide_context(state);
    provide_context(LossAxes::new());
    // The pick shown once an inspection has arrived; the link's own until then.
    let inside = Memo::new(move |_| {
        state.history.with(|h| {
            if h.insights.is_empty() {
                first.clone().flatten()
            } else {
                look::value(&h.inspected)
            }
        })
    });
    // Your sequence in the link while it is shown (the link's own until an inspection).
    let seq_link = Memo::new(move |_| {
        state.history.with(|h| {
            if h.insights.is_empty() {
                seq.clone()
            } else {
                h.inspected.yours_link.clone().filter(|_| h.inspected.yours)
            }
        })
    });
    Effect::new(move |_| {
        let v = inside.get();
        let q = seq_link.get();
        state
            .settings
            .with(|s| sync_url(s, v.as_deref(), q.as_deref()));
    });
    // Presenter mode: larger page text (a class on <html>, see style.css).
    Effect::new(move |_| {
        let on = state.settings.with(|s| s.presenter);
        if let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = root.class_list().toggle_with_force("presenter", on);
        }
    });
    let hides = move |panel: Panel| move || state.hides(panel);
    let cursor_clock = StoredValue::new(0.0f64);
    Effect::new(move |_| {
        animation_loop(move |now| {
            if state.cursor.playing.try_get_untracked().is_none() {
                return false;
            }
            if state.cursor.playing.get_untracked() {
                let last = cursor_clock.get_value();
                if now - last >= 1000.0 / CURSOR_STEPS_PER_S {
                    cursor_clock.set_value(now);
                    let t = state.seq_len().max(1);
                    state
                        .cursor
                        .at
                        .update(|c| *c = if *c >= t { 1 } else { *c + 1 });
                }
            }
            true
        })
    });
    let on_key = window_event_listener(leptos::ev::keydown, move |ev| {
        let tag = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .map(|e| e.tag_name());
        if matches!(
            tag.as_deref(),
            Some("INPUT" | "SELECT" | "TEXTAREA" | "BUTTON")
        ) {
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
            <div>
                <h1>"gru-lens"</h1>
                // What the tool does, not what runs now (one link trains a lone LSTM): true on every page.
                <p class="tagline">"Train a GRU — and an LSTM or a plain RNN beside it — live in your browser, and watch the gates, the hidden state and the gradient."</p>
            </div>
            <div class="head-right">
                <InterviewToggle/>
                <p class="keys">"Space: play/pause · →: one step"</p>
            </div>
        </header>
        <Controls/>
        <SurgeryBanner/>
        <InterviewPanel/>
        <KernelBenchView/>
        <div class="layout" class:no-sidebar=move || state.hides(Panel::Settings) && state.hides(Panel::Equations)>
            <aside class="sidebar" hidden=move || state.hides(Panel::Settings) && state.hides(Panel::Equations)>
                <div hidden=hides(Panel::Settings)><PhoneFold label="Settings"><SettingsForm/></PhoneFold></div>
                <div id="v-equations" hidden=hides(Panel::Equations)><Equations/></div>
            </aside>
            <main class="views">
                <section class="group" aria-labelledby="g-learn" hidden=hides(Panel::Loss)>
                    <h2 id="g-learn">"Learning"</h2>
                    <div class="grid">
                        <LossView/>
                        <GradNormView/>
                        <CompareTable/>
                        <SweepView/>
                    </div>
                </section>
                <section class="group travel-group" aria-labelledby="g-travel"
                    hidden=move || state.hides(Panel::Flow) && state.hides(Panel::Gates)>
                    <h2 id="g-travel">"Back in training time"</h2>
                    <TimeTravel/>
                </section>
                <section id="v-flow" class="group" aria-labelledby="g-flow" hidden=hides(Panel::Flow)>
                    <h2 id="g-flow">"Why the gradient survives"</h2>
                    <PastBanner note=" The map of gradient flow over training shows the inspections of the live model."/>
                    <div class="grid"><FlowView/></div>
                </section>
                <section id="v-models" class="group" aria-labelledby="g-models"
                    hidden=move || hides(Panel::Flow)() || state.settings.with(|s| s.models.is_empty())>
                    <h2 id="g-models">"Beyond recurrence: one hop to every input"</h2>
                    <div class="grid"><ModelsView/></div>
                </section>
                <section id="v-gates" class="group" aria-labelledby="g-gates" hidden=hides(Panel::Gates)>
                    <h2 id="g-gates">{move || state.history.with(inside_heading)}</h2>
                    <PastBanner/>
                    <InsidePicker/>
                    <YourSequence/>
                    <p class="no-gates" hidden=move || state.history.with(picked_recurrent)>
                        {move || state.history.with(no_gates_line)}</p>
                    <div class="grid" hidden=move || !state.history.with(picked_recurrent)>
                        <GatesView/>
                        <HiddenView/>
                        <div class="view drill"><Drilldown/></div>
                    </div>
                </section>
            </main>
        </div>
    }
}

/// Whether the picked run has gates and a hidden state to show (true before the first snapshot).
fn picked_recurrent(h: &gru_lab::history::History) -> bool {
    h.picked().is_none_or(|x| x.recurrent)
}

/// The one line shown instead of the gate and hidden-state views for a TCN or attention run.
fn no_gates_line(h: &gru_lab::history::History) -> String {
    match h.picked() {
        Some(x) if !x.recurrent => format!(
            "The {} has no gates and no hidden state carried over time, so there is nothing to show here: \
             its inside is the sensitivity chart and{} under “Beyond recurrence”. Pick a recurrent run to see gates.",
            x.label(),
            if x.attention.is_empty() { " its receptive field" } else { " its attention weights" }
        ),
        _ => String::new(),
    }
}
