//! The picked run's own heatmaps, unit × time step on the inspected sample: a GRU's update
//! and reset gates; an LSTM's input, forget and output gates and cell state; an RNN's
//! saturation. Under the data strip, with the time cursor (play / scrub) and hover/click
//! drill-down.

use gru_core::cell::CellKind;
use gru_lab::history::History;
use leptos::prelude::*;

use crate::charts::colormap::Scale;
use crate::charts::heatmap::{self, HeatmapData};
use crate::charts::projection::GridProjection;
use crate::components::canvas::{ChartCanvas, Pointer};
use crate::components::cell_lines::{LstmCarry, RnnJacobian};
use crate::components::strip_view::StripView;
use crate::cursor::Selection;
use crate::state::AppState;
use gru_lab::insight::Insight;

/// The run the Additive path shows: the picked run when it is a GRU (so it matches the
/// heatmaps and the time cursor), else the first GRU.
pub fn additive_run(h: &History) -> Option<&Insight> {
    h.picked()
        .filter(|x| is_gru(x))
        .or_else(|| h.insights.iter().find(|x| is_gru(x)))
}

/// Whether `x` is a recurrent run of either GRU.
fn is_gru(x: &Insight) -> bool {
    x.recurrent && matches!(x.cell, CellKind::Gru | CellKind::GruTorch)
}

/// What a heatmap shows of the picked run.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Source {
    /// A cached gate in `[0, 1]` ("z", "r", "i", "f", "o", or the RNN's "slope").
    Gate(&'static str),
    /// The LSTM's cell state `c_t`, on a diverging scale around 0.
    CellState,
}

impl Source {
    /// `(H, T)` values and the colour scale.
    fn values(self, x: &Insight) -> (Vec<f64>, Scale) {
        match self {
            Source::Gate(g) => (x.unit_by_time(g), Scale::Sequential { lo: 0.0, hi: 1.0 }),
            Source::CellState => {
                let v = x.cell_state_by_time();
                let limit = v.iter().fold(1e-6f64, |m, a| m.max(a.abs()));
                (v, Scale::Diverging { limit })
            }
        }
    }
    /// Colour-bar label.
    fn bar(self) -> &'static str {
        match self {
            Source::Gate("slope") => "act′(a)",
            Source::Gate(g) => g,
            Source::CellState => "c_t",
        }
    }
}

/// The time axis of the inside views: steps in the picked direction's processing order.
pub fn step_axis(dir: usize) -> &'static str {
    match dir {
        0 => "time step t",
        _ => "step s of the backward pass (it reads input T − s + 1)",
    }
}

/// One heatmap of the picked run, unit × time step.
#[component]
pub fn GateHeatmap(
    /// Accessible name, e.g. "Update gate z".
    label: &'static str,
    /// What it shows.
    source: Source,
    /// Plain-words help.
    hint: &'static str,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let proj = StoredValue::new(GridProjection::default());
    let draw = move |c: &crate::charts::surface::Surface<'_>| {
        let sel = state
            .cursor
            .selected
            .get()
            .map(|s| (s.unit, s.step.saturating_sub(1)));
        let cursor = state.cursor.at.get().saturating_sub(1);
        let Some((values, scale, rows, cols, dir)) = state.with_inspection(|h| {
            let g = h.picked()?;
            let (v, scale) = source.values(g);
            (!v.is_empty()).then_some((v, scale, g.hidden, g.steps, h.inspected.dir))
        }) else {
            return heatmap::draw(c, &empty()).map(|_| ());
        };
        let data = HeatmapData {
            values: &values,
            rows,
            cols,
            scale,
            x_desc: step_axis(dir),
            y_desc: "unit",
            x_first: 1.0,
            x_step: 1.0,
            bar_label: source.bar(),
            cursor: Some(cursor),
            selected: sel,
        };
        let p = heatmap::draw(c, &data)?;
        // Hover and clicks map onto the canvas; an SVG export has its own geometry.
        if matches!(c.target, crate::charts::surface::Target::Canvas(_)) {
            proj.set_value(p);
        }
        Ok(())
    };
    let on_pointer = Callback::new(move |p: Pointer| {
        if p.leave {
            return;
        }
        if let Some((unit, col)) = proj.get_value().cell_at(p.x, p.y) {
            state.cursor.selected.set(Some(Selection {
                unit,
                step: col + 1,
            }));
            if p.click {
                state.cursor.stop_at(col + 1);
            }
        }
    });
    // The keyboard's drill-down: arrows move the selected cell (unit ↑↓, time step ←→),
    // Home/End jump to the first/last step, Enter moves the time cursor there.
    let on_key = Callback::new(move |key: String| {
        let Some((rows, cols)) = state
            .history
            .with_untracked(|h| h.picked().map(|g| (g.hidden, g.steps)))
        else {
            return false;
        };
        if rows == 0 || cols == 0 {
            return false;
        }
        let cur = state.cursor.selected.get_untracked().unwrap_or(Selection {
            unit: 0,
            step: state.cursor.at.get_untracked().clamp(1, cols),
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
                state.cursor.stop_at(step);
                (unit, step)
            }
            _ => return false,
        };
        state.cursor.selected.set(Some(Selection {
            unit: next.0,
            step: next.1,
        }));
        true
    });
    let summary = move || {
        state.history.with(|h| match h.picked() {
            None => "Nothing inspected yet.".to_string(),
            Some(g) => {
                let (v, _) = source.values(g);
                let n = v.len().max(1) as f64;
                let mean = v.iter().sum::<f64>() / n;
                match source {
                    Source::CellState => {
                        let big = v.iter().fold(0.0f64, |m, a| m.max(a.abs()));
                        format!(
                            "{label} of the {}: mean {mean:.2}, largest |c| {big:.2}.",
                            g.label()
                        )
                    }
                    Source::Gate(_) => {
                        let open = v.iter().filter(|&&x| x > 0.5).count();
                        format!(
                            "{label} of the {}: mean {mean:.2}, {open} of {} unit-steps above 0.5.",
                            g.label(),
                            v.len()
                        )
                    }
                }
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
        x_desc: "waiting for the first inspection",
        y_desc: "unit",
        x_first: 1.0,
        x_step: 1.0,
        bar_label: "",
        cursor: None,
        selected: None,
    }
}

/// The picked run's kind, as far as the inside views care.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    /// Either GRU formulation.
    Gru,
    /// LSTM.
    Lstm,
    /// Elman RNN (tanh or ReLU).
    Rnn,
}

/// The family of the run the last inspection looked inside.
pub fn family(h: &History) -> Option<Family> {
    h.picked().map(|x| match x.cell {
        CellKind::Gru | CellKind::GruTorch => Family::Gru,
        CellKind::Lstm => Family::Lstm,
        CellKind::RnnTanh | CellKind::RnnRelu => Family::Rnn,
    })
}

/// The data strip, the time cursor and the picked cell's own heatmaps.
#[component]
pub fn GatesView() -> impl IntoView {
    let state = expect_context::<AppState>();
    let steps = move || state.seq_len().max(1);
    let kind = Memo::new(move |_| state.history.with(family));
    // PyTorch's GRU: its reset gate sits after the matrix, and its z′ is shown as z = 1 − z′.
    let torch = Memo::new(move |_| {
        state
            .history
            .with(|h| h.picked().is_some_and(|x| x.cell == CellKind::GruTorch))
    });
    let maps = move || {
        match kind.get() {
        Some(Family::Gru) if torch.get() => view! {
            <GateHeatmap label="Update gate z" source=Source::Gate("z")
                hint="z = 1 − z′ (PyTorch's update gate z′ is the weight of h_(t−1)): z near 1, the unit takes the new candidate n; near 0, it keeps its old value (the gradient highway)."/>
            <GateHeatmap label="Reset gate r" source=Source::Gate("r")
                hint="r scales the unit's whole recurrent input W_hn·h + b_hn inside its candidate: near 0, the unit's candidate ignores the previous state; near 1, it uses all of it."/>
        }
        .into_any(),
        Some(Family::Gru) | None => view! {
            <GateHeatmap label="Update gate z" source=Source::Gate("z")
                hint="z near 1: the unit takes the new candidate h̃; near 0: it keeps its old value (the gradient highway)."/>
            <GateHeatmap label="Reset gate r" source=Source::Gate("r")
                hint="r scales the unit's past value h_(t−1) before U_h: near 0, no unit's candidate sees it; near 1, every candidate sees all of it."/>
        }
        .into_any(),
        Some(Family::Lstm) => view! {
            <GateHeatmap label="Input gate" source=Source::Gate("i")
                hint="i: how much of the new candidate g is written into the cell state c."/>
            <GateHeatmap label="Forget gate" source=Source::Gate("f")
                hint="f near 1: the cell keeps c (its gradient highway, independent of i); near 0: it forgets."/>
            <GateHeatmap label="Output gate" source=Source::Gate("o")
                hint="o: how much of tanh(c) the unit shows as its output h."/>
            <GateHeatmap label="Cell state" source=Source::CellState
                hint="c_t, the LSTM's memory: red positive, blue negative; it changes only where i writes or f forgets."/>
            <LstmCarry/>
        }
        .into_any(),
        Some(Family::Rnn) => view! {
            <GateHeatmap label="Saturation" source=Source::Gate("slope")
                hint="The activation's slope act′(a_t): 1 − tanh²(a_t) for tanh, 1 or 0 for ReLU. It is near 0 where a tanh unit saturates (0 where a ReLU unit is off), and every gradient through such a unit shrinks."/>
            <RnnJacobian/>
        }
        .into_any(),
    }
    };
    view! {
        <div class="view gates">
            <TimeCursor/>
            <StripView/>
            {maps}
            <p class="hint">{move || format!("Hover a cell for its numbers; click to move the time cursor (1–{}). Keyboard: focus a heatmap, arrows pick a cell, Enter moves the cursor.", steps())}</p>
        </div>
    }
}

/// Play/pause and scrub the time cursor along t.
#[component]
pub fn TimeCursor() -> impl IntoView {
    let state = expect_context::<AppState>();
    let steps = move || state.seq_len().max(1);
    // The backward direction's steps are its own processing order (see `step_axis`).
    let backward = move || state.history.with(|h| h.inspected.dir == 1);
    view! {
        <div class="cursor-controls">
            <button title="Animate the time cursor along the sequence"
                on:click=move |_| state.cursor.playing.update(|p| *p = !*p)>
                {move || if state.cursor.playing.get() { "Stop t" } else { "Animate t" }}
            </button>
            <label title="Drag to move the time cursor through the sequence">
                {move || if backward() { "backward-pass step s " } else { "time step t " }}
                <input type="range" min="1" max=move || steps().to_string()
                    prop:value=move || state.cursor.at.get().to_string()
                    on:input=move |ev| {
                        state.cursor.playing.set(false);
                        if let Ok(v) = event_target_value(&ev).parse::<usize>() { state.cursor.at.set(v.clamp(1, steps())) }
                    }/>
            </label>
            <span class="tpos">{move || format!("{} = {} / {}", if backward() { "s" } else { "t" }, state.cursor.at.get(), steps())}</span>
        </div>
    }
}
