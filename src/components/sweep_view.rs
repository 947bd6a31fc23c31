//! "Length sweep": train every compared cell and model (TCN, attention) from scratch at each
//! of a list of sequence lengths for a fixed number of steps (several seeds if asked), then plot the final
//! validation loss against T, one line per model through the seeds' mean with the seeds'
//! lowest and highest as thin lines; beside it the measured milliseconds per training step
//! against T, with a sentence giving each model's measured growth and its FLOPs formula's. Given one
//! length and 2+ seeds it is the multi-seed comparison instead: loss against step, mean and band
//! over the seeds ([`SeedsChart`]). Seeds and steps are view settings in the link (`seeds=`,
//! `sweep_steps=`). Live training is paused while it runs.

use gru_lab::settings::table::param;
use gru_lab::sweep::{parse_lengths, SweepPoint, SweepStat, SweepTable};
use gru_lab::sweep_knob::SweepKnob;
use gru_lab::sweep_time::timing_sentence;
use leptos::prelude::*;

use crate::charts::lines::{self, Corner, LinesData, Series, YAxis};
use crate::components::canvas::ChartCanvas;
use crate::components::loss_view::run_color;
use crate::components::seeds_chart::SeedsChart;
use crate::format::fmt_num;
use crate::state::AppState;

/// The sweep panel: lengths, steps, seeds, run/cancel, progress bar and chart.
#[component]
pub fn SweepView() -> impl IntoView {
    let state = expect_context::<AppState>();
    let lengths = Signal::derive(move || state.sweep.with(|s| s.lengths.clone()));
    let set_lengths = move |v: String| state.sweep.update(|s| s.lengths = v);
    let steps = Signal::derive(move || state.settings.with(|s| s.sweep_steps));
    let seeds = Signal::derive(move || state.settings.with(|s| s.sweep_seeds));
    let run = move |_| match parse_lengths(&lengths.get_untracked()) {
        Ok(l) => state.start_sweep(l, steps.get_untracked(), seeds.get_untracked()),
        Err(e) => state.tell(e),
    };
    let multi = move || {
        state
            .sweep
            .with(|s| s.table.as_ref().is_some_and(|t| t.is_multi_seed()))
    };
    // Before a sweep has a point: the typed lengths' span, so the axis reads as T.
    let x_range = move |table: &SweepTable| {
        table
            .points
            .is_empty()
            .then(|| parse_lengths(&lengths.get()).ok())
            .flatten()
            .and_then(|l| Some((*l.iter().min()? as f64, *l.iter().max()? as f64)))
            .filter(|r| r.0 < r.1)
    };
    // The sweep's knob (T, or copy memory's delay); before a sweep, the page task's.
    let knob_of = move |table: Option<&SweepTable>| {
        table.map(|t| t.knob).unwrap_or_else(|| {
            state.settings.with(|s| {
                s.task_config()
                    .map(|t| SweepKnob::of(&t))
                    .unwrap_or_default()
            })
        })
    };
    let knob = Memo::new(move |_| state.sweep.with(|s| knob_of(s.table.as_ref())));
    let draw = move |c: &crate::charts::surface::Surface<'_>| {
        state.sweep.with(|s| {
            let table = s.table.clone().unwrap_or_default();
            let (pts, labels) = lines_of(&table, |p| p.val_loss);
            // The baseline line only when it is the same at every length.
            let base = table.points.first().map(|p| p.baseline);
            let same = base.is_some_and(|b| table.points.iter().all(|p| p.baseline == b));
            let x_desc = knob_of(s.table.as_ref()).axis();
            let data = LinesData {
                series: series(&table, &pts, &labels),
                x_desc: &x_desc,
                y_desc: "val. loss (log)",
                y: YAxis::Log,
                reference: base
                    .filter(|_| same)
                    .map(|b| (b, "baseline (best constant)")),
                cursor: None,
                x_range: x_range(&table),
                legend: Corner::UpperRight,
            };
            lines::draw(c, &data)
        })
    };
    let draw_time = move |c: &crate::charts::surface::Surface<'_>| {
        state.sweep.with(|s| {
            let table = s.table.clone().unwrap_or_default();
            let (pts, labels) = lines_of(&table, |p| p.ms_per_step);
            let x_desc = knob_of(s.table.as_ref()).axis();
            let data = LinesData {
                series: series(&table, &pts, &labels),
                x_desc: &x_desc,
                y_desc: "ms/step (log)",
                y: YAxis::Log,
                reference: None,
                cursor: None,
                x_range: x_range(&table),
                legend: Corner::LowerRight,
            };
            lines::draw(c, &data)
        })
    };
    let timing = move || {
        state
            .sweep
            .with(|s| s.table.as_ref().map(timing_sentence).unwrap_or_default())
    };
    let summary = move || {
        state.sweep.with(|s| match &s.table {
            None => "No sweep yet.".to_string(),
            Some(t) => {
                let parts: Vec<String> = t
                    .curves()
                    .iter()
                    .zip(&t.cells)
                    .map(|(cv, name)| {
                        let at: Vec<String> = cv
                            .iter()
                            .map(|st| format!("{} {} {}", t.knob.name(), st.len, fmt_num(st.mean)))
                            .collect();
                        format!("{name}: {}", at.join(", "))
                    })
                    .collect();
                let cut = if t.cancelled { " (cancelled)" } else { "" };
                let left_out = t.diverged_note();
                let sep = if left_out.is_empty() { "" } else { " " };
                format!(
                    "Final validation loss after {} steps{cut}: {}.{sep}{left_out}",
                    t.steps,
                    parts.join("; ")
                )
            }
        })
    };
    let running = move || state.sweep.with(|s| s.running);
    // The sweep's steps and seeds are settings of the page (in its link): their range, tip
    // and validation are the parameter table's.
    let (Some(steps_param), Some(seeds_param)) = (param("sweep_steps"), param("seeds")) else {
        return ().into_any();
    };
    let (Some(steps_range), Some(seeds_range)) =
        (steps_param.count_range(), seeds_param.count_range())
    else {
        return ().into_any();
    };
    // What the typed numbers set, from the page's task: T, or copy memory's delay.
    let knob_label = move || match knob_of(None) {
        SweepKnob::Length => ("Sequence lengths T", "Lengths T "),
        SweepKnob::Delay { .. } => ("Copy delays (T = delay + 2n + 1)", "Delays "),
    };
    view! {
        <div class="view sweep" id="v-sweep">
            <div class="sweep-form">
                <label title=move || format!("{} to try, separated by commas (each sets the task's slider)", knob_label().0)>
                    {move || knob_label().1}
                    <input type="text" name="sweep-lengths" prop:value=move || lengths.get()
                        on:change=move |ev| set_lengths(event_target_value(&ev))/>
                </label>
                <label title=steps_param.tip>
                    "steps "
                    <input type="number" name="sweep-steps" min=steps_range.0 max=steps_range.1 prop:value=move || steps.get().to_string()
                        on:change=move |ev| state.set_page_param(steps_param, &event_target_value(&ev))/>
                </label>
                <label title=seeds_param.tip>
                    "seeds "
                    <input type="number" name="sweep-seeds" min=seeds_range.0 max=seeds_range.1 prop:value=move || seeds.get().to_string()
                        on:change=move |ev| state.set_page_param(seeds_param, &event_target_value(&ev))/>
                </label>
                <button on:click=run disabled=running>"Run sweep"</button>
                <button on:click=move |_| state.cancel_sweep() hidden=move || !running()>"Cancel sweep"</button>
            </div>
            <p class="hint" hidden=move || !running()>
                <progress aria-label="Sweep progress"
                    prop:max=move || state.sweep.with(|s| s.progress.1.max(1) as f64)
                    prop:value=move || state.sweep.with(|s| s.progress.0 as f64)></progress>
                " Live training is paused while the sweep runs."
            </p>
            <p class="hint" hidden=move || running() || state.sweep.with(|s| s.table.is_some())>
                "No sweep yet: set the lengths, steps and seeds, then press Run sweep."
            </p>
            // Re-created only when the knob changes (a memo), so the titles say what is swept.
            {move || {
                let (loss_title, time_title, loss_hint) = chart_texts(knob.get());
                view! {
                    <div class="sweep-charts">
                        <Show when=multi fallback=move || view! {
                            <ChartCanvas label=loss_title draw=draw summary=Signal::derive(summary)
                                hint=loss_hint/>
                        }>
                            <SeedsChart/>
                        </Show>
                        <ChartCanvas label=time_title draw=draw_time summary=Signal::derive(timing)
                            hint="Time of one training step (forward, backward, update) on this machine, mean over steps (the first, which sizes the buffers, left out) and seeds."/>
                    </div>
                }
            }}
            <p class="hint sweep-timing" hidden=move || timing().is_empty()>{timing}</p>
        </div>
    }
    .into_any()
}

/// The two charts' titles (also their accessible names) and the loss chart's hint: against
/// T, or copy memory's delay.
fn chart_texts(knob: SweepKnob) -> (&'static str, &'static str, &'static str) {
    match knob {
        SweepKnob::Length => (
            "Final loss vs T",
            "ms per step vs T",
            "Each point is a fresh run of the current settings at that length, trained for the same number of steps. One length with 2 or more seeds draws the seeds' validation curves instead.",
        ),
        SweepKnob::Delay { .. } => (
            "Final loss vs delay",
            "ms per step vs delay",
            "Each point is a fresh run of the current settings at that delay (T = delay + 2n + 1 for n symbols), trained for the same number of steps. One delay with 2 or more seeds draws the seeds' validation curves instead.",
        ),
    }
}

/// Per model, `[mean, lowest, highest]` as `(knob, value)` points.
type Bands = Vec<[Vec<(f64, f64)>; 3]>;

/// Per model, the `[mean, lowest, highest]` points of figure `f` over T, and its legend label.
fn lines_of(table: &SweepTable, f: impl Fn(&SweepPoint) -> f64) -> (Bands, Vec<String>) {
    let pts = table
        .curves_of(f)
        .iter()
        .map(|cv| {
            let p = |g: fn(&SweepStat) -> f64| cv.iter().map(|st| (st.len as f64, g(st))).collect();
            [p(|s| s.mean), p(|s| s.min), p(|s| s.max)]
        })
        .collect();
    let labels = table
        .cells
        .iter()
        .map(|c| {
            if table.seeds > 1 {
                format!("{c} (mean of {} seeds; thin: lowest, highest)", table.seeds)
            } else {
                c.clone()
            }
        })
        .collect();
    (pts, labels)
}

/// The chart's series: each model's mean line, and with several seeds thin lowest/highest.
fn series<'a>(
    table: &SweepTable,
    pts: &'a [[Vec<(f64, f64)>; 3]],
    labels: &'a [String],
) -> Vec<Series<'a>> {
    let mut out = Vec::new();
    for (i, p) in pts.iter().enumerate() {
        let color = run_color(i);
        out.push(Series::new(&labels[i], &p[0], color));
        if table.seeds > 1 {
            for band in &p[1..] {
                out.push(Series {
                    width: 1,
                    alpha: 0.5,
                    ..Series::new("", band, color)
                });
            }
        }
    }
    out
}
