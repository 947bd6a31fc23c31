//! Number formatting for the status line, tables and drill-down.

pub use gru_lab::fmt::{fmt_count, fmt_num, fmt_si};

/// A signed number with 3 decimals for the equations ("0.123", "−0.456").
pub fn fmt_eq(v: f64) -> String {
    if !v.is_finite() {
        return "—".into();
    }
    let s = format!("{:.3}", v.abs());
    if v < 0.0 && s != "0.000" {
        format!("−{s}")
    } else {
        s
    }
}

/// A piece of text cut by [`split_sci`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Run<'a> {
    /// Text without a number in scientific notation.
    Plain(&'a str),
    /// One number in scientific notation ("4.69e-5").
    Number(&'a str),
}

/// `text` cut into plain runs and numbers in scientific notation, so a page can keep such a
/// number on one line: browsers break a line after the hyphen of "e-".
pub fn split_sci(text: &str) -> Vec<Run<'_>> {
    let b = text.as_bytes();
    let digits_from = |mut i: usize| {
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        i
    };
    let mut out = Vec::new();
    let (mut plain, mut i) = (0, 0);
    while i < b.len() {
        // An 'e' after a digit, then a sign and a digit: "…9e-5".
        let exp = b[i] == b'e'
            && i > 0
            && b[i - 1].is_ascii_digit()
            && matches!(b.get(i + 1), Some(b'-' | b'+'))
            && b.get(i + 2).is_some_and(u8::is_ascii_digit);
        if !exp {
            i += 1;
            continue;
        }
        let mut start = i;
        while start > plain && (b[start - 1].is_ascii_digit() || b[start - 1] == b'.') {
            start -= 1;
        }
        if start > plain && b[start - 1] == b'-' {
            start -= 1;
        }
        let end = digits_from(i + 2);
        if start > plain {
            out.push(Run::Plain(&text[plain..start]));
        }
        out.push(Run::Number(&text[start..end]));
        (plain, i) = (end, end);
    }
    if plain < b.len() {
        out.push(Run::Plain(&text[plain..]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn formats_are_short_and_total() {
        assert_eq!(fmt_num(0.04213), "0.0421");
        assert_eq!(fmt_num(1.5), "1.500");
        assert_eq!(fmt_num(0.00012), "1.20e-4");
        assert_eq!(fmt_num(f64::NAN), "—");
        assert_eq!(fmt_eq(-0.4567), "−0.457");
        assert_eq!(fmt_eq(-0.0001), "0.000");
        assert_eq!(fmt_count(11321), "11\u{2009}321");
        assert_eq!(fmt_count(881), "881");
        assert_eq!(fmt_count(1_000_000), "1\u{2009}000\u{2009}000");
        assert_eq!(fmt_si(2_140_000.0, "FLOP"), "2.14 MFLOP");
        assert_eq!(fmt_si(512_000.0, "B"), "512 kB");
        assert_eq!(fmt_si(87.0, "B"), "87.0 B");
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn scientific_numbers_are_cut_out_whole() {
        use Run::{Number, Plain};
        assert_eq!(
            split_sci("loss GRU 4.69e-5, RNN -1.2e+3 (e-mail 3e-x)"),
            [
                Plain("loss GRU "),
                Number("4.69e-5"),
                Plain(", RNN "),
                Number("-1.2e+3"),
                Plain(" (e-mail 3e-x)")
            ]
        );
        assert_eq!(split_sci("1e-4"), [Number("1e-4")]);
        assert_eq!(split_sci("no numbers"), [Plain("no numbers")]);
        assert!(split_sci("").is_empty());
        // Multi-byte text around a number stays on char boundaries.
        assert_eq!(
            split_sci("‖∂L‖ 2.5e-7 ≤ 1"),
            [Plain("‖∂L‖ "), Number("2.5e-7"), Plain(" ≤ 1")]
        );
    }
}
