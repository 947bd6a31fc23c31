//! Play/Pause, Step, Reset, the status line and the notice.

use gru_lab::history::History;
use leptos::prelude::*;

use crate::components::exports::Exports;
use crate::components::files::SaveLoad;
use crate::format::fmt_num;
use crate::state::AppState;

/// The status text: `step 1234 · GRU loss 0.0421 · RNN loss 0.16 · 850 steps/s`. The rate is
/// wall-clock lock-steps per second — what the user actually gets.
pub fn status_text(h: &History) -> String {
    let Some(first) = h.runs.first() else {
        return if h.started {
            "no run".into()
        } else {
            "starting…".into()
        };
    };
    let mut text = format!("step {}", first.status.step);
    for r in &h.runs {
        let name = if h.runs.len() > 1 {
            format!("{} ", r.status.label)
        } else {
            String::new()
        };
        text.push_str(&format!(" · {name}loss {}", fmt_num(r.status.loss)));
    }
    if !h.playing {
        text.push_str(" · paused");
    } else if h.rates.wall_steps_per_s > 0.0 {
        text.push_str(&format!(" · {:.0} steps/s", h.rates.wall_steps_per_s));
    }
    text
}

/// The transport buttons and status.
#[component]
pub fn Controls() -> impl IntoView {
    let state = expect_context::<AppState>();
    view! {
        <section class="controls" aria-label="Training controls">
            <button class="primary" on:click=move |_| state.toggle() title="Start or pause training (Space)">
                {move || if state.playing() { "Pause" } else { "Play" }}
            </button>
            <button on:click=move |_| state.step_once() title="Train exactly one step on every model (→)">"Step"</button>
            <button on:click=move |_| state.reset() title="Start again from fresh random weights (same seed, same data)">"Reset"</button>
            <SaveLoad/>
            <Exports/>
            <p class="status" role="status" aria-live="polite"
                data-train-rate=move || state.history.with(|h| format!("{:.1}", h.rates.train_steps_per_s))>{move || state.history.with(status_text)}</p>
        </section>
        <Show when=move || state.notice.with(Option::is_some)>
            <p class="notice" role="alert">
                {move || state.notice.get().unwrap_or_default()}
                <button class="dismiss" title="Hide this message" on:click=move |_| state.notice.set(None)>"×"</button>
            </p>
        </Show>
    }
}
