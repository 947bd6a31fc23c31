//! Number formatting shared by the page's tables and the interview answers, so a number in an
//! answer reads exactly as the same number elsewhere on the page.

/// 4 significant digits; scientific below 0.001 and from 1000; "—" for NaN/∞.
pub fn fmt_num(v: f64) -> String {
    if !v.is_finite() {
        return "—".into();
    }
    let a = v.abs();
    if a == 0.0 {
        "0".into()
    } else if !(0.001..1000.0).contains(&a) {
        format!("{v:.2e}")
    } else if a >= 1.0 {
        format!("{v:.3}")
    } else {
        format!("{v:.4}")
    }
}

/// A whole number with thin-space thousands separators ("11 321"), as the cost table shows it.
pub fn fmt_count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{2009}');
        }
        out.push(c);
    }
    out
}

/// `v` rounded to 3 significant digits (the digits the formatters below show).
fn sig3(v: f64) -> f64 {
    format!("{v:.2e}").parse().unwrap_or(v)
}

/// A quantity with an SI prefix and 3 significant digits ("2.14 M", "512 k", "87").
pub fn fmt_si(v: f64, unit: &str) -> String {
    if !v.is_finite() {
        return "—".into();
    }
    // Rounded first, so 999 600 reads "1.00 M", not "1000 k".
    let v = sig3(v);
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

/// Milliseconds with 3 significant digits ("12.3", "0.874"); "—" for NaN/∞. The cost table and
/// the interview's answers both use it, so the same figure reads the same in both.
pub fn fmt_ms(ms: f64) -> String {
    // Rounded to 3 significant digits first, so 99.96 reads "100", not "100.0".
    match sig3(ms) {
        m if !m.is_finite() => "—".into(),
        m if m >= 100.0 => format!("{m:.0}"),
        m if m >= 10.0 => format!("{m:.1}"),
        m if m >= 1.0 => format!("{m:.2}"),
        m => format!("{m:.3}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_the_same_everywhere() {
        assert_eq!(fmt_num(0.04213), "0.0421");
        assert_eq!(fmt_num(1.5), "1.500");
        assert_eq!(fmt_num(0.00012), "1.20e-4");
        assert_eq!(fmt_num(f64::INFINITY), "—");
        assert_eq!(fmt_count(912), "912");
        assert_eq!(fmt_count(1280), "1\u{2009}280");
        assert_eq!(fmt_count(1_234_567), "1\u{2009}234\u{2009}567");
        assert_eq!(fmt_si(2_140_000.0, "FLOP"), "2.14 MFLOP");
        assert_eq!(fmt_si(87.0, "B"), "87.0 B");
        // Rounding never shows four digits or stays below its prefix.
        assert_eq!(fmt_si(999_600.0, "B"), "1.00 MB");
        assert_eq!(fmt_si(99.96, "B"), "100 B");
        assert_eq!(fmt_si(9.996e3, "B"), "10.0 kB");
        assert_eq!(fmt_ms(99.96), "100");
        assert_eq!(fmt_ms(9.9996), "10.0");
        assert_eq!(fmt_ms(0.99996), "1.00");
        assert_eq!(fmt_ms(12.34), "12.3");
    }
}
