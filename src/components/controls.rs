//! Play/Pause, Step, Reset, the status line and the notice.

use leptos::prelude::*;

use crate::format::fmt_num;
use crate::state::AppState;

/// The status text: `step 1234 · loss 0.0421 · 850 steps/s` (first run's loss; others follow).
pub fn status_text(state: &AppState) -> String {
    let snaps = state.snapshots.get();
    let Some(first) = snaps.first() else {
        return "no run".into();
    };
    let names = state
        .settings
        .with(|s| s.cells.iter().map(|c| c.label()).collect::<Vec<_>>());
    let mut text = format!("step {}", first.step);
    for (i, snap) in snaps.iter().enumerate() {
        let name = if snaps.len() > 1 {
            names.get(i).map_or(String::new(), |n| format!("{n} "))
        } else {
            String::new()
        };
        text.push_str(&format!(" · {name}loss {}", fmt_num(snap.loss)));
    }
    if state.playing.get() && first.steps_per_s > 0.0 {
        text.push_str(&format!(" · {:.0} steps/s", first.steps_per_s));
    } else if !state.playing.get() {
        text.push_str(" · paused");
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
                {move || if state.playing.get() { "Pause" } else { "Play" }}
            </button>
            <button on:click=move |_| state.step_once() title="Train exactly one step on every model (→)">"Step"</button>
            <button on:click=move |_| state.reset() title="Start again from fresh random weights (same seed, same data)">"Reset"</button>
            <p class="status" role="status" aria-live="polite">{move || status_text(&state)}</p>
        </section>
        <Show when=move || state.notice.get().is_some()>
            <p class="notice" role="alert">
                {move || state.notice.get().unwrap_or_default()}
                <button class="dismiss" title="Hide this message" on:click=move |_| state.notice.set(None)>"×"</button>
            </p>
        </Show>
    }
}
