//! The hover drill-down: for the selected unit and step of the GRU, z, r, h̃, h_{t−1} and h_t
//! plugged into the four equations with their numbers.

use leptos::prelude::*;

use crate::components::equations::{unit_step_mathml, UnitStep};
use crate::components::gates_view::gru_index;
use crate::format::fmt_num;
use crate::state::{AppState, Selection};

/// The selected cell's numbers, if a GRU is inspected and a cell is selected.
pub fn selected_step(state: &AppState) -> Option<(Selection, UnitStep)> {
    let sel = state.selected.get()?;
    let (j, t) = (sel.unit, sel.step);
    state.history.with(|h| {
        let g = &h.insights[gru_index(&h.insights)?];
        let u = UnitStep {
            z: g.gate("z", t, j)?,
            r: g.gate("r", t, j)?,
            h_tilde: g.gate("h_tilde", t, j)?,
            h_prev: g.h_at(t.checked_sub(1)?, j)?,
            h: g.h_at(t, j)?,
        };
        Some((sel, u))
    })
}

/// The drill-down panel.
#[component]
pub fn Drilldown() -> impl IntoView {
    let state = expect_context::<AppState>();
    let body = move || {
        match selected_step(&state) {
        None => view! { <p class="hint">"Hover or click a cell of the gate heatmaps to see its numbers here."</p> }.into_any(),
        Some((sel, u)) => view! {
            <dl class="numbers">
                <dt>"unit"</dt><dd data-field="unit">{sel.unit}</dd>
                <dt>"step t"</dt><dd data-field="t">{sel.step}</dd>
                <dt>"z"</dt><dd data-field="z">{fmt_num(u.z)}</dd>
                <dt>"r"</dt><dd data-field="r">{fmt_num(u.r)}</dd>
                <dt>"h̃"</dt><dd data-field="h_tilde">{fmt_num(u.h_tilde)}</dd>
                <dt>"h(t−1)"</dt><dd data-field="h_prev">{fmt_num(u.h_prev)}</dd>
                <dt>"h(t)"</dt><dd data-field="h">{fmt_num(u.h)}</dd>
            </dl>
            <div inner_html=unit_step_mathml(sel.unit, sel.step, &u)></div>
        }
        .into_any(),
    }
    };
    view! {
        <figure class="panel drilldown" aria-label="Drill-down">
            <figcaption>"One unit, one step"</figcaption>
            {body}
        </figure>
    }
}
