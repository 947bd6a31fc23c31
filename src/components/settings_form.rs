//! The settings panel: task and difficulty, cells to compare, model shape, optimiser, seed,
//! dropout, speed. Learning rate, clipping and speed apply live; anything else waits for an
//! explicit "Apply and reset", so a run is never silently lost.

use gru_core::cell::CellKind;
use leptos::prelude::*;

use crate::settings::{task_config, Opt, Settings, CELLS, MAX_KNOB, TASKS};
use crate::state::AppState;

/// A labelled number input bound to one field of the draft settings.
#[component]
fn NumberField(
    /// Visible label.
    label: &'static str,
    /// Tooltip in plain words.
    tip: &'static str,
    /// URL key of the field (validation goes through `Settings::set`).
    key: &'static str,
    /// Reads the field from settings as text.
    get: fn(&Settings) -> String,
    /// `min`, `max`, `step` attributes.
    range: (&'static str, &'static str, &'static str),
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let on_change = move |ev: leptos::ev::Event| {
        let v = event_target_value(&ev);
        let mut d = state.draft.get_untracked();
        match d.set(key, v.trim()) {
            Ok(()) => {
                state.draft.set(d);
                state.apply(false);
            }
            Err(e) => {
                state.notice.set(Some(format!("{e} — kept {}.", get(&d))));
                // Show the kept value again.
                state.draft.set(d);
            }
        }
    };
    view! {
        <label title=tip>
            <span>{label}</span>
            <input type="number" min=range.0 max=range.1 step=range.2 name=key
                prop:value=move || state.draft.with(get) on:change=on_change/>
        </label>
    }
}

/// The settings panel.
#[component]
pub fn SettingsForm() -> impl IntoView {
    let state = expect_context::<AppState>();
    let pending = move || {
        let (a, d) = (state.settings.get(), state.draft.get());
        a.needs_reset(&d)
    };
    let knob_label = move || {
        state
            .draft
            .with(|d| task_config(d.task, d.knob).map_or("Sequence length", |c| c.knob_name()))
    };
    let set_draft = move |f: &dyn Fn(&mut Settings)| {
        let mut d = state.draft.get_untracked();
        f(&mut d);
        state.draft.set(d);
        state.apply(false);
    };
    let toggle_cell = move |kind: CellKind, on: bool| {
        set_draft(&|d| {
            if on && !d.cells.contains(&kind) && d.cells.len() < 3 {
                d.cells.push(kind);
            } else if !on && d.cells.len() > 1 {
                d.cells.retain(|&c| c != kind);
            }
        })
    };
    view! {
        <form class="settings" aria-label="Settings" novalidate=true on:submit=move |ev| { ev.prevent_default(); state.apply(true); }>
            <fieldset>
                <legend>"Task"</legend>
                <label title="The toy problem the networks learn">
                    <span>"Task"</span>
                    <select name="task" on:change=move |ev| {
                        let id = event_target_value(&ev);
                        set_draft(&|d| { if let Some(t) = TASKS.iter().find(|t| t.0 == id) { d.task = t.0; } });
                    }>
                        {TASKS.iter().map(|&(id, name)| view! {
                            <option value=id selected=move || state.draft.with(|d| d.task == id)>{name}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label title="How far apart the things to remember are: longer is harder">
                    <span>{knob_label}</span>
                    <input type="number" name="T" min="1" max=MAX_KNOB.to_string() step="1"
                        prop:value=move || state.draft.with(|d| d.knob.to_string())
                        on:change=move |ev| {
                            let v = event_target_value(&ev);
                            let mut d = state.draft.get_untracked();
                            let old = d.knob;
                            match d.set("T", v.trim()) {
                                Ok(()) => match task_config(d.task, d.knob).map(|c| c.knob_range()) {
                                    Some(r) if r.contains(&d.knob) => { state.draft.set(d); }
                                    Some(r) => { state.notice.set(Some(format!("T: {} must be between {} and {} — kept {old}.", d.knob, r.start(), r.end().min(&MAX_KNOB)))); d.knob = old; state.draft.set(d); }
                                    None => {}
                                },
                                Err(e) => { state.notice.set(Some(format!("{e} — kept {old}."))); state.draft.set(d); }
                            }
                        }/>
                </label>
            </fieldset>
            <fieldset>
                <legend>"Cells, trained side by side"</legend>
                {CELLS.iter().map(|&(id, kind)| view! {
                    <label class="inline" title=cell_tip(kind)>
                        <input type="checkbox" name=id prop:checked=move || state.draft.with(|d| d.cells.contains(&kind))
                            on:change=move |ev| toggle_cell(kind, event_target_checked(&ev))/>
                        " " {kind.label()}
                    </label>
                }).collect_view()}
            </fieldset>
            <fieldset>
                <legend>"Model"</legend>
                <NumberField label="Hidden units" key="hidden" tip="Units per layer (1–64)" get=|s| s.hidden.to_string() range=("1", "64", "1")/>
                <NumberField label="Layers" key="layers" tip="Stacked recurrent layers (1–4); the views show the first" get=|s| s.layers.to_string() range=("1", "4", "1")/>
                <label class="inline" title="Run every layer forwards and backwards in time">
                    <input type="checkbox" name="bi" prop:checked=move || state.draft.with(|d| d.bidirectional)
                        on:change=move |ev| { let on = event_target_checked(&ev); set_draft(&|d| d.bidirectional = on) }/>
                    " bidirectional"
                </label>
                <NumberField label="Input dropout" key="dropout" tip="Chance of zeroing each input while training (0–0.9)" get=|s| s.dropout.to_string() range=("0", "0.9", "any")/>
                <NumberField label="Recurrent dropout" key="rdropout" tip="Chance of zeroing each unit of h(t−1) on its way into the recurrent weights (0–0.9)" get=|s| s.rdropout.to_string() range=("0", "0.9", "any")/>
            </fieldset>
            <fieldset>
                <legend>"Training"</legend>
                <NumberField label="Learning rate" key="lr" tip="Step size of the optimiser; applies at once" get=|s| s.lr.to_string() range=("0.00001", "1", "any")/>
                <label title="Adam adapts the step per weight; SGD uses momentum 0.9">
                    <span>"Optimizer"</span>
                    <select name="opt" on:change=move |ev| { let v = event_target_value(&ev); set_draft(&|d| d.opt = if v == "sgd" { Opt::Sgd } else { Opt::Adam }) }>
                        <option value="adam" selected=move || state.draft.with(|d| d.opt == Opt::Adam)>"Adam"</option>
                        <option value="sgd" selected=move || state.draft.with(|d| d.opt == Opt::Sgd)>"SGD + momentum"</option>
                    </select>
                </label>
                <NumberField label="Gradient clip" key="clip" tip="Largest allowed gradient norm, 0 = no clipping; applies at once" get=|s| s.clip.to_string() range=("0", "100", "any")/>
                <NumberField label="Batch size" key="batch" tip="Sequences per training step (1–256)" get=|s| s.batch.to_string() range=("1", "256", "1")/>
                <NumberField label="Seed" key="seed" tip="Fixes the initial weights, the data and dropout: same seed, same run" get=|s| s.seed.to_string() range=("0", "4294967295", "1")/>
                <NumberField label="Speed (ms/frame)" key="speed" tip="Training time per animation frame (1–14 ms); applies at once" get=|s| s.speed.to_string() range=("1", "14", "1")/>
            </fieldset>
            <div class="apply" class:pending=pending>
                <button type="submit" class="primary" disabled=move || !pending()
                    title="Start new runs with these settings (the current runs end)">"Apply and reset"</button>
                <button type="button" disabled=move || !pending() title="Forget the changes"
                    on:click=move |_| state.draft.set(state.settings.get_untracked())>"Discard"</button>
                <span class="hint">{move || if pending() { "These changes need a fresh run." } else { "Learning rate, clipping and speed apply live." }}</span>
            </div>
        </form>
    }
}

fn cell_tip(kind: CellKind) -> &'static str {
    match kind {
        CellKind::Gru => {
            "Gated recurrent unit, reset before U_h (the formulation shown on this page)"
        }
        CellKind::RnnTanh => "Plain tanh RNN: h_t = tanh(W x_t + U h_(t−1) + b)",
        CellKind::Lstm => "Long short-term memory (PyTorch's LSTM)",
        CellKind::GruTorch => "PyTorch's GRU: reset after the matrix, gate z′ = 1 − z",
        CellKind::RnnRelu => "ReLU RNN",
    }
}
