//! Time travel over training: a scrubber over the training steps whose model the worker kept
//! (`Snapshot::timeline`), the sentence saying which model the inside views show, "Back to
//! live", and rewinding the runs to the step viewed. [`PastBanner`] marks every inside
//! section while it shows the past.

use gru_lab::history::History;
use leptos::prelude::*;

use crate::state::AppState;

/// "Viewing step 1200 of 4000 — training continues" / "Live: step 4000 …" (step numbers in
/// plain digits, as in the status line).
fn viewing_text(h: &History) -> String {
    let now = h.steps();
    let doing = if h.playing {
        "training continues"
    } else {
        "training paused"
    };
    match h.inspected.at {
        Some(at) => format!("Viewing step {at} of {now} — {doing}"),
        None => {
            let kept = &h.timeline;
            let every = match kept.as_slice() {
                [.., a, b] => format!(", every {} steps", b - a),
                _ => String::new(),
            };
            let earlier = kept.iter().filter(|&&s| s < h.steps()).count();
            format!(
                "Live: step {now} — {doing}. The model is kept at {earlier} earlier steps{every}; drag to look back."
            )
        }
    }
}

/// What "Resume training from here" keeps, as a tooltip.
fn resume_title(exact: bool) -> &'static str {
    if exact {
        "Rewind every run to this step — weights, optimiser moments and data position — and train on from here exactly as the first time; later steps are dropped"
    } else {
        "Rewind every run to this step's weights and train on from here with fresh optimiser moments (this model is too large to keep them); later steps are dropped"
    }
}

/// The scrubber and its buttons.
#[component]
pub fn TimeTravel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let kept = Memo::new(move |_| state.history.with(|h| h.timeline.clone()));
    let at = Memo::new(move |_| state.history.with(|h| h.inspected.at));
    // Slider position: the index of the step viewed, or one past the last kept step = live.
    let pos = move || {
        let k = kept.get();
        at.get()
            .and_then(|a| k.iter().position(|&s| s == a))
            .unwrap_or(k.len())
    };
    let on_input = move |ev: leptos::ev::Event| {
        if let Ok(i) = event_target_value(&ev).parse::<usize>() {
            state.travel(kept.with_untracked(|k| k.get(i).copied()));
        }
    };
    let rewind = move |_| {
        if let Some(s) = at.get_untracked() {
            state.rewind(s);
        }
    };
    view! {
        <div class="travel" role="group" aria-label="Time travel over training">
            <label class="travel-scrub">"training step "
                <input type="range" min="0" step="1" aria-label="Training step to view"
                    prop:max=move || kept.with(Vec::len).to_string()
                    prop:value=move || pos().to_string()
                    on:input=on_input/>
            </label>
            <span class="travel-text" data-travel="">{move || state.history.with(viewing_text)}</span>
            <Show when=move || at.get().is_some()>
                <button on:click=move |_| state.travel(None)>"Back to live"</button>
                <button title=move || resume_title(state.history.with(|h| h.exact_resume))
                    on:click=rewind>
                    {move || if state.playing() { "Resume training from here" } else { "Rewind training to here (stays paused)" }}
                </button>
            </Show>
        </div>
    }
}

/// "These views show the past" — absent while they show the live model.
#[component]
pub fn PastBanner(
    /// A sentence to add (e.g. which chart of the section is not of the past).
    #[prop(optional)]
    note: &'static str,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let text = move || {
        state.history.with(|h| {
            h.inspected.at.map(|at| {
                format!(
                    "The views here show the model as it was at training step {}, not the live one (step {}).{note}",
                    at,
                    h.steps()
                )
            })
        })
    };
    view! {
        <Show when=move || text().is_some()>
            <p class="past-banner" role="note">{text}</p>
        </Show>
    }
}
