//! The LSTM's and the Elman RNN's equations as MathML (like the GRU's in `equations.rs`; the
//! LSTM's as its gate surgery changes them), and both with one unit's numbers plugged in for
//! the drill-down.

use gru_core::cell::{Carry, GateMode, Nonlinearity, Surgery};

use crate::components::equations::{row, sub, At};
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

/// The LSTM equations as `surgery` changes them: a held forget gate reads `f_t = c ✂ held` and
/// its value stands in the cell update (`f = 1`: `c_t = c_{t−1} + i ⊙ g`); an initial forget
/// bias is noted on the f row (it only chooses where training starts).
pub fn lstm_equations_under(surgery: &Surgery) -> String {
    let (c, cp, h) = (sub("c", "t"), sub("c", "t−1"), sub("h", "t"));
    let (f_rhs, f_in_c) = match surgery.forget {
        GateMode::Fixed(v) => (
            format!("<mn>{v}</mn><mtext>  ✂ held</mtext>"),
            if v == 1.0 {
                String::new()
            } else {
                format!("<mn>{v}</mn><mo>·</mo>")
            },
        ),
        GateMode::Learned => {
            let note = surgery.forget_bias.map_or(String::new(), |b| {
                format!(
                    "<mtext>  (</mtext>{}<mtext> starts at {b}, then learned)</mtext>",
                    sub("b", "f")
                )
            });
            (
                format!("{}{note}", affine("σ", "f")),
                format!("{}<mo>⊙</mo>", sub("f", "t")),
            )
        }
    };
    table(&[
        row(&sub("i", "t"), &affine("σ", "i")),
        row(&sub("f", "t"), &f_rhs),
        row(&sub("o", "t"), &affine("σ", "o")),
        row(&sub("g", "t"), &affine("tanh", "g")),
        row(
            &c,
            &format!(
                "{f_in_c}{cp}<mo>+</mo>{}<mo>⊙</mo>{}",
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

/// `torch.nn.GRU`'s equations (reset after the matrix, two biases per gate, `z′` the weight of
/// the old state) as the "GRU (PyTorch)" cell computes them, with the page's `z = 1 − z′` the
/// charts show; under `surgery` (given in the page's z) a held `z = c` reads `z′ = 1 − c`, a
/// cut carry `z′ = 0` and `h_t = n_t`.
pub fn gru_torch_equations_under(surgery: &Surgery) -> String {
    let (x, hp) = (sub("x", "t"), sub("h", "t−1"));
    let (zp, r, n) = (
        "<msub><mi>z′</mi><mi>t</mi></msub>".to_string(),
        sub("r", "t"),
        sub("n", "t"),
    );
    // σ(W_ig x_t + b_ig + W_hg h_{t−1} + b_hg)
    let gate = |g: &str| {
        format!(
            "<mi>σ</mi><mo>(</mo>{}{x}<mo>+</mo>{}<mo>+</mo>{}{hp}<mo>+</mo>{}<mo>)</mo>",
            sub("W", &format!("i{g}")),
            sub("b", &format!("i{g}")),
            sub("W", &format!("h{g}")),
            sub("b", &format!("h{g}"))
        )
    };
    let held = |c: f64| format!("<mn>{c}</mn><mtext>  ✂ held</mtext>");
    let cut = surgery.carry == Carry::Cut;
    let z_rhs = match (cut, surgery.update) {
        (true, _) => "<mn>0</mn><mtext>  ✂ carry cut (z = 1)</mtext>".to_string(),
        (false, GateMode::Fixed(c)) => {
            // Rounded: 1 − 0.7 would print 0.30000000000000004.
            let zp = ((1.0 - c) * 1e9).round() / 1e9;
            format!("<mn>{zp}</mn><mtext>  ✂ held (z = {c})</mtext>")
        }
        (false, GateMode::Learned) => gate("z"),
    };
    let r_rhs = match surgery.reset {
        GateMode::Fixed(c) => held(c),
        GateMode::Learned => gate("r"),
    };
    let n_rhs = format!(
        "<mi>tanh</mi><mo>(</mo>{}{x}<mo>+</mo>{}<mo>+</mo>{r}<mo>⊙</mo><mo>(</mo>{}{hp}<mo>+</mo>{}<mo>)</mo><mo>)</mo>",
        sub("W", "in"),
        sub("b", "in"),
        sub("W", "hn"),
        sub("b", "hn")
    );
    let h_rhs = if cut {
        format!("{n}<mtext>  ✂ no z′ ⊙ h carry</mtext>")
    } else {
        format!(
            "{zp}<mo>⊙</mo>{hp}<mo>+</mo><mo>(</mo><mn>1</mn><mo>−</mo>{zp}<mo>)</mo><mo>⊙</mo>{n}"
        )
    };
    table(&[
        row(&r, &r_rhs),
        row(&zp, &z_rhs),
        row(&n, &n_rhs),
        row(&sub("h", "t"), &h_rhs),
        row(
            &sub("z", "t"),
            &format!("<mn>1</mn><mo>−</mo>{zp}<mtext>  (the z the charts show)</mtext>"),
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

/// One RNN unit's step with numbers: pre-activation `a`, its slope `act′(a)`, `h_{t−1}`, `h_t`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RnnStep {
    /// Pre-activation a_t[j] = (W x_t + U h_{t−1} + b)_j.
    pub a: f64,
    /// act′(a): 1 − tanh²(a) for tanh.
    pub slope: f64,
    /// h_{t−1}[j].
    pub h_prev: f64,
    /// h_t[j] as the model computed it.
    pub h: f64,
    /// The cell's activation.
    pub act: Nonlinearity,
}

impl RnnStep {
    /// `act(a)` recomputed from the pre-activation.
    pub fn out(&self) -> f64 {
        self.act.apply(self.a)
    }
}

/// The RNN's step for unit `j` at step `t` with its numbers, as MathML:
/// `a = (W x_t + U h_{t−1} + b)_j`, `h = tanh(a)`, `act′(a) = 1 − tanh²(a)`.
pub fn rnn_step_mathml(at: &At, u: &RnnStep) -> String {
    let n = |v: f64| format!("<mn>{}</mn>", fmt_eq(v));
    let ix = |x: &str| at.sub(x);
    let (act, slope) = match u.act {
        Nonlinearity::Relu => (
            "ReLU",
            format!("<mi>ReLU′</mi><mo>(</mo>{}<mo>)</mo>", n(u.a)),
        ),
        Nonlinearity::Tanh => (
            "tanh",
            format!(
                "<mn>1</mn><mo>−</mo><msup><mi>tanh</mi><mn>2</mn></msup><mo>(</mo>{}<mo>)</mo>",
                n(u.a)
            ),
        ),
    };
    table(&[
        row(
            &ix("a"),
            &format!(
                "<msub><mrow><mo>[</mo><mi>W</mi>{}<mo>+</mo><mi>U</mi>{}<mo>+</mo><mi>b</mi><mo>]</mo></mrow><mi>j</mi></msub><mo>=</mo>{}",
                sub("x", "t"),
                sub("h", "t−1"),
                n(u.a)
            ),
        ),
        row(
            &ix("h"),
            &format!(
                "<mi>{act}</mi><mo>(</mo>{}<mo>)</mo><mo>=</mo>{}",
                n(u.a),
                n(u.out())
            ),
        ),
        row(
            &format!("<mi>{act}′</mi><mo>(</mo>{}<mo>)</mo>", ix("a")),
            &format!("{slope}<mo>=</mo>{}", n(u.slope)),
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
pub fn lstm_step_mathml(at: &At, u: &LstmStep) -> String {
    let n = |v: f64| format!("<mn>{}</mn>", fmt_eq(v));
    let ix = |x: &str| at.sub(x);
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
        let m = lstm_step_mathml(
            &At {
                unit: 2,
                step: 5,
                dir: 0,
            },
            &u,
        );
        assert!(
            m.contains("<mn>0.900</mn>")
                && m.contains("<mn>1.700</mn>")
                && m.contains("<mo>=5</mo>"),
            "{m}"
        );
        assert!(lstm_equations_under(&Surgery::default()).contains("<mi>tanh</mi>"));
        assert!(rnn_equations_mathml("tanh").contains("<msub><mi>a</mi><mi>t</mi></msub>"));
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn forget_surgery_rewrites_the_lstm_equations_it_changes() {
        let plain = lstm_equations_under(&Surgery::default());
        let f_c = "<msub><mi>f</mi><mi>t</mi></msub><mo>⊙</mo><msub><mi>c</mi><mi>t−1</mi></msub>";
        assert!(!plain.contains('✂') && plain.contains(f_c), "{plain}");
        let one = lstm_equations_under(&Surgery {
            forget: GateMode::Fixed(1.0),
            ..Surgery::default()
        });
        // f = 1: the row says so and the cell update is c_t = c_{t−1} + i ⊙ g.
        assert!(one.contains("<mn>1</mn><mtext>  ✂ held</mtext>"), "{one}");
        assert!(
            !one.contains(f_c)
                && one.contains(
                    "<mtd columnalign=\"left\"><msub><mi>c</mi><mi>t−1</mi></msub><mo>+</mo>"
                ),
            "{one}"
        );
        let half = lstm_equations_under(&Surgery {
            forget: GateMode::Fixed(0.5),
            ..Surgery::default()
        });
        assert!(
            half.contains("<mn>0.5</mn><mo>·</mo><msub><mi>c</mi><mi>t−1</mi></msub>"),
            "{half}"
        );
        let biased = lstm_equations_under(&Surgery {
            forget_bias: Some(1.0),
            ..Surgery::default()
        });
        assert!(
            biased.contains("starts at 1, then learned") && biased.contains(f_c),
            "{biased}"
        );
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn the_rnn_step_recomputes_h_and_the_slope_from_the_pre_activation() {
        let a = 0.8f64;
        let u = RnnStep {
            a,
            slope: 1.0 - a.tanh().powi(2),
            h_prev: -0.1,
            h: a.tanh(),
            act: Nonlinearity::Tanh,
        };
        assert!((u.out() - u.h).abs() < 1e-15);
        let m = rnn_step_mathml(
            &At {
                unit: 1,
                step: 4,
                dir: 0,
            },
            &u,
        );
        assert!(
            m.contains("<mi>t</mi><mo>=4</mo>") && m.contains("<mn>0.800</mn>"),
            "{m}"
        );
        // On the backward pass the step is s, as on the heatmaps' axis.
        let back = rnn_step_mathml(
            &At {
                unit: 1,
                step: 4,
                dir: 1,
            },
            &u,
        );
        assert!(back.contains("<mi>s</mi><mo>=4</mo>"), "{back}");
        assert!(
            m.contains(&format!("<mn>{}</mn>", fmt_eq(a.tanh()))),
            "h = tanh(a): {m}"
        );
        assert!(
            m.contains(&format!("<mn>{}</mn>", fmt_eq(u.slope))),
            "1 − tanh²: {m}"
        );
    }
}
