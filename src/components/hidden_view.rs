//! "Hidden state": per-unit traces of h_t over time and the 2-D PCA trajectory of h_t, both
//! following the time cursor; the selected unit is drawn bold. They show the picked run (the
//! one the gate maps show) and name it.

use gru_lab::history::History;
use gru_lab::insight::{decimate, Insight};
use leptos::prelude::*;

use crate::charts::lines::{self, Corner, LinesData, Series, YAxis};
use crate::charts::palette;
use crate::charts::trajectory::{self, TrajectoryData};
use crate::components::canvas::ChartCanvas;
use crate::components::gates_view::step_axis;
use crate::state::AppState;

/// Most points drawn over all unit traces together: about two per pixel of the chart per
/// trace when there are few units, and a bounded drawing cost when there are many.
const MAX_TRACE_POINTS: usize = 24_000;

/// The inspected run these views show: the picked one.
fn shown(h: &History) -> Option<&Insight> {
    h.picked()
}

/// Per-unit traces and the trajectory of the shown run.
#[component]
pub fn HiddenView() -> impl IntoView {
    let state = expect_context::<AppState>();
    let draw_traces = move |c: &crate::charts::surface::Surface<'_>| {
        let sel = state.cursor.selected.get().map(|s| s.unit);
        let cursor = state.cursor.at.get() as f64;
        let (traces, label, steps) = state.with_inspection(|h| {
            let Some(p) = shown(h) else {
                return (Vec::new(), "", 0);
            };
            let traces: Vec<Vec<(f64, f64)>> = (0..p.hidden)
                .map(|j| {
                    let pts: Vec<(f64, f64)> = (0..=p.steps)
                        .filter_map(|t| p.h_at(t, j).map(|v| (t as f64, v)))
                        .collect();
                    decimate(&pts, (MAX_TRACE_POINTS / p.hidden.max(1)).clamp(60, 1200))
                })
                .collect();
            (traces, p.cell.label(), p.steps)
        });
        let labels: Vec<String> = (0..traces.len()).map(|j| format!("unit {j}")).collect();
        let series = traces
            .iter()
            .enumerate()
            .map(|(j, pts)| {
                let on = sel == Some(j);
                Series {
                    label: if on { &labels[j] } else { "" },
                    color: if on {
                        palette::VERMILLION
                    } else {
                        palette::CYCLE[j % 6]
                    },
                    width: if on { 3 } else { 1 },
                    alpha: if sel.is_none() || on { 0.9 } else { 0.35 },
                    ..Series::new("", pts, palette::CYCLE[0])
                }
            })
            .collect();
        let y_desc = format!("h_t ({label})");
        // Steps in the picked direction's processing order, like the gate maps.
        let dir = state.history.with(|h| h.inspected.dir);
        let data = LinesData {
            series,
            x_desc: step_axis(dir),
            y_desc: if label.is_empty() { "h_t" } else { &y_desc },
            y: YAxis::Linear(Some((-1.05, 1.05))),
            reference: None,
            cursor: (steps > 0).then_some(cursor),
            x_range: (steps > 0).then_some((0.0, steps as f64)),
            legend: Corner::UpperRight,
        };
        lines::draw(c, &data)
    };
    let draw_traj = move |c: &crate::charts::surface::Surface<'_>| {
        let cursor = state.cursor.at.get();
        let (pts, explained) = state.with_inspection(|h| {
            shown(h).map_or((Vec::new(), (0.0, 0.0)), |p| {
                let pts = p
                    .pca
                    .iter()
                    .enumerate()
                    .map(|(t, q)| (t as f64, f64::from(q[0]), f64::from(q[1])))
                    .collect();
                (pts, (p.explained[0], p.explained[1]))
            })
        });
        trajectory::draw(
            c,
            &TrajectoryData {
                points: &pts,
                explained,
                cursor: Some(cursor),
            },
        )
    };
    let summary_traces = move || {
        let cursor = state.cursor.at.get();
        state.history.with(|h| {
            shown(h).map_or(String::new(), |p| {
                let t = cursor.min(p.steps);
                let max = (0..p.hidden)
                    .filter_map(|j| p.h_at(t, j))
                    .fold(0.0f64, |m, v| m.max(v.abs()));
                // The backward pass's steps are s, as on the chart's axis.
                let letter = if h.inspected.dir == 0 { "t" } else { "s" };
                format!(
                    "{} hidden state at {letter} = {t}: largest |h| is {max:.2} across {} units.",
                    p.label(),
                    p.hidden
                )
            })
        })
    };
    let summary_traj = move || {
        state.history.with(|h| {
            shown(h).map_or(String::new(), |p| {
                format!(
                    "PCA of the {}'s h_0…h_{}: PC1 explains {:.0}% of the variance.",
                    p.label(),
                    p.steps,
                    100.0 * p.explained[0]
                )
            })
        })
    };
    view! {
            <ChartCanvas label="Hidden state" draw=draw_traces summary=Signal::derive(summary_traces)
                hint="Each line is one unit's h_t; the vertical line is the time cursor."/>
            <ChartCanvas label="Hidden-state trajectory" width=560 height=340 draw=draw_traj summary=Signal::derive(summary_traj)
                hint="h_t projected on its two principal components, coloured from dark (t = 0) to yellow (t = T)."/>
    }
}
