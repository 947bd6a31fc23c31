//! Number formatting for the status line, tables and drill-down.

/// 4 significant digits; scientific below 0.001; "—" for NaN/∞.
pub fn fmt_num(v: f64) -> String {
    if !v.is_finite() {
        return "—".into();
    }
    let a = v.abs();
    if a == 0.0 {
        "0".into()
    } else if a >= 1000.0 || a < 0.001 {
        format!("{v:.2e}")
    } else if a >= 1.0 {
        format!("{v:.3}")
    } else {
        format!("{v:.4}")
    }
}

/// A step count with thousands separators ("4,000").
pub fn fmt_step(n: u64) -> String {
    let d = n.to_string();
    let mut out = String::with_capacity(d.len() + d.len() / 3);
    for (i, c) in d.chars().enumerate() {
        if i > 0 && (d.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A whole number with thin-space thousands separators ("11 321").
pub fn fmt_count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push('\u{2009}');
        }
        out.push(c);
    }
    out
}

/// A quantity with an SI prefix and 3 significant digits ("2.14 M", "512 k", "87").
pub fn fmt_si(v: f64, unit: &str) -> String {
    if !v.is_finite() {
        return "—".into();
    }
    let (x, p) = [(1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")]
        .iter()
        .find(|(s, _)| v.abs() >= *s)
        .map_or((v, ""), |&(s, p)| (v / s, p));
    let n = if x.abs() >= 100.0 {
        format!("{x:.0}")
    } else if x.abs() >= 10.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.2}")
    };
    format!("{n} {p}{unit}")
}

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
        assert_eq!(
            [
                fmt_step(0),
                fmt_step(999),
                fmt_step(1200),
                fmt_step(1234567)
            ],
            ["0", "999", "1,200", "1,234,567"]
        );
        assert_eq!(fmt_eq(-0.0001), "0.000");
        assert_eq!(fmt_count(11321), "11\u{2009}321");
        assert_eq!(fmt_count(881), "881");
        assert_eq!(fmt_count(1_000_000), "1\u{2009}000\u{2009}000");
        assert_eq!(fmt_si(2_140_000.0, "FLOP"), "2.14 MFLOP");
        assert_eq!(fmt_si(512_000.0, "B"), "512 kB");
        assert_eq!(fmt_si(87.0, "B"), "87.0 B");
    }
}
