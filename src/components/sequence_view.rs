//! "Your sequence": a text box where the learner types an input sequence in the task's terms
//! (`gru_lab::sequence`), checked before it is sent; a problem is one line beside the box and
//! the inside views keep what they show.

use gru_lab::history::History;
use gru_lab::settings::Settings;
use leptos::prelude::*;

use crate::state::AppState;

/// The form the active task takes, or why it takes none.
fn help(s: &Settings) -> (bool, String) {
    match s.task_config() {
        Ok(gru_core::task::TaskConfig::Adding { len }) => (
            true,
            format!(
                "{len} values in 0…1 (spaces or commas), then | and the two marked steps (1…{len}); the target is the sum of the two marked values."
            ),
        ),
        _ => (
            false,
            "Only the adding problem takes a typed sequence in this version.".into(),
        ),
    }
}

/// The inspected sample's value lane and marked steps as text, rounded to 0.01 (adding
/// problem, in time order), to edit from.
fn from_sample(h: &History) -> Option<String> {
    let x = h.picked()?;
    let lane = |n: &str| {
        x.strip
            .lanes
            .iter()
            .find(|l| l.name == n)
            .map(|l| l.values.clone())
    };
    let (mut v, mut m) = (lane("value")?, lane("marker")?);
    if h.inspected.dir == 1 {
        // The strip is in processing order; the backward direction reads time reversed.
        v.reverse();
        m.reverse();
    }
    let vals: Vec<String> = v.iter().map(|a| format!("{a:.2}")).collect();
    let marks: Vec<String> = (0..m.len())
        .filter(|&i| m[i] > 0.5)
        .map(|i| (i + 1).to_string())
        .collect();
    Some(format!("{} | {}", vals.join(" "), marks.join(" ")))
}

/// The text box and its buttons.
#[component]
pub fn YourSequence() -> impl IntoView {
    let state = expect_context::<AppState>();
    let text = RwSignal::new(String::new());
    let form = Memo::new(move |_| state.settings.with(help));
    view! {
        <details class="your-seq">
            <summary>"Your own sequence"</summary>
            <p class="hint">{move || form.get().1}</p>
            <textarea rows="3" aria-label="Your sequence" spellcheck="false"
                prop:value=move || text.get()
                on:input=move |ev| text.set(event_target_value(&ev))></textarea>
            <div class="your-seq-buttons">
                <button disabled=move || !form.get().0
                    on:click=move |_| state.show_sequence(text.get_untracked())>"Show the model this sequence"</button>
                <button disabled=move || !form.get().0
                    title="Copies the inspected sample's values (rounded to 0.01) and marked steps into the box, to edit"
                    on:click=move |_| if let Some(t) = state.history.with_untracked(from_sample) { text.set(t) }>
                    "Copy the inspected sample"</button>
            </div>
            {move || state.sequence_error.get().map(|e| view! { <p class="seq-error" role="alert">{e}</p> })}
        </details>
    }
}
