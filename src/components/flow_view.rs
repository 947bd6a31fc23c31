//! "Gradient flow": ‖∂h_T/∂h_{T−k}‖ against the lag k for every run (log axis), its evolution
//! over training as a lag × training-step heatmap, ‖∂L/∂h_t‖ over t, and the GRU's one-step
//! Jacobian split into the additive path diag(1 − z_t) and the rest.

use leptos::prelude::*;

use crate::charts::colormap::Scale;
use crate::charts::heatmap::{self, HeatmapData};
use crate::charts::lines::{self, Corner, LinesData, Series, YAxis};
use crate::charts::palette;
use crate::components::canvas::ChartCanvas;
use crate::components::loss_view::run_color;
use crate::format::fmt_num;
use crate::state::AppState;

/// Per-run curves of `pick(insight)` on a log axis.
fn per_run<'a>(
    ins: &'a [crate::lab::Insight],
    pick: impl Fn(&'a crate::lab::Insight) -> &'a [(f64, f64)],
) -> Vec<Series<'a>> {
    ins.iter()
        .enumerate()
        .map(|(i, x)| Series::new(x.label, pick(x), run_color(i)))
        .collect()
}

/// "GRU: name = value; RNN: name = value" for a screen-reader summary.
fn per_run_summary(
    ins: &[crate::lab::Insight],
    name: &str,
    pick: impl Fn(&crate::lab::Insight) -> Option<&(f64, f64)>,
) -> String {
    ins.iter()
        .map(|x| {
            format!(
                "{}: {name} = {}",
                x.label,
                pick(x).map_or("—".into(), |p| fmt_num(p.1))
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The gradient-flow views.
#[component]
pub fn FlowView() -> impl IntoView {
    let state = expect_context::<AppState>();
    let draw_flow = move |c: &web_sys::HtmlCanvasElement| {
        let ins = state.insights.get();
        let data = LinesData {
            series: per_run(&ins, |x| &x.flow),
            x_desc: "lag k (steps back from the last step T)",
            y_desc: "‖∂h_T/∂h_(T−k)‖₂ (log)",
            y: YAxis::Log,
            reference: Some((1.0, "no gain, no loss")),
            cursor: None,
            x_range: None,
            legend: Corner::LowerLeft,
        };
        lines::draw(c, &data)
    };
    let flow_summary = move || {
        per_run_summary(&state.insights.get(), "‖∂h_T/∂h_0‖", |x| {
            x.flow.last()
        })
    };
    let draw_map = move |c: &web_sys::HtmlCanvasElement| {
        let (steps, vals, lags) = state.flow_map.get();
        let cols = steps.len();
        let first = steps.first().copied().unwrap_or(0) as f64;
        let step = if cols > 1 {
            (steps[cols - 1] as f64 - first) / (cols - 1) as f64
        } else {
            1.0
        };
        let lo = vals
            .iter()
            .copied()
            .filter(|v| v.is_finite())
            .fold(0.0f64, f64::min)
            .max(-12.0);
        let data = HeatmapData {
            values: &vals,
            rows: lags,
            cols,
            scale: Scale::Sequential {
                lo,
                hi: 0.5f64.max(
                    vals.iter()
                        .copied()
                        .filter(|v| v.is_finite())
                        .fold(0.0, f64::max),
                ),
            },
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
        let (steps, _, lags) = state.flow_map.get();
        format!(
            "Gradient norm over {lags} lags at {} moments of training of the first run.",
            steps.len()
        )
    };
    let draw_grad = move |c: &web_sys::HtmlCanvasElement| {
        let ins = state.insights.get();
        let data = LinesData {
            series: per_run(&ins, |x| &x.grad_h),
            x_desc: "time step t",
            y_desc: "‖∂L/∂h_t‖₂ (log)",
            y: YAxis::Log,
            reference: None,
            cursor: Some(state.cursor.get() as f64),
            x_range: None,
            legend: Corner::LowerRight,
        };
        lines::draw(c, &data)
    };
    let grad_summary = move || {
        per_run_summary(&state.insights.get(), "‖∂L/∂h_0‖", |x| {
            x.grad_h.first()
        })
    };
    let draw_split = move |c: &web_sys::HtmlCanvasElement| {
        let ins = state.insights.get();
        let g = ins.iter().find(|x| !x.additive.is_empty());
        let series = g.map_or(Vec::new(), |g| {
            vec![
                Series::new("additive path ‖diag(1−z_t)‖", &g.additive, palette::BLUE),
                Series::new(
                    "remainder ‖J_t − diag(1−z_t)‖",
                    &g.remainder,
                    palette::VERMILLION,
                ),
                Series {
                    width: 1,
                    ..Series::new("whole one-step Jacobian ‖J_t‖", &g.one_step, palette::GREY)
                },
            ]
        });
        let data = LinesData {
            series,
            x_desc: "time step t",
            y_desc: "spectral norm (log)",
            y: YAxis::Log,
            reference: None,
            cursor: Some(state.cursor.get() as f64),
            x_range: None,
            legend: Corner::LowerRight,
        };
        lines::draw(c, &data)
    };
    let split_summary = move || {
        let ins = state.insights.get();
        match ins.iter().find(|x| !x.additive.is_empty()) {
            None => "No gated cell in this run.".to_string(),
            Some(g) => {
                let mean =
                    |v: &[(f64, f64)]| v.iter().map(|p| p.1).sum::<f64>() / v.len().max(1) as f64;
                format!(
                    "{}: additive path averages {}, the remainder {}.",
                    g.label,
                    fmt_num(mean(&g.additive)),
                    fmt_num(mean(&g.remainder))
                )
            }
        }
    };
    view! {
            <ChartCanvas label="Gradient flow" draw=draw_flow summary=Signal::derive(flow_summary)
                hint="How strongly the last state still depends on the state k steps earlier. A tanh RNN's curve falls off a cliff; the GRU's stays up."/>
            <ChartCanvas label="Gradient flow over training" width=720 height=260 draw=draw_map summary=Signal::derive(map_summary)
                hint="The first run's curve above, recorded as training goes: bright = gradient survives that many steps back."/>
            <ChartCanvas label="Loss gradient by time step" draw=draw_grad summary=Signal::derive(grad_summary)
                hint="‖∂L/∂h_t‖: how much the loss cares about the state at step t."/>
            <ChartCanvas label="Additive path" draw=draw_split summary=Signal::derive(split_summary)
                hint="The GRU's one-step Jacobian is diag(1 − z_t) plus the rest: where z_t is small the identity-like path carries the gradient."/>
    }
}
