//! The hover drill-down: for the selected unit and step of the picked run, its gates and
//! states plugged into its equations with their numbers (GRU: z, r, h̃, h_{t−1}, h_t; LSTM:
//! i, f, o, g, c_{t−1}, c_t, h_t; RNN: the pre-activation, its slope and h_t).

use leptos::prelude::*;

use gru_core::cell::{CellKind, Nonlinearity};

use crate::components::cell_equations::{lstm_step_mathml, rnn_step_mathml, LstmStep, RnnStep};
use crate::components::equations::{unit_step_mathml, At, UnitStep};
use crate::cursor::Selection;
use crate::format::fmt_num;
use crate::state::AppState;

/// One selected unit-step's numbers, by cell.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Numbers {
    /// GRU.
    Gru(UnitStep),
    /// LSTM.
    Lstm(LstmStep),
    /// RNN.
    Rnn(RnnStep),
}

/// The selected cell's numbers, if a cell of the picked run's maps is selected.
pub fn selected_step(state: &AppState) -> Option<(Selection, Numbers)> {
    let sel = state.cursor.selected.get()?;
    let (j, t) = (sel.unit, sel.step);
    state.history.with(|h| {
        let g = h.picked()?;
        let tp = t.checked_sub(1)?;
        let n = if g.gate("z", t, j).is_some() {
            Numbers::Gru(UnitStep {
                z: g.gate("z", t, j)?,
                r: g.gate("r", t, j)?,
                h_tilde: g.gate("h_tilde", t, j)?,
                h_prev: g.h_at(tp, j)?,
                h: g.h_at(t, j)?,
            })
        } else if g.gate("f", t, j).is_some() {
            Numbers::Lstm(LstmStep {
                i: g.gate("i", t, j)?,
                f: g.gate("f", t, j)?,
                o: g.gate("o", t, j)?,
                g: g.gate("g", t, j)?,
                c_prev: g.c_at(tp, j)?,
                c: g.c_at(t, j)?,
                h: g.h_at(t, j)?,
            })
        } else {
            Numbers::Rnn(RnnStep {
                a: g.gate("pre", t, j)?,
                slope: g.gate("slope", t, j)?,
                h_prev: g.h_at(tp, j)?,
                h: g.h_at(t, j)?,
                act: match g.cell {
                    CellKind::RnnRelu => Nonlinearity::Relu,
                    _ => Nonlinearity::Tanh,
                },
            })
        };
        Some((sel, n))
    })
}

/// `<dt>name</dt><dd data-field=field>value</dd>` pairs.
fn pairs(items: Vec<(&'static str, &'static str, f64)>) -> impl IntoView {
    items
        .into_iter()
        .map(|(name, field, v)| view! { <dt>{name}</dt><dd data-field=field>{fmt_num(v)}</dd> })
        .collect_view()
}

/// The drill-down panel.
#[component]
pub fn Drilldown() -> impl IntoView {
    let state = expect_context::<AppState>();
    let body = move || {
        match selected_step(&state) {
        None => view! { <p class="hint">"Hover or click a cell of the heatmaps to see its numbers here."</p> }.into_any(),
        Some((sel, n)) => {
            let at = At {
                unit: sel.unit,
                step: sel.step,
                dir: state.history.with(|h| h.inspected.dir),
            };
            let surgery = state.settings.with(|s| s.core_surgery());
            let (items, math) = match n {
                Numbers::Gru(u) => (
                    vec![("z", "z", u.z), ("r", "r", u.r), ("h̃", "h_tilde", u.h_tilde), ("h(t−1)", "h_prev", u.h_prev), ("h(t)", "h", u.h)],
                    unit_step_mathml(&at, &u, &surgery),
                ),
                Numbers::Lstm(u) => (
                    vec![("i", "i", u.i), ("f", "f", u.f), ("o", "o", u.o), ("g", "g", u.g), ("c(t−1)", "c_prev", u.c_prev), ("c(t)", "c", u.c), ("h(t)", "h", u.h)],
                    lstm_step_mathml(&at, &u),
                ),
                Numbers::Rnn(u) => (
                    vec![("a (pre-activation)", "pre", u.a), ("act′(a)", "slope", u.slope), ("h(t−1)", "h_prev", u.h_prev), ("h(t)", "h", u.h)],
                    rnn_step_mathml(&at, &u),
                ),
            };
            // Wider than a phone: it scrolls sideways inside the card, reachable by keyboard.
            view! {
                <div class="drill-scroll" tabindex="0" role="region" aria-label="Drill-down numbers, scrolls sideways">
                    <dl class="numbers">
                        <dt>"unit"</dt><dd data-field="unit">{sel.unit}</dd>
                        <dt>{format!("step {}", at.letter())}</dt><dd data-field="t">{sel.step}</dd>
                        {pairs(items)}
                    </dl>
                    <div inner_html=math></div>
                </div>
            }
            .into_any()
        }
    }
    };
    view! {
        <figure class="panel drilldown" aria-label="Drill-down">
            <figcaption>"One unit, one step"</figcaption>
            {body}
        </figure>
    }
}
