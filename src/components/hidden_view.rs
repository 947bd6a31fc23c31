//! "Hidden state": per-unit traces of h_t over time and the 2-D PCA trajectory of h_t, both
//! following the time cursor; the selected unit is drawn bold.

use leptos::prelude::*;

use crate::charts::lines::{self, Corner, LinesData, Series, YAxis};
use crate::charts::palette;
use crate::charts::trajectory::{self, TrajectoryData};
use crate::components::canvas::ChartCanvas;
use crate::state::AppState;

/// Per-unit traces and the trajectory of the primary run.
#[component]
pub fn HiddenView() -> impl IntoView {
    let state = expect_context::<AppState>();
    let draw_traces = move |c: &web_sys::HtmlCanvasElement| {
        let ins = state.insights.get();
        let sel = state.selected.get().map(|s| s.0);
        let cursor = state.cursor.get() as f64;
        let Some(p) = ins.first() else {
            return lines::draw(
                c,
                &LinesData {
                    series: vec![],
                    x_desc: "time step t",
                    y_desc: "h_t",
                    y: YAxis::Linear(Some((-1.0, 1.0))),
                    reference: None,
                    cursor: None,
                    x_range: None,
                    legend: Corner::UpperRight,
                },
            );
        };
        let traces: Vec<Vec<(f64, f64)>> = (0..p.hidden)
            .map(|j| {
                (0..=p.steps)
                    .map(|t| (t as f64, p.h[t * p.hidden + j]))
                    .collect()
            })
            .collect();
        let labels: Vec<String> = (0..p.hidden).map(|j| format!("unit {j}")).collect();
        let series = traces
            .iter()
            .enumerate()
            .map(|(j, pts)| {
                let on = sel == Some(j);
                Series {
                    label: if on { &labels[j] } else { "" },
                    points: pts,
                    color: if on {
                        palette::VERMILLION
                    } else {
                        palette::CYCLE[j % 6]
                    },
                    width: if on { 3 } else { 1 },
                    alpha: if sel.is_none() || on { 0.9 } else { 0.35 },
                }
            })
            .collect();
        let data = LinesData {
            series,
            x_desc: "time step t",
            y_desc: format_y(p.label),
            y: YAxis::Linear(Some((-1.05, 1.05))),
            reference: None,
            cursor: Some(cursor),
            x_range: Some((0.0, p.steps as f64)),
            legend: Corner::UpperRight,
        };
        lines::draw(c, &data)
    };
    let draw_traj = move |c: &web_sys::HtmlCanvasElement| {
        let ins = state.insights.get();
        let cursor = state.cursor.get();
        let (pts, explained) = ins
            .first()
            .map_or((Vec::new(), (0.0, 0.0)), |p| (p.pca.clone(), p.explained));
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
        let ins = state.insights.get();
        ins.first().map_or(String::new(), |p| {
            let t = state.cursor.get().min(p.steps);
            let row = &p.h[t * p.hidden..(t + 1) * p.hidden];
            let max = row.iter().fold(0.0f64, |m, v| m.max(v.abs()));
            format!(
                "{} hidden state at t = {t}: largest |h| is {max:.2} across {} units.",
                p.label, p.hidden
            )
        })
    };
    let summary_traj = move || {
        let ins = state.insights.get();
        ins.first().map_or(String::new(), |p| {
            format!(
                "PCA of h_0…h_{}: PC1 explains {:.0}% of the variance.",
                p.steps,
                100.0 * p.explained.0
            )
        })
    };
    view! {
            <ChartCanvas label="Hidden state" draw=draw_traces summary=Signal::derive(summary_traces)
                hint="Each line is one unit's h_t; the vertical line is the time cursor."/>
            <ChartCanvas label="Hidden-state trajectory" width=560 height=340 draw=draw_traj summary=Signal::derive(summary_traj)
                hint="h_t projected on its two principal components, coloured from dark (t = 0) to yellow (t = T)."/>
    }
}

fn format_y(label: &str) -> &'static str {
    match label {
        "LSTM" => "h_t (LSTM)",
        "RNN" => "h_t (RNN)",
        _ => "h_t",
    }
}
