//! The picked cell's one-step numbers over t, each named with the block it lives on: the
//! LSTM's additive path ‖diag(f_t)‖ on c → c, and the tanh RNN's one-step Jacobian norm
//! ‖∂h_t/∂h_(t−1)‖ on h → h — the factor its gradient is multiplied by at every step.

use leptos::prelude::*;

use crate::charts::lines::{self, Corner, LinesData, Series, YAxis};
use crate::charts::palette;
use crate::components::canvas::ChartCanvas;
use crate::components::gates_view::step_axis;
use crate::format::fmt_num;
use crate::state::AppState;
use gru_lab::insight::{decimate, indexed};

/// Most points drawn per line.
const MAX_LINE_POINTS: usize = 1200;

/// Geometric mean of positive values (the typical per-step factor of a product).
fn geo_mean(v: &[f64]) -> f64 {
    let logs: Vec<f64> = v.iter().filter(|x| **x > 0.0).map(|x| x.ln()).collect();
    (logs.iter().sum::<f64>() / logs.len().max(1) as f64).exp()
}

/// One line of the picked run over t = 1..=T, with a text summary.
#[component]
fn StepLine(
    label: &'static str,
    hint: &'static str,
    y_desc: &'static str,
    pick: fn(&gru_lab::insight::Insight) -> &[f64],
    say: fn(&str, &[f64]) -> String,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let draw = move |c: &crate::charts::surface::Surface<'_>| {
        let cursor = state.cursor.get() as f64;
        state.with_inspection(|h| {
            let pts = h
                .picked()
                .map(|x| decimate(&indexed(pick(x), 1), MAX_LINE_POINTS))
                .unwrap_or_default();
            // No legend (it would sit on the data): the y axis names the one curve.
            let series = if pts.is_empty() {
                Vec::new()
            } else {
                vec![Series::new("", &pts, palette::GREEN)]
            };
            lines::draw(
                c,
                &LinesData {
                    series,
                    x_desc: step_axis(h.inspected.dir),
                    y_desc,
                    y: YAxis::Log,
                    reference: None,
                    cursor: Some(cursor),
                    x_range: None,
                    legend: Corner::LowerRight,
                },
            )
        })
    };
    let summary = move || {
        state.history.with(|h| {
            h.picked()
                .map_or(String::new(), |x| say(x.label(), pick(x)))
        })
    };
    view! {
        <ChartCanvas label=label draw=draw summary=Signal::derive(summary) hint=hint/>
    }
}

/// "Additive path of the LSTM": ‖diag(f_t)‖₂ = max f_t, on c → c.
#[component]
pub fn LstmCarry() -> impl IntoView {
    view! {
        <StepLine label="Additive path of the LSTM"
            hint="The direct c → c part of ∂c_t/∂c_(t−1) is diag(f_t): along the cell state the forget gate alone scales the gradient at each step (routes through h_(t−1), which feeds every gate, add further terms) — unlike the GRU's diag(1 − z_t), it is not tied to how much is written (i). At most 1 (10⁰)."
            y_desc="‖diag(f_t)‖ = max f_t (log)"
            pick=|x| &x.forget_path
            say=|cell, v| format!("{cell}: ‖diag(f_t)‖ on the c→c path has a typical (geometric-mean) value of {} per step.", fmt_num(geo_mean(v)))/>
    }
}

/// "One-step Jacobian norm" of the RNN on h → h.
#[component]
pub fn RnnJacobian() -> impl IntoView {
    view! {
        <StepLine label="One-step Jacobian norm"
            hint="‖∂h_t/∂h_(t−1)‖ = ‖diag(act′(a_t))·U‖ (tanh: act′ = 1 − tanh²): below 1 (10⁰) the gradient shrinks at every step it travels back, and over many steps it vanishes."
            y_desc="‖∂h_t/∂h_(t−1)‖₂ (log)"
            pick=|x| &x.one_step
            say=|cell, v| {
                let g = geo_mean(v);
                format!(
                    "{cell}: the one-step Jacobian's norm has a typical (geometric-mean) value of {} per step; the product over all {} steps, an upper bound on ‖∂h_T/∂h_0‖, is {}.",
                    fmt_num(g),
                    v.len(),
                    fmt_num(g.powi(v.len() as i32))
                )
            }/>
    }
}
