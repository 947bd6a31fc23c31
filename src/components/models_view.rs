//! "Beyond recurrence": every run's input-to-output sensitivity ‖∂y_T/∂x_(T−k)‖ over the lag
//! k on one log chart (recurrent cells, TCN and attention alike), the TCN's receptive field
//! as a vertical line on it, and the attention model's weights as a T × T heatmap of the
//! inspected sample. Shown when the run compares a TCN or attention model.

use leptos::prelude::*;

use crate::charts::colormap::Scale;
use crate::charts::heatmap::{self, HeatmapData};
use crate::charts::lines::{self, Corner, LinesData, Series, YAxis};
use crate::components::canvas::ChartCanvas;
use crate::components::loss_view::run_color;
use crate::format::fmt_num;
use crate::state::AppState;
use gru_lab::history::History;
use gru_lab::insight::{decimate, indexed, Insight};

/// Most points drawn per line.
const MAX_LINE_POINTS: usize = 1200;

/// The first TCN insight's receptive field.
pub fn receptive_field(h: &History) -> Option<usize> {
    h.insights.iter().find_map(|x| x.receptive_field)
}

/// The first insight with attention weights.
fn attention(h: &History) -> Option<&Insight> {
    h.insights.iter().find(|x| !x.attention.is_empty())
}

/// The sentence under the sensitivity chart, true for the numbers drawn: every run's
/// sensitivity at the largest lag, and the TCN's receptive field.
pub fn sensitivity_sentence(h: &History) -> String {
    let Some(t) = h.insights.iter().map(|x| x.sensitivity.len()).max() else {
        return String::new();
    };
    if t == 0 {
        return String::new();
    }
    let at: Vec<String> = h
        .insights
        .iter()
        .map(|x| {
            let v = x.sensitivity.get(t - 1).copied();
            format!("{} {}", x.label(), v.map_or("—".into(), fmt_num))
        })
        .collect();
    let mut s = format!(
        // A word joiner after the slash: a narrow card never breaks the norm across lines.
        "At the largest lag k = {} (the first input), ‖∂y/\u{2060}∂x‖ is {}.",
        t - 1,
        at.join(", ")
    );
    if let Some(r) = receptive_field(h) {
        // An exact 0 inside the field: every path from that input crosses an inactive ReLU.
        let zero = h
            .insights
            .iter()
            .find(|x| x.receptive_field.is_some())
            .and_then(|x| x.sensitivity.get(t - 1))
            .is_some_and(|&v| v == 0.0);
        s.push_str(&if r >= t {
            format!(
                " The TCN sees the last {r} inputs (its receptive field, to the vertical line at lag {}), here the whole sequence{}.",
                r - 1,
                if zero {
                    "; its 0 at the largest lag means every path from that input crosses a ReLU that is off on this sample"
                } else {
                    ""
                }
            )
        } else {
            format!(
                " The TCN sees the last {r} inputs (its receptive field, up to the vertical line at lag {}): beyond it its sensitivity is exactly 0.",
                r - 1
            )
        });
    }
    s
}

/// The sensitivity chart and, for an attention run, its weights.
#[component]
pub fn ModelsView() -> impl IntoView {
    let state = expect_context::<AppState>();
    let draw_sens = move |c: &crate::charts::surface::Surface<'_>| {
        state.with_inspection(|h| {
            let t_max = h
                .insights
                .iter()
                .map(|x| x.sensitivity.len())
                .max()
                .unwrap_or(0);
            let rf_lag = receptive_field(h).map(|r| (r - 1) as f64);
            let pts: Vec<Vec<(f64, f64)>> = h
                .insights
                .iter()
                .map(|x| decimate(&indexed(&x.sensitivity, 0), MAX_LINE_POINTS))
                .collect();
            let series = h
                .insights
                .iter()
                .zip(&pts)
                .enumerate()
                .map(|(i, (x, p))| Series::new(x.label(), p, run_color(i)))
                .collect();
            let data = LinesData {
                series,
                x_desc: "lag k (input x_(T−k), k = 0 the last)",
                y_desc: "‖∂y_T/∂x_(T−k)‖ (log)",
                y: YAxis::Log,
                reference: None,
                // The receptive field's edge, at lag r − 1 (the axis reaches it when r > T).
                cursor: rf_lag,
                x_range: rf_lag.map(|r| (0.0, r.max(t_max.saturating_sub(1) as f64))),
                legend: Corner::LowerLeft,
            };
            lines::draw(c, &data)
        })
    };
    let sentence = move || state.history.with(sensitivity_sentence);
    let draw_attn = move |c: &crate::charts::surface::Surface<'_>| {
        let (vals, t) = state.with_inspection(|h| match attention(h) {
            Some(x) => (
                x.attention
                    .iter()
                    .map(|&v| f64::from(v))
                    .collect::<Vec<f64>>(),
                x.attention_steps(),
            ),
            None => (Vec::new(), 0),
        });
        let hi = vals.iter().copied().fold(1e-6f64, f64::max);
        let data = HeatmapData {
            values: &vals,
            rows: t,
            cols: t,
            scale: Scale::Sequential { lo: 0.0, hi },
            x_desc: "position read j",
            y_desc: "query position i",
            x_first: 0.0,
            x_step: 1.0,
            bar_label: "weight",
            cursor: None,
            selected: None,
        };
        heatmap::draw(c, &data).map(|_| ())
    };
    let attn_summary = move || {
        state.history.with(|h| match attention(h) {
            Some(x) => {
                let t = x.attention_steps();
                let last = &x.attention[(t.saturating_sub(1)) * t..];
                let (j, w) = last
                    .iter()
                    .enumerate()
                    .fold((0, 0.0f32), |m, (j, &w)| if w > m.1 { (j, w) } else { m });
                format!(
                    "Attention weights of the inspected sample, {t} × {t} (positions 0 to {}): the last position reads position {j} most (weight {}).",
                    t.saturating_sub(1),
                    fmt_num(f64::from(w))
                )
            }
            None => "Attention weights: shown for the picked run when it is the attention model, or for any attention run up to T = 128.".into(),
        })
    };
    let has_weights = Memo::new(move |_| state.history.with(|h| attention(h).is_some()));
    let has_attention = move || {
        state
            .settings
            .with(|s| s.models.contains(&gru_lab::settings::SeqModel::Attention))
    };
    view! {
        <div class="view">
            <ChartCanvas label="Input sensitivity over lag" draw=draw_sens summary=Signal::derive(sentence)
                hint="How much the last output moves when the input k steps back moves, per model: exact, by backpropagation to the inputs. A recurrent model's path gets longer with k; the attention model reads every input in one hop, weighted by its attention P (an input it ignores gets almost no gradient); the TCN sees nothing beyond its receptive field.">
                <p class="sens-sentence">{sentence}</p>
            </ChartCanvas>
        </div>
        <div class="view" hidden=move || !has_attention()>
            // No weights to draw (T over 128, or not inspected yet): the card says why
            // instead of drawing empty axes.
            <Show when=move || has_weights.get() fallback=move || view! {
                <figure class="panel" role="group" aria-label="Attention weights">
                    <figcaption>"Attention weights"</figcaption>
                    <p class="attn-sentence">{attn_summary}</p>
                </figure>
            }>
            <ChartCanvas label="Attention weights" draw=draw_attn summary=Signal::derive(attn_summary)
                hint="Row i: how much position i reads each earlier position j (causal: nothing to the right of the diagonal; each row sums to 1).">
                <p class="attn-sentence">{attn_summary}</p>
            </ChartCanvas>
            </Show>
        </div>
    }
}
