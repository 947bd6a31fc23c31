//! "Your sequence": a text box where the learner types an input sequence in the task's terms
//! (`gru_lab::sequence`), checked before it is sent; a problem is one line beside the box and
//! the inside views keep what they show. Drawing on the strip writes the same box.

use gru_core::task::TaskConfig;
use gru_lab::history::History;
use gru_lab::sequence::{self, Yours};
use gru_lab::settings::Settings;
use leptos::prelude::*;

use crate::state::AppState;

/// The form the active task takes and the target its rule gives.
fn help(s: &Settings) -> String {
    let Ok(task) = s.task_config() else {
        return "The settings name no task.".into();
    };
    let t = task.build().map_or(0, |b| b.seq_len());
    let draw = match task {
        TaskConfig::Adding { .. } => " Or draw it on the Input and target strip: drag over the value lane; click the marker lane to move the nearer mark there.",
        TaskConfig::Latch { .. } => " Or draw it on the Input and target strip: drag over the cue and noise lanes.",
        TaskConfig::Sine { .. } | TaskConfig::Lookahead { .. } => " Or draw it on the Input and target strip: drag over the input lane.",
        _ => " Or draw it on the Input and target strip: click a step of the input lane for its next symbol.",
    };
    let form = match task {
        TaskConfig::Adding { .. } => format!(
            "{t} values in 0…1 (spaces or commas), then | and the two marked steps (1…{t}); the target is the sum of the two marked values."
        ),
        TaskConfig::Parity { .. } => format!("{t} bits, each 0 or 1; the target is even or odd (the number of ones)."),
        TaskConfig::Latch { .. } => format!(
            "The cue -1 or 1 (step 1), then | and {} noise values in -1…1 (steps 2…{t}); the target is the cue.",
            t - 1
        ),
        TaskConfig::Sine { .. } => format!(
            "{t} values in -1…1; each step's target is the next value (the last step has none)."
        ),
        TaskConfig::Lookahead { ahead, .. } => format!(
            "{t} values in -1…1; each step's target is the value {ahead} steps ahead (the last {ahead} steps have none)."
        ),
        TaskConfig::TemporalOrder { .. } => format!(
            "{t} symbols of a b c d X Y B E; the target is the order of the two X/Y (with any other number of X/Y there is none: the prediction only)."
        ),
        TaskConfig::CopyMemory { symbols, .. } => format!(
            "{t} symbols: {}; the target is the first {symbols} symbols again, in the last {symbols} steps ({}…{t}; the task's own sequences put go at step {}). If one of the first {symbols} is . or go there is none: the prediction only.",
            sequence::symbols(&task).join(" "),
            (t + 1).saturating_sub(symbols),
            t.saturating_sub(symbols)
        ),
    };
    format!("{form}{draw}")
}

/// The inspected sample (or your sequence) in the text form, values rounded to 0.01.
pub fn from_sample(h: &History, s: &Settings) -> Option<Yours> {
    let task = s.task_config().ok()?;
    Yours::from_inputs(&task, &h.picked()?.data.inputs).ok()
}

/// The text box and its buttons.
#[component]
pub fn YourSequence() -> impl IntoView {
    let state = expect_context::<AppState>();
    let text = state.sequence_text;
    let form = Memo::new(move |_| state.settings.with(help));
    let copy = move |_| {
        let y = state
            .settings
            .with_untracked(|s| state.history.with_untracked(|h| from_sample(h, s)));
        if let Some(y) = y {
            text.set(sequence::to_text(&y, " "));
        }
    };
    view! {
        <details class="your-seq">
            <summary>"Your own sequence"</summary>
            <p class="hint">{move || form.get()}</p>
            <textarea rows="3" aria-label="Your sequence" spellcheck="false"
                prop:value=move || text.get()
                on:input=move |ev| text.set(event_target_value(&ev))></textarea>
            <div class="your-seq-buttons">
                <button on:click=move |_| state.show_sequence(text.get_untracked())>"Show the model this sequence"</button>
                <button title="Copies the inspected sample's inputs (values rounded to 0.01) into the box, to edit"
                    on:click=copy>"Copy the inspected sample"</button>
            </div>
            {move || state.sequence_error.get().map(|e| view! { <p class="seq-error" role="alert">{e}</p> })}
        </details>
    }
}
