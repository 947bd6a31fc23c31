//! The equations of the TCN and the attention model as gru-core computes them
//! (`seq/tcn/mod.rs`, `seq/attention/mod.rs`), as MathML: row vectors, `y = x W`.

use crate::components::equations::{row, sub};

/// `<mi>` for a plain name.
fn mi(x: &str) -> String {
    format!("<mi>{x}</mi>")
}

/// Wraps rows into a block `<math>` table.
fn table(rows: &[String]) -> String {
    format!(
        "<math display=\"block\"><mtable>{}</mtable></math>",
        rows.concat()
    )
}

/// The TCN: level `l` (dilation `2^l`, kernel `k`), ReLU before the residual sum, head at the
/// last step. `kernel`, `levels` and `rf` are the run's own.
pub fn tcn_equations_mathml(kernel: usize, levels: Option<usize>, rf: Option<usize>) -> String {
    let a = sub("a", "l,t");
    let h = sub("h", "l,t");
    let conv = format!(
        "{}<mo>+</mo><munderover><mo>∑</mo><mrow><mi>j</mi><mo>=</mo><mn>0</mn></mrow><mrow><mi>k</mi><mo>−</mo><mn>1</mn></mrow></munderover>{}<msub><mi>W</mi><mrow><mi>l</mi><mo>,</mo><mi>j</mi></mrow></msub>",
        sub("b", "l"),
        "<msub><mi>h</mi><mrow><mi>l</mi><mo>−</mo><mn>1</mn><mo>,</mo><mi>t</mi><mo>−</mo><mi>j</mi><mo>·</mo><msup><mn>2</mn><mi>l</mi></msup></mrow></msub>"
    );
    let res = "<mtext>ReLU</mtext><mo>(</mo>".to_string()
        + &a
        + "<mo>)</mo><mo>+</mo><mtext>res</mtext><mo>(</mo><msub><mi>h</mi><mrow><mi>l</mi><mo>−</mo><mn>1</mn><mo>,</mo><mi>t</mi></mrow></msub><mo>)</mo>";
    let y = format!(
        "<msub><mi>h</mi><mrow><mi>L</mi><mo>−</mo><mn>1</mn><mo>,</mo><mi>T</mi></mrow></msub>{}<mo>+</mo>{}",
        sub("W", "o"),
        sub("b", "o")
    );
    let r = "<mn>1</mn><mo>+</mo><mo>(</mo><mi>k</mi><mo>−</mo><mn>1</mn><mo>)</mo><mo>(</mo><msup><mn>2</mn><mi>L</mi></msup><mo>−</mo><mn>1</mn><mo>)</mo>".to_string()
        + &match (levels, rf) {
            (Some(l), Some(r)) => format!("<mo>=</mo><mn>{r}</mn><mtext>\u{2003}(k = {kernel}, L = {l})</mtext>"),
            (None, Some(r)) => format!("<mo>=</mo><mn>{r}</mn>"),
            _ => String::new(),
        };
    table(&[
        row(&a, &conv),
        row(&h, &res),
        row(&mi("y"), &y),
        row(&mi("r"), &r),
    ])
}

/// The attention model: pre-LN, one causal layer with `heads` heads, feed-forward, final layer
/// norm and head. With `n` heads each head `h` attends over its `D/n` columns of q, k, v.
pub fn attention_equations_mathml(heads: usize) -> String {
    let e = sub("e", "t");
    let one = heads <= 1;
    let p = if one {
        "<mi>P</mi>"
    } else {
        "<msub><mi>P</mi><mi>h</mi></msub>"
    };
    let (qk, scale) = if one {
        (
            "<mi>q</mi><msup><mi>k</mi><mo>⊤</mo></msup>".to_string(),
            "<msqrt><mi>D</mi></msqrt>".to_string(),
        )
    } else {
        (
            "<msub><mi>q</mi><mi>h</mi></msub><msubsup><mi>k</mi><mi>h</mi><mo>⊤</mo></msubsup>"
                .to_string(),
            format!("<msqrt><mi>D</mi><mo>/</mo><mn>{heads}</mn></msqrt>"),
        )
    };
    let mix = if one {
        "<mi>P</mi><mi>v</mi>".to_string()
    } else {
        format!(
            "<mo>[</mo><msub><mi>P</mi><mn>1</mn></msub><msub><mi>v</mi><mn>1</mn></msub><mo>,</mo><mo>…</mo><mo>,</mo><msub><mi>P</mi><mn>{heads}</mn></msub><msub><mi>v</mi><mn>{heads}</mn></msub><mo>]</mo>"
        )
    };
    let heads_note = if one {
        String::new()
    } else {
        format!(
            "<mtext>, h = 1…{heads} (columns (h−1)·D/{heads} … h·D/{heads} − 1 of q, k, v)</mtext>"
        )
    };
    table(&[
        row(
            &e,
            &format!(
                "{}{}<mo>+</mo>{}<mo>+</mo>{}",
                sub("x", "t"),
                sub("W", "in"),
                sub("b", "in"),
                sub("pos", "t")
            ),
        ),
        row(
            "<mrow><mi>q</mi><mo>,</mo><mi>k</mi><mo>,</mo><mi>v</mi></mrow>",
            "<mtext>LN₁</mtext><mo>(</mo><mi>e</mi><mo>)</mo><mo>·</mo><mo>(</mo><msub><mi>W</mi><mi>q</mi></msub><mo>,</mo><msub><mi>W</mi><mi>k</mi></msub><mo>,</mo><msub><mi>W</mi><mi>v</mi></msub><mo>)</mo><mo>+</mo><mi>b</mi>",
        ),
        row(
            p,
            &format!("<mtext>softmax</mtext><mo>(</mo>{qk}<mo>/</mo>{scale}<mo>+</mo><mi>M</mi><mo>)</mo><mtext>,  </mtext><msub><mi>M</mi><mi>ij</mi></msub><mo>=</mo><mo>−</mo><mi>∞</mi><mtext> for </mtext><mi>j</mi><mo>&gt;</mo><mi>i</mi>{heads_note}"),
        ),
        row(
            &sub("r", "1"),
            &format!(
                "<mi>e</mi><mo>+</mo>{mix}{}<mo>+</mo>{}",
                sub("W", "ao"),
                sub("b", "ao")
            ),
        ),
        row(
            &sub("r", "2"),
            "<msub><mi>r</mi><mn>1</mn></msub><mo>+</mo><mtext>ReLU</mtext><mo>(</mo><mtext>LN₂</mtext><mo>(</mo><msub><mi>r</mi><mn>1</mn></msub><mo>)</mo><msub><mi>W</mi><mn>1</mn></msub><mo>+</mo><msub><mi>b</mi><mn>1</mn></msub><mo>)</mo><msub><mi>W</mi><mn>2</mn></msub><mo>+</mo><msub><mi>b</mi><mn>2</mn></msub>",
        ),
        row(
            &mi("y"),
            &format!(
                "<msub><mtext>LN</mtext><mi>f</mi></msub><mo>(</mo><msub><mi>r</mi><mrow><mn>2</mn><mo>,</mo><mi>T</mi></mrow></msub><mo>)</mo>{}<mo>+</mo>{}",
                sub("W", "o"),
                sub("b", "o")
            ),
        ),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn the_tcn_equations_state_the_runs_receptive_field() {
        let m = tcn_equations_mathml(2, Some(8), Some(256));
        assert!(m.contains("<mn>256</mn>") && m.contains("k = 2, L = 8"));
        assert_eq!(m.matches("<mtr>").count(), 4);
        assert!(tcn_equations_mathml(3, Some(3), Some(15)).contains("k = 3, L = 3"));
        let one = attention_equations_mathml(1);
        assert_eq!(one.matches("<mtr>").count(), 6);
        assert!(one.contains("<msqrt><mi>D</mi></msqrt>") && !one.contains("h = 1"));
        let four = attention_equations_mathml(4);
        assert!(four.contains("<mi>D</mi><mo>/</mo><mn>4</mn>") && four.contains("h = 1…4"));
    }
}
