//! Number formatting for the status line, tables and drill-down.

pub use gru_lab::fmt::fmt_num;

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
    }
}
