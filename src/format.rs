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
}
