//! "Update gate z" and "Reset gate r": heatmaps unit × time step of the GRU's gates on the
//! inspected sample, with the time cursor (play / scrub) and hover/click drill-down.

use gru_core::cell::CellKind;
use leptos::prelude::*;

use crate::charts::colormap::Scale;
use crate::charts::heatmap::{self, HeatmapData};
use crate::charts::projection::GridProjection;
use crate::components::canvas::{ChartCanvas, Pointer};
use crate::state::{AppState, Selection};
use gru_lab::insight::Insight;

/// Index of the first GRU run (its gates are the ones shown).
pub fn gru_index(ins: &[Insight]) -> Option<usize> {
    ins.iter()
        .position(|i| matches!(i.cell, CellKind::Gru | CellKind::GruTorch))
}

/// One gate heatmap.
#[component]
fn GateHeatmap(
    /// Accessible name, e.g. "Update gate z".
    label: &'static str,
    /// Gate name in the cache ("z", "r").
    gate: &'static str,
    /// Plain-words help.
    hint: &'static str,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let proj = StoredValue::new(GridProjection::default());
    let draw = move |c: &web_sys::HtmlCanvasElement| {
        let sel = state
            .selected
            .get()
            .map(|s| (s.unit, s.step.saturating_sub(1)));
        let cursor = state.cursor.get().saturating_sub(1);
        let Some((values, rows, cols)) = state.history.with(|h| {
            let g = &h.insights[gru_index(&h.insights)?];
            Some((g.unit_by_time(gate), g.hidden, g.steps))
        }) else {
            return heatmap::draw(c, &empty()).map(|_| ());
        };
        let data = HeatmapData {
            values: &values,
            rows,
            cols,
            scale: Scale::Sequential { lo: 0.0, hi: 1.0 },
            x_desc: "time step t",
            y_desc: "unit",
            x_first: 1.0,
            x_step: 1.0,
            bar_label: gate,
            cursor: Some(cursor),
            selected: sel,
        };
        let p = heatmap::draw(c, &data)?;
        proj.set_value(p);
        Ok(())
    };
    let on_pointer = Callback::new(move |p: Pointer| {
        if p.leave {
            return;
        }
        if let Some((unit, col)) = proj.get_value().cell_at(p.x, p.y) {
            state.selected.set(Some(Selection {
                unit,
                step: col + 1,
            }));
            if p.click {
                state.cursor_playing.set(false);
                state.cursor.set(col + 1);
            }
        }
    });
    // The keyboard's drill-down: arrows move the selected cell (unit ↑↓, time step ←→),
    // Home/End jump to the first/last step, Enter moves the time cursor there.
    let on_key = Callback::new(move |key: String| {
        let Some((rows, cols)) = state.history.with_untracked(|h| {
            let g = &h.insights[gru_index(&h.insights)?];
            Some((g.hidden, g.steps))
        }) else {
            return false;
        };
        if rows == 0 || cols == 0 {
            return false;
        }
        let cur = state.selected.get_untracked().unwrap_or(Selection {
            unit: 0,
            step: state.cursor.get_untracked().clamp(1, cols),
        });
        let (unit, step) = (cur.unit.min(rows - 1), cur.step.clamp(1, cols));
        let next = match key.as_str() {
            "ArrowUp" => (unit.saturating_sub(1), step),
            "ArrowDown" => ((unit + 1).min(rows - 1), step),
            "ArrowLeft" => (unit, step.saturating_sub(1).max(1)),
            "ArrowRight" => (unit, (step + 1).min(cols)),
            "Home" => (unit, 1),
            "End" => (unit, cols),
            "Enter" => {
                state.cursor_playing.set(false);
                state.cursor.set(step);
                (unit, step)
            }
            _ => return false,
        };
        state.selected.set(Some(Selection {
            unit: next.0,
            step: next.1,
        }));
        true
    });
    let summary = move || {
        state
            .history
            .with(|h| match gru_index(&h.insights).map(|i| &h.insights[i]) {
                None => "No GRU in this run.".to_string(),
                Some(g) => {
                    let v = g.unit_by_time(gate);
                    let mean = v.iter().sum::<f64>() / v.len().max(1) as f64;
                    let open = v.iter().filter(|&&x| x > 0.5).count();
                    format!(
                        "{label}: mean {mean:.2}, {open} of {} unit-steps above 0.5.",
                        v.len()
                    )
                }
            })
    };
    view! {
        <ChartCanvas label=label width=720 height=260 draw=draw summary=Signal::derive(summary) on_pointer=on_pointer on_key=on_key hint=hint/>
    }
}

fn empty() -> HeatmapData<'static> {
    HeatmapData {
        values: &[],
        rows: 0,
        cols: 0,
        scale: Scale::Sequential { lo: 0.0, hi: 1.0 },
        x_desc: "add a GRU to see its gates",
        y_desc: "unit",
        x_first: 1.0,
        x_step: 1.0,
        bar_label: "",
        cursor: None,
        selected: None,
    }
}

/// Both gate heatmaps and the time-cursor controls.
#[component]
pub fn GatesView() -> impl IntoView {
    let state = expect_context::<AppState>();
    let steps = move || state.steps().max(1);
    view! {
        <div class="view gates">
            <TimeCursor/>
            <GateHeatmap label="Update gate z" gate="z"
                hint="z near 1: the unit takes the new candidate h̃; near 0: it keeps its old value (the gradient highway)."/>
            <GateHeatmap label="Reset gate r" gate="r"
                hint="r near 0: the candidate ignores the unit's past value; near 1: it uses all of it."/>
            <p class="hint">{move || format!("Hover a cell for its numbers; click to move the time cursor (1–{}). Keyboard: focus a heatmap, arrows pick a cell, Enter moves the cursor.", steps())}</p>
        </div>
    }
}

/// Play/pause and scrub the time cursor along t.
#[component]
pub fn TimeCursor() -> impl IntoView {
    let state = expect_context::<AppState>();
    let steps = move || state.steps().max(1);
    view! {
        <div class="cursor-controls">
            <button title="Animate the time cursor along the sequence"
                on:click=move |_| state.cursor_playing.update(|p| *p = !*p)>
                {move || if state.cursor_playing.get() { "Stop t" } else { "Animate t" }}
            </button>
            <label title="Drag to move the time cursor through the sequence">
                "time step t "
                <input type="range" min="1" max=move || steps().to_string()
                    prop:value=move || state.cursor.get().to_string()
                    on:input=move |ev| {
                        state.cursor_playing.set(false);
                        if let Ok(v) = event_target_value(&ev).parse::<usize>() { state.cursor.set(v.clamp(1, steps())) }
                    }/>
            </label>
            <span class="tpos">{move || format!("t = {} / {}", state.cursor.get(), steps())}</span>
        </div>
    }
}
