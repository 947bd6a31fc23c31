//! The GRU equations in the app's formulation, as MathML, with the note on PyTorch/Keras's
//! naming; and the same equations with one unit's numbers plugged in.

use leptos::prelude::*;

use crate::format::fmt_eq;

/// `x_{sub}` in MathML.
fn sub(x: &str, s: &str) -> String {
    format!("<msub><mi>{x}</mi><mi>{s}</mi></msub>")
}

fn row(lhs: &str, rhs: &str) -> String {
    format!("<mtr><mtd columnalign=\"right\">{lhs}</mtd><mtd><mo>=</mo></mtd><mtd columnalign=\"left\">{rhs}</mtd></mtr>")
}

/// The four GRU equations (reset before U_h; z weights the new candidate).
pub fn gru_equations_mathml() -> String {
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
    let rows = [
        row(&z, &format!("<mi>σ</mi><mo>(</mo>{}{x}<mo>+</mo>{}{hp}<mo>+</mo>{}<mo>)</mo>", w("z"), u("z"), b("z"))),
        row(&r, &format!("<mi>σ</mi><mo>(</mo>{}{x}<mo>+</mo>{}{hp}<mo>+</mo>{}<mo>)</mo>", w("r"), u("r"), b("r"))),
        row(&ht, &format!("<mi>tanh</mi><mo>(</mo>{}{x}<mo>+</mo>{}<mo>(</mo>{r}<mo>⊙</mo>{hp}<mo>)</mo><mo>+</mo>{}<mo>)</mo>", w("h"), u("h"), b("h"))),
        row(&h, &format!("<mo>(</mo><mn>1</mn><mo>−</mo>{z}<mo>)</mo><mo>⊙</mo>{hp}<mo>+</mo>{z}<mo>⊙</mo>{ht}")),
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

/// The equations for unit `j` at step `t` with its numbers, as MathML.
pub fn unit_step_mathml(j: usize, t: usize, u: &UnitStep) -> String {
    let (a, b, c) = u.pre();
    let n = |v: f64| format!("<mn>{}</mn>", fmt_eq(v));
    let ix = |x: &str| {
        format!("<msub><mi>{x}</mi><mrow><mi>t</mi><mo>={t}</mo><mo>,</mo><mi>j</mi><mo>={j}</mo></mrow></msub>")
    };
    let rows = [
        row(&ix("z"), &format!("<mi>σ</mi><mo>(</mo>{}<mo>)</mo><mo>=</mo>{}", n(a), n(u.z))),
        row(&ix("r"), &format!("<mi>σ</mi><mo>(</mo>{}<mo>)</mo><mo>=</mo>{}", n(b), n(u.r))),
        row(&ix("h̃"), &format!("<mi>tanh</mi><mo>(</mo>{}<mo>)</mo><mo>=</mo>{}", n(c), n(u.h_tilde))),
        row(
            &ix("h"),
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

/// The equations panel.
#[component]
pub fn Equations() -> impl IntoView {
    view! {
        <figure class="panel equations">
            <figcaption>"The GRU, as this page computes it"</figcaption>
            // Wide equations scroll sideways in a narrow sidebar: a named, focusable region, so
            // keyboard users can scroll it too.
            <div class="scroll" tabindex="0" role="region" aria-label="GRU equations" inner_html=gru_equations_mathml()></div>
            <p class="hint">
                "z"<sub>"t"</sub>" is the weight of the new candidate: z → 0 copies h"<sub>"t−1"</sub>
                " forward, so ∂h"<sub>"t"</sub>"/∂h"<sub>"t−1"</sub>" ≈ diag(1 − z"<sub>"t"</sub>") ≈ I and the gradient survives. "
                "PyTorch, Keras and Flax call the gate z′ = 1 − z (h"<sub>"t"</sub>" = z′ ⊙ h"<sub>"t−1"</sub>" + (1 − z′) ⊙ n) and apply the reset after the matrix: "
                "n = tanh(W"<sub>"in"</sub>"x + b"<sub>"in"</sub>" + r ⊙ (W"<sub>"hn"</sub>"h + b"<sub>"hn"</sub>")). "
                "Choose “GRU (PyTorch)” in the settings to train that variant; its gates are shown converted to this page's z."
            </p>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn pre_activations_invert_the_gates_and_the_update_recombines() {
        let u = UnitStep {
            z: gru_core::sigmoid(0.3f64),
            r: gru_core::sigmoid(-1.2f64),
            h_tilde: 0.5f64.tanh(),
            h_prev: -0.25,
            h: 0.0,
        };
        let (a, b, c) = u.pre();
        assert!((a - 0.3).abs() < 1e-12 && (b + 1.2).abs() < 1e-12 && (c - 0.5).abs() < 1e-12);
        assert!((u.recombined() - ((1.0 - u.z) * -0.25 + u.z * u.h_tilde)).abs() < 1e-15);
        let m = unit_step_mathml(3, 7, &u);
        assert!(
            m.contains("<mn>0.300</mn>")
                && m.contains("<mn>−1.200</mn>")
                && m.contains("<mo>=7</mo>")
        );
    }
}
