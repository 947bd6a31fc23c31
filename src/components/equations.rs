//! The equations of the cell the inside views show, as MathML (the GRU's in the app's
//! formulation, with the note on PyTorch/Keras's naming, here; the LSTM's and RNN's in
//! `cell_equations.rs`); and the GRU's with one unit's numbers plugged in.

use gru_core::cell::{Carry, CellKind, GateMode, Surgery};
use leptos::prelude::*;

use crate::components::cell_equations::{
    gru_torch_equations_under, lstm_equations_under, rnn_equations_mathml,
};
use crate::components::gates_view::{family, Family};
use crate::components::seq_equations::{attention_equations_mathml, tcn_equations_mathml};
use crate::format::fmt_eq;
use crate::state::AppState;
use gru_lab::settings::PositionKind;

/// `x_{sub}` in MathML.
pub(crate) fn sub(x: &str, s: &str) -> String {
    format!("<msub><mi>{x}</mi><mi>{s}</mi></msub>")
}

pub(crate) fn row(lhs: &str, rhs: &str) -> String {
    format!("<mtr><mtd columnalign=\"right\">{lhs}</mtd><mtd><mo>=</mo></mtd><mtd columnalign=\"left\">{rhs}</mtd></mtr>")
}

/// The GRU equations as `surgery` changes them: a held gate reads `z_t = c`, a cut carry
/// `h_t = h̃_t`; changed rows are marked with a ✂.
pub fn gru_equations_under(surgery: &Surgery) -> String {
    let held = |g: GateMode| match g {
        GateMode::Learned => None,
        GateMode::Fixed(c) => Some(format!("<mn>{c}</mn><mtext>  ✂ held</mtext>")),
    };
    let cut = surgery.carry == Carry::Cut;
    let (x, hp, z, r, ht, h) = (
        sub("x", "t"),
        sub("h", "t−1"),
        sub("z", "t"),
        sub("r", "t"),
        "<msub><mover><mi>h</mi><mo>~</mo></mover><mi>t</mi></msub>".to_string(),
        sub("h", "t"),
    );
    let w = |g: &str| sub("W", g);
    let u = |g: &str| sub("U", g);
    let b = |g: &str| sub("b", g);
    let z_rhs = match (cut, held(surgery.update)) {
        (true, _) => "<mn>1</mn><mtext>  ✂ carry cut</mtext>".to_string(),
        (false, Some(c)) => c,
        (false, None) => format!(
            "<mi>σ</mi><mo>(</mo>{}{x}<mo>+</mo>{}{hp}<mo>+</mo>{}<mo>)</mo>",
            w("z"),
            u("z"),
            b("z")
        ),
    };
    let r_rhs = held(surgery.reset).unwrap_or_else(|| {
        format!(
            "<mi>σ</mi><mo>(</mo>{}{x}<mo>+</mo>{}{hp}<mo>+</mo>{}<mo>)</mo>",
            w("r"),
            u("r"),
            b("r")
        )
    });
    let h_rhs = if cut {
        format!("{ht}<mtext>  ✂ no (1 − z) ⊙ h carry</mtext>")
    } else {
        format!(
            "<mo>(</mo><mn>1</mn><mo>−</mo>{z}<mo>)</mo><mo>⊙</mo>{hp}<mo>+</mo>{z}<mo>⊙</mo>{ht}"
        )
    };
    let rows = [
        row(&z, &z_rhs),
        row(&r, &r_rhs),
        row(&ht, &format!("<mi>tanh</mi><mo>(</mo>{}{x}<mo>+</mo>{}<mo>(</mo>{r}<mo>⊙</mo>{hp}<mo>)</mo><mo>+</mo>{}<mo>)</mo>", w("h"), u("h"), b("h"))),
        row(&h, &h_rhs),
    ];
    format!(
        "<math display=\"block\"><mtable>{}</mtable></math>",
        rows.concat()
    )
}

/// One unit's step with numbers: `z = σ(a)`, `r = σ(b)`, `h̃ = tanh(c)`, `h = (1−z)h′ + z h̃`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct UnitStep {
    /// Update gate z_t[j].
    pub z: f64,
    /// Reset gate r_t[j].
    pub r: f64,
    /// Candidate h̃_t[j].
    pub h_tilde: f64,
    /// h_{t−1}[j].
    pub h_prev: f64,
    /// h_t[j] as the model computed it.
    pub h: f64,
}

impl UnitStep {
    /// Pre-activations recovered from the gates (σ⁻¹ and tanh⁻¹).
    pub fn pre(&self) -> (f64, f64, f64) {
        let logit = |p: f64| (p / (1.0 - p)).ln();
        (logit(self.z), logit(self.r), self.h_tilde.atanh())
    }
    /// `(1 − z) h_{t−1} + z h̃` recomputed from the parts.
    pub fn recombined(&self) -> f64 {
        (1.0 - self.z) * self.h_prev + self.z * self.h_tilde
    }
}

/// Where a drill-down's numbers sit: unit `j` at step `step` of the processing order, whose
/// index is named `t` going forward and `s` on a backward pass (as the heatmaps' axis).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct At {
    /// Unit `j`.
    pub unit: usize,
    /// Step, 1-based, in processing order.
    pub step: usize,
    /// Direction: 0 forward, 1 the backward pass.
    pub dir: usize,
}

impl At {
    /// The step index's name: `t`, or `s` on the backward pass.
    pub fn letter(&self) -> &'static str {
        if self.dir == 0 {
            "t"
        } else {
            "s"
        }
    }
    /// `x` subscripted with this step and unit, as MathML.
    pub fn sub(&self, x: &str) -> String {
        format!(
            "<msub><mi>{x}</mi><mrow><mi>{}</mi><mo>={}</mo><mo>,</mo><mi>j</mi><mo>={}</mo></mrow></msub>",
            self.letter(),
            self.step,
            self.unit
        )
    }
}

/// The GRU's equations at `at` with its numbers, as MathML. A gate `surgery` holds is shown
/// as its value "(held)" (no σ of a pre-activation it never had); a gate that rounds to
/// exactly 0 or 1 is shown without the σ(±∞) it cannot be inverted to.
pub fn unit_step_mathml(at: &At, u: &UnitStep, surgery: &Surgery) -> String {
    let (a, b, c) = u.pre();
    let n = |v: f64| format!("<mn>{}</mn>", fmt_eq(v));
    let gate = |pre: f64, v: f64, held: bool| {
        if held {
            format!("{}<mtext>\u{a0}(held)</mtext>", n(v))
        } else if pre.is_finite() {
            format!("<mi>σ</mi><mo>(</mo>{}<mo>)</mo><mo>=</mo>{}", n(pre), n(v))
        } else {
            n(v)
        }
    };
    let fixed = |g: GateMode| matches!(g, GateMode::Fixed(_));
    let rows = [
        row(&at.sub("z"), &gate(a, u.z, fixed(surgery.effective_update()))),
        row(&at.sub("r"), &gate(b, u.r, fixed(surgery.reset))),
        row(&at.sub("h̃"), &format!("<mi>tanh</mi><mo>(</mo>{}<mo>)</mo><mo>=</mo>{}", n(c), n(u.h_tilde))),
        row(
            &at.sub("h"),
            &format!(
                "<mo>(</mo><mn>1</mn><mo>−</mo>{}<mo>)</mo><mo>·</mo>{}<mo>+</mo>{}<mo>·</mo>{}<mo>=</mo>{}",
                n(u.z),
                n(u.h_prev),
                n(u.z),
                n(u.h_tilde),
                n(u.recombined())
            ),
        ),
    ];
    format!(
        "<math display=\"block\"><mtable>{}</mtable></math>",
        rows.concat()
    )
}

/// The equations panel: those of the cell the inside views show.
#[component]
pub fn Equations() -> impl IntoView {
    let state = expect_context::<AppState>();
    // The GRU's surgery in force (none when no GRU is compared).
    let surgery = move || {
        state.settings.with(|s| {
            let g = s.core_surgery();
            let has_gru = s
                .cells
                .iter()
                .any(|&k| matches!(k, CellKind::Gru | CellKind::GruTorch));
            if has_gru && g.alters(CellKind::Gru) {
                g
            } else {
                Surgery::default()
            }
        })
    };
    let kind = Memo::new(move |_| {
        state
            .history
            .with(|h| (family(h), h.picked().map(|x| x.cell)))
    });
    // The picked run when it is a TCN or attention model: (label, receptive field).
    let seq = Memo::new(move |_| {
        state.history.with(|h| {
            h.picked()
                .filter(|x| !x.recurrent)
                .map(|x| (x.label().to_string(), x.receptive_field))
        })
    });
    let caption = move || {
        if let Some((label, _)) = seq.get() {
            return format!("The {label}, as this page computes it");
        }
        let name = kind.get().1.map_or("GRU", CellKind::label);
        let altered = match kind.get().0 {
            Some(Family::Gru) | None => surgery().alters(CellKind::Gru),
            Some(Family::Lstm) => state
                .settings
                .with(|s| s.core_surgery().alters(CellKind::Lstm)),
            Some(Family::Rnn) => false,
        };
        if altered {
            format!("The {name} under gate surgery, as this page computes it")
        } else {
            format!("The {name}, as this page computes it")
        }
    };
    let body = move || {
        if let Some((label, rf)) = seq.get() {
            return match rf {
                Some(r) => {
                    // r = 1 + (k − 1)(2^L − 1), so 2^L = (r − 1)/(k − 1) + 1.
                    let k = state.settings.with(|s| s.tcn_kernel).max(2);
                    let span = (r.saturating_sub(1) / (k - 1)) + 1;
                    let levels = ((r - 1) % (k - 1) == 0 && span.is_power_of_two())
                        .then(|| span.trailing_zeros() as usize);
                    view! {
                        <div class="scroll" tabindex="0" role="region" aria-label="TCN equations" inner_html=tcn_equations_mathml(k, levels, Some(r))></div>
                        <p class="hint">
                            "Level l convolves the level below with dilation 2"<sup>"l"</sup>{format!(" (kernel k = {k}, causal: nothing from the future), ReLU")}" before the residual sum, so the residual path from input to output is never gated (res = identity, or a linear projection at level 0, where the input width differs). "
                            "An output sees exactly the last r inputs; none is more than L convolutions away. No weight normalisation, no dropout; width = hidden units."
                        </p>
                    }
                    .into_any()
                }
                None => {
                    let heads = state.settings.with(|s| s.heads).max(1);
                    let positions = match state.settings.with(|s| s.positions) {
                        PositionKind::Sinusoidal => "fixed sinusoidal positions pos_t (no weights)",
                        PositionKind::Learned => {
                            "learned positions pos_t (one trained vector per step, T × D weights)"
                        }
                    };
                    let said = if heads == 1 {
                        "one head".to_string()
                    } else {
                        format!("{heads} heads of D/{heads} dimensions each")
                    };
                    view! {
                    <div class="scroll" tabindex="0" role="region" aria-label="Attention equations" inner_html=attention_equations_mathml(heads)></div>
                    <p class="hint">
                        {format!("The {label} is PyTorch's pre-LN TransformerEncoderLayer ({said}, dropout 0, ReLU feed-forward of 2D units) with a causal mask, between an input projection with {positions} and a final layer norm and head. ")}
                        "Every output reads every earlier input through P in one hop: no product of k Jacobians stands between y and x"<sub>"T−k"</sub>", so ‖∂y/∂x"<sub>"T−k"</sub>"‖ need not shrink with k. The hop is weighted by P itself, though: an input the softmax gives no weight gets almost no gradient, however near or far. The price is the T × T matrix P this encoder layer computes per sequence"{(heads > 1).then_some(" and head")}" (on a task scored only at the last step, just its last row matters: O(T·D))."
                    </p>
                    }
                    .into_any()
                }
            };
        }
        match kind.get() {
        (Some(Family::Lstm), _) => view! {
            <div class="scroll" tabindex="0" role="region" aria-label="LSTM equations" inner_html=move || lstm_equations_under(&state.settings.with(|s| s.core_surgery()))></div>
            <p class="hint">
                "The cell state's additive path: with h"<sub>"t−1"</sub>" held fixed, ∂c"<sub>"t"</sub>"/∂c"<sub>"t−1"</sub>" = diag(f"<sub>"t"</sub>
                "); c"<sub>"t−1"</sub>" also reaches c"<sub>"t"</sub>" through h"<sub>"t−1"</sub>" = o"<sub>"t−1"</sub>" ⊙ tanh(c"<sub>"t−1"</sub>"), which feeds every gate. Unlike the GRU, whose single gate blends old and new as (1 − z, z), the LSTM's f and i are independent: it can keep everything and write at the same time. "
                "Gates in the PyTorch order i, f, g, o; no peepholes."
            </p>
        }
        .into_any(),
        (Some(Family::Rnn), cell) => {
            let act = if cell == Some(CellKind::RnnRelu) { "ReLU" } else { "tanh" };
            view! {
                <div class="scroll" tabindex="0" role="region" aria-label="RNN equations" inner_html=rnn_equations_mathml(act)></div>
                <p class="hint">
                    "No gate: ∂h"<sub>"t"</sub>"/∂h"<sub>"t−1"</sub>" = diag(act′(a"<sub>"t"</sub>"))·U, and for tanh act′ = 1 − tanh²(a"<sub>"t"</sub>
                    "), near 0 wherever a unit saturates. U is the same at every step, but diag(act′(a"<sub>"t"</sub>")) changes with the state: ‖∂h"<sub>"T"</sub>"/∂h"<sub>"0"</sub>"‖ ≤ ∏ ‖J"<sub>"t"</sub>"‖, and the product usually shrinks (with a large U, grows) roughly geometrically."
                </p>
            }
            .into_any()
        }
        (_, Some(CellKind::GruTorch)) => view! {
            <div class="scroll" tabindex="0" role="region" aria-label="PyTorch GRU equations" inner_html=move || gru_torch_equations_under(&surgery())></div>
            <p class="hint">
                "Exactly torch.nn.GRU (gate order r, z, n in its weights): two biases per gate, and the reset gate scales W"<sub>"hn"</sub>"h"<sub>"t−1"</sub>" + b"<sub>"hn"</sub>" after the matrix, where the page's GRU applies r before U"<sub>"h"</sub>". "
                "PyTorch's update gate z′ is the weight of the old state; the charts, the drill-down and the Jacobian's terms show z = 1 − z′, so h"<sub>"t"</sub>" = (1 − z"<sub>"t"</sub>") ⊙ h"<sub>"t−1"</sub>" + z"<sub>"t"</sub>" ⊙ n"<sub>"t"</sub>" reads as the page's GRU."
            </p>
        }
        .into_any(),
        _ => view! {
            // Wide equations scroll sideways in a narrow sidebar: a named, focusable region, so
            // keyboard users can scroll it too.
            <div class="scroll" tabindex="0" role="region" aria-label="GRU equations" inner_html=move || gru_equations_under(&surgery())></div>
            <p class="hint">
                "z"<sub>"t"</sub>" is the weight of the new candidate: z → 0 copies h"<sub>"t−1"</sub>
                " forward, so ∂h"<sub>"t"</sub>"/∂h"<sub>"t−1"</sub>" ≈ diag(1 − z"<sub>"t"</sub>") ≈ I and the gradient survives. "
                "PyTorch, Keras and Flax call the gate z′ = 1 − z (h"<sub>"t"</sub>" = z′ ⊙ h"<sub>"t−1"</sub>" + (1 − z′) ⊙ n) and apply the reset after the matrix: "
                "n = tanh(W"<sub>"in"</sub>"x + b"<sub>"in"</sub>" + r ⊙ (W"<sub>"hn"</sub>"h + b"<sub>"hn"</sub>")). "
                "Choose “GRU (PyTorch)” in the settings to train that variant; its gates are shown converted to this page's z."
            </p>
        }
        .into_any(),
    }
    };
    view! {
        <figure class="panel equations">
            <figcaption>{caption}</figcaption>
            {body}
        </figure>
    }
}

#[cfg(test)]
#[path = "equations_tests.rs"]
mod tests;
