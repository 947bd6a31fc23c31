//! The multi-seed comparison's chart (a sweep of one length over 2+ seeds): validation loss
//! against training step, per model the seeds' mean as a line and their lowest–highest as a
//! shaded band in the model's colour. The numbers are `gru_lab::sweep_curves`'.

use gru_lab::sweep::SweepTable;
use gru_lab::sweep_curves::SeedBand;
use leptos::prelude::*;

use crate::charts::lines::{self, Corner, LinesData, Series, YAxis};
use crate::charts::surface::Surface;
use crate::components::canvas::ChartCanvas;
use crate::components::loss_view::run_color;
use crate::format::fmt_num;
use crate::state::AppState;

/// The chart's accessible name.
pub const LABEL: &str = "Validation loss over seeds";

/// Per model `[mean, lowest, highest]` as `(step, loss)` points.
fn lines_of(bands: &[Vec<SeedBand>]) -> Vec<[Vec<(f64, f64)>; 3]> {
    bands
        .iter()
        .map(|b| {
            let p = |f: fn(&SeedBand) -> f64| b.iter().map(|s| (s.step as f64, f(s))).collect();
            [p(|s| s.mean), p(|s| s.min), p(|s| s.max)]
        })
        .collect()
}

/// The chart's one-sentence summary: per model the final mean [lowest–highest].
pub fn summary(t: &SweepTable) -> String {
    let parts: Vec<String> = t
        .seed_bands()
        .iter()
        .zip(&t.cells)
        .filter_map(|(b, name)| {
            let last = b.last()?;
            Some(format!(
                "{name} {} [{}–{}] at step {} ({} seeds)",
                fmt_num(last.mean),
                fmt_num(last.min),
                fmt_num(last.max),
                last.step,
                last.n
            ))
        })
        .collect();
    let cut = if t.cancelled { " (cancelled)" } else { "" };
    let len = t.lengths.first().copied().unwrap_or(0);
    let left_out = t.diverged_note();
    let sep = if left_out.is_empty() { "" } else { " " };
    format!(
        "Validation loss at {} = {len} over {} seeds{cut}, mean [lowest–highest] at each model's last point: {}.{sep}{left_out}",
        t.knob.name(),
        t.seeds,
        parts.join("; ")
    )
}

/// Validation loss against step, mean and lowest–highest band over the seeds, per model.
#[component]
pub fn SeedsChart() -> impl IntoView {
    let state = expect_context::<AppState>();
    let draw = move |c: &Surface<'_>| {
        state.sweep.with(|s| {
            let table = s.table.clone().unwrap_or_default();
            let pts = lines_of(&table.seed_bands());
            let labels: Vec<String> = table
                .cells
                .iter()
                .map(|c| format!("{c} ({} seeds)", table.seeds))
                .collect();
            let mut series = Vec::new();
            // Bands first, so every mean line lies on top of them.
            for (i, p) in pts.iter().enumerate() {
                series.push(Series {
                    alpha: 0.22,
                    fill_to: Some(&p[1]),
                    ..Series::new("", &p[2], run_color(i))
                });
            }
            for (i, p) in pts.iter().enumerate() {
                series.push(Series::new(&labels[i], &p[0], run_color(i)));
            }
            let base = table.points.first().map(|p| p.baseline);
            let data = LinesData {
                series,
                x_desc: "training step",
                y_desc: "validation loss (log)",
                y: YAxis::Log,
                reference: base.map(|b| (b, "baseline (best constant)")),
                cursor: None,
                x_range: None,
                legend: Corner::UpperRight,
            };
            lines::draw(c, &data)
        })
    };
    let text = move || {
        state
            .sweep
            .with(|s| s.table.as_ref().map(summary).unwrap_or_default())
    };
    view! {
        <ChartCanvas label=LABEL draw=draw summary=Signal::derive(text)
            hint="One length, several seeds: every model trained afresh per seed on that seed's data, validated 20 times (every step when it trains fewer). Line: the seeds' mean; shaded: their lowest to highest."/>
    }
}
