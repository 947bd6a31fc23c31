//! "Gradient norm before clipping": ‖dL/dθ‖₂ of every training step, one line per run on a
//! log axis, the clip threshold dashed while clipping is on, a sentence saying how often
//! clipping fired lately, and the two gradient presets (exploding / vanishing) as links.

use gru_lab::fmt::fmt_num;
use gru_lab::history::History;
use gru_lab::settings::presets::PRESETS;
use leptos::prelude::*;

use crate::charts::lines::{self, Corner, LinesData, Series, YAxis};
use crate::components::canvas::ChartCanvas;
use crate::components::loss_view::run_color;
use crate::state::{AppState, Apply};

/// The clip limit the worker reported as in force (`None` = off or no run yet).
fn clip_limit(h: &History) -> Option<f64> {
    h.runs.first().and_then(|r| r.status.clip)
}

/// The plain-words line under the chart, true for the counts the page holds: e.g.
/// `"Clip threshold 1: of the last 100 steps, clipping scaled the gradient down in GRU 37, RNN 100."`
pub fn clip_sentence(h: &History) -> String {
    let Some(first) = h.runs.first() else {
        return String::new();
    };
    let (_, n) = first.clip_count();
    // No step counted yet: none trained at all, or none since a rewind or a new threshold.
    let none_yet = match first.status.step {
        0 => "no training step yet".to_string(),
        step => format!("no step trained since step {step}"),
    };
    let Some(c) = clip_limit(h) else {
        // Off: nothing is scaled, so say what each step does use. The step's own norm, not
        // the chart's last point (an average of several steps once the curve is long).
        let latest: Vec<String> = h
            .runs
            .iter()
            .filter_map(|r| {
                let p = r.last_train?;
                Some(format!("{} {}", r.status.label, fmt_num(p.grad_norm)))
            })
            .collect();
        let step = first.last_train.map(|p| p.step);
        return match step {
            Some(step) if n > 0 && !latest.is_empty() => format!(
                "Clipping is off: every step uses its whole gradient (‖dL/dθ‖₂ at step {step}: {}).",
                latest.join(", ")
            ),
            _ => format!("Clipping is off: {none_yet}."),
        };
    };
    let state = format!("Clip threshold {c}");
    if n == 0 {
        return format!("{state}: {none_yet}.");
    }
    let counts: Vec<String> = h
        .runs
        .iter()
        .map(|r| format!("{} {}", r.status.label, r.clip_count().0))
        .collect();
    let steps = format!("the last {n} step{}", if n == 1 { "" } else { "s" });
    format!(
        "{state}: of {steps}, clipping scaled the gradient down in {}.",
        counts.join(", ")
    )
}

/// The gradient-norm chart, its clipping sentence and the presets.
#[component]
pub fn GradNormView() -> impl IntoView {
    let state = expect_context::<AppState>();
    let draw = move |c: &crate::charts::surface::Surface<'_>| {
        state.history.with(|h| {
            let series = h
                .runs
                .iter()
                .enumerate()
                .map(|(i, r)| Series::new(&r.status.label, &r.grad_norm.points, run_color(i)))
                .collect();
            let label = clip_limit(h).map(|c| format!("clip threshold {c}"));
            let data = LinesData {
                series,
                x_desc: "training step",
                y_desc: "‖dL/dθ‖₂ (log)",
                y: YAxis::Log,
                reference: clip_limit(h).zip(label.as_deref()),
                cursor: None,
                x_range: None,
                legend: Corner::UpperRight,
            };
            lines::draw(c, &data)
        })
    };
    let sentence = move || state.history.with(clip_sentence);
    let preset = move |ev: leptos::ev::MouseEvent, i: usize| {
        ev.prevent_default();
        if let Some(p) = PRESETS.get(i) {
            state.draft.set(p.settings());
            state.apply(Apply::WithReset);
        }
    };
    view! {
        <div class="view">
            <ChartCanvas label="Gradient norm before clipping" draw=draw summary=Signal::derive(sentence)
                hint="The size of each training step's whole gradient before clipping (long runs: averages of neighbouring steps). While clipping is on, the dashed line is its threshold: a step above it is scaled down to it.">
            <p class="clip-sentence">{sentence}</p>
            <p class="presets">"Presets: "
                {PRESETS.iter().enumerate().map(|(i, p)| view! {
                    <a class="preset" href=format!("?{}", p.query) title=p.tip
                        on:click=move |ev| preset(ev, i)>{p.label}</a>
                }).collect_view()}
            </p>
            </ChartCanvas>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gru_lab::history::RunHistory;
    use gru_lab::protocol::{RunStatus, Snapshot, TrainPoint};
    use wasm_bindgen_test::wasm_bindgen_test;

    fn run(label: &str, clip: Option<f64>, flags: &[bool]) -> RunHistory {
        RunHistory {
            status: RunStatus {
                label: label.into(),
                clip,
                ..RunStatus::default()
            },
            recent_clipped: flags.iter().copied().collect(),
            ..RunHistory::default()
        }
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn the_clipping_sentence_counts_exactly_what_the_history_holds() {
        let mut h = History {
            runs: vec![
                run("GRU", Some(0.5), &[true, false, true]),
                run("RNN", Some(0.5), &[true, true, true]),
            ],
            ..History::default()
        };
        assert_eq!(
            clip_sentence(&h),
            "Clip threshold 0.5: of the last 3 steps, clipping scaled the gradient down in GRU 2, RNN 3."
        );
        let mut off = run("RNN", None, &[false]);
        off.grad_norm.push(7.0, 31_400.0);
        off.last_train = Some(TrainPoint {
            step: 7,
            loss: 0.5,
            grad_norm: 31_400.0,
            clipped: false,
            seconds: 0.1,
        });
        h.runs = vec![off];
        assert_eq!(
            clip_sentence(&h),
            "Clipping is off: every step uses its whole gradient (‖dL/dθ‖₂ at step 7: RNN 3.14e4)."
        );
        h.runs = vec![run("RNN", None, &[])];
        assert_eq!(clip_sentence(&h), "Clipping is off: no training step yet.");
        // Rewound to step 500 (paused): nothing trained since, not "no step yet".
        let mut rewound = run("RNN", Some(1.0), &[]);
        rewound.status.step = 500;
        h.runs = vec![rewound];
        assert_eq!(
            clip_sentence(&h),
            "Clip threshold 1: no step trained since step 500."
        );
        h.runs[0].status.clip = None;
        assert_eq!(
            clip_sentence(&h),
            "Clipping is off: no step trained since step 500."
        );
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn with_clipping_off_the_sentence_quotes_the_last_step_not_the_charts_averaged_point() {
        let steps = 3_000u64;
        let snap = Snapshot {
            runs: vec![RunStatus {
                label: "RNN".into(),
                step: steps,
                new_train: (1..=steps)
                    .map(|s| TrainPoint {
                        step: s,
                        loss: 1.0,
                        grad_norm: s as f64,
                        clipped: false,
                        seconds: 0.0,
                    })
                    .collect(),
                ..RunStatus::default()
            }],
            ..Snapshot::default()
        };
        let mut h = History::default();
        h.apply(snap);
        let chart_last = h.runs[0].grad_norm.points.last().map(|p| p.1);
        assert!(chart_last.is_some_and(|v| v < 2_999.0), "{chart_last:?}");
        assert_eq!(
            clip_sentence(&h),
            "Clipping is off: every step uses its whole gradient (‖dL/dθ‖₂ at step 3000: RNN 3.00e3)."
        );
    }
}
