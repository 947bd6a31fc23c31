//! The cost of each compared cell: hidden size, parameters (the formula in the tooltip),
//! FLOPs of one training step, activation memory kept for BPTT, and the measured time per
//! training step of that run alone (the worker times every run's step separately).

use gru_lab::cost::{cost_of, CellCost};
use gru_lab::model_cost::model_cost;
use leptos::prelude::*;

use crate::components::loss_view::{css_color, run_color};
use crate::format::{fmt_count, fmt_si};
use crate::state::AppState;
use gru_lab::fmt::fmt_ms;

/// One row's numbers, worked out from the applied settings (the runs were built from them).
struct Row {
    label: String,
    hidden: usize,
    cost: Result<CellCost, String>,
    step_ms: f64,
    /// Whether the formula is per layer and direction (the cells') or whole (TCN, attention).
    per_layer: bool,
}

/// The cost table.
#[component]
pub fn CostTable() -> impl IntoView {
    let state = expect_context::<AppState>();
    let rows = move || {
        let settings = state.settings.get();
        let built: Vec<Row> = state.history.with(|h| {
            // One row per run, in the runs' order (the cells, their one-way twins, then the
            // TCN and attention), so each row's colour and ms/step are its run's.
            let specs = settings.run_specs();
            let models = settings.models.iter().enumerate().map(|(k, &m)| {
                let i = specs.len() + k;
                Row {
                    label: m.label().to_string(),
                    hidden: settings.hidden,
                    cost: model_cost(&settings, m),
                    step_ms: h.runs.get(i).map_or(f64::NAN, |r| r.status.step_ms),
                    per_layer: false,
                }
            });
            specs
                .iter()
                .enumerate()
                .map(|(i, spec)| {
                    let cfg = settings.spec_config(spec);
                    Row {
                        label: h
                            .runs
                            .get(i)
                            .map_or_else(|| spec.label(), |r| r.status.label.clone()),
                        hidden: cfg.as_ref().map_or(0, |c| c.hidden),
                        cost: cfg.and_then(|c| cost_of(&c)),
                        step_ms: h.runs.get(i).map_or(f64::NAN, |r| r.status.step_ms),
                        per_layer: true,
                    }
                })
                .chain(models)
                .collect()
        });
        built
            .into_iter()
            .enumerate()
            .map(|(i, r)| {
                let edge = format!("6px solid {}", css_color(run_color(i)));
                let (params, tip, flops, mem) = match &r.cost {
                    Ok(c) => (
                        fmt_count(c.params as u64),
                        match r.per_layer {
                            true => {
                                format!("{} per layer and direction: {}", c.formula, c.expanded)
                            }
                            false => format!("{}: {}", c.formula, c.expanded),
                        },
                        fmt_si(c.flops_per_step as f64, ""),
                        fmt_si(c.activation_bytes as f64, "B"),
                    ),
                    Err(e) => ("—".into(), e.clone(), "—".into(), "—".into()),
                };
                view! {
                    <tr>
                        <th scope="row" style:border-left=edge>{r.label}</th>
                        <td class="hidden-size">{r.hidden}</td>
                        <td class="params" title=tip>{params}</td>
                        <td>{flops}</td>
                        <td>{mem}</td>
                        <td class="step-ms">{fmt_ms(r.step_ms)}</td>
                    </tr>
                }
            })
            .collect_view()
    };
    view! {
        <div class="table-scroll" tabindex="0" role="region" aria-label="Cost per cell table, scrolls sideways">
            <table aria-label="Cost per cell" class="costs">
                <thead><tr>
                    <th scope="col">"cell"</th>
                    <th scope="col" title="Hidden units per layer; for a TCN its channels, for attention its width D">"H"</th>
                    <th scope="col" title="Weights and biases, head included; the formula per layer is in each number's tooltip. GRU (PyTorch), LSTM and RNN keep PyTorch's two bias vectors per gate block, the app's GRU one">"params"</th>
                    <th scope="col" title="Floating-point operations of the matrix products in one training step over the whole batch: forward + backward ≈ 3 × forward, a multiply-add counted as 2">"FLOPs/"<wbr/>"step"</th>
                    <th scope="col" title="Activations kept for the backward pass over one batch (f32); attention keeps its T × T weights">"memory"</th>
                    <th scope="col" title=format!("Measured milliseconds per training step of this run alone: the median of its last {} steps", gru_lab::step_times::WINDOW)>"ms/"<wbr/>"step"</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
