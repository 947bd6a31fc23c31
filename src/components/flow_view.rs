//! "Gradient flow": ‖∂h_T/∂h_{T−k}‖ against the lag k for every run (log axis), its evolution
//! over training as a lag × training-step heatmap, ‖∂L/∂h_t‖ over t, and the GRU's whole
//! one-step Jacobian as its three terms A + B + C.

use gru_core::cell::CellKind;
use leptos::prelude::*;

use crate::charts::colormap::Scale;
use crate::charts::heatmap::{self, HeatmapData};
use crate::charts::lines::{self, Corner, LinesData, Series, YAxis};
use crate::charts::palette;
use crate::components::canvas::ChartCanvas;
use crate::components::gates_view::{additive_run, step_axis};
use crate::components::loss_view::run_color;
use crate::format::fmt_num;
use crate::state::AppState;
use gru_lab::flow_map::{to_scale, ScaledMap};
use gru_lab::insight::{decimate, indexed, Insight};

/// Most points drawn per line (about two per pixel of the chart).
const MAX_LINE_POINTS: usize = 1200;
/// Even columns of the flow map over training (about one per pixel of a phone's plot; a wider
/// canvas scales them up).
const MAP_COLUMNS: usize = 240;

/// Per-run points `(index + first, pick(insight)[index])`, one series per run.
fn per_run(
    ins: &[Insight],
    pick: impl Fn(&Insight) -> &[f64],
    first: usize,
) -> Vec<Vec<(f64, f64)>> {
    ins.iter()
        .map(|x| decimate(&indexed(pick(x), first), MAX_LINE_POINTS))
        .collect()
}

/// Series over `points` (one per run), labelled and coloured by run.
fn series<'a>(ins: &'a [Insight], points: &'a [Vec<(f64, f64)>]) -> Vec<Series<'a>> {
    ins.iter()
        .zip(points)
        .enumerate()
        .filter(|(_, (x, p))| x.recurrent && !p.is_empty())
        .map(|(i, (x, p))| Series::new(x.label(), p, run_color(i)))
        .collect()
}

/// "GRU: name = value; RNN: name = value" for a screen-reader summary.
fn per_run_summary(ins: &[Insight], name: &str, pick: impl Fn(&Insight) -> Option<f64>) -> String {
    ins.iter()
        .filter(|x| x.recurrent)
        .map(|x| {
            format!(
                "{}: {name} = {}",
                x.label(),
                pick(x).map_or("—".into(), fmt_num)
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The gradient-flow views.
#[component]
pub fn FlowView() -> impl IntoView {
    let state = expect_context::<AppState>();
    let draw_flow = move |c: &crate::charts::surface::Surface<'_>| {
        state.with_inspection(|h| {
            let pts = per_run(&h.insights, |x| &x.flow, 0);
            let data = LinesData {
                series: series(&h.insights, &pts),
                x_desc: "lag k (steps back from the last step T)",
                y_desc: "‖∂h_T/∂h_(T−k)‖₂ (log)",
                y: YAxis::Log,
                reference: Some((1.0, "no gain, no loss")),
                cursor: None,
                x_range: None,
                legend: Corner::LowerLeft,
            };
            lines::draw(c, &data)
        })
    };
    let flow_summary = move || {
        state.history.with(|h| {
            per_run_summary(&h.insights, "‖∂h_T/∂h_0‖", |x| {
                x.flow.last().copied()
            })
        })
    };
    let draw_map = move |c: &crate::charts::surface::Surface<'_>| {
        // Recorded at each inspection (irregular steps), drawn on a linear step axis.
        let ScaledMap {
            values: vals,
            lags,
            cols,
            first,
            step,
        } = state.with_inspection(|h| to_scale(&h.flow_steps, &h.flow_columns, MAP_COLUMNS));
        let finite = || vals.iter().copied().filter(|v| v.is_finite());
        let lo = finite().fold(0.0f64, f64::min).max(-12.0);
        let hi = 0.5f64.max(finite().fold(0.0, f64::max));
        // A norm of exactly 0 (log −∞) takes the scale's darkest colour; only NaN stays grey
        // (no value).
        let vals: Vec<f64> = vals
            .iter()
            .map(|&v| if v == f64::NEG_INFINITY { lo } else { v })
            .collect();
        let data = HeatmapData {
            values: &vals,
            rows: lags,
            cols,
            scale: Scale::Sequential { lo, hi },
            x_desc: "training step",
            y_desc: "lag k",
            x_first: first,
            x_step: step,
            bar_label: "log10 ‖·‖",
            cursor: None,
            selected: None,
        };
        heatmap::draw(c, &data).map(|_| ())
    };
    let map_summary = move || {
        state.history.with(|h| {
            let n = h.flow_steps.len();
            format!(
                "‖∂h_T/∂h_(T−k)‖ over {} lags at {n} moment{} of training of the first run.",
                h.flow_columns.last().map_or(0, Vec::len),
                if n == 1 { "" } else { "s" }
            )
        })
    };
    let draw_grad = move |c: &crate::charts::surface::Surface<'_>| {
        let cursor = state.cursor.at.get() as f64;
        state.with_inspection(|h| {
            // Steps in the picked direction's processing order: a one-way twin (forward
            // only) has no curve on the backward pass's axis.
            let dir = h.inspected.dir;
            let pts = per_run(
                &h.insights,
                |x| if x.dir == dir { &x.grad_h } else { &[] },
                0,
            );
            let data = LinesData {
                series: series(&h.insights, &pts),
                x_desc: step_axis(dir),
                y_desc: "‖∂L/∂h_t‖₂ (log)",
                y: YAxis::Log,
                reference: None,
                cursor: Some(cursor),
                x_range: None,
                legend: Corner::LowerRight,
            };
            lines::draw(c, &data)
        })
    };
    let grad_summary = move || {
        state.history.with(|h| {
            let dir = h.inspected.dir;
            per_run_summary(&h.insights, "‖∂L/∂h_0‖", |x| {
                x.grad_h.first().copied().filter(|_| x.dir == dir)
            })
        })
    };
    // The additive path is the GRU's: an LSTM's diag(f_t) acts on c, not on h, and is not
    // comparable with the h → h Jacobian drawn here.
    let has_gru = Memo::new(move |_| {
        state.settings.with(|s| {
            s.cells
                .iter()
                .any(|&k| matches!(k, CellKind::Gru | CellKind::GruTorch))
        })
    });
    let draw_split = move |c: &crate::charts::surface::Surface<'_>| {
        let cursor = state.cursor.at.get() as f64;
        state.with_inspection(|h| {
            let g = additive_run(h);
            let lines_of = |v: &[f64]| decimate(&indexed(v, 1), MAX_LINE_POINTS);
            let pts: Vec<Vec<(f64, f64)>> = g.map_or(Vec::new(), |g| {
                vec![
                    lines_of(&g.carry),
                    lines_of(&g.candidate),
                    lines_of(&g.update_gate),
                    lines_of(&g.one_step),
                ]
            });
            // The run's name on the axis: on a page with two GRUs it says which one this is.
            let y_desc = g.map_or("spectral norm (log)".to_string(), |g| {
                format!("{}: spectral norm (log)", g.label())
            });
            let series = if pts.len() == 4 {
                vec![
                    Series::new("A: carry", &pts[0], palette::BLUE),
                    Series::new("B: candidate", &pts[1], palette::VERMILLION),
                    Series::new("C: update gate", &pts[2], palette::GREEN),
                    Series {
                        width: 1,
                        ..Series::new("‖A + B + C‖", &pts[3], palette::GREY)
                    },
                ]
            } else {
                Vec::new()
            };
            let data = LinesData {
                series,
                x_desc: if g.is_some() {
                    step_axis(h.inspected.dir)
                } else {
                    "the GRU's terms appear with its first inspection"
                },
                y_desc: &y_desc,
                y: YAxis::Log,
                reference: None,
                cursor: Some(cursor),
                x_range: None,
                legend: Corner::LowerRight,
            };
            lines::draw(c, &data)
        })
    };
    let split_summary = move || {
        state.history.with(|h| match additive_run(h) {
            None => "No GRU in this run.".to_string(),
            Some(g) => {
                let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
                let (a, b, c) = (mean(&g.carry), mean(&g.candidate), mean(&g.update_gate));
                let carrier = if a >= b.max(c) {
                    "the carry A = diag(1 − z) is the largest term"
                } else if b >= c {
                    "the candidate term B is the largest"
                } else {
                    "the gate term C, which the textbook formula leaves out, is the largest"
                };
                format!(
                    "{}: over the sequence ‖A‖ averages {}, ‖B‖ {}, ‖C‖ {}; {carrier}.",
                    g.label(),
                    fmt_num(a),
                    fmt_num(b),
                    fmt_num(c)
                )
            }
        })
    };
    view! {
            <ChartCanvas label="Gradient flow" draw=draw_flow summary=Signal::derive(flow_summary)
                hint="How strongly the last state still depends on the state k steps earlier: a product of k one-step Jacobians, so it changes roughly geometrically with k. A GRU is not born with a gradient highway: untrained (default initialisation), z ≈ 0.5 halves its carry at every step, and its curve often falls faster than the RNN's. Training teaches z ≈ 0 where memory is needed and the curve rises toward 1; a trained tanh RNN's usually falls off a cliff. For an LSTM the curve is ∂h_T/∂h_(T−k) with c_(T−k) held fixed: paths that leave h_(T−k) through the gates and then run along c (∏ f) are in it; only the path that starts at c_(T−k) itself, ∂c_T/∂c_(T−k), is not."/>
            <ChartCanvas label="Gradient flow over training" width=720 height=260 draw=draw_map summary=Signal::derive(map_summary)
                hint="The first run's curve above, recorded as training goes: bright = gradient survives that many steps back; 10⁻¹² and below are all drawn darkest. The live model is re-inspected as it trains (at most every 0.3 s, less often when an analysis is costly) and when the pick changes; the latest 120 inspections are kept, and each column shows the latest one at or before its step. It starts afresh when another layer, direction or sample is picked."/>
            <ChartCanvas label="Loss gradient by time step" draw=draw_grad summary=Signal::derive(grad_summary)
                hint="‖∂L/∂h_t‖: how much the loss cares about the state at step t."/>
            // No GRU compared: a card saying where to look, not empty axes.
            <Show when=move || has_gru.get() fallback=|| view! {
                <figure class="panel" role="group" aria-label="Additive path">
                    <figcaption>"Additive path"</figcaption>
                    <p class="hint">"The GRU's one-step Jacobian ∂h_t/∂h_(t−1) = A + B + C, split into its carry A = diag(1 − z_t), candidate and gate terms, is drawn here when a GRU is compared: add “GRU” to the cells and Apply and reset. An LSTM picked under “Inside” below shows its own additive path there, diag(f_t) on c."</p>
                </figure>
            }>
            <ChartCanvas label="Additive path" draw=draw_split summary=Signal::derive(split_summary)
                hint="The GRU's whole one-step Jacobian ∂h_t/∂h_(t−1) = A + B + C (spectral norms): the carry A = diag(1 − z_t), the candidate path B = diag(z_t)·∂h̃_t/∂h_(t−1) and the update-gate path C = diag(h̃_t − h_(t−1))·∂z_t/∂h_(t−1). Where z_t is small the carry A ≈ I passes the gradient on; C is the term the textbook formula (1 − z) + z·∂h̃/∂h leaves out."/>
            </Show>
    }
}
