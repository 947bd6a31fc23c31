//! The "Loss" view: training and validation loss of every run against step, the task's
//! baseline dashed, log or linear axis; and the side-by-side comparison table.

use leptos::prelude::*;

use crate::charts::lines::{self, Corner, LinesData, Marks, Series, YAxis};
use crate::charts::palette;
use crate::components::canvas::ChartCanvas;
use crate::components::cost_table::CostTable;
use crate::format::fmt_num;
use crate::state::AppState;

/// Colour of run `i` (GRU blue, RNN vermillion, LSTM green, …).
pub fn run_color(i: usize) -> plotters::style::RGBColor {
    palette::CYCLE[i % palette::CYCLE.len()]
}

/// The loss chart's axes as the user set them (a context of the app, so they survive the
/// view being hidden or moved).
#[derive(Clone, Copy)]
pub struct LossAxes {
    /// A logarithmic y axis.
    pub log: RwSignal<bool>,
    /// Each run's own training seconds on x instead of steps.
    pub seconds: RwSignal<bool>,
}

impl LossAxes {
    /// Log loss against steps.
    pub fn new() -> Self {
        Self {
            log: RwSignal::new(true),
            seconds: RwSignal::new(false),
        }
    }
}

impl Default for LossAxes {
    fn default() -> Self {
        Self::new()
    }
}

/// The loss chart.
#[component]
pub fn LossView() -> impl IntoView {
    let state = expect_context::<AppState>();
    let axes = expect_context::<LossAxes>();
    let draw = move |c: &crate::charts::surface::Surface<'_>| {
        let y = if axes.log.get() {
            YAxis::Log
        } else {
            YAxis::Linear(None)
        };
        let seconds = axes.seconds.get();
        state.history.with(|h| {
            // One run: "GRU training" and "GRU validation". Several: one entry per run (its
            // colour) and one grey "validation (dots)", so the legend stays a row or two
            // high and leaves the plot its height.
            let several = h.runs.len() > 1;
            let (train_l, val_l): (Vec<String>, Vec<String>) = h
                .runs
                .iter()
                .map(|r| {
                    let n = &r.status.label;
                    if several {
                        (n.clone(), String::new())
                    } else {
                        (format!("{n} training"), format!("{n} validation"))
                    }
                })
                .unzip();
            let mut series = Vec::new();
            for (i, r) in h.runs.iter().enumerate() {
                let color = run_color(i);
                let (train, val) = if seconds {
                    (&r.train_s.points, &r.val_s.points)
                } else {
                    (&r.train.points, &r.val.points)
                };
                series.push(Series {
                    width: 2,
                    alpha: 0.9,
                    ..Series::new(&train_l[i], train, color)
                });
                series.push(Series {
                    width: 1,
                    alpha: 1.0,
                    marks: Marks::Dots,
                    ..Series::new(&val_l[i], val, color)
                });
            }
            if several {
                series.push(Series {
                    width: 1,
                    marks: Marks::Dots,
                    ..Series::new("validation (dots)", &[], palette::GREY)
                });
            }
            let baseline = h.runs.first().map_or(f64::NAN, |r| r.status.baseline);
            let data = LinesData {
                series,
                x_desc: if seconds {
                    "seconds of each run's own training"
                } else {
                    "training step"
                },
                y_desc: if y == YAxis::Log {
                    "loss (log scale)"
                } else {
                    "loss"
                },
                y,
                reference: Some((baseline, "baseline (best constant)")),
                cursor: None,
                x_range: None,
                legend: Corner::LowerLeft,
            };
            lines::draw(c, &data)
        })
    };
    let summary = move || {
        state.history.with(|h| {
            let parts: Vec<String> = h
                .runs
                .iter()
                .map(|r| {
                    format!(
                        "{}: training loss {}, validation {}",
                        r.status.label,
                        fmt_num(r.status.loss),
                        r.status.val_loss.map_or("—".into(), fmt_num)
                    )
                })
                .collect();
            let base = h.runs.first().map_or(f64::NAN, |r| r.status.baseline);
            format!("{}; baseline {}.", parts.join("; "), fmt_num(base))
        })
    };
    view! {
        <div class="view" id="v-loss">
            // The axis controls sit inside the card, so the card ends with its row's cards.
            <ChartCanvas label="Loss" draw=draw summary=Signal::derive(summary)
                hint="Below the dashed line the model has learnt something the best constant guess cannot.">
            <div class="chart-controls">
            <label class="inline" title="Show the loss on a logarithmic axis, so small values stay visible">
                <input type="checkbox" prop:checked=move || axes.log.get()
                    on:change=move |ev| axes.log.set(event_target_checked(&ev))/>
                " log scale"
            </label>
            <label class="inline" title="Steps: compare progress per training step. Seconds: each run's own time spent training, so a cell that is faster per step moves further right">
                " x axis "
                <select class="loss-x" on:change=move |ev| axes.seconds.set(event_target_value(&ev) == "seconds")
                    prop:value=move || if axes.seconds.get() { "seconds" } else { "steps" }>
                    <option value="steps">"steps"</option>
                    <option value="seconds">"seconds"</option>
                </select>
            </label>
            </div>
            </ChartCanvas>
        </div>
    }
}

/// The comparison table: each run's losses, accuracy and long-range gradient side by side.
#[component]
pub fn CompareTable() -> impl IntoView {
    let state = expect_context::<AppState>();
    let rows = move || {
        state.history.with(|h| {
            h.runs
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    let s = &r.status;
                    let far = h.insights.get(i).and_then(|x| x.flow.last().copied());
                    let acc = s
                        .val_accuracy
                        .map_or("—".to_string(), |a| format!("{:.0}%", 100.0 * a));
                    // Set through CSSOM (`style:`), not a `style` attribute, which the CSP forbids.
                    let edge = format!("6px solid {}", css_color(run_color(i)));
                    view! {
                        <tr>
                            <th scope="row" style:border-left=edge>{s.label.clone()}</th>
                            <td>{fmt_num(s.loss)}</td>
                            <td>{s.val_loss.map_or("—".into(), fmt_num)}</td>
                            <td>{acc}</td>
                            <td>{far.map_or("—".into(), fmt_num)}</td>
                        </tr>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <figure class="panel compare" id="v-compare">
            <figcaption>"Compare"</figcaption>
            <div class="table-scroll" tabindex="0" role="region" aria-label="Compare table, scrolls sideways">
                <table aria-label="Compare">
                    <thead><tr>
                        <th scope="col">"cell"</th>
                        <th scope="col" title="Smoothed training loss">"training loss"</th>
                        <th scope="col" title="Loss on 256 held-out sequences">"validation loss"</th>
                        <th scope="col" title="Validation accuracy, for classification tasks">"accuracy"</th>
                        <th scope="col" title="How much of a change to the first hidden state still reaches the last one, on the inspected sample. For an LSTM, ∂h_T/∂h_0 with c_0 held fixed: its memory path ∂c_T/∂c_0 (∏ diag f_t directly) is not in this number; the Additive path chart shows f.">
                            <span class="nowrap">"‖∂h_T/∂h_0‖"</span>
                            {move || state.history.with(|h| h.inspected.at).map(|at| format!(" (model of step {at})"))}
                        </th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <CostTable/>
        </figure>
    }
}

/// `#rrggbb` of a plotters colour.
pub fn css_color(c: plotters::style::RGBColor) -> String {
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}
