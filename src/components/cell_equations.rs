//! The LSTM's and the Elman RNN's equations as MathML (like the GRU's in `equations.rs`),
//! and the LSTM's with one unit's numbers plugged in for the drill-down.

use crate::components::equations::{row, sub};
use crate::format::fmt_eq;

fn table(rows: &[String]) -> String {
    format!(
        "<math display=\"block\"><mtable>{}</mtable></math>",
        rows.concat()
    )
}

/// `σ(W_g x_t + U_g h_{t−1} + b_g)` (or tanh).
fn affine(f: &str, g: &str) -> String {
    format!(
        "<mi>{f}</mi><mo>(</mo>{}{}<mo>+</mo>{}{}<mo>+</mo>{}<mo>)</mo>",
        sub("W", g),
        sub("x", "t"),
        sub("U", g),
        sub("h", "t−1"),
        sub("b", g)
    )
}

/// The six LSTM equations (no peepholes): gates i, f, o, candidate g, cell c, output h.
pub fn lstm_equations_mathml() -> String {
    let (c, cp, h) = (sub("c", "t"), sub("c", "t−1"), sub("h", "t"));
    table(&[
        row(&sub("i", "t"), &affine("σ", "i")),
        row(&sub("f", "t"), &affine("σ", "f")),
        row(&sub("o", "t"), &affine("σ", "o")),
        row(&sub("g", "t"), &affine("tanh", "g")),
        row(
            &c,
            &format!(
                "{}<mo>⊙</mo>{cp}<mo>+</mo>{}<mo>⊙</mo>{}",
                sub("f", "t"),
                sub("i", "t"),
                sub("g", "t")
            ),
        ),
        row(
            &h,
            &format!(
                "{}<mo>⊙</mo><mi>tanh</mi><mo>(</mo>{c}<mo>)</mo>",
                sub("o", "t")
            ),
        ),
    ])
}

/// The Elman RNN: `a_t = W x_t + U h_{t−1} + b`, `h_t = tanh(a_t)` (or ReLU).
pub fn rnn_equations_mathml(act: &str) -> String {
    let a = sub("a", "t");
    table(&[
        row(
            &a,
            &format!(
                "<mi>W</mi>{}<mo>+</mo><mi>U</mi>{}<mo>+</mo><mi>b</mi>",
                sub("x", "t"),
                sub("h", "t−1")
            ),
        ),
        row(
            &sub("h", "t"),
            &format!("<mi>{act}</mi><mo>(</mo>{a}<mo>)</mo>"),
        ),
    ])
}

/// One LSTM unit's step with numbers.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LstmStep {
    /// Input gate i_t[j].
    pub i: f64,
    /// Forget gate f_t[j].
    pub f: f64,
    /// Output gate o_t[j].
    pub o: f64,
    /// Candidate g_t[j].
    pub g: f64,
    /// c_{t−1}[j].
    pub c_prev: f64,
    /// c_t[j] as the model computed it.
    pub c: f64,
    /// h_t[j] as the model computed it.
    pub h: f64,
}

impl LstmStep {
    /// `f·c_{t−1} + i·g` recomputed from the parts.
    pub fn cell(&self) -> f64 {
        self.f * self.c_prev + self.i * self.g
    }
    /// `o·tanh(c_t)` recomputed from the parts.
    pub fn out(&self) -> f64 {
        self.o * self.cell().tanh()
    }
}

/// The LSTM's state update for unit `j` at step `t` with its numbers, as MathML.
pub fn lstm_step_mathml(j: usize, t: usize, u: &LstmStep) -> String {
    let n = |v: f64| format!("<mn>{}</mn>", fmt_eq(v));
    let ix = |x: &str| {
        format!("<msub><mi>{x}</mi><mrow><mi>t</mi><mo>={t}</mo><mo>,</mo><mi>j</mi><mo>={j}</mo></mrow></msub>")
    };
    table(&[
        row(
            &ix("c"),
            &format!(
                "{}<mo>·</mo>{}<mo>+</mo>{}<mo>·</mo>{}<mo>=</mo>{}",
                n(u.f),
                n(u.c_prev),
                n(u.i),
                n(u.g),
                n(u.cell())
            ),
        ),
        row(
            &ix("h"),
            &format!(
                "{}<mo>·</mo><mi>tanh</mi><mo>(</mo>{}<mo>)</mo><mo>=</mo>{}",
                n(u.o),
                n(u.cell()),
                n(u.out())
            ),
        ),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn the_lstm_step_recombines_its_parts_and_prints_them() {
        let u = LstmStep {
            i: 0.25,
            f: 0.9,
            o: 0.5,
            g: -0.4,
            c_prev: 2.0,
            c: 0.0,
            h: 0.0,
        };
        assert!((u.cell() - (0.9 * 2.0 - 0.25 * 0.4)).abs() < 1e-15);
        assert!((u.out() - 0.5 * 1.7f64.tanh()).abs() < 1e-15);
        let m = lstm_step_mathml(2, 5, &u);
        assert!(
            m.contains("<mn>0.900</mn>")
                && m.contains("<mn>1.700</mn>")
                && m.contains("<mo>=5</mo>"),
            "{m}"
        );
        assert!(lstm_equations_mathml().contains("<mi>tanh</mi>"));
        assert!(rnn_equations_mathml("tanh").contains("<msub><mi>a</mi><mi>t</mi></msub>"));
    }
}
