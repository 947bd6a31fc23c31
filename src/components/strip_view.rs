//! "Input and target": the inspected sample's inputs, target and prediction on the gate
//! heatmaps' time axis (same geometry, same time cursor), with a sentence in the task's terms.

use leptos::prelude::*;

use gru_core::task::TaskConfig;
use gru_lab::sequence::{self, Yours};

use crate::charts::strip::{self, StripData, StripLane, StripProjection};
use crate::components::canvas::{ChartCanvas, Pointer};
use crate::components::gates_view::step_axis;
use crate::components::models_view::receptive_field;
use crate::state::AppState;

/// The steps `first..=last` (0-based columns) a compared TCN's last output can see, and the
/// sentence saying so, when its receptive field `r` falls short of the `t` steps shown in time
/// order; `None` when it covers them (or nothing is known yet).
pub fn tcn_window(r: Option<usize>, t: usize, dir: usize) -> Option<((usize, usize), String)> {
    let r = r.filter(|&r| r < t && dir == 0)?;
    let first = t - r;
    Some((
        (first, t - 1),
        format!(
            " Shaded: the only steps the TCN's last output can see, {}–{t} (its receptive field, {r} steps); nothing before step {} can change it.",
            first + 1,
            first + 1
        ),
    ))
}

/// The strip above the gate maps.
#[component]
pub fn StripView() -> impl IntoView {
    let state = expect_context::<AppState>();
    let proj = StoredValue::new(StripProjection::default());
    // The sequence being drawn (kept between pointer events so a drag does not wait for the
    // engine's answer); it starts from the inspected sample.
    let drawn = StoredValue::new(None::<Yours>);
    let draw = move |c: &crate::charts::surface::Surface<'_>| {
        let cursor = state.cursor.at.get().saturating_sub(1);
        state.with_inspection(|h| {
            let x_desc = step_axis(h.inspected.dir);
            let Some(x) = h.picked() else {
                return strip::draw(
                    c,
                    &StripData {
                        lanes: Vec::new(),
                        cols: 0,
                        x_desc: "waiting for the first inspection",
                        cursor: None,
                        shade: None,
                    },
                )
                .map(|_| ());
            };
            let lanes = x
                .strip
                .lanes
                .iter()
                .map(|l| StripLane {
                    name: &l.name,
                    values: &l.values,
                    lo: l.lo,
                    hi: l.hi,
                    symbols: &l.symbols,
                })
                .collect();
            let p = strip::draw(
                c,
                &StripData {
                    lanes,
                    cols: x.steps,
                    x_desc,
                    cursor: Some(cursor),
                    shade: tcn_window(receptive_field(h), x.steps, h.inspected.dir).map(|w| w.0),
                },
            )?;
            if let crate::charts::surface::Target::Canvas(el) = c.target {
                proj.set_value(p);
                // The plot area in CSS pixels, for tests that draw on the strip.
                let k = f64::from(el.client_width()) / f64::from(el.width().max(1));
                let plot = format!(
                    r#"{{"x0":{:.1},"x1":{:.1},"y0":{:.1},"y1":{:.1},"lanes":{},"cols":{}}}"#,
                    p.x.0 * k,
                    p.x.1 * k,
                    p.y.0 * k,
                    p.y.1 * k,
                    p.lanes,
                    p.cols
                );
                let _ = el.set_attribute("data-plot", &plot);
            }
            Ok(())
        })
    };
    // Drawing: a drag over an input lane sets each step's value (height in the lane), a click
    // on the adding problem's marker lane moves the nearer mark; the result goes into the text
    // box and is shown exactly as a typed sequence is.
    let on_pointer = Callback::new(move |p: Pointer| {
        if p.leave || !(p.down || p.click) {
            return;
        }
        let Some((col, lane, frac)) = proj.get_value().at(p.x, p.y) else {
            return;
        };
        let Ok(task) = state.settings.with_untracked(|s| s.task_config()) else {
            return;
        };
        let (yours_shown, dir) = state
            .history
            .with_untracked(|h| (h.inspected.yours, h.inspected.dir));
        let mut y = match drawn.get_value().filter(|y| {
            y.task == task
                && yours_shown
                && state
                    .sequence_text
                    .with_untracked(|t| *t == sequence::to_text(y, " "))
        }) {
            Some(y) => y,
            None => {
                let from = state.settings.with_untracked(|s| {
                    state
                        .history
                        .with_untracked(|h| crate::components::sequence_view::from_sample(h, s))
                });
                let Some(y) = from else { return };
                y
            }
        };
        // The strip is in processing order; the backward direction reads time reversed.
        let step = if dir == 1 {
            y.t.saturating_sub(col + 1)
        } else {
            col
        };
        let before = y.clone();
        match (&task, lane) {
            (TaskConfig::Adding { .. }, 1) if p.click => {
                y.toggle_mark(step);
            }
            (TaskConfig::Adding { .. }, 0) => y.draw(step, frac),
            (TaskConfig::Latch { .. }, 0) if step == 0 => y.draw(0, frac),
            (TaskConfig::Latch { .. }, 1) if step > 0 => y.draw(step, frac),
            (TaskConfig::Latch { .. }, _) => return,
            (TaskConfig::Sine { .. } | TaskConfig::Lookahead { .. }, 0) => y.draw(step, frac),
            // Symbol lanes (parity's bits, temporal order, copy memory) are text: a click
            // takes the next symbol.
            (_, 0) if p.click => {
                y.cycle(step);
            }
            _ => return,
        }
        if y != before || !yours_shown {
            state.sequence_text.set(sequence::to_text(&y, " "));
            state.show_sequence(sequence::to_text(&y, " "));
        }
        drawn.set_value(Some(y));
    });
    let caption = move || {
        state.history.with(|h| {
            h.picked()
                .map(|x| {
                    let window = tcn_window(receptive_field(h), x.steps, h.inspected.dir);
                    format!(
                        "{}{}",
                        x.strip.caption,
                        window.map_or(String::new(), |w| w.1)
                    )
                })
                .unwrap_or_default()
        })
    };
    view! {
        // One grid item, one card: the chart and its sentence stay together wherever the
        // layout puts them.
        <div class="strip">
            <ChartCanvas label="Input and target" width=720 height=200 draw=draw summary=Signal::derive(caption)
                on_pointer=on_pointer
                hint="The sample the gates below are reading: its inputs, what it should answer and what the model answers, step by step. Drag over an input lane (click one written as symbols) to draw your own sequence, or type it under Your own sequence.">
                <p class="strip-caption">{caption}</p>
            </ChartCanvas>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::tcn_window;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn the_shade_covers_exactly_the_steps_a_short_tcn_sees() {
        let ((a, b), line) = tcn_window(Some(8), 40, 0).expect("shaded");
        assert_eq!((a, b), (32, 39));
        assert!(
            line.contains("33–40 (its receptive field, 8 steps)"),
            "{line}"
        );
        assert!(line.contains("nothing before step 33"), "{line}");
        // Covering the sequence, unknown, or the backward direction's reversed strip: nothing.
        assert_eq!(tcn_window(Some(40), 40, 0), None);
        assert_eq!(tcn_window(None, 40, 0), None);
        assert_eq!(tcn_window(Some(8), 40, 1), None);
    }
}
