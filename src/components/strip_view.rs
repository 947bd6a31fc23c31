//! "Input and target": the inspected sample's inputs, target and prediction on the gate
//! heatmaps' time axis (same geometry, same time cursor), with a sentence in the task's terms.

use leptos::prelude::*;

use crate::charts::strip::{self, StripData, StripLane};
use crate::components::canvas::ChartCanvas;
use crate::components::gates_view::step_axis;
use crate::state::AppState;

/// The strip above the gate maps.
#[component]
pub fn StripView() -> impl IntoView {
    let state = expect_context::<AppState>();
    let draw = move |c: &crate::charts::surface::Surface<'_>| {
        let cursor = state.cursor.get().saturating_sub(1);
        state.history.with(|h| {
            let x_desc = step_axis(h.inspected.dir);
            let Some(x) = h.picked() else {
                return strip::draw(
                    c,
                    &StripData {
                        lanes: Vec::new(),
                        cols: 0,
                        x_desc: "waiting for the first inspection",
                        cursor: None,
                    },
                );
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
            strip::draw(
                c,
                &StripData {
                    lanes,
                    cols: x.steps,
                    x_desc,
                    cursor: Some(cursor),
                },
            )
        })
    };
    let caption = move || {
        state.history.with(|h| {
            h.picked()
                .map(|x| x.strip.caption.clone())
                .unwrap_or_default()
        })
    };
    view! {
        // One grid item: the chart and its sentence stay together wherever the layout puts them.
        <div class="strip">
            <ChartCanvas label="Input and target" width=720 height=200 draw=draw summary=Signal::derive(caption)
                hint="The sample the gates below are reading: its inputs, what it should answer and what the model answers, step by step."/>
            <p class="strip-caption">{caption}</p>
        </div>
    }
}
