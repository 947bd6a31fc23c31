//! The settings panel, generated from the parameter table ([`gru_lab::settings::PARAMS`]):
//! each setting's label, tooltip, range and live-or-reset behaviour come from there, and every
//! edit is validated by the same code that reads links. Live settings apply at once; anything
//! else waits for an explicit "Apply and reset", so a run is never silently lost.

use gru_core::cell::CellKind;
use gru_lab::settings::{
    task_config, Field, Group, Param, SeqModel, CELLS, MAX_CELLS, MODELS, PARAMS,
};
use leptos::prelude::*;

use crate::state::{AppState, Apply};

/// The rates offered by the speed menu (steps per second), slow motion to fast.
const RATES: &[&str] = &["0.5", "1", "2", "5", "10", "20", "50", "100", "200", "max"];

/// Tries `value` for `param` on a copy of the draft; keeps it only when the whole draft stays
/// valid (a task change re-checks the knob), else names the problem and keeps the old value.
fn edit(state: AppState, param: &'static Param, value: &str) {
    let mut d = state.draft.get_untracked();
    let result = param
        .set(&mut d, value.trim())
        .and_then(|()| d.task_config().map(|_| ()))
        .and_then(|()| d.core_surgery().validate().map_err(|e| e.to_string()));
    match result {
        Ok(()) => {
            state.draft.set(d);
            state.apply(Apply::LiveOnly);
        }
        Err(e) => {
            let kept = state.draft.with_untracked(|d| param.text(d));
            state.notice.set(Some(format!("{e} — kept {kept}.")));
            // Redraw the field with the kept value.
            state.draft.update(|_| {});
        }
    }
}

/// One setting's control, by its field type.
#[component]
fn ParamControl(
    /// The setting.
    param: &'static Param,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let key = param.key;
    let value = move || state.draft.with(|d| param.text(d));
    let on_change = move |ev: leptos::ev::Event| edit(state, param, &event_target_value(&ev));
    match param.field {
        Field::Count { min, max, .. } => {
            let label = move || {
                if key == "T" {
                    state
                        .draft
                        .with(|d| task_config(d.task, d.knob).map_or(param.label, |c| c.knob_name()))
                } else {
                    param.label
                }
            };
            view! {
                <label title=param.tip>
                    <span>{label}</span>
                    <input type="number" name=key min=min.to_string() max=max.to_string() step=param.input_step()
                        prop:value=value on:change=on_change/>
                </label>
            }
            .into_any()
        }
        Field::Real { min, max, .. } => view! {
            <label title=param.tip>
                <span>{param.label}</span>
                <input type="number" name=key min=min.to_string() max=max.to_string() step=param.input_step()
                    prop:value=value on:change=on_change/>
            </label>
        }
        .into_any(),
        Field::Optional { min, max, none, .. } => {
            // Empty (or the word for none) means learned / the init scheme's own.
            let shown = move || {
                let v = value();
                if v == none {
                    String::new()
                } else {
                    v
                }
            };
            view! {
                <label title=param.tip>
                    <span>{param.label}</span>
                    <input type="number" name=key min=min.to_string() max=max.to_string() step="any"
                        placeholder=none prop:value=shown on:change=on_change/>
                </label>
            }
            .into_any()
        }
        Field::Choice { options, .. } => view! {
            <label title=param.tip>
                <span>{param.label}</span>
                <select name=key on:change=on_change>
                    {options.iter().map(|&(id, name)| view! {
                        <option value=id selected=move || value() == id>{name}</option>
                    }).collect_view()}
                </select>
            </label>
        }
        .into_any(),
        Field::Switch { .. } => view! {
            <label class="inline" title=param.tip>
                <input type="checkbox" name=key prop:checked=move || value() == "1"
                    on:change=move |ev| edit(state, param, if event_target_checked(&ev) { "1" } else { "0" })/>
                " " {param.label}
            </label>
        }
        .into_any(),
        Field::Rate { .. } => {
            let options = move || {
                let v = value();
                let mut all: Vec<String> = RATES.iter().map(|r| r.to_string()).collect();
                if !all.contains(&v) {
                    all.insert(0, v);
                }
                all
            };
            view! {
                <label title=param.tip>
                    <span>{param.label}</span>
                    <select name=key on:change=on_change>
                        {move || options().into_iter().map(|r| {
                            let shown = if r == "max" { "full speed".to_string() } else { format!("{r} steps/s") };
                            let selected = r == value();
                            view! { <option value=r.clone() selected=selected>{shown}</option> }
                        }).collect_view()}
                    </select>
                </label>
            }
            .into_any()
        }
        Field::Cells => view! { <CellBoxes param=param/> }.into_any(),
        // View settings come from links only (Group::Page is not in the form).
        Field::Panels => ().into_any(),
    }
}

/// The compared cells as checkboxes (one to [`MAX_CELLS`]).
#[component]
fn CellBoxes(
    /// The `cells` setting.
    param: &'static Param,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let toggle = move |kind: CellKind, on: bool| {
        let mut cells = state.draft.with_untracked(|d| d.cells.clone());
        if on && !cells.contains(&kind) && cells.len() < MAX_CELLS {
            cells.push(kind);
        } else if !on && cells.len() > 1 {
            cells.retain(|&c| c != kind);
        }
        let models = state.draft.with_untracked(|d| d.models.clone());
        let ids: Vec<&str> = cells
            .iter()
            .filter_map(|c| CELLS.iter().find(|x| x.1 == *c).map(|x| x.0))
            .chain(models.iter().map(|m| m.id()))
            .collect();
        edit(state, param, &ids.join(","));
    };
    let toggle_model = move |m: SeqModel, on: bool| {
        let mut models = state.draft.with_untracked(|d| d.models.clone());
        if on && !models.contains(&m) {
            models.push(m);
        } else if !on {
            models.retain(|&x| x != m);
        }
        let cells = state.draft.with_untracked(|d| d.cells.clone());
        let ids: Vec<&str> = cells
            .iter()
            .map(|&c| gru_lab::settings::cell_id(c))
            .chain(models.iter().map(|m| m.id()))
            .collect();
        edit(state, param, &ids.join(","));
    };
    let cells = CELLS
        .iter()
        .map(|&(id, kind)| {
            view! {
                <label class="inline" title=cell_tip(kind)>
                    <input type="checkbox" name=id prop:checked=move || state.draft.with(|d| d.cells.contains(&kind))
                        on:change=move |ev| toggle(kind, event_target_checked(&ev))/>
                    " " {kind.label()}
                </label>
            }
        })
        .collect_view();
    let models = MODELS
        .iter()
        .map(|&(id, m)| {
            let tip = match m {
                SeqModel::Tcn => "A causal temporal convolutional network: kernel k (TCN kernel), dilations 1, 2, 4, … until its receptive field covers T (or TCN levels); width = hidden units. Not stacked (layers = 1), one way, no dropout",
                SeqModel::Attention => "One pre-LN causal self-attention layer (Attention heads, Attention positions, feed-forward 2×hidden); width = hidden units. Not stacked (layers = 1), one way, no dropout",
            };
            view! {
                <label class="inline" title=tip>
                    <input type="checkbox" name=id prop:checked=move || state.draft.with(|d| d.models.contains(&m))
                        on:change=move |ev| toggle_model(m, event_target_checked(&ev))/>
                    " " {m.label()}
                </label>
            }
        })
        .collect_view();
    view! { {cells} <span class="beside">" beside them: "</span> {models} }
}

/// The settings of one group, in table order.
fn group(g: Group) -> impl IntoView {
    PARAMS
        .iter()
        .filter(move |p| p.group == g)
        .map(|p| view! { <ParamControl param=p/> })
        .collect_view()
}

/// The settings panel.
#[component]
pub fn SettingsForm() -> impl IntoView {
    let state = expect_context::<AppState>();
    let pending = move || {
        let d = state.draft.get();
        state.settings.with(|a| a.needs_reset(&d))
    };
    view! {
        <form class="settings" aria-label="Settings" novalidate=true
            on:submit=move |ev| { ev.prevent_default(); state.apply(Apply::WithReset); }>
            <fieldset><legend>"Task"</legend>{group(Group::Task)}</fieldset>
            <fieldset><legend>"Cells, trained side by side"</legend>{group(Group::Cells)}</fieldset>
            <fieldset><legend>"Model"</legend>{group(Group::Model)}</fieldset>
            <fieldset><legend>"Training"</legend>{group(Group::Training)}</fieldset>
            <fieldset><legend>"Gate surgery (on reset)"</legend>{group(Group::Surgery)}</fieldset>
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
